/* Unit tests of common/inspect/joliet_index.c: the Joliet trees genisoimage and xorriso write
 * (entries hidden from Joliet absent, names decoded from UTF-16, sizes, dates and
 * extents as isoinfo reports them), an image without Joliet, and a cut image refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/inspect/joliet_index.h"
#include "common/inspect/source.h"
#include "tests/unit/image_fixture.h"
#include "tests/unit/unit.h"

static const struct img_joliet_entry *find(const struct img_joliet_entry *e, size_t n,
					   const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

static struct img_joliet_index *index_of(const char *iso, struct img_source **src)
{
	struct img_error err = {0};
	ck_assert_int_eq(img_source_open(iso, NULL, src, &err), IMG_OK);
	struct img_joliet_index *ix = NULL;
	ck_assert_msg(img_joliet_index_read(*src, 0, &ix, &err) == IMG_OK, "%s", err.detail);
	return ix;
}

START_TEST(hidden_entries_and_names)
{
	char cmd[512];
	/* a non-ASCII name beside the fixture's files (UTF-16 in Joliet) */
	snprintf(cmd, sizeof(cmd), "printf 'x' >%s/src/sub/caf\303\251.txt", dir);
	ck_assert_int_eq(system(cmd), 0);
	const char *iso = fixture_image("g.iso", "genisoimage -quiet -input-charset utf-8 -R -J "
					"-hide-joliet src/hello.txt");
	struct img_source *src;
	struct img_joliet_index *ix = index_of(iso, &src);
	ck_assert_ptr_nonnull(ix);
	size_t n = 0;
	const struct img_joliet_entry *root = img_joliet_index_list(ix, img_joliet_index_root(ix),
								     &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_null(find(root, n, "hello.txt")); /* hidden from Joliet */
	const struct img_joliet_entry *boot = find(root, n, "boot.img");
	ck_assert_ptr_nonnull(boot);
	ck_assert(!boot->dir);
	ck_assert_uint_eq(boot->size, 2048);
	ck_assert(boot->contiguous);
	ck_assert_int_gt(boot->mtime, 1600000000);
	const struct img_joliet_entry *sub = find(root, n, "sub");
	ck_assert_ptr_nonnull(sub);
	ck_assert(sub->dir);
	size_t m = 0;
	const struct img_joliet_entry *in = img_joliet_index_list(ix, sub->extent, &m);
	ck_assert_uint_eq(m, 2);
	const struct img_joliet_entry *big = find(in, m, "big.bin");
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(big->size, 70000);
	const struct img_joliet_entry *cafe = find(in, m, "caf\303\251.txt");
	ck_assert_ptr_nonnull(cafe);
	ck_assert_uint_eq(cafe->units, 8); /* "café.txt": genisoimage writes no ";1" in Joliet */
	/* the extent isoinfo reports for the file */
	snprintf(cmd, sizeof(cmd), "isoinfo -J -l -i %s | grep -q '\\[ *%u 00\\] *big.bin'", iso,
		 (unsigned)big->extent);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
	/* a directory the tree does not have */
	ck_assert_ptr_null(img_joliet_index_list(ix, 1, &m));
	ck_assert_uint_eq(m, 0);
	img_joliet_index_free(ix);
	img_source_close(src);
}
END_TEST

START_TEST(no_joliet_and_cut_image)
{
	const char *iso = fixture_image("x.iso", "xorriso -as mkisofs -R");
	struct img_source *src;
	ck_assert_ptr_null(index_of(iso, &src));
	img_source_close(src);
	iso = fixture_image("xj.iso", "xorriso -as mkisofs -R -J");
	char cmd[1024], cut[300];
	snprintf(cut, sizeof(cut), "%s/cut.iso", dir);
	/* up to the directories, without the file data: extents past the end */
	snprintf(cmd, sizeof(cmd), "head -c %d %s >%s", 40 * 2048, iso, cut);
	ck_assert_int_eq(system(cmd), 0);
	struct img_error err = {0};
	ck_assert_int_eq(img_source_open(cut, NULL, &src, &err), IMG_OK);
	struct img_joliet_index *ix = NULL;
	ck_assert_int_eq(img_joliet_index_read(src, 0, &ix, &err), IMG_ECORRUPT);
	ck_assert_ptr_null(ix);
	ck_assert_ptr_nonnull(strstr(err.detail, "past the end of the image"));
	img_source_close(src);
}
END_TEST

static Suite *joliet_index_suite(void)
{
	Suite *s = suite_create("joliet_index");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hidden_entries_and_names);
	tcase_add_test(tc, no_joliet_and_cut_image);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(joliet_index_suite)
