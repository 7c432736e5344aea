/* The source tree of an image: our own walk of the disk (one lstat per entry), graft points,
 * excludes, hiding and sort weights, held in memory with every directory sorted bytewise. */
#ifndef IMG_TREE_H
#define IMG_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "common/base/error.h"

/* Views an entry can be hidden from (-hide, -hide-joliet, -hide-hfsplus). */
enum { IMG_HIDE_ISO = 1 << 0, IMG_HIDE_JOLIET = 1 << 1, IMG_HIDE_HFSPLUS = 1 << 2,
       IMG_HIDE_UDF = 1 << 3 };

/* A pattern with a weight, as read from a -sort file ("PATH WEIGHT" lines). */
struct img_sort_rule {
	char *glob;
	int weight;
};

/* What the walk takes in.  Pointers are borrowed: they must outlive the tree. */
struct img_tree_opts {
	bool follow_symlinks;      /* -f: stat instead of lstat; directory loops are errors */
	const char *const *exclude;/* -m / -exclude-list: fnmatch globs on leaf name or disk path */
	size_t n_exclude;
	const char *const *hide;   /* -hide: globs on leaf name, disk path or image path */
	size_t n_hide;
	const char *const *hide_joliet; /* -hide-joliet */
	size_t n_hide_joliet;
	const char *const *hide_hfsplus; /* -hide-hfsplus */
	size_t n_hide_hfsplus;
	const char *const *hide_udf; /* -hide-udf (cdrtools mkisofs) */
	size_t n_hide_udf;
	const struct img_sort_rule *sort; /* -sort: first rule matching the disk path wins */
	size_t n_sort;
	const char *output;        /* OUTPUT path (NULL or "-" for stdout): never walked into */
};

struct img_tree;
struct img_tree_node;

/* Creates an empty tree (a root directory).  Returns IMG_ENOMEM or IMG_EINVAL. */
int img_tree_new(const struct img_tree_opts *opts, struct img_tree **out, struct img_error *err);
void img_tree_free(struct img_tree *t);

/* Adds disk_path at image_path.  image_path NULL means "as on a mkisofs command line without
 * graft points": a directory's contents go into the root, anything else becomes /basename.
 * With image_path "a/b", a directory's contents are merged into /a/b and anything else becomes
 * /a/b; with "a/b/" a non-directory becomes /a/b/basename.  Errors (detail names the path):
 * IMG_ENOENT (missing source), IMG_EIO (unreadable directory), IMG_ELOOP (-f loop),
 * IMG_EEXIST (the source is OUTPUT itself), IMG_ENOMEM. */
int img_tree_add(struct img_tree *t, const char *image_path, const char *disk_path);

/* Parses one graft point "IMAGE=DISK" (backslash escapes '=' and '\') and adds it; an argument
 * without '=' is added as img_tree_add(t, NULL, arg). */
int img_tree_add_graft(struct img_tree *t, const char *arg);

/* Sorts every directory bytewise, merges directories that graft points put at the same place,
 * and fails with IMG_ECOLLISION when two different entries claim one image path.  Call once,
 * after the last add and before reading the tree. */
int img_tree_finish(struct img_tree *t);

/* The error of the last failed call on t. */
const struct img_error *img_tree_error(const struct img_tree *t);

/* Reading the finished tree (read-only views, owned by the tree). */
const struct img_tree_node *img_tree_root(const struct img_tree *t);
size_t img_tree_count(const struct img_tree *t); /* entries below the root */
/* The newest modification time of any entry (a clock-free date for --reproducible). */
time_t img_tree_newest_mtime(const struct img_tree *t);
const char *img_node_name(const struct img_tree_node *n);
/* Disk path, or NULL for a directory that only exists because a graft point needed it. */
const char *img_node_source(const struct img_tree_node *n);
const struct stat *img_node_stat(const struct img_tree_node *n);
const char *img_node_link(const struct img_tree_node *n); /* symlink target or NULL */
int img_node_hide(const struct img_tree_node *n);          /* IMG_HIDE_* bits */
int img_node_sort_weight(const struct img_tree_node *n);
size_t img_node_count(const struct img_tree_node *n);      /* children (directories) */
const struct img_tree_node *img_node_child(const struct img_tree_node *n, size_t i);

/* --sort-weight: gives weight to the file at image path, or to every file below it when it is
 * a directory (as xorriso's -find PATH -exec sort_weight; a later call overrides an earlier
 * one); image.c places heavier data first.  With pattern, path is an fnmatch(3) pattern over
 * whole image paths ('/' only matched by '/') and every entry it matches is weighed.  Call
 * after img_tree_finish.  *matched receives the number of files weighed.  Errors (on the
 * tree): IMG_ENOENT when path (not a pattern) is not in the tree. */
int img_tree_set_weight(struct img_tree *t, const char *path, bool pattern, int weight,
			size_t *matched);

/* Reads a list file (-path-list, -exclude-list, -sort): one entry per line, without the line
 * end; empty lines are skipped.  *lines is a NULL-terminated array the caller frees with
 * img_lines_free.  Errors: IMG_ENOENT / IMG_EIO naming the file, IMG_ENOMEM. */
int img_read_lines(const char *path, char ***lines, size_t *count, struct img_error *err);
void img_lines_free(char **lines);

/* Parses -sort lines "PATH WEIGHT" (the weight is the last blank-separated word) into rules
 * that borrow nothing.  Errors: IMG_EINVAL naming the line. */
int img_sort_rules_parse(char *const *lines, size_t count, struct img_sort_rule **rules,
			 struct img_error *err);
void img_sort_rules_free(struct img_sort_rule *rules, size_t count);

#endif
