/* Mac hybrids: the HFS+ view and the Apple Partition Map libisofs writes beside ISO 9660
 * (mkisofs -hfsplus and friends), with file creator/type codes and blessings. */
#ifndef IMG_HFSPLUS_H
#define IMG_HFSPLUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

/* A creator and type code for a file (-hfsplus-file-creator-type CREATOR TYPE PATH). */
struct img_hfsplus_code {
	char *path;            /* image path */
	uint8_t creator[4];
	uint8_t type[4];
};

/* The blessings of HFS+ (Apple TN1150 "finderInfo" of the volume header), in the order of
 * libisofs's enum IsoHfsplusBlessings. */
enum img_hfsplus_blessing {
	IMG_HFSPLUS_BLESS_PPC_BOOTDIR = 0, /* "ppc_bootdir" or "p"; -hfs-bless */
	IMG_HFSPLUS_BLESS_INTEL_BOOTFILE,  /* "intel_bootfile" or "i" */
	IMG_HFSPLUS_BLESS_SHOW_FOLDER,     /* "show_folder" or "s" */
	IMG_HFSPLUS_BLESS_OS9_FOLDER,      /* "os9_folder" or "9" */
	IMG_HFSPLUS_BLESS_OSX_FOLDER,      /* "osx_folder" or "x" */
};

/* A blessing for a file (-hfs-bless-by KIND PATH) or for the directory that stems from a disk
 * directory (-hfs-bless DISKDIR). */
struct img_hfsplus_bless {
	enum img_hfsplus_blessing kind;
	char *path;            /* image path, or disk path with by_disk */
	bool by_disk;
};

struct img_hfsplus_config {
	bool enabled;              /* -hfsplus */
	int block_size;            /* -hfsplus-block-size: 0 (libisofs's choice), 512 or 2048 */
	int apm_block_size;        /* -apm-block-size: 0 (libisofs's choice), 512 or 2048 */
	bool has_serial;           /* -hfsplus-serial-no */
	uint8_t serial[8];
	struct img_hfsplus_code *codes;
	size_t n_codes;
	struct img_hfsplus_bless *blesses;
	size_t n_blesses;
};

void img_hfsplus_config_free(struct img_hfsplus_config *cfg);

/* -hfsplus-block-size / -apm-block-size N: 0, 512 or 2048.  IMG_EINVAL otherwise. */
int img_hfsplus_parse_block_size(const char *text, int *out);

/* -hfsplus-serial-no: 16 hex digits.  IMG_EINVAL otherwise. */
int img_hfsplus_parse_serial(const char *text, uint8_t serial[8]);

/* Records creator and type (each exactly 4 bytes) for the file at image path.
 * Errors: IMG_EINVAL (a code not 4 bytes long), IMG_ENOMEM. */
int img_hfsplus_add_code(struct img_hfsplus_config *cfg, const char *creator,
			 const char *type, const char *path, struct img_error *err);

/* Records a blessing; kind is one of the names above (long or one letter, as xorriso takes
 * them).  Errors: IMG_EINVAL (unknown kind), IMG_ENOMEM. */
int img_hfsplus_add_bless(struct img_hfsplus_config *cfg, const char *kind, const char *path,
			  bool by_disk, struct img_error *err);

struct img_image;

/* Turns HFS+ and the APM on for img as cfg says, after img_image_add_tree: codes and
 * blessings go to the nodes they name.  Errors on the image: IMG_ENOENT (a path not in the
 * image, or no directory stems from a -hfs-bless disk directory), IMG_EINVAL (a blessing
 * given to a node of the wrong kind, or one node blessed twice), IMG_EISOFS, IMG_ENOMEM. */
int img_hfsplus_apply(struct img_image *img, const struct img_hfsplus_config *cfg);

#endif
