/* Unit tests of common/base/grow.c. */
#include <stdint.h>
#include <stdlib.h>

#include "common/base/error.h"
#include "common/base/grow.h"
#include "tests/unit/unit.h"

START_TEST(grow_doubles_from_first)
{
	int *v = NULL;
	size_t cap = 0;
	size_t caps[6];
	for (size_t n = 0, k = 0; n < 33; n++) {
		ck_assert_int_eq(img_grow((void **)&v, &cap, n, sizeof(*v), 4), IMG_OK);
		ck_assert_uint_gt(cap, n);
		v[n] = (int)n;
		if (n == 0 || n == 4 || n == 8 || n == 16 || n == 32)
			caps[k++] = cap;
	}
	ck_assert_uint_eq(caps[0], 4);
	ck_assert_uint_eq(caps[1], 8);
	ck_assert_uint_eq(caps[2], 16);
	ck_assert_uint_eq(caps[3], 32);
	ck_assert_uint_eq(caps[4], 64);
	for (int i = 0; i < 33; i++)
		ck_assert_int_eq(v[i], i);
	free(v);
}
END_TEST

START_TEST(grow_with_room_changes_nothing)
{
	char *v = malloc(8);
	char *before = v;
	size_t cap = 8;
	ck_assert_int_eq(img_grow((void **)&v, &cap, 7, 1, 4), IMG_OK);
	ck_assert_ptr_eq(v, before);
	ck_assert_uint_eq(cap, 8);
	free(v);
}
END_TEST

START_TEST(overflow_is_enomem_and_keeps_the_array)
{
	char *v = malloc(4);
	size_t cap = SIZE_MAX / 2 + 1;
	ck_assert_int_eq(img_grow((void **)&v, &cap, cap, 1, 4), IMG_ENOMEM);
	ck_assert_uint_eq(cap, SIZE_MAX / 2 + 1);
	cap = 4;
	ck_assert_int_eq(img_reserve((void **)&v, &cap, SIZE_MAX / 8 + 1, 16), IMG_ENOMEM);
	ck_assert_uint_eq(cap, 4);
	free(v);
}
END_TEST

START_TEST(reserve_gives_exactly_what_is_asked)
{
	long *v = NULL;
	size_t cap = 0;
	ck_assert_int_eq(img_reserve((void **)&v, &cap, 100, sizeof(*v)), IMG_OK);
	ck_assert_uint_eq(cap, 100);
	v[99] = 1;
	ck_assert_int_eq(img_reserve((void **)&v, &cap, 50, sizeof(*v)), IMG_OK);
	ck_assert_uint_eq(cap, 100);
	free(v);
}
END_TEST

static Suite *grow_suite(void)
{
	Suite *s = suite_create("grow");
	TCase *tc = tcase_create("grow");
	tcase_add_test(tc, grow_doubles_from_first);
	tcase_add_test(tc, grow_with_room_changes_nothing);
	tcase_add_test(tc, overflow_is_enomem_and_keeps_the_array);
	tcase_add_test(tc, reserve_gives_exactly_what_is_asked);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(grow_suite)
