/* El Torito boot catalog parser. */
#include "common/inspect/eltorito.h"
#include "common/base/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *img_eltorito_platform_name(int platform)
{
	switch (platform) {
	case 0x00: return "x86";
	case 0x01: return "PowerPC";
	case 0x02: return "Mac";
	case 0xef: return "EFI";
	default: return "unknown";
	}
}

const char *img_eltorito_emulation_name(int emulation)
{
	switch (emulation) {
	case IMG_EMU_NONE: return "none";
	case IMG_EMU_FLOPPY_1200: return "floppy-1.2M";
	case IMG_EMU_FLOPPY_1440: return "floppy-1.44M";
	case IMG_EMU_FLOPPY_2880: return "floppy-2.88M";
	case IMG_EMU_HARD_DISK: return "hard-disk";
	default: return "unknown";
	}
}

static void fill_entry(struct img_boot_entry *e, const unsigned char *p)
{
	e->bootable = p[0] == 0x88;
	e->emulation = p[1] & 0x0f;
	e->load_segment = img_le16(p + 2);
	e->system_type = p[4];
	e->sector_count = img_le16(p + 6);
	e->load_rba = img_le32(p + 8);
	switch (e->emulation) {
	case IMG_EMU_FLOPPY_1200: e->image_size = 1200 * 1024; break;
	case IMG_EMU_FLOPPY_1440: e->image_size = 1440 * 1024; break;
	case IMG_EMU_FLOPPY_2880: e->image_size = 2880 * 1024; break;
	default: e->image_size = (uint64_t)e->sector_count * 512; break;
	}
}

#define AT(off) ((unsigned long long)sector * 2048 + (off))

int img_eltorito_parse(const unsigned char *buf, size_t len, uint32_t sector,
		       struct img_boot_catalog *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	out->sector = sector;
	if (len < 64)
		return img_error_set(err, IMG_ECORRUPT,
				     "boot catalog at byte %llu: shorter than two entries", AT(0));
	/* 2.1 Validation entry: header 1, key 55 AA, words summing to zero. */
	if (buf[0] != 1)
		return img_error_set(err, IMG_ECORRUPT,
				     "boot catalog validation entry at byte %llu: header id %u, "
				     "expected 1", AT(0), buf[0]);
	if (buf[30] != 0x55 || buf[31] != 0xaa)
		return img_error_set(err, IMG_ECORRUPT,
				     "boot catalog validation entry at byte %llu: key bytes "
				     "%02x %02x, expected 55 AA", AT(30), buf[30], buf[31]);
	uint16_t sum = 0;
	for (int i = 0; i < 32; i += 2)
		sum = (uint16_t)(sum + img_le16(buf + i));
	if (sum != 0)
		return img_error_set(err, IMG_ECORRUPT,
				     "boot catalog validation entry at byte %llu: checksum does "
				     "not sum to zero (sum 0x%04x)", AT(28), sum);
	out->platform = buf[1];
	memcpy(out->id, buf + 4, 24);
	for (int i = 0; i < 24; i++)
		if (out->id[i] != 0 && (out->id[i] < 0x20 || out->id[i] > 0x7e))
			out->id[i] = '?';
	out->id[24] = '\0';
	for (int i = 23; i >= 0 && (out->id[i] == ' ' || out->id[i] == 0); i--)
		out->id[i] = '\0';

	/* 2.2 Initial/default entry. */
	const unsigned char *p = buf + 32;
	if (p[0] != 0x88 && p[0] != 0x00)
		return img_error_set(err, IMG_ECORRUPT,
				     "boot catalog initial entry at byte %llu: boot indicator "
				     "0x%02x, expected 0x88 or 0x00", AT(32), p[0]);
	struct img_boot_entry *e = &out->entries[out->count++];
	fill_entry(e, p);
	e->index = 1;
	e->platform = out->platform;
	e->catalog_offset = 32;

	/* 2.3-2.5 Section headers, section entries and extension entries. */
	size_t pos = 64;
	int section = 0;
	bool final = false;
	while (!final && pos + 32 <= len) {
		p = buf + pos;
		if (p[0] != 0x90 && p[0] != 0x91)
			break; /* end of the catalog: zero or unused entry */
		final = p[0] == 0x91;
		int platform = p[1];
		unsigned n = img_le16(p + 2);
		section++;
		pos += 32;
		if (n > (len - pos) / 32)
			return img_error_set(err, IMG_ECORRUPT,
					     "boot catalog section header at byte %llu: %u entries "
					     "run past the catalog", AT(pos - 32), n);
		for (unsigned i = 0; i < n; i++) {
			if (pos + 32 > len)
				return img_error_set(err, IMG_ECORRUPT,
						     "boot catalog section %d at byte %llu: entries "
						     "run past the catalog", section, AT(pos));
			p = buf + pos;
			if (p[0] != 0x88 && p[0] != 0x00)
				return img_error_set(err, IMG_ECORRUPT,
						     "boot catalog section entry at byte %llu: boot "
						     "indicator 0x%02x", AT(pos), p[0]);
			if (out->count >= IMG_ELTORITO_MAX_ENTRIES)
				return img_error_set(err, IMG_ECORRUPT,
						     "boot catalog at byte %llu: more than %d "
						     "entries", AT(pos), IMG_ELTORITO_MAX_ENTRIES);
			e = &out->entries[out->count++];
			fill_entry(e, p);
			e->index = out->count;
			e->section = section;
			e->platform = platform;
			e->catalog_offset = (uint32_t)pos;
			bool more = p[1] & 0x20;
			pos += 32;
			/* 2.5 extension entries (0x44) chain while bit 5 of byte 1 is set. */
			while (more) {
				if (pos + 32 > len || buf[pos] != 0x44)
					return img_error_set(err, IMG_ECORRUPT,
							     "boot catalog extension entry at byte "
							     "%llu: missing or bad indicator",
							     AT(pos));
				more = buf[pos + 1] & 0x20;
				pos += 32;
			}
		}
	}
	return IMG_OK;
}

/* Boot info table (mkisofs -boot-info-table, El Torito's isolinux convention): bytes 8-23 of
 * the boot file hold the PVD sector, the file's own LBA, its length and a 32-bit sum of its
 * little-endian words from byte 64 to the end of the file. */
#define MAX_INFO_TABLE_LEN (64u << 20)

/* Adds the little-endian 32-bit words of p[0..n) to sum.  A last word cut short by the end of
 * the file counts as if zero-padded: mkisofs/genisoimage pad the read buffer with zeros and
 * libisofs (make_boot_info_table) adds the leftover bytes as a short little-endian number,
 * which is the same thing.  GRUB's eltorito.img (29,541 bytes) ends in such a word.  Callers
 * feed the file in chunks whose lengths are multiples of 4, except the last. */
static uint32_t info_table_sum(uint32_t sum, const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (; i + 4 <= n; i += 4)
		sum += img_le32(p + i);
	uint32_t tail = 0;
	for (size_t k = 0; i + k < n; k++)
		tail |= (uint32_t)p[i + k] << (8 * k);
	return sum + tail;
}

static void check_info_table(struct img_source *src, struct img_boot_entry *e)
{
	unsigned char head[64];
	uint64_t off = (uint64_t)e->load_rba * 2048;
	if (img_source_read(src, off, head, sizeof(head), "boot image", NULL) != IMG_OK)
		return;
	uint32_t pvd = img_le32(head + 8), lba = img_le32(head + 12), length = img_le32(head + 16);
	uint32_t csum = img_le32(head + 20);
	/* Bytes that merely look like a table (any boot code may hold them) are not one unless
	 * they name a PVD and this very image: only then is the checksum checked.  The PVD is
	 * at 16, or, in a session that xorriso appended (-boot_image isolinux patch), at the
	 * session's start + 16, where a primary descriptor must then be found. */
	if (lba != e->load_rba || length < 64 || length > MAX_INFO_TABLE_LEN)
		return;
	if (pvd != 16) {
		static const unsigned char primary[7] = {1, 'C', 'D', '0', '0', '1', 1};
		unsigned char vd[7];
		if (pvd < 16 || img_source_read(src, (uint64_t)pvd * 2048, vd, sizeof(vd),
						"boot info table PVD", NULL) != IMG_OK ||
		    memcmp(vd, primary, sizeof(vd)) != 0)
			return;
	}
	e->info_table = true;
	e->info_table_length = length;
	e->info_table_csum = csum;
	if (off + length > img_source_size(src))
		return; /* info_table_complete stays false: the file runs past the image's end */
	unsigned char buf[8192];
	uint32_t sum = 0;
	for (uint64_t pos = 64; pos < length;) {
		size_t n = length - pos < sizeof(buf) ? (size_t)(length - pos) : sizeof(buf);
		if (img_source_read(src, off + pos, buf, n, "boot image", NULL) != IMG_OK)
			return;
		sum = info_table_sum(sum, buf, n);
		pos += n;
	}
	e->info_table_complete = true;
	e->info_table_sum = sum;
	e->info_table_csum_ok = sum == csum;
}

int img_eltorito_read(struct img_source *src, uint32_t sector, struct img_boot_catalog *out,
		      struct img_error *err)
{
	uint64_t off = (uint64_t)sector * 2048, size = img_source_size(src);
	if (off >= size)
		return img_error_set(err, IMG_ECORRUPT,
				     "boot catalog: sector %u (byte %llu) lies past the end of the "
				     "image", sector, (unsigned long long)off);
	size_t len = IMG_ELTORITO_MAX_SECTORS * 2048;
	if (size - off < len)
		len = (size_t)(size - off);
	unsigned char *buf = malloc(len);
	if (buf == NULL)
		return img_error_set(err, IMG_ENOMEM, "boot catalog");
	int rc = img_source_read(src, off, buf, len, "boot catalog", err);
	if (rc == IMG_OK)
		rc = img_eltorito_parse(buf, len, sector, out, err);
	free(buf);
	if (rc != IMG_OK)
		return rc;
	for (int i = 0; i < out->count; i++)
		check_info_table(src, &out->entries[i]);
	return IMG_OK;
}
