/* Unit tests of common/build/isofs_realign.c over small hand-made streams laid out as
 * libisofs writes them: volume descriptors at 16, the root's records at 20, its Continuation
 * Area after them, a subdirectory, the path tables. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/error.h"
#include "common/build/isofs_realign.h"
#include "tests/unit/unit.h"

#define BLK 2048u
#define MAXB 40u

static void both32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

/* A directory record (ECMA-119 9.1) at p: name of nlen bytes, then su (sulen bytes);
 * returns its length. */
static size_t record(uint8_t *p, uint32_t lba, uint32_t size, bool dir, const char *name,
		     size_t nlen, const uint8_t *su, size_t sulen)
{
	size_t len = 33 + nlen + (nlen % 2 == 0) + sulen;
	len += len % 2;
	memset(p, 0, len);
	p[0] = (uint8_t)len;
	both32(p + 2, lba);
	both32(p + 10, size);
	p[25] = dir ? 2 : 0;
	p[32] = (uint8_t)nlen;
	memcpy(p + 33, name, nlen);
	memcpy(p + 33 + nlen + (nlen % 2 == 0), su, sulen);
	return len;
}

static void ce(uint8_t *p, uint32_t lba, uint32_t off, uint32_t len)
{
	memset(p, 0, 28);
	p[0] = 'C';
	p[1] = 'E';
	p[2] = 28;
	p[3] = 1;
	both32(p + 4, lba);
	both32(p + 12, off);
	both32(p + 20, len);
}

/* The stream (blocks from 0) as libisofs writes it: the root at 20 whose CA the layout gave
 * ca_laid blocks, the CA written in ca_written blocks (its first part's CE in "."; with two
 * blocks, a CE at the end of the first part chains to the second), then the subdirectory,
 * recorded at sub_lba, then the path tables, recorded right after it.  *n: blocks. */
static uint8_t *stream(unsigned ca_written, uint32_t sub_lba, bool dot_ok, size_t *n)
{
	uint8_t *s = calloc(MAXB, BLK);
	uint8_t *pvd = s + 16 * BLK;
	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	pvd[6] = 1;
	record(pvd + 156, 20, BLK, true, "\0", 1, NULL, 0);
	uint32_t pt = sub_lba + 1;
	pvd[140] = (uint8_t)pt; /* L path table (little-endian) */
	uint8_t *term = s + 17 * BLK;
	term[0] = 255;
	memcpy(term + 1, "CD001", 5);
	uint8_t su[28];
	ce(su, 21, 0, 100);
	size_t at = 20 * BLK;
	at += record(s + at, 20, BLK, true, "\0", 1, su, sizeof(su));
	at += record(s + at, 20, BLK, true, "\1", 1, NULL, 0);
	record(s + at, sub_lba, BLK, true, "SUB", 3, NULL, 0);
	/* The CA: a part of 100 bytes at 21 (and a chained one at 22). */
	uint8_t *ca = s + 21 * BLK;
	memcpy(ca, "NM\x0c\x01\0abcdefg", 12);
	if (ca_written == 2) {
		ce(ca + 12, 22, 0, 12);
		memcpy(s + 22 * BLK, "NM\x0c\x01\0hijklmn", 12);
	}
	size_t b = 21 + ca_written;
	record(s + b * BLK, dot_ok ? sub_lba : sub_lba + 5, BLK, true, "\0", 1, NULL, 0);
	record(s + b * BLK + 34, 20, BLK, true, "\1", 1, NULL, 0);
	memset(s + (b + 1) * BLK, 0x50, BLK); /* path table bytes */
	*n = b + 2;
	return s;
}

/* Feeds the stream in pieces of piece bytes, as image.c does (the bytes after a gap again),
 * and rebuilds the output; returns the walk's result, *out (blocks *nout) the output. */
static int realign(const uint8_t *s, size_t n, size_t piece, uint8_t **out, size_t *nout,
		   uint64_t *inserted)
{
	struct img_realign *r;
	ck_assert_int_eq(img_realign_new(0, 0, &r), IMG_OK);
	uint8_t *o = calloc(MAXB + 8, BLK);
	size_t olen = 0;
	struct img_error err = {0};
	int rc = IMG_OK;
	for (size_t off = 0; off < n * BLK && rc == IMG_OK;) {
		size_t k = n * BLK - off < piece ? n * BLK - off : piece, use;
		uint64_t gap;
		rc = img_realign_scan(r, s + off, k, &use, &gap, &err);
		if (rc != IMG_OK)
			break;
		ck_assert_uint_le(use, k);
		ck_assert_uint_eq(gap % BLK, 0);
		ck_assert(olen + use + gap <= (MAXB + 8) * BLK);
		memcpy(o + olen, s + off, use);
		olen += use + gap; /* o is zeroed */
		off += use;
	}
	if (rc != IMG_OK)
		ck_assert_str_ne(err.detail, "");
	*inserted = img_realign_inserted(r);
	img_realign_free(r);
	*out = o;
	*nout = olen / BLK;
	return rc;
}

static const size_t pieces[] = {1, 7, 2047, 2048, 2049, 6000, 65536};

START_TEST(short_ca_gets_its_missing_block)
{
	/* Laid out: CA of 2 blocks (21, 22), subdirectory at 23; written: CA of 1 block. */
	size_t n;
	uint8_t *s = stream(1, 23, true, &n);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		uint8_t *o;
		size_t no;
		uint64_t ins;
		ck_assert_int_eq(realign(s, n, pieces[i], &o, &no, &ins), IMG_OK);
		ck_assert_uint_eq(ins, 1);
		ck_assert_uint_eq(no, n + 1);
		ck_assert_mem_eq(o, s, 22 * BLK);
		for (size_t k = 0; k < BLK; k++)
			ck_assert_uint_eq(o[22 * BLK + k], 0);
		ck_assert_mem_eq(o + 23 * BLK, s + 22 * BLK, 2 * BLK);
		free(o);
	}
	free(s);
}
END_TEST

START_TEST(exact_layout_and_chained_ca_pass_unchanged)
{
	size_t n;
	uint8_t *plain = stream(1, 22, true, &n), *o;
	size_t no;
	uint64_t ins;
	ck_assert_int_eq(realign(plain, n, 4096, &o, &no, &ins), IMG_OK);
	ck_assert_uint_eq(ins, 0);
	ck_assert_uint_eq(no, n);
	ck_assert_mem_eq(o, plain, n * BLK);
	free(o);
	free(plain);
	/* A CA that chains on to a second block is all written: nothing to put in. */
	uint8_t *chained = stream(2, 23, true, &n);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		ck_assert_int_eq(realign(chained, n, pieces[i], &o, &no, &ins), IMG_OK);
		ck_assert_uint_eq(ins, 0);
		ck_assert_mem_eq(o, chained, n * BLK);
		free(o);
	}
	free(chained);
}
END_TEST

START_TEST(more_written_than_laid_out_fails)
{
	/* The subdirectory recorded at 22, where the chained CA's second block is written. */
	size_t n, no;
	uint8_t *s = stream(2, 22, true, &n), *o;
	uint64_t ins;
	ck_assert_int_eq(realign(s, n, 2048, &o, &no, &ins), IMG_EISOFS);
	free(o);
	free(s);
}
END_TEST

START_TEST(directory_elsewhere_than_recorded_fails)
{
	size_t n, no;
	uint8_t *s = stream(1, 23, false, &n), *o;
	uint64_t ins;
	ck_assert_int_eq(realign(s, n, 2048, &o, &no, &ins), IMG_EISOFS);
	free(o);
	free(s);
}
END_TEST

START_TEST(ce_outside_the_ca_fails)
{
	size_t n, no;
	uint8_t *s = stream(1, 23, true, &n), *o;
	uint64_t ins;
	/* The "." record's CE (its System Use field starts at byte 34) names block 19. */
	ce(s + 20 * BLK + 34, 19, 0, 100);
	ck_assert_int_eq(realign(s, n, 2048, &o, &no, &ins), IMG_EISOFS);
	free(o);
	/* A part that would cross its block. */
	ce(s + 20 * BLK + 34, 21, 2000, 100);
	ck_assert_int_eq(realign(s, n, 2048, &o, &no, &ins), IMG_EISOFS);
	free(o);
	free(s);
}
END_TEST

START_TEST(ca_part_naming_its_own_block_fails)
{
	/* Found by fuzz_realign: a part whose CE names the part itself was read again and
	 * again, each time adding one more part, until memory ran out. */
	size_t n, no;
	uint8_t *s = stream(1, 23, true, &n), *o;
	uint64_t ins;
	ce(s + 21 * BLK + 12, 21, 0, 100);
	ck_assert_int_eq(realign(s, n, 2048, &o, &no, &ins), IMG_EISOFS);
	free(o);
	free(s);
}
END_TEST

static Suite *isofs_realign_suite(void)
{
	Suite *s = suite_create("isofs_realign");
	TCase *tc = tcase_create("isofs_realign");
	tcase_add_test(tc, short_ca_gets_its_missing_block);
	tcase_add_test(tc, exact_layout_and_chained_ca_pass_unchanged);
	tcase_add_test(tc, more_written_than_laid_out_fails);
	tcase_add_test(tc, directory_elsewhere_than_recorded_fails);
	tcase_add_test(tc, ce_outside_the_ca_fails);
	tcase_add_test(tc, ca_part_naming_its_own_block_fails);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(isofs_realign_suite)
