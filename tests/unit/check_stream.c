/* Unit tests of common/build/stream.c, driven through libisofs's public stream and image calls. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/build/stream.h"
#include "tests/unit/unit.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_stream.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(iso_init(), 1);
	iso_set_msgs_severities("NEVER", "NEVER", "");
	img_stream_take_error(NULL);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	iso_finish();
}

/* Deterministic, non-repeating content: byte i of file `seed` */
static unsigned char pattern(unsigned seed, size_t i)
{
	uint32_t x = (uint32_t)(i / 4) * 2654435761u + seed * 40503u;
	x ^= x >> 13;
	return (unsigned char)(x >> (8 * (i % 4)));
}

/* Index of the first byte of p[0..n) that is not bytes at..at+n of file `seed`, or -1.
 * (One assertion per buffer: each Check assertion costs a write to its pipe.) */
static long first_difference(const unsigned char *p, size_t n, unsigned seed, size_t at)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(seed, at + i))
			return (long)i;
	return -1;
}

static char *make_file(const char *name, size_t size, unsigned seed, struct stat *st)
{
	static char path[8][128];
	static int slot;
	char *p = path[slot++ % 8];
	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	unsigned char *data = malloc(size ? size : 1);
	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < size; i++)
		data[i] = pattern(seed, i);
	FILE *f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
	free(data);
	ck_assert_int_eq(lstat(p, st), 0);
	return p;
}

static IsoStream *stream_for(const char *path, const struct stat *st)
{
	IsoStream *s = NULL;
	struct img_error e;
	img_error_clear(&e);
	ck_assert_int_eq(img_stream_new_file(path, st, &s, &e), IMG_OK);
	ck_assert_ptr_nonnull(s);
	return s;
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* Reads the whole stream in pieces of `piece` bytes as libisofs would, checks every byte. */
static void read_and_check(IsoStream *s, size_t size, unsigned seed, size_t piece)
{
	unsigned char *buf = malloc(piece);
	size_t at = 0;
	ck_assert_int_eq(iso_stream_open(s), 1);
	for (;;) {
		int n = iso_stream_read(s, buf, piece);
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		/* a short piece is allowed only at the end of the file */
		ck_assert(n == (int)piece || at + (size_t)n == size);
		ck_assert_msg(first_difference(buf, (size_t)n, seed, at) < 0,
			      "byte %zu differs", at + (size_t)first_difference(buf, (size_t)n,
										 seed, at));
		at += (size_t)n;
	}
	ck_assert_uint_eq(at, size);
	ck_assert_int_eq(iso_stream_read(s, buf, piece), 0);
	ck_assert_int_eq(iso_stream_close(s), 1);
	free(buf);
}

START_TEST(reads_exact_content_at_any_size)
{
	/* around 2 KiB blocks and the read chunk, where off-by-one errors live */
	const size_t sizes[] = { 0, 1, 2047, 2048, 2049, 100000,
		IMG_STREAM_CHUNK - 1, IMG_STREAM_CHUNK, IMG_STREAM_CHUNK + 1,
		3 * IMG_STREAM_CHUNK, 3 * IMG_STREAM_CHUNK + 2048 + 7 };
	const size_t pieces[] = { 2048, 1, 1000, 70000, IMG_STREAM_CHUNK, 4 * IMG_STREAM_CHUNK };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct stat st;
		char name[32];
		snprintf(name, sizeof(name), "f%zu", i);
		char *p = make_file(name, sizes[i], (unsigned)i + 1, &st);
		IsoStream *s = stream_for(p, &st);
		ck_assert_int_eq(iso_stream_get_size(s), (off_t)sizes[i]);
		ck_assert_int_eq(iso_stream_is_repeatable(s), 1);
		for (size_t j = 0; j < sizeof(pieces) / sizeof(pieces[0]); j++) {
			if (pieces[j] == 1 && sizes[i] > 100000)
				continue; /* byte by byte is slow and adds nothing there */
			read_and_check(s, sizes[i], (unsigned)i + 1, pieces[j]);
		}
		iso_stream_unref(s);
	}
	ck_assert_int_eq(img_stream_take_error(NULL), IMG_OK);
}
END_TEST

/* Reads until EOF or error; returns the last result (< 0 error, 0 EOF). */
static int drain(IsoStream *s, size_t *total)
{
	char buf[2048];
	int n;
	*total = 0;
	while ((n = iso_stream_read(s, buf, sizeof(buf))) > 0)
		*total += (size_t)n;
	return n;
}

static void expect_changed(IsoStream *s, const char *path, const char *word)
{
	size_t total;
	struct img_error e;
	img_error_clear(&e);
	ck_assert_int_eq(drain(s, &total), (int)IMG_STREAM_ISO_ERROR);
	/* the failure is sticky */
	char buf[16];
	ck_assert_int_eq(iso_stream_read(s, buf, sizeof(buf)), (int)IMG_STREAM_ISO_ERROR);
	ck_assert_int_eq(iso_stream_close(s), 1);
	ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
	ck_assert_int_eq(e.code, IMG_ECHANGED);
	ck_assert_msg(strstr(e.detail, path) != NULL, "detail '%s' lacks the path", e.detail);
	ck_assert_msg(strstr(e.detail, word) != NULL, "detail '%s' lacks '%s'", e.detail, word);
	/* taken once */
	ck_assert_int_eq(img_stream_take_error(&e), IMG_OK);
}

START_TEST(shrunk_file_fails)
{
	const size_t sizes[] = { 100, 5000, 3 * IMG_STREAM_CHUNK };
	for (size_t i = 0; i < 3; i++) {
		struct stat st;
		char *p = make_file("shrink", sizes[i], 7, &st);
		IsoStream *s = stream_for(p, &st);
		ck_assert_int_eq(truncate(p, (off_t)sizes[i] / 2), 0);
		ck_assert_int_eq(iso_stream_open(s), 1);
		expect_changed(s, p, "shrank");
		iso_stream_unref(s);
	}
}
END_TEST

START_TEST(shrinking_while_read_fails)
{
	struct stat st;
	char buf[2048];
	char *p = make_file("big", 4 * IMG_STREAM_CHUNK, 3, &st);
	IsoStream *s = stream_for(p, &st);
	ck_assert_int_eq(iso_stream_open(s), 1);
	ck_assert_int_eq(iso_stream_read(s, buf, sizeof(buf)), 2048);
	ck_assert_int_eq(truncate(p, IMG_STREAM_CHUNK + 10), 0);
	expect_changed(s, p, "shrank");
	iso_stream_unref(s);
}
END_TEST

START_TEST(grown_file_fails)
{
	/* growth is caught for a small file, a chunked one, and one ending on a chunk boundary */
	const size_t sizes[] = { 0, 100, 2048, IMG_STREAM_CHUNK, 2 * IMG_STREAM_CHUNK + 5 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct stat st;
		char *p = make_file("grow", sizes[i], 9, &st);
		IsoStream *s = stream_for(p, &st);
		FILE *f = fopen(p, "ab");
		ck_assert_ptr_nonnull(f);
		fputc('x', f);
		fclose(f);
		ck_assert_int_eq(iso_stream_open(s), 1);
		expect_changed(s, p, "grew");
		iso_stream_unref(s);
	}
}
END_TEST

/* img_stream_open_order: 0 before any open, then ascending with each open (the last one
 * counts), 0 for a stream of another class; a failed open records nothing. */
START_TEST(open_order_follows_opens)
{
	struct stat sa, sb;
	char *pa = make_file("order-a", 10, 1, &sa);
	char *pb = make_file("order-b", 20, 2, &sb);
	IsoStream *a = stream_for(pa, &sa), *b = stream_for(pb, &sb);
	ck_assert_uint_eq(img_stream_open_order(a), 0);
	ck_assert_uint_eq(img_stream_open_order(b), 0);
	ck_assert_int_eq(iso_stream_open(b), 1);
	ck_assert_int_eq(iso_stream_close(b), 1);
	ck_assert_int_eq(iso_stream_open(a), 1);
	ck_assert_int_eq(iso_stream_close(a), 1);
	uint64_t oa = img_stream_open_order(a), ob = img_stream_open_order(b);
	ck_assert_uint_gt(ob, 0);
	ck_assert_uint_gt(oa, ob);
	ck_assert_int_eq(iso_stream_open(b), 1); /* opened again: later than a now */
	ck_assert_int_eq(iso_stream_close(b), 1);
	ck_assert_uint_gt(img_stream_open_order(b), oa);
	uint64_t before = img_stream_open_order(a);
	ck_assert_int_eq(unlink(pa), 0);
	struct img_error e;
	ck_assert_int_eq(iso_stream_open(a), (int)IMG_STREAM_ISO_ERROR);
	ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
	ck_assert_uint_eq(img_stream_open_order(a), before);
	IsoStream *mem = NULL;
	unsigned char *buf = malloc(4);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "abcd", 4);
	ck_assert_int_eq(iso_memory_stream_new(buf, 4, &mem), 1);
	ck_assert_int_eq(iso_stream_open(mem), 1);
	ck_assert_uint_eq(img_stream_open_order(mem), 0);
	iso_stream_close(mem);
	iso_stream_unref(mem);
	iso_stream_unref(a);
	iso_stream_unref(b);
}
END_TEST

START_TEST(vanished_file_fails_at_open)
{
	struct stat st;
	struct img_error e;
	char *p = make_file("gone", 10, 1, &st);
	IsoStream *s = stream_for(p, &st);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(iso_stream_open(s), (int)IMG_STREAM_ISO_ERROR);
	ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(e.detail, p));
	ck_assert_ptr_nonnull(strstr(e.detail, "No such file"));
	iso_stream_unref(s);
}
END_TEST

START_TEST(unreadable_file_is_an_io_error)
{
	struct stat st;
	struct img_error e;
	char *p = make_file("dir-not-file", 0, 1, &st);
	/* reading a directory fails with EISDIR on every filesystem, even for root */
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	size_t total;
	st.st_size = 10;
	IsoStream *s = stream_for(p, &st);
	ck_assert_int_eq(iso_stream_open(s), 1);
	ck_assert_int_eq(drain(s, &total), (int)IMG_STREAM_ISO_ERROR);
	iso_stream_close(s);
	ck_assert_int_eq(img_stream_take_error(&e), IMG_EIO);
	ck_assert_ptr_nonnull(strstr(e.detail, "Is a directory"));
	iso_stream_unref(s);
}
END_TEST

START_TEST(rejects_what_is_not_a_regular_file)
{
	struct stat st;
	struct img_error e;
	IsoStream *s = NULL;
	ck_assert_int_eq(stat("/", &st), 0);
	ck_assert_int_eq(img_stream_new_file("/", &st, &s, &e), IMG_EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(e.detail, "not a regular file"));
}
END_TEST

START_TEST(descriptors_stay_bounded)
{
	enum { N = 300 };
	static IsoStream *s[N];
	struct stat st;
	char *p = make_file("many", 5000, 2, &st);
	int before = count_fds();
	for (int i = 0; i < N; i++)
		s[i] = stream_for(p, &st);
	ck_assert_int_eq(count_fds(), before); /* nothing opened at creation */
	/* While open: the file and its directory; after close, the directory stays open for
	 * the next file until the cache is released. */
	for (int i = 0; i < N; i++) {
		size_t total;
		ck_assert_int_eq(iso_stream_open(s[i]), 1);
		ck_assert_int_eq(count_fds(), before + 2);
		ck_assert_int_eq(drain(s[i], &total), 0);
		ck_assert_uint_eq(total, 5000);
		ck_assert_int_eq(iso_stream_close(s[i]), 1);
		ck_assert_int_eq(count_fds(), before + 1);
	}
	img_stream_release_cache();
	ck_assert_int_eq(count_fds(), before);
	for (int i = 0; i < N; i++)
		iso_stream_unref(s[i]);
}
END_TEST

/* Files of several directories, opened in turns (each open changes the directory kept open),
 * a relative path without a directory, and the paths streams report. */
START_TEST(files_of_several_directories)
{
	char sub[2][128], name[2][160];
	struct stat st[3];
	IsoStream *s[3];
	for (int d = 0; d < 2; d++) {
		snprintf(sub[d], sizeof(sub[d]), "%s/d%d", dir, d);
		ck_assert_int_eq(mkdir(sub[d], 0755), 0);
		snprintf(name[d], sizeof(name[d]), "d%d/f", d);
		s[d] = stream_for(make_file(name[d], 3000 + (size_t)d, 10u + (unsigned)d, &st[d]),
				  &st[d]);
	}
	make_file("top", 7, 12, &st[2]);
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	s[2] = stream_for("top", &st[2]);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 3; i++)
			read_and_check(s[i], i == 2 ? 7 : 3000 + (size_t)i, 10u + (unsigned)i, 2048);
	char path[512], want[512];
	for (int d = 0; d < 2; d++) {
		snprintf(want, sizeof(want), "%s/%s", dir, name[d]);
		ck_assert_uint_eq(img_stream_path(s[d], path, sizeof(path)), strlen(want));
		ck_assert_str_eq(path, want);
	}
	ck_assert_uint_eq(img_stream_path(s[2], path, sizeof(path)), strlen("./top"));
	ck_assert_str_eq(path, "./top");
	/* truncated to the buffer, the whole length returned */
	ck_assert_uint_eq(img_stream_path(s[0], path, 4), strlen(dir) + 1 + strlen(name[0]));
	ck_assert_uint_eq(strlen(path), 3);
	ck_assert_int_eq(chdir(cwd), 0);
	img_stream_release_cache();
	for (int i = 0; i < 3; i++)
		iso_stream_unref(s[i]);
}
END_TEST

START_TEST(ids_follow_creation_order_and_hard_links)
{
	struct stat sa, sb, sl;
	char *a = make_file("a", 10, 1, &sa);
	char *b = make_file("b", 10, 1, &sb); /* same content, different file */
	char l[160];
	snprintf(l, sizeof(l), "%s/link-to-a", dir);
	ck_assert_int_eq(link(a, l), 0);
	ck_assert_int_eq(lstat(a, &sa), 0); /* now st_nlink == 2 */
	ck_assert_int_eq(lstat(l, &sl), 0);

	IsoStream *sb_ = stream_for(b, &sb);
	IsoStream *sa_ = stream_for(a, &sa);
	IsoStream *sl_ = stream_for(l, &sl);
	unsigned int fa, fb;
	dev_t da, db;
	ino_t ia, ib, il;
	iso_stream_get_id(sa_, &fa, &da, &ia);
	iso_stream_get_id(sb_, &fb, &db, &ib);
	ck_assert_uint_eq(fa, fb);
	ck_assert_uint_ne(ia, ib);
	ck_assert_uint_gt(ia, ib); /* created later, whatever the inode numbers say */
	iso_stream_get_id(sl_, &fa, &da, &il);
	ck_assert_uint_eq(il, ia);
	ck_assert_int_eq(iso_stream_cmp_ino(sa_, sl_, 0), 0);
	ck_assert_int_gt(iso_stream_cmp_ino(sa_, sb_, 0), 0);
	ck_assert_int_lt(iso_stream_cmp_ino(sb_, sa_, 0), 0);

	IsoStream *clone = NULL;
	ck_assert_int_eq(iso_stream_clone(sa_, &clone, 0), 1);
	ck_assert_int_eq(iso_stream_cmp_ino(sa_, clone, 0), 0);
	read_and_check(clone, 10, 1, 2048);
	iso_stream_unref(clone);
	iso_stream_unref(sa_);
	iso_stream_unref(sb_);
	iso_stream_unref(sl_);
}
END_TEST

/* Builds an image of the given streams (names n0, n1, ...) with libisofs and returns it in
 * memory; *status gets the ring buffer's final state (2 input ended, 3 input failed). */
static unsigned char *write_image(IsoStream **s, int n, size_t *len, size_t *want, int *status)
{
	IsoImage *img;
	IsoWriteOpts *opts;
	struct burn_source *bs;
	ck_assert_int_eq(iso_image_new("T", &img), 1);
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d", i);
		/* returns the number of children on success */
		ck_assert_int_eq(iso_image_add_new_file(img, iso_image_get_root(img), name, s[i],
						       NULL), i + 1);
	}
	ck_assert_int_eq(iso_write_opts_new(&opts, 1), 1);
	ck_assert_int_eq(iso_image_create_burn_source(img, opts, &bs), 1);
	off_t size = bs->get_size(bs);
	*want = (size_t)size;
	unsigned char *out = malloc((size_t)size);
	ck_assert_ptr_nonnull(out);
	*len = 0;
	for (;;) {
		/* libisofs's burn source returns 0 for a read that crosses the end of the image,
		 * dropping the partial piece: never ask for more than is left */
		size_t piece = (size_t)size - *len < 65536 ? (size_t)size - *len : 65536;
		if (piece == 0)
			break;
		int r = bs->read_xt(bs, out + *len, (int)piece);
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	if (*len == (size_t)size) {
		/* the writer thread may still be finishing: a read past the end waits for it
		 * to close the fifo and returns 0, so the state below is final */
		unsigned char extra[2048];
		ck_assert_int_eq(bs->read_xt(bs, extra, sizeof(extra)), 0);
	}
	size_t fifo, free_bytes;
	*status = iso_ring_buffer_get_status(bs, &fifo, &free_bytes);
	bs->free_data(bs);
	free(bs);
	iso_write_opts_free(opts);
	iso_image_unref(img);
	return out;
}

/* Block number where the file data of `seed` starts in the image, or -1. */
static long find_data(const unsigned char *img, size_t len, unsigned seed)
{
	unsigned char want[64];
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = pattern(seed, i);
	long found = -1;
	for (size_t off = 0; off + sizeof(want) <= len; off += 2048)
		if (memcmp(img + off, want, sizeof(want)) == 0) {
			ck_assert_msg(found < 0, "data of file %u stored twice", seed);
			found = (long)(off / 2048);
		}
	return found;
}

START_TEST(image_holds_data_in_creation_order_once_per_link)
{
	struct stat s1, s2, s3;
	char *f1 = make_file("one", 3 * IMG_STREAM_CHUNK + 100, 11, &s1);
	char *f2 = make_file("two", 5000, 12, &s2);
	char l[160];
	snprintf(l, sizeof(l), "%s/link-to-one", dir);
	ck_assert_int_eq(link(f1, l), 0);
	ck_assert_int_eq(lstat(f1, &s1), 0);
	ck_assert_int_eq(lstat(l, &s3), 0);
	/* created: two, then one and its link; names sort the other way (n0 = two) */
	IsoStream *s[3] = { stream_for(f2, &s2), stream_for(f1, &s1), stream_for(l, &s3) };
	size_t len, want;
	int status;
	unsigned char *img = write_image(s, 3, &len, &want, &status);
	ck_assert_int_eq(status, 2); /* input ended without error */
	ck_assert_uint_eq(len, want);
	long b2 = find_data(img, len, 12), b1 = find_data(img, len, 11);
	ck_assert_int_gt(b2, 0);
	ck_assert_int_gt(b1, b2);
	/* the whole of file one, byte for byte, and the zero padding after it */
	const unsigned char *d = img + (size_t)b1 * 2048;
	ck_assert_int_eq(first_difference(d, (size_t)s1.st_size, 11, 0), -1);
	int padding_is_zero = 1;
	for (size_t i = (size_t)s1.st_size; i % 2048; i++)
		padding_is_zero &= d[i] == 0;
	ck_assert(padding_is_zero);
	ck_assert_int_eq(img_stream_take_error(NULL), IMG_OK);
	free(img);
}
END_TEST

START_TEST(image_write_fails_when_a_file_changes)
{
	/* with libisofs's default abort threshold, which would zero-fill a MISHAP */
	const char *how[] = { "shrank", "grew", "No such file" };
	for (int k = 0; k < 3; k++) {
		struct stat s1, s2;
		char *f1 = make_file("ok", 9000, 21, &s1);
		char *f2 = make_file("bad", 2 * IMG_STREAM_CHUNK, 22, &s2);
		IsoStream *s[2] = { stream_for(f1, &s1), stream_for(f2, &s2) };
		if (k == 0)
			ck_assert_int_eq(truncate(f2, 4096), 0);
		else if (k == 1)
			ck_assert_int_eq(truncate(f2, s2.st_size + 1), 0);
		else
			ck_assert_int_eq(unlink(f2), 0);
		size_t len, want;
		int status;
		unsigned char *img = write_image(s, 2, &len, &want, &status);
		ck_assert_int_eq(status, 3); /* input ended with an error */
		ck_assert_uint_lt(len, want); /* the image ends early: no zero-filled rest */
		struct img_error e;
		ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
		ck_assert_ptr_nonnull(strstr(e.detail, f2));
		ck_assert_ptr_nonnull(strstr(e.detail, how[k]));
		free(img);
	}
}
END_TEST

/* Runs a shell command built from fmt; returns its exit status. */
__attribute__((format(printf, 1, 2)))
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

START_TEST(independent_readers_agree)
{
	/* sizes around the chunk and block boundaries, an empty file and a hard link */
	static const struct { const char *name; size_t size; } files[] = {
		{ "chunk-plus-one", IMG_STREAM_CHUNK + 1 }, { "block-minus-one", 2047 },
		{ "empty", 0 }, { "three-chunks", 3 * IMG_STREAM_CHUNK }, { "small", 100 },
	};
	enum { NF = sizeof(files) / sizeof(files[0]) };
	char src[96], img_path[96], out[96], link_path[128];
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(img_path, sizeof(img_path), "%s/t.iso", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(mkdir(src, 0755), 0);
	ck_assert_int_eq(mkdir(out, 0755), 0);

	IsoImage *img;
	ck_assert_int_eq(iso_image_new("T", &img), 1);
	for (size_t i = 0; i <= NF; i++) {
		struct stat st;
		char rel[64];
		const char *name = i < NF ? files[i].name : "link-to-first";
		snprintf(rel, sizeof(rel), "src/%s", name);
		char *p;
		if (i < NF) {
			p = make_file(rel, files[i].size, 30 + (unsigned)i, &st);
		} else {
			snprintf(link_path, sizeof(link_path), "%s/%s", src, name);
			char first[160];
			snprintf(first, sizeof(first), "%s/src/%s", dir, files[0].name);
			ck_assert_int_eq(link(first, link_path), 0);
			p = link_path;
		}
		ck_assert_int_eq(lstat(p, &st), 0);
		ck_assert_int_gt(iso_image_add_new_file(img, iso_image_get_root(img), name,
							stream_for(p, &st), NULL), 0);
	}
	IsoWriteOpts *opts;
	struct burn_source *bs;
	ck_assert_int_eq(iso_write_opts_new(&opts, 1), 1);
	iso_write_opts_set_iso_level(opts, 3);
	iso_write_opts_set_record_md5(opts, 1, 1);
	iso_write_opts_set_aaip(opts, 1);
	ck_assert_int_eq(iso_image_create_burn_source(img, opts, &bs), 1);
	off_t size = bs->get_size(bs), done = 0;
	FILE *f = fopen(img_path, "wb");
	ck_assert_ptr_nonnull(f);
	unsigned char buf[65536];
	while (done < size) {
		int want = size - done < (off_t)sizeof(buf) ? (int)(size - done) : (int)sizeof(buf);
		int r = bs->read_xt(bs, buf, want);
		ck_assert_int_gt(r, 0);
		ck_assert_uint_eq(fwrite(buf, 1, (size_t)r, f), (size_t)r);
		done += r;
	}
	ck_assert_int_eq(fclose(f), 0);
	bs->free_data(bs);
	free(bs);
	iso_write_opts_free(opts);
	iso_image_unref(img);

	/* xorriso recomputes every file's MD5 from the image and compares with the recorded ones
	 * (and the session's); bsdtar extracts, and the files must equal the sources */
	ck_assert_int_eq(run("xorriso -md5 on -indev '%s' -check_md5_r FAILURE / -- >'%s.log' 2>&1 "
			     "&& grep -q 'File contents and their MD5 checksums match' '%s.log'",
			     img_path, out, out), 0);
	ck_assert_int_eq(run("xorriso -md5 on -indev '%s' -check_md5 FAILURE -- >'%s.log' 2>&1 "
			     "&& grep -q 'session data match' '%s.log'", img_path, out, out), 0);
	ck_assert_int_eq(run("bsdtar -xf '%s' -C '%s' && diff -r '%s' '%s'", img_path, out, src,
			     out), 0);
}
END_TEST

static Suite *stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reads_exact_content_at_any_size);
	tcase_add_test(tc, open_order_follows_opens);
	tcase_add_test(tc, files_of_several_directories);
	tcase_add_test(tc, shrunk_file_fails);
	tcase_add_test(tc, shrinking_while_read_fails);
	tcase_add_test(tc, grown_file_fails);
	tcase_add_test(tc, vanished_file_fails_at_open);
	tcase_add_test(tc, unreadable_file_is_an_io_error);
	tcase_add_test(tc, rejects_what_is_not_a_regular_file);
	tcase_add_test(tc, descriptors_stay_bounded);
	tcase_add_test(tc, ids_follow_creation_order_and_hard_links);
	tcase_add_test(tc, image_holds_data_in_creation_order_once_per_link);
	tcase_add_test(tc, image_write_fails_when_a_file_changes);
	tcase_add_test(tc, independent_readers_agree);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(stream_suite)
