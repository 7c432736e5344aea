/* Unit tests of common/base/progress.c: when updates are due, percent, rate, ETA, formats. */
#include <json-c/json.h>
#include <string.h>

#include "common/base/progress.h"
#include "tests/unit/unit.h"

START_TEST(updates_are_rate_limited)
{
	struct img_progress *p;
	ck_assert_int_eq(img_progress_new(1000, 10.0, 0.5, &p), IMG_OK);
	ck_assert(img_progress_update(p, 0, 10.0));    /* the first is due at once */
	ck_assert(!img_progress_update(p, 100, 10.2));
	ck_assert(img_progress_update(p, 200, 10.6));
	ck_assert(!img_progress_update(p, 300, 10.7));
	ck_assert(img_progress_update(p, 1000, 10.8)); /* completion is always reported */
	ck_assert(!img_progress_update(p, 1000, 10.9)); /* but only once */
	img_progress_free(p);
}
END_TEST

START_TEST(rate_and_eta)
{
	struct img_progress *p;
	ck_assert_int_eq(img_progress_new(4000000, 0.0, 0.1, &p), IMG_OK);
	ck_assert_double_eq(img_progress_eta(p), -1.0); /* unknown before time passes */
	img_progress_update(p, 1000000, 2.0);
	ck_assert_double_eq_tol(img_progress_percent(p), 25.0, 1e-9);
	ck_assert_double_eq_tol(img_progress_rate(p), 500000.0, 1e-6);
	ck_assert_double_eq_tol(img_progress_eta(p), 6.0, 1e-9);
	char buf[128];
	img_progress_text(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, " 25.0%  1.0 of 4.0 MB  0.5 MB/s  ETA 0:06");
	img_progress_update(p, 9000000, 4.0); /* more than total: capped */
	ck_assert_double_eq(img_progress_percent(p), 100.0);
	ck_assert_double_eq(img_progress_eta(p), 0.0);
	img_progress_free(p);
}
END_TEST

START_TEST(json_line)
{
	struct img_progress *p;
	ck_assert_int_eq(img_progress_new(2048 * 10, 0.0, 0.1, &p), IMG_OK);
	img_progress_update(p, 2048 * 4, 1.0);
	char buf[512];
	ck_assert_int_eq(img_progress_json(p, "dir/a \"b\"", buf, sizeof(buf)), IMG_OK);
	ck_assert_ptr_null(strchr(buf, '\n'));
	json_object *o = json_tokener_parse(buf);
	ck_assert_ptr_nonnull(o);
	json_object *v;
	ck_assert(json_object_object_get_ex(o, "file", &v));
	ck_assert_str_eq(json_object_get_string(v), "dir/a \"b\"");
	ck_assert(json_object_object_get_ex(o, "blocks_done", &v));
	ck_assert_int_eq(json_object_get_int64(v), 4);
	ck_assert(json_object_object_get_ex(o, "blocks_total", &v));
	ck_assert_int_eq(json_object_get_int64(v), 10);
	ck_assert(json_object_object_get_ex(o, "percent", &v));
	ck_assert_double_eq_tol(json_object_get_double(v), 40.0, 1e-9);
	ck_assert(json_object_object_get_ex(o, "event", &v));
	ck_assert_str_eq(json_object_get_string(v), "progress");
	json_object_put(o);
	/* No file: JSON null; too small a buffer: an error, never a cut line. */
	ck_assert_int_eq(img_progress_json(p, NULL, buf, sizeof(buf)), IMG_OK);
	ck_assert_ptr_nonnull(strstr(buf, "\"file\":null"));
	ck_assert_int_eq(img_progress_json(p, NULL, buf, 10), IMG_ETOOBIG);
	img_progress_free(p);
}
END_TEST

START_TEST(empty_job)
{
	struct img_progress *p;
	ck_assert_int_eq(img_progress_new(0, 0.0, 1.0, &p), IMG_OK);
	ck_assert(img_progress_update(p, 0, 0.0));
	ck_assert_double_eq(img_progress_percent(p), 100.0);
	img_progress_free(p);
}
END_TEST

static Suite *progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, updates_are_rate_limited);
	tcase_add_test(tc, rate_and_eta);
	tcase_add_test(tc, json_line);
	tcase_add_test(tc, empty_job);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(progress_suite)
