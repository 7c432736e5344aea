/* Unit tests of common/prefetch.c, alone and behind the file streams of common/stream.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/prefetch.h"
#include "common/stream.h"
#include "tests/unit/unit.h"

#define NFILES 40

static char dir[64];
static char paths[NFILES][96];
static off_t sizes[NFILES];

static void file_at(void *ctx, size_t i, const char **path, off_t *size)
{
	(void)ctx;
	*path = paths[i];
	*size = sizes[i];
}

static void write_file(const char *path, size_t n, unsigned seed)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		fputc((int)((i * 31 + seed) & 0xff), f);
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_prefetch.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (unsigned i = 0; i < NFILES; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/f%02u", dir, i);
		sizes[i] = (off_t)(i * 1000 + 1);
		write_file(paths[i], (size_t)sizes[i], i);
	}
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

/* One assertion per file: Check records every assertion that passes. */
static void expect_content(const unsigned char *buf, size_t len, unsigned seed)
{
	size_t bad = len;
	for (size_t i = 0; i < len && bad == len; i++)
		if (buf[i] != ((i * 31 + seed) & 0xff))
			bad = i;
	ck_assert_uint_eq(bad, len);
}

/* Waits (bounded) until the thread has had time to read ahead. */
static void pause_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

START_TEST(in_order_every_file_is_read_ahead_exactly)
{
	struct img_prefetch *p;
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 1 << 20, 1 << 20, &p), IMG_OK);
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	pause_ms(200);
	for (unsigned i = 0; i < NFILES; i++) {
		unsigned char *buf = NULL;
		size_t len = 0;
		ck_assert(img_prefetch_take(p, i, &buf, &len));
		ck_assert_uint_eq(len, (size_t)sizes[i]);
		expect_content(buf, len, i);
		free(buf);
		/* taken once: the second claim is the reader's own */
		ck_assert(!img_prefetch_take(p, i, &buf, &len));
	}
	img_prefetch_free(p);
}
END_TEST

START_TEST(not_started_means_the_reader_reads)
{
	struct img_prefetch *p;
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 1 << 20, 1 << 20, &p), IMG_OK);
	unsigned char *buf = NULL;
	size_t len = 0;
	ck_assert(!img_prefetch_take(p, 3, &buf, &len));
	ck_assert(!img_prefetch_take(p, NFILES, &buf, &len)); /* out of range */
	ck_assert(!img_prefetch_take(NULL, 0, &buf, &len));
	/* Started afterwards, it skips what was claimed and what lies behind the reader. */
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	pause_ms(200);
	ck_assert(!img_prefetch_take(p, 2, &buf, &len));
	ck_assert(img_prefetch_take(p, 4, &buf, &len));
	expect_content(buf, len, 4);
	free(buf);
	img_prefetch_free(p);
}
END_TEST

START_TEST(large_files_and_vanished_files_are_left_to_the_reader)
{
	struct img_prefetch *p;
	unlink(paths[5]);
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 1 << 20, 10000, &p), IMG_OK);
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	pause_ms(200);
	unsigned char *buf = NULL;
	size_t len = 0;
	ck_assert(!img_prefetch_take(p, 5, &buf, &len));   /* gone */
	ck_assert(img_prefetch_take(p, 9, &buf, &len));    /* 9,001 bytes: under the limit */
	free(buf);
	ck_assert(!img_prefetch_take(p, 10, &buf, &len));  /* 10,001 bytes: over it */
	img_prefetch_free(p);
}
END_TEST

START_TEST(budget_bounds_what_is_held)
{
	struct img_prefetch *p;
	/* 5,000 bytes: file 0 (1 byte + 1), file 1 (1,001 + 1) and file 2 (2,001 + 1) fit,
	 * file 3 (3,002) does not, until memory is released. */
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 5000, 1 << 20, &p), IMG_OK);
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	pause_ms(200);
	unsigned char *buf = NULL;
	size_t len = 0;
	/* The thread waits for room before file 3, so file 4 was not read ahead; claiming it
	 * drops 0..3 and lets the thread go on. */
	ck_assert(!img_prefetch_take(p, 4, &buf, &len));
	pause_ms(200);
	ck_assert(img_prefetch_take(p, 5, &buf, &len));
	expect_content(buf, len, 5);
	free(buf);
	img_prefetch_free(p);
}
END_TEST

START_TEST(free_while_running_and_holding)
{
	struct img_prefetch *p;
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 4096, 1 << 20, &p), IMG_OK);
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	img_prefetch_free(p); /* no leak, no hang: checked under ASan by make check */
}
END_TEST

/* Streams behind a prefetcher give the same bytes, and a file that changed after the walk
 * still fails, with the path. */
static int read_stream(IsoStream *s, unsigned char *out, size_t cap)
{
	int rc = iso_stream_open(s);
	if (rc < 0)
		return rc;
	size_t got = 0;
	for (;;) {
		int n = iso_stream_read(s, out + got, cap - got < 2048 ? cap - got : 2048);
		if (n < 0) {
			iso_stream_close(s);
			return n;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	iso_stream_close(s);
	return (int)got;
}

START_TEST(streams_take_their_bytes_from_the_prefetcher)
{
	struct img_prefetch *p;
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 1 << 20, 1 << 20, &p), IMG_OK);
	IsoStream *s[NFILES];
	for (unsigned i = 0; i < NFILES; i++) {
		struct stat st;
		ck_assert_int_eq(stat(paths[i], &st), 0);
		struct img_error e;
		ck_assert_int_eq(img_stream_new_file(paths[i], &st, &s[i], &e), IMG_OK);
		img_stream_set_prefetch(s[i], p, i);
	}
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	pause_ms(200);
	/* File 7 grows and file 8 shrinks after they were read ahead (the walk's sizes stand). */
	write_file(paths[7], (size_t)sizes[7] + 5, 7);
	write_file(paths[8], 10, 8);
	static unsigned char buf[NFILES * 1000 + 16];
	for (unsigned i = 0; i < NFILES; i++) {
		int n = read_stream(s[i], buf, sizeof(buf));
		if (i == 7 || i == 8) {
			/* read ahead before the change: the bytes of the walk's time */
			ck_assert_int_eq(n, (int)sizes[i]);
			continue;
		}
		ck_assert_int_eq(n, (int)sizes[i]);
		expect_content(buf, (size_t)n, i);
	}
	/* Read again: now from the disk, where the changes show. */
	ck_assert_int_lt(read_stream(s[7], buf, sizeof(buf)), 0);
	struct img_error e;
	ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(e.detail, "f07"));
	ck_assert_int_lt(read_stream(s[8], buf, sizeof(buf)), 0);
	ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
	for (unsigned i = 0; i < NFILES; i++)
		iso_stream_unref(s[i]);
	img_prefetch_free(p);
}
END_TEST

START_TEST(a_change_before_the_read_ahead_fails_the_stream)
{
	struct img_prefetch *p;
	ck_assert_int_eq(img_prefetch_new(NFILES, file_at, NULL, 1 << 20, 1 << 20, &p), IMG_OK);
	struct stat st;
	ck_assert_int_eq(stat(paths[9], &st), 0);
	IsoStream *s;
	struct img_error e;
	ck_assert_int_eq(img_stream_new_file(paths[9], &st, &s, &e), IMG_OK);
	img_stream_set_prefetch(s, p, 9);
	write_file(paths[9], (size_t)sizes[9] + 1, 9); /* one byte more than the walk saw */
	ck_assert_int_eq(img_prefetch_start(p), IMG_OK);
	pause_ms(200);
	static unsigned char buf[20000];
	ck_assert_int_lt(read_stream(s, buf, sizeof(buf)), 0);
	ck_assert_int_eq(img_stream_take_error(&e), IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(e.detail, "grew"));
	iso_stream_unref(s);
	img_prefetch_free(p);
}
END_TEST

static Suite *prefetch_suite(void)
{
	Suite *s = suite_create("prefetch");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, in_order_every_file_is_read_ahead_exactly);
	tcase_add_test(tc, not_started_means_the_reader_reads);
	tcase_add_test(tc, large_files_and_vanished_files_are_left_to_the_reader);
	tcase_add_test(tc, budget_bounds_what_is_held);
	tcase_add_test(tc, free_while_running_and_holding);
	tcase_add_test(tc, streams_take_their_bytes_from_the_prefetcher);
	tcase_add_test(tc, a_change_before_the_read_ahead_fails_the_stream);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(prefetch_suite)
