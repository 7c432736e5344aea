/* Boot blocks of other machines than PCs that libisofs writes in the system area: MIPS
 * volume header and DEC boot block, SUN disk label (SPARC), HP-PA PALO, DEC Alpha SRM, and
 * the CHRP and PReP partitions of PowerPC (mkisofs -mips-boot, -sparc-boot, -hppa-*, ...). */
#ifndef IMG_PLATFORM_BOOT_H
#define IMG_PLATFORM_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/base/error.h"

/* The kind of the system area's first sector (libisofs's system area types, bits 2-7 of
 * iso_write_opts_set_system_area): one machine's boot block at most. */
enum img_sysarea_type {
	IMG_SYSAREA_MBR = 0,    /* PC: MBR (the default) */
	IMG_SYSAREA_MIPS = 1,   /* -mips-boot: SGI MIPS big-endian volume header */
	IMG_SYSAREA_MIPSEL = 2, /* -mipsel-boot: DECstation boot block (little-endian MIPS) */
	IMG_SYSAREA_SPARC = 3,  /* -sparc-boot / -B / -sparc-label: SUN disk label */
	IMG_SYSAREA_HPPA4 = 4,  /* -hppa-*: PALO header version 4 */
	IMG_SYSAREA_HPPA5 = 5,  /* -hppa-*: PALO header version 5 (the default) */
	IMG_SYSAREA_ALPHA = 6,  /* -alpha-boot: DEC Alpha SRM boot sector */
};

#define IMG_PLATFORM_MIPS_FILES 15 /* files a MIPS volume header lists */
#define IMG_PLATFORM_SPARC_PARTS 7 /* SUN disk label partitions 2..8 */

/* HP-PA PALO's five parameters (iso_image_set_hppa_palo). */
enum { IMG_HPPA_CMDLINE, IMG_HPPA_BOOTLOADER, IMG_HPPA_KERNEL32, IMG_HPPA_KERNEL64,
       IMG_HPPA_RAMDISK, IMG_HPPA_N };

struct img_platform_boot {
	enum img_sysarea_type type;
	const char *type_option;  /* the option that chose type (static string), for messages */
	char *mips[IMG_PLATFORM_MIPS_FILES]; /* image paths */
	size_t n_mips;
	char *sparc_label;        /* -sparc-label TEXT, or NULL for libisofs's default */
	/* -sparc-boot IMG,IMG,...: partition 2+i from a disk file; "" copies the one before. */
	char *sparc_parts[IMG_PLATFORM_SPARC_PARTS];
	char *sparc_core;         /* --grub2-sparc-core: image path of GRUB's core.img */
	char *hppa[IMG_HPPA_N];   /* command line, then image paths */
	char *alpha_boot;         /* image path of the Alpha secondary bootstrap loader */
	bool chrp;                /* -chrp-boot-part: one MBR partition of type 0x96 */
	char *prep_part;          /* -prep-boot-part FILE: a PReP partition from a disk file */
};

void img_platform_boot_free(struct img_platform_boot *p);

/* True when p asks for anything (a boot block, CHRP or PReP). */
bool img_platform_boot_active(const struct img_platform_boot *p);

/* Chooses the system area type for option (static string): IMG_EINVAL when another option
 * chose another one already, naming both. */
int img_platform_boot_set_type(struct img_platform_boot *p, enum img_sysarea_type type,
			       const char *option, struct img_error *err);

/* -mips-boot / -mipsel-boot PATH (up to 15 files; the DEC boot block uses the first).
 * Errors: IMG_EINVAL (type conflict, too many), IMG_ENOMEM. */
int img_platform_boot_add_mips(struct img_platform_boot *p, bool little_endian,
			       const char *path, struct img_error *err);

/* -sparc-boot / -B LIST: comma-separated disk files for partitions 2.. 8; "..." gives the
 * rest of the partitions as copies of the one before.  Errors: IMG_EINVAL, IMG_ENOMEM. */
int img_platform_boot_set_sparc(struct img_platform_boot *p, const char *list,
				struct img_error *err);

/* -hppa-NAME VALUE: NAME is cmdline, bootloader, kernel-32, kernel-64, ramdisk or hdrversion
 * (4 or 5).  Errors: IMG_EINVAL, IMG_ENOMEM. */
int img_platform_boot_set_hppa(struct img_platform_boot *p, const char *name,
			       const char *value, struct img_error *err);

/* Checks what can be checked before the tree is built: all five HP-PA parameters present when
 * one is; the -prep-boot-part file readable.  Errors name the option. */
int img_platform_boot_check(const struct img_platform_boot *p, struct img_error *err);

struct img_image;

/* Registers p's boot files with img's libisofs image (after img_image_add_tree: they must be
 * in the tree) and returns in *options the system area type bits (and CHRP's sub type) for
 * iso_write_opts_set_system_area.  Errors on the image: IMG_ENOENT (a boot file not in the
 * image), IMG_EINVAL (not a regular file), IMG_EISOFS. */
int img_platform_boot_apply(struct img_image *img, const struct img_platform_boot *p,
			    int *options);

#endif
