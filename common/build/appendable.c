/* New sessions after an old image: the next session's place, its writing, and the head. */
#define _GNU_SOURCE
#include "common/build/appendable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "common/base/bytes.h"
#include "common/base/isofs.h"
#include "common/build/image_ext.h"

#define BLK 2048u
#define HEAD_BYTES (IMG_APPEND_HEAD_BLOCKS * BLK)
#define CHUNK (256u * 1024u)
/* Bytes after the next session's start that a failed run of a regular file writes back:
 * xorriso pads 150 blocks (300 KiB) after each session there; more than this is refused
 * rather than held in memory. */
#define TAIL_MAX (64u * 1024u * 1024u)

struct img_append {
	char *path;          /* without "stdio:" */
	int fd;
	bool regular;
	bool writable;       /* opened for writing (not for -print-size) */
	uint64_t size;       /* bytes of the target when opened */
	struct img_append_layout layout;
	uint8_t *head;       /* HEAD_BYTES: the old head, libisofs's overwrite buffer */
};

static uint64_t round_up_blocks(uint64_t block)
{
	return (block + IMG_APPEND_ALIGN - 1) / IMG_APPEND_ALIGN * IMG_APPEND_ALIGN;
}

static int fd_read(void *arg, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)arg;
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static const char *strip_stdio(const char *path)
{
	return strncmp(path, "stdio:", 6) == 0 ? path + 6 : path;
}

/* Reads up to len bytes at off into buf (zeros after the end of the target). */
static int read_upto(int fd, uint64_t off, uint8_t *buf, size_t len, uint64_t size)
{
	memset(buf, 0, len);
	if (off >= size)
		return 0;
	size_t n = size - off < len ? (size_t)(size - off) : len;
	return fd_read(&fd, off, buf, n);
}

int img_append_open(const char *path, bool for_writing, struct img_append **out,
		    struct img_error *err)
{
	*out = NULL;
	const char *p = strip_stdio(path);
	struct stat st;
	if (stat(p, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return img_error_set(err, IMG_EINVAL, "%s: not a regular file or a block device",
				     p);
	struct img_append *a = calloc(1, sizeof(*a));
	if (a != NULL)
		a->fd = -1;
	if (a == NULL || (a->path = strdup(p)) == NULL || (a->head = malloc(HEAD_BYTES)) == NULL) {
		img_append_free(a);
		return img_error_set(err, IMG_ENOMEM, "growing %s", p);
	}
	a->writable = for_writing;
	a->fd = open(p, (for_writing ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOCTTY, 0666);
	if (a->fd < 0 && !for_writing && errno == ENOENT) {
		a->layout = (struct img_append_layout){ .kind = IMG_APPEND_BLANK,
							.next = IMG_APPEND_HEAD_BLOCKS };
		memset(a->head, 0, HEAD_BYTES);
		*out = a;
		return IMG_OK;
	}
	if (a->fd < 0) {
		int e = errno;
		img_append_free(a);
		return img_error_errno(err, IMG_EIO, e, for_writing ? "cannot open %s for writing"
								 : "cannot open %s", p);
	}
	off_t size;
	if (fstat(a->fd, &st) != 0 || (size = lseek(a->fd, 0, SEEK_END)) < 0) {
		int e = errno;
		img_append_free(a);
		return img_error_errno(err, IMG_EIO, e, "%s", p);
	}
	/* A read-only block device (a write-protected stick, losetup -r) opens for writing
	 * and fails only at the first write: ask it first. */
	int ro = 0;
	if (for_writing && S_ISBLK(st.st_mode) && ioctl(a->fd, BLKROGET, &ro) == 0 && ro) {
		img_append_free(a);
		return img_error_set(err, IMG_EIO, "%s: the block device is read-only", p);
	}
	a->regular = S_ISREG(st.st_mode);
	a->size = (uint64_t)size;
	if (read_upto(a->fd, 0, a->head, HEAD_BYTES, a->size) != 0) {
		int e = errno;
		img_append_free(a);
		return img_error_errno(err, IMG_EIO, e, "cannot read the first %u bytes of %s",
				       HEAD_BYTES, p);
	}
	int rc = img_append_scan(a->head, a->size, fd_read, &a->fd, &a->layout, err);
	if (rc != IMG_OK) {
		char detail[sizeof(err->detail)];
		snprintf(detail, sizeof(detail), "%s", err->detail);
		img_append_free(a);
		return img_error_set(err, rc, "%s: %s", p, detail);
	}
	*out = a;
	return IMG_OK;
}

void img_append_free(struct img_append *a)
{
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->head);
	free(a->path);
	free(a);
}

const struct img_append_layout *img_append_layout(const struct img_append *a)
{
	return &a->layout;
}

const char *img_append_path(const struct img_append *a)
{
	return a->path;
}

int img_append_session_at(struct img_image *img, uint32_t next, bool appendable)
{
	int rc = img_image_set_session_start(img, next);
	if (rc != IMG_OK)
		return rc;
	int ret = iso_write_opts_set_appendable(img_image_write_opts(img), appendable);
	if (ret < 0)
		return img_image_isofs_error(img, ret, "cannot make the session appendable");
	return IMG_OK;
}

int img_append_setup(struct img_append *a, struct img_image *img)
{
	int rc = img_append_session_at(img, a->layout.next, a->layout.kind != IMG_APPEND_BLANK);
	if (rc != IMG_OK)
		return rc;
	/* libisofs writes the system area and the volume descriptors (volume space size counted
	 * from block 0) and, with MD5s, its relocated superblock tag into this buffer, and
	 * keeps the rest of it: the old head's other bytes stay as they were, as with xorriso. */
	int ret = iso_write_opts_set_overwrite_buf(img_image_write_opts(img), a->head);
	if (ret < 0)
		return img_image_isofs_error(img, ret, "cannot set up the head");
	return IMG_OK;
}

static int write_at(struct img_append *a, uint64_t off, const uint8_t *p, size_t len,
		    struct img_error *err)
{
	while (len > 0) {
		ssize_t n = pwrite(a->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR) {
			if (img_writer_cancel_requested())
				return img_error_set(err, IMG_ECANCELED, "interrupted");
			continue;
		}
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			return img_error_errno(err, img_error_from_write_errno(e), e,
					       "writing %s at byte %llu", a->path,
					       (unsigned long long)off);
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return IMG_OK;
}

/* Puts a regular file back as it was before the session went in: its old size, and the old
 * bytes after the next session's start (tail, tail_len of them). */
static void restore(struct img_append *a, const uint8_t *tail, size_t tail_len)
{
	if (!a->regular)
		return;
	struct img_error ignored;
	if (ftruncate(a->fd, (off_t)a->size) == 0 && tail_len > 0)
		(void)write_at(a, (uint64_t)a->layout.next * BLK, tail, tail_len, &ignored);
	(void)fsync(a->fd);
}

int img_append_write(struct img_append *a, struct img_image *img, img_writer_progress_fn fn,
		     void *arg, struct img_error *err)
{
	if (!a->writable)
		return img_error_set(err, IMG_EINVAL, "%s was opened only to be read", a->path);
	if (img_writer_cancel_requested())
		return img_error_set(err, IMG_ECANCELED, "interrupted");
	uint64_t start = (uint64_t)a->layout.next * BLK;
	/* The old bytes the session will cover (none of an older session's: next is past END). */
	size_t tail_len = 0;
	uint8_t *tail = NULL;
	if (a->regular && a->size > start) {
		if (a->size - start > TAIL_MAX)
			return img_error_set(err, IMG_EUNSUPPORTED, "%s has %llu bytes after its "
					     "last session's end (byte %llu); the next session "
					     "would overwrite them", a->path,
					     (unsigned long long)(a->size - start),
					     (unsigned long long)start);
		tail_len = (size_t)(a->size - start);
		tail = malloc(tail_len);
		if (tail == NULL)
			return img_error_set(err, IMG_ENOMEM, "growing %s", a->path);
		if (fd_read(&a->fd, start, tail, tail_len) != 0) {
			int e = errno;
			free(tail);
			return img_error_errno(err, IMG_EIO, e, "cannot read %s at byte %llu",
					       a->path, (unsigned long long)start);
		}
	}
	uint64_t total;
	int rc = img_image_start(img, &total);
	if (rc != IMG_OK) {
		*err = *img_image_error(img);
		free(tail);
		return rc;
	}
	if (!a->regular && start + total > a->size) {
		img_image_cancel(img);
		free(tail);
		return img_error_set(err, IMG_ETOOBIG, "the session of %llu bytes does not fit %s "
				     "(%llu bytes) at byte %llu", (unsigned long long)total,
				     a->path, (unsigned long long)a->size,
				     (unsigned long long)start);
	}
	uint8_t *buf = malloc(CHUNK);
	if (buf == NULL) {
		img_image_cancel(img);
		free(tail);
		return img_error_set(err, IMG_ENOMEM, "growing %s", a->path);
	}
	if (fn)
		fn(arg, 0, total);
	uint64_t done = 0;
	while (rc == IMG_OK) {
		if (img_writer_cancel_requested()) {
			rc = img_error_set(err, IMG_ECANCELED, "interrupted");
			break;
		}
		size_t got;
		rc = img_image_read(img, buf, CHUNK, &got);
		if (rc != IMG_OK) {
			*err = *img_image_error(img);
			break;
		}
		if (got == 0)
			break;
		rc = write_at(a, start + done, buf, got, err);
		done += got;
		if (rc == IMG_OK && fn)
			fn(arg, done, total);
	}
	free(buf);
	if (rc == IMG_OK && done != total)
		rc = img_error_set(err, IMG_EIO, "image stream gave %llu of %llu bytes",
				   (unsigned long long)done, (unsigned long long)total);
	/* A file ends at the next 32-block boundary, as the next session would start there:
	 * libisofs's import (iso_src_check_sb_tree) reads the 32 blocks from a session's start
	 * looking for superblock tags, past the end of a session shorter than that (xorriso
	 * pads 150 blocks for the same reason). */
	uint64_t want = (uint64_t)round_up_blocks((start + done) / BLK) * BLK;
	uint64_t have = a->size > start + done ? a->size : start + done;
	if (rc == IMG_OK && a->regular && want > have && ftruncate(a->fd, (off_t)want) != 0) {
		int e = errno;
		rc = img_error_errno(err, img_error_from_write_errno(e), e, "extending %s to %llu "
				     "bytes", a->path, (unsigned long long)want);
	}
	/* The head goes only over a session that is on the medium: a crash before it leaves
	 * the old head, which still names the old newest session. */
	if (rc == IMG_OK && fsync(a->fd) != 0) {
		int e = errno;
		rc = img_error_errno(err, img_error_from_write_errno(e), e,
				     "%s: the new session did not reach the medium", a->path);
	}
	if (rc != IMG_OK) {
		img_image_cancel(img);
		restore(a, tail, tail_len);
		free(tail);
		return rc;
	}
	free(tail);
	rc = write_at(a, 0, a->head, HEAD_BYTES, err);
	if (rc == IMG_OK && fsync(a->fd) != 0) {
		int e = errno;
		rc = img_error_errno(err, img_error_from_write_errno(e), e, "syncing %s", a->path);
	}
	if (rc != IMG_OK) {
		char detail[sizeof(err->detail)];
		snprintf(detail, sizeof(detail), "%s", err->detail);
		img_error_set(err, rc, "%s (the new session is written at block %u; the first %u "
			      "bytes that point at it may be damaged)", detail, a->layout.next,
			      HEAD_BYTES);
	}
	return rc;
}

int img_append_check_prev(const char *prev, uint32_t last, uint32_t next, uint32_t *end,
			  struct img_error *err)
{
	const char *p = strip_stdio(prev);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		return img_error_errno(err, e == ENOENT ? IMG_ENOENT : IMG_EIO, e, "%s", p);
	}
	uint8_t b[BLK];
	uint64_t off = ((uint64_t)last + 16) * BLK;
	int r = fd_read(&fd, off, b, BLK);
	uint32_t blocks;
	uint8_t *vrs = malloc(16 * BLK);
	bool udf = r == 0 && vrs != NULL && fd_read(&fd, off, vrs, 16 * BLK) == 0 &&
		   img_append_has_udf(vrs);
	free(vrs);
	close(fd);
	if (r != 0 || !img_append_pvd_blocks(b, &blocks))
		return img_error_set(err, IMG_ECORRUPT, "%s: no ISO 9660 session at block %u (no "
				     "primary volume descriptor at byte %llu)", p, last,
				     (unsigned long long)off);
	if (udf)
		return img_error_set(err, IMG_EUNSUPPORTED, "%s: the session at block %u has a UDF "
				     "view, which a new ISO 9660 session would leave showing the old "
				     "files to UDF readers", p, last);
	uint64_t e = (uint64_t)last + blocks;
	*end = e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;
	if ((uint64_t)next < e)
		return img_error_set(err, IMG_EINVAL, "-C %u,%u: the next session would start "
				     "at block %u, inside the session at block %u of %s, which "
				     "ends at block %llu", last, next, next, last, p,
				     (unsigned long long)e);
	return IMG_OK;
}

int img_append_put_head(const char *path, uint32_t next, uint32_t *end, bool *head_touched,
			struct img_error *err)
{
	*head_touched = false;
	*end = 0;
	const char *p = strip_stdio(path);
	int fd = open(p, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return img_error_errno(err, IMG_EIO, errno, "cannot open %s to write the new head",
				       p);
	uint8_t *head = malloc(HEAD_BYTES), *ses = malloc(HEAD_BYTES);
	int rc = IMG_OK;
	off_t size = lseek(fd, 0, SEEK_END);
	uint64_t start = (uint64_t)next * BLK;
	if (head == NULL || ses == NULL) {
		rc = img_error_set(err, IMG_ENOMEM, "the new head of %s", p);
	} else if (size < 0 || read_upto(fd, 0, head, HEAD_BYTES, (uint64_t)size) != 0 ||
		   read_upto(fd, start, ses, HEAD_BYTES, (uint64_t)size) != 0) {
		rc = img_error_errno(err, IMG_EIO, errno, "cannot read %s", p);
	} else {
		/* The session may be shorter than 64 KiB (mkimage pads nothing): zeros past the
		 * end of the target, and its descriptors end before that. */
		uint64_t have = (uint64_t)size > start ? (uint64_t)size - start : 0;
		rc = img_append_head_for_session(head, ses, have < HEAD_BYTES ? (size_t)have :
							HEAD_BYTES, next, err);
		if (rc != IMG_OK) {
			char detail[sizeof(err->detail)];
			snprintf(detail, sizeof(detail), "%s", err->detail);
			rc = img_error_set(err, rc, "%s: the session at byte %llu: %s", p,
					   (unsigned long long)start, detail);
		}
	}
	/* The head goes only over a session that is on the medium (as img_append_write). */
	if (rc == IMG_OK)
		*end = img_le32(head + 16 * BLK + 80);
	if (rc == IMG_OK && fsync(fd) != 0)
		rc = img_error_errno(err, IMG_EIO, errno, "%s: the new session did not reach the "
				     "medium", p);
	if (rc == IMG_OK) {
		struct img_append a = { .path = (char *)p, .fd = fd };
		*head_touched = true;
		rc = write_at(&a, 0, head, HEAD_BYTES, err);
		if (rc == IMG_OK && fsync(fd) != 0)
			rc = img_error_errno(err, IMG_EIO, errno, "syncing %s", p);
	}
	close(fd);
	free(head);
	free(ses);
	return rc;
}

/* The last byte + 1 of an "--interval:local_fs:FIRSTd-LASTd:..." (512-byte blocks) or
 * "...:FIRSTs-LASTs:..." (2048-byte blocks) source as boot_replay.c writes them; 0 for
 * anything else (a file on disk, which the session does not cover). */
static uint64_t interval_end(const char *path)
{
	static const char pre[] = "--interval:local_fs:";
	if (path == NULL || strncmp(path, pre, sizeof(pre) - 1) != 0)
		return 0;
	const char *p = path + sizeof(pre) - 1;
	char *end;
	errno = 0;
	(void)strtoull(p, &end, 10);
	if (end == p || (*end != 'd' && *end != 's') || end[1] != '-')
		return 0;
	const char *q = end + 2;
	unsigned long long last = strtoull(q, &end, 10);
	if (end == q || errno != 0 || (*end != 'd' && *end != 's'))
		return 0;
	uint64_t unit = *end == 'd' ? 512 : BLK;
	return (uint64_t)(last + 1) * unit;
}

bool img_append_replay_overlap(const struct img_boot_config *cfg, uint32_t next, char *what,
			       size_t len)
{
	uint64_t start = (uint64_t)next * BLK;
	for (int i = 0; i < 4; i++) {
		const struct img_boot_partition *p = &cfg->partitions[i];
		if (p->number != 0 && interval_end(p->path) > start) {
			snprintf(what, len, "appended partition %d (up to byte %llu) lies where "
				 "the new session goes (block %u on)", p->number,
				 (unsigned long long)interval_end(p->path), next);
			return true;
		}
	}
	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct img_boot_entry *e = &cfg->entries[i];
		if (e->cut_source != NULL && e->cut_offset + e->cut_size > start) {
			snprintf(what, len, "the hidden boot image of El Torito entry %zu (bytes "
				 "%llu to %llu) lies where the new session goes (block %u on)",
				 i + 1, (unsigned long long)e->cut_offset,
				 (unsigned long long)(e->cut_offset + e->cut_size), next);
			return true;
		}
	}
	if (interval_end(cfg->mbr_file) > start) {
		snprintf(what, len, "the system area (up to byte %llu) lies where the new "
			 "session goes (block %u on)", (unsigned long long)interval_end(cfg->mbr_file),
			 next);
		return true;
	}
	if (cfg->efi_boot_part_from_eltorito) {
		snprintf(what, len, "the EFI system partition made of the El Torito EFI image "
			 "(-efi-boot-part --efi-boot-image): libisofs makes it only of a boot image "
			 "written in the new session, and the old one stays where it is");
		return true;
	}
	return false;
}
