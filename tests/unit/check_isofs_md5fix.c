/* Unit tests of common/build/isofs_md5fix.c over hand-made streams laid out as libisofs
 * writes them with MD5s on: superblock tag after the descriptors, tree tag, file data,
 * checksum array, session tag.  The expected MD5s come from OpenSSL, not from libisofs. */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/error.h"
#include "common/build/isofs_md5fix.h"
#include "tests/unit/unit.h"

#define BLK 2048u

static void md5(const void *p, size_t n, unsigned char out[16])
{
	unsigned int len = 0;
	ck_assert(EVP_Digest(p, n, out, &len, EVP_md5(), NULL) == 1 && len == 16);
}

static int hex(char *to, const unsigned char m[16])
{
	for (int i = 0; i < 16; i++)
		sprintf(to + 2 * i, "%02x", m[i]);
	return 32;
}

/* A tag as libisofs's iso_md5_write_tag writes it (next < 0: no next field). */
static void tag(uint8_t *blk, const char *magic, uint32_t pos, uint32_t start, long next,
		const unsigned char m[16])
{
	char t[BLK];
	int l = snprintf(t, sizeof(t), "%s pos=%u range_start=%u range_size=%u", magic, pos,
			 start, pos - start);
	if (next >= 0)
		l += snprintf(t + l, sizeof(t) - (size_t)l, " next=%ld", next);
	l += snprintf(t + l, sizeof(t) - (size_t)l, " md5=");
	l += hex(t + l, m);
	unsigned char self[16];
	md5(t, (size_t)l, self);
	l += snprintf(t + l, sizeof(t) - (size_t)l, " self=");
	l += hex(t + l, self);
	t[l++] = '\n';
	memset(blk, 0, BLK);
	memcpy(blk, t, (size_t)l);
}

struct layout {
	uint32_t session, sb, tree, array, count, blocks, total;
};

/* The stream of l (blocks session .. session + total - 1) with right MD5s everywhere when
 * right, else with the tree tag, the session tag and the array's first and last entries
 * over other bytes (as libisofs's are when zero blocks were put in); block tree - 2 zero. */
static uint8_t *stream(const struct layout *l, bool right)
{
	uint8_t *s = malloc((size_t)l->total * BLK);
	ck_assert_ptr_nonnull(s);
	srand(7);
	for (size_t i = 0; i < (size_t)l->total * BLK; i++)
		s[i] = (uint8_t)rand();
	memset(s, 0, 16 * BLK);
	memset(s + (size_t)(l->tree - 2 - l->session) * BLK, 0, BLK);
	uint8_t *b = s - (size_t)l->session * BLK; /* b + lba * BLK: block lba */
	unsigned char m[16], other[16];
	md5("elsewhere", 9, other);
	md5(s, (size_t)(l->sb - l->session) * BLK, m);
	tag(b + (size_t)l->sb * BLK, "libisofs_sb_checksum_tag_v1", l->sb, l->session, l->tree, m);
	md5(s, (size_t)(l->tree - l->session) * BLK, m);
	uint32_t stag = l->array + l->blocks;
	tag(b + (size_t)l->tree * BLK, "libisofs_tree_checksum_tag_v1", l->tree, l->session, stag,
	    right ? m : other);
	uint8_t *a = b + (size_t)l->array * BLK;
	memset(a, 0, (size_t)l->blocks * BLK);
	for (uint32_t i = 1; i + 1 < l->count; i++)
		md5(&i, sizeof(i), a + 16 * i);
	md5(s, (size_t)(l->array - l->session) * BLK, m);
	memcpy(a, right ? m : other, 16);
	md5(a, 16 * (size_t)(l->count - 1), m);
	memcpy(a + 16 * (size_t)(l->count - 1), right ? m : other, 16);
	md5(s, (size_t)(stag - l->session) * BLK, m);
	tag(b + (size_t)stag * BLK, "libisofs_checksum_tag_v1", stag, l->session, -1,
	    right ? m : other);
	return s;
}

/* Passes s through a fix in pieces of 1, 2, 3, ... blocks (-1: no error, but not done). */
static int pass(const struct layout *l, uint8_t *s, struct img_error *err)
{
	struct img_md5fix *f;
	ck_assert_int_eq(img_md5fix_new(l->session, l->array, l->count, &f), IMG_OK);
	int rc = IMG_OK;
	for (uint32_t at = 0, k = 1; rc == IMG_OK && at < l->total; at += k, k++) {
		uint32_t n = l->total - at < k ? l->total - at : k;
		rc = img_md5fix_pass(f, s + (size_t)at * BLK, (size_t)n * BLK, err);
		if (rc == IMG_OK && img_md5fix_tree_passed(f))
			ck_assert_uint_gt(l->session + at + n, l->tree);
	}
	if (rc == IMG_OK && !img_md5fix_done(f))
		rc = -1;
	img_md5fix_free(f);
	return rc;
}

static void fixes(const struct layout *l)
{
	uint8_t *want = stream(l, true), *got = stream(l, false);
	struct img_error err = {0};
	ck_assert_int_ne(memcmp(want, got, (size_t)l->total * BLK), 0);
	ck_assert_int_eq(pass(l, got, &err), IMG_OK);
	ck_assert_int_eq(memcmp(want, got, (size_t)l->total * BLK), 0);
	/* Right MD5s stay byte for byte. */
	ck_assert_int_eq(pass(l, want, &err), IMG_OK);
	uint8_t *again = stream(l, true);
	ck_assert_int_eq(memcmp(want, again, (size_t)l->total * BLK), 0);
	free(want);
	free(got);
	free(again);
}

START_TEST(test_fixes_tags_and_array)
{
	/* 300 entries: the last one in the array's third block. */
	struct layout l = {0, 19, 40, 60, 300, 3, 64};
	fixes(&l);
}
END_TEST

START_TEST(test_fixes_in_later_session)
{
	/* A session at 277 (as with -udf), 128 entries: the last one ends the array's block. */
	struct layout l = {277, 296, 330, 350, 128, 1, 76};
	fixes(&l);
}
END_TEST

START_TEST(test_refuses_tag_elsewhere)
{
	struct layout l = {0, 19, 40, 60, 300, 3, 64};
	uint8_t *s = stream(&l, false);
	struct img_error err = {0};
	/* The tree tag one block later than the superblock tag's next= says. */
	memcpy(s + 41 * BLK, s + 40 * BLK, BLK);
	memset(s + 40 * BLK, 'x', BLK);
	ck_assert_int_eq(pass(&l, s, &err), IMG_EISOFS);
	ck_assert_ptr_nonnull(strstr(err.detail, "block 40"));
	free(s);
	/* A damaged tag (its self MD5 wrong). */
	s = stream(&l, false);
	char *hexd = strstr((char *)s + 40 * BLK, " md5=") + 5;
	*hexd = *hexd == '0' ? '1' : '0';
	ck_assert_int_eq(pass(&l, s, &err), IMG_EISOFS);
	ck_assert_ptr_nonnull(strstr(err.detail, "damaged"));
	free(s);
	/* No superblock tag at all. */
	struct layout longer = l;
	longer.total = 80;
	s = stream(&longer, false);
	memset(s + 19 * BLK, 0, BLK);
	ck_assert_int_eq(pass(&longer, s, &err), IMG_EISOFS);
	ck_assert_ptr_nonnull(strstr(err.detail, "no superblock"));
	free(s);
	/* The session tag not right after the array. */
	struct layout m = l;
	m.array = 59;
	s = stream(&l, false);
	ck_assert_int_eq(pass(&m, s, &err), IMG_EISOFS);
	free(s);
	/* A stream that ends before its session tag: not done. */
	struct layout shorter = l;
	shorter.total = 62;
	s = stream(&l, false);
	ck_assert_int_eq(pass(&shorter, s, &err), -1);
	free(s);
}
END_TEST

START_TEST(test_refuses_part_blocks)
{
	struct img_md5fix *f;
	struct img_error err = {0};
	uint8_t b[BLK + 1] = {0};
	ck_assert_int_eq(img_md5fix_new(0, 60, 300, &f), IMG_OK);
	ck_assert_int_eq(img_md5fix_pass(f, b, BLK + 1, &err), IMG_EINVAL);
	img_md5fix_free(f);
	ck_assert_int_eq(img_md5fix_new(0, 60, 1, &f), IMG_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(img_md5fix_new(20, 10, 300, &f), IMG_EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("isofs_md5fix");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_fixes_tags_and_array);
	tcase_add_test(tc, test_fixes_in_later_session);
	tcase_add_test(tc, test_refuses_tag_elsewhere);
	tcase_add_test(tc, test_refuses_part_blocks);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
