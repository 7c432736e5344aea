/* Unit tests of common/build/file_attr.c. */
#include <stdlib.h>
#include <sys/types.h>

#include "common/base/error.h"
#include "common/build/file_attr.h"
#include "tests/unit/unit.h"

START_TEST(modes_in_octal)
{
	static const struct { const char *s; mode_t want; } ok[] = {
		{ "0", 0 }, { "644", 0644 }, { "0644", 0644 }, { "755", 0755 },
		{ "0555", 0555 }, { "4755", 04755 }, { "07777", 07777 }, { "00007", 07 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		mode_t m = 01;
		ck_assert_int_eq(img_file_mode_parse(ok[i].s, &m), IMG_OK);
		ck_assert_uint_eq(m, ok[i].want);
	}
}
END_TEST

START_TEST(bad_modes_leave_the_value)
{
	static const char *const bad[] = {
		"", "8", "0648", "10000", "017777", "000000", "+644", "-644", " 644", "644 ",
		"0x1ff", "u+rwx", "a=r", "rw-r--r--", "6 4 4",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mode_t m = 0123;
		ck_assert_msg(img_file_mode_parse(bad[i], &m) == IMG_EINVAL, "%s", bad[i]);
		ck_assert_uint_eq(m, 0123);
	}
	mode_t m = 0;
	ck_assert_int_eq(img_file_mode_parse(NULL, &m), IMG_EINVAL);
}
END_TEST

START_TEST(ids_in_decimal)
{
	unsigned long v = 7;
	ck_assert_int_eq(img_file_id_parse("0", &v), IMG_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(img_file_id_parse("1000", &v), IMG_OK);
	ck_assert_uint_eq(v, 1000);
	ck_assert_int_eq(img_file_id_parse("4294967294", &v), IMG_OK);
	ck_assert_uint_eq(v, 4294967294UL);
	static const char *const bad[] = {
		"", "4294967295", "4294967296", "99999999999", "-1", "+1", " 1", "1 ", "0x10",
		"root", "12a",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 55;
		ck_assert_msg(img_file_id_parse(bad[i], &v) == IMG_EINVAL, "%s", bad[i]);
		ck_assert_uint_eq(v, 55);
	}
	ck_assert_int_eq(img_file_id_parse(NULL, &v), IMG_EINVAL);
}
END_TEST

static Suite *file_attr_suite(void)
{
	Suite *s = suite_create("file_attr");
	TCase *tc = tcase_create("file_attr");
	tcase_add_test(tc, modes_in_octal);
	tcase_add_test(tc, bad_modes_leave_the_value);
	tcase_add_test(tc, ids_in_decimal);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(file_attr_suite)
