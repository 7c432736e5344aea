/* Unit tests of common/build/appendable.c's scan over hand-made targets laid out as xorriso
 * 1.5.4 grows a file (measured: sessions at 32, 64, 96 of 25, 26 and 75 blocks, the head's
 * PVD saying 171), and over plain, blank and damaged ones. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/error.h"
#include "common/build/appendable.h"
#include "tests/unit/unit.h"

#define BLK 2048u
#define NBLK 200u

static uint8_t disk[NBLK * BLK];

static void pvd(uint32_t lba, uint32_t blocks)
{
	uint8_t *b = disk + (size_t)lba * BLK;
	b[0] = 1;
	memcpy(b + 1, "CD001", 5);
	b[6] = 1;
	for (int i = 0; i < 4; i++) {
		b[80 + i] = (uint8_t)(blocks >> (8 * i));
		b[87 - i] = (uint8_t)(blocks >> (8 * i));
	}
}

static int mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	(void)arg;
	if (off + len > sizeof(disk))
		return -1;
	memcpy(buf, disk + off, len);
	return 0;
}

static int scan(uint64_t size, struct img_append_layout *l, struct img_error *e)
{
	return img_append_scan(disk, size, mem_read, NULL, l, e);
}

START_TEST(xorriso_three_sessions)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 171);
	pvd(32 + 16, 25);
	pvd(64 + 16, 26);
	pvd(96 + 16, 75);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_CHAINED);
	ck_assert_uint_eq(l.end, 171);
	ck_assert_uint_eq(l.next, 192);  /* xorriso -toc: "Media nwa: 192s" */
	ck_assert_uint_eq(l.newest, 96);
	ck_assert_uint_eq(l.sessions, 3);
	ck_assert(!l.chain_broken);
}
END_TEST

START_TEST(plain_image_is_one_session_at_0)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 100);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_PLAIN);
	ck_assert_uint_eq(l.next, 128);
	ck_assert_uint_eq(l.newest, 0);
	ck_assert_uint_eq(l.sessions, 1);
}
END_TEST

START_TEST(blank_goes_at_32)
{
	memset(disk, 0, sizeof(disk));
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_BLANK);
	ck_assert_uint_eq(l.next, 32);
	ck_assert_int_eq(scan(0, &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_BLANK);
}
END_TEST

START_TEST(broken_chain_keeps_the_head)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 171);
	pvd(32 + 16, 25);
	pvd(96 + 16, 75);  /* the one at 64 is gone */
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_CHAINED);
	ck_assert_uint_eq(l.sessions, 1);
	ck_assert(l.chain_broken);
	ck_assert_uint_eq(l.newest, 0);
	ck_assert_uint_eq(l.next, 192);
}
END_TEST

START_TEST(zero_sized_session_ends_the_walk)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 100);
	pvd(32 + 16, 0);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_PLAIN);
}
END_TEST

START_TEST(not_iso_or_truncated_is_corrupt)
{
	memset(disk, 0, sizeof(disk));
	disk[5] = 'x';
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(e.detail, "byte 32768"));
	memset(disk, 0, sizeof(disk));
	pvd(16, 171);
	ck_assert_int_eq(scan(170 * BLK, &l, &e), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(e.detail, "171 blocks"));
}
END_TEST

static Suite *appendable_suite(void)
{
	Suite *s = suite_create("appendable");
	TCase *tc = tcase_create("scan");
	tcase_add_test(tc, xorriso_three_sessions);
	tcase_add_test(tc, plain_image_is_one_session_at_0);
	tcase_add_test(tc, blank_goes_at_32);
	tcase_add_test(tc, broken_chain_keeps_the_head);
	tcase_add_test(tc, zero_sized_session_ends_the_walk);
	tcase_add_test(tc, not_iso_or_truncated_is_corrupt);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(appendable_suite)
