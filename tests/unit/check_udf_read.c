/* Unit tests of common/udf_read.c: CRC, and refusal of damaged anchors. */
#include <string.h>

#include "common/inspect.h"
#include "common/udf_desc.h"
#include "common/udf_read.h"
#include "tests/unit/unit.h"

static unsigned char img[300 * 2048];

static void sign(unsigned char *t, unsigned crc_len)
{
	t[10] = (unsigned char)crc_len;
	t[11] = (unsigned char)(crc_len >> 8);
	uint16_t crc = img_udf_crc(t + 16, crc_len);
	t[8] = (unsigned char)crc;
	t[9] = (unsigned char)(crc >> 8);
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += t[i];
	t[4] = (unsigned char)sum;
}

START_TEST(crc_ccitt_known_value)
{
	ck_assert_uint_eq(img_udf_crc((const unsigned char *)"123456789", 9), 0x31c3);
}
END_TEST

START_TEST(anchor_checks)
{
	memset(img, 0, sizeof(img));
	struct img_source *src;
	img_source_from_memory(img, sizeof(img), &src);
	struct img_udf_info info;
	struct img_error err = {0};
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ENOENT);

	unsigned char *a = img + 256 * 2048;
	a[0] = 2;
	a[12] = 0; a[13] = 1; /* location 256 */
	a[16] = 0x00; a[17] = 0x80; /* VDS length 32768 */
	a[20] = 32;
	sign(a, 496);
	/* Valid anchor, but the VDS is empty: no logical volume descriptor. */
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "no logical volume"));
	a[100] ^= 1; /* CRC no longer matches */
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "descriptor CRC"));
	a[100] ^= 1;
	a[12] = 1; /* wrong location, re-signed */
	sign(a, 496);
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "tag location 257, expected 256"));
	a[12] = 0;
	a[16] = 0; a[17] = 0; a[18] = 0; a[19] = 0x10; /* absurd VDS length */
	sign(a, 496);
	ck_assert_int_eq(img_udf_read_info(src, &info, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "is not 1-256 sectors"));
	img_source_close(src);
}
END_TEST

static Suite *udf_suite(void)
{
	Suite *s = suite_create("udf_read");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, crc_ccitt_known_value);
	tcase_add_test(tc, anchor_checks);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_suite)
