/* Unit tests of common/inspect/voldesc.c: descriptor parsing on hand-made sectors. */
#include <string.h>

#include "common/inspect/source.h"
#include "common/inspect/voldesc.h"
#include "tests/unit/unit.h"

static unsigned char img[40 * 2048];

static void put_vd(int sector, int type, const char *id)
{
	unsigned char *b = img + sector * 2048;
	memset(b, 0, 2048);
	b[0] = (unsigned char)type;
	memcpy(b + 1, id, 5);
	b[6] = 1;
}

static void make_pvd(void)
{
	memset(img, 0, sizeof(img));
	put_vd(16, 1, "CD001");
	unsigned char *b = img + 16 * 2048;
	memset(b + 8, ' ', 64);
	memcpy(b + 40, "MY_VOLUME", 9);
	b[80] = 40; /* volume space size LE */
	b[120] = 1; b[124] = 1;
	b[128] = 0x00; b[129] = 0x08; /* 2048 */
	b[156] = 34; b[158] = 20; b[166] = 0x00; b[167] = 0x08;
	memcpy(b + 813, "2024020304050600", 16);
	b[829] = 4; /* +01:00 */
	b[881] = 1;
	put_vd(17, 255, "CD001");
}

START_TEST(parses_primary_and_dates)
{
	make_pvd();
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(img, sizeof(img), &src), IMG_OK);
	struct img_vdset set;
	struct img_error err = {0};
	ck_assert_int_eq(img_vd_read(src, &set, &err), IMG_OK);
	ck_assert_int_eq(set.count, 2);
	const struct img_vd *p = img_vd_find(&set, IMG_VD_PRIMARY);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->volume_id, "MY_VOLUME");
	ck_assert_uint_eq(p->volume_space_size, 40);
	ck_assert_uint_eq(p->block_size, 2048);
	ck_assert_uint_eq(p->root_extent, 20);
	ck_assert_str_eq(p->created, "2024-02-03T04:05:06.00+01:00");
	ck_assert_str_eq(p->modified, "");
	img_source_close(src);
}
END_TEST

START_TEST(joliet_level_and_ucs2_names)
{
	make_pvd();
	put_vd(17, 2, "CD001");
	unsigned char *b = img + 17 * 2048;
	memcpy(b + 88, "%/E", 3);
	const char *name = "\0J\0o\0l";
	memcpy(b + 40, name, 6);
	b[128] = 0x00; b[129] = 0x08; b[156] = 34;
	put_vd(18, 255, "CD001");
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_vdset set;
	struct img_error err = {0};
	ck_assert_int_eq(img_vd_read(src, &set, &err), IMG_OK);
	const struct img_vd *j = img_vd_find(&set, IMG_VD_JOLIET);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(j->joliet_level, 3);
	ck_assert_str_eq(j->volume_id, "Jol");
	img_source_close(src);
}
END_TEST

START_TEST(refuses_missing_terminator_and_truncation)
{
	make_pvd();
	for (int s = 17; s < 40; s++)
		put_vd(s, 0, "CD001");
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_vdset set;
	struct img_error err = {0};
	ck_assert_int_eq(img_vd_read(src, &set, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "past the end"));
	img_source_close(src);

	make_pvd();
	img_source_from_memory(img, 16 * 2048 + 100, &src);
	ck_assert_int_eq(img_vd_read(src, &set, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "at byte 32768"));
	img_source_close(src);
}
END_TEST

START_TEST(refuses_bad_identifier_and_block_size)
{
	make_pvd();
	img[16 * 2048 + 1] = 'X';
	struct img_vd v;
	struct img_error err = {0};
	ck_assert_int_eq(img_vd_parse(img + 16 * 2048, 16, &v, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "no CD001"));
	make_pvd();
	img[16 * 2048 + 129] = 0x07;
	ck_assert_int_eq(img_vd_parse(img + 16 * 2048, 16, &v, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "byte 32896"));
}
END_TEST

START_TEST(udf_recognition_sequence)
{
	make_pvd();
	put_vd(18, 0, "BEA01");
	put_vd(19, 0, "NSR03");
	put_vd(20, 0, "TEA01");
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_vdset set;
	struct img_error err = {0};
	ck_assert_int_eq(img_vd_read(src, &set, &err), IMG_OK);
	ck_assert(set.udf_bea);
	ck_assert_str_eq(set.udf_nsr, "NSR03");
	img_source_close(src);
}
END_TEST

static Suite *voldesc_suite(void)
{
	Suite *s = suite_create("voldesc");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parses_primary_and_dates);
	tcase_add_test(tc, joliet_level_and_ucs2_names);
	tcase_add_test(tc, refuses_missing_terminator_and_truncation);
	tcase_add_test(tc, refuses_bad_identifier_and_block_size);
	tcase_add_test(tc, udf_recognition_sequence);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(voldesc_suite)
