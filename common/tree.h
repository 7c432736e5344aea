/* The file tree of one view of an image (ISO9660, Joliet, Rock Ridge or UDF), held in memory
 * as plain nodes so that listing, finding, extraction and cross-view checks share one type. */
#ifndef IMG_TREE_H
#define IMG_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* One contiguous run of file data: absolute byte offset in the image and its length. */
struct img_extent {
	uint64_t offset;
	uint64_t length;
};

/* A file, directory, symlink or special file.  Strings and arrays belong to the tree. */
struct img_node {
	char *name;                 /* "" for the root */
	mode_t mode;                /* type and permission bits */
	uid_t uid;
	gid_t gid;
	int64_t mtime, atime, ctime;
	uint64_t size;
	struct img_extent *extents; /* regular files only */
	size_t nextents;
	char *link;                 /* symlink target, else NULL */
	bool has_md5;               /* a per-file MD5 was recorded in the image */
	unsigned char md5[16];
	struct img_node *parent;    /* NULL for the root */
	struct img_node **children; /* directories only, in image order */
	size_t nchildren, cap;
};

struct img_tree {
	struct img_node *root;
	size_t nodes;
};

/* Makes an empty tree whose root is a directory.  IMG_ENOMEM. */
int img_tree_new(struct img_tree **out);
/* Adds a child named name under dir (copied); returns it in *out.  IMG_ENOMEM. */
int img_tree_add(struct img_tree *t, struct img_node *dir, const char *name,
		 struct img_node **out);
/* Adds one extent to a file node.  IMG_ENOMEM. */
int img_node_add_extent(struct img_node *n, uint64_t offset, uint64_t length);
/* Sets a symlink target (copied).  IMG_ENOMEM. */
int img_node_set_link(struct img_node *n, const char *target);
void img_tree_free(struct img_tree *t);

/* Finds the node at an absolute or relative slash-separated path ("/" or "" is the root;
 * "." and empty components are skipped, ".." is refused).  IMG_ENOENT if absent. */
int img_tree_lookup(const struct img_tree *t, const char *path, struct img_node **out);

/* Writes the absolute path of n ("/" for the root) into buf.  Returns false if it does not fit. */
bool img_node_path(const struct img_node *n, char *buf, size_t size);

/* Calls visit for n and every node below it, depth first, parents before children.  Stops and
 * returns visit's value when it is not IMG_OK. */
int img_tree_walk(struct img_node *n, int (*visit)(struct img_node *n, void *arg), void *arg);

/* fnmatch-style match of pattern against the name of n, or against its whole path when the
 * pattern holds a '/'. */
bool img_node_matches(const struct img_node *n, const char *pattern);

#endif
