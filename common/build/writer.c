/* Writing an image to its output: temporary file + rename, or stdout; cancellable. */
/* F_SETPIPE_SZ is a Linux extension (fcntl(2)); without it pipes keep their size. */
#define _GNU_SOURCE
#include "common/build/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Chunk pulled from libisofs per read: large, so that the ring-buffer handover and our write
 * calls are few (libisofs itself works in 2 KiB blocks). */
/* A quarter of libisofs's 1 MiB ring buffer (image.c), as tests/bench/NOTES.md measured best. */
#define WRITE_CHUNK (256 * 1024)

static volatile sig_atomic_t cancel_flag;

struct img_writer {
	const char *name; /* for messages: OUTPUT as given, or "stdout" */
	char *output;   /* final name; NULL for stdout and devices */
	char *tmp;      /* temporary file while not committed */
	int fd;
	bool own_fd;
	uint32_t pad_blocks, align_blocks; /* img_writer_set_padding */
};

/* A pipe of 1 MiB instead of Linux's 64 KiB: each of our 256 KiB writes then goes in at once
 * instead of waking the reader four times.  Into `| cat`, a 5 GiB image took 1.8-2.9 s
 * instead of 6-7 s (tests/bench/NOTES.md, run 7).  1 MiB is what an unprivileged process may
 * ask for by default (/proc/sys/fs/pipe-max-size); a refusal leaves the pipe as it was. */
static void grow_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fd;
#endif
}

void img_writer_request_cancel(void)
{
	cancel_flag = 1;
}

bool img_writer_cancel_requested(void)
{
	return cancel_flag != 0;
}

int img_writer_open(const char *output, struct img_writer **out, struct img_error *err)
{
	struct img_writer *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return img_error_set(err, IMG_ENOMEM, "writer");
	w->fd = -1;
	w->name = strcmp(output, "-") == 0 ? "stdout" : output;
	if (strcmp(output, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			free(w);
			return img_error_set(err, IMG_EINVAL,
					     "refusing to write an image to a terminal");
		}
		w->fd = STDOUT_FILENO;
		grow_pipe(w->fd);
		*out = w;
		return IMG_OK;
	}
	struct stat st;
	bool exists = stat(output, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		free(w);
		return img_error_set(err, IMG_EINVAL, "%s: is a directory", output);
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* A device or a FIFO (/dev/null, a pipe): nothing to rename, write in place. */
		w->fd = open(output, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (w->fd < 0) {
			int e = errno;
			free(w);
			return img_error_errno(err, IMG_EIO, e, "cannot open %s", output);
		}
		w->own_fd = true;
		*out = w;
		return IMG_OK;
	}
	/* The temporary file sits beside OUTPUT (same file system: rename is atomic) and is
	 * hidden by its leading dot. */
	const char *slash = strrchr(output, '/');
	size_t dirlen = slash ? (size_t)(slash - output) + 1 : 0;
	size_t len = strlen(output) + 16;
	w->output = strdup(output);
	w->tmp = malloc(len);
	if (w->output == NULL || w->tmp == NULL) {
		img_writer_free(w);
		return img_error_set(err, IMG_ENOMEM, "writer");
	}
	snprintf(w->tmp, len, "%.*s.%s.XXXXXX", (int)dirlen, output, output + dirlen);
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		int e = errno;
		free(w->tmp);
		w->tmp = NULL;
		img_writer_free(w);
		return img_error_errno(err, e == ENOENT ? IMG_ENOENT : IMG_EIO, e,
				       "cannot create a file beside %s", output);
	}
	w->own_fd = true;
	/* mkstemp makes 0600; an image is an ordinary file: 0666 less the umask. */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(w->fd, 0666 & ~mask) != 0) {
		int e = errno;
		img_writer_free(w);
		return img_error_errno(err, IMG_EIO, e, "%s", output);
	}
	*out = w;
	return IMG_OK;
}

static int write_all(struct img_writer *w, const unsigned char *p, size_t len,
		     struct img_error *err)
{
	while (len > 0) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0 && errno == EINTR) {
			if (cancel_flag)
				return img_error_set(err, IMG_ECANCELED, "interrupted");
			continue;
		}
		if (n < 0) {
			int e = errno;
			return img_error_errno(err, img_error_from_write_errno(e), e, "writing %s",
					       w->name);
		}
		p += n;
		len -= (size_t)n;
	}
	return IMG_OK;
}

void img_writer_set_padding(struct img_writer *w, uint32_t pad_blocks, uint32_t align_blocks)
{
	w->pad_blocks = pad_blocks;
	w->align_blocks = align_blocks;
}

/* The bytes of zeros img_writer_set_padding asks for after an image of total bytes. */
static uint64_t padding_bytes(const struct img_writer *w, uint64_t total)
{
	uint64_t end = total + (uint64_t)w->pad_blocks * IMG_BLOCK_SIZE;
	if (w->align_blocks > 1) {
		uint64_t unit = (uint64_t)w->align_blocks * IMG_BLOCK_SIZE;
		end = (end + unit - 1) / unit * unit;
	}
	return end - total;
}

int img_writer_run(struct img_writer *w, struct img_image *img, img_writer_progress_fn fn,
		   void *arg, struct img_error *err)
{
	if (cancel_flag)
		return img_error_set(err, IMG_ECANCELED, "interrupted");
	uint64_t total;
	int rc = img_image_start(img, &total);
	if (rc != IMG_OK) {
		if (err)
			*err = *img_image_error(img);
		return rc;
	}
	unsigned char *buf = malloc(WRITE_CHUNK);
	if (buf == NULL)
		return img_error_set(err, IMG_ENOMEM, "writer");
	uint64_t done = 0, image_total = total;
	uint64_t pad = padding_bytes(w, total);
	total += pad;
	if (fn)
		fn(arg, 0, total);
	while (rc == IMG_OK) {
		if (cancel_flag) {
			rc = img_error_set(err, IMG_ECANCELED, "interrupted");
			break;
		}
		size_t got;
		rc = img_image_read(img, buf, WRITE_CHUNK, &got);
		if (rc != IMG_OK) {
			if (err)
				*err = *img_image_error(img);
			break;
		}
		if (got == 0)
			break;
		rc = write_all(w, buf, got, err);
		done += got;
		if (rc == IMG_OK && fn)
			fn(arg, done, total);
	}
	if (rc == IMG_OK && done != image_total)
		rc = img_error_set(err, IMG_EIO, "image stream gave %llu of %llu bytes",
				   (unsigned long long)done, (unsigned long long)image_total);
	if (rc == IMG_OK && pad > 0) {
		memset(buf, 0, WRITE_CHUNK);
		while (rc == IMG_OK && pad > 0) {
			size_t n = pad < WRITE_CHUNK ? (size_t)pad : WRITE_CHUNK;
			rc = write_all(w, buf, n, err);
			pad -= n;
			done += n;
			if (rc == IMG_OK && fn)
				fn(arg, done, total);
		}
	}
	free(buf);
	if (rc != IMG_OK)
		img_image_cancel(img);
	return rc;
}

int img_writer_commit(struct img_writer *w, struct img_error *err)
{
	if (w->own_fd) {
		int fd = w->fd;
		w->fd = -1;
		w->own_fd = false;
		/* NFS and full disks may report a write error only at close. */
		if (close(fd) != 0) {
			int e = errno;
			return img_error_errno(err, img_error_from_write_errno(e), e, "closing %s",
					       w->name);
		}
	}
	if (w->tmp != NULL) {
		if (rename(w->tmp, w->output) != 0) {
			int e = errno;
			return img_error_errno(err, IMG_EIO, e, "cannot rename %s to %s", w->tmp,
					       w->output);
		}
		free(w->tmp);
		w->tmp = NULL;
	}
	return IMG_OK;
}

void img_writer_free(struct img_writer *w)
{
	if (w == NULL)
		return;
	if (w->own_fd && w->fd >= 0)
		close(w->fd);
	if (w->tmp != NULL)
		unlink(w->tmp);
	free(w->tmp);
	free(w->output);
	free(w);
}
