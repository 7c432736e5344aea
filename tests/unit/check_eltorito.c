/* Unit tests of common/inspect/eltorito.c on hand-made catalogs. */
#include <stdlib.h>
#include <string.h>

#include "common/inspect/eltorito.h"
#include "tests/unit/unit.h"

static unsigned char cat[2048];

static void fix_checksum(void)
{
	cat[28] = cat[29] = 0;
	unsigned sum = 0;
	for (int i = 0; i < 32; i += 2)
		sum += (unsigned)(cat[i] | cat[i + 1] << 8);
	unsigned c = (0x10000 - (sum & 0xffff)) & 0xffff;
	cat[28] = (unsigned char)c;
	cat[29] = (unsigned char)(c >> 8);
}

static void make_catalog(void)
{
	memset(cat, 0, sizeof(cat));
	cat[0] = 1;
	cat[30] = 0x55;
	cat[31] = 0xaa;
	fix_checksum();
	cat[32] = 0x88;
	cat[38] = 4;      /* sector count */
	cat[40] = 0x2f; cat[41] = 0x01; /* LBA 303 */
	cat[64] = 0x91; cat[65] = 0xef; cat[66] = 1;
	cat[96] = 0x88;
	cat[102] = 0x40; cat[103] = 0x0b; /* 2880 */
	cat[104] = 37;
}

START_TEST(parses_bios_and_efi_entries)
{
	make_catalog();
	struct img_boot_catalog *c = malloc(sizeof(*c));
	struct img_error err = {0};
	ck_assert_int_eq(img_eltorito_parse(cat, sizeof(cat), 36, c, &err), IMG_OK);
	ck_assert_int_eq(c->count, 2);
	ck_assert(c->entries[0].bootable);
	ck_assert_uint_eq(c->entries[0].load_rba, 303);
	ck_assert_uint_eq(c->entries[0].sector_count, 4);
	ck_assert_int_eq(c->entries[1].platform, 0xef);
	ck_assert_uint_eq(c->entries[1].sector_count, 2880);
	ck_assert_uint_eq(c->entries[1].load_rba, 37);
	ck_assert_str_eq(img_eltorito_platform_name(c->entries[1].platform), "EFI");
	free(c);
}
END_TEST

START_TEST(refuses_bad_checksum_key_and_counts)
{
	struct img_boot_catalog *c = malloc(sizeof(*c));
	struct img_error err = {0};
	make_catalog();
	cat[5] ^= 1;
	ck_assert_int_eq(img_eltorito_parse(cat, sizeof(cat), 36, c, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "checksum"));
	ck_assert_ptr_nonnull(strstr(err.detail, "byte 73756"));
	make_catalog();
	cat[30] = 0;
	ck_assert_int_eq(img_eltorito_parse(cat, sizeof(cat), 36, c, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "key bytes"));
	make_catalog();
	cat[66] = 0xff; cat[67] = 0xff;
	ck_assert_int_eq(img_eltorito_parse(cat, sizeof(cat), 36, c, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "65535 entries run past the catalog"));
	make_catalog();
	cat[97] = 0x20; /* extension entries follow, but none is there */
	ck_assert_int_eq(img_eltorito_parse(cat, sizeof(cat), 36, c, &err), IMG_ECORRUPT);
	ck_assert_int_eq(img_eltorito_parse(cat, 40, 36, c, &err), IMG_ECORRUPT);
	free(c);
}
END_TEST

START_TEST(many_sections_are_bounded)
{
	/* Every entry a non-final section header with one entry: stops at the buffer end. */
	static unsigned char big[IMG_ELTORITO_MAX_SECTORS * 2048];
	make_catalog();
	memset(big, 0, sizeof(big));
	memcpy(big, cat, 64);
	for (size_t pos = 64; pos + 64 <= sizeof(big); pos += 64) {
		big[pos] = 0x90;
		big[pos + 2] = 1;
		big[pos + 32] = 0x88;
	}
	struct img_boot_catalog *c = malloc(sizeof(*c));
	struct img_error err = {0};
	ck_assert_int_eq(img_eltorito_parse(big, sizeof(big), 36, c, &err), IMG_OK);
	ck_assert_int_le(c->count, IMG_ELTORITO_MAX_ENTRIES);
	free(c);
}
END_TEST

static Suite *eltorito_suite(void)
{
	Suite *s = suite_create("eltorito");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parses_bios_and_efi_entries);
	tcase_add_test(tc, refuses_bad_checksum_key_and_counts);
	tcase_add_test(tc, many_sections_are_bounded);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(eltorito_suite)
