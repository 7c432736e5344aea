/* Opening an image file, block device or stdin, and bounded reads from it. */
#include "common/inspect/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct img_source {
	int fd;             /* -1 for memory */
	const unsigned char *mem;
	uint64_t size;
	const char *kind;
	uint64_t head_off;  /* img_source_select_session: where bytes 0..65535 are read */
};

static int new_source(struct img_source **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return IMG_ENOMEM;
	(*out)->fd = -1;
	return IMG_OK;
}

/* Copies fd to an unlinked temporary file and returns the new descriptor in *out. */
static int spool(int in, const char *tmpdir, int *out, struct img_error *err)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/imginfo.XXXXXX", tmpdir ? tmpdir : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(path))
		return img_error_set(err, IMG_EINVAL, "temporary directory name too long");
	int fd = mkstemp(path);
	if (fd < 0)
		return img_error_errno(err, IMG_EIO, errno, "cannot create spool file in %s",
				       tmpdir ? tmpdir : "/tmp");
	unlink(path);
	static unsigned char buf[65536];
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return img_error_errno(err, IMG_EIO, e, "reading stdin");
		}
		for (ssize_t done = 0; done < r;) {
			ssize_t w = write(fd, buf + done, (size_t)(r - done));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				int e = errno;
				close(fd);
				return img_error_errno(err, img_error_from_write_errno(e), e,
						       "spooling stdin to %s", path);
			}
			done += w;
		}
	}
	*out = fd;
	return IMG_OK;
}

int img_source_open(const char *path, const char *tmpdir, struct img_source **out,
		    struct img_error *err)
{
	int fd;
	const char *kind = "file";
	if (strcmp(path, "-") == 0) {
		fd = dup(STDIN_FILENO);
		kind = "stdin";
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return img_error_errno(err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno,
				       "%s", path);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return img_error_errno(err, IMG_EIO, e, "%s", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return img_error_set(err, IMG_EUNSUPPORTED, "%s: is a directory", path);
	}
	if (S_ISBLK(st.st_mode) && strcmp(kind, "file") == 0)
		kind = "block device";
	off_t end = -1;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		/* A pipe or terminal: keep a seekable copy. */
		int copy;
		int rc = spool(fd, tmpdir, &copy, err);
		close(fd);
		if (rc != IMG_OK)
			return rc;
		fd = copy;
		end = lseek(fd, 0, SEEK_END);
		if (end < 0) {
			int e = errno;
			close(fd);
			return img_error_errno(err, IMG_EIO, e, "spool file");
		}
	}
	struct img_source *s;
	if (new_source(&s) != IMG_OK) {
		close(fd);
		return img_error_set(err, IMG_ENOMEM, "%s", path);
	}
	s->fd = fd;
	s->size = (uint64_t)end;
	s->kind = kind;
	*out = s;
	return IMG_OK;
}

int img_source_from_memory(const void *buf, size_t len, struct img_source **out)
{
	int rc = new_source(out);
	if (rc != IMG_OK)
		return rc;
	(*out)->mem = buf;
	(*out)->size = len;
	(*out)->kind = "memory";
	return IMG_OK;
}

uint64_t img_source_size(const struct img_source *s)
{
	return s->size;
}

const char *img_source_kind(const struct img_source *s)
{
	return s->kind;
}

static int read_at(struct img_source *s, uint64_t off, void *buf, size_t len,
		   const char *what, struct img_error *err);

int img_source_read(struct img_source *s, uint64_t off, void *buf, size_t len,
		    const char *what, struct img_error *err)
{
	if (off > s->size || len > s->size - off)
		return img_error_set(err, IMG_ECORRUPT,
				     "%s: %zu bytes at byte %llu lie past the end of the image "
				     "(%llu bytes)", what, len, (unsigned long long)off,
				     (unsigned long long)s->size);
	if (s->head_off == 0 || off >= IMG_SOURCE_HEAD_BYTES)
		return read_at(s, off, buf, len, what, err);
	/* the part inside the head comes from the selected session's first 64 KiB */
	size_t in_head = IMG_SOURCE_HEAD_BYTES - off < len ? (size_t)(IMG_SOURCE_HEAD_BYTES - off)
							   : len;
	int rc = read_at(s, s->head_off + off, buf, in_head, what, err);
	if (rc == IMG_OK && in_head < len)
		rc = read_at(s, IMG_SOURCE_HEAD_BYTES, (unsigned char *)buf + in_head,
			     len - in_head, what, err);
	return rc;
}

int img_source_select_session(struct img_source *s, uint64_t head_off, uint64_t end,
			      struct img_error *err)
{
	if (head_off % 2048 || head_off > s->size || IMG_SOURCE_HEAD_BYTES > s->size - head_off ||
	    end < IMG_SOURCE_HEAD_BYTES)
		return img_error_set(err, IMG_EINVAL, "session at byte %llu: outside the image "
				     "(%llu bytes)", (unsigned long long)head_off,
				     (unsigned long long)s->size);
	s->head_off = head_off;
	if (end < s->size)
		s->size = end;
	return IMG_OK;
}

uint64_t img_source_session_start(const struct img_source *s)
{
	return s->head_off;
}

static int read_at(struct img_source *s, uint64_t off, void *buf, size_t len,
		   const char *what, struct img_error *err)
{
	if (s->mem != NULL) {
		memcpy(buf, s->mem + off, len);
		return IMG_OK;
	}
	unsigned char *p = buf;
	while (len > 0) {
		ssize_t r = pread(s->fd, p, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return img_error_errno(err, IMG_EIO, errno, "%s: reading byte %llu", what,
					       (unsigned long long)off);
		if (r == 0)
			return img_error_set(err, IMG_ECORRUPT,
					     "%s: image ended early at byte %llu", what,
					     (unsigned long long)off);
		p += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
	return IMG_OK;
}

void img_source_close(struct img_source *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
