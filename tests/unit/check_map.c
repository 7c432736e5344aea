/* Unit tests of common/inspect/map.c: the regions of images made by xorriso and genisoimage
 * (placed as xorriso's report_lba says), and of images made in memory to hold padding, gaps,
 * libisofs checksum tags and UDF anchor copies. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/inspect/map.h"
#include "common/inspect/source.h"
#include "tests/unit/image_fixture.h"
#include "tests/unit/unit.h"

/* Regions must follow each other from block 0 to the last block, none empty. */
static void assert_tiles(const struct img_map *m)
{
	uint64_t next = 0;
	for (size_t i = 0; i < m->count; i++) {
		ck_assert_uint_eq(m->regions[i].first, next);
		ck_assert_uint_gt(m->regions[i].count, 0);
		next += m->regions[i].count;
	}
	ck_assert_uint_eq(next, m->blocks);
}

/* The region holding block b. */
static const struct img_map_region *at(const struct img_map *m, uint64_t b)
{
	for (size_t i = 0; i < m->count; i++)
		if (m->regions[i].first <= b && b < m->regions[i].first + m->regions[i].count)
			return &m->regions[i];
	ck_abort_msg("no region holds block %llu", (unsigned long long)b);
	return NULL;
}

static void build(const char *path, struct img_map *m)
{
	struct img_source *src;
	struct img_error err = {0};
	ck_assert_int_eq(img_source_open(path, NULL, &src, &err), IMG_OK);
	ck_assert_msg(img_map_build(src, m, &err) == IMG_OK, "img_map_build: %s", err.detail);
	img_source_close(src);
}

/* Start block and block count of a file, as xorriso reports them. */
static void report_lba(const char *img, const char *file, unsigned *lba, unsigned *blocks)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "xorriso -indev %s -find %s -exec report_lba -- 2>/dev/null",
		 img, file);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[512];
	bool found = false;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "File data lba: %*d , %u , %u", lba, blocks) == 2)
			found = true;
	pclose(p);
	ck_assert_msg(found, "xorriso reports no extent of %s", file);
}

START_TEST(xorriso_boot_image_layout)
{
	const char *path = fixture_image("boot.iso", "xorriso -as mkisofs -R -J -b boot.img "
				      "-c boot.cat -no-emul-boot -boot-load-size 4");
	struct img_map m;
	build(path, &m);
	assert_tiles(&m);
	ck_assert_int_eq(at(&m, 0)->kind, IMG_MAP_SYSTEM_AREA);
	ck_assert_uint_eq(at(&m, 0)->count, 16);
	ck_assert_int_eq(at(&m, 16)->kind, IMG_MAP_VOLDESC);
	ck_assert_ptr_nonnull(strstr(at(&m, 16)->label, "boot record"));
	unsigned lba, blocks;
	report_lba(path, "/sub/big.bin", &lba, &blocks);
	ck_assert_uint_eq(blocks, 35);
	ck_assert_int_eq(at(&m, lba)->kind, IMG_MAP_FILE_DATA);
	ck_assert_int_eq(at(&m, lba + blocks - 1)->kind, IMG_MAP_FILE_DATA);
	report_lba(path, "/boot.img", &lba, &blocks);
	const struct img_map_region *r = at(&m, lba);
	ck_assert_int_eq(r->kind, IMG_MAP_BOOT_IMAGE);
	ck_assert_uint_eq(r->first, lba);
	ck_assert_ptr_nonnull(strstr(r->label, "/boot.img"));
	char cmd[512], line[256];
	snprintf(cmd, sizeof(cmd), "xorriso -indev %s -report_el_torito plain 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	unsigned cat = 0;
	while (fgets(line, sizeof(line), p))
		sscanf(line, "El Torito catalog : %u", &cat);
	pclose(p);
	ck_assert_uint_gt(cat, 16);
	ck_assert_int_eq(at(&m, cat)->kind, IMG_MAP_BOOT_CATALOG);
	img_map_free(&m);
}
END_TEST

START_TEST(genisoimage_udf_layout)
{
	const char *path = fixture_image("udf.iso", "genisoimage -udf -R -J");
	struct img_map m;
	build(path, &m);
	assert_tiles(&m);
	ck_assert_int_eq(at(&m, 256)->kind, IMG_MAP_UDF);
	ck_assert_int_eq(at(&m, m.blocks - 1)->kind, IMG_MAP_UDF);
	/* genisoimage's 150 blocks of padding are anchor copies */
	ck_assert_int_eq(at(&m, m.blocks - 2)->kind, IMG_MAP_UDF);
	ck_assert_str_eq(at(&m, m.blocks - 2)->label, "UDF anchor copies");
	unsigned lba, blocks;
	report_lba(path, "/sub/big.bin", &lba, &blocks);
	ck_assert_int_eq(at(&m, lba)->kind, IMG_MAP_FILE_DATA);
	/* Every block of the image that starts with a file entry (ECMA-167 4/14.9, tag 261) or
	 * a file identifier descriptor (4/14.4, tag 257) whose tag checksum (3/7.2.3) holds is a
	 * UDF file entry or directory on the map: found from the bytes, not through the reader. */
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	unsigned char t[16];
	unsigned entries = 0, dirs = 0;
	for (uint64_t blk = 0; blk < m.blocks; blk++) {
		if (fseek(f, (long)(blk * 2048), SEEK_SET) != 0 || fread(t, 1, 16, f) != 16)
			break;
		unsigned id = t[0] | t[1] << 8, sum = 0;
		for (int k = 0; k < 16; k++)
			sum += k == 4 ? 0 : t[k];
		if ((id != 261 && id != 257) || (sum & 0xff) != t[4])
			continue;
		const struct img_map_region *r = at(&m, blk);
		ck_assert_msg(r->kind == IMG_MAP_UDF_ENTRY, "block %llu (tag %u): %s",
			      (unsigned long long)blk, id, r->label);
		ck_assert_ptr_nonnull(strstr(r->label, id == 261 ? "UDF file entr" :
					     "UDF director"));
		id == 261 ? entries++ : dirs++;
	}
	fclose(f);
	/* /, /sub, hello.txt, big.bin, boot.img; the directories / and /sub */
	ck_assert_uint_eq(entries, 5);
	ck_assert_uint_eq(dirs, 2);
	img_map_free(&m);
}
END_TEST

/* 40 blocks without any descriptor: the system area, then zeros, a block of data (a gap) and
 * checksum tags, one of them naming another block (a gap too), and a half block at the end. */
START_TEST(unclaimed_blocks_told_apart)
{
	static unsigned char img[40 * 2048 + 1024];
	memset(img, 0, sizeof(img));
	memset(img + 30 * 2048, 0x5a, 100);
	const char *tag = "libisofs_sb_checksum_tag_v1 pos=33 range_start=0 range_size=33";
	memcpy(img + 33 * 2048, tag, strlen(tag));
	const char *wrong = "libisofs_sb_checksum_tag_v1 pos=99 range_start=0 range_size=33";
	memcpy(img + 35 * 2048, wrong, strlen(wrong));
	struct img_source *src;
	struct img_error err = {0};
	ck_assert_int_eq(img_source_from_memory(img, sizeof(img), &src), IMG_OK);
	struct img_map m;
	ck_assert_int_eq(img_map_build(src, &m, &err), IMG_OK);
	assert_tiles(&m);
	ck_assert_uint_eq(m.blocks, 41);
	ck_assert_int_eq(at(&m, 0)->kind, IMG_MAP_SYSTEM_AREA);
	ck_assert_int_eq(at(&m, 16)->kind, IMG_MAP_PADDING);
	ck_assert_uint_eq(at(&m, 16)->count, 14);
	ck_assert_int_eq(at(&m, 30)->kind, IMG_MAP_GAP);
	ck_assert_uint_eq(at(&m, 30)->count, 1);
	ck_assert_int_eq(at(&m, 33)->kind, IMG_MAP_MD5_TAG);
	ck_assert_int_eq(at(&m, 35)->kind, IMG_MAP_GAP);
	ck_assert_int_eq(at(&m, 40)->kind, IMG_MAP_PADDING);
	img_map_free(&m);
	img_source_close(src);
}
END_TEST

START_TEST(empty_image_is_an_error)
{
	static unsigned char none[1];
	struct img_source *src;
	struct img_error err = {0};
	ck_assert_int_eq(img_source_from_memory(none, 0, &src), IMG_OK);
	struct img_map m;
	ck_assert_int_eq(img_map_build(src, &m, &err), IMG_EINVAL);
	ck_assert_uint_eq(m.count, 0);
	img_map_free(&m);
	img_source_close(src);
}
END_TEST

START_TEST(kind_names)
{
	ck_assert_str_eq(img_map_kind_name(IMG_MAP_SYSTEM_AREA), "system_area");
	ck_assert_str_eq(img_map_kind_name(IMG_MAP_GAP), "gap");
	ck_assert_str_eq(img_map_kind_name(IMG_MAP_UDF_ENTRY), "udf_entry");
	for (int k = 0; k < IMG_MAP_KIND_COUNT; k++)
		ck_assert_str_ne(img_map_kind_name((enum img_map_kind)k), "?");
	ck_assert_str_eq(img_map_kind_name(IMG_MAP_KIND_COUNT), "?");
}
END_TEST

static Suite *map_suite(void)
{
	Suite *s = suite_create("map");
	TCase *tc = tcase_create("images");
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, xorriso_boot_image_layout);
	tcase_add_test(tc, genisoimage_udf_layout);
	tcase_add_test(tc, unclaimed_blocks_told_apart);
	tcase_add_test(tc, empty_image_is_an_error);
	tcase_add_test(tc, kind_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(map_suite)
