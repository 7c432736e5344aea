/* The source tree of an image: our own walk of the disk, graft points, excludes, hiding, sorting. */
#include "common/build/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/grow.h"

struct img_tree_node {
	char *name;
	char *src;
	char *link;
	struct stat st;
	int hide;
	int weight;
	struct img_tree_node *parent;
	struct img_tree_node **kids;
	size_t nkids, cap;
};

struct img_tree {
	struct img_tree_opts opts;
	struct img_tree_node root;
	bool have_output;
	dev_t out_dev;
	ino_t out_ino;
	size_t count;
	time_t newest;
	bool finished;
	struct img_error err;
};

static void node_free(struct img_tree_node *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		node_free(n->kids[i]);
		free(n->kids[i]);
	}
	free(n->kids);
	free(n->name);
	free(n->src);
	free(n->link);
	n->kids = NULL;
	n->nkids = n->cap = 0;
}

int img_tree_new(const struct img_tree_opts *opts, struct img_tree **out, struct img_error *err)
{
	struct img_tree *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return img_error_set(err, IMG_ENOMEM, "tree");
	t->opts = *opts;
	t->root.st.st_mode = S_IFDIR | 0755;
	t->root.st.st_nlink = 2;
	struct stat st;
	/* OUTPUT is recognised by device and inode, so no spelling of its path (relative,
	 * through symlinks, a hard link) gets it into its own image. */
	if (opts->output != NULL && strcmp(opts->output, "-") != 0 && stat(opts->output, &st) == 0
	    && S_ISREG(st.st_mode)) {
		t->have_output = true;
		t->out_dev = st.st_dev;
		t->out_ino = st.st_ino;
	}
	*out = t;
	return IMG_OK;
}

void img_tree_free(struct img_tree *t)
{
	if (t == NULL)
		return;
	node_free(&t->root);
	free(t);
}

const struct img_error *img_tree_error(const struct img_tree *t)
{
	return &t->err;
}

static bool is_output(const struct img_tree *t, const struct stat *st)
{
	return t->have_output && S_ISREG(st->st_mode) && st->st_dev == t->out_dev
	       && st->st_ino == t->out_ino;
}

static bool match_any(const char *const *globs, size_t n, const char *a, const char *b,
		      const char *c)
{
	for (size_t i = 0; i < n; i++) {
		if (fnmatch(globs[i], a, 0) == 0 || (b && fnmatch(globs[i], b, 0) == 0)
		    || (c && fnmatch(globs[i], c, 0) == 0))
			return true;
	}
	return false;
}

static int add_kid(struct img_tree *t, struct img_tree_node *dir, struct img_tree_node *kid)
{
	if (img_grow((void **)&dir->kids, &dir->cap, dir->nkids, sizeof(*dir->kids), 8) != IMG_OK)
		return img_error_set(&t->err, IMG_ENOMEM, "tree");
	kid->parent = dir;
	dir->kids[dir->nkids++] = kid;
	t->count++;
	if (kid->st.st_mtime > t->newest)
		t->newest = kid->st.st_mtime;
	return IMG_OK;
}

/* Makes a node for the entry at disk path src (already stat'ed), named name in dir. */
static int new_node(struct img_tree *t, struct img_tree_node *dir, const char *name,
		    const char *src, const struct stat *st, const char *image_path,
		    struct img_tree_node **out)
{
	struct img_tree_node *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return img_error_set(&t->err, IMG_ENOMEM, "tree");
	n->name = strdup(name);
	n->src = strdup(src);
	n->st = *st;
	if (n->name == NULL || n->src == NULL) {
		node_free(n);
		free(n);
		return img_error_set(&t->err, IMG_ENOMEM, "tree");
	}
	if (S_ISLNK(st->st_mode)) {
		size_t cap = st->st_size > 0 ? (size_t)st->st_size + 1 : PATH_MAX;
		n->link = malloc(cap);
		ssize_t len = n->link ? readlink(src, n->link, cap) : -1;
		if (len < 0 || (size_t)len >= cap) {
			int e = n->link == NULL ? ENOMEM : len < 0 ? errno : ENAMETOOLONG;
			node_free(n);
			free(n);
			/* The link changed between lstat and readlink, or cannot be read. */
			return img_error_errno(&t->err, e == ENOMEM ? IMG_ENOMEM : IMG_EIO, e,
					       "cannot read symlink %s", src);
		}
		n->link[len] = '\0';
	}
	const struct img_tree_opts *o = &t->opts;
	if (match_any(o->hide, o->n_hide, name, src, image_path))
		n->hide |= IMG_HIDE_ISO;
	if (match_any(o->hide_joliet, o->n_hide_joliet, name, src, image_path))
		n->hide |= IMG_HIDE_JOLIET;
	if (match_any(o->hide_hfsplus, o->n_hide_hfsplus, name, src, image_path))
		n->hide |= IMG_HIDE_HFSPLUS;
	if (match_any(o->hide_udf, o->n_hide_udf, name, src, image_path))
		n->hide |= IMG_HIDE_UDF;
	for (size_t i = 0; i < o->n_sort; i++) {
		if (strcmp(o->sort[i].glob, src) == 0 || fnmatch(o->sort[i].glob, src, 0) == 0) {
			n->weight = o->sort[i].weight;
			break;
		}
	}
	int rc = add_kid(t, dir, n);
	if (rc != IMG_OK) {
		node_free(n);
		free(n);
		return rc;
	}
	*out = n;
	return IMG_OK;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	bool slash = la > 0 && a[la - 1] != '/';
	char *p = malloc(la + slash + lb + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, a, la);
	if (slash)
		p[la] = '/';
	memcpy(p + la + slash, b, lb + 1);
	return p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* stat or lstat as -f asks, of name in the directory open as dfd (or of the path name with
 * AT_FDCWD); path is for messages.  With -f a dangling symlink stays a symlink, a looping one
 * is an error (ELOOP from the kernel).  Relative to the directory, the kernel looks up one
 * component instead of the whole path: path lookups were ~10 % of the walk's time. */
static int stat_entry(struct img_tree *t, int dfd, const char *name, const char *path,
		      struct stat *st)
{
	if (t->opts.follow_symlinks) {
		if (fstatat(dfd, name, st, 0) == 0)
			return IMG_OK;
		if (errno == ELOOP)
			return img_error_errno(&t->err, IMG_ELOOP, ELOOP, "%s", path);
		if (errno != ENOENT)
			return img_error_errno(&t->err, IMG_EIO, errno, "%s", path);
	}
	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) == 0)
		return IMG_OK;
	return img_error_errno(&t->err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno, "%s", path);
}

static int walk(struct img_tree *t, struct img_tree_node *dir, const char *dpath,
		const char *ipath);

/* With -f a directory reached again through a symlink would recurse forever. */
static int check_loop(struct img_tree *t, const struct img_tree_node *dir, const char *path)
{
	for (const struct img_tree_node *a = dir->parent; a != NULL; a = a->parent) {
		if (a->src != NULL && a->st.st_dev == dir->st.st_dev
		    && a->st.st_ino == dir->st.st_ino)
			return img_error_set(&t->err, IMG_ELOOP,
					     "%s: directory loop (it is also %s)", path, a->src);
	}
	return IMG_OK;
}

static int walk_entry(struct img_tree *t, struct img_tree_node *dir, int dfd, const char *name,
		      const char *dpath, const char *ipath)
{
	const struct img_tree_opts *o = &t->opts;
	int rc = IMG_ENOMEM;
	char *path = join(dpath, name);
	bool hiding = o->n_hide || o->n_hide_joliet || o->n_hide_hfsplus || o->n_hide_udf;
	char *image = hiding && ipath ? join(ipath, name) : NULL;
	if (path == NULL)
		return img_error_set(&t->err, IMG_ENOMEM, "tree");
	if (match_any(o->exclude, o->n_exclude, name, path, NULL)) {
		rc = IMG_OK;
		goto out;
	}
	struct stat st;
	rc = stat_entry(t, dfd, name, path, &st);
	if (rc != IMG_OK)
		goto out;
	if (is_output(t, &st))
		goto out;
	struct img_tree_node *n;
	rc = new_node(t, dir, name, path, &st, image, &n);
	if (rc == IMG_OK && S_ISDIR(st.st_mode)) {
		if (o->follow_symlinks)
			rc = check_loop(t, n, path);
		if (rc == IMG_OK)
			rc = walk(t, n, path, image);
	}
out:
	free(path);
	free(image);
	return rc;
}

/* Reads the directory at dpath into dir: names sorted bytewise so that errors, and anything
 * else that depends on order, come out the same for any copy of the tree. */
static int walk(struct img_tree *t, struct img_tree_node *dir, const char *dpath,
		const char *ipath)
{
	DIR *d = opendir(dpath);
	if (d == NULL)
		return img_error_errno(&t->err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno,
				       "cannot open directory %s", dpath);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = IMG_OK;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (img_grow((void **)&names, &cap, n, sizeof(*names), 32) != IMG_OK) {
			rc = img_error_set(&t->err, IMG_ENOMEM, "tree");
			goto out;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = img_error_set(&t->err, IMG_ENOMEM, "tree");
			goto out;
		}
		n++;
		errno = 0;
	}
	if (errno != 0) {
		rc = img_error_errno(&t->err, IMG_EIO, errno, "cannot read directory %s", dpath);
		goto out;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == IMG_OK; i++)
		rc = walk_entry(t, dir, dirfd(d), names[i], dpath, ipath);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static struct img_tree_node *find_kid(struct img_tree_node *dir, const char *name)
{
	for (size_t i = 0; i < dir->nkids; i++)
		if (strcmp(dir->kids[i]->name, name) == 0)
			return dir->kids[i];
	return NULL;
}

/* Walks down image path components from the root, making directories that do not exist yet
 * ("made up": no source, mode 0755).  Only the first `ncomp` components are used. */
static int make_dirs(struct img_tree *t, char **comps, size_t ncomp,
		     struct img_tree_node **out)
{
	struct img_tree_node *dir = &t->root;
	for (size_t i = 0; i < ncomp; i++) {
		struct img_tree_node *k = find_kid(dir, comps[i]);
		if (k != NULL && !S_ISDIR(k->st.st_mode))
			return img_error_set(&t->err, IMG_ECOLLISION,
					     "image path component %s is %s, not a directory",
					     comps[i], k->src);
		if (k == NULL) {
			k = calloc(1, sizeof(*k));
			if (k == NULL || (k->name = strdup(comps[i])) == NULL) {
				free(k);
				return img_error_set(&t->err, IMG_ENOMEM, "tree");
			}
			k->st.st_mode = S_IFDIR | 0755;
			k->st.st_nlink = 2;
			int rc = add_kid(t, dir, k);
			if (rc != IMG_OK) {
				node_free(k);
				free(k);
				return rc;
			}
		}
		dir = k;
	}
	*out = dir;
	return IMG_OK;
}

static const char *base_name(const char *path, char *buf, size_t len)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t n = end - start < len - 1 ? end - start : len - 1;
	memcpy(buf, path + start, n);
	buf[n] = '\0';
	return buf;
}

int img_tree_add(struct img_tree *t, const char *image_path, const char *disk_path)
{
	struct stat st;
	if (t->finished)
		return img_error_set(&t->err, IMG_EINVAL, "tree already finished");
	int rc = stat_entry(t, AT_FDCWD, disk_path, disk_path, &st);
	if (rc != IMG_OK)
		return rc;
	if (is_output(t, &st))
		return img_error_set(&t->err, IMG_EEXIST,
				     "%s: is the output file; refusing to overwrite an input",
				     disk_path);
	/* Split the image path into components; a trailing '/' means "into this directory". */
	char *copy = strdup(image_path ? image_path : "");
	char **comps = calloc(strlen(image_path ? image_path : "") / 2 + 2, sizeof(*comps));
	if (copy == NULL || comps == NULL) {
		free(copy);
		free(comps);
		return img_error_set(&t->err, IMG_ENOMEM, "tree");
	}
	size_t ncomp = 0;
	bool into = image_path == NULL || image_path[0] == '\0'
		    || image_path[strlen(image_path) - 1] == '/';
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
		comps[ncomp++] = c;
	if (ncomp == 0)
		into = true;
	char *ipath = NULL;
	if (t->opts.n_hide || t->opts.n_hide_joliet || t->opts.n_hide_hfsplus ||
	    t->opts.n_hide_udf) {
		ipath = malloc(strlen(image_path ? image_path : "") + 2);
		if (ipath == NULL) {
			rc = img_error_set(&t->err, IMG_ENOMEM, "tree");
			goto out;
		}
		snprintf(ipath, strlen(image_path ? image_path : "") + 2, "/%s",
			 image_path ? image_path + (image_path[0] == '/') : "");
	}

	struct img_tree_node *dir;
	if (S_ISDIR(st.st_mode)) {
		rc = make_dirs(t, comps, ncomp, &dir);
		if (rc != IMG_OK)
			goto out;
		if (dir->src == NULL) {
			/* The first source directory placed here lends it its metadata. */
			dir->src = strdup(disk_path);
			if (dir->src == NULL) {
				rc = img_error_set(&t->err, IMG_ENOMEM, "tree");
				goto out;
			}
			dir->st = st;
		}
		if (t->opts.follow_symlinks)
			rc = check_loop(t, dir, disk_path);
		if (rc == IMG_OK)
			rc = walk(t, dir, disk_path, ipath);
	} else {
		char leafbuf[NAME_MAX + 1];
		const char *leaf = into ? base_name(disk_path, leafbuf, sizeof(leafbuf))
				       : comps[ncomp - 1];
		rc = make_dirs(t, comps, into ? ncomp : ncomp - 1, &dir);
		struct img_tree_node *n;
		if (rc == IMG_OK)
			rc = new_node(t, dir, leaf, disk_path, &st, ipath, &n);
	}
out:
	free(ipath);
	free(copy);
	free(comps);
	return rc;
}

/* Copies s up to the first unescaped '=' (or its end) into out, undoing "\=" and "\\". */
static const char *unescape_until_eq(const char *s, char *out)
{
	while (*s && *s != '=') {
		if (s[0] == '\\' && (s[1] == '=' || s[1] == '\\'))
			s++;
		*out++ = *s++;
	}
	*out = '\0';
	return s;
}

int img_tree_add_graft(struct img_tree *t, const char *arg)
{
	size_t len = strlen(arg);
	char *image = malloc(len + 1), *disk = malloc(len + 1);
	if (image == NULL || disk == NULL) {
		free(image);
		free(disk);
		return img_error_set(&t->err, IMG_ENOMEM, "tree");
	}
	const char *rest = unescape_until_eq(arg, image);
	int rc;
	if (*rest == '=') {
		unescape_until_eq(rest + 1, disk);
		if (disk[0] == '\0')
			rc = img_error_set(&t->err, IMG_EINVAL, "%s: graft point without a source",
					   arg);
		else
			rc = img_tree_add(t, image, disk);
	} else {
		rc = img_tree_add(t, NULL, image);
	}
	free(image);
	free(disk);
	return rc;
}

static int cmp_node(const void *a, const void *b)
{
	const struct img_tree_node *x = *(struct img_tree_node *const *)a;
	const struct img_tree_node *y = *(struct img_tree_node *const *)b;
	return strcmp(x->name, y->name);
}

/* Sorts dir, merges same-named directories, and gives made-up directories the newest time of
 * what they hold (a time that depends on content, never on the clock). */
static int finish_dir(struct img_tree *t, struct img_tree_node *dir, const char *ipath)
{
	if (dir->nkids > 1)
		qsort(dir->kids, dir->nkids, sizeof(*dir->kids), cmp_node);
	size_t w = 0;
	for (size_t i = 0; i < dir->nkids; i++) {
		struct img_tree_node *k = dir->kids[i];
		struct img_tree_node *prev = w ? dir->kids[w - 1] : NULL;
		if (prev && strcmp(prev->name, k->name) == 0) {
			if (!S_ISDIR(prev->st.st_mode) || !S_ISDIR(k->st.st_mode))
				return img_error_set(&t->err, IMG_ECOLLISION,
						     "%s/%s: given twice (%s and %s)", ipath,
						     k->name, prev->src ? prev->src : "a directory",
						     k->src ? k->src : "a directory");
			for (size_t j = 0; j < k->nkids; j++) {
				int rc = add_kid(t, prev, k->kids[j]);
				if (rc != IMG_OK)
					return rc;
				t->count--;
			}
			k->nkids = 0;
			if (prev->src == NULL && k->src != NULL) {
				prev->src = k->src;
				prev->st = k->st;
				k->src = NULL;
			}
			node_free(k);
			free(k);
			t->count--;
			continue;
		}
		dir->kids[w++] = k;
	}
	dir->nkids = w;
	for (size_t i = 0; i < dir->nkids; i++) {
		struct img_tree_node *k = dir->kids[i];
		if (S_ISDIR(k->st.st_mode)) {
			size_t len = strlen(ipath) + strlen(k->name) + 2;
			char *sub = malloc(len);
			if (sub == NULL)
				return img_error_set(&t->err, IMG_ENOMEM, "tree");
			snprintf(sub, len, "%s/%s", ipath, k->name);
			int rc = finish_dir(t, k, sub);
			free(sub);
			if (rc != IMG_OK)
				return rc;
		}
		if (dir->src == NULL && k->st.st_mtime > dir->st.st_mtime)
			dir->st.st_mtime = k->st.st_mtime;
	}
	return IMG_OK;
}

int img_tree_finish(struct img_tree *t)
{
	if (t->finished)
		return IMG_OK;
	t->finished = true;
	return finish_dir(t, &t->root, "");
}

const struct img_tree_node *img_tree_root(const struct img_tree *t)
{
	return &t->root;
}

size_t img_tree_count(const struct img_tree *t)
{
	return t->count;
}

time_t img_tree_newest_mtime(const struct img_tree *t)
{
	return t->newest > t->root.st.st_mtime ? t->newest : t->root.st.st_mtime;
}

const char *img_node_name(const struct img_tree_node *n)
{
	return n->name;
}

const char *img_node_source(const struct img_tree_node *n)
{
	return n->src;
}

const struct stat *img_node_stat(const struct img_tree_node *n)
{
	return &n->st;
}

const char *img_node_link(const struct img_tree_node *n)
{
	return n->link;
}

int img_node_hide(const struct img_tree_node *n)
{
	return n->hide;
}

int img_node_sort_weight(const struct img_tree_node *n)
{
	return n->weight;
}

/* Gives weight to every file at or below n (directories carry none of their own). */
static size_t weigh_subtree(struct img_tree_node *n, int weight)
{
	if (!S_ISDIR(n->st.st_mode)) {
		n->weight = weight;
		return 1;
	}
	size_t count = 0;
	for (size_t i = 0; i < n->nkids; i++)
		count += weigh_subtree(n->kids[i], weight);
	return count;
}

/* Walks dir (whose image path, without the trailing slash, is path[0..used)) for entries
 * whose whole image path matches pattern, weighing each one's subtree. */
static size_t weigh_matches(struct img_tree_node *dir, const char *pattern, char *path,
			    size_t used, size_t len, int weight)
{
	size_t count = 0;
	for (size_t i = 0; i < dir->nkids; i++) {
		struct img_tree_node *k = dir->kids[i];
		size_t n = strlen(k->name);
		if (used + 1 + n >= len)
			continue;
		path[used] = '/';
		memcpy(path + used + 1, k->name, n + 1);
		if (fnmatch(pattern, path, FNM_PATHNAME) == 0)
			count += weigh_subtree(k, weight);
		else if (S_ISDIR(k->st.st_mode))
			count += weigh_matches(k, pattern, path, used + 1 + n, len, weight);
	}
	path[used] = '\0';
	return count;
}

int img_tree_set_weight(struct img_tree *t, const char *path, bool pattern, int weight,
			size_t *matched)
{
	*matched = 0;
	/* Image paths are absolute; "a/b", "/a/b" and "/a/b/" name the same entry. */
	char norm[PATH_MAX];
	size_t n = 0;
	for (const char *p = path; *p && n + 1 < sizeof(norm); p++)
		if (!(*p == '/' && (n == 0 || norm[n - 1] == '/')))
			norm[n++] = *p;
	while (n > 0 && norm[n - 1] == '/')
		n--;
	norm[n] = '\0';
	if (pattern) {
		char buf[PATH_MAX + 2] = "/";
		char pat[PATH_MAX + 2];
		snprintf(pat, sizeof(pat), "/%s", norm);
		if (n == 0)
			*matched = weigh_subtree(&t->root, weight);
		else
			*matched = weigh_matches(&t->root, pat, buf, 0, sizeof(buf), weight);
		return IMG_OK;
	}
	struct img_tree_node *node = &t->root;
	for (char *comp = norm, *next; node != NULL && *comp; comp = next) {
		next = strchr(comp, '/');
		if (next != NULL)
			*next++ = '\0';
		else
			next = comp + strlen(comp);
		struct img_tree_node *found = NULL;
		for (size_t i = 0; i < node->nkids && found == NULL; i++)
			if (strcmp(node->kids[i]->name, comp) == 0)
				found = node->kids[i];
		node = found;
	}
	if (node == NULL)
		return img_error_set(&t->err, IMG_ENOENT, "%s: not in the image", path);
	*matched = weigh_subtree(node, weight);
	return IMG_OK;
}

size_t img_node_count(const struct img_tree_node *n)
{
	return n->nkids;
}

const struct img_tree_node *img_node_child(const struct img_tree_node *n, size_t i)
{
	return i < n->nkids ? n->kids[i] : NULL;
}

int img_read_lines(const char *path, char ***lines, size_t *count, struct img_error *err)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return img_error_errno(err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno, "%s",
				       path);
	char **v = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	int rc = IMG_OK;
	while ((len = getline(&line, &lcap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		/* room for this line and the NULL after it */
		if (img_grow((void **)&v, &cap, n + 1, sizeof(*v), 16) != IMG_OK) {
			rc = img_error_set(err, IMG_ENOMEM, "%s", path);
			break;
		}
		if ((v[n] = strdup(line)) == NULL) {
			rc = img_error_set(err, IMG_ENOMEM, "%s", path);
			break;
		}
		v[++n] = NULL;
	}
	if (rc == IMG_OK && ferror(f))
		rc = img_error_errno(err, IMG_EIO, errno, "%s", path);
	free(line);
	fclose(f);
	if (rc == IMG_OK && v == NULL && (v = calloc(1, sizeof(*v))) == NULL)
		rc = img_error_set(err, IMG_ENOMEM, "%s", path);
	if (rc != IMG_OK) {
		if (v)
			v[n] = NULL;
		img_lines_free(v);
		return rc;
	}
	*lines = v;
	*count = n;
	return IMG_OK;
}

void img_lines_free(char **lines)
{
	if (lines == NULL)
		return;
	for (char **p = lines; *p; p++)
		free(*p);
	free(lines);
}

int img_sort_rules_parse(char *const *lines, size_t count, struct img_sort_rule **rules,
			 struct img_error *err)
{
	struct img_sort_rule *r = calloc(count ? count : 1, sizeof(*r));
	if (r == NULL)
		return img_error_set(err, IMG_ENOMEM, "sort rules");
	for (size_t i = 0; i < count; i++) {
		const char *l = lines[i];
		const char *sp = strrchr(l, ' '), *tab = strrchr(l, '\t');
		if (tab > sp)
			sp = tab;
		char *end;
		errno = 0;
		long w = sp ? strtol(sp + 1, &end, 10) : 0;
		if (sp == NULL || sp == l || end == sp + 1 || *end != '\0' || errno != 0
		    || w < -2147483647L || w > 2147483647L) {
			img_sort_rules_free(r, i);
			return img_error_set(err, IMG_EINVAL,
					     "sort file line %zu: want \"PATH WEIGHT\": %s", i + 1,
					     l);
		}
		size_t plen = (size_t)(sp - l);
		while (plen > 0 && (l[plen - 1] == ' ' || l[plen - 1] == '\t'))
			plen--;
		r[i].glob = strndup(l, plen);
		r[i].weight = (int)w;
		if (r[i].glob == NULL) {
			img_sort_rules_free(r, i);
			return img_error_set(err, IMG_ENOMEM, "sort rules");
		}
	}
	*rules = r;
	return IMG_OK;
}

void img_sort_rules_free(struct img_sort_rule *rules, size_t count)
{
	if (rules == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		free(rules[i].glob);
	free(rules);
}
