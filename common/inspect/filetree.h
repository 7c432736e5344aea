/* The file tree of one view of an image (ISO9660, Joliet, Rock Ridge or UDF), held in memory
 * as plain nodes so that listing, finding, extraction and cross-view checks share one type. */
#ifndef IMG_FILETREE_H
#define IMG_FILETREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/error.h"

/* One contiguous run of file data: absolute byte offset in the image and its length. */
struct img_extent {
	uint64_t offset;
	uint64_t length;
};

/* A file, directory, symlink or special file.  Strings and arrays belong to the tree. */
struct img_fnode {
	char *name;                 /* "" for the root */
	mode_t mode;                /* type and permission bits */
	uid_t uid;
	gid_t gid;
	int64_t mtime, atime, ctime;
	uint64_t size;
	struct img_extent *extents; /* regular files only */
	size_t nextents, ext_cap;
	char *link;                 /* symlink target, else NULL */
	bool has_md5;               /* a per-file MD5 was recorded in the image */
	unsigned char md5[16];
	struct img_fnode *parent;    /* NULL for the root */
	struct img_fnode **children; /* directories only, in image order */
	size_t nchildren, cap;
};

struct img_filetree {
	struct img_fnode *root;
	size_t nodes;
};

/* Makes an empty tree whose root is a directory.  IMG_ENOMEM. */
int img_filetree_new(struct img_filetree **out);
/* Adds a child named name under dir (copied); returns it in *out.  IMG_ENOMEM. */
int img_filetree_add(struct img_filetree *t, struct img_fnode *dir, const char *name,
		 struct img_fnode **out);
/* Adds one extent to a file node.  IMG_ENOMEM. */
int img_fnode_add_extent(struct img_fnode *n, uint64_t offset, uint64_t length);
/* Sets a symlink target (copied).  IMG_ENOMEM. */
int img_fnode_set_link(struct img_fnode *n, const char *target);
void img_filetree_free(struct img_filetree *t);

/* Finds the node at an absolute or relative slash-separated path ("/" or "" is the root;
 * "." and empty components are skipped, ".." is refused).  IMG_ENOENT if absent. */
int img_filetree_lookup(const struct img_filetree *t, const char *path, struct img_fnode **out);

/* Writes the absolute path of n ("/" for the root) into buf.  Returns false if it does not fit. */
bool img_fnode_path(const struct img_fnode *n, char *buf, size_t size);

/* Calls visit for n and every node below it, depth first, parents before children.  Stops and
 * returns visit's value when it is not IMG_OK. */
int img_filetree_walk(struct img_fnode *n, int (*visit)(struct img_fnode *n, void *arg), void *arg);

/* fnmatch-style match of pattern against the name of n, or against its whole path when the
 * pattern holds a '/'. */
bool img_fnode_matches(const struct img_fnode *n, const char *pattern);

#endif
