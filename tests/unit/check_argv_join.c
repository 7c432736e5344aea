/* Unit tests of mkimage/argv_join.c: the multi-argument option joiner.  The program's sources
 * are not in libcommon.a; the joiner is self-contained, so it is compiled in here. */
#include <string.h>

#include "mkimage/argv_join.c"
#include "tests/unit/unit.h"

START_TEST(joins_each_table_option)
{
	const char *in[] = { "mkimage", "-append_partition", "2", "0xef", "efi.img",
			     "--sort-weight", "5", "/boot", "-hfs-bless-by", "p", "/System",
			     "--hfsplus-file-creator-type", "CR", "TY", "/f", "-o", "x.iso", "t" };
	int n = (int)(sizeof(in) / sizeof(in[0]));
	const char **out;
	int outc;
	char why[200];
	ck_assert_int_eq(mk_argv_join(n, in, &out, &outc, why, sizeof(why)), 0);
	ck_assert_int_eq(outc, 12);
	ck_assert_str_eq(out[1], "-append_partition");
	ck_assert_str_eq(out[2], "2\x1f" "0xef\x1f" "efi.img");
	ck_assert_str_eq(out[3], "--sort-weight");
	ck_assert_str_eq(out[4], "5\x1f/boot");
	ck_assert_str_eq(out[6], "p\x1f/System");
	ck_assert_str_eq(out[8], "CR\x1fTY\x1f/f");
	ck_assert_str_eq(out[9], "-o");
	ck_assert_str_eq(out[11], "t");
	ck_assert_ptr_null(out[12]);
	free(out);
}
END_TEST

START_TEST(missing_arguments_name_the_option)
{
	const char *in[] = { "mkimage", "-o", "x.iso", "-hfs-bless-by", "p" };
	const char **out;
	int outc;
	char why[200];
	ck_assert_int_eq(mk_argv_join(5, in, &out, &outc, why, sizeof(why)), -1);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(why, "-hfs-bless-by needs 2 arguments: BLESS_TYPE ISO_RR_PATH");
	const char *in2[] = { "mkimage", "--append_partition", "1", "0xef" };
	ck_assert_int_eq(mk_argv_join(4, in2, &out, &outc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "--append_partition needs 3 arguments: N TYPE FILE");
}
END_TEST

START_TEST(nothing_after_double_dash_and_argv0_are_options)
{
	/* After "--" a word is a path, even one named like a multi-argument option; so is
	 * argv[0]. */
	const char *in[] = { "-sort-weight", "-o", "x.iso", "--", "-sort-weight", "a" };
	const char **out;
	int outc;
	char why[200];
	ck_assert_int_eq(mk_argv_join(6, in, &out, &outc, why, sizeof(why)), 0);
	ck_assert_int_eq(outc, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_str_eq(out[i], in[i]);
	free(out);
	ck_assert_ptr_null(mk_join_find("-sort-weightx"));
	ck_assert_ptr_null(mk_join_find("sort-weight"));
	ck_assert_int_eq(mk_join_find("---sort-weight") == NULL, 1);
	ck_assert_int_eq(mk_join_find("-sort-weight")->nargs, 2);
}
END_TEST

static Suite *argv_join_suite(void)
{
	Suite *s = suite_create("argv_join");
	TCase *tc = tcase_create("join");
	tcase_add_test(tc, joins_each_table_option);
	tcase_add_test(tc, missing_arguments_name_the_option);
	tcase_add_test(tc, nothing_after_double_dash_and_argv0_are_options);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(argv_join_suite)
