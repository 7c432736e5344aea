/* Unit tests of common/build/tree.c: walk order, graft points, merging, collisions, excludes,
 * hiding, loops, list files and sort rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/build/tree.h"
#include "tests/unit/unit.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static char *path(const char *rel)
{
	static char p[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, rel);
	return p[i];
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_tree.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Created out of order on purpose. */
	mk("src");
	put("src/zeta", "z");
	put("src/Alpha", "A");
	put("src/beta", "b");
	mk("src/sub");
	put("src/sub/x", "x");
	mk("other");
	mk("other/sub");
	put("other/sub/y", "y");
	put("other/file", "f");
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct img_tree *new_tree(const struct img_tree_opts *o)
{
	struct img_tree_opts def = { 0 };
	struct img_tree *t;
	struct img_error e;
	ck_assert_int_eq(img_tree_new(o ? o : &def, &t, &e), IMG_OK);
	return t;
}

static const struct img_tree_node *child(const struct img_tree_node *n, const char *name)
{
	for (size_t i = 0; i < img_node_count(n); i++)
		if (strcmp(img_node_name(img_node_child(n, i)), name) == 0)
			return img_node_child(n, i);
	return NULL;
}

START_TEST(walk_sorts_bytewise)
{
	struct img_tree *t = new_tree(NULL);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	const struct img_tree_node *r = img_tree_root(t);
	ck_assert_uint_eq(img_node_count(r), 4);
	/* Bytewise: uppercase before lowercase, whatever the locale. */
	ck_assert_str_eq(img_node_name(img_node_child(r, 0)), "Alpha");
	ck_assert_str_eq(img_node_name(img_node_child(r, 1)), "beta");
	ck_assert_str_eq(img_node_name(img_node_child(r, 2)), "sub");
	ck_assert_str_eq(img_node_name(img_node_child(r, 3)), "zeta");
	ck_assert_uint_eq(img_tree_count(t), 5);
	ck_assert_str_eq(img_node_source(child(r, "beta")), path("src/beta"));
	ck_assert_ptr_null(img_node_child(r, 4));
	img_tree_free(t);
}
END_TEST

START_TEST(graft_points_place_and_merge)
{
	struct img_tree *t = new_tree(NULL);
	ck_assert_int_eq(img_tree_add(t, "a/b", path("src/sub")), IMG_OK);
	ck_assert_int_eq(img_tree_add(t, "a/b", path("other/sub")), IMG_OK);
	ck_assert_int_eq(img_tree_add(t, "a/", path("other/file")), IMG_OK);
	ck_assert_int_eq(img_tree_add(t, "renamed", path("src/beta")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	const struct img_tree_node *a = child(img_tree_root(t), "a");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(img_node_source(a)); /* made up by the graft point */
	const struct img_tree_node *b = child(a, "b");
	ck_assert_uint_eq(img_node_count(b), 2); /* x and y merged */
	ck_assert_ptr_nonnull(child(b, "x"));
	ck_assert_ptr_nonnull(child(b, "y"));
	ck_assert_ptr_nonnull(child(a, "file"));
	ck_assert_str_eq(img_node_source(child(img_tree_root(t), "renamed")), path("src/beta"));
	img_tree_free(t);
}
END_TEST

START_TEST(graft_parsing_escapes)
{
	put("src/a=b", "q");
	struct img_tree *t = new_tree(NULL);
	char arg[256];
	snprintf(arg, sizeof(arg), "x\\=y=%s/src/a\\=b", dir);
	ck_assert_int_eq(img_tree_add_graft(t, arg), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	ck_assert_str_eq(img_node_source(child(img_tree_root(t), "x=y")), path("src/a=b"));
	/* A missing source is an error naming it. */
	struct img_tree *u = new_tree(NULL);
	ck_assert_int_eq(img_tree_add_graft(u, "p=/no/such/file"), IMG_ENOENT);
	ck_assert_ptr_nonnull(strstr(img_tree_error(u)->detail, "/no/such/file"));
	ck_assert_int_eq(img_tree_add_graft(u, "p="), IMG_EINVAL);
	img_tree_free(u);
	img_tree_free(t);
}
END_TEST

START_TEST(two_files_at_one_path_collide)
{
	struct img_tree *t = new_tree(NULL);
	ck_assert_int_eq(img_tree_add(t, "f", path("src/beta")), IMG_OK);
	ck_assert_int_eq(img_tree_add(t, "f", path("src/zeta")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_ECOLLISION);
	ck_assert_ptr_nonnull(strstr(img_tree_error(t)->detail, "/f: given twice"));
	img_tree_free(t);
	/* A file where a graft point needs a directory. */
	t = new_tree(NULL);
	ck_assert_int_eq(img_tree_add(t, "f", path("src/beta")), IMG_OK);
	ck_assert_int_eq(img_tree_add(t, "f/g", path("src/zeta")), IMG_ECOLLISION);
	img_tree_free(t);
}
END_TEST

START_TEST(excludes_and_hiding)
{
	const char *ex[] = { "zeta", "*/sub/x" };
	const char *hide[] = { "Alpha" };
	const char *hidej[] = { "/beta" }; /* matched against the image path */
	struct img_tree_opts o = { .exclude = ex, .n_exclude = 2, .hide = hide, .n_hide = 1,
				   .hide_joliet = hidej, .n_hide_joliet = 1 };
	struct img_tree *t = new_tree(&o);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	const struct img_tree_node *r = img_tree_root(t);
	ck_assert_ptr_null(child(r, "zeta"));
	ck_assert_uint_eq(img_node_count(child(r, "sub")), 0);
	ck_assert_int_eq(img_node_hide(child(r, "Alpha")), IMG_HIDE_ISO);
	ck_assert_int_eq(img_node_hide(child(r, "beta")), IMG_HIDE_JOLIET);
	img_tree_free(t);
}
END_TEST

START_TEST(output_is_never_walked)
{
	struct img_tree_opts o = { .output = path("src/beta") };
	struct img_tree *t = new_tree(&o);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	ck_assert_ptr_null(child(img_tree_root(t), "beta"));
	ck_assert_int_eq(img_tree_add(t, NULL, path("src/beta")), IMG_EINVAL); /* finished */
	img_tree_free(t);
	t = new_tree(&o);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src/beta")), IMG_EEXIST);
	img_tree_free(t);
}
END_TEST

START_TEST(symlinks_and_loops)
{
	ck_assert_int_eq(symlink("..", path("src/sub/up")), 0);
	struct img_tree *t = new_tree(NULL);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	const struct img_tree_node *up = child(child(img_tree_root(t), "sub"), "up");
	ck_assert(S_ISLNK(img_node_stat(up)->st_mode));
	ck_assert_str_eq(img_node_link(up), "..");
	img_tree_free(t);
	struct img_tree_opts o = { .follow_symlinks = true };
	t = new_tree(&o);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_ELOOP);
	ck_assert_ptr_nonnull(strstr(img_tree_error(t)->detail, "directory loop"));
	img_tree_free(t);
}
END_TEST

START_TEST(list_files_and_sort_rules)
{
	put("list", "one\n\ntwo words\r\nthree");
	char **lines;
	size_t n;
	struct img_error e;
	ck_assert_int_eq(img_read_lines(path("list"), &lines, &n, &e), IMG_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(lines[1], "two words");
	ck_assert_str_eq(lines[2], "three");
	ck_assert_ptr_null(lines[3]);
	img_lines_free(lines);
	ck_assert_int_eq(img_read_lines(path("nope"), &lines, &n, &e), IMG_ENOENT);

	char *good[] = { "a/b 10", "with space\t-3" };
	struct img_sort_rule *r;
	ck_assert_int_eq(img_sort_rules_parse(good, 2, &r, &e), IMG_OK);
	ck_assert_str_eq(r[0].glob, "a/b");
	ck_assert_int_eq(r[0].weight, 10);
	ck_assert_str_eq(r[1].glob, "with space");
	ck_assert_int_eq(r[1].weight, -3);
	img_sort_rules_free(r, 2);
	char *bad[] = { "noweight" };
	ck_assert_int_eq(img_sort_rules_parse(bad, 1, &r, &e), IMG_EINVAL);
	char *bad2[] = { "x 12abc" };
	ck_assert_int_eq(img_sort_rules_parse(bad2, 1, &r, &e), IMG_EINVAL);
}
END_TEST

START_TEST(sort_weights_from_rules)
{
	struct img_sort_rule rules[] = { { path("src/beta"), 7 }, { "*/sub/*", 3 } };
	struct img_tree_opts o = { .sort = rules, .n_sort = 2 };
	struct img_tree *t = new_tree(&o);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	const struct img_tree_node *r = img_tree_root(t);
	ck_assert_int_eq(img_node_sort_weight(child(r, "beta")), 7);
	ck_assert_int_eq(img_node_sort_weight(child(child(r, "sub"), "x")), 3);
	ck_assert_int_eq(img_node_sort_weight(child(r, "zeta")), 0);
	img_tree_free(t);
}
END_TEST

START_TEST(sort_weights_by_image_path)
{
	const char *hideh[] = { "zeta" };
	struct img_tree_opts o = { .hide_hfsplus = hideh, .n_hide_hfsplus = 1 };
	struct img_tree *t = new_tree(&o);
	ck_assert_int_eq(img_tree_add(t, NULL, path("src")), IMG_OK);
	ck_assert_int_eq(img_tree_add(t, "more", path("other")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(t), IMG_OK);
	const struct img_tree_node *r = img_tree_root(t);
	ck_assert_int_eq(img_node_hide(child(r, "zeta")), IMG_HIDE_HFSPLUS);
	size_t n;
	/* A directory weighs every file below it; a later call overrides. */
	ck_assert_int_eq(img_tree_set_weight(t, "/", false, 1, &n), IMG_OK);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(img_tree_set_weight(t, "more//sub/", false, 5, &n), IMG_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(img_tree_set_weight(t, "/beta", false, 9, &n), IMG_OK);
	const struct img_tree_node *more = child(r, "more");
	ck_assert_int_eq(img_node_sort_weight(child(child(more, "sub"), "y")), 5);
	ck_assert_int_eq(img_node_sort_weight(child(more, "file")), 1);
	ck_assert_int_eq(img_node_sort_weight(child(r, "beta")), 9);
	ck_assert_int_eq(img_tree_set_weight(t, "/nothing", false, 2, &n), IMG_ENOENT);
	ck_assert_ptr_nonnull(strstr(img_tree_error(t)->detail, "/nothing"));
	/* Patterns match whole image paths; '*' stops at '/'. */
	ck_assert_int_eq(img_tree_set_weight(t, "/*/sub", true, 7, &n), IMG_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(img_node_sort_weight(child(child(more, "sub"), "y")), 7);
	ck_assert_int_eq(img_tree_set_weight(t, "/?eta", true, 3, &n), IMG_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(img_node_sort_weight(child(r, "zeta")), 3);
	ck_assert_int_eq(img_tree_set_weight(t, "/nomatch*", true, 3, &n), IMG_OK);
	ck_assert_uint_eq(n, 0);
	img_tree_free(t);
}
END_TEST

START_TEST(missing_and_unreadable)
{
	struct img_tree *t = new_tree(NULL);
	ck_assert_int_eq(img_tree_add(t, NULL, path("missing")), IMG_ENOENT);
	ck_assert_ptr_nonnull(strstr(img_tree_error(t)->detail, "missing"));
	img_tree_free(t);
}
END_TEST

static Suite *tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, walk_sorts_bytewise);
	tcase_add_test(tc, graft_points_place_and_merge);
	tcase_add_test(tc, graft_parsing_escapes);
	tcase_add_test(tc, two_files_at_one_path_collide);
	tcase_add_test(tc, excludes_and_hiding);
	tcase_add_test(tc, output_is_never_walked);
	tcase_add_test(tc, symlinks_and_loops);
	tcase_add_test(tc, list_files_and_sort_rules);
	tcase_add_test(tc, sort_weights_from_rules);
	tcase_add_test(tc, sort_weights_by_image_path);
	tcase_add_test(tc, missing_and_unreadable);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(tree_suite)
