/* Boot media description: El Torito entries, the system area (MBR, GPT, APM) and appended
 * partitions, as the mkisofs/xorriso options describe them.  Filled by the program, applied to
 * an image with img_image_set_boot (common/build/boot_apply.c). */
#ifndef IMG_BOOT_H
#define IMG_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/build/hfsplus.h"
#include "common/build/platform_boot.h"

/* Emulation of an El Torito entry (El Torito 1.0, section 2.2, boot media type). */
enum img_boot_emul {
	IMG_BOOT_EMUL_AUTO = 0, /* floppy, chosen by size: 1200, 1440 or 2880 KiB (mkisofs default) */
	IMG_BOOT_EMUL_NONE,
	IMG_BOOT_EMUL_HARD_DISK,
	IMG_BOOT_EMUL_FLOPPY,
};

/* Platform ids of the validation / section header entries (El Torito 1.0, 2.1; UEFI 2.x 0xEF). */
enum {
	IMG_BOOT_PLATFORM_X86 = 0x00,
	IMG_BOOT_PLATFORM_PPC = 0x01,
	IMG_BOOT_PLATFORM_MAC = 0x02,
	IMG_BOOT_PLATFORM_EFI = 0xef,
};

/* How an MBR file given by the user is used in the system area. */
enum img_boot_mbr_kind {
	IMG_BOOT_MBR_NONE = 0,
	IMG_BOOT_MBR_ISOHYBRID, /* -isohybrid-mbr: isohdpfx.bin, patched to point at isolinux */
	IMG_BOOT_MBR_GRUB2,     /* --grub2-mbr: GRUB's boot.img, patched with the boot image LBA */
	IMG_BOOT_MBR_PLAIN,     /* -G / --embedded-boot: copied as it is (up to 32 KiB) */
};

/* Cylinder alignment of the image end (-partition_cyl_align). */
enum img_boot_cyl_align {
	IMG_BOOT_CYL_AUTO = 0, IMG_BOOT_CYL_ON, IMG_BOOT_CYL_OFF, IMG_BOOT_CYL_ALL,
};

/* One El Torito entry: started by -b (BIOS) or -e (EFI), ended by -eltorito-alt-boot. */
struct img_boot_entry {
	char *image_path;          /* path inside the image, or --interval:appended_partition_N:... */
	enum img_boot_emul emul;
	int platform;              /* -1: x86 for -b, EFI for -e */
	bool efi;                  /* made by -e / --efi-boot */
	long load_size;            /* 512-byte sectors; -1: default (4 for x86 no-emul, whole image for EFI) */
	long load_seg;             /* -1: default 0x07C0 */
	bool info_table;           /* -boot-info-table (boot info table at byte 8) */
	bool grub2_info;           /* --grub2-boot-info (LBA patched at byte 1012) */
	bool not_bootable;         /* -no-boot */
	bool has_id;               /* -eltorito-id given */
	char id_string[29];
	bool has_selcrit;          /* -eltorito-selcrit given */
	uint8_t selcrit[20];
	/* -isohybrid-gpt-basdat (1) / -isohybrid-gpt-hfsplus (2) and -isohybrid-apm-hfsplus given
	 * while this entry was being defined: xorriso marks the boot image they come with, BIOS or
	 * EFI, with a GPT (APM) entry of its own beside the one of the whole ISO (libisofs
	 * el_torito_set_isolinux_options bits 2-7 and 8).  archiso's releng line gives
	 * -isohybrid-gpt-basdat between its -b and -eltorito-alt-boot: the ISOLINUX image gets it. */
	int isohybrid_gpt;
	bool isohybrid_apm;
	/* A boot image that is no file of the tree (boot replay of an image whose boot image was
	 * hidden): image_path is then a new node, hidden from every view, made from size bytes at
	 * offset of the file cut_source (libisofs's cut-out node). */
	char *cut_source;
	uint64_t cut_offset, cut_size;
};

/* A partition appended after the image (-append_partition N TYPE FILE). */
struct img_boot_partition {
	int number;                /* 1..4 (0 = unused slot) */
	int mbr_type;              /* MBR type byte; for a GUID, xorriso's: 0xef (ESP) or 0x83 */
	bool has_type_guid;        /* the type in a GPT, if there is one (-appended_part_as_gpt, */
	uint8_t type_guid[16];     /* or an isohybrid GPT); UEFI byte order */
	char *path;                /* file on disk */
};

struct img_boot_config {
	struct img_boot_entry *entries;
	size_t n_entries;
	char *catalog_path;        /* -c; default "boot.catalog" */
	bool catalog_hidden;       /* --boot-catalog-hide, or -hide names the catalog */
	bool catalog_hidden_joliet; /* -hide-joliet names the catalog, or a remastered image's
				     * Joliet tree did not list it: out of Joliet only */

	enum img_boot_mbr_kind mbr_kind;
	char *mbr_file;            /* a file, or an --interval: range */
	bool protective_msdos;     /* --protective-msdos-label */
	bool mbr_force_bootable;   /* --mbr-force-bootable */
	int iso_mbr_part_type;     /* -iso_mbr_part_type; -1 default */
	bool has_iso_type_guid;    /* -iso_mbr_part_type GUID: the ISO partition's GPT type */
	uint8_t iso_type_guid[16]; /* UEFI byte order */
	enum img_boot_cyl_align cyl_align;
	unsigned partition_offset; /* -partition_offset, in 2 KiB blocks; 0 or >= 16 */
	int heads_per_cyl;         /* -partition_hd_cyl, 0 = automatic */
	int secs_per_head;         /* -partition_sec_hd, 0 = automatic */

	/* The same marks for every EFI entry that has none of its own (--boot-preset): a GPT entry
	 * of Basic Data or HFS+ type, an APM entry. */
	bool gpt_basdat;
	bool gpt_hfsplus;
	bool apm_hfsplus;

	struct img_boot_partition partitions[4];
	bool appended_as_gpt;      /* -appended_part_as_gpt: appended partitions in a GPT */
	bool appended_as_apm;      /* -appended_part_as_apm: and in an Apple Partition Map */
	bool part_like_isohybrid;  /* -part_like_isohybrid: -isohybrid-gpt-* and -apm-* without
				    * an isohybrid MBR */
	char *efi_boot_part;       /* -efi-boot-part FILE: an ESP inside the GPT */
	bool efi_boot_part_from_eltorito; /* -efi-boot-part --efi-boot-image */

	bool has_gpt_guid;         /* --gpt-disk-guid HEX */
	bool gpt_guid_from_date;   /* --gpt-disk-guid modification-date */
	uint8_t gpt_guid[16];

	struct img_hfsplus_config hfsplus;    /* -hfsplus and friends: HFS+ and the APM */
	struct img_platform_boot platform;    /* other machines' boot blocks, CHRP, PReP */
};

struct img_image;

/* Adds the El Torito catalog and entries of cfg to the image (after img_image_add_tree: the
 * boot images must be in the tree) and sets its system area, partition table and appended
 * partitions.  With SOURCE_DATE_EPOCH or a modification date in the image options, the GPT
 * disk GUID derives from the volume time instead of chance.  cfg is copied where needed.
 * Errors (on the image's error, naming the path or option): IMG_ENOENT boot image not in the
 * tree, IMG_EINVAL wrong size for floppy emulation, info table on an image under 64 bytes, EFI
 * image that is not a FAT file system, bad MBR file, IMG_EIO, IMG_EISOFS. */
int img_image_set_boot(struct img_image *img, const struct img_boot_config *cfg);

/* The image path of cfg's El Torito catalog, absolute ("/boot.catalog" unless -c named
 * another), into buf; false when cfg has no El Torito entry (no catalog) or buf is too short. */
bool img_boot_catalog_path(const struct img_boot_config *cfg, char *buf, size_t len);

/* Starts with an empty configuration (no boot record at all). */
void img_boot_config_init(struct img_boot_config *cfg);
void img_boot_config_free(struct img_boot_config *cfg);

/* True when cfg asks for anything boot-related (an El Torito entry or a system area). */
bool img_boot_config_active(const struct img_boot_config *cfg);

/* Starts a new El Torito entry for path (efi: made by -e).  Returns IMG_ENOMEM or
 * IMG_ETOOBIG past 32 entries (the catalog holds at most 1 default + 31 further images). */
int img_boot_add_entry(struct img_boot_config *cfg, const char *path, bool efi,
		       struct img_error *err);

/* The entry options apply to (the last one started); NULL before any -b / -e. */
struct img_boot_entry *img_boot_current(struct img_boot_config *cfg);

/* Parses the arguments of -append_partition N TYPE FILE: TYPE is a byte ("0xef", "239"), a
 * GUID in text form (MBR type 0xef for the ESP's GUID, else 0x83, as xorriso), or one of the
 * names xorriso knows ("FAT12", "FAT16", "Linux") or mkimage's own ("efi", "fat", "linux"). */
int img_boot_add_partition(struct img_boot_config *cfg, const char *number, const char *type,
			   const char *path, struct img_error *err);

/* Parses -iso_mbr_part_type's argument: a byte ("0x83", "131"), "default", or a GPT type
 * GUID, which also sets the MBR type as xorriso does (0xef for the EFI system partition's
 * GUID, else 0x83).  Errors: IMG_EINVAL. */
int img_boot_set_iso_part_type(struct img_boot_config *cfg, const char *text);

/* Parses a GUID: the text form 8-4-4-4-12 (stored with the first three groups little-endian,
 * as UEFI does) or 32 plain hex digits giving the bytes as stored (xorriso's form). */
int img_boot_parse_guid(const char *text, uint8_t guid[16]);

/* True for xorriso's "--interval:FLAGS:RANGE:ZEROIZERS:SOURCE" byte-range sources, accepted
 * wherever a file on disk is (MBR, -G, appended partitions, -efi-boot-part), e.g.
 * --interval:local_fs:0s-15s:zero_mbrpt,zero_gpt:old.iso when remastering an image. */
bool img_boot_is_interval(const char *path);

/* Checks what can be checked before the tree is built: files given on disk (MBR size 432..512
 * for isohybrid/GRUB MBRs, up to 32 KiB for -G; appended partitions readable; -partition_offset
 * 0 or >= 16; load sizes within 1..65535).  Errors name the option and the path. */
int img_boot_config_check(const struct img_boot_config *cfg, struct img_error *err);

#endif
