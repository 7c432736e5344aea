/* Unit tests of the streaming ISO 9660 directory scan (common/udf/udf_isoscan.c) over sessions
 * built here by hand after ECMA-119 (8.4 volume descriptors, 9.1 directory records). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/udf/udf_isoscan.h"
#include "tests/unit/unit.h"

#define BLK 2048u
#define DATA_START 30u

static uint8_t img[DATA_START * BLK];

static void both32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

/* A directory record (ECMA-119 9.1) at p; returns its length. */
static size_t record(uint8_t *p, uint32_t lba, uint32_t size, uint8_t flags, const char *name)
{
	size_t nlen = strlen(name), len = 33 + nlen + (nlen % 2 == 0);
	memset(p, 0, len);
	p[0] = (uint8_t)len;
	both32(p + 2, lba);
	both32(p + 10, size);
	p[25] = flags;
	p[32] = (uint8_t)nlen;
	memcpy(p + 33, name, nlen);
	return len;
}

static size_t dot(uint8_t *p, uint32_t lba, uint8_t which)
{
	size_t len = record(p, lba, BLK, 2, "x");
	p[33] = which;
	return len;
}

/* Session at 0: PVD at 16 (root at 20), terminator at 17; the root lists A (100 bytes at
 * 30), SUB (at 21) and BIG in two sections (4096 bytes at 31 and 10 at 33); SUB lists C. */
static void build(uint32_t sub_lba)
{
	memset(img, 0, sizeof(img));
	uint8_t *pvd = img + 16 * BLK;
	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	dot(pvd + 156, 20, 0); /* the root directory record (8.4.18) */
	uint8_t *term = img + 17 * BLK;
	term[0] = 255;
	memcpy(term + 1, "CD001", 5);
	uint8_t *root = img + 20 * BLK;
	size_t o = dot(root, 20, 0);
	o += dot(root + o, 20, 1);
	o += record(root + o, 30, 100, 0, "A;1");
	o += record(root + o, 31, 4096, 0x80, "BIG;1");
	o += record(root + o, 33, 10, 0, "BIG;1");
	record(root + o, sub_lba, BLK, 2, "SUB");
	uint8_t *sub = img + 21 * BLK;
	o = dot(sub, 21, 0);
	o += dot(sub + o, 20, 1);
	record(sub + o, 35, 2048, 0, "C;1");
}

/* Feeds the whole session in pieces of piece bytes; returns the feed's or finish's outcome. */
static int scan(size_t piece, struct img_isoscan **out)
{
	struct img_error err = {0};
	ck_assert_int_eq(img_isoscan_new(0, DATA_START, 4, out), IMG_OK);
	for (size_t off = 0; off < sizeof(img); off += piece) {
		size_t n = sizeof(img) - off < piece ? sizeof(img) - off : piece;
		int rc = img_isoscan_feed(*out, img + off, off, n, &err);
		if (rc != IMG_OK)
			return rc;
	}
	return img_isoscan_finish(*out, &err);
}

START_TEST(finds_the_files_in_any_pieces)
{
	static const size_t pieces[] = {1, 33, 2047, 2048, 6000, sizeof(img)};
	build(21);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		struct img_isoscan *s;
		ck_assert_int_eq(scan(pieces[i], &s), IMG_OK);
		ck_assert_uint_eq(img_isoscan_count(s), 3);
		ck_assert(img_isoscan_has(s, 30, 100));
		ck_assert(img_isoscan_has(s, 31, 4106)); /* the sections added up */
		ck_assert(!img_isoscan_has(s, 31, 4096));
		ck_assert(img_isoscan_has(s, 35, 2048));
		ck_assert(!img_isoscan_has(s, 21, BLK)); /* a directory is no file */
		struct img_isoscan_walk w;
		img_isoscan_walk_start(s, &w);
		ck_assert(img_isoscan_walk_has(s, &w, 30, 100));
		ck_assert(!img_isoscan_walk_has(s, &w, 31, 5));
		ck_assert(img_isoscan_walk_has(s, &w, 31, 4106));
		ck_assert(img_isoscan_walk_has(s, &w, 35, 2048));
		img_isoscan_free(s);
	}
}
END_TEST

START_TEST(refuses_what_a_session_cannot_hold)
{
	struct img_isoscan *s;
	/* A directory before the one that lists it, one past the metadata. */
	build(19);
	ck_assert_int_eq(scan(BLK, &s), IMG_EISOFS);
	img_isoscan_free(s);
	build(DATA_START);
	ck_assert_int_eq(scan(BLK, &s), IMG_EISOFS);
	img_isoscan_free(s);
	/* A record shorter than its fixed part. */
	build(21);
	img[21 * BLK + 2 * 34] = 20;
	ck_assert_int_eq(scan(BLK, &s), IMG_EISOFS);
	img_isoscan_free(s);
	/* No volume descriptor at 16. */
	build(21);
	memset(img + 16 * BLK, 0, BLK);
	ck_assert_int_eq(scan(BLK, &s), IMG_EISOFS);
	img_isoscan_free(s);
}
END_TEST

static Suite *udf_isoscan_suite(void)
{
	Suite *s = suite_create("udf_isoscan");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, finds_the_files_in_any_pieces);
	tcase_add_test(tc, refuses_what_a_session_cannot_hold);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_isoscan_suite)
