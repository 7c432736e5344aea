/* What the boot setup of an old image is, as read from its bytes (common/inspect's parsers):
 * the neutral description that boot_replay.c turns into a struct img_boot_config.  Kept apart
 * from boot.h because common/inspect's El Torito types share names with the builder's. */
#ifndef IMG_BOOT_REPLAY_SCAN_H
#define IMG_BOOT_REPLAY_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

#define IMG_REPLAY_MAX_ENTRIES 32

/* One El Torito entry of the old image. */
struct img_replay_entry {
	int platform;              /* platform id of its section */
	int emulation;             /* 0 none, 1-3 floppy, 4 hard disk */
	bool bootable;
	uint16_t load_segment;
	uint16_t sector_count;     /* 512-byte sectors the catalog says to load */
	uint32_t lba;              /* first 2048-byte block of the boot image */
	char *path;                /* the file of the old tree that starts at lba, or NULL */
	uint64_t file_size;        /* its size (when path is set) */
	uint64_t hidden_size;      /* no path: the bytes it spans as far as the old image says
				    * (its boot info table's length, the floppy size, or the load
				    * size), inside the image; 0 when unknown */
	int partition;             /* 1..4: the image lies in this appended partition; else 0 */
	uint32_t part_offset;      /* then: its start, in 2048-byte blocks from the partition's */
	bool info_table;           /* boot info table at byte 8 naming this image (libisofs's test) */
	bool grub2_info;           /* GRUB2 boot info: byte 2548 holds lba * 4 + 5 */
	bool isohybrid_capable;    /* info table and ISOLINUX's magic fb c0 78 70 at byte 64 */
	bool has_id;               /* section header (or validation entry) id string */
	char id[29];
	bool has_selcrit;          /* selection criteria (type byte at entry byte 12 non-zero) */
	uint8_t selcrit[20];
	int gpt_mark;              /* a GPT entry covers exactly this image: 1 Basic Data, 2 HFS+,
				    * 3 EFI system partition */
	bool apm_mark;             /* an APM entry covers exactly this image */
};

/* One partition that lies after the ISO 9660 volume (appended: -append_partition). */
struct img_replay_part {
	int number;                /* MBR or GPT slot, 1..4 */
	int mbr_type;
	uint64_t start, count;     /* 512-byte blocks */
	char type_guid[37];        /* its GPT type if a GPT lists it, else "" */
};

enum img_replay_mbr {
	IMG_REPLAY_MBR_NONE = 0,   /* no system area at all (all zero) */
	IMG_REPLAY_MBR_ISOHYBRID,  /* ISOLINUX isohdpfx pointing at the first boot image */
	IMG_REPLAY_MBR_GRUB2,      /* GRUB2 boot.img patched with the first boot image's LBA */
	IMG_REPLAY_MBR_PLAIN,      /* other system area bytes: copied as they are */
};

struct img_replay_scan {
	uint64_t image_bytes;      /* size of the old image file or device */
	uint32_t iso_blocks;       /* volume space size of the primary descriptor */
	uint64_t content_end;      /* first 2048-byte block after the last file's data */
	uint32_t catalog_lba;
	char *catalog_path;        /* file of the old tree at the catalog's block, or NULL */
	struct img_replay_entry entries[IMG_REPLAY_MAX_ENTRIES];
	int n_entries;

	enum img_replay_mbr mbr;
	bool protective_label;     /* GRUB2's protective MBR: partition 1 from block 1 */
	bool force_bootable;       /* the ISO's MBR partition is marked active */
	int iso_part_type;         /* type byte of the MBR partition that holds the ISO, or -1 */
	int cyl_align;             /* 1 on, 2 off, 3 all (libisofs's numbering) */
	int heads_per_cyl, secs_per_head; /* from the partition table's CHS, 0 when unknown */
	uint32_t partition_offset; /* 2048-byte blocks; a second volume descriptor set there */
	bool gpt, apm;
	bool gpt_protective;       /* the MBR is GPT's protective one (type 0xee) */
	char iso_type_guid[37];    /* GPT type of the entry covering the ISO from block 0 */
	struct img_replay_part parts[4];
	int n_parts;
	/* Something the scan met that a replay would not reproduce: a sentence saying what. */
	char unsupported[512];
};

/* Reads the volume descriptors, the El Torito catalog, the boot images' heads, the default
 * view's tree (to name each boot image's file), the MBR, GPT and APM of the old image.  The
 * caller frees *out with img_replay_scan_free.  An image without El Torito and without a
 * system area gives n_entries 0 and mbr NONE.  Errors: those of the parsers (IMG_ECORRUPT with
 * the byte offset, IMG_EIO), IMG_ENOMEM. */
int img_replay_scan(struct img_source *src, struct img_replay_scan *out, struct img_error *err);

void img_replay_scan_free(struct img_replay_scan *s);

#endif
