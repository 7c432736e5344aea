/* Unit tests of common/udf/udf_md5.c: the VRS after the ISO terminator, libisofs's relocated
 * superblock checksum tag moved behind it and still valid.  (The proof against libisofs's
 * own reader is tests/e2e/mkimage-udf-md5.sh, through xorriso.) */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/udf/udf_md5.h"
#include "tests/unit/unit.h"

#define BLK 2048u

static void md5_hex(const void *data, size_t len, char hex[33])
{
	unsigned char md[16];
	unsigned int n = 0;
	ck_assert(EVP_Digest(data, len, md, &n, EVP_md5(), NULL) == 1 && n == 16);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* A 64 KiB superblock: a system area with some bytes, a PVD at 16 and the terminator at term. */
static uint8_t *superblock(uint32_t nblocks, uint32_t term)
{
	uint8_t *b = calloc(nblocks, BLK);
	ck_assert_ptr_nonnull(b);
	for (unsigned i = 0; i < 16 * BLK; i += 97)
		b[i] = (uint8_t)(i * 7 + 1);
	for (uint32_t k = 16; k <= term; k++) {
		b[k * BLK] = k == term ? 255 : 1;
		memcpy(b + k * BLK + 1, "CD001\1", 6);
	}
	return b;
}

/* The tag as libisofs 1.5.4 writes it in the overwrite buffer (md5.c iso_md5_write_tag,
 * mode 4), written here independently of udf_md5.c. */
static void libisofs_tag(uint8_t *b, uint32_t pos, const char *magic, uint32_t session)
{
	char md5[33], self[33], text[BLK];
	md5_hex(b, (size_t)pos * BLK, md5);
	int len = snprintf(text, sizeof(text), "%s pos=%u range_start=0 range_size=%u "
			   "session_start=%u md5=%s", magic, pos, pos, session, md5);
	md5_hex(text, (size_t)len, self);
	snprintf(text + len, sizeof(text) - (size_t)len, " self=%s\n", self);
	memset(b + pos * BLK, 0, BLK);
	memcpy(b + pos * BLK, text, strlen(text));
}

/* Asserts that b[from..to) is all zero, with one ck_assert naming the first other byte: one
 * assert per byte of 20 blocks cost seconds under load (Check's timeout). */
static void expect_zeros(const uint8_t *b, size_t from, size_t to)
{
	size_t i = from;
	while (i < to && b[i] == 0)
		i++;
	ck_assert_msg(i == to, "byte %zu (block %zu) is 0x%02x, not zero", i, i / BLK,
		      i < to ? b[i] : 0);
}

static void vrs(uint8_t out[3 * BLK])
{
	static const char *const ids[3] = {"BEA01", "NSR02", "TEA01"};
	memset(out, 0, 3 * BLK);
	for (int i = 0; i < 3; i++) {
		memcpy(out + i * BLK + 1, ids[i], 5);
		out[i * BLK + 6] = 1;
	}
}

static void expect_vrs(const uint8_t *b, uint32_t term)
{
	ck_assert_mem_eq(b + (term + 1) * BLK + 1, "BEA01", 5);
	ck_assert_mem_eq(b + (term + 2) * BLK + 1, "NSR02", 5);
	ck_assert_mem_eq(b + (term + 3) * BLK + 1, "TEA01", 5);
}

START_TEST(without_tag)
{
	uint8_t *b = superblock(32, 18), v[3 * BLK];
	vrs(v);
	uint32_t at = 99;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 18, v, 3, &at, &err), IMG_OK);
	ck_assert_uint_eq(at, 0);
	expect_vrs(b, 18);
	expect_zeros(b, 22 * BLK, 32 * BLK);
	free(b);
}
END_TEST

START_TEST(tag_moved_and_valid)
{
	uint8_t *b = superblock(32, 18), v[3 * BLK];
	libisofs_tag(b, 19, "libisofs_rlsb32_checksum_tag_v1", 300);
	vrs(v);
	uint32_t at = 0;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 18, v, 3, &at, &err), IMG_OK);
	ck_assert_uint_eq(at, 22);
	expect_vrs(b, 18);
	/* The tag at 22 covers blocks 0..21 (VRS included) and names the same session. */
	char text[BLK + 1] = {0}, md5[33], self[33], want[33];
	memcpy(text, b + 22 * BLK, BLK);
	unsigned pos, start, size, session;
	ck_assert_int_eq(sscanf(text, "libisofs_rlsb32_checksum_tag_v1 pos=%u range_start=%u "
				"range_size=%u session_start=%u md5=%32s self=%32s", &pos, &start,
				&size, &session, md5, self), 6);
	ck_assert_uint_eq(pos, 22);
	ck_assert_uint_eq(start, 0);
	ck_assert_uint_eq(size, 22);
	ck_assert_uint_eq(session, 300);
	md5_hex(b, 22 * BLK, want);
	ck_assert_str_eq(md5, want);
	md5_hex(text, (size_t)(strstr(text, " self=") - text), want);
	ck_assert_str_eq(self, want);
	ck_assert_ptr_nonnull(strchr(text, '\n'));
	expect_zeros(b, 22 * BLK + strlen(text), 32 * BLK);
	free(b);
}
END_TEST

START_TEST(tag_not_matching)
{
	uint8_t *b = superblock(32, 18), v[3 * BLK];
	libisofs_tag(b, 19, "libisofs_rlsb32_checksum_tag_v1", 300);
	b[5 * BLK] ^= 0xff; /* the system area changed after libisofs hashed it */
	vrs(v);
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 18, v, 3, NULL, &err), IMG_EISOFS);
	ck_assert_ptr_nonnull(strstr(err.detail, "does not match"));
	free(b);
}
END_TEST

START_TEST(other_tag_refused)
{
	uint8_t *b = superblock(32, 18), v[3 * BLK];
	libisofs_tag(b, 19, "libisofs_sb_checksum_tag_v1", 300);
	vrs(v);
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 18, v, 3, NULL, &err), IMG_EISOFS);
	free(b);
}
END_TEST

START_TEST(damaged_tag_refused)
{
	uint8_t *b = superblock(32, 18), v[3 * BLK];
	libisofs_tag(b, 19, "libisofs_rlsb32_checksum_tag_v1", 300);
	char *self = strstr((char *)b + 19 * BLK, "self=");
	self[5] = self[5] == '0' ? '1' : '0';
	vrs(v);
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 18, v, 3, NULL, &err), IMG_EISOFS);
	ck_assert_ptr_nonnull(strstr(err.detail, "damaged"));
	free(b);
}
END_TEST

START_TEST(no_room)
{
	uint8_t *b = superblock(32, 18), v[3 * BLK];
	b[20 * BLK + 7] = 1;
	vrs(v);
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 18, v, 3, NULL, &err), IMG_EISOFS);
	ck_assert_ptr_nonnull(strstr(err.detail, "no room"));
	ck_assert_int_eq(img_udf_place_vrs(b, 32, 30, v, 3, NULL, &err), IMG_EISOFS);
	free(b);
}
END_TEST

/* With -partition_offset the buffer is longer than 32 blocks; a tag that would land past
 * block 31, where libisofs no longer looks, is left out. */
START_TEST(tag_past_31_dropped)
{
	uint8_t *b = superblock(48, 28), v[3 * BLK];
	libisofs_tag(b, 29, "libisofs_rlsb32_checksum_tag_v1", 400);
	vrs(v);
	uint32_t at = 99;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_place_vrs(b, 48, 28, v, 3, &at, &err), IMG_OK);
	ck_assert_uint_eq(at, 0);
	expect_vrs(b, 28);
	expect_zeros(b, 32 * BLK, 48 * BLK);
	free(b);
}
END_TEST

static Suite *udf_md5_suite(void)
{
	Suite *s = suite_create("udf_md5");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, without_tag);
	tcase_add_test(tc, tag_moved_and_valid);
	tcase_add_test(tc, tag_not_matching);
	tcase_add_test(tc, other_tag_refused);
	tcase_add_test(tc, damaged_tag_refused);
	tcase_add_test(tc, no_room);
	tcase_add_test(tc, tag_past_31_dropped);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_md5_suite)
