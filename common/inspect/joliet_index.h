/* What the Joliet tree of one session of an image lists, directory by directory: read with our
 * own bounded walk (img_iso_scan_dirs), for a remaster that must know which entries the old
 * image kept out of its Joliet tree (libisofs's importer reads one tree and keeps no hidden
 * flags). */
#ifndef IMG_JOLIET_INDEX_H
#define IMG_JOLIET_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

/* One entry of a Joliet directory ("." and ".." left out).  A file of several extents (ISO
 * 9660 level 3: records of one name, all but the last flagged "multi-extent") is one entry
 * with the first extent and the sum of the sizes. */
struct img_joliet_entry {
	char *name;       /* UTF-8 (UTF-16BE decoded, unpaired surrogates as U+FFFD), the
			   * version suffix ";N" removed */
	size_t units;     /* the name's length in UTF-16 code units, as recorded (";N" too) */
	uint32_t extent;  /* first block of the data (a directory's: its records) */
	uint64_t size;    /* bytes */
	bool dir;
	bool contiguous;  /* a file of several extents: each starts where the one before
			   * ends (always true for one extent) */
	long long mtime;  /* the record's date (ECMA-119 9.1.5), seconds since 1970 UTC; 0
			   * when unset or malformed */
};

struct img_joliet_index;

/* Reads the volume descriptors of the session whose set starts at block start_block + 16 and,
 * when there is a Joliet descriptor, walks its tree (img_iso_scan_dirs: every record checked
 * to stay in its sector and directory, extents inside the image, no loops, bounded depth and
 * directory size).  *out is NULL when the session has no Joliet tree.  Errors: IMG_ECORRUPT
 * (with the byte offset), IMG_EIO, IMG_ENOMEM. */
int img_joliet_index_read(struct img_source *src, uint32_t start_block,
			  struct img_joliet_index **out, struct img_error *err);

/* The block of the root directory's records. */
uint32_t img_joliet_index_root(const struct img_joliet_index *ix);

/* The entries of the directory whose records start at block extent (*n of them), NULL with
 * *n = 0 when the tree has no such directory. */
const struct img_joliet_entry *img_joliet_index_list(const struct img_joliet_index *ix,
						     uint32_t extent, size_t *n);

void img_joliet_index_free(struct img_joliet_index *ix);

#endif
