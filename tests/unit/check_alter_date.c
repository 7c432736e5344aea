/* Unit tests of common/build/alter_date.c (xorriso's -alter_date[_r] on libisofs's tree): which
 * dates each TYPE sets, the walk below a directory and nowhere else, a missing path.  What the
 * dates become in a written image is checked against xorriso with pycdlib
 * (tests/e2e/mkimage-dropin-mkksiso.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/base/isofs.h"
#include "common/build/alter_date.h"
#include "common/build/image.h"
#include "common/build/image_ext.h"
#include "common/build/tree.h"
#include "tests/unit/unit.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_alter_date.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "set -e; cd %s; mkdir -p src/d/e; echo a >src/a; echo f >src/d/e/f;"
		 "touch -d @1000000000 src/a src/d src/d/e src/d/e/f", dir);
	ck_assert_int_eq(system(cmd), 0);
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

static struct built build(void)
{
	struct built b;
	struct img_tree_opts to = { 0 };
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &b.tree, &e), IMG_OK);
	char src[128];
	snprintf(src, sizeof(src), "%s/src", dir);
	ck_assert_int_eq(img_tree_add(b.tree, NULL, src), IMG_OK);
	ck_assert_int_eq(img_tree_finish(b.tree), IMG_OK);
	struct img_image_opts o;
	img_image_opts_default(&o);
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &b.img, &e), IMG_OK);
	ck_assert_int_eq(img_image_add_tree(b.img, b.tree), IMG_OK);
	return b;
}

static void done(struct built *b)
{
	img_image_free(b->img);
	img_tree_free(b->tree);
}

/* "a m c" times of path. */
static void times_of(struct built *b, const char *path, time_t t[3])
{
	IsoNode *n = NULL;
	ck_assert_int_eq(iso_tree_path_to_node(img_image_isofs(b->img), path, &n), 1);
	t[0] = iso_node_get_atime(n);
	t[1] = iso_node_get_mtime(n);
	t[2] = iso_node_get_ctime(n);
}

START_TEST(types_as_xorriso_names_them)
{
	unsigned w;
	ck_assert_int_eq(img_date_change_type("b", &w), 0);
	ck_assert_uint_eq(w, IMG_DATE_ATIME | IMG_DATE_MTIME | IMG_DATE_CTIME_NOW);
	ck_assert_int_eq(img_date_change_type("m-c", &w), 0);
	ck_assert_uint_eq(w, IMG_DATE_MTIME);
	ck_assert_int_eq(img_date_change_type("c", &w), 0);
	ck_assert_uint_eq(w, IMG_DATE_CTIME);
	ck_assert_int_eq(img_date_change_type("a", &w), 0);
	ck_assert_uint_eq(w, IMG_DATE_ATIME | IMG_DATE_CTIME_NOW);
	ck_assert_int_eq(img_date_change_type("x", &w), -1);
	ck_assert_int_eq(img_date_change_type("", &w), -1);
}
END_TEST

START_TEST(recursive_below_the_path_only)
{
	struct built b = build();
	time_t before[3], t[3];
	times_of(&b, "/a", before);
	struct img_date_change c = { "/d", IMG_DATE_MTIME | IMG_DATE_CTIME_NOW, 1700000000, true };
	ck_assert_int_eq(img_image_alter_dates(b.img, &c, 1800000000), IMG_OK);
	const char *below[] = { "/d", "/d/e", "/d/e/f" };
	for (int i = 0; i < 3; i++) {
		times_of(&b, below[i], t);
		ck_assert_int_eq(t[1], 1700000000);
		ck_assert_int_eq(t[2], 1800000000);
		ck_assert_int_ne(t[0], 1700000000); /* m: the access time stays */
	}
	times_of(&b, "/a", t);
	ck_assert_mem_eq(t, before, sizeof(t));
	/* Not recursive: the directory alone. */
	struct img_date_change d = { "/d/e", IMG_DATE_CTIME, 5, false };
	ck_assert_int_eq(img_image_alter_dates(b.img, &d, 1800000000), IMG_OK);
	times_of(&b, "/d/e", t);
	ck_assert_int_eq(t[2], 5);
	times_of(&b, "/d/e/f", t);
	ck_assert_int_eq(t[2], 1800000000);
	/* b-c on a file: access and modification, the change time as it was. */
	struct img_date_change f = { "/a", IMG_DATE_ATIME | IMG_DATE_MTIME, 7, true };
	ck_assert_int_eq(img_image_alter_dates(b.img, &f, 1800000000), IMG_OK);
	times_of(&b, "/a", t);
	ck_assert_int_eq(t[0], 7);
	ck_assert_int_eq(t[1], 7);
	ck_assert_int_eq(t[2], before[2]);
	done(&b);
}
END_TEST

START_TEST(missing_path_is_named)
{
	struct built b = build();
	struct img_date_change c = { "/d/nothere", IMG_DATE_MTIME, 1, true };
	ck_assert_int_eq(img_image_alter_dates(b.img, &c, 2), IMG_ENOENT);
	ck_assert_str_eq(img_image_error(b.img)->detail, "/d/nothere: not in the image");
	done(&b);
}
END_TEST

static Suite *alter_date_suite(void)
{
	Suite *s = suite_create("alter_date");
	TCase *tc = tcase_create("alter_date");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, types_as_xorriso_names_them);
	tcase_add_test(tc, recursive_below_the_path_only);
	tcase_add_test(tc, missing_path_is_named);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(alter_date_suite)
