/* The system area of a hybrid image (its first 32 KiB, ECMA-119 6.2.1) and what it points at:
 * MBR partition table, GPT header and entries (UEFI 2.x, 5.3) with CRC32 checks, Apple
 * Partition Map. */
#ifndef IMG_SYSAREA_H
#define IMG_SYSAREA_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

#define IMG_GPT_MAX_ENTRIES 256   /* entries we keep (non-empty ones) */
#define IMG_GPT_MAX_ARRAY (1u << 20) /* entry array bytes we are willing to read */
#define IMG_APM_MAX 63

struct img_mbr_part {
	int index;           /* 1..4 */
	bool bootable;       /* status 0x80 */
	int status;
	int type;
	uint32_t start, sectors; /* 512-byte sectors */
};

struct img_gpt_part {
	int index;           /* 1-based slot in the entry array */
	char type_guid[37], guid[37];
	uint64_t first_lba, last_lba;
	uint64_t attributes;
	char name[160];      /* UTF-8 from UTF-16LE */
};

struct img_apm_part {
	int index;
	uint32_t start, count; /* in APM blocks */
	char name[33], type[33];
};

struct img_sysarea {
	bool mbr;
	uint32_t mbr_signature;
	struct img_mbr_part mbr_parts[4];
	int mbr_count;       /* non-empty entries */

	bool gpt;
	uint32_t gpt_revision;
	char gpt_disk_guid[37];
	uint64_t gpt_current_lba, gpt_backup_lba, gpt_first_usable, gpt_last_usable;
	uint64_t gpt_entries_lba;
	uint32_t gpt_num_entries, gpt_entry_size;
	bool gpt_header_crc_ok, gpt_entries_crc_ok, gpt_backup_ok;
	struct img_gpt_part gpt_parts[IMG_GPT_MAX_ENTRIES];
	int gpt_count;

	bool apm;
	uint32_t apm_block_size;
	struct img_apm_part apm_parts[IMG_APM_MAX];
	int apm_count;
};

/* Reads the MBR (sector 0), the GPT (header at 512-byte LBA 1) and an APM (block 0 "ER").
 * CRC mismatches are recorded in the gpt_*_ok flags, not returned as errors; IMG_ECORRUPT
 * (with the byte offset) is for sizes or counts that make the structures unreadable. */
int img_sysarea_read(struct img_source *src, struct img_sysarea *out, struct img_error *err);

/* CRC-32 (IEEE 802.3, as GPT uses), continuing from crc (0 to start). */
uint32_t img_crc32(uint32_t crc, const void *buf, size_t len);

#endif
