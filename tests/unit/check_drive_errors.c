/* Unit tests of common/burn/drive.c's failures on libburn stdio: pseudo-drives: a target that
 * cannot be written is refused before the write starts, with its path and the system's reason;
 * a failed or cancelled write removes the file it created, and keeps one that was there; a
 * failed stdio: write is never offered for a retry in another mode (img_drive_nothing_written
 * is for real drives).  The MMC side (a drive refusing SAO, a drive failing half-way) is
 * tests/e2e/imgburn-mmc-burn.sh against tgt. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/burn/drive.h"
#include "tests/unit/drive_fixture.h"
#include "tests/unit/unit.h"

/* a pipe holding n bytes of zeros, its write end closed (or kept in *wfd) */
static int pipe_with(size_t n, int *wfd)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	unsigned char *z = calloc(1, n);
	ck_assert_int_eq(write(fds[1], z, n), (ssize_t)n);
	free(z);
	if (wfd)
		*wfd = fds[1];
	else
		close(fds[1]);
	return fds[0];
}

static int run(struct img_drive *d, int64_t *bytes)
{
	struct timespec nap = {0, 10 * 1000 * 1000};
	while (img_drive_poll(d, NULL))
		nanosleep(&nap, NULL);
	return img_drive_job_result(d, bytes, NULL);
}

static const struct img_write_opts opts = {.mode = IMG_WRITE_AUTO};

START_TEST(directory_target_is_named_once)
{
	ck_assert_int_eq(mkdir(target, 0755), 0);
	int fd = pipe_with(1000, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 1000, &opts), IMG_EDRIVE);
	const char *detail = img_drive_error(d)->detail;
	char want[400];
	snprintf(want, sizeof(want), "%s: Is a directory", adr);
	ck_assert_str_eq(detail, want);
	ck_assert_int_eq(img_drive_nothing_written(d), false);
	img_drive_close(d, false);
	close(fd);
}
END_TEST

START_TEST(missing_directory_is_named)
{
	char sub[300], a[320];
	snprintf(sub, sizeof(sub), "%s/gone", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(a, sizeof(a), "stdio:%s/x.iso", sub);
	struct img_drive *d;
	struct img_error e;
	/* libburn checks the directory when it grabs; remove it after that */
	ck_assert_int_eq(img_drive_open(a, false, &d, &e), IMG_OK);
	ck_assert_int_eq(rmdir(sub), 0);
	int fd = pipe_with(1000, NULL);
	ck_assert_int_eq(img_drive_write_start(d, fd, 1000, &opts), IMG_EDRIVE);
	char want[400];
	snprintf(want, sizeof(want), "%s: cannot create it: No such file or directory", a);
	ck_assert_str_eq(img_drive_error(d)->detail, want);
	img_drive_close(d, false);
	close(fd);
}
END_TEST

START_TEST(failed_write_removes_the_file_it_created)
{
	int fd = pipe_with(1000, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 100000, &opts), IMG_OK);
	int64_t bytes;
	ck_assert_int_eq(run(d, &bytes), IMG_EINVAL);
	ck_assert_int_eq(access(target, F_OK), -1);
	/* stdio: is no drive that refuses a write mode: never offered for a retry */
	ck_assert_int_eq(img_drive_nothing_written(d), false);
	img_drive_close(d, false);
	close(fd);
}
END_TEST

START_TEST(cancelled_write_removes_the_file_it_created)
{
	int wfd;
	int fd = pipe_with(50000, &wfd); /* the producer stalls */
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 1000000, &opts), IMG_OK);
	struct timespec t = {0, 300 * 1000 * 1000};
	nanosleep(&t, NULL);
	img_drive_cancel(d);
	int64_t bytes;
	ck_assert_int_eq(run(d, &bytes), IMG_ECANCELED);
	ck_assert_int_eq(access(target, F_OK), -1);
	img_drive_close(d, false);
	close(fd);
	close(wfd);
}
END_TEST

START_TEST(failed_write_keeps_a_file_that_was_there)
{
	int t = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(t, 0);
	ck_assert_int_eq(write(t, "old", 3), 3);
	close(t);
	int fd = pipe_with(1000, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 100000, &opts), IMG_OK);
	int64_t bytes;
	ck_assert_int_eq(run(d, &bytes), IMG_EINVAL);
	ck_assert_int_eq(access(target, F_OK), 0);
	img_drive_close(d, false);
	close(fd);
}
END_TEST

START_TEST(write_to_an_existing_fifo_does_not_probe_it)
{
	/* a fifo target still works: the check leaves fifos to libburn (trying to open one
	 * blocks without a reader); the whole track arrives */
	ck_assert_int_eq(mkfifo(target, 0644), 0);
	int r = open(target, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	int fd = pipe_with(4096, NULL);
	struct img_drive *d;
	struct img_error e;
	ck_assert_int_eq(img_drive_open(adr, false, &d, &e), IMG_OK);
	ck_assert_int_eq(img_drive_write_start(d, fd, 4096, &opts), IMG_OK);
	int64_t bytes;
	ck_assert_int_eq(run(d, &bytes), IMG_OK);
	ck_assert_int_eq(bytes, 4096);
	unsigned char buf[8192];
	ssize_t got = 0, n;
	while ((n = read(r, buf + got, sizeof(buf) - (size_t)got)) > 0)
		got += n;
	ck_assert_int_ge(got, 4096);
	close(r);
	img_drive_close(d, false);
	close(fd);
}
END_TEST

static Suite *drive_errors_suite(void)
{
	Suite *s = suite_create("drive_errors");
	TCase *tc = tcase_create("stdio");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, directory_target_is_named_once);
	tcase_add_test(tc, missing_directory_is_named);
	tcase_add_test(tc, failed_write_removes_the_file_it_created);
	tcase_add_test(tc, cancelled_write_removes_the_file_it_created);
	tcase_add_test(tc, failed_write_keeps_a_file_that_was_there);
	tcase_add_test(tc, write_to_an_existing_fifo_does_not_probe_it);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(drive_errors_suite)
