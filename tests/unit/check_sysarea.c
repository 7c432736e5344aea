/* Unit tests of common/inspect/sysarea.c: MBR, GPT with CRCs, APM, on hand-made disks. */
#include <stdlib.h>
#include <string.h>

#include "common/inspect/source.h"
#include "common/inspect/sysarea.h"
#include "tests/unit/unit.h"

static unsigned char disk[64 * 512];

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void make_gpt(uint32_t count)
{
	memset(disk, 0, sizeof(disk));
	disk[510] = 0x55; disk[511] = 0xaa;
	disk[446 + 4] = 0xee; put32(disk + 446 + 8, 1); put32(disk + 446 + 12, 63);
	unsigned char *h = disk + 512;
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x10000); put32(h + 12, 92);
	put64(h + 24, 1); put64(h + 32, 63); put64(h + 40, 34); put64(h + 48, 62);
	put64(h + 72, 2); put32(h + 80, count); put32(h + 84, 128);
	unsigned char *e = disk + 1024;
	/* EFI system partition type C12A7328-F81F-11D2-BA4B-00A0C93EC93B */
	static const unsigned char esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					      0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
	memcpy(e, esp, 16);
	e[16] = 1;
	put64(e + 32, 40); put64(e + 40, 50);
	e[56] = 'E'; e[58] = 'S'; e[60] = 'P';
	put32(h + 88, img_crc32(0, e, (size_t)(count < 4 ? count : 4) * 128));
	put32(h + 16, 0);
	put32(h + 16, img_crc32(0, h, 92));
}

START_TEST(crc32_known_value)
{
	ck_assert_uint_eq(img_crc32(0, "123456789", 9), 0xcbf43926u);
}
END_TEST

START_TEST(reads_mbr_and_gpt)
{
	make_gpt(4);
	struct img_source *src;
	img_source_from_memory(disk, sizeof(disk), &src);
	struct img_sysarea *s = malloc(sizeof(*s));
	struct img_error err = {0};
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_OK);
	ck_assert(s->mbr);
	ck_assert_int_eq(s->mbr_count, 1);
	ck_assert_int_eq(s->mbr_parts[0].type, 0xee);
	ck_assert(s->gpt);
	ck_assert(s->gpt_header_crc_ok);
	ck_assert(s->gpt_entries_crc_ok);
	ck_assert_int_eq(s->gpt_count, 1);
	ck_assert_str_eq(s->gpt_parts[0].type_guid, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
	ck_assert_str_eq(s->gpt_parts[0].name, "ESP");
	ck_assert_uint_eq(s->gpt_parts[0].first_lba, 40);
	disk[1024 + 60] = 'X';
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_OK);
	ck_assert(s->gpt_header_crc_ok);
	ck_assert(!s->gpt_entries_crc_ok);
	disk[512 + 60] ^= 1;
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_OK);
	ck_assert(!s->gpt_header_crc_ok);
	img_source_close(src);
	free(s);
}
END_TEST

START_TEST(refuses_absurd_counts)
{
	make_gpt(0xffffffffu);
	struct img_source *src;
	img_source_from_memory(disk, sizeof(disk), &src);
	struct img_sysarea *s = malloc(sizeof(*s));
	struct img_error err = {0};
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "byte 592"));
	make_gpt(4);
	put32(disk + 512 + 84, 3);
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err.detail, "entry size 3"));
	/* Entry array beyond the disk */
	make_gpt(4);
	put64(disk + 512 + 72, 1000);
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_ECORRUPT);
	img_source_close(src);
	free(s);
}
END_TEST

START_TEST(reads_apm)
{
	memset(disk, 0, sizeof(disk));
	disk[0] = 'E'; disk[1] = 'R'; disk[2] = 0x02; disk[3] = 0x00; /* 512-byte blocks */
	for (int i = 1; i <= 2; i++) {
		unsigned char *b = disk + 512 * i;
		b[0] = 'P'; b[1] = 'M';
		b[7] = 2;           /* map entries, big endian */
		b[11] = (unsigned char)(10 * i);
		b[15] = 5;
		memcpy(b + 16, i == 1 ? "Apple" : "HFS", i == 1 ? 5 : 3);
		memcpy(b + 48, i == 1 ? "Apple_partition_map" : "Apple_HFS", i == 1 ? 19 : 9);
	}
	struct img_source *src;
	img_source_from_memory(disk, sizeof(disk), &src);
	struct img_sysarea *s = malloc(sizeof(*s));
	struct img_error err = {0};
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_OK);
	ck_assert(s->apm);
	ck_assert_int_eq(s->apm_count, 2);
	ck_assert_str_eq(s->apm_parts[1].type, "Apple_HFS");
	ck_assert_uint_eq(s->apm_parts[1].start, 20);
	disk[512 + 4] = 0xff; /* map count 0xff000002 */
	ck_assert_int_eq(img_sysarea_read(src, s, &err), IMG_ECORRUPT);
	img_source_close(src);
	free(s);
}
END_TEST

static Suite *sysarea_suite(void)
{
	Suite *s = suite_create("sysarea");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, crc32_known_value);
	tcase_add_test(tc, reads_mbr_and_gpt);
	tcase_add_test(tc, refuses_absurd_counts);
	tcase_add_test(tc, reads_apm);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(sysarea_suite)
