/* UDF writer: lays out and encodes a UDF file system (ECMA-167 3rd edition, OSTA UDF 1.02 to
 * 2.60) over file data that is already placed in the image, as a UDF bridge needs. */
#ifndef IMG_UDF_H
#define IMG_UDF_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

#define IMG_UDF_BLOCK 2048u
/* The first block the UDF metadata may use: right after the Anchor at 256 (ECMA-167 3/8.4.2). */
#define IMG_UDF_FIRST_BLOCK 257u
/* Node number of the root directory. */
#define IMG_UDF_ROOT 0u

/* Supported revisions (the values UDF itself records). 1.02/1.50 write File Entries and NSR02;
 * 2.01 writes Extended File Entries and NSR03; 2.50/2.60 add the metadata partition (with a
 * mirror copy) that Blu-ray discs use. */
enum img_udf_revision {
	IMG_UDF_REV_102 = 0x0102,
	IMG_UDF_REV_150 = 0x0150,
	IMG_UDF_REV_201 = 0x0201,
	IMG_UDF_REV_250 = 0x0250,
	IMG_UDF_REV_260 = 0x0260,
};

struct img_udf_options {
	unsigned revision;             /* an enum img_udf_revision value */
	const char *volume_id;         /* UTF-8 label; NULL means "UDF Volume" */
	const char *volume_set_unique; /* first 16 characters of the Volume Set Identifier (UDF
					* 2.2.2.5); NULL derives them from volume_time and label */
	int64_t volume_time;           /* seconds since the epoch: every volume date */
	int reserve_at_end;            /* nonzero: the Reserve Volume Descriptor Sequence goes
					* in the blocks right before the closing Anchor (see
					* img_udf_end_blocks), not after the main one */
};

struct img_udf_time {
	int64_t sec;
	int32_t nsec;
};

/* What UDF keeps of a node's inode (ECMA-167 4/14.9, 4/14.17). */
struct img_udf_attr {
	uint32_t mode;                 /* Unix st_mode: type and permission bits */
	uint32_t uid, gid;
	struct img_udf_time atime, mtime, ctime;
	struct img_udf_time btime;     /* creation time (Extended File Entries); {0,0} = mtime */
};

/* Counts of what the volume holds, for messages and tests. */
struct img_udf_stats {
	uint64_t files;       /* File Entries of non-directories (hard links count once) */
	uint64_t dirs;        /* directories, the root included */
	uint64_t renamed;     /* names too long for UDF, stored shortened (see img_udf_add_*) */
	uint32_t partition_start, partition_length; /* blocks, once img_udf_set_end succeeded */
};

struct img_udf;

/* Called by img_udf_write with consecutive pieces of the metadata (whole blocks); returns 0,
 * or an img_err code that aborts the write and is passed back. */
typedef int (*img_udf_write_fn)(void *ctx, const void *buf, size_t len);

/* Creates an empty volume (root directory with mode 0755, owner 0, volume_time for its times).
 * Errors: IMG_EINVAL (unknown revision, invalid UTF-8 label), IMG_ENOMEM.  On success *out
 * owns everything; free it with img_udf_free. */
int img_udf_new(const struct img_udf_options *opts, struct img_udf **out);
void img_udf_free(struct img_udf *u);

/* Makes room for nodes nodes (the root included) at once: a hint that saves copying as the tree
 * grows.  Errors: IMG_ENOMEM. */
int img_udf_reserve(struct img_udf *u, uint32_t nodes);

/* The last error with its detail (the path concerned). */
const struct img_error *img_udf_error(const struct img_udf *u);

/* Sets the root directory's attributes (its type bits are ignored). */
int img_udf_set_root(struct img_udf *u, const struct img_udf_attr *a);

/* Adds a directory, regular file or symbolic link named name (UTF-8, no '/') in directory
 * parent; *id (may be NULL) receives its node number.  Names whose OSTA encoding exceeds 255
 * bytes are shortened to a unique form ending in "#XXXX" (counted in stats.renamed).
 * Regular files with the same nonzero link_group are hard links: one File Entry, the first
 * file's size and extents.  A file's data is given later by img_udf_add_extent.
 * Errors: IMG_EINVAL (invalid UTF-8, empty name, '/', parent not a directory, hard links of
 * different sizes: the detail names the path), IMG_ETOOBIG (a symlink component longer than
 * 255 bytes encoded), IMG_ENOMEM. */
int img_udf_add_dir(struct img_udf *u, uint32_t parent, const char *name,
		    const struct img_udf_attr *a, uint32_t *id);
int img_udf_add_file(struct img_udf *u, uint32_t parent, const char *name,
		     const struct img_udf_attr *a, uint64_t size, uint64_t link_group,
		     uint32_t *id);
int img_udf_add_symlink(struct img_udf *u, uint32_t parent, const char *name,
			const struct img_udf_attr *a, const char *target, uint32_t *id);

/* Adds another name in directory parent for the regular file node `file` (as returned by
 * img_udf_add_file): a hard link to its File Entry, as a shared nonzero link_group makes, for
 * callers that know the first name already (no look-up, no table of groups).
 * Errors as for img_udf_add_file, and IMG_EINVAL when file is not a regular file. */
int img_udf_add_link(struct img_udf *u, uint32_t parent, const char *name, uint32_t file,
		     uint32_t *id);

/* Adds a FIFO, socket, or block or character device (the type comes from a->mode); devices
 * keep major and minor in a Device Specification extended attribute (ECMA-167 4/14.10.7).
 * Errors as for img_udf_add_file, and IMG_EINVAL for another file type. */
int img_udf_add_special(struct img_udf *u, uint32_t parent, const char *name,
			const struct img_udf_attr *a, uint32_t major, uint32_t minor, uint32_t *id);

/* Appends one extent of the file's data: length bytes at absolute block lba.  Extents that
 * follow each other on disc are merged; allocation descriptors are split below 1 GiB.
 * For hard links, call it for one node of the group.  Errors: IMG_EINVAL (not a regular file,
 * more bytes than its size), IMG_ENOMEM. */
int img_udf_add_extent(struct img_udf *u, uint32_t file, uint64_t lba, uint64_t length);

/* Lays out the metadata from absolute block first (>= 257) on and returns in *nblocks how many
 * blocks it takes: file data may start at first + *nblocks.  Depends only on the tree, not
 * on the extents.  May be called again after more nodes were added.  Errors: IMG_ECOLLISION
 * (two equal names in one directory, the detail names the path), IMG_ETOOBIG (metadata beyond
 * 32-bit block numbers), IMG_EINVAL (first below 257), IMG_ENOMEM. */
int img_udf_layout(struct img_udf *u, uint32_t first, uint32_t *nblocks);

/* Blocks from the first block of the layout to the part of the content that
 * img_udf_place_content can move (File Entries and directories; for 2.50+ the metadata file
 * and its mirror): the volume descriptor sequences, the integrity sequence, then the File Set
 * Descriptor and its terminator (before 2.50) or the File Entries of the metadata file and
 * mirror (2.50+).  0 before img_udf_layout. */
uint32_t img_udf_head_blocks(const struct img_udf *u);

/* Moves that part of the content from right after the head to the latest place that ends at or before
 * absolute block limit (exclusive; for 2.50+ its start keeps the alignment unit from the
 * partition start); *lba receives where it begins.  The encoder still produces the head and
 * then the content (img_udf_layout's nblocks in all): the caller puts the content's
 * nblocks - img_udf_head_blocks blocks at *lba.  File data may then lie between the head and
 * the content.  Call it after img_udf_layout and before img_udf_set_end.  Errors: IMG_EINVAL
 * (not laid out, no room before limit). */
int img_udf_place_content(struct img_udf *u, uint32_t limit, uint32_t *lba);

/* Fixes the end of the volume: the closing Anchor goes at absolute block anchor (N-1 or N-256
 * of an image of N blocks); the partition runs from its start up to the block before it (or
 * before the reserve sequence when that is at the end), so it covers every file extent and
 * nothing past the anchor.  Checks that every file's extents add up to its size and lie inside
 * the partition, outside the metadata.  Errors: IMG_EINVAL (with the path), IMG_EUNSUPPORTED
 * (a file needing more allocation descriptors than one File Entry holds). */
int img_udf_set_end(struct img_udf *u, uint32_t anchor);

/* img_udf_set_end in two steps, for a caller that learns the extents after the head of the
 * volume went out (the head does not depend on them): img_udf_set_anchor fixes the end, with
 * the errors of its first part; img_udf_check_extents makes the checks of the files and must
 * pass, after the last img_udf_add_extent, before the encoder reaches the File Entries. */
int img_udf_set_anchor(struct img_udf *u, uint32_t anchor);
int img_udf_check_extents(struct img_udf *u);

/* Fills the three blocks of the Volume Recognition Sequence (BEA01, NSR02 or NSR03, TEA01;
 * ECMA-167 2/9.1, 3/9.1), to be placed right after the ISO 9660 descriptor set terminator. */
void img_udf_vrs(const struct img_udf *u, uint8_t out[3 * IMG_UDF_BLOCK]);

/* Fills one block with the Anchor Volume Descriptor Pointer recorded at absolute block lba
 * (256 and the closing position).  Needs img_udf_layout, and img_udf_set_end when the
 * reserve sequence is at the end. */
void img_udf_anchor(const struct img_udf *u, uint32_t lba, uint8_t out[IMG_UDF_BLOCK]);

/* How many blocks the volume has at its end, the closing Anchor included: 1, or 1 + 16 with
 * reserve_at_end (ECMA-167 3/8.4.2 lets the reserve sequence lie anywhere; UDF 2.2.3 asks for
 * 16 blocks).  They are blocks anchor - n + 1 .. anchor of img_udf_set_end. */
uint32_t img_udf_end_blocks(const struct img_udf *u);

/* Fills out (img_udf_end_blocks blocks) with those blocks: the reserve sequence, if at the end,
 * then the closing Anchor.  Needs img_udf_set_end.  Errors: IMG_EINVAL (no end set yet),
 * IMG_ENOMEM. */
int img_udf_end(struct img_udf *u, uint8_t *out);

/* Produces blocks first .. first + nblocks - 1 in order through fn, in whole blocks, at most
 * 64 KiB at a time.  Needs img_udf_set_end.  Returns fn's error, if any, or 0. */
int img_udf_write(struct img_udf *u, img_udf_write_fn fn, void *ctx);

/* A pull-style cursor over the same bytes: each File Entry, FID or descriptor is encoded when
 * the caller reads up to it, so memory does not grow with the tree (about 64 KiB of buffer, plus
 * the largest single step: the volume descriptors, about 260 KiB).  u must stay unchanged
 * while the encoder exists.  Needs img_udf_set_end.  Errors: IMG_EINVAL, IMG_ENOMEM (on u). */
struct img_udf_encoder;
int img_udf_encoder_new(struct img_udf *u, struct img_udf_encoder **out);
void img_udf_encoder_free(struct img_udf_encoder *r);

/* Copies the next at most len (> 0) bytes of the metadata to buf; *got is 0 at the end (after
 * nblocks blocks).  Fewer than len bytes may come before the end.  Returns IMG_OK or the
 * error that stopped the encoding (again on every later call; the detail is on u). */
int img_udf_encoder_read(struct img_udf_encoder *r, void *buf, size_t len, size_t *got);

void img_udf_get_stats(const struct img_udf *u, struct img_udf_stats *st);

#endif
