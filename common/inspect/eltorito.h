/* El Torito boot catalog (El Torito 1.0, sections 2.1-2.5) and boot info tables. */
#ifndef IMG_ELTORITO_H
#define IMG_ELTORITO_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

/* The catalog is read from at most this many 2048-byte sectors. */
#define IMG_ELTORITO_MAX_SECTORS 16
#define IMG_ELTORITO_MAX_ENTRIES (IMG_ELTORITO_MAX_SECTORS * 2048 / 32)

enum img_emulation {
	IMG_EMU_NONE = 0, IMG_EMU_FLOPPY_1200 = 1, IMG_EMU_FLOPPY_1440 = 2,
	IMG_EMU_FLOPPY_2880 = 3, IMG_EMU_HARD_DISK = 4
};

struct img_boot_entry {
	int index;             /* 1-based, in catalog order */
	int section;           /* 0 for the initial entry, then 1.. per section header */
	int platform;          /* platform id of its section (validation entry for index 1) */
	bool bootable;
	int emulation;         /* enum img_emulation, or the raw value if unknown */
	uint16_t load_segment;
	int system_type;
	uint16_t sector_count; /* 512-byte virtual sectors loaded */
	uint32_t load_rba;     /* first 2048-byte sector of the image */
	uint64_t image_size;   /* bytes: load size, or the floppy size when emulated */
	bool info_table;       /* a boot info table naming this image was found in it */
	bool info_table_complete; /* the length it records lies inside the image, and was read */
	bool info_table_csum_ok;  /* complete, and the file's bytes sum to the recorded checksum */
	uint32_t info_table_length; /* bytes of the boot file, as the table records */
	uint32_t info_table_csum;   /* the checksum the table records */
	uint32_t info_table_sum;    /* the sum of the file's bytes 64 to length (when complete) */
	uint32_t catalog_offset; /* byte offset of the entry inside the catalog */
};

struct img_boot_catalog {
	uint32_t sector;
	int platform;          /* of the validation entry */
	char id[25];
	struct img_boot_entry entries[IMG_ELTORITO_MAX_ENTRIES];
	int count;
};

/* Parses a catalog held in buf (len bytes, the bytes from its first sector on).  IMG_ECORRUPT
 * with the byte offset (absolute, from sector) for a bad validation entry or checksum, bad key
 * bytes, an unknown entry, or counts that run past the catalog. */
int img_eltorito_parse(const unsigned char *buf, size_t len, uint32_t sector,
		       struct img_boot_catalog *out, struct img_error *err);

/* Reads the catalog at sector from src and parses it, then looks for a boot info table in
 * each entry's image (bytes 8-63: the sector of a primary volume descriptor, 16 or that of
 * a later session; the image's own LBA; length; checksum) and, where one is found, sums the
 * file's 32-bit little-endian words from byte 64 to the recorded length (a last short word
 * zero-padded, as mkisofs and libisofs write it). */
int img_eltorito_read(struct img_source *src, uint32_t sector, struct img_boot_catalog *out,
		      struct img_error *err);

const char *img_eltorito_platform_name(int platform);
const char *img_eltorito_emulation_name(int emulation);

#endif
