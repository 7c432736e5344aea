/* Unit tests of common/inspect/verify.c: MD5 of ranges and files against RFC 1321's test
 * vectors, and the comparison of two views by where their files' data lies. */
#include <string.h>
#include <sys/stat.h>

#include "common/inspect/filetree.h"
#include "common/inspect/source.h"
#include "common/inspect/verify.h"
#include "tests/unit/unit.h"

/* RFC 1321 A.5 */
static const char text[] = "1234567890123456789012345678901234567890"
			   "1234567890123456789012345678901234567890";

START_TEST(md5_of_ranges_and_files)
{
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(text, sizeof(text) - 1, &src), IMG_OK);
	unsigned char md5[16];
	char hex[33];
	struct img_error err = {0};
	ck_assert_int_eq(img_md5_range(src, 0, 80, md5, &err), IMG_OK);
	img_md5_hex(md5, hex);
	ck_assert_str_eq(hex, "57edf4a22be3c955ac49da2e2107b67a");
	ck_assert_int_eq(img_md5_range(src, 10, 0, md5, &err), IMG_OK);
	img_md5_hex(md5, hex);
	ck_assert_str_eq(hex, "d41d8cd98f00b204e9800998ecf8427e"); /* "" */
	ck_assert_int_eq(img_md5_range(src, 40, 41, md5, &err), IMG_ECORRUPT);

	/* The same 80 bytes as a file of two extents; then a size its extents do not hold. */
	struct img_filetree *t;
	ck_assert_int_eq(img_filetree_new(&t), IMG_OK);
	struct img_fnode *f;
	ck_assert_int_eq(img_filetree_add(t, t->root, "f", &f), IMG_OK);
	f->mode = S_IFREG | 0644;
	f->size = 80;
	ck_assert_int_eq(img_fnode_add_extent(f, 0, 30), IMG_OK);
	ck_assert_int_eq(img_fnode_add_extent(f, 30, 50), IMG_OK);
	ck_assert_int_eq(img_md5_node(src, f, md5, &err), IMG_OK);
	img_md5_hex(md5, hex);
	ck_assert_str_eq(hex, "57edf4a22be3c955ac49da2e2107b67a");
	f->size = 81;
	ck_assert_int_eq(img_md5_node(src, f, md5, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "shorter") != NULL, "%s", err.detail);
	img_filetree_free(t);
	img_source_close(src);
}
END_TEST

static struct img_fnode *file(struct img_filetree *t, struct img_fnode *dir, const char *name,
			      uint64_t size, uint64_t off)
{
	struct img_fnode *f;
	ck_assert_int_eq(img_filetree_add(t, dir, name, &f), IMG_OK);
	f->mode = S_IFREG | 0644;
	f->size = size;
	ck_assert_int_eq(img_fnode_add_extent(f, off, size), IMG_OK);
	return f;
}

START_TEST(views_compared_by_data_location)
{
	struct img_filetree *a, *b;
	ck_assert_int_eq(img_filetree_new(&a), IMG_OK);
	ck_assert_int_eq(img_filetree_new(&b), IMG_OK);
	/* Same data under other names and split differently: agreement. */
	file(a, a->root, "long name.txt", 4096, 40960);
	struct img_fnode *s = file(b, b->root, "LONGNAME.TXT", 2048, 40960);
	ck_assert_int_eq(img_fnode_add_extent(s, 43008, 2048), IMG_OK);
	s->size = 4096;
	file(a, a->root, "empty", 0, 0); /* empty files are not compared */
	struct img_problems p = {0};
	size_t mism = 0;
	ck_assert_int_eq(img_verify_views(a, "rr", b, "iso", &p, 10, &mism), IMG_OK);
	ck_assert_uint_eq(mism, 0);
	ck_assert_uint_eq(p.count, 0);

	/* A size that differs, and a file only one view has. */
	file(a, a->root, "x", 100, 81920);
	file(b, b->root, "X", 99, 81920);
	file(b, b->root, "ONLY", 10, 90000);
	ck_assert_int_eq(img_verify_views(a, "rr", b, "iso", &p, 10, &mism), IMG_OK);
	ck_assert_uint_eq(mism, 3); /* X vs x both ways, ONLY one way */
	ck_assert_uint_eq(p.count, 3);
	bool only = false, size = false;
	for (size_t i = 0; i < p.count; i++) {
		only |= strstr(p.msg[i], "iso file /ONLY") != NULL &&
			strstr(p.msg[i], "is missing from the rr view") != NULL;
		size |= strstr(p.msg[i], "different size or extents") != NULL;
	}
	ck_assert(only && size);
	img_problems_free(&p);

	/* At most max_msgs messages; all mismatches counted. */
	mism = 0;
	ck_assert_int_eq(img_verify_views(a, "rr", b, "iso", &p, 1, &mism), IMG_OK);
	ck_assert_uint_eq(mism, 3);
	ck_assert_uint_eq(p.count, 1);
	img_problems_free(&p);
	ck_assert_ptr_null(p.msg);
	img_filetree_free(a);
	img_filetree_free(b);
}
END_TEST

static Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, md5_of_ranges_and_files);
	tcase_add_test(tc, views_compared_by_data_location);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(verify_suite)
