/* Unit tests of common/base/unicode.c: UTF-8 encoding checked against iconv's, and the
 * bounds of the output buffer. */
#include <iconv.h>
#include <string.h>

#include "common/base/unicode.h"
#include "tests/unit/unit.h"

START_TEST(every_bmp_code_point_as_iconv_encodes_it)
{
	iconv_t cd = iconv_open("UTF-8", "UCS-2BE");
	ck_assert(cd != (iconv_t)-1);
	for (unsigned c = 1; c <= 0xffff; c++) {
		if (c >= 0xd800 && c < 0xe000)
			continue; /* surrogates: not characters */
		char in[2] = {(char)(c >> 8), (char)(c & 0xff)}, want[8], got[8];
		char *ip = in, *op = want;
		size_t il = 2, ol = sizeof(want);
		ck_assert_int_ne(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
		size_t wlen = sizeof(want) - ol;
		size_t len = img_utf8_append(got, 0, sizeof(got), c);
		ck_assert_uint_eq(len, wlen);
		ck_assert_msg(memcmp(got, want, len) == 0, "U+%04X", c);
	}
	iconv_close(cd);
}
END_TEST

START_TEST(appends_only_what_fits_with_the_nul)
{
	char buf[6];
	memset(buf, 'x', sizeof(buf));
	size_t len = img_utf8_append(buf, 0, sizeof(buf), 'a');         /* 1 byte */
	len = img_utf8_append(buf, len, sizeof(buf), 0xe9);              /* 2 bytes: 3 */
	ck_assert_uint_eq(len, 3);
	ck_assert_uint_eq(img_utf8_append(buf, len, sizeof(buf), 0x20ac), 3); /* 3 more: no */
	ck_assert_int_eq(buf[3], 'x');                                   /* nothing written */
	len = img_utf8_append(buf, len, sizeof(buf), 0xe9);              /* 2 more: 5 */
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(img_utf8_append(buf, len, sizeof(buf), 'b'), 5); /* the NUL's byte */
	buf[len] = '\0';
	ck_assert_str_eq(buf, "a\xc3\xa9\xc3\xa9");
	ck_assert_uint_eq(img_utf8_append(buf, 0, 0, 'a'), 0);
	ck_assert_uint_eq(img_utf8_append(buf, 0, 1, 'a'), 0);
}
END_TEST

static Suite *unicode_suite(void)
{
	Suite *s = suite_create("unicode");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, every_bmp_code_point_as_iconv_encodes_it);
	tcase_add_test(tc, appends_only_what_fits_with_the_nul);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(unicode_suite)
