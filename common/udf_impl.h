/* Internal state of the UDF writer, shared by udf_tree.c (building) and udf_layout.c (layout and
 * encoding).  Not part of the public API. */
#ifndef IMG_UDF_IMPL_H
#define IMG_UDF_IMPL_H

#include <stdint.h>

#include "common/error.h"
#include "common/udf.h"

#define UDF_NONE UINT32_MAX

/* One directory entry (a File Identifier Descriptor); hard links are several nodes over one
 * inode. */
struct udf_node {
	char *utf8;           /* name as given (NULL for the root), for messages */
	uint8_t *name;        /* OSTA compressed Unicode, name_len bytes */
	uint32_t name_len;
	uint32_t parent, inode;
	uint32_t first_child, last_child, next_sibling;
};

struct udf_extent {
	uint64_t lba, len;    /* absolute block, bytes */
};

/* One File Entry. */
struct udf_inode {
	uint32_t node;        /* the first node naming it */
	uint32_t mode, uid, gid;
	struct img_udf_time atime, mtime, ctime, btime;
	uint64_t size;        /* files: data size; symlinks: path components; dirs: FID bytes */
	uint64_t ext_bytes;   /* bytes given by img_udf_add_extent so far */
	uint64_t group;       /* hard-link group, 0 for none */
	uint32_t nlink;
	uint32_t data_block;  /* dirs and long symlinks: first block in the content area */
	uint32_t data_blocks;
	uint8_t *symlink;     /* encoded path components (ECMA-167 4/14.16) */
	uint32_t major, minor; /* block and character devices */
	struct udf_extent *ext;
	uint32_t next, ext_cap;
};

struct img_udf {
	struct img_error err;
	unsigned rev;
	char *volume_id;
	char vs_unique[17];
	int64_t vtime;

	struct udf_node *nodes;
	uint32_t nnodes, nodes_cap;
	struct udf_inode *inodes;
	uint32_t ninodes, inodes_cap;

	/* hard-link group -> inode, open addressing (key 0 = empty slot) */
	uint64_t *hl_keys;
	uint32_t *hl_vals;
	size_t hl_cap, hl_used;

	uint64_t renamed, nfiles, ndirs;

	/* layout, in blocks */
	int laid_out, ended;
	uint32_t first, nblocks;
	uint32_t part_start, part_len, anchor_end;
	int rvds_at_end;         /* the reserve VDS sits right before the closing anchor */
	uint32_t rvds, lvid;     /* first blocks of the reserve VDS and of the integrity sequence */
	uint32_t content_blocks; /* FSD, TD, File Entries, directory and symlink data */
	uint32_t meta_blocks;    /* 2.50+: content_blocks rounded up to the alignment unit */
};

/* Writes "dir/sub/name" of node into buf (size bytes), for error details. */
void img_udf_node_path(const struct img_udf *u, uint32_t node, char *buf, size_t size);

#endif
