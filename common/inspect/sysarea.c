/* MBR, GPT and APM parsing. */
#include "common/inspect/sysarea.h"
#include "common/base/unicode.h"
#include "common/base/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t img_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	static int ready;
	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	const unsigned char *p = buf;
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* GUIDs are stored with their first three fields little endian (UEFI appendix A). */
static void guid_text(const unsigned char *g, char out[37])
{
	snprintf(out, 37, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", img_le32(g), img_le16(g + 4),
		 img_le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static void utf16le_name(const unsigned char *p, size_t units, char *out, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; i < units; i++) {
		unsigned c = img_le16(p + 2 * i);
		if (c == 0)
			break;
		if (c < 0x20 || (c >= 0xd800 && c < 0xe000))
			c = '?';
		size_t grown = img_utf8_append(out, len, size, c);
		if (grown == len)
			break;
		len = grown;
	}
	out[len] = '\0';
}

static void ascii_field(const unsigned char *p, size_t n, char *out)
{
	size_t len = 0;
	for (size_t i = 0; i < n && p[i] != 0; i++)
		out[len++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	out[len] = '\0';
}

/* Validates a GPT header of 512 bytes read at byte off: signature and header CRC. */
static bool gpt_header_valid(const unsigned char *h, bool *crc_ok)
{
	*crc_ok = false;
	if (memcmp(h, "EFI PART", 8) != 0)
		return false;
	uint32_t hsize = img_le32(h + 12);
	if (hsize < 92 || hsize > 512)
		return true;
	unsigned char copy[512];
	memcpy(copy, h, 512);
	memset(copy + 16, 0, 4);
	*crc_ok = img_crc32(0, copy, hsize) == img_le32(h + 16);
	return true;
}

static int read_gpt(struct img_source *src, struct img_sysarea *s, struct img_error *err)
{
	unsigned char h[512];
	if (img_source_read(src, 512, h, sizeof(h), "GPT header", NULL) != IMG_OK)
		return IMG_OK;
	bool crc_ok;
	if (!gpt_header_valid(h, &crc_ok))
		return IMG_OK;
	s->gpt = true;
	s->gpt_header_crc_ok = crc_ok;
	s->gpt_revision = img_le32(h + 8);
	uint32_t hsize = img_le32(h + 12);
	if (hsize < 92 || hsize > 512)
		return img_error_set(err, IMG_ECORRUPT,
				     "GPT header at byte 512: header size %u at byte 524 is not "
				     "in 92..512", hsize);
	s->gpt_current_lba = img_le64(h + 24);
	s->gpt_backup_lba = img_le64(h + 32);
	s->gpt_first_usable = img_le64(h + 40);
	s->gpt_last_usable = img_le64(h + 48);
	guid_text(h + 56, s->gpt_disk_guid);
	s->gpt_entries_lba = img_le64(h + 72);
	s->gpt_num_entries = img_le32(h + 80);
	s->gpt_entry_size = img_le32(h + 84);
	uint32_t esize = s->gpt_entry_size, n = s->gpt_num_entries;
	if (esize < 128 || esize % 8 != 0 || esize > 4096)
		return img_error_set(err, IMG_ECORRUPT,
				     "GPT header at byte 512: entry size %u at byte 596 is not a "
				     "multiple of 8 in 128..4096", esize);
	if ((uint64_t)n * esize > IMG_GPT_MAX_ARRAY)
		return img_error_set(err, IMG_ECORRUPT,
				     "GPT header at byte 512: %u entries of %u bytes (byte 592) "
				     "exceed %u bytes", n, esize, IMG_GPT_MAX_ARRAY);
	if (s->gpt_entries_lba > img_source_size(src) / 512)
		return img_error_set(err, IMG_ECORRUPT,
				     "GPT header at byte 512: entry array LBA %llu (byte 584) lies "
				     "past the end of the image",
				     (unsigned long long)s->gpt_entries_lba);
	size_t len = (size_t)n * esize;
	unsigned char *a = malloc(len ? len : 1);
	if (a == NULL)
		return img_error_set(err, IMG_ENOMEM, "GPT entry array");
	int rc = img_source_read(src, s->gpt_entries_lba * 512, a, len, "GPT entry array", err);
	if (rc != IMG_OK) {
		free(a);
		return rc;
	}
	s->gpt_entries_crc_ok = img_crc32(0, a, len) == img_le32(h + 88);
	static const unsigned char zero[16];
	for (uint32_t i = 0; i < n && s->gpt_count < IMG_GPT_MAX_ENTRIES; i++) {
		const unsigned char *e = a + (size_t)i * esize;
		if (memcmp(e, zero, 16) == 0)
			continue;
		struct img_gpt_part *p = &s->gpt_parts[s->gpt_count++];
		p->index = (int)i + 1;
		guid_text(e, p->type_guid);
		guid_text(e + 16, p->guid);
		p->first_lba = img_le64(e + 32);
		p->last_lba = img_le64(e + 40);
		p->attributes = img_le64(e + 48);
		utf16le_name(e + 56, 36, p->name, sizeof(p->name));
	}
	free(a);
	/* The backup header, usually in the last sector; only its validity is reported. */
	if (s->gpt_backup_lba < img_source_size(src) / 512 &&
	    img_source_read(src, s->gpt_backup_lba * 512, h, sizeof(h), "GPT backup header",
			    NULL) == IMG_OK) {
		bool bok;
		s->gpt_backup_ok = gpt_header_valid(h, &bok) && bok;
	}
	return IMG_OK;
}

/* Apple Partition Map (Inside Macintosh: Devices, 3-12): driver descriptor "ER" in block 0,
 * then "PM" entries from block 1 on, each giving the number of map entries. */
static int read_apm(struct img_source *src, struct img_sysarea *s, struct img_error *err)
{
	unsigned char b[512];
	if (img_source_read(src, 0, b, sizeof(b), "APM", NULL) != IMG_OK)
		return IMG_OK;
	if (b[0] != 'E' || b[1] != 'R')
		return IMG_OK;
	uint32_t bs = (uint32_t)b[2] << 8 | b[3];
	if (bs != 512 && bs != 1024 && bs != 2048 && bs != 4096)
		return IMG_OK; /* not an APM: some boot code starts with "ER" too */
	uint32_t count = 1;
	for (uint32_t i = 1; i <= count && i <= IMG_APM_MAX; i++) {
		uint64_t off = (uint64_t)i * bs;
		if (img_source_read(src, off, b, sizeof(b), "APM entry", NULL) != IMG_OK)
			break;
		if (b[0] != 'P' || b[1] != 'M')
			break;
		if (i == 1) {
			count = img_be32(b + 4);
			if (count == 0 || count > IMG_APM_MAX)
				return img_error_set(err, IMG_ECORRUPT,
						     "APM entry at byte %llu: map count %u is not "
						     "in 1..%d", (unsigned long long)off + 4,
						     count, IMG_APM_MAX);
			s->apm = true;
			s->apm_block_size = bs;
		}
		struct img_apm_part *p = &s->apm_parts[s->apm_count++];
		p->index = (int)i;
		p->start = img_be32(b + 8);
		p->count = img_be32(b + 12);
		ascii_field(b + 16, 32, p->name);
		ascii_field(b + 48, 32, p->type);
	}
	return IMG_OK;
}

int img_sysarea_read(struct img_source *src, struct img_sysarea *s, struct img_error *err)
{
	memset(s, 0, sizeof(*s));
	unsigned char b[512];
	if (img_source_read(src, 0, b, sizeof(b), "MBR", NULL) != IMG_OK)
		return IMG_OK; /* smaller than one sector: nothing to find */
	if (b[510] == 0x55 && b[511] == 0xaa) {
		s->mbr = true;
		s->mbr_signature = img_le32(b + 440);
		for (int i = 0; i < 4; i++) {
			const unsigned char *e = b + 446 + 16 * i;
			if (e[4] == 0 && img_le32(e + 8) == 0 && img_le32(e + 12) == 0)
				continue;
			struct img_mbr_part *p = &s->mbr_parts[s->mbr_count++];
			p->index = i + 1;
			p->status = e[0];
			p->bootable = e[0] == 0x80;
			p->type = e[4];
			p->start = img_le32(e + 8);
			p->sectors = img_le32(e + 12);
		}
	}
	int rc = read_gpt(src, s, err);
	if (rc != IMG_OK)
		return rc;
	return read_apm(src, s, err);
}
