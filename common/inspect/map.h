/* Where everything of an image lies: the system area, volume descriptors, El Torito catalog
 * and boot images, path tables, directories and file data of each view, UDF descriptors,
 * the GPT backup, padding and gaps, as a list of block ranges that cover the image once. */
#ifndef IMG_MAP_H
#define IMG_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

/* Ranges are in blocks of this many bytes, the ISO 9660 sector; a partial last block counts. */
#define IMG_MAP_BLOCK 2048u

enum img_map_kind {
	IMG_MAP_SYSTEM_AREA,    /* blocks 0-15 (ECMA-119 6.2.1): MBR, GPT, APM, boot code */
	IMG_MAP_VOLDESC,        /* the ISO 9660 volume descriptor set and its terminator */
	IMG_MAP_UDF,            /* UDF recognition sequence, anchors, descriptor sequences,
				 * integrity sequence, file set descriptor, metadata files */
	IMG_MAP_BOOT_CATALOG,   /* El Torito boot catalog */
	IMG_MAP_BOOT_IMAGE,     /* what a boot catalog entry loads */
	IMG_MAP_PATH_TABLE,     /* ISO 9660 / Joliet path tables */
	IMG_MAP_DIRECTORY,      /* directory records of one view */
	IMG_MAP_FILE_DATA,      /* data of regular files (any view) */
	IMG_MAP_UDF_SPACE,      /* the rest of a UDF partition that is not zeros, and the
				 * extents of a metadata partition's metadata and mirror files
				 * that no file entry or directory claims */
	IMG_MAP_UDF_ENTRY,      /* UDF file entries and directories (file identifiers), by path */
	IMG_MAP_GPT_BACKUP,     /* backup GPT entries and header */
	IMG_MAP_PARTITION,      /* an MBR or GPT partition past the ISO 9660 volume */
	IMG_MAP_MD5_TAG,        /* a libisofs checksum tag (xorriso/mkimage --md5) */
	IMG_MAP_PADDING,        /* blocks nothing claims, all zeros */
	IMG_MAP_GAP,            /* blocks nothing claims that hold data (or were not read) */
	IMG_MAP_KIND_COUNT
};

struct img_map_region {
	enum img_map_kind kind;
	char label[128];        /* what it is, for people: "Joliet directories", "boot image 1
				 * (UEFI, no emulation): /efi.img" */
	uint64_t first, count;  /* blocks */
};

struct img_map {
	struct img_map_region *regions; /* in block order, adjacent, covering 0..blocks-1 */
	size_t count, cap;
	uint64_t blocks;        /* the image's size in blocks, rounded up */
	uint64_t size;          /* the image's size in bytes */
};

/* Finds every structure of src that the readers of common/inspect and common/udf know
 * (volume descriptors, El Torito, system area, directory walks of the primary and Joliet
 * hierarchies with their Rock Ridge continuation areas, the file trees of the ISO 9660/Rock
 * Ridge, Joliet and UDF views, the UDF volume with its file entries and directories) and lays them out: where two claim a block,
 * the more specific wins (descriptors over boot images over file data over a partition).
 * Blocks no one claims, or only a UDF partition, are read: zeros are padding, UDF anchor
 * copies are UDF, libisofs's checksum tags MD5 tags, others a gap (or UDF space: a
 * partition's or metadata file's blocks no file entry claims); past IMG_MAP_READ_BUDGET bytes of such blocks, they are not read.  A structure
 * that cannot be read is left out of the map and does not fail it: the map shows what could
 * be found.  *out is zeroed first; free it with img_map_free, also after an error.  Errors:
 * IMG_ENOMEM, IMG_EIO (a read error of the image), IMG_EINVAL (an empty image). */
int img_map_build(struct img_source *src, struct img_map *out, struct img_error *err);

#define IMG_MAP_READ_BUDGET (256ull << 20)

void img_map_free(struct img_map *m);

/* "system_area", "volume_descriptors", ..., "gap": the kind's name in JSON. */
const char *img_map_kind_name(enum img_map_kind kind);

#endif
