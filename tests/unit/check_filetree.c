/* Unit tests of common/build/tree.c and the name rules of common/inspect/extract.c. */
#include <string.h>
#include <sys/stat.h>

#include "common/inspect/extract.h"
#include "common/inspect/filetree.h"
#include "tests/unit/unit.h"

static int count_visit(struct img_fnode *n, void *arg)
{
	(void)n;
	(*(int *)arg)++;
	return IMG_OK;
}

START_TEST(lookup_path_and_walk)
{
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *a, *b, *c, *found;
	img_filetree_add(t, t->root, "a", &a);
	a->mode = S_IFDIR | 0755;
	img_filetree_add(t, a, "b", &b);
	b->mode = S_IFDIR | 0755;
	img_filetree_add(t, b, "c.txt", &c);
	c->mode = S_IFREG | 0644;
	ck_assert_int_eq(img_filetree_lookup(t, "/a/b/c.txt", &found), IMG_OK);
	ck_assert_ptr_eq(found, c);
	ck_assert_int_eq(img_filetree_lookup(t, "a//./b/", &found), IMG_OK);
	ck_assert_ptr_eq(found, b);
	ck_assert_int_eq(img_filetree_lookup(t, "/", &found), IMG_OK);
	ck_assert_ptr_eq(found, t->root);
	ck_assert_int_eq(img_filetree_lookup(t, "/a/x", &found), IMG_ENOENT);
	ck_assert_int_eq(img_filetree_lookup(t, "/a/../a", &found), IMG_EINVAL);
	char path[64];
	ck_assert(img_fnode_path(c, path, sizeof(path)));
	ck_assert_str_eq(path, "/a/b/c.txt");
	ck_assert(!img_fnode_path(c, path, 5));
	int n = 0;
	ck_assert_int_eq(img_filetree_walk(t->root, count_visit, &n), IMG_OK);
	ck_assert_int_eq(n, 4);
	ck_assert(img_fnode_matches(c, "*.txt"));
	ck_assert(img_fnode_matches(c, "/a/*/c.txt"));
	ck_assert(!img_fnode_matches(c, "b"));
	img_filetree_free(t);
}
END_TEST

START_TEST(deep_tree_walks_and_frees_without_recursion)
{
	struct img_filetree *t;
	img_filetree_new(&t);
	struct img_fnode *n = t->root;
	for (int i = 0; i < 200000; i++) {
		struct img_fnode *c;
		ck_assert_int_eq(img_filetree_add(t, n, "d", &c), IMG_OK);
		c->mode = S_IFDIR | 0755;
		n = c;
	}
	int count = 0;
	ck_assert_int_eq(img_filetree_walk(t->root, count_visit, &count), IMG_OK);
	ck_assert_int_eq(count, 200001);
	img_filetree_free(t);
}
END_TEST

START_TEST(unsafe_names)
{
	ck_assert(img_extract_name_ok("file"));
	ck_assert(img_extract_name_ok("..."));
	ck_assert(!img_extract_name_ok(""));
	ck_assert(!img_extract_name_ok("."));
	ck_assert(!img_extract_name_ok(".."));
	ck_assert(!img_extract_name_ok("a/b"));
	ck_assert(!img_extract_name_ok("/etc"));
}
END_TEST

START_TEST(extents_grow_and_are_kept_in_order)
{
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *f;
	ck_assert_int_eq(img_filetree_add(t, t->root, "f", &f), IMG_OK);
	int failed = 0;
	for (uint64_t i = 0; i < 100000; i++)
		failed += img_fnode_add_extent(f, i * 4096, i + 1) != IMG_OK;
	ck_assert_int_eq(failed, 0);
	ck_assert_uint_eq(f->nextents, 100000);
	ck_assert_uint_ge(f->ext_cap, 100000);
	for (uint64_t i = 0; i < 100000; i += 999) {
		ck_assert_uint_eq(f->extents[i].offset, i * 4096);
		ck_assert_uint_eq(f->extents[i].length, i + 1);
	}
	img_filetree_free(t);
}
END_TEST

static Suite *filetree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, lookup_path_and_walk);
	tcase_add_test(tc, extents_grow_and_are_kept_in_order);
	tcase_add_test(tc, deep_tree_walks_and_frees_without_recursion);
	tcase_add_test(tc, unsafe_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(filetree_suite)
