/* Unit tests of import.c's watched blocks (img_import_watch_blocks), with which a UDF-only
 * remaster proves where the old files' data went: each read of a watched block through
 * libisofs takes a number of the stream open counter and is counted; other blocks are not. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/build/image.h"
#include "common/build/image_ext.h"
#include "common/build/import.h"
#include "common/build/stream.h"
#include "tests/unit/image_fixture.h"
#include "tests/unit/unit.h"

/* Reads the whole data of an imported file as libisofs's writer does: open, read, close. */
static void read_through(IsoFile *f)
{
	IsoStream *s = iso_file_get_stream(f);
	ck_assert_int_eq(iso_stream_open(s), 1);
	char buf[4096];
	int n;
	while ((n = iso_stream_read(s, buf, sizeof(buf))) > 0)
		;
	ck_assert_int_eq(n, 0);
	iso_stream_close(s);
}

START_TEST(watched_first_block)
{
	const char *iso = fixture_image("w.iso", "xorriso -as mkisofs -R");
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.volid = NULL;
	struct img_image *img;
	struct img_error e;
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &img, &e), IMG_OK);
	struct img_import_opts io = { .path = iso };
	ck_assert_int_eq(img_image_import(img, &io), IMG_OK);
	struct img_import *imp = img_image_get_import(img);
	ck_assert_ptr_nonnull(imp);
	IsoNode *node = NULL;
	ck_assert_int_eq(iso_tree_path_to_node(img_image_isofs(img), "/sub/big.bin", &node), 1);
	IsoFile *f = (IsoFile *)node;
	int count = 0;
	struct iso_file_section *sec = NULL;
	ck_assert_int_eq(iso_file_get_old_image_sections(f, &count, &sec, 0), 1);
	ck_assert_int_eq(count, 1);
	uint32_t first = sec[0].block;
	free(sec);

	unsigned reads = 7;
	ck_assert_uint_eq(img_import_block_order(imp, first, &reads), 0); /* not watched */
	ck_assert_uint_eq(reads, 0);
	uint32_t watch[] = { first - 3, first }; /* ascending; first - 3 is never read here */
	ck_assert_int_eq(img_import_watch_blocks(imp, watch, 2), IMG_OK);
	ck_assert_uint_eq(img_import_block_order(imp, first, &reads), 0);
	ck_assert_uint_eq(reads, 0);

	uint64_t before = img_stream_take_order();
	read_through(f);
	uint64_t after = img_stream_take_order();
	uint64_t got = img_import_block_order(imp, first, &reads);
	ck_assert_uint_eq(reads, 1);
	ck_assert_uint_gt(got, before);
	ck_assert_uint_lt(got, after);
	/* 70,000 bytes: blocks after the first were read too, and are not watched. */
	ck_assert_uint_eq(img_import_block_order(imp, first + 1, &reads), 0);
	ck_assert_uint_eq(reads, 0);
	ck_assert_uint_eq(img_import_block_order(imp, first - 3, &reads), 0);
	ck_assert_uint_eq(reads, 0);

	/* Read again: the latest read's number, and two reads. */
	read_through(f);
	uint64_t again = img_import_block_order(imp, first, &reads);
	ck_assert_uint_eq(reads, 2);
	ck_assert_uint_gt(again, after);

	/* A new list starts from nothing. */
	ck_assert_int_eq(img_import_watch_blocks(imp, &first, 1), IMG_OK);
	ck_assert_uint_eq(img_import_block_order(imp, first, &reads), 0);
	ck_assert_uint_eq(reads, 0);
	img_image_free(img);
}
END_TEST

static Suite *import_watch_suite(void)
{
	Suite *s = suite_create("import_watch");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, watched_first_block);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(import_watch_suite)
