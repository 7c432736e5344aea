/* Unit tests of common/inspect/eltorito.c on hand-made catalogs and images. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/inspect/eltorito.h"
#include "common/inspect/source.h"
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

/* A 64-sector image in memory: catalog at sector 20, its initial entry's boot file at 22. */
enum { IMG_SECTORS = 64, CAT_LBA = 20, BOOT_LBA = 22 };
static unsigned char image[IMG_SECTORS * 2048];

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The boot info table's checksum as mkisofs defines it, computed the plain way: copy bytes
 * 64..len-1 of the file into a zeroed buffer whose size is a multiple of 4, add its words. */
static uint32_t reference_sum(const unsigned char *file, uint32_t len)
{
	size_t n = len - 64, padded = (n + 3) / 4 * 4;
	unsigned char *copy = calloc(1, padded);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, file + 64, n);
	uint32_t sum = 0;
	for (size_t i = 0; i < padded; i += 4)
		sum += (uint32_t)copy[i] | (uint32_t)copy[i + 1] << 8 |
		       (uint32_t)copy[i + 2] << 16 | (uint32_t)copy[i + 3] << 24;
	free(copy);
	return sum;
}

/* Lays out the image: the catalog, a boot file of len pseudo-random bytes at BOOT_LBA with a
 * boot info table recording len and csum, and random bytes after the file as well. */
static void make_boot_image(uint32_t len, uint32_t lba_in_table)
{
	memset(image, 0, sizeof(image));
	make_catalog();
	cat[40] = BOOT_LBA; cat[41] = 0;
	cat[104] = BOOT_LBA; /* the EFI entry shares the file */
	memcpy(image + CAT_LBA * 2048, cat, sizeof(cat));
	unsigned char *file = image + BOOT_LBA * 2048;
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(image) - BOOT_LBA * 2048; i++) {
		x = x * 1103515245u + 12345u;
		file[i] = (unsigned char)(x >> 16) | 1; /* never 0: a dropped byte always shows */
	}
	memset(file + 8, 0, 56);
	put_le32(file + 8, 16);
	put_le32(file + 12, lba_in_table);
	put_le32(file + 16, len);
}

static void read_catalog(struct img_boot_catalog *c)
{
	struct img_source *src;
	struct img_error err = {0};
	ck_assert_int_eq(img_source_from_memory(image, sizeof(image), &src), IMG_OK);
	ck_assert_int_eq(img_eltorito_read(src, CAT_LBA, c, &err), IMG_OK);
	img_source_close(src);
}

START_TEST(info_table_counts_a_short_last_word)
{
	/* GRUB's eltorito.img is 29,541 bytes: bytes 64-29,540 end in one byte of a word. */
	const uint32_t len = 29541;
	unsigned char *file = image + BOOT_LBA * 2048;
	struct img_boot_catalog *c = malloc(sizeof(*c));
	make_boot_image(len, BOOT_LBA);
	uint32_t sum = reference_sum(file, len);
	put_le32(file + 20, sum);
	read_catalog(c);
	ck_assert_int_eq(c->count, 2);
	for (int i = 0; i < 2; i++) {
		const struct img_boot_entry *e = &c->entries[i];
		ck_assert(e->info_table);
		ck_assert(e->info_table_complete);
		ck_assert_uint_eq(e->info_table_length, len);
		ck_assert_uint_eq(e->info_table_sum, sum);
		ck_assert(e->info_table_csum_ok);
	}
	/* The sum without the last byte (how the check once read it) is not the checksum. */
	uint32_t no_tail = sum - file[len - 1];
	put_le32(file + 20, no_tail);
	read_catalog(c);
	ck_assert(!c->entries[0].info_table_csum_ok);
	ck_assert_uint_eq(c->entries[0].info_table_sum, sum);
	/* The last byte of the file is covered; the byte after it is not the file's. */
	put_le32(file + 20, sum);
	file[len - 1] ^= 0x40;
	read_catalog(c);
	ck_assert(!c->entries[0].info_table_csum_ok);
	file[len - 1] ^= 0x40;
	file[len] ^= 0x40;
	read_catalog(c);
	ck_assert(c->entries[0].info_table_csum_ok);
	free(c);
}
END_TEST

START_TEST(info_table_whole_words_and_bounds)
{
	unsigned char *file = image + BOOT_LBA * 2048;
	struct img_boot_catalog *c = malloc(sizeof(*c));
	/* A length that is a multiple of 4, past one 8 KiB read. */
	make_boot_image(2048 * 5, BOOT_LBA);
	put_le32(file + 20, reference_sum(file, 2048 * 5));
	read_catalog(c);
	ck_assert(c->entries[0].info_table_csum_ok);
	/* Bytes that name another LBA are not this image's table: nothing is checked. */
	make_boot_image(2048 * 5, BOOT_LBA + 1);
	read_catalog(c);
	ck_assert(!c->entries[0].info_table);
	/* A recorded length that runs past the image's end: a table, but not complete. */
	make_boot_image((IMG_SECTORS - BOOT_LBA) * 2048 + 1, BOOT_LBA);
	read_catalog(c);
	ck_assert(c->entries[0].info_table);
	ck_assert(!c->entries[0].info_table_complete);
	ck_assert(!c->entries[0].info_table_csum_ok);
	/* ... and one that ends exactly there is read whole. */
	uint32_t len = (IMG_SECTORS - BOOT_LBA) * 2048;
	make_boot_image(len, BOOT_LBA);
	put_le32(file + 20, reference_sum(file, len));
	read_catalog(c);
	ck_assert(c->entries[0].info_table_complete);
	ck_assert(c->entries[0].info_table_csum_ok);
	free(c);
}
END_TEST

START_TEST(info_table_of_a_later_session)
{
	/* xorriso -boot_image isolinux patch, in an appended session: the table names that
	 * session's PVD (its start + 16), which is a table only where a PVD lies. */
	unsigned char *file = image + BOOT_LBA * 2048;
	struct img_boot_catalog *c = malloc(sizeof(*c));
	const uint32_t len = 2048 * 3, pvd = 40;
	make_boot_image(len, BOOT_LBA);
	put_le32(file + 8, pvd);
	put_le32(file + 20, reference_sum(file, len));
	read_catalog(c);
	ck_assert(!c->entries[0].info_table);
	memcpy(image + pvd * 2048, "\001CD001\001", 7);
	read_catalog(c);
	ck_assert(c->entries[0].info_table);
	ck_assert(c->entries[0].info_table_csum_ok);
	/* A PVD sector past the end of the image, or in the system area: no table. */
	put_le32(file + 8, IMG_SECTORS + 5);
	read_catalog(c);
	ck_assert(!c->entries[0].info_table);
	put_le32(file + 8, 0);
	memcpy(image, "\001CD001\001", 7);
	read_catalog(c);
	ck_assert(!c->entries[0].info_table);
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
	tcase_add_test(tc, info_table_counts_a_short_last_word);
	tcase_add_test(tc, info_table_whole_words_and_bounds);
	tcase_add_test(tc, info_table_of_a_later_session);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(eltorito_suite)
