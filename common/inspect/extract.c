/* Extraction through directory descriptors: nothing is resolved through symlinks. */
#include "common/inspect/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/grow.h"
#include "common/inspect/zisofs_read.h"

struct job {
	struct img_source *src;
	bool force;
	struct img_extract_stats *stats;
	struct img_error *err;
	unsigned char *buf;
	size_t bufsize;
	char base[IMG_EXTRACT_PATH_MAX];        /* image path above the extraction's top */
	char path[2 * IMG_EXTRACT_PATH_MAX];    /* image path of the current entry, for messages */
	int fd[IMG_EXTRACT_MAX_DEPTH + 1];      /* open directories: the destination, then one
						 * per depth of the entries being extracted */
};

bool img_extract_name_ok(const char *name)
{
	return name[0] != '\0' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strchr(name, '/') == NULL;
}

/* ---- where each entry goes ---- */

/* The image path of the directory above an extraction's top, "" when that is the root: the
 * entries' paths in messages are this followed by '/' and their relative path. */
static void base_path(const struct img_fnode *node, char *buf, size_t size)
{
	buf[0] = '\0';
	if (node->parent != NULL && node->parent->parent != NULL &&
	    !img_fnode_path(node->parent, buf, size))
		snprintf(buf, size, "...");
}

struct walk_frame {
	const struct img_fnode *dir;
	size_t next;        /* its next child to visit */
	size_t len;         /* length of its relative path */
	int depth;
	bool entry;         /* false for a view's root, whose contents land in the destination */
};

struct walk {
	int (*visit)(const struct img_extract_entry *e, void *arg);
	void *arg;
	struct img_error *err;
	char base[IMG_EXTRACT_PATH_MAX];
	char rel[IMG_EXTRACT_PATH_MAX];
	struct walk_frame *stack;
	size_t depth, cap;
};

static int walk_push(struct walk *w, const struct img_fnode *dir, size_t len, int depth,
		     bool entry)
{
	if (img_grow((void **)&w->stack, &w->cap, w->depth, sizeof(*w->stack), 32) != IMG_OK)
		return img_error_set(w->err, IMG_ENOMEM, "extraction");
	w->stack[w->depth++] = (struct walk_frame){dir, 0, len, depth, entry};
	return IMG_OK;
}

/* Checks n, the entry below the one whose relative path is the first len bytes of w->rel,
 * makes w->rel its path, visits it and, for a directory, pushes it. */
static int walk_enter(struct walk *w, const struct img_fnode *n, size_t len, int depth)
{
	const char *sep = len ? "/" : "";
	if (!img_extract_name_ok(n->name))
		return img_error_set(w->err, IMG_ECORRUPT, "%s/%.*s%s%s: unsafe name \"%s\" refused",
				     w->base, (int)len, w->rel, sep, n->name, n->name);
	/* These two paths are long by nature: their start only, so that the reason fits. */
	if (depth > IMG_EXTRACT_MAX_DEPTH)
		return img_error_set(w->err, IMG_ECORRUPT, "%s/%.200s...: deeper than %d levels",
				     w->base, w->rel, IMG_EXTRACT_MAX_DEPTH);
	size_t nlen = strlen(n->name), total = len + strlen(sep) + nlen;
	if (total >= sizeof(w->rel))
		return img_error_set(w->err, IMG_ETOOBIG, "%s/%.200s...: path too long", w->base,
				     w->rel);
	memcpy(w->rel + len, sep, strlen(sep));
	memcpy(w->rel + total - nlen, n->name, nlen + 1);
	struct img_extract_entry e = {n, w->rel, depth, false};
	int rc = w->visit(&e, w->arg);
	if (rc == IMG_OK && S_ISDIR(n->mode))
		rc = walk_push(w, n, total, depth, true);
	return rc;
}

int img_extract_walk(const struct img_fnode *node,
		     int (*visit)(const struct img_extract_entry *e, void *arg), void *arg,
		     struct img_error *err)
{
	struct walk *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return img_error_set(err, IMG_ENOMEM, "extraction");
	w->visit = visit;
	w->arg = arg;
	w->err = err;
	base_path(node, w->base, sizeof(w->base));
	/* Iterative, with a heap stack: the depth is bounded, but by more than a C stack
	 * should be trusted with. */
	int rc = node->parent == NULL ? walk_push(w, node, 0, 0, false) : walk_enter(w, node, 0, 1);
	while (rc == IMG_OK && w->depth > 0) {
		struct walk_frame *f = &w->stack[w->depth - 1];
		if (f->next < f->dir->nchildren) {
			const struct img_fnode *c = f->dir->children[f->next++];
			rc = walk_enter(w, c, f->len, f->depth + 1);
			continue;
		}
		struct walk_frame done = *f;
		w->depth--;
		if (done.entry) {
			w->rel[done.len] = '\0';
			struct img_extract_entry e = {done.dir, w->rel, done.depth, true};
			rc = visit(&e, arg);
		}
	}
	free(w->stack);
	free(w);
	return rc;
}

/* ---- making the entries ---- */

static void set_times(int dirfd, const char *name, int fd, const struct img_fnode *n)
{
	struct timespec ts[2] = {{.tv_sec = (time_t)n->atime}, {.tv_sec = (time_t)n->mtime}};
	if (fd >= 0)
		futimens(fd, ts);
	else
		utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW);
}

/* Removes an existing non-directory entry when forced; IMG_EEXIST otherwise. */
static int make_room(struct job *j, int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return IMG_OK;
	if (!j->force || S_ISDIR(st.st_mode))
		return img_error_set(j->err, IMG_EEXIST, "%s: already exists%s", j->path,
				     j->force ? " as a directory" : " (use --force)");
	if (unlinkat(dirfd, name, 0) != 0)
		return img_error_errno(j->err, IMG_EIO, errno, "%s: cannot remove", j->path);
	return IMG_OK;
}

/* A file's stored bytes, through its extents (zisofs_read.h's reader). */
struct stored {
	struct job *j;
	const struct img_fnode *n;
	int fd;
};

static int stored_read(void *arg, uint64_t off, void *buf, size_t len, struct img_error *err)
{
	struct stored *s = arg;
	unsigned char *p = buf;
	for (size_t i = 0; i < s->n->nextents && len > 0; i++) {
		uint64_t elen = s->n->extents[i].length;
		if (off >= elen) {
			off -= elen;
			continue;
		}
		size_t chunk = elen - off < len ? (size_t)(elen - off) : len;
		int rc = img_source_read(s->j->src, s->n->extents[i].offset + off, p, chunk,
					 s->j->path, err);
		if (rc != IMG_OK)
			return rc;
		p += chunk;
		len -= chunk;
		off = 0;
	}
	if (len > 0)
		return img_error_set(err, IMG_ECORRUPT, "%s: read beyond its extents", s->j->path);
	return IMG_OK;
}

static int write_all(struct job *j, int fd, const unsigned char *p, size_t len,
		     struct img_error *err)
{
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return img_error_errno(err, img_error_from_write_errno(errno), errno,
					       "%s: write", j->path);
		done += (size_t)w;
	}
	return IMG_OK;
}

static int stored_write(void *arg, const void *buf, size_t len, struct img_error *err)
{
	struct stored *s = arg;
	return write_all(s->j, s->fd, buf, len, err);
}

/* Whether n's data is zisofs (Rock Ridge size larger than what its extents hold, and a zisofs
 * header for that size), which write_file decompresses as Linux would. */
static bool is_zisofs(struct job *j, const struct img_fnode *n, uint64_t have)
{
	unsigned char head[IMG_ZISOFS_HEADER];
	struct stored s = {.j = j, .n = n};
	struct img_error ignored;
	return have < n->size && have >= sizeof(head) &&
	       stored_read(&s, 0, head, sizeof(head), &ignored) == IMG_OK &&
	       img_zisofs_is_header(head, n->size);
}

static int write_file(struct job *j, int dirfd, const char *name, const struct img_fnode *n)
{
	uint64_t have = 0;
	for (size_t i = 0; i < n->nextents; i++)
		have += n->extents[i].length;
	bool zisofs = is_zisofs(j, n, have);
	if (have < n->size && !zisofs)
		return img_error_set(j->err, IMG_ECORRUPT,
				     "%s: extents hold %llu bytes of its %llu", j->path,
				     (unsigned long long)have, (unsigned long long)n->size);
	int rc = make_room(j, dirfd, name);
	if (rc != IMG_OK)
		return rc;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return img_error_errno(j->err, errno == EEXIST ? IMG_EEXIST : IMG_EIO, errno,
				       "%s: cannot create", j->path);
	uint64_t left = zisofs ? 0 : n->size;
	if (zisofs) {
		struct stored st = {.j = j, .n = n, .fd = fd};
		rc = img_zisofs_decode(stored_read, &st, have, n->size, stored_write, &st, j->path,
				       j->err);
	}
	for (size_t i = 0; i < n->nextents && left > 0 && rc == IMG_OK; i++) {
		uint64_t off = n->extents[i].offset, len = n->extents[i].length;
		if (len > left)
			len = left;
		while (len > 0 && rc == IMG_OK) {
			size_t chunk = len < j->bufsize ? (size_t)len : j->bufsize;
			rc = img_source_read(j->src, off, j->buf, chunk, j->path, j->err);
			if (rc == IMG_OK)
				rc = write_all(j, fd, j->buf, chunk, j->err);
			off += chunk;
			len -= chunk;
			left -= chunk;
		}
	}
	if (rc == IMG_OK) {
		fchmod(fd, n->mode & 01777);
		set_times(dirfd, name, fd, n);
		j->stats->files++;
		j->stats->bytes += n->size;
	}
	if (close(fd) != 0 && rc == IMG_OK)
		rc = img_error_errno(j->err, IMG_EIO, errno, "%s: close", j->path);
	return rc;
}

/* Makes directory name in dirfd (an existing one is merged into) and opens it: *fd. */
static int open_dir(struct job *j, int dirfd, const char *name, int *fd)
{
	if (mkdirat(dirfd, name, 0700) != 0) {
		if (errno != EEXIST)
			return img_error_errno(j->err, IMG_EIO, errno, "%s: cannot create", j->path);
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
			int rc = make_room(j, dirfd, name);
			if (rc != IMG_OK)
				return rc;
			if (mkdirat(dirfd, name, 0700) != 0)
				return img_error_errno(j->err, IMG_EIO, errno, "%s: cannot create",
						       j->path);
		}
	}
	*fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return img_error_errno(j->err, IMG_EIO, errno, "%s: cannot open", j->path);
	return IMG_OK;
}

/* img_extract_walk's visit: creates one entry relative to its parent's descriptor. */
static int extract_entry(const struct img_extract_entry *e, void *arg)
{
	struct job *j = arg;
	const struct img_fnode *n = e->node;
	int dirfd = j->fd[e->depth - 1];
	snprintf(j->path, sizeof(j->path), "%s/%s", j->base, e->rel);
	if (e->leave) {
		/* Modes and times last: a read-only directory still had its contents made. */
		int fd = j->fd[e->depth];
		j->fd[e->depth] = -1;
		fchmod(fd, n->mode & 01777);
		set_times(dirfd, n->name, fd, n);
		j->stats->dirs++;
		close(fd);
		return IMG_OK;
	}
	if (S_ISDIR(n->mode))
		return open_dir(j, dirfd, n->name, &j->fd[e->depth]);
	if (S_ISREG(n->mode))
		return write_file(j, dirfd, n->name, n);
	if (S_ISLNK(n->mode) && n->link != NULL) {
		/* The target is kept as it is, even absolute or leading out of the destination:
		 * the link is made, never followed. */
		int rc = make_room(j, dirfd, n->name);
		if (rc != IMG_OK)
			return rc;
		if (symlinkat(n->link, dirfd, n->name) != 0)
			return img_error_errno(j->err, IMG_EIO, errno, "%s: cannot create symlink",
					       j->path);
		set_times(dirfd, n->name, -1, n);
		j->stats->symlinks++;
		return IMG_OK;
	}
	j->stats->skipped++;
	return IMG_OK;
}

int img_extract(struct img_source *src, const struct img_fnode *node, const char *dest,
		bool force, struct img_extract_stats *stats, struct img_error *err)
{
	memset(stats, 0, sizeof(*stats));
	if (mkdir(dest, 0755) != 0 && errno != EEXIST)
		return img_error_errno(err, IMG_EIO, errno, "%s: cannot create", dest);
	int fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return img_error_errno(err, IMG_EIO, errno, "%s", dest);
	struct job *j = calloc(1, sizeof(*j));
	if (j == NULL) {
		close(fd);
		return img_error_set(err, IMG_ENOMEM, "extraction");
	}
	*j = (struct job){.src = src, .force = force, .stats = stats, .err = err,
			  .bufsize = 1u << 20};
	for (size_t i = 0; i < sizeof(j->fd) / sizeof(j->fd[0]); i++)
		j->fd[i] = -1;
	j->fd[0] = fd;
	base_path(node, j->base, sizeof(j->base));
	int rc;
	if ((j->buf = malloc(j->bufsize)) == NULL)
		rc = img_error_set(err, IMG_ENOMEM, "extraction buffer");
	else
		rc = img_extract_walk(node, extract_entry, j, err);
	for (size_t i = 0; i < sizeof(j->fd) / sizeof(j->fd[0]); i++)
		if (j->fd[i] >= 0)
			close(j->fd[i]);
	free(j->buf);
	free(j);
	return rc;
}
