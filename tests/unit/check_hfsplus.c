/* Unit tests of common/build/hfsplus.c: option arguments of the Mac hybrid options. */
#include <string.h>

#include "common/build/hfsplus.h"
#include "tests/unit/unit.h"

START_TEST(block_sizes)
{
	int v = -1;
	ck_assert_int_eq(img_hfsplus_parse_block_size("512", &v), IMG_OK);
	ck_assert_int_eq(v, 512);
	ck_assert_int_eq(img_hfsplus_parse_block_size("2048", &v), IMG_OK);
	ck_assert_int_eq(v, 2048);
	ck_assert_int_eq(img_hfsplus_parse_block_size("0", &v), IMG_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(img_hfsplus_parse_block_size("1024", &v), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_parse_block_size("2048x", &v), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_parse_block_size("", &v), IMG_EINVAL);
}
END_TEST

START_TEST(serial_numbers)
{
	static const uint8_t want[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
	uint8_t s[8];
	ck_assert_int_eq(img_hfsplus_parse_serial("0123456789ABCDEF", s), IMG_OK);
	ck_assert_mem_eq(s, want, 8);
	ck_assert_int_eq(img_hfsplus_parse_serial("0123456789abcde", s), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_parse_serial("0123456789abcdef0", s), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_parse_serial("0123456789abcdeg", s), IMG_EINVAL);
}
END_TEST

START_TEST(codes_and_blessings)
{
	struct img_hfsplus_config c;
	struct img_error e = {0};
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(img_hfsplus_add_code(&c, "chrp", "tbxj", "/a", &e), IMG_OK);
	ck_assert_int_eq(img_hfsplus_add_code(&c, "chr", "tbxj", "/a", &e), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_add_code(&c, "chrp", "tbxjx", "/a", &e), IMG_EINVAL);
	ck_assert_uint_eq(c.n_codes, 1);
	ck_assert_mem_eq(c.codes[0].creator, "chrp", 4);
	ck_assert_mem_eq(c.codes[0].type, "tbxj", 4);
	ck_assert_str_eq(c.codes[0].path, "/a");
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "i", "/boot.efi", false, &e), IMG_OK);
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "ppc_bootdir", "/ppc", false, &e), IMG_OK);
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "9", "/os9", false, &e), IMG_OK);
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "X", "/osx", true, &e), IMG_OK);
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "z", "/a", false, &e), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "", "/a", false, &e), IMG_EINVAL);
	ck_assert_int_eq(img_hfsplus_add_bless(&c, "intel", "/a", false, &e), IMG_EINVAL);
	ck_assert_uint_eq(c.n_blesses, 4);
	ck_assert_int_eq(c.blesses[0].kind, IMG_HFSPLUS_BLESS_INTEL_BOOTFILE);
	ck_assert_int_eq(c.blesses[1].kind, IMG_HFSPLUS_BLESS_PPC_BOOTDIR);
	ck_assert_int_eq(c.blesses[2].kind, IMG_HFSPLUS_BLESS_OS9_FOLDER);
	ck_assert_int_eq(c.blesses[3].kind, IMG_HFSPLUS_BLESS_OSX_FOLDER);
	ck_assert(c.blesses[3].by_disk);
	img_hfsplus_config_free(&c);
	ck_assert_uint_eq(c.n_codes + c.n_blesses, 0);
}
END_TEST

static Suite *hfsplus_suite(void)
{
	Suite *s = suite_create("hfsplus");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, block_sizes);
	tcase_add_test(tc, serial_numbers);
	tcase_add_test(tc, codes_and_blessings);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(hfsplus_suite)
