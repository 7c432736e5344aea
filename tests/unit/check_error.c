/* Unit tests of common/base/error.c. */
#include <errno.h>
#include <string.h>

#include "common/base/error.h"
#include "tests/unit/unit.h"

START_TEST(strerror_covers_every_code)
{
	for (int i = 0; i < IMG_ERR_COUNT; i++)
		ck_assert_str_ne(img_strerror(i), "unknown error");
	ck_assert_str_eq(img_strerror(-1), "unknown error");
	ck_assert_str_eq(img_strerror(IMG_ERR_COUNT), "unknown error");
}
END_TEST

START_TEST(set_keeps_code_and_detail)
{
	struct img_error e;
	img_error_clear(&e);
	ck_assert_int_eq(img_error_set(&e, IMG_ENOENT, "%s/%d", "a", 7), IMG_ENOENT);
	ck_assert_int_eq(e.code, IMG_ENOENT);
	ck_assert_str_eq(e.detail, "a/7");
	ck_assert_int_eq(img_error_set(NULL, IMG_EIO, "x"), IMG_EIO);
}
END_TEST

START_TEST(errno_appends_system_message)
{
	struct img_error e;
	img_error_errno(&e, IMG_EIO, ENOENT, "cannot open %s", "f");
	ck_assert_str_eq(e.detail, "cannot open f: No such file or directory");
}
END_TEST

START_TEST(detail_is_truncated_not_overrun)
{
	struct img_error e;
	char big[4096];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	img_error_errno(&e, IMG_EIO, EIO, "%s", big);
	ck_assert_uint_eq(strlen(e.detail), sizeof(e.detail) - 1);
}
END_TEST

START_TEST(write_errno_mapping)
{
	ck_assert_int_eq(img_error_from_write_errno(ENOSPC), IMG_ENOSPC);
	ck_assert_int_eq(img_error_from_write_errno(EPIPE), IMG_EPIPE);
	ck_assert_int_eq(img_error_from_write_errno(EBADF), IMG_EIO);
}
END_TEST

static Suite *error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, strerror_covers_every_code);
	tcase_add_test(tc, set_keeps_code_and_detail);
	tcase_add_test(tc, errno_appends_system_message);
	tcase_add_test(tc, detail_is_truncated_not_overrun);
	tcase_add_test(tc, write_errno_mapping);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(error_suite)
