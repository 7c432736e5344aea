/* Unit tests of common/build/isofs_ino.c: the numbers it gives libisofs's nodes (path order,
 * hard-link families sharing one) and numbering again after the tree changed.  That libisofs
 * writes them as the PX serials is checked with pycdlib in tests/e2e/mkimage-reproducible-heap.sh. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/isofs.h"
#include "common/build/isofs_ino.h"
#include "tests/unit/unit.h"

static IsoImage *img;

static void setup(void)
{
	ck_assert_int_ge(iso_init(), 0);
	ck_assert_int_ge(iso_image_new("T", &img), 0);
}

static void teardown(void)
{
	iso_image_unref(img);
	iso_finish();
}

static void fix(IsoNode *n)
{
	iso_node_set_permissions(n, 0644);
	iso_node_set_uid(n, 0);
	iso_node_set_gid(n, 0);
	iso_node_set_mtime(n, 1000);
	iso_node_set_atime(n, 1000);
	iso_node_set_ctime(n, 1000);
}

static IsoDir *dir(IsoDir *parent, const char *name)
{
	IsoDir *d;
	ck_assert_int_ge(iso_tree_add_new_dir(parent, name, &d), 0);
	fix((IsoNode *)d);
	return d;
}

static IsoFile *file(IsoDir *parent, const char *name, IsoStream *s)
{
	IsoFile *f;
	iso_stream_ref(s);
	ck_assert_int_ge(iso_tree_add_new_file(parent, name, s, &f), 0);
	fix((IsoNode *)f);
	return f;
}

static IsoStream *stream(const char *text)
{
	IsoStream *s;
	unsigned char *buf = malloc(strlen(text));
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, strlen(text));
	ck_assert_int_ge(iso_memory_stream_new(buf, strlen(text), &s), 0);
	return s;
}

/* The one xinfo a node carries (the number given), and how many it carries. */
static ino_t number(IsoNode *n, int *count)
{
	void *h = NULL, *data;
	iso_node_xinfo_func proc;
	ino_t ino = 0;
	*count = 0;
	while (iso_node_get_next_xinfo(n, &h, &proc, &data) == 1) {
		ino = *(ino_t *)data;
		(*count)++;
	}
	return ino;
}

static void want(IsoNode *n, ino_t ino)
{
	int count;
	ck_assert_uint_eq(number(n, &count), ino);
	ck_assert_int_eq(count, 1);
}

START_TEST(path_order_and_families)
{
	struct img_error err;
	IsoDir *root = iso_image_get_root(img);
	/* Made out of order: numbers must not follow creation. */
	IsoDir *b = dir(root, "b");
	IsoDir *a = dir(root, "a");
	IsoStream *s = stream("shared"), *t = stream("other");
	IsoFile *y = file(b, "y", s);  /* a hard link of a/x: same stream, same properties */
	IsoSymlink *l;
	ck_assert_int_ge(iso_tree_add_new_symlink(b, "l", "../a", &l), 0);
	fix((IsoNode *)l);
	IsoFile *x = file(a, "x", s);
	IsoFile *z = file(a, "z", t);
	IsoFile *w = file(b, "w", s);  /* same stream, another mode: not of the family */
	iso_node_set_permissions((IsoNode *)w, 0600);
	iso_stream_unref(s);
	iso_stream_unref(t);
	ck_assert_int_eq(img_isofs_number_nodes(img, false, &err), IMG_OK);
	/* Path order: / a a/x a/z b b/l b/w b/y. */
	want((IsoNode *)root, 1);
	want((IsoNode *)a, 2);
	want((IsoNode *)x, 3);
	want((IsoNode *)z, 4);
	want((IsoNode *)b, 5);
	want((IsoNode *)l, 6);
	want((IsoNode *)w, 7);
	want((IsoNode *)y, 3);

	/* Again after the tree changed: numbers replaced (one each), still in path order. */
	ck_assert_int_ge(iso_node_remove((IsoNode *)l), 0);
	IsoDir *c = dir(root, "c");
	ck_assert_int_eq(img_isofs_number_nodes(img, false, &err), IMG_OK);
	want((IsoNode *)root, 1);
	want((IsoNode *)a, 2);
	want((IsoNode *)x, 3);
	want((IsoNode *)z, 4);
	want((IsoNode *)b, 5);
	want((IsoNode *)w, 6);
	want((IsoNode *)y, 3);
	want((IsoNode *)c, 7);
}
END_TEST

/* libisofs compares nodes with the numbers given as it finds hard links when writing: the
 * family stays one, everything else compares unequal. */
START_TEST(libisofs_sees_the_numbers)
{
	struct img_error err;
	IsoDir *root = iso_image_get_root(img);
	IsoDir *d1 = dir(root, "d1"), *d2 = dir(root, "d2");
	IsoStream *s = stream("shared");
	IsoFile *f1 = file(d1, "f", s), *f2 = file(d2, "f", s);
	iso_stream_unref(s);
	/* Without numbers two directories of equal properties compare by address. */
	ck_assert_int_ne(iso_node_cmp_ino((IsoNode *)d1, (IsoNode *)d2, 0), 0);
	ck_assert_int_eq(img_isofs_number_nodes(img, false, &err), IMG_OK);
	ck_assert_int_lt(iso_node_cmp_ino((IsoNode *)d1, (IsoNode *)d2, 0), 0);
	ck_assert_int_gt(iso_node_cmp_ino((IsoNode *)d2, (IsoNode *)d1, 0), 0);
	ck_assert_int_eq(iso_node_cmp_ino((IsoNode *)f1, (IsoNode *)f2, 0), 0);
}
END_TEST

static Suite *isofs_ino_suite(void)
{
	Suite *s = suite_create("isofs_ino");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, path_order_and_families);
	tcase_add_test(tc, libisofs_sees_the_numbers);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(isofs_ino_suite)
