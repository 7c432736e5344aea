/* Unit tests of common/burn/feed.c, the reader thread and ring between a recorder's input and
 * libburn: bytes come out in order across the ring's wrap with odd sizes on both sides, a
 * declared size is held exactly (short and long streams fail), read errors and cancels end the
 * stream, and the SHA-256 is that of the bytes read (checked against a hash of the source data
 * computed here, not by the feed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/base/digest.h"
#include "common/burn/feed.h"
#include "tests/unit/unit.h"

static unsigned char *pattern(size_t n)
{
	unsigned char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	return p;
}

static void sha(const unsigned char *data, size_t n, unsigned char md[IMG_SHA256_LEN])
{
	struct img_sha256 *h;
	ck_assert_int_eq(img_sha256_new(&h, NULL), IMG_OK);
	img_sha256_update(h, data, n);
	img_sha256_final(h, md);
	img_sha256_free(h);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A producer thread writing data into a pipe in pieces of odd sizes, then closing it (or not,
 * to play a stalled producer). */
struct producer {
	int wfd;
	const unsigned char *data;
	size_t n;
	bool keep_open;
	pthread_t thread;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	static const size_t pieces[] = {1, 4093, 17, 65537, 333, 2048, 7919};
	size_t off = 0;
	for (unsigned i = 0; off < p->n; i++) {
		size_t k = pieces[i % (sizeof(pieces) / sizeof(pieces[0]))];
		if (k > p->n - off)
			k = p->n - off;
		ssize_t w = write(p->wfd, p->data + off, k);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (!p->keep_open)
		close(p->wfd);
	return NULL;
}

/* Starts a producer and returns the pipe's read end. */
static int start_producer(struct producer *p, const unsigned char *data, size_t n, bool keep_open)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	p->wfd = fds[1];
	p->data = data;
	p->n = n;
	p->keep_open = keep_open;
	ck_assert_int_eq(pthread_create(&p->thread, NULL, produce, p), 0);
	return fds[0];
}

/* Reads the whole feed in blocks cycling through odd sizes into out (room for cap bytes); every
 * read but the last must return its full size.  Returns the byte count, or -1 - count when a
 * read failed. */
static int64_t drain(struct img_feed *f, unsigned char *out, size_t cap)
{
	static const size_t sizes[] = {2048, 17, 3333, 1, 32768, 999, 65536};
	size_t got = 0;
	for (unsigned i = 0;; i++) {
		size_t want = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
		unsigned char tmp[65536];
		ssize_t r = img_feed_read(f, tmp, want);
		if (r < 0)
			return -1 - (int64_t)got;
		if (r == 0)
			return (int64_t)got;
		ck_assert_uint_le(got + (size_t)r, cap);
		memcpy(out + got, tmp, (size_t)r);
		got += (size_t)r;
		if ((size_t)r < want) {
			/* a short read is the end: the next one gives 0 */
			ck_assert_int_eq(img_feed_read(f, tmp, want), 0);
			return (int64_t)got;
		}
	}
}

/* Pipes n bytes through a ring of ring bytes read in chunk pieces, declared or not, and checks
 * every byte, the counters and the hash. */
static void round_trip(size_t n, size_t ring, size_t chunk, bool declare)
{
	unsigned char *data = pattern(n);
	unsigned char *out = malloc(n + 1);
	struct producer p;
	int fd = start_producer(&p, data, n, false);
	struct img_feed *f;
	struct img_error e;
	ck_assert_int_eq(img_feed_new(fd, declare ? (int64_t)n : -1, true, ring, chunk, &f, &e),
			 IMG_OK);
	int64_t got = drain(f, out, n + 1);
	ck_assert_int_eq(got, (int64_t)n);
	ck_assert_mem_eq(out, data, n);
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_OK);
	ck_assert_int_eq(img_feed_delivered(f), (int64_t)n);
	ck_assert_int_eq(img_feed_taken(f), (int64_t)n);
	unsigned char md[IMG_SHA256_LEN], want[IMG_SHA256_LEN];
	ck_assert(img_feed_sha256(f, md));
	sha(data, n, want);
	ck_assert_mem_eq(md, want, IMG_SHA256_LEN);
	ck_assert(!img_feed_sha256(f, md)); /* finished once */
	img_feed_free(f);
	pthread_join(p.thread, NULL);
	close(fd);
	free(out);
	free(data);
}

START_TEST(odd_sizes_wrap_the_ring_in_order)
{
	/* a ring that no read size divides: every block and chunk crosses the wrap sometime */
	round_trip(1000003, 4099, 1000, true);
	round_trip(1000003, 4099, 1000, false);
	/* chunk == ring: the reader waits for an empty ring each time */
	round_trip(123457, 3001, 3001, true);
}
END_TEST

START_TEST(long_input_through_the_default_ring)
{
	/* 20 MiB + 5: more than twice the 8 MiB ring, from a regular file */
	size_t n = 20u * 1024 * 1024 + 5;
	unsigned char *data = pattern(n);
	char path[] = "/tmp/check_feed.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, (int64_t)n, true, IMG_FEED_RING_SIZE,
				      IMG_FEED_READ_CHUNK, &f, NULL), IMG_OK);
	unsigned char *out = malloc(n);
	size_t got = 0;
	ssize_t r;
	size_t size, used;
	/* libburn's way: 32 KiB blocks; the ring never holds more than it can */
	while ((r = img_feed_read(f, out + got, n - got < 32768 ? n - got : 32768)) > 0) {
		got += (size_t)r;
		img_feed_fill(f, &size, &used);
		ck_assert_uint_eq(size, IMG_FEED_RING_SIZE);
		ck_assert_uint_le(used, size);
		if (got == n)
			break;
	}
	ck_assert_uint_eq(got, n);
	ck_assert_int_eq(img_feed_read(f, out, 1), 0);
	ck_assert_mem_eq(out, data, n);
	unsigned char md[IMG_SHA256_LEN], want[IMG_SHA256_LEN];
	ck_assert(img_feed_sha256(f, md));
	sha(data, n, want);
	ck_assert_mem_eq(md, want, IMG_SHA256_LEN);
	img_feed_free(f);
	close(fd);
	free(out);
	free(data);
}
END_TEST

START_TEST(short_input_fails_without_delivering_the_end)
{
	size_t n = 50001;
	unsigned char *data = pattern(n);
	unsigned char *out = malloc(n);
	struct producer p;
	int fd = start_producer(&p, data, n, false);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, (int64_t)n + 10, false, 8192, 1000, &f, NULL), IMG_OK);
	int64_t got = drain(f, out, n);
	ck_assert_int_lt(got, 0);
	ck_assert_int_le(-1 - got, (int64_t)n);
	ck_assert_mem_eq(out, data, (size_t)(-1 - got));
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_SHORT);
	ck_assert_int_eq(img_feed_taken(f), (int64_t)n);
	/* the failure sticks */
	unsigned char b;
	ck_assert_int_eq(img_feed_read(f, &b, 1), -1);
	ck_assert(!img_feed_sha256(f, out)); /* not hashing */
	img_feed_free(f);
	pthread_join(p.thread, NULL);
	close(fd);
	free(out);
	free(data);
}
END_TEST

START_TEST(long_input_fails_before_the_last_block)
{
	/* one byte too many: the bytes completing the declared size are never handed over, so a
	 * recorder cannot close a track that silently lost the rest */
	size_t n = 40960;
	unsigned char *data = pattern(n + 1);
	unsigned char *out = malloc(n + 1);
	struct producer p;
	int fd = start_producer(&p, data, n + 1, false);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, (int64_t)n, false, 10000, 777, &f, NULL), IMG_OK);
	int64_t got = drain(f, out, n + 1);
	ck_assert_int_lt(got, 0);
	ck_assert_int_lt(-1 - got, (int64_t)n);
	ck_assert_int_lt(img_feed_delivered(f), (int64_t)n);
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_LONG);
	img_feed_free(f);
	pthread_join(p.thread, NULL);
	close(fd);
	free(out);
	free(data);
}
END_TEST

START_TEST(exact_size_from_an_open_pipe_ends_cleanly)
{
	/* the producer keeps the pipe open after the declared size: the reader must wait for its
	 * end before it can tell the stream is not longer, then deliver all */
	size_t n = 3000;
	unsigned char *data = pattern(n);
	unsigned char out[3000];
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], data, n), (ssize_t)n);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fds[0], (int64_t)n, false, 1024, 512, &f, NULL), IMG_OK);
	/* let the reader reach the size and wait for more; then end the input */
	struct timespec nap = {0, 300 * 1000 * 1000};
	ck_assert_int_eq(img_feed_read(f, out, 1000), 1000);
	nanosleep(&nap, NULL);
	close(fds[1]);
	ck_assert_int_eq(img_feed_read(f, out + 1000, 2048), 2000);
	ck_assert_int_eq(img_feed_read(f, out, 1), 0);
	ck_assert_mem_eq(out + 1000, data + 1000, 2000);
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_OK);
	img_feed_free(f);
	close(fds[0]);
	free(data);
}
END_TEST

struct reading {
	struct img_feed *f;
	ssize_t last;
	int64_t total;
	pthread_t thread;
};

static void *read_until_end(void *arg)
{
	struct reading *r = arg;
	unsigned char buf[4096];
	while ((r->last = img_feed_read(r->f, buf, sizeof(buf))) > 0)
		r->total += r->last;
	return NULL;
}

START_TEST(cancel_ends_a_stalled_stream)
{
	size_t n = 10000;
	unsigned char *data = pattern(n);
	struct producer p;
	int fd = start_producer(&p, data, n, true); /* never closes: a stalled producer */
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, -1, true, 65536, 4096, &f, NULL), IMG_OK);
	struct reading r = {.f = f};
	ck_assert_int_eq(pthread_create(&r.thread, NULL, read_until_end, &r), 0);
	struct timespec nap = {0, 300 * 1000 * 1000};
	nanosleep(&nap, NULL);
	double t0 = now();
	img_feed_cancel(f);
	pthread_join(r.thread, NULL);
	ck_assert_double_lt(now() - t0, 2.0);
	ck_assert_int_eq(r.last, -1);
	ck_assert_int_le(r.total, (int64_t)n);
	int err_no = 0;
	ck_assert_int_eq(img_feed_status(f, &err_no), IMG_FEED_CANCELED);
	ck_assert_int_eq(err_no, ECANCELED);
	img_feed_free(f);
	pthread_join(p.thread, NULL);
	close(p.wfd);
	close(fd);
	free(data);
}
END_TEST

START_TEST(cancel_before_the_first_read)
{
	unsigned char *data = pattern(100);
	struct producer p;
	int fd = start_producer(&p, data, 100, false);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, 100, false, 1024, 256, &f, NULL), IMG_OK);
	img_feed_cancel(f);
	unsigned char buf[100];
	ck_assert_int_eq(img_feed_read(f, buf, sizeof(buf)), -1);
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_CANCELED);
	img_feed_free(f);
	pthread_join(p.thread, NULL);
	close(fd);
	free(data);
}
END_TEST

START_TEST(free_mid_stream_stops_the_reader)
{
	/* the consumer gives up after one block while the producer stalls with a full ring */
	size_t n = 100000;
	unsigned char *data = pattern(n);
	struct producer p;
	int fd = start_producer(&p, data, n, true);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, -1, false, 4096, 1024, &f, NULL), IMG_OK);
	unsigned char buf[2048];
	ck_assert_int_eq(img_feed_read(f, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ck_assert_mem_eq(buf, data, sizeof(buf));
	double t0 = now();
	img_feed_free(f);
	ck_assert_double_lt(now() - t0, 2.0);
	/* the producer is blocked on the full pipe: unblock it by closing our end */
	signal(SIGPIPE, SIG_IGN);
	close(fd);
	pthread_join(p.thread, NULL);
	close(p.wfd);
	free(data);
}
END_TEST

START_TEST(read_error_is_reported_with_errno)
{
	/* read(2) on a directory fails with EISDIR */
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fd, -1, false, 4096, 1024, &f, NULL), IMG_OK);
	unsigned char buf[512];
	ck_assert_int_eq(img_feed_read(f, buf, sizeof(buf)), -1);
	int err_no = 0;
	ck_assert_int_eq(img_feed_status(f, &err_no), IMG_FEED_IOERR);
	ck_assert_int_eq(err_no, EISDIR);
	ck_assert_int_eq(img_feed_taken(f), 0);
	img_feed_free(f);
	close(fd);
}
END_TEST

START_TEST(empty_input)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[1]);
	struct img_feed *f;
	ck_assert_int_eq(img_feed_new(fds[0], -1, true, 4096, 1024, &f, NULL), IMG_OK);
	unsigned char buf[16];
	ck_assert_int_eq(img_feed_read(f, buf, sizeof(buf)), 0);
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_OK);
	unsigned char md[IMG_SHA256_LEN], want[IMG_SHA256_LEN];
	ck_assert(img_feed_sha256(f, md));
	sha(buf, 0, want);
	ck_assert_mem_eq(md, want, IMG_SHA256_LEN);
	img_feed_free(f);
	close(fds[0]);

	/* declared 0: the first byte already makes it too long */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	close(fds[1]);
	ck_assert_int_eq(img_feed_new(fds[0], 0, false, 4096, 1024, &f, NULL), IMG_OK);
	ck_assert_int_eq(img_feed_read(f, buf, sizeof(buf)), -1);
	ck_assert_int_eq(img_feed_status(f, NULL), IMG_FEED_LONG);
	img_feed_free(f);
	close(fds[0]);
}
END_TEST

START_TEST(bad_sizes_are_refused)
{
	struct img_feed *f = (struct img_feed *)1;
	struct img_error e;
	img_error_clear(&e);
	ck_assert_int_eq(img_feed_new(0, -1, false, 4096, 0, &f, &e), IMG_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(img_feed_new(0, -1, false, 4096, 4097, &f, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "4097"));
	img_feed_free(NULL);
	/* a feed never read starts no thread and allocates no ring */
	ck_assert_int_eq(img_feed_new(0, -1, true, 4096, 1024, &f, &e), IMG_OK);
	size_t size, used;
	img_feed_fill(f, &size, &used);
	ck_assert_uint_eq(size, 4096);
	ck_assert_uint_eq(used, 0);
	img_feed_free(f);
}
END_TEST

static Suite *feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("feed");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, odd_sizes_wrap_the_ring_in_order);
	tcase_add_test(tc, long_input_through_the_default_ring);
	tcase_add_test(tc, short_input_fails_without_delivering_the_end);
	tcase_add_test(tc, long_input_fails_before_the_last_block);
	tcase_add_test(tc, exact_size_from_an_open_pipe_ends_cleanly);
	tcase_add_test(tc, cancel_ends_a_stalled_stream);
	tcase_add_test(tc, cancel_before_the_first_read);
	tcase_add_test(tc, free_mid_stream_stops_the_reader);
	tcase_add_test(tc, read_error_is_reported_with_errno);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, bad_sizes_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(feed_suite)
