/* Unit tests of common/base/digest.c against the FIPS 180-2 test vectors. */
#include <string.h>

#include "common/base/digest.h"
#include "tests/unit/unit.h"

static void hex_of(const char *msg, size_t len, size_t step, char hex[IMG_SHA256_HEX_LEN])
{
	struct img_sha256 *h = NULL;
	unsigned char md[IMG_SHA256_LEN];
	ck_assert_int_eq(img_sha256_new(&h, NULL), IMG_OK);
	for (size_t i = 0; i < len; i += step)
		img_sha256_update(h, msg + i, len - i < step ? len - i : step);
	ck_assert_int_eq(img_sha256_final(h, md), IMG_OK);
	ck_assert_int_eq(img_sha256_update(h, "x", 1), IMG_EINVAL);
	img_sha256_free(h);
	img_sha256_hex(md, hex);
}

START_TEST(fips_vectors)
{
	char hex[IMG_SHA256_HEX_LEN];
	hex_of("", 0, 1, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of("abc", 3, 1, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(m, strlen(m), 7, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

static Suite *digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, fips_vectors);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(digest_suite)
