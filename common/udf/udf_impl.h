/* Internal state of the UDF writer, shared by udf_tree.c (building) and udf_layout.c (layout and
 * encoding).  Not part of the public API. */
#ifndef IMG_UDF_IMPL_H
#define IMG_UDF_IMPL_H

#include <stdint.h>

#include "common/base/error.h"
#include "common/udf/udf.h"

#define UDF_NONE UINT32_MAX

/* One directory entry (a File Identifier Descriptor); hard links are several nodes over one
 * inode. */
struct udf_node {
	char *utf8;           /* name as given (NULL for the root), for messages; in the pool */
	uint8_t *name;        /* OSTA compressed Unicode, name_len bytes; in the pool */
	uint32_t name_len;
	uint32_t parent, inode;
	uint32_t first_child, last_child, next_sibling;
};

struct udf_extent {
	uint64_t lba, len;    /* absolute block, bytes */
};

/* Times of an inode, as indexes of udf_inode.sec and .nsec. */
enum { UDF_ATIME, UDF_MTIME, UDF_CTIME, UDF_BTIME };

/* One File Entry.  Kept small (one per file of the tree, all held until the metadata is
 * written): times without padding, the type-specific fields in a union. */
struct udf_inode {
	uint32_t node;        /* the first node naming it */
	uint32_t mode, uid, gid;
	int64_t sec[4];       /* UDF_ATIME..UDF_BTIME */
	int32_t nsec[4];
	uint64_t size;        /* files: data size; symlinks: path components; dirs: FID bytes */
	uint32_t nlink;
	uint32_t data_block;  /* dirs and long symlinks: first block in the content area */
	uint32_t data_blocks;
	union {
		struct {      /* regular files */
			struct udf_extent *ext; /* the extents when more than one, else NULL */
			uint32_t next, ext_cap; /* extents used, capacity of ext */
			struct udf_extent ext1; /* the extent while there is one (most files) */
		};
		uint8_t *symlink; /* encoded path components (ECMA-167 4/14.16), in the pool */
		struct {
			uint32_t major, minor; /* block and character devices */
		};
	};
};

/* The extents of a regular file's inode (next of them). */
static inline const struct udf_extent *udf_extents(const struct udf_inode *ino)
{
	return ino->ext != NULL ? ino->ext : &ino->ext1;
}

/* Strings of the tree (names, symlink data), allocated one after the other in big chunks:
 * one malloc per chunk instead of two or three per node. */
struct udf_pool_chunk {
	struct udf_pool_chunk *next;
	size_t used, cap;
	uint8_t data[];
};

struct img_udf {
	struct img_error err;
	unsigned rev;
	char *volume_id;
	char vs_unique[17];
	int64_t vtime;

	struct udf_node *nodes;
	uint32_t nnodes;
	size_t nodes_cap;
	struct udf_inode *inodes;
	uint32_t ninodes;
	size_t inodes_cap;
	struct udf_pool_chunk *pool;
	uint8_t *scratch;     /* encoding buffer of the add functions */
	size_t scratch_cap;

	/* hard-link group -> inode, open addressing (key 0 = empty slot) */
	uint64_t *hl_keys;
	uint32_t *hl_vals;
	size_t hl_cap, hl_used;

	uint64_t renamed, nfiles, ndirs;

	/* layout, in blocks */
	int laid_out, ended;
	int extents_checked;     /* img_udf_check_extents passed since the last extent added */
	uint32_t first, nblocks;
	uint32_t part_start, part_len, anchor_end;
	int rvds_at_end;         /* the reserve VDS sits right before the closing anchor */
	uint32_t rvds, lvid;     /* first blocks of the reserve VDS and of the integrity sequence */
	uint32_t content_blocks; /* FSD, TD, File Entries, directory and symlink data */
	uint32_t meta_blocks;    /* 2.50+: content_blocks rounded up to the alignment unit */
	uint32_t head_blocks;    /* blocks from first to the content area as laid out */
	uint32_t content_rel;    /* partition block where the part of the content area that
				  * img_udf_place_content moves begins (File Entries, or for 2.50+
				  * the mirror and the metadata file): right after the head, or
				  * where that function put it */
};

/* Bytes of a regular file given by img_udf_add_extent so far. */
uint64_t img_udf_inode_ext_bytes(const struct udf_inode *ino);

/* Writes "dir/sub/name" of node into buf (size bytes), for error details. */
void img_udf_node_path(const struct img_udf *u, uint32_t node, char *buf, size_t size);

#endif
