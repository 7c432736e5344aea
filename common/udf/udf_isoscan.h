/* Streaming ISO 9660 directory scan: the file extents that the ISO9660 and Joliet directory
 * records of a session name, learnt from the session's bytes as they pass, one directory at a
 * time.  The UDF bridge checks with it where libisofs put each file before any file data goes
 * out. */
#ifndef IMG_UDF_ISOSCAN_H
#define IMG_UDF_ISOSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

struct img_isoscan;

/* A scan of the session that starts at block session (its volume descriptors at session + 16
 * on), whose metadata (volume descriptors, directories) lies below block data_start.
 * expect_files: room reserved for that many extents (a hint).  Errors: IMG_ENOMEM. */
int img_isoscan_new(uint32_t session, uint32_t data_start, size_t expect_files,
		    struct img_isoscan **out);
void img_isoscan_free(struct img_isoscan *s);

/* Takes the image bytes lo .. lo+n-1 (p; consecutive pieces of any size, from block session
 * on or earlier; bytes from data_start on are ignored).  Everything is hostile: a record or a
 * directory that is not where a well-formed session has it fails with IMG_EISOFS, the detail
 * naming the block; IMG_ENOMEM.  After an error the scan must only be freed. */
int img_isoscan_feed(struct img_isoscan *s, const uint8_t *p, uint64_t lo, size_t n,
		     struct img_error *err);

/* After the bytes up to data_start were fed: checks that every directory was met and that
 * some tree (ISO9660 or Joliet) was, and readies the look-ups.  Errors: IMG_EISOFS. */
int img_isoscan_finish(struct img_isoscan *s, struct img_error *err);

/* After img_isoscan_finish: whether a directory record names a file (all its sections added
 * up) of size bytes at block lba. */
bool img_isoscan_has(const struct img_isoscan *s, uint64_t lba, uint64_t size);

/* The same for many files in ascending (lba, size) order, faster: each tree lists its files
 * in directory order, which mostly follows the data order, so the extents form a few
 * ascending runs and one walk along each answers.  Start a walk with
 * img_isoscan_walk_start; a walk is valid until the next start. */
#define IMG_ISOSCAN_MAX_RUNS 64
struct img_isoscan_walk {
	size_t at[IMG_ISOSCAN_MAX_RUNS];
};
void img_isoscan_walk_start(const struct img_isoscan *s, struct img_isoscan_walk *w);
bool img_isoscan_walk_has(const struct img_isoscan *s, struct img_isoscan_walk *w,
			  uint64_t lba, uint64_t size);

/* Extents found (each file once per tree that lists it). */
size_t img_isoscan_count(const struct img_isoscan *s);

#endif
