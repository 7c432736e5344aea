/* Unit tests of common/inspect/extract.c: extraction of hand-made file trees (data in a
 * memory image) into a temporary directory, checked with stat/readlink/read, and the
 * refusals that keep an image from writing outside the destination. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/inspect/extract.h"
#include "common/inspect/filetree.h"
#include "common/inspect/source.h"
#include "tests/unit/unit.h"

static const char data[] = "0123456789abcdefhello world\n";
static char top[64];   /* a fresh temporary directory per test */
static char dest[PATH_MAX];  /* top/dest */
static char outside[PATH_MAX]; /* top/outside: must stay empty */

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/check_extract.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(dest, sizeof(dest), "%s/dest", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", top);
}

static struct img_fnode *add(struct img_filetree *t, struct img_fnode *dir, const char *name,
			     mode_t mode)
{
	struct img_fnode *n;
	ck_assert_int_eq(img_filetree_add(t, dir, name, &n), IMG_OK);
	n->mode = mode;
	n->mtime = n->atime = 1700000000;
	return n;
}

/* A file whose data is bytes off..off+len of data[]. */
static struct img_fnode *add_file(struct img_filetree *t, struct img_fnode *dir, const char *name,
				  uint64_t off, uint64_t len)
{
	struct img_fnode *n = add(t, dir, name, S_IFREG | 0640);
	n->size = len;
	ck_assert_int_eq(img_fnode_add_extent(n, off, len), IMG_OK);
	return n;
}

static struct img_fnode *add_link(struct img_filetree *t, struct img_fnode *dir, const char *name,
				  const char *target)
{
	struct img_fnode *n = add(t, dir, name, S_IFLNK | 0777);
	ck_assert_int_eq(img_fnode_set_link(n, target), IMG_OK);
	return n;
}

static int extract(const struct img_fnode *n, bool force, struct img_extract_stats *st,
		   struct img_error *err)
{
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(data, sizeof(data) - 1, &src), IMG_OK);
	int rc = img_extract(src, n, dest, force, st, err);
	img_source_close(src);
	return rc;
}

static void expect_content(const char *rel, const char *want)
{
	char p[PATH_MAX * 2], got[256];
	snprintf(p, sizeof(p), "%s/%s", dest, rel);
	int fd = open(p, O_RDONLY | O_NOFOLLOW);
	ck_assert_msg(fd >= 0, "%s missing", p);
	ssize_t r = read(fd, got, sizeof(got) - 1);
	close(fd);
	ck_assert_int_ge(r, 0);
	got[r] = '\0';
	ck_assert_str_eq(got, want);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

START_TEST(good_tree_with_modes_times_and_links)
{
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *d = add(t, t->root, "dir", S_IFDIR | 0750);
	add_file(t, d, "a.txt", 16, 12);
	add_file(t, t->root, "digits", 0, 10);
	add_link(t, d, "abs", "/etc/passwd");
	add_link(t, d, "up", "../../outside/x");
	add(t, d, "fifo", S_IFIFO | 0644);
	struct img_extract_stats st;
	struct img_error err = {0};
	ck_assert_msg(extract(t->root, false, &st, &err) == IMG_OK, "%s", err.detail);
	ck_assert_uint_eq(st.files, 2);
	ck_assert_uint_eq(st.dirs, 1);
	ck_assert_uint_eq(st.symlinks, 2);
	ck_assert_uint_eq(st.skipped, 1);
	ck_assert_uint_eq(st.bytes, 22);
	expect_content("dir/a.txt", "hello world\n");
	expect_content("digits", "0123456789");
	char p[PATH_MAX * 2], target[256];
	struct stat sb;
	snprintf(p, sizeof(p), "%s/dir/a.txt", dest);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0640);
	ck_assert_int_eq(sb.st_mtime, 1700000000);
	snprintf(p, sizeof(p), "%s/dir", dest);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0750);
	/* Links are made as they are, absolute or leading out, and never followed. */
	snprintf(p, sizeof(p), "%s/dir/abs", dest);
	ssize_t n = readlink(p, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, "/etc/passwd");
	snprintf(p, sizeof(p), "%s/dir/up", dest);
	n = readlink(p, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, "../../outside/x");
	ck_assert_int_eq(entries(outside), 0);

	/* A subtree lands as dest/NAME. */
	ck_assert_int_eq(extract(d, true, &st, &err), IMG_OK);
	expect_content("dir/a.txt", "hello world\n");
	img_filetree_free(t);
}
END_TEST

START_TEST(unsafe_names_refused)
{
	static const char *const bad[] = {"..", ".", "", "a/b", "../outside", "/abs"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct img_filetree *t;
		ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
		struct img_fnode *d = add(t, t->root, "d", S_IFDIR | 0755);
		add_file(t, d, bad[i], 0, 4);
		struct img_fnode *dd = add(t, d, bad[i], S_IFDIR | 0755);
		add_file(t, dd, "victim", 0, 4);
		struct img_extract_stats st;
		struct img_error err = {0};
		ck_assert_int_eq(extract(t->root, true, &st, &err), IMG_ECORRUPT);
		ck_assert_msg(strstr(err.detail, "unsafe name") != NULL, "%s", err.detail);
		ck_assert_uint_eq(st.files, 0);
		ck_assert_int_eq(entries(outside), 0);
		ck_assert_int_eq(entries(top), 2); /* dest and outside, nothing else */
		img_filetree_free(t);
	}
	ck_assert(img_extract_name_ok("..."));
	ck_assert(img_extract_name_ok(".hidden"));
	ck_assert(!img_extract_name_ok("x/"));
}
END_TEST

START_TEST(existing_files_kept_without_force)
{
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	add_file(t, t->root, "f", 0, 10);
	ck_assert_int_eq(mkdir(dest, 0755), 0);
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/f", dest);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("local", f);
	fclose(f);
	struct img_extract_stats st;
	struct img_error err = {0};
	ck_assert_int_eq(extract(t->root, false, &st, &err), IMG_EEXIST);
	ck_assert_msg(strstr(err.detail, "use --force") != NULL, "%s", err.detail);
	expect_content("f", "local");
	ck_assert_int_eq(extract(t->root, true, &st, &err), IMG_OK);
	expect_content("f", "0123456789");
	img_filetree_free(t);
}
END_TEST

START_TEST(symlinks_never_followed)
{
	/* A symlink already in dest that points outside, where the image has a directory. */
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *d = add(t, t->root, "d", S_IFDIR | 0755);
	add_file(t, d, "f", 0, 10);
	add_file(t, t->root, "g", 0, 10);
	ck_assert_int_eq(mkdir(dest, 0755), 0);
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/d", dest);
	ck_assert_int_eq(symlink("../outside", p), 0);
	snprintf(p, sizeof(p), "%s/g", dest);
	ck_assert_int_eq(symlink("../outside/g", p), 0);
	struct img_extract_stats st;
	struct img_error err = {0};
	ck_assert_int_eq(extract(t->root, false, &st, &err), IMG_EEXIST);
	ck_assert_int_eq(entries(outside), 0);
	ck_assert_int_eq(extract(t->root, true, &st, &err), IMG_OK);
	ck_assert_int_eq(entries(outside), 0);
	struct stat sb;
	snprintf(p, sizeof(p), "%s/d", dest);
	ck_assert_int_eq(lstat(p, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	expect_content("g", "0123456789");
	img_filetree_free(t);

	/* The image itself makes a symlink to outside, then a directory of the same name with
	 * a file in it: the file never goes through the link.  Without force the directory is
	 * refused; with force the link is replaced by a real directory. */
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	add_link(t, t->root, "x", "../outside");
	d = add(t, t->root, "x", S_IFDIR | 0755);
	add_file(t, d, "planted", 0, 10);
	ck_assert_int_eq(extract(t->root, false, &st, &err), IMG_EEXIST);
	ck_assert_int_eq(entries(outside), 0);
	ck_assert_int_eq(extract(t->root, true, &st, &err), IMG_OK);
	ck_assert_int_eq(entries(outside), 0);
	snprintf(p, sizeof(p), "%s/x", dest);
	ck_assert_int_eq(lstat(p, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	expect_content("x/planted", "0123456789");
	img_filetree_free(t);
}
END_TEST

START_TEST(short_extents_refused)
{
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *f = add_file(t, t->root, "f", 0, 4);
	f->size = 10; /* extents hold 4 of its 10 bytes */
	struct img_fnode *g = add_file(t, t->root, "g", 20, 4);
	g->extents[0].offset = 1000; /* past the end of the image */
	struct img_extract_stats st;
	struct img_error err = {0};
	ck_assert_int_eq(extract(t->root, false, &st, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "extents hold 4 bytes of its 10") != NULL, "%s",
		      err.detail);
	ck_assert_int_eq(extract(g, true, &st, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "past the end") != NULL, "%s", err.detail);
	img_filetree_free(t);
}
END_TEST

struct collected {
	char paths[16][64];
	int n;
};

static int collect(const struct img_extract_entry *e, void *arg)
{
	struct collected *c = arg;
	if (c->n < 16)
		snprintf(c->paths[c->n++], sizeof(c->paths[0]), "%s%s:%d", e->leave ? "<" : "",
			 e->rel, e->depth);
	return IMG_OK;
}

START_TEST(walk_gives_relative_paths)
{
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *a = add(t, t->root, "a", S_IFDIR | 0755);
	struct img_fnode *b = add(t, a, "b", S_IFDIR | 0755);
	add_file(t, b, "c", 0, 1);
	add_file(t, a, "d", 0, 1);
	struct collected c = {0};
	struct img_error err = {0};
	ck_assert_int_eq(img_extract_walk(t->root, collect, &c, &err), IMG_OK);
	static const char *const want[] = {"a:1", "a/b:2", "a/b/c:3", "<a/b:2", "a/d:2", "<a:1"};
	ck_assert_int_eq(c.n, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_str_eq(c.paths[i], want[i]);
	/* From a subtree: its own name first. */
	c.n = 0;
	ck_assert_int_eq(img_extract_walk(b, collect, &c, &err), IMG_OK);
	ck_assert_int_eq(c.n, 3);
	ck_assert_str_eq(c.paths[0], "b:1");
	ck_assert_str_eq(c.paths[1], "b/c:2");
	/* Too deep: refused before anything is visited below the limit's level. */
	struct img_fnode *n = t->root;
	for (int i = 0; i <= IMG_EXTRACT_MAX_DEPTH; i++)
		n = add(t, n, "z", S_IFDIR | 0755);
	c.n = 0;
	ck_assert_int_eq(img_extract_walk(t->root, collect, &c, &err), IMG_ECORRUPT);
	ck_assert_msg(strncmp(err.detail, "/z/z/z/", 7) == 0, "%s", err.detail);
	ck_assert_msg(strstr(err.detail, "...: deeper than 512 levels") != NULL, "%s", err.detail);
	img_filetree_free(t);
}
END_TEST

static Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_tree_with_modes_times_and_links);
	tcase_add_test(tc, unsafe_names_refused);
	tcase_add_test(tc, existing_files_kept_without_force);
	tcase_add_test(tc, symlinks_never_followed);
	tcase_add_test(tc, short_extents_refused);
	tcase_add_test(tc, walk_gives_relative_paths);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(extract_suite)
