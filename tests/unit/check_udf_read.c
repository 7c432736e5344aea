/* Unit tests of common/udf/udf_read.c: CRC, refusal of damaged anchors, and a hand-made UDF 2.50
 * volume whose metadata file has two extents, read directly and through its mirror. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/inspect/source.h"
#include "common/udf/udf_desc.h"
#include "common/udf/udf_read.h"
#include "tests/unit/unit.h"

static unsigned char img[600 * 2048];

static void sign(unsigned char *t, unsigned crc_len)
{
	t[10] = (unsigned char)crc_len;
	t[11] = (unsigned char)(crc_len >> 8);
	uint16_t crc = img_udf_crc(t + 16, crc_len);
	t[8] = (unsigned char)crc;
	t[9] = (unsigned char)(crc >> 8);
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += t[i];
	t[4] = (unsigned char)sum;
}

START_TEST(crc_ccitt_known_value)
{
	ck_assert_uint_eq(img_udf_crc((const unsigned char *)"123456789", 9), 0x31c3);
}
END_TEST

START_TEST(anchor_checks)
{
	memset(img, 0, sizeof(img));
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_udf_info info;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ENOENT);

	unsigned char *a = img + 256 * 2048;
	a[0] = 2;
	a[12] = 0; a[13] = 1; /* location 256 */
	a[16] = 0x00; a[17] = 0x80; /* VDS length 32768 */
	a[20] = 32;
	sign(a, 496);
	/* Valid anchor, but the VDS is empty: no logical volume descriptor. */
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "no logical volume"));
	a[100] ^= 1; /* CRC no longer matches */
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "descriptor CRC"));
	a[100] ^= 1;
	a[12] = 1; /* wrong location, re-signed */
	sign(a, 496);
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "tag location 257, expected 256"));
	a[12] = 0;
	a[16] = 0; a[17] = 0; a[18] = 0; a[19] = 0x10; /* absurd VDS length */
	sign(a, 496);
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "is not 1-256 sectors"));
	img_source_close(src);
}
END_TEST

/* ---- a small UDF 2.50 volume, laid out by hand ----
 * Physical partition 0 from sector 300.  Its block 0 is the metadata file's entry (extents:
 * blocks 10-12 and 20-21), block 1 the mirror's (blocks 30-34, a copy).  Metadata partition
 * blocks: 0 file set descriptor, 1 root directory entry, 2-3 the root's identifiers (split over
 * both extents), 4 the entry of /hello, whose data ("hello") is block 50 of partition 0. */
#define PSTART 300u

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static unsigned char *sec(uint32_t s)
{
	return img + (size_t)s * 2048;
}

static void tag(unsigned char *t, unsigned id, uint32_t loc)
{
	put16(t, id);
	put16(t + 2, 3);
	put32(t + 12, loc);
}

/* A file entry (4/14.9) of file type ft, size bytes, with lad bytes of descriptors of type
 * adtype already at t + 176. */
static void file_entry(unsigned char *t, uint32_t loc, unsigned ft, uint64_t size, unsigned lad,
		       unsigned adtype)
{
	tag(t, 261, loc);
	t[16 + 11] = (unsigned char)ft;
	put16(t + 16 + 18, adtype);
	put32(t + 44, 0x14a5); /* r-x for all, and owner write */
	put32(t + 56, (uint32_t)size);
	put32(t + 172, lad);
	sign(t, 176 + lad - 16);
}

static void short_ad(unsigned char *p, uint32_t len, uint32_t lbn)
{
	put32(p, len);
	put32(p + 4, lbn);
}

static uint32_t meta_phys(uint32_t m)
{
	return m < 3 ? 10 + m : 20 + (m - 3);
}

static void make_udf250(void)
{
	memset(img, 0, sizeof(img));
	unsigned char *a = sec(256);
	tag(a, 2, 256);
	put32(a + 16, 16 * 2048);
	put32(a + 20, 32);
	sign(a, 496);
	tag(sec(32), 1, 32);
	sign(sec(32), 496);
	unsigned char *pd = sec(33);
	tag(pd, 5, 33);
	put32(pd + 188, PSTART);
	put32(pd + 192, 200);
	sign(pd, 496);
	unsigned char *lvd = sec(34);
	tag(lvd, 6, 34);
	put32(lvd + 212, 2048);
	memcpy(lvd + 217, "*OSTA UDF Compliant", 19);
	put16(lvd + 240, 0x0250);
	put32(lvd + 248, 2048);  /* FSD: block 0 of partition reference 1 */
	put16(lvd + 256, 1);
	put32(lvd + 264, 70);
	put32(lvd + 268, 2);
	unsigned char *m = lvd + 440;
	m[0] = 1, m[1] = 6;
	put16(m + 2, 1);
	m += 6;
	m[0] = 2, m[1] = 64;
	memcpy(m + 5, "*UDF Metadata Partition", 23);
	put32(m + 40, 0);
	put32(m + 44, 1);
	put32(m + 48, 0xffffffffu);
	put32(m + 52, 32);
	put16(m + 56, 32);
	m[58] = 1;
	sign(lvd, 440 + 70 - 16);
	tag(sec(35), 8, 35);
	sign(sec(35), 496);

	unsigned char *fsd = sec(PSTART + meta_phys(0));
	tag(fsd, 256, 0);
	put32(fsd + 400, 2048);
	put32(fsd + 404, 1);
	put16(fsd + 408, 1);
	sign(fsd, 496);
	/* Root identifiers: a parent FID with 2,048 bytes of implementation use, then "hello". */
	unsigned char dir[4096] = {0};
	tag(dir, 257, 2);
	put16(dir + 16, 1);
	dir[18] = 0x0a;                     /* directory, parent */
	put32(dir + 20, 2048);
	put32(dir + 24, 1);
	put16(dir + 28, 1);
	put16(dir + 36, 2048);
	sign(dir, 38 + 2048 - 16);
	unsigned char *f = dir + 2088;
	tag(f, 257, 2);
	put16(f + 16, 1);
	f[19] = 6;
	put32(f + 20, 2048);
	put32(f + 24, 4);
	put16(f + 28, 1);
	memcpy(f + 38, "\bhello", 6);
	sign(f, 38 + 6 - 16);
	size_t dlen = 2088 + 44;
	memcpy(sec(PSTART + meta_phys(2)), dir, 2048);
	memcpy(sec(PSTART + meta_phys(3)), dir + 2048, dlen - 2048);
	unsigned char *root = sec(PSTART + meta_phys(1));
	short_ad(root + 176, (uint32_t)dlen, 2);
	file_entry(root, 1, 4, dlen, 8, 0);
	unsigned char *hello = sec(PSTART + meta_phys(4));
	put32(hello + 176, 5);              /* long_ad: 5 bytes at block 50 of reference 0 */
	put32(hello + 180, 50);
	file_entry(hello, 4, 5, 5, 16, 1);
	memcpy(sec(PSTART + 50), "hello", 5);

	unsigned char *mfe = sec(PSTART);
	short_ad(mfe + 176, 3 * 2048, 10);
	short_ad(mfe + 184, 2 * 2048, 20);
	file_entry(mfe, 0, 250, 5 * 2048, 16, 0);
	unsigned char *mirror = sec(PSTART + 1);
	short_ad(mirror + 176, 5 * 2048, 30);
	file_entry(mirror, 1, 251, 5 * 2048, 8, 0);
	for (uint32_t k = 0; k < 5; k++)
		memcpy(sec(PSTART + 30 + k), sec(PSTART + meta_phys(k)), 2048);
}

START_TEST(metadata_partition)
{
	make_udf250();
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_udf_info info;
	struct img_error err = {0};
	struct img_filetree *t = NULL;
	ck_assert_msg(img_udf_read_tree(src, &t, &info, &err) == IMG_OK, "%s", err.detail);
	ck_assert_uint_eq(info.nmaps, 2);
	ck_assert_int_eq(info.maps[1].kind, IMG_UDF_MAP_METADATA);
	ck_assert(info.maps[1].duplicate);
	ck_assert(!info.maps[1].mirror_used);
	ck_assert_uint_eq(info.maps[1].allocation_unit, 32);
	/* The root's identifiers span both metadata extents: two pieces, far apart. */
	struct img_fnode *r = t->root;
	ck_assert_uint_eq(r->nextents, 2);
	ck_assert_uint_eq(r->extents[0].offset, (PSTART + 12) * 2048ull);
	ck_assert_uint_eq(r->extents[0].length, 2048);
	ck_assert_uint_eq(r->extents[1].offset, (PSTART + 20) * 2048ull);
	ck_assert_uint_eq(r->extents[1].length, 2088 + 44 - 2048);
	ck_assert_uint_eq(r->nchildren, 1);
	struct img_fnode *h = r->children[0];
	ck_assert_str_eq(h->name, "hello");
	ck_assert_uint_eq(h->size, 5);
	ck_assert_uint_eq(h->nextents, 1);
	ck_assert_uint_eq(h->extents[0].offset, (PSTART + 50) * 2048ull);
	img_filetree_free(t);

	struct img_udf_mirror_check mc;
	ck_assert_int_eq(img_udf_compare_mirror(src, &mc, &err), IMG_OK);
	ck_assert_uint_eq(mc.blocks, 5);
	ck_assert_uint_eq(mc.differ, 0);
	sec(PSTART + 33)[7] ^= 0xff; /* the mirror's copy of metadata block 3 */
	ck_assert_int_eq(img_udf_compare_mirror(src, &mc, &err), IMG_OK);
	ck_assert_uint_eq(mc.differ, 1);
	ck_assert_uint_eq(mc.first_differ, 3);
	sec(PSTART + 33)[7] ^= 0xff;

	/* The root's entry damaged in the metadata file only: that block comes from the mirror. */
	sec(PSTART + meta_phys(1))[60] ^= 0xff;
	ck_assert_msg(img_udf_read_tree(src, &t, &info, &err) == IMG_OK, "%s", err.detail);
	ck_assert(!info.maps[1].mirror_used);
	ck_assert_ptr_nonnull(strstr(info.metadata_problem, "block 1 of the metadata partition"));
	ck_assert_uint_eq(t->root->nchildren, 1);
	img_filetree_free(t);
	sec(PSTART + 31)[60] ^= 0xff; /* and in the mirror */
	ck_assert_int_eq(img_udf_read_tree(src, &t, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "the metadata mirror file's copy"));
	sec(PSTART + 31)[60] ^= 0xff;
	sec(PSTART + meta_phys(1))[60] ^= 0xff;

	/* Metadata file entry damaged: the mirror is read, and the reason kept. */
	sec(PSTART)[100] ^= 1;
	ck_assert_msg(img_udf_read_tree(src, &t, &info, &err) == IMG_OK, "%s", err.detail);
	ck_assert(info.maps[1].mirror_used);
	ck_assert_ptr_nonnull(strstr(info.metadata_problem, "descriptor CRC"));
	ck_assert_uint_eq(t->root->nextents, 1);
	ck_assert_uint_eq(t->root->extents[0].offset, (PSTART + 32) * 2048ull);
	img_filetree_free(t);
	/* Both damaged. */
	sec(PSTART + 1)[100] ^= 1;
	ck_assert_int_eq(img_udf_read_tree(src, &t, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "UDF metadata mirror file"));
	make_udf250();
	/* A block beyond the metadata file. */
	put32(sec(PSTART + meta_phys(0)) + 404, 9);
	sign(sec(PSTART + meta_phys(0)), 496);
	ck_assert_int_eq(img_udf_read_tree(src, &t, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "block 9 lies outside the metadata file (5 blocks)"));
	/* An unknown type 2 map is named. */
	make_udf250();
	memcpy(sec(34) + 446 + 5, "*UDF Unknown Partition", 23);
	sign(sec(34), 440 + 70 - 16);
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err.detail, "\"*UDF Unknown Partition\" is not supported"));
	img_source_close(src);
}
END_TEST

/* What img_udf_read_tree_places reports for the hand-made 2.50 volume: every place at the
 * physical block this file put it, with its path. */
struct seen_place {
	uint64_t off, len;
	enum img_udf_place_kind kind;
	char path[32];
};
struct seen {
	struct seen_place p[32];
	int n;
	int fail_at;        /* return IMG_ENOMEM at this call (-1: never) */
};

static int note_place(void *ctx, uint64_t off, uint64_t len, enum img_udf_place_kind kind,
		      const char *path)
{
	struct seen *s = ctx;
	if (s->n == s->fail_at)
		return IMG_ENOMEM;
	ck_assert_int_lt(s->n, 32);
	s->p[s->n] = (struct seen_place){off, len, kind, ""};
	snprintf(s->p[s->n].path, sizeof(s->p[s->n].path), "%s", path);
	s->n++;
	return IMG_OK;
}

static bool has_place(const struct seen *s, uint64_t block, uint64_t len,
		      enum img_udf_place_kind kind, const char *path)
{
	for (int i = 0; i < s->n; i++)
		if (s->p[i].off == block * 2048 && s->p[i].len == len && s->p[i].kind == kind &&
		    strcmp(s->p[i].path, path) == 0)
			return true;
	return false;
}

START_TEST(places_of_a_metadata_partition)
{
	make_udf250();
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_udf_info info;
	struct img_error err = {0};
	struct seen s = {.fail_at = -1};
	ck_assert_msg(img_udf_read_tree_places(src, NULL, &info, note_place, &s, &err) == IMG_OK,
		      "%s", err.detail);
	ck_assert_int_eq(s.n, 8);
	ck_assert(has_place(&s, PSTART + 10, 3 * 2048, IMG_UDF_PLACE_METADATA, ""));
	ck_assert(has_place(&s, PSTART + 20, 2 * 2048, IMG_UDF_PLACE_METADATA, ""));
	ck_assert(has_place(&s, PSTART + 30, 5 * 2048, IMG_UDF_PLACE_MIRROR, ""));
	ck_assert(has_place(&s, PSTART + meta_phys(0), 2048, IMG_UDF_PLACE_FILE_SET, ""));
	ck_assert(has_place(&s, PSTART + meta_phys(1), 2048, IMG_UDF_PLACE_ENTRY, "/"));
	ck_assert(has_place(&s, PSTART + meta_phys(4), 2048, IMG_UDF_PLACE_ENTRY, "/hello"));
	ck_assert(has_place(&s, PSTART + 12, 2048, IMG_UDF_PLACE_DIRECTORY, "/"));
	ck_assert(has_place(&s, PSTART + 20, 2088 + 44 - 2048, IMG_UDF_PLACE_DIRECTORY, "/"));
	/* The terminating descriptor after the file set descriptor, when there is one. */
	unsigned char keep[2048];
	memcpy(keep, sec(PSTART + meta_phys(1)), 2048);
	memset(sec(PSTART + meta_phys(1)), 0, 2048);
	tag(sec(PSTART + meta_phys(1)), 8, 1);
	sign(sec(PSTART + meta_phys(1)), 0);
	s.n = 0;
	/* (the root's entry there is now a terminator: the root is read from the mirror) */
	ck_assert_msg(img_udf_read_tree_places(src, NULL, &info, note_place, &s, &err) == IMG_OK,
		      "%s", err.detail);
	ck_assert(has_place(&s, PSTART + meta_phys(1), 2048, IMG_UDF_PLACE_FILE_SET, ""));
	ck_assert(has_place(&s, PSTART + 31, 2048, IMG_UDF_PLACE_ENTRY, "/"));
	memcpy(sec(PSTART + meta_phys(1)), keep, 2048);
	/* The visitor's error stops the walk and is returned, wherever it comes. */
	for (int k = 0; k < 8; k++) {
		s = (struct seen){.fail_at = k};
		ck_assert_int_eq(img_udf_read_tree_places(src, NULL, &info, note_place, &s, &err),
				 IMG_ENOMEM);
		ck_assert_int_eq(s.n, k);
	}
	img_source_close(src);
}
END_TEST

/* A directory's recorded size is checked against the image and its extents before a buffer
 * is allocated for it: a few hostile bytes must not cost megabytes. */
START_TEST(directory_size_checked_before_reading)
{
	make_udf250();
	unsigned char *root = sec(PSTART + meta_phys(1));
	short_ad(root + 176, 2088 + 44, 2);
	file_entry(root, 1, 4, 60u << 20, 8, 0); /* 60 MiB, under IMG_UDF_MAX_DIR_BYTES */
	memcpy(sec(PSTART + 31), root, 2048);    /* and the mirror's copy */
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_udf_info info;
	struct img_error err = {0};
	struct img_filetree *t = NULL;
	ck_assert_int_eq(img_udf_read_tree(src, &t, &info, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "62914560 bytes: larger than the image") != NULL, "%s",
		      err.detail);
	file_entry(root, 1, 4, 8000, 8, 0);
	memcpy(sec(PSTART + 31), root, 2048);
	ck_assert_int_eq(img_udf_read_tree(src, &t, &info, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "extents hold 2132 of 8000 bytes") != NULL, "%s",
		      err.detail);
	img_source_close(src);
}
END_TEST

/* A sparable partition (UDF 2.60 2.2.9, 2.2.12): packet 32-63 of the partition is spared to
 * sector 500, so the root entry at block 40 is read from sector 508. */
START_TEST(sparable_partition)
{
	make_udf250();
	unsigned char *lvd = sec(34);
	memset(lvd + 440, 0, 70);
	put32(lvd + 256, 0);       /* FSD in partition reference 0 */
	put32(lvd + 264, 64);
	put32(lvd + 268, 1);
	unsigned char *m = lvd + 440;
	m[0] = 2, m[1] = 64;
	memcpy(m + 5, "*UDF Sparable Partition", 23);
	put16(m + 40, 32);         /* packet length */
	m[42] = 1;                 /* one sparing table of 64 bytes at sector 100 */
	put32(m + 44, 64);
	put32(m + 48, 100);
	sign(lvd, 440 + 64 - 16);
	unsigned char *st = sec(100);
	tag(st, 0, 100);
	memcpy(st + 17, "*UDF Sparing Table", 18);
	put16(st + 48, 1);
	put32(st + 56, 32);
	put32(st + 60, 500);
	sign(st, 64 - 16);
	unsigned char *fsd = sec(PSTART);
	memset(fsd, 0, 2048);
	tag(fsd, 256, 0);
	put32(fsd + 400, 2048);
	put32(fsd + 404, 40);
	sign(fsd, 496);
	file_entry(sec(508), 40, 4, 0, 0, 0);

	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_udf_info info;
	struct img_error err = {0};
	struct img_filetree *t = NULL;
	ck_assert_msg(img_udf_read_tree(src, &t, &info, &err) == IMG_OK, "%s", err.detail);
	ck_assert_int_eq(info.maps[0].kind, IMG_UDF_MAP_SPARABLE);
	ck_assert_uint_eq(info.maps[0].spared_packets, 1);
	ck_assert_uint_eq(t->root->nchildren, 0);
	img_filetree_free(t);
	/* Without the table entry block 40 is sector 340, which holds no file entry. */
	put32(st + 56, 0xfffffff0u);
	sign(st, 64 - 16);
	ck_assert_int_eq(img_udf_read_tree(src, &t, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "UDF ICB at byte 696320"));
	/* A sparing table past the end of the image is refused before it is allocated. */
	put32(m + 48, 700);
	sign(lvd, 440 + 64 - 16);
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "sparing table: 2048 bytes at byte 1433600 lie past the "
			     "end") != NULL, "%s", err.detail);
	img_source_close(src);
}
END_TEST

static Suite *udf_suite(void)
{
	Suite *s = suite_create("udf_read");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, crc_ccitt_known_value);
	tcase_add_test(tc, anchor_checks);
	tcase_add_test(tc, metadata_partition);
	tcase_add_test(tc, places_of_a_metadata_partition);
	tcase_add_test(tc, sparable_partition);
	tcase_add_test(tc, directory_size_checked_before_reading);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_suite)
