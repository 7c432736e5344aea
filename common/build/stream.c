/* IsoStream class for regular files: few large reads, bounded descriptors, size-change checks. */
#include "common/build/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* fs_id reported by get_id: libisofs's own filesystems use small numbers (1 image, 2 local,
 * 3 El Torito, 4 memory, 5 filters), and iso_stream_cmp_ino() orders by fs_id first, so our ids
 * can never equal the id of a stream of another class. */
#define STREAM_FS_ID 0x494d4731u /* "IMG1" */

/* Above this size, ask the kernel for a larger read-ahead window (one fadvise per file). */
#define STREAM_SEQUENTIAL_HINT (4 * IMG_STREAM_CHUNK)

/* The directory a file lies in, shared by the streams of its files: the file is opened relative
 * to a descriptor of it, so the kernel resolves one name per file, not the whole path. */
struct stream_dir {
	char *path;
	atomic_size_t refs;
};

/* libisofs 1.5.4 names the file it writes (iso_stream_get_file_name in stream.c: for its
 * messages, and for libjte, which decides by that name whether the file goes into the jigdo
 * file and under which mirror name) only for a stream whose class type starts with "fsrc",
 * and then reads the name through the IsoFileSource that the stream's data starts with (its
 * FSrcStreamData).  So the streams of a jigdo image (named_stream_class) start with one, whose
 * get_path gives the disk path; every other use of fsrc data in libisofs compares the class
 * pointer with its own class first.  Other images' streams (file_stream_class, "user") do
 * without it: 40 bytes a file, 4 MB for 100,000 files. */
struct file_stream {
	IsoFileSource *src;   /* named streams: their naming source; must stay the first member */
	struct stream_dir *dir;
	char *name;           /* within dir */
	off_t size;           /* size at walk time: what the image records */
	ino_t serial;         /* identity given to libisofs (see stream.h) */
	int fd;               /* -1 while closed */
	off_t taken;          /* bytes read from the file since open */
	off_t given;          /* bytes handed to libisofs since open */
	unsigned char *buf;   /* IMG_STREAM_CHUNK or less, only while open */
	size_t buf_cap, buf_len, buf_off;
	int failed;           /* sticky: IMG_STREAM_ISO_ERROR once a read failed */
	int end_checked;      /* the file was seen to end exactly at size */
	uint64_t opened;      /* img_stream_open_order: when it was last opened, 0 never */
};

/* ---- identities ---- */

struct link_id {
	dev_t dev;
	ino_t ino;
	ino_t serial; /* 0: free slot */
};

static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static ino_t next_serial = 1;
/* Open-addressing hash of the files with more than one link: only they can be met twice. */
static struct link_id *links;
static size_t links_cap, links_used;

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15u ^ (uint64_t)dev * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static int links_grow(void)
{
	size_t cap = links_cap ? links_cap * 2 : 256;
	struct link_id *t = calloc(cap, sizeof(*t));
	if (t == NULL)
		return -1;
	for (size_t i = 0; i < links_cap; i++) {
		if (links[i].serial == 0)
			continue;
		size_t j = link_hash(links[i].dev, links[i].ino, cap);
		while (t[j].serial != 0)
			j = (j + 1) & (cap - 1);
		t[j] = links[i];
	}
	free(links);
	links = t;
	links_cap = cap;
	return 0;
}

/* Returns the serial for this file, or 0 when out of memory. */
static ino_t serial_for(const struct stat *st)
{
	ino_t serial = 0;
	pthread_mutex_lock(&ids_lock);
	if (st->st_nlink <= 1) {
		serial = next_serial++;
		goto out;
	}
	if ((links_used + 1) * 2 > links_cap && links_grow() < 0)
		goto out;
	size_t j = link_hash(st->st_dev, st->st_ino, links_cap);
	while (links[j].serial != 0) {
		if (links[j].dev == st->st_dev && links[j].ino == st->st_ino) {
			serial = links[j].serial;
			goto out;
		}
		j = (j + 1) & (links_cap - 1);
	}
	links[j].dev = st->st_dev;
	links[j].ino = st->st_ino;
	links[j].serial = serial = next_serial++;
	links_used++;
out:
	pthread_mutex_unlock(&ids_lock);
	return serial;
}

/* ---- directories ---- */

static void dir_unref(struct stream_dir *d);

/* The directory of the stream made last: the walk makes a directory's files one after the
 * other, so one remembered directory shares it among all of them.  Not a reference: dir_unref
 * clears it.  Protected by ids_lock. */
static struct stream_dir *last_dir;

/* Returns a reference to the directory named by path[0..len), or NULL when out of memory. */
static struct stream_dir *dir_for(const char *path, size_t len)
{
	struct stream_dir *d = NULL;
	pthread_mutex_lock(&ids_lock);
	if (last_dir != NULL && strlen(last_dir->path) == len &&
	    memcmp(last_dir->path, path, len) == 0) {
		d = last_dir;
		atomic_fetch_add(&d->refs, 1);
		goto out;
	}
	d = malloc(sizeof(*d));
	char *p = strndup(path, len);
	if (d == NULL || p == NULL) {
		free(d);
		free(p);
		d = NULL;
		goto out;
	}
	d->path = p;
	atomic_init(&d->refs, 1);
	last_dir = d;
out:
	pthread_mutex_unlock(&ids_lock);
	return d;
}

/* The last reference goes under ids_lock, so that dir_for cannot take last_dir back from zero
 * in between; other references are taken from one already held. */
static void dir_unref(struct stream_dir *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&ids_lock);
	bool last = atomic_fetch_sub(&d->refs, 1) == 1;
	if (last && last_dir == d)
		last_dir = NULL;
	pthread_mutex_unlock(&ids_lock);
	if (last) {
		free(d->path);
		free(d);
	}
}

/* Writes dir/name into buf (truncated to len - 1 bytes); returns the length of the whole path. */
static size_t full_path(const struct stream_dir *dir, const char *name, char *buf, size_t len)
{
	size_t dl = strlen(dir->path);
	int n = snprintf(buf, len, "%s%s%s", dir->path, dl > 0 && dir->path[dl - 1] == '/' ? "" : "/",
			 name);
	return n < 0 ? 0 : (size_t)n;
}

/* One open directory, that of the file opened last (libisofs writes a directory's files
 * together); it holds a reference to its stream_dir.  Protected by open_lock. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stream_dir *open_dir;
static int open_dir_fd = -1;

/* Closes the open directory and drops its reference; the caller holds open_lock. */
static void forget_open_dir(void)
{
	if (open_dir_fd >= 0)
		close(open_dir_fd);
	open_dir_fd = -1;
	dir_unref(open_dir);
	open_dir = NULL;
}

/* Opens dir/name for reading; -1 with errno set on failure. */
static int open_in_dir(struct stream_dir *dir, const char *name)
{
	const int flags = O_RDONLY | O_NOCTTY | O_CLOEXEC;
	pthread_mutex_lock(&open_lock);
	if (open_dir != dir) {
		forget_open_dir();
		open_dir = dir;
		atomic_fetch_add(&dir->refs, 1);
		open_dir_fd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	int fd;
	if (open_dir_fd >= 0) {
		fd = openat(open_dir_fd, name, flags);
	} else {
		/* a directory we may search but not list: open by the whole path */
		size_t len = strlen(dir->path) + strlen(name) + 2;
		char *path = malloc(len);
		if (path == NULL) {
			pthread_mutex_unlock(&open_lock);
			errno = ENOMEM;
			return -1;
		}
		full_path(dir, name, path, len);
		fd = open(path, flags);
		int e = errno;
		free(path);
		errno = e;
	}
	pthread_mutex_unlock(&open_lock);
	return fd;
}

/* ---- read buffers ---- */

/* libisofs reads one file at a time, so one spare chunk buffer saves a malloc and free per file. */
static _Atomic(unsigned char *) spare_buf;

static unsigned char *buf_take(void)
{
	unsigned char *b = atomic_exchange(&spare_buf, NULL);
	return b != NULL ? b : malloc(IMG_STREAM_CHUNK);
}

static void buf_give(unsigned char *b)
{
	unsigned char *none = NULL;
	if (b != NULL && !atomic_compare_exchange_strong(&spare_buf, &none, b))
		free(b);
}

void img_stream_release_cache(void)
{
	pthread_mutex_lock(&open_lock);
	forget_open_dir();
	pthread_mutex_unlock(&open_lock);
	free(atomic_exchange(&spare_buf, NULL));
}

/* ---- the first failure, for img_stream_take_error ---- */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static struct img_error first_failure;
static int have_failure;

__attribute__((format(printf, 4, 5)))
static int stream_fail(struct file_stream *f, int code, int errnum, const char *fmt, ...)
{
	char what[512], path[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	full_path(f->dir, f->name, path, sizeof(path));

	pthread_mutex_lock(&fail_lock);
	if (!have_failure) {
		if (errnum)
			img_error_errno(&first_failure, code, errnum, "%s: %s", path, what);
		else
			img_error_set(&first_failure, code, "%s: %s", path, what);
		have_failure = 1;
	}
	pthread_mutex_unlock(&fail_lock);
	f->failed = IMG_STREAM_ISO_ERROR;
	return f->failed;
}

int img_stream_take_error(struct img_error *err)
{
	int code = IMG_OK;
	pthread_mutex_lock(&fail_lock);
	if (have_failure) {
		code = first_failure.code;
		if (err != NULL)
			*err = first_failure;
		have_failure = 0;
		img_error_clear(&first_failure);
	}
	pthread_mutex_unlock(&fail_lock);
	return code;
}

/* ---- reading ---- */

/* Reads up to want bytes at the current offset, going on after short reads until want bytes,
 * end of file, or a short read that brought at least enough bytes; returns the count, or -1
 * with errno set.  A regular file's read() comes back short only at its end, so when the bytes
 * expected are there the read of one byte more has already shown where the file ends: asking
 * again for the 0 that proves it cost a system call per file (100,000 on the small bench tree). */
static ssize_t read_full(int fd, unsigned char *p, size_t want, size_t enough)
{
	size_t got = 0;
	while (got < want) {
		ssize_t n = read(fd, p + got, want - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got >= enough && got < want)
			break;
	}
	return (ssize_t)got;
}

/* Reads the next piece of the file into dst (room for cap bytes).  Asks for one byte more than
 * is left whenever that fits, so that the read which reaches the recorded size also proves the
 * file has not grown.  Returns the bytes that belong to the file, or a libisofs error. */
static ssize_t take(struct file_stream *f, unsigned char *dst, size_t cap)
{
	off_t left = f->size - f->taken;
	size_t want = left < (off_t)cap ? (size_t)left + 1 : cap;
	ssize_t got = read_full(f->fd, dst, want, want > (size_t)left ? (size_t)left : want);
	if (got < 0)
		return stream_fail(f, IMG_EIO, errno, "read error at byte %lld",
				   (long long)f->taken);
	if ((off_t)got > left)
		return stream_fail(f, IMG_ECHANGED, 0,
				   "file grew while it was read (%lld bytes recorded)",
				   (long long)f->size);
	if ((size_t)got < want && (off_t)got < left)
		return stream_fail(f, IMG_ECHANGED, 0,
				   "file shrank while it was read (%lld bytes recorded, "
				   "ends at %lld)", (long long)f->size,
				   (long long)(f->taken + got));
	f->taken += got;
	if (f->taken == f->size)
		f->end_checked = 1;
	if (f->taken == f->size && (size_t)got == want) {
		/* The piece ended exactly at the recorded size without room for the probe byte:
		 * probe now (rare: only when the size meets a chunk boundary). */
		unsigned char probe;
		ssize_t more = read_full(f->fd, &probe, 1, 1);
		if (more < 0)
			return stream_fail(f, IMG_EIO, errno, "read error at byte %lld",
					   (long long)f->taken);
		if (more > 0)
			return stream_fail(f, IMG_ECHANGED, 0,
					   "file grew while it was read (%lld bytes recorded)",
					   (long long)f->size);
	}
	return got;
}

/* Opens of file streams, process-wide: one counter for every image, so that the opens of one
 * image's writer thread get ascending numbers however many images are written at once. */
static atomic_uint_least64_t opens;

uint64_t img_stream_take_order(void)
{
	return atomic_fetch_add(&opens, 1) + 1;
}

static int fs_open(IsoStream *s)
{
	struct file_stream *f = s->data;
	if (f->fd >= 0)
		return ISO_FILE_ALREADY_OPENED;
	f->taken = f->given = 0;
	f->buf_len = f->buf_off = 0;
	f->failed = 0;
	f->end_checked = 0;
	f->fd = open_in_dir(f->dir, f->name);
	if (f->fd < 0) {
		/* A file that was there during the walk and is gone now changed under us. */
		int e = errno;
		return stream_fail(f, e == ENOENT ? IMG_ECHANGED : IMG_EIO, e, "cannot open");
	}
	if (f->size > STREAM_SEQUENTIAL_HINT)
		(void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	f->opened = atomic_fetch_add(&opens, 1) + 1;
	return ISO_SUCCESS;
}

static int fs_close(IsoStream *s)
{
	struct file_stream *f = s->data;
	if (f->fd < 0)
		return ISO_FILE_NOT_OPENED;
	close(f->fd);
	f->fd = -1;
	buf_give(f->buf);
	f->buf = NULL;
	f->buf_cap = f->buf_len = f->buf_off = 0;
	return ISO_SUCCESS;
}

static off_t fs_get_size(IsoStream *s)
{
	return ((struct file_stream *)s->data)->size;
}

/* libisofs asks for 2 KiB at a time (one block); serve it from a chunk read in advance, or read
 * straight into its buffer when all that is left (plus the probe byte) fits there. */
static int fs_read(IsoStream *s, void *out, size_t count)
{
	struct file_stream *f = s->data;
	unsigned char *dst = out;
	size_t done = 0;

	if (f->fd < 0)
		return ISO_FILE_NOT_OPENED;
	if (f->failed)
		return f->failed;
	if (count > INT32_MAX)
		count = INT32_MAX; /* the return type is int */

	while (done < count && f->given < f->size) {
		size_t room = count - done;
		if (f->buf_off == f->buf_len) {
			off_t left = f->size - f->taken;
			if (room > (size_t)left || room >= IMG_STREAM_CHUNK) {
				ssize_t got = take(f, dst + done, room);
				if (got < 0)
					return (int)got;
				done += (size_t)got;
				f->given += got;
				continue;
			}
			if (f->buf == NULL) {
				f->buf_cap = f->size < IMG_STREAM_CHUNK ? (size_t)f->size + 1
									 : IMG_STREAM_CHUNK;
				f->buf = buf_take();
				if (f->buf == NULL)
					return ISO_OUT_OF_MEM;
			}
			ssize_t got = take(f, f->buf, f->buf_cap);
			if (got < 0)
				return (int)got;
			f->buf_len = (size_t)got;
			f->buf_off = 0;
		}
		size_t n = f->buf_len - f->buf_off;
		if (n > room)
			n = room;
		memcpy(dst + done, f->buf + f->buf_off, n);
		f->buf_off += n;
		done += n;
		f->given += n;
	}
	if (f->given == f->size && !f->end_checked) {
		/* only an empty file gets here: nothing was read, so probe for growth now */
		unsigned char probe;
		ssize_t got = take(f, &probe, 1);
		if (got < 0)
			return (int)got;
	}
	return (int)done;
}

static int fs_is_repeatable(IsoStream *s)
{
	(void)s;
	return 1;
}

static void fs_get_id(IsoStream *s, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
	*fs_id = STREAM_FS_ID;
	*dev_id = 0;
	*ino_id = ((struct file_stream *)s->data)->serial;
}

static void fs_free(IsoStream *s)
{
	struct file_stream *f = s->data;
	if (f->fd >= 0)
		close(f->fd);
	buf_give(f->buf);
	dir_unref(f->dir);
	free(f->name);
	free(f->src);
	free(f);
}

/* Only iso_image_update_sizes() calls this, never while an image is being written. */
static int fs_update_size(IsoStream *s)
{
	struct file_stream *f = s->data;
	struct stat st;
	char path[8192];
	if (full_path(f->dir, f->name, path, sizeof(path)) >= sizeof(path) || stat(path, &st) < 0)
		return ISO_FILE_ERROR;
	f->size = st.st_size;
	return ISO_SUCCESS;
}

static IsoStream *fs_get_input_stream(IsoStream *s, int flag)
{
	(void)s;
	(void)flag;
	return NULL;
}

/* libisofs calls the class's cmp_ino without a NULL check (1.5.4): give it the generic
 * comparison by get_id and size, which is what our ids are made for. */
static int fs_cmp_ino(IsoStream *a, IsoStream *b)
{
	return iso_stream_cmp_ino(a, b, 1);
}

static int new_stream(struct stream_dir *dir, const char *name, off_t size, ino_t serial,
		      bool named, IsoStream **out);

static int fs_clone_stream(IsoStream *old, IsoStream **copy, int flag)
{
	struct file_stream *f = old->data;
	if (flag)
		return ISO_STREAM_NO_CLONE;
	atomic_fetch_add(&f->dir->refs, 1);
	if (new_stream(f->dir, f->name, f->size, f->serial, f->src != NULL, copy) < 0) {
		dir_unref(f->dir);
		return ISO_OUT_OF_MEM;
	}
	return ISO_SUCCESS;
}

#define FILE_STREAM_CLASS(type) { \
	4, /* version: update_size, get_input_stream, cmp_ino, clone_stream present */ \
	type, fs_open, fs_close, fs_get_size, fs_read, fs_is_repeatable, fs_get_id, fs_free, \
	fs_update_size, fs_get_input_stream, fs_cmp_ino, fs_clone_stream, \
}
static IsoStreamIface file_stream_class = FILE_STREAM_CLASS("user");
/* for the file's name in libisofs and libjte (struct file_stream) */
static IsoStreamIface named_stream_class = FILE_STREAM_CLASS("fsrc");

static bool is_file_stream(const IsoStream *s)
{
	return s != NULL && (s->class == &file_stream_class || s->class == &named_stream_class);
}

/* The naming source of struct file_stream: only get_path is ever called (libisofs's
 * iso_file_source_get_path), the rest answers as a source that cannot be read. */
static char *named_path(IsoFileSource *src)
{
	const struct file_stream *f = src->data;
	size_t len = full_path(f->dir, f->name, NULL, 0) + 1;
	char *p = malloc(len);
	if (p != NULL)
		full_path(f->dir, f->name, p, len);
	return p;
}

static char *named_name(IsoFileSource *src)
{
	const struct file_stream *f = src->data;
	return strdup(f->name);
}

static int named_stat(IsoFileSource *src, struct stat *info)
{
	(void)src;
	(void)info;
	return ISO_FILE_ERROR;
}

static int named_src(IsoFileSource *src)
{
	(void)src;
	return ISO_FILE_ERROR;
}

static int named_read(IsoFileSource *src, void *buf, size_t count)
{
	(void)src;
	(void)buf;
	(void)count;
	return ISO_FILE_ERROR;
}

static int named_readdir(IsoFileSource *src, IsoFileSource **child)
{
	(void)src;
	(void)child;
	return ISO_FILE_ERROR;
}

static int named_readlink(IsoFileSource *src, char *buf, size_t bufsiz)
{
	(void)src;
	(void)buf;
	(void)bufsiz;
	return ISO_FILE_ERROR;
}

static IsoFilesystem *named_fs(IsoFileSource *src)
{
	(void)src;
	return NULL;
}

static void named_free(IsoFileSource *src)
{
	(void)src; /* part of its stream, freed with it */
}

static const IsoFileSourceIface named_class = {
	.version = 0, /* lseek, get_aa_string and clone_src absent */
	.get_path = named_path,
	.get_name = named_name,
	.lstat = named_stat,
	.stat = named_stat,
	.access = named_src,
	.open = named_src,
	.close = named_src,
	.read = named_read,
	.readdir = named_readdir,
	.readlink = named_readlink,
	.get_filesystem = named_fs,
	.free = named_free,
};

size_t img_stream_path(IsoStream *s, char *buf, size_t len)
{
	/* A filter (zisofs) over one of ours: the file it reads. */
	if (s != NULL && !is_file_stream(s))
		s = iso_stream_get_input_stream(s, 1);
	if (!is_file_stream(s))
		return 0;
	const struct file_stream *f = s->data;
	return full_path(f->dir, f->name, buf, len);
}

uint64_t img_stream_open_order(IsoStream *s)
{
	if (s != NULL && !is_file_stream(s))
		s = iso_stream_get_input_stream(s, 1);
	if (!is_file_stream(s))
		return 0;
	return ((const struct file_stream *)s->data)->opened;
}

/* Takes over the caller's reference to dir. */
static int new_stream(struct stream_dir *dir, const char *name, off_t size, ino_t serial,
		      bool named, IsoStream **out)
{
	IsoStream *s = malloc(sizeof(*s));
	struct file_stream *f = calloc(1, sizeof(*f));
	char *p = strdup(name);
	IsoFileSource *src = named ? calloc(1, sizeof(*src)) : NULL;
	if (s == NULL || f == NULL || p == NULL || (named && src == NULL)) {
		free(s);
		free(f);
		free(p);
		free(src);
		return -1;
	}
	if (named) {
		src->class = &named_class;
		src->refcount = 1;
		src->data = f;
		f->src = src;
	}
	f->dir = dir;
	f->name = p;
	f->size = size;
	f->serial = serial;
	f->fd = -1;
	s->class = named ? &named_stream_class : &file_stream_class;
	s->refcount = 1;
	s->data = f;
	*out = s;
	return 0;
}

static int new_file(const char *path, const struct stat *st, bool named, IsoStream **out,
		    struct img_error *err)
{
	if (path == NULL || st == NULL || out == NULL)
		return img_error_set(err, IMG_EINVAL, "img_stream_new_file: NULL argument");
	if (!S_ISREG(st->st_mode) || st->st_size < 0)
		return img_error_set(err, IMG_EINVAL, "%s: not a regular file", path);
	const char *slash = strrchr(path, '/');
	struct stream_dir *dir;
	if (slash == NULL)
		dir = dir_for(".", 1);
	else
		dir = dir_for(path, slash == path ? 1 : (size_t)(slash - path));
	const char *name = slash == NULL ? path : slash + 1;
	ino_t serial = dir == NULL ? 0 : serial_for(st);
	if (serial == 0 || new_stream(dir, name, st->st_size, serial, named, out) < 0) {
		dir_unref(dir);
		return img_error_set(err, IMG_ENOMEM, "%s: out of memory for its stream", path);
	}
	return IMG_OK;
}

int img_stream_new_file(const char *path, const struct stat *st, IsoStream **out,
			struct img_error *err)
{
	return new_file(path, st, false, out, err);
}

int img_stream_new_named_file(const char *path, const struct stat *st, IsoStream **out,
			      struct img_error *err)
{
	return new_file(path, st, true, out, err);
}
