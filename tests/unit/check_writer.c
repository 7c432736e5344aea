/* Unit tests of common/build/writer.c: an image reaches OUTPUT only through a temporary file
 * renamed on success; a failure, a cancel or a writer freed without commit leaves OUTPUT as it
 * was and no temporary file behind; "-" writes to stdout; devices are written in place.  The
 * written image is read back with isoinfo, not with our own reader. */
/* posix_openpt, grantpt, unlockpt (a terminal on stdout) */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/build/image.h"
#include "common/build/tree.h"
#include "common/build/writer.h"
#include "tests/unit/unit.h"

static char dir[64];

static const char *at(const char *rel)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

static void put(const char *rel, size_t size, char fill)
{
	FILE *f = fopen(at(rel), "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < size; i++)
		fputc(fill, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_writer.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(mkdir(at("src"), 0755), 0);
	ck_assert_int_eq(mkdir(at("out"), 0755), 0);
	/* over one 256 KiB write chunk, so that a run has several progress calls */
	put("src/big", 700000, 'a');
	put("src/small", 10, 'b');
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct built {
	struct img_tree *tree;
	struct img_image *img;
};

/* The image of src/, reproducible (fixed epoch) so that two builds give the same bytes. */
static struct built build(void)
{
	struct built b;
	struct img_tree_opts to = {0};
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &b.tree, &e), IMG_OK);
	ck_assert_int_eq(img_tree_add(b.tree, NULL, at("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(b.tree), IMG_OK);
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.have_epoch = true;
	o.epoch = 1700000000;
	o.volid = "WRITERTEST";
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &b.img, &e), IMG_OK);
	ck_assert_int_eq(img_image_add_tree(b.img, b.tree), IMG_OK);
	return b;
}

static void done(struct built *b)
{
	img_image_free(b->img);
	img_tree_free(b->tree);
}

/* The whole stream of a fresh build, read directly. */
static unsigned char *direct_bytes(size_t *len)
{
	struct built b = build();
	uint64_t total;
	ck_assert_int_eq(img_image_start(b.img, &total), IMG_OK);
	unsigned char *buf = malloc(total);
	size_t off = 0, got;
	while (img_image_read(b.img, buf + off, 65536, &got) == IMG_OK && got > 0)
		off += got;
	ck_assert_uint_eq(off, total);
	done(&b);
	*len = off;
	return buf;
}

static unsigned char *file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Names in the directory out/, sorted into one string "a b c". */
static const char *listing(void)
{
	static char s[1024];
	char names[16][256];
	int n = 0;
	DIR *d = opendir(at("out"));
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && n < 16)
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		strncat(s, i ? " " : "", sizeof(s) - strlen(s) - 1);
		strncat(s, names[i], sizeof(s) - strlen(s) - 1);
	}
	return s;
}

/* What the progress callback saw, and what it does. */
struct watch {
	int calls;
	uint64_t last_done, total;
	bool saw_tmp_only;      /* while writing: a hidden temporary file, no OUTPUT */
	bool cancel_at_second;  /* request a cancel once some data went out */
	const char *shrink;     /* truncate this source file at the first call */
};

static void progress(void *arg, uint64_t done_bytes, uint64_t total)
{
	struct watch *w = arg;
	w->calls++;
	ck_assert_uint_ge(done_bytes, w->last_done);
	w->last_done = done_bytes;
	w->total = total;
	if (w->calls == 2) {
		const char *l = listing();
		w->saw_tmp_only = strncmp(l, ".image.iso.", 11) == 0 && strchr(l, ' ') == NULL;
	}
	if (w->calls == 1 && w->shrink)
		ck_assert_int_eq(truncate(at(w->shrink), 100), 0);
	if (w->calls == 2 && w->cancel_at_second)
		img_writer_request_cancel();
}

START_TEST(success_renames_the_temporary_file)
{
	umask(022);
	struct built b = build();
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open(at("out/image.iso"), &w, &e), IMG_OK);
	struct watch pw = {0};
	ck_assert_int_eq(img_writer_run(w, b.img, progress, &pw, &e), IMG_OK);
	ck_assert(pw.saw_tmp_only);
	ck_assert_uint_eq(pw.last_done, pw.total);
	ck_assert_int_gt(pw.calls, 3);
	ck_assert_int_eq(strncmp(listing(), ".image.iso.", 11), 0);
	ck_assert_int_eq(img_writer_commit(w, &e), IMG_OK);
	img_writer_free(w);
	done(&b);
	ck_assert_str_eq(listing(), "image.iso");

	/* an ordinary file: 0666 less the umask, not mkstemp's 0600 */
	struct stat st;
	ck_assert_int_eq(stat(at("out/image.iso"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_uint_eq((uint64_t)st.st_size, pw.total);

	/* the same bytes as the stream itself */
	size_t n1, n2;
	unsigned char *direct = direct_bytes(&n1), *written = file_bytes(at("out/image.iso"), &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(direct, written, n1);
	free(direct);
	free(written);

	/* and someone else's reader finds the volume and both files in it */
	char cmd[512], line[256], seen[1024] = "";
	snprintf(cmd, sizeof(cmd), "isoinfo -d -i %s; isoinfo -f -R -i %s", at("out/image.iso"),
		 at("out/image.iso"));
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "Volume id:") || line[0] == '/')
			strncat(seen, line, sizeof(seen) - strlen(seen) - 1);
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_ptr_nonnull(strstr(seen, "Volume id: WRITERTEST"));
	ck_assert_ptr_nonnull(strstr(seen, "/big\n"));
	ck_assert_ptr_nonnull(strstr(seen, "/small\n"));
}
END_TEST

START_TEST(commit_replaces_an_existing_output)
{
	FILE *f = fopen(at("out/image.iso"), "w");
	fputs("old", f);
	fclose(f);
	struct built b = build();
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open(at("out/image.iso"), &w, &e), IMG_OK);
	ck_assert_int_eq(img_writer_run(w, b.img, NULL, NULL, &e), IMG_OK);
	/* not yet committed: the old file is still whole */
	size_t n;
	unsigned char *old = file_bytes(at("out/image.iso"), &n);
	ck_assert_uint_eq(n, 3);
	free(old);
	ck_assert_int_eq(img_writer_commit(w, &e), IMG_OK);
	img_writer_free(w);
	done(&b);
	ck_assert_str_eq(listing(), "image.iso");
	unsigned char *img = file_bytes(at("out/image.iso"), &n);
	ck_assert_uint_gt(n, 700000);
	ck_assert_mem_eq(img + 32769, "CD001", 5);
	free(img);
}
END_TEST

/* A run that fails or is cancelled leaves OUTPUT as it was and removes the temporary file. */
static void check_output_untouched(void)
{
	ck_assert_str_eq(listing(), "image.iso");
	size_t n;
	unsigned char *old = file_bytes(at("out/image.iso"), &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(old, "old", 3);
	free(old);
}

START_TEST(cancel_leaves_no_partial_file)
{
	FILE *f = fopen(at("out/image.iso"), "w");
	fputs("old", f);
	fclose(f);
	struct built b = build();
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open(at("out/image.iso"), &w, &e), IMG_OK);
	struct watch pw = {.cancel_at_second = true};
	ck_assert_int_eq(img_writer_run(w, b.img, progress, &pw, &e), IMG_ECANCELED);
	ck_assert(img_writer_cancel_requested());
	ck_assert_uint_lt(pw.last_done, pw.total);
	img_writer_free(w);
	done(&b);
	check_output_untouched();

	/* a cancel requested before the run stops it at once */
	b = build();
	ck_assert_int_eq(img_writer_open(at("out/image.iso"), &w, &e), IMG_OK);
	struct watch none = {0};
	ck_assert_int_eq(img_writer_run(w, b.img, progress, &none, &e), IMG_ECANCELED);
	ck_assert_int_eq(none.calls, 0);
	img_writer_free(w);
	done(&b);
	check_output_untouched();
}
END_TEST

START_TEST(failed_read_leaves_no_partial_file)
{
	FILE *f = fopen(at("out/image.iso"), "w");
	fputs("old", f);
	fclose(f);
	struct built b = build();
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open(at("out/image.iso"), &w, &e), IMG_OK);
	/* the big file shrinks once the size is fixed: the stream fails with its name */
	struct watch pw = {.shrink = "src/big"};
	ck_assert_int_eq(img_writer_run(w, b.img, progress, &pw, &e), IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(e.detail, "src/big"));
	img_writer_free(w);
	done(&b);
	check_output_untouched();
}
END_TEST

START_TEST(free_without_commit_removes_the_temporary_file)
{
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open(at("out/image.iso"), &w, &e), IMG_OK);
	ck_assert_str_ne(listing(), "");
	img_writer_free(w);
	ck_assert_str_eq(listing(), "");
}
END_TEST

START_TEST(stdout_gets_the_stream)
{
	/* stdout is a file here; nothing is created in the working directory */
	int fd = open(at("stdout.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);
	ck_assert_int_eq(chdir(at("out")), 0);
	struct built b = build();
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open("-", &w, &e), IMG_OK);
	ck_assert_int_eq(img_writer_run(w, b.img, NULL, NULL, &e), IMG_OK);
	ck_assert_int_eq(img_writer_commit(w, &e), IMG_OK);
	img_writer_free(w);
	done(&b);
	ck_assert_str_eq(listing(), "");
	size_t n1, n2;
	unsigned char *direct = direct_bytes(&n1), *written = file_bytes(at("stdout.bin"), &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(direct, written, n1);
	free(direct);
	free(written);
}
END_TEST

START_TEST(stdout_terminal_is_refused)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(dup2(s, STDOUT_FILENO), STDOUT_FILENO);
	struct img_writer *w = NULL;
	struct img_error e;
	ck_assert_int_eq(img_writer_open("-", &w, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "terminal"));
	close(s);
	close(m);
}
END_TEST

START_TEST(devices_are_written_in_place)
{
	/* /dev/null takes the image, with no temporary file beside it */
	struct built b = build();
	struct img_writer *w;
	struct img_error e;
	ck_assert_int_eq(img_writer_open("/dev/null", &w, &e), IMG_OK);
	ck_assert_int_eq(img_writer_run(w, b.img, NULL, NULL, &e), IMG_OK);
	ck_assert_int_eq(img_writer_commit(w, &e), IMG_OK);
	img_writer_free(w);
	done(&b);
	struct stat st;
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));

	/* /dev/full: the write error is ENOSPC, named after the output */
	b = build();
	ck_assert_int_eq(img_writer_open("/dev/full", &w, &e), IMG_OK);
	ck_assert_int_eq(img_writer_run(w, b.img, NULL, NULL, &e), IMG_ENOSPC);
	ck_assert_ptr_nonnull(strstr(e.detail, "/dev/full"));
	img_writer_free(w);
	done(&b);
}
END_TEST

START_TEST(bad_outputs_are_refused)
{
	struct img_writer *w = NULL;
	struct img_error e;
	ck_assert_int_eq(img_writer_open(at("out"), &w, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "is a directory"));
	ck_assert_int_eq(img_writer_open(at("missing/image.iso"), &w, &e), IMG_ENOENT);
	ck_assert_ptr_nonnull(strstr(e.detail, "missing/image.iso"));
	ck_assert_str_eq(listing(), "");
}
END_TEST

static Suite *writer_suite(void)
{
	Suite *s = suite_create("writer");
	TCase *tc = tcase_create("core");
	/* every test runs in a child of its own (Check's default): the cancel flag set by one
	 * test is process-wide and never cleared */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, success_renames_the_temporary_file);
	tcase_add_test(tc, commit_replaces_an_existing_output);
	tcase_add_test(tc, cancel_leaves_no_partial_file);
	tcase_add_test(tc, failed_read_leaves_no_partial_file);
	tcase_add_test(tc, free_without_commit_removes_the_temporary_file);
	tcase_add_test(tc, stdout_gets_the_stream);
	tcase_add_test(tc, stdout_terminal_is_refused);
	tcase_add_test(tc, devices_are_written_in_place);
	tcase_add_test(tc, bad_outputs_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(writer_suite)
