/* Unit tests of common/base/libversion.c, isofs_libversion.c and burn_libversion.c: which
 * library versions are accepted, refused or only API-compatible, and what the message says. */
#include <string.h>

#include "common/base/isofs.h"
#include "common/base/libversion.h"
#include "tests/unit/unit.h"

static const struct img_version want = {1, 5, 4};

static int check(int major, int minor, int micro, bool *compatible, struct img_error *err)
{
	struct img_version have = {major, minor, micro};
	*compatible = !*compatible; /* the function must set it whatever it returns */
	return img_lib_version_check("libisofs", have, want, compatible, err);
}

START_TEST(same_version_passes)
{
	bool compatible = false;
	struct img_error err = {0};
	ck_assert_int_eq(check(1, 5, 4, &compatible, &err), IMG_OK);
	ck_assert(compatible);
	ck_assert_str_eq(err.detail, "");
}
END_TEST

START_TEST(newer_is_refused_but_compatible)
{
	bool compatible = false;
	struct img_error err = {0};
	ck_assert_int_eq(check(1, 5, 6, &compatible, &err), IMG_EUNSUPPORTED);
	ck_assert(compatible);
	ck_assert_str_eq(err.detail, "libisofs 1.5.6 is installed; this build was made and tested "
			 "for 1.5.4 (its API is compatible, its behaviour may differ)");
	compatible = false;
	ck_assert_int_eq(check(1, 6, 0, &compatible, &err), IMG_EUNSUPPORTED);
	ck_assert(compatible);
}
END_TEST

START_TEST(older_or_other_major_is_incompatible)
{
	bool compatible = true;
	struct img_error err = {0};
	ck_assert_int_eq(check(1, 5, 2, &compatible, &err), IMG_EUNSUPPORTED);
	ck_assert(!compatible);
	ck_assert_ptr_nonnull(strstr(err.detail, "libisofs 1.5.2 is installed"));
	ck_assert_ptr_nonnull(strstr(err.detail, "(its API is not compatible)"));
	compatible = true;
	ck_assert_int_eq(check(1, 4, 9, &compatible, &err), IMG_EUNSUPPORTED);
	ck_assert(!compatible);
	compatible = true;
	ck_assert_int_eq(check(2, 0, 0, &compatible, &err), IMG_EUNSUPPORTED);
	ck_assert(!compatible);
	compatible = true;
	ck_assert_int_eq(check(0, 9, 9, &compatible, &err), IMG_EUNSUPPORTED);
	ck_assert(!compatible);
}
END_TEST

/* The loaded libraries: accepted exactly when they are 1.5.4. */
START_TEST(loaded_libraries_are_judged_by_their_version)
{
	int a, b, c;
	bool compatible;
	struct img_error err = {0};
	iso_lib_version(&a, &b, &c);
	int rc = img_libisofs_check(&compatible, &err);
	ck_assert_int_eq(rc == IMG_OK, a == 1 && b == 5 && c == 4);
	burn_version(&a, &b, &c);
	rc = img_libburn_check(&compatible, &err);
	ck_assert_int_eq(rc == IMG_OK, a == 1 && b == 5 && c == 4);
	if (rc != IMG_OK)
		ck_assert_ptr_nonnull(strstr(err.detail, "libburn "));
}
END_TEST

static Suite *libversion_suite(void)
{
	Suite *s = suite_create("libversion");
	TCase *tc = tcase_create("versions");
	tcase_add_test(tc, same_version_passes);
	tcase_add_test(tc, newer_is_refused_but_compatible);
	tcase_add_test(tc, older_or_other_major_is_incompatible);
	tcase_add_test(tc, loaded_libraries_are_judged_by_their_version);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(libversion_suite)
