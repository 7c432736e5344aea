/* Volume descriptor set, UDF recognition sequence and Rock Ridge signature parsing. */
#include "common/inspect/voldesc.h"
#include "common/base/unicode.h"
#include "common/base/bytes.h"

#include <stdio.h>
#include <string.h>

/* Appends code point c as UTF-8; returns the new length or len if out of room. */
/* A d-/a-character field: bytes, non-printable ones shown as '?', trailing blanks dropped.
 * For Joliet the field is UCS-2 big endian (Joliet spec 3.1). */
static void text_field(const unsigned char *p, size_t n, bool ucs2, char *out, size_t size)
{
	size_t len = 0;
	if (ucs2) {
		for (size_t i = 0; i + 1 < n; i += 2) {
			unsigned c = (unsigned)p[i] << 8 | p[i + 1];
			if (c == 0)
				break;
			if (c < 0x20 || (c >= 0xd800 && c < 0xe000))
				c = '?';
			len = img_utf8_append(out, len, size, c);
		}
	} else {
		for (size_t i = 0; i < n && len + 1 < size; i++) {
			unsigned char c = p[i];
			if (c == 0)
				break;
			out[len++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		}
	}
	out[len] = '\0';
	while (len > 0 && out[len - 1] == ' ')
		out[--len] = '\0';
}

/* ECMA-119 8.4.26.1: 16 digits and a signed offset in 15-minute units; all zero = unset. */
static void date_field(const unsigned char *p, char out[32])
{
	out[0] = '\0';
	bool zero = true;
	for (int i = 0; i < 16; i++) {
		if (p[i] < '0' || p[i] > '9')
			return;
		if (p[i] != '0')
			zero = false;
	}
	if (zero)
		return;
	int off = (signed char)p[16];
	if (off < -48 || off > 52)
		off = 0;
	int m = off < 0 ? -off * 15 : off * 15;
	snprintf(out, 32, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.%.2s%c%02d:%02d", p, p + 4, p + 6, p + 8,
		 p + 10, p + 12, p + 14, off < 0 ? '-' : '+', m / 60, m % 60);
}

const char *img_vd_kind_name(enum img_vd_kind kind)
{
	switch (kind) {
	case IMG_VD_BOOT: return "boot";
	case IMG_VD_PRIMARY: return "primary";
	case IMG_VD_JOLIET: return "joliet";
	case IMG_VD_ISO1999: return "iso9660:1999";
	case IMG_VD_SUPPLEMENTARY: return "supplementary";
	case IMG_VD_PARTITION: return "partition";
	case IMG_VD_TERMINATOR: return "terminator";
	default: return "unknown";
	}
}

int img_vd_parse(const unsigned char *b, uint32_t sector, struct img_vd *v,
		 struct img_error *err)
{
	memset(v, 0, sizeof(*v));
	v->sector = sector;
	if (memcmp(b + 1, "CD001", 5) != 0)
		return img_error_set(err, IMG_ECORRUPT,
				     "volume descriptor at sector %u (byte %llu): no CD001 "
				     "identifier", sector,
				     (unsigned long long)sector * IMG_ISO_SECTOR + 1);
	v->type = b[0];
	v->version = b[6];
	switch (v->type) {
	case 0:
		v->kind = IMG_VD_BOOT;
		text_field(b + 7, 32, false, v->boot_system_id, sizeof(v->boot_system_id));
		/* El Torito 1.0 section 2.0: the catalog pointer follows the two ids. */
		if (strcmp(v->boot_system_id, "EL TORITO SPECIFICATION") == 0) {
			v->el_torito = true;
			v->boot_catalog = img_le32(b + 71);
		}
		return IMG_OK;
	case 1:
		v->kind = IMG_VD_PRIMARY;
		break;
	case 2:
		v->kind = v->version == 2 ? IMG_VD_ISO1999 : IMG_VD_SUPPLEMENTARY;
		/* Joliet 2.0: escape sequences %/@, %/C, %/E for UCS-2 levels 1, 2, 3. */
		for (int i = 88; i + 2 < 120 && v->kind == IMG_VD_SUPPLEMENTARY; i++) {
			if (b[i] == '%' && b[i + 1] == '/') {
				int lvl = b[i + 2] == '@' ? 1 : b[i + 2] == 'C' ? 2 :
					  b[i + 2] == 'E' ? 3 : 0;
				if (lvl) {
					v->kind = IMG_VD_JOLIET;
					v->joliet_level = lvl;
				}
			}
		}
		break;
	case 3:
		v->kind = IMG_VD_PARTITION;
		return IMG_OK;
	case 255:
		v->kind = IMG_VD_TERMINATOR;
		return IMG_OK;
	default:
		v->kind = IMG_VD_UNKNOWN;
		return IMG_OK;
	}
	bool u = v->kind == IMG_VD_JOLIET;
	text_field(b + 8, 32, u, v->system_id, sizeof(v->system_id));
	text_field(b + 40, 32, u, v->volume_id, sizeof(v->volume_id));
	v->volume_space_size = img_le32(b + 80);
	v->set_size = img_le16(b + 120);
	v->seq_number = img_le16(b + 124);
	v->block_size = img_le16(b + 128);
	v->path_table_size = img_le32(b + 132);
	/* 8.4.14-8.4.17: type L tables little-endian, type M big-endian; 0 means none. */
	v->path_table_l = img_le32(b + 140);
	v->path_table_l_opt = img_le32(b + 144);
	v->path_table_m = img_be32(b + 148);
	v->path_table_m_opt = img_be32(b + 152);
	/* Root directory record (ECMA-119 8.4.18, 9.1): extent at +2, data length at +10. */
	if (b[156] < 34)
		return img_error_set(err, IMG_ECORRUPT,
				     "%s volume descriptor at sector %u: root directory record "
				     "length %u at byte %llu is below 34", img_vd_kind_name(v->kind),
				     sector, b[156],
				     (unsigned long long)sector * IMG_ISO_SECTOR + 156);
	v->root_extent = img_le32(b + 158);
	v->root_size = img_le32(b + 166);
	text_field(b + 190, 128, u, v->volume_set_id, sizeof(v->volume_set_id));
	text_field(b + 318, 128, u, v->publisher_id, sizeof(v->publisher_id));
	text_field(b + 446, 128, u, v->preparer_id, sizeof(v->preparer_id));
	text_field(b + 574, 128, u, v->application_id, sizeof(v->application_id));
	text_field(b + 702, 37, u, v->copyright_file, sizeof(v->copyright_file));
	text_field(b + 739, 37, u, v->abstract_file, sizeof(v->abstract_file));
	text_field(b + 776, 37, u, v->biblio_file, sizeof(v->biblio_file));
	date_field(b + 813, v->created);
	date_field(b + 830, v->modified);
	date_field(b + 847, v->expires);
	date_field(b + 864, v->effective);
	v->file_structure_version = b[881];
	if (v->block_size != 512 && v->block_size != 1024 && v->block_size != 2048)
		return img_error_set(err, IMG_ECORRUPT,
				     "%s volume descriptor at sector %u: logical block size %u at "
				     "byte %llu is not 512, 1024 or 2048",
				     img_vd_kind_name(v->kind), sector, v->block_size,
				     (unsigned long long)sector * IMG_ISO_SECTOR + 128);
	return IMG_OK;
}

int img_vd_read(struct img_source *src, struct img_vdset *out, struct img_error *err)
{
	/* Not the whole set: it is 150 KB, and each descriptor read is cleared when parsed. */
	out->count = 0;
	memset(out->udf_nsr, 0, sizeof(out->udf_nsr));
	out->udf_bea = false;
	unsigned char b[IMG_ISO_SECTOR];
	uint32_t sector = 16;
	bool terminated = false;
	for (; out->count < IMG_VD_MAX; sector++) {
		int rc = img_source_read(src, (uint64_t)sector * IMG_ISO_SECTOR, b, sizeof(b),
					 "volume descriptor", err);
		if (rc != IMG_OK)
			return rc;
		struct img_vd *v = &out->vd[out->count];
		if ((rc = img_vd_parse(b, sector, v, err)) != IMG_OK)
			return rc;
		out->count++;
		if (v->kind == IMG_VD_TERMINATOR) {
			terminated = true;
			break;
		}
	}
	if (!terminated)
		return img_error_set(err, IMG_ECORRUPT,
				     "volume descriptor set: no terminator in sectors 16-%u", sector);
	if (img_vd_find(out, IMG_VD_PRIMARY) == NULL)
		return img_error_set(err, IMG_ECORRUPT,
				     "volume descriptor set: no primary volume descriptor");
	/* ECMA-167 2/9.1: the extended area holds BEA01, NSR02/NSR03, TEA01 right after. */
	for (uint32_t s = sector + 1; s < sector + 1 + 16; s++) {
		if (img_source_read(src, (uint64_t)s * IMG_ISO_SECTOR, b, sizeof(b), "VRS",
				    NULL) != IMG_OK)
			break;
		if (b[0] != 0)
			break;
		if (memcmp(b + 1, "BEA01", 5) == 0)
			out->udf_bea = true;
		else if (memcmp(b + 1, "NSR02", 5) == 0 || memcmp(b + 1, "NSR03", 5) == 0)
			memcpy(out->udf_nsr, b + 1, 5);
		else if (memcmp(b + 1, "TEA01", 5) == 0)
			break;
		else if (memcmp(b + 1, "BOOT2", 5) != 0 && memcmp(b + 1, "CDW02", 5) != 0)
			break;
	}
	return IMG_OK;
}

const struct img_vd *img_vd_find(const struct img_vdset *set, enum img_vd_kind kind)
{
	for (int i = 0; i < set->count; i++)
		if (set->vd[i].kind == kind)
			return &set->vd[i];
	return NULL;
}

/* Continuation areas followed at most (SUSP 5.1); real images use one or two. */
#define MAX_CE 16

int img_vd_rock_ridge(struct img_source *src, const struct img_vd *pvd, char version[16],
		      struct img_error *err)
{
	version[0] = '\0';
	unsigned char b[IMG_ISO_SECTOR];
	uint64_t base = (uint64_t)pvd->root_extent * pvd->block_size;
	int rc = img_source_read(src, base, b, sizeof(b), "root directory", err);
	if (rc != IMG_OK)
		return rc;
	/* The "." record of the root holds SP (SUSP 5.3) and usually ER (5.5). */
	unsigned rec = b[0], nlen = b[32];
	if (rec < 34 || 33 + nlen > rec)
		return img_error_set(err, IMG_ECORRUPT,
				     "root directory: first record at byte %llu has length %u "
				     "and name length %u", (unsigned long long)base, rec, nlen);
	size_t pos = 33 + nlen + (nlen % 2 == 0 ? 1 : 0);
	size_t end = rec;
	unsigned char area[IMG_ISO_SECTOR];
	const unsigned char *p = b;
	uint64_t area_off = base;
	bool sp = false, rr = false;
	for (int hops = 0; hops <= MAX_CE;) {
		uint64_t next_ce = 0;
		uint32_t ce_len = 0;
		while (pos + 4 <= end) {
			unsigned len = p[pos + 2];
			if (len < 4 || pos + len > end)
				return img_error_set(err, IMG_ECORRUPT,
						     "Rock Ridge: SUSP entry %.2s at byte %llu has "
						     "length %u beyond its area",
						     (const char *)p + pos,
						     (unsigned long long)(area_off + pos), len);
			const unsigned char *e = p + pos;
			if (memcmp(e, "SP", 2) == 0 && len >= 7 && e[4] == 0xbe && e[5] == 0xef)
				sp = true;
			else if (memcmp(e, "ER", 2) == 0 && len >= 8 && 8u + e[4] <= len) {
				if ((e[4] == 10 && memcmp(e + 8, "RRIP_1991A", 10) == 0))
					snprintf(version, 16, "1.10");
				else if ((e[4] == 10 && memcmp(e + 8, "IEEE_P1282", 10) == 0) ||
					 (e[4] == 9 && memcmp(e + 8, "IEEE_1282", 9) == 0))
					snprintf(version, 16, "1.12");
			} else if ((memcmp(e, "RR", 2) == 0 || memcmp(e, "PX", 2) == 0))
				rr = true;
			else if (memcmp(e, "CE", 2) == 0 && len >= 28) {
				next_ce = (uint64_t)img_le32(e + 4) * pvd->block_size + img_le32(e + 12);
				ce_len = img_le32(e + 20);
			} else if (memcmp(e, "ST", 2) == 0)
				break;
			pos += len;
		}
		if (next_ce == 0 || ++hops > MAX_CE)
			break;
		if (ce_len > sizeof(area))
			return img_error_set(err, IMG_ECORRUPT,
					     "Rock Ridge: continuation area length %u at byte %llu "
					     "exceeds one block", ce_len,
					     (unsigned long long)next_ce);
		if ((rc = img_source_read(src, next_ce, area, ce_len, "Rock Ridge continuation",
					  err)) != IMG_OK)
			return rc;
		p = area;
		area_off = next_ce;
		pos = 0;
		end = ce_len;
	}
	/* RRIP 1.09 and older writers put no ER entry; PX/RR entries alone still mean RR. */
	if (version[0] == '\0' && sp && rr)
		snprintf(version, 16, "1.09");
	return IMG_OK;
}
