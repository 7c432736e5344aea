/* Unit tests of common/udf/udf_bootcat.c: the load addresses of a catalog in catalog order
 * (default entry first, then each section's entries), and its refusals.  The proof against
 * libisofs's catalogs and real firmware is tests/e2e/mkimage-udf-only-boot.sh. */
#include <stdint.h>
#include <string.h>

#include "common/udf/udf_bootcat.h"
#include "tests/unit/unit.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A catalog as libisofs writes it: validation entry (El Torito 1.0, 2.1), default entry at
 * rba[0], one section header (0x91, final) with n - 1 entries after it. */
static void catalog(uint8_t blk[2048], const uint32_t *rba, unsigned n)
{
	memset(blk, 0, 2048);
	blk[0] = 1;
	blk[30] = 0x55;
	blk[31] = 0xaa;
	uint16_t sum = 0;
	for (int i = 0; i < 32; i += 2)
		sum = (uint16_t)(sum + (blk[i] | blk[i + 1] << 8));
	sum = (uint16_t)-sum;
	blk[28] = (uint8_t)sum;
	blk[29] = (uint8_t)(sum >> 8);
	blk[32] = 0x88;
	blk[38] = 4;
	put32(blk + 40, rba[0]);
	if (n < 2)
		return;
	uint8_t *h = blk + 64;
	h[0] = 0x91;
	h[1] = 0xef;
	h[2] = (uint8_t)(n - 1);
	for (unsigned i = 1; i < n; i++) {
		uint8_t *e = blk + 64 + 32 * i;
		e[0] = 0x88;
		put32(e + 8, rba[i]);
	}
}

START_TEST(addresses_in_order)
{
	uint8_t blk[2048];
	const uint32_t rba[3] = {1042, 322, 5000};
	catalog(blk, rba, 3);
	uint32_t got[3] = {0};
	size_t n = 0;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_catalog_lbas(blk, 321, got, 3, &n, &err), IMG_OK);
	ck_assert_uint_eq(n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(got[i], rba[i]);
}
END_TEST

START_TEST(more_entries_than_room)
{
	uint8_t blk[2048];
	const uint32_t rba[3] = {1042, 322, 5000};
	catalog(blk, rba, 3);
	uint32_t got[2];
	size_t n = 0;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_catalog_lbas(blk, 321, got, 2, &n, &err), IMG_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(err.detail, "block 321"));
}
END_TEST

START_TEST(damaged_validation_entry)
{
	uint8_t blk[2048];
	const uint32_t rba[1] = {1042};
	catalog(blk, rba, 1);
	blk[4] ^= 1; /* the checksum no longer sums to zero */
	uint32_t got[1];
	size_t n = 9;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_catalog_lbas(blk, 321, got, 1, &n, &err), IMG_ECORRUPT);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static Suite *udf_bootcat_suite(void)
{
	Suite *s = suite_create("udf_bootcat");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, addresses_in_order);
	tcase_add_test(tc, more_entries_than_room);
	tcase_add_test(tc, damaged_validation_entry);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_bootcat_suite)
