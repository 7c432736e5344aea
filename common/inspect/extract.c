/* Extraction through directory descriptors: nothing is resolved through symlinks. */
#include "common/inspect/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct job {
	struct img_source *src;
	bool force;
	struct img_extract_stats *stats;
	struct img_error *err;
	unsigned char *buf;
	size_t bufsize;
	char path[4096]; /* path of the current node, for messages */
};

bool img_extract_name_ok(const char *name)
{
	return name[0] != '\0' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strchr(name, '/') == NULL;
}

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

static int write_file(struct job *j, int dirfd, const char *name, const struct img_fnode *n)
{
	uint64_t have = 0;
	for (size_t i = 0; i < n->nextents; i++)
		have += n->extents[i].length;
	if (have < n->size)
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
	uint64_t left = n->size;
	for (size_t i = 0; i < n->nextents && left > 0 && rc == IMG_OK; i++) {
		uint64_t off = n->extents[i].offset, len = n->extents[i].length;
		if (len > left)
			len = left;
		while (len > 0 && rc == IMG_OK) {
			size_t chunk = len < j->bufsize ? (size_t)len : j->bufsize;
			rc = img_source_read(j->src, off, j->buf, chunk, j->path, j->err);
			for (size_t done = 0; rc == IMG_OK && done < chunk;) {
				ssize_t w = write(fd, j->buf + done, chunk - done);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					rc = img_error_errno(j->err, img_error_from_write_errno(errno),
							     errno, "%s: write", j->path);
				else
					done += (size_t)w;
			}
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

static int extract_node(struct job *j, int dirfd, const struct img_fnode *n, int depth);

static int extract_children(struct job *j, int fd, const struct img_fnode *n, int depth)
{
	size_t plen = strlen(j->path);
	for (size_t i = 0; i < n->nchildren; i++) {
		const struct img_fnode *c = n->children[i];
		size_t clen = strlen(c->name);
		if (plen + 1 + clen + 1 > sizeof(j->path))
			return img_error_set(j->err, IMG_ETOOBIG, "%s/%s: path too long", j->path,
					     c->name);
		j->path[plen] = '/';
		memcpy(j->path + plen + 1, c->name, clen + 1);
		int rc = extract_node(j, fd, c, depth + 1);
		j->path[plen] = '\0';
		if (rc != IMG_OK)
			return rc;
	}
	return IMG_OK;
}

static int extract_dir(struct job *j, int dirfd, const char *name, const struct img_fnode *n,
		       int depth)
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
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return img_error_errno(j->err, IMG_EIO, errno, "%s: cannot open", j->path);
	int rc = extract_children(j, fd, n, depth);
	if (rc == IMG_OK) {
		fchmod(fd, n->mode & 01777);
		set_times(dirfd, name, fd, n);
		j->stats->dirs++;
	}
	close(fd);
	return rc;
}

static int extract_node(struct job *j, int dirfd, const struct img_fnode *n, int depth)
{
	if (depth > IMG_EXTRACT_MAX_DEPTH)
		return img_error_set(j->err, IMG_ECORRUPT, "%s: deeper than %d levels", j->path,
				     IMG_EXTRACT_MAX_DEPTH);
	if (!img_extract_name_ok(n->name))
		return img_error_set(j->err, IMG_ECORRUPT, "%s: unsafe name \"%s\" refused",
				     j->path, n->name);
	if (S_ISDIR(n->mode))
		return extract_dir(j, dirfd, n->name, n, depth);
	if (S_ISREG(n->mode))
		return write_file(j, dirfd, n->name, n);
	if (S_ISLNK(n->mode) && n->link != NULL) {
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
	struct job j = {.src = src, .force = force, .stats = stats, .err = err,
			.bufsize = 1u << 20};
	j.buf = malloc(j.bufsize);
	int rc;
	if (j.buf == NULL) {
		rc = img_error_set(err, IMG_ENOMEM, "extraction buffer");
	} else if (node->parent == NULL) {
		j.path[0] = '\0';
		rc = extract_children(&j, fd, node, 0);
	} else {
		img_fnode_path(node, j.path, sizeof(j.path));
		rc = extract_node(&j, fd, node, 0);
	}
	free(j.buf);
	close(fd);
	return rc;
}
