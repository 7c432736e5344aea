/* Unit tests of common/burn/drive.c on libburn stdio: pseudo-drives: exact bytes, declared sizes,
 * open length, padding, hashing, progress and ring levels, read-back verification and cancel.
 * The ring itself is tested in check_feed.c.  The written file is read back with plain
 * read(2), not through libburn. */
/* F_SETPIPE_SZ (Linux): the pipes hold the whole test stream before anyone reads them */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/base/digest.h"
#include "common/burn/drive.h"
#include "tests/unit/drive_fixture.h"
#include "tests/unit/unit.h"

static unsigned char *pattern(size_t n)
{
	unsigned char *p = malloc(n);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	return p;
}

/* a pipe already holding n bytes of data; the write end is closed when close_it */
static int pipe_with(const unsigned char *data, size_t n, bool close_it, int *wfd)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	ck_assert_int_eq(write(fds[1], data, n), (ssize_t)n);
	if (close_it)
		close(fds[1]);
	else
		*wfd = fds[1];
	return fds[0];
}

static int run(struct img_drive *d, int64_t *bytes, unsigned char md[IMG_SHA256_LEN])
{
	struct timespec nap = {0, 10 * 1000 * 1000};
	struct img_drive_progress p;
	while (img_drive_poll(d, &p))
		nanosleep(&nap, NULL);
	return img_drive_job_result(d, bytes, md);
}

static void sha(const unsigned char *data, size_t n, unsigned char md[IMG_SHA256_LEN])
{
	struct img_sha256 *h;
	ck_assert_int_eq(img_sha256_new(&h, NULL), IMG_OK);
	img_sha256_update(h, data, n);
	img_sha256_final(h, md);
	img_sha256_free(h);
}

static const struct img_write_opts opts = {.mode = IMG_WRITE_AUTO, .hash = true};

START_TEST(exact_bytes_hash_and_verify)
{
	/* not a multiple of 2048: libburn pads the sector, the file is cut back */
	size_t n = 300001;
	unsigned char *data = pattern(n);
	int fd = pipe_with(data, n, true, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert(img_drive_is_stdio(d));
	ck_assert_int_eq(img_drive_write_start(d, fd, (int64_t)n, &opts), IMG_OK);
	int64_t bytes;
	unsigned char md[IMG_SHA256_LEN], want[IMG_SHA256_LEN];
	ck_assert_int_eq(run(d, &bytes, md), IMG_OK);
	ck_assert_int_eq(bytes, (int64_t)n);
	sha(data, n, want);
	ck_assert_mem_eq(md, want, IMG_SHA256_LEN);
	ck_assert_int_eq(img_drive_verify(d, (int64_t)n, want, NULL, NULL), IMG_OK);
	want[0] ^= 1;
	ck_assert_int_eq(img_drive_verify(d, (int64_t)n, want, NULL, NULL), IMG_EMISMATCH);
	ck_assert_ptr_nonnull(strstr(img_drive_error(d)->detail, "read back"));
	img_drive_close(d, false);
	close(fd);

	struct stat st;
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)n);
	unsigned char *got = malloc(n);
	int in = open(target, O_RDONLY);
	ck_assert_int_eq(read(in, got, n), (ssize_t)n);
	close(in);
	ck_assert_mem_eq(got, data, n);
	free(got);
	free(data);
}
END_TEST

START_TEST(stream_longer_than_size_fails)
{
	size_t n = 100000;
	unsigned char *data = pattern(n);
	int fd = pipe_with(data, n, true, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 40960, &opts), IMG_OK);
	ck_assert_int_eq(run(d, NULL, NULL), IMG_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(img_drive_error(d)->detail, "longer than its size of 40960"));
	img_drive_close(d, false);
	close(fd);
	free(data);
}
END_TEST

START_TEST(stream_shorter_than_size_fails)
{
	size_t n = 100000;
	unsigned char *data = pattern(n);
	int fd = pipe_with(data, n, true, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 200000, &opts), IMG_OK);
	int64_t bytes;
	ck_assert_int_eq(run(d, &bytes, NULL), IMG_EINVAL);
	ck_assert_int_eq(bytes, (int64_t)n);
	ck_assert_ptr_nonnull(strstr(img_drive_error(d)->detail, "ended after 100000 bytes"));
	img_drive_close(d, false);
	close(fd);
	free(data);
}
END_TEST

START_TEST(cancel_stops_a_stalled_stream)
{
	size_t n = 50000;
	unsigned char *data = pattern(n);
	int wfd = -1;
	int fd = pipe_with(data, n, false, &wfd);   /* the producer stalls: never closes */
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, -1, &opts), IMG_OK);
	struct timespec nap = {0, 300 * 1000 * 1000};
	nanosleep(&nap, NULL);
	img_drive_cancel(d);
	time_t t0 = time(NULL);
	ck_assert_int_eq(run(d, NULL, NULL), IMG_ECANCELED);
	ck_assert_int_le(time(NULL) - t0, 5);
	img_drive_close(d, false);
	close(fd);
	close(wfd);
	free(data);
}
END_TEST

START_TEST(open_length_and_padding)
{
	/* size unknown: the track ends with the input, the file holds exactly its bytes */
	size_t n = 123457;
	unsigned char *data = pattern(n);
	int fd = pipe_with(data, n, true, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, -1, &opts), IMG_OK);
	int64_t bytes;
	unsigned char md[IMG_SHA256_LEN], want[IMG_SHA256_LEN];
	ck_assert_int_eq(run(d, &bytes, md), IMG_OK);
	ck_assert_int_eq(bytes, (int64_t)n);
	sha(data, n, want);
	ck_assert_mem_eq(md, want, IMG_SHA256_LEN);
	img_drive_close(d, false);
	close(fd);
	struct stat st;
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)n);

	/* --padding: 300 KiB of zeros after the data, the data's last sector padded first */
	fd = pipe_with(data, n, true, NULL);
	struct img_write_opts po = opts;
	po.padding = true;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, (int64_t)n, &po), IMG_OK);
	ck_assert_int_eq(run(d, &bytes, NULL), IMG_OK);
	img_drive_close(d, false);
	close(fd);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)n + 300 * 1024);
	unsigned char *got = malloc((size_t)st.st_size);
	int in = open(target, O_RDONLY);
	ck_assert_int_eq(read(in, got, (size_t)st.st_size), (ssize_t)st.st_size);
	close(in);
	ck_assert_mem_eq(got, data, n);
	for (off_t i = (off_t)n; i < st.st_size; i++)
		ck_assert_uint_eq(got[i], 0);
	free(got);
	free(data);
}
END_TEST

struct feeder {
	int wfd;
	const unsigned char *data;
	size_t n;
};

static void *feed_pipe(void *arg)
{
	struct feeder *f = arg;
	size_t off = 0;
	while (off < f->n) {
		ssize_t w = write(f->wfd, f->data + off, f->n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	return NULL;
}

START_TEST(poll_reports_progress_and_the_input_ring)
{
	/* The producer sends one 1 MiB read chunk and 50000 bytes more, then stalls: the chunk
	 * goes through the ring to the target, the rest waits in the reader's read. */
	size_t n = (1u << 20) + 50000;
	unsigned char *data = pattern(n);
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fds[0], 4000000, &opts), IMG_OK);
	struct feeder f = {fds[1], data, n};
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, feed_pipe, &f), 0);
	struct img_drive_progress p;
	struct timespec nap = {0, 20 * 1000 * 1000};
	bool seen = false;
	for (int i = 0; i < 500 && !seen; i++) {
		ck_assert(img_drive_poll(d, &p));
		ck_assert_int_le(p.bytes_done, 1 << 20);
		seen = p.bytes_done == 1 << 20;
		nanosleep(&nap, NULL);
	}
	ck_assert(seen);
	ck_assert_int_eq(p.fifo_size, 8 * 1024 * 1024);
	ck_assert_int_eq(p.fifo_free, p.fifo_size);
	ck_assert_int_eq(p.bytes_total, 4000000);
	ck_assert_int_eq(p.tracks, 1);
	ck_assert_int_eq(p.track, 1);
	ck_assert_int_eq(p.lba, 512);
	pthread_join(t, NULL);
	img_drive_cancel(d);
	int64_t bytes;
	ck_assert_int_eq(run(d, &bytes, NULL), IMG_ECANCELED);
	ck_assert_int_ge(bytes, 1 << 20);
	img_drive_close(d, false);
	close(fds[0]);
	close(fds[1]);
	free(data);
}
END_TEST

START_TEST(audio_to_stdio_is_refused_before_writing)
{
	unsigned char *data = pattern(705600);
	int fd = pipe_with(data, 65536, true, NULL);
	int64_t size = 65536;
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_audio_start(d, &fd, &size, 1, &opts), IMG_EDRIVE);
	ck_assert_ptr_nonnull(strstr(img_drive_error(d)->detail, "non-CD"));
	img_drive_close(d, false);
	close(fd);
	free(data);
}
END_TEST

START_TEST(bad_address_is_a_drive_error)
{
	struct img_drive *d = NULL;
	struct img_error e;
	ck_assert_int_eq(img_drive_open("stdio:/nonexistent-dir/x", false, &d, &e), IMG_EDRIVE);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(e.detail, "/nonexistent-dir/x"));
}
END_TEST

static Suite *drive_suite(void)
{
	Suite *s = suite_create("drive");
	TCase *tc = tcase_create("stdio");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, exact_bytes_hash_and_verify);
	tcase_add_test(tc, stream_longer_than_size_fails);
	tcase_add_test(tc, stream_shorter_than_size_fails);
	tcase_add_test(tc, cancel_stops_a_stalled_stream);
	tcase_add_test(tc, open_length_and_padding);
	tcase_add_test(tc, poll_reports_progress_and_the_input_ring);
	tcase_add_test(tc, audio_to_stdio_is_refused_before_writing);
	tcase_add_test(tc, bad_address_is_a_drive_error);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(drive_suite)
