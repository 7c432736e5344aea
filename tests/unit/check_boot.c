/* Unit tests of common/build/boot.c: option arguments and configuration checks. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/build/boot.h"
#include "tests/unit/unit.h"

START_TEST(guid_text_to_uefi_order)
{
	/* The EFI System Partition type: C12A7328-F81F-11D2-BA4B-00A0C93EC93B. */
	static const uint8_t want[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
	uint8_t g[16];
	ck_assert_int_eq(img_boot_parse_guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", g), IMG_OK);
	ck_assert_mem_eq(g, want, 16);
	/* Plain hex digits are the stored bytes (xorriso's -report_el_torito form). */
	ck_assert_int_eq(img_boot_parse_guid("28732ac11ff8d211ba4b00a0c93ec93b", g), IMG_OK);
	ck_assert_mem_eq(g, want, 16);
	ck_assert_int_eq(img_boot_parse_guid("C12A7328-F81F-11D2-BA4B-00A0C93EC9", g), IMG_EINVAL);
	ck_assert_int_eq(img_boot_parse_guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B00", g), IMG_EINVAL);
	ck_assert_int_eq(img_boot_parse_guid("X12A7328-F81F-11D2-BA4B-00A0C93EC93B", g), IMG_EINVAL);
	ck_assert_int_eq(img_boot_parse_guid("", g), IMG_EINVAL);
}
END_TEST

START_TEST(append_partition_types)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	ck_assert_int_eq(img_boot_add_partition(&c, "2", "0xef", "/x", &e), IMG_OK);
	ck_assert_int_eq(c.partitions[1].number, 2);
	ck_assert_int_eq(c.partitions[1].mbr_type, 0xef);
	ck_assert_int_eq(img_boot_add_partition(&c, "3", "131", "/y", &e), IMG_OK);
	ck_assert_int_eq(c.partitions[2].mbr_type, 0x83);
	ck_assert_int_eq(img_boot_add_partition(&c, "4", "linux", "/y", &e), IMG_OK);
	ck_assert_int_eq(c.partitions[3].mbr_type, 0x83);
	/* xorriso 1.5.4's own names, spelled as it spells them */
	ck_assert_int_eq(img_boot_add_partition(&c, "4", "FAT12", "/y", &e), IMG_OK);
	ck_assert_int_eq(c.partitions[3].mbr_type, 0x01);
	ck_assert_int_eq(img_boot_add_partition(&c, "4", "FAT16", "/y", &e), IMG_OK);
	ck_assert_int_eq(c.partitions[3].mbr_type, 0x06);
	ck_assert_int_eq(img_boot_add_partition(&c, "4", "Linux", "/y", &e), IMG_OK);
	ck_assert_int_eq(c.partitions[3].mbr_type, 0x83);
	ck_assert_int_eq(img_boot_add_partition(&c, "1", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
						"/z", &e), IMG_OK);
	ck_assert(c.partitions[0].has_type_guid);
	/* xorriso's MBR types for a GUID: 0xef for the EFI system partition, else 0x83. */
	ck_assert_int_eq(c.partitions[0].mbr_type, 0xef);
	ck_assert_int_eq(img_boot_add_partition(&c, "1", "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
						"/z", &e), IMG_OK);
	ck_assert(c.partitions[0].has_type_guid);
	ck_assert_int_eq(c.partitions[0].mbr_type, 0x83);
	ck_assert_int_eq(img_boot_add_partition(&c, "5", "0xef", "/x", &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "'5'"));
	ck_assert_int_eq(img_boot_add_partition(&c, "0", "0xef", "/x", &e), IMG_EINVAL);
	ck_assert_int_eq(img_boot_add_partition(&c, "2", "0x1ef", "/x", &e), IMG_EINVAL);
	ck_assert_int_eq(img_boot_add_partition(&c, "2", "bogus", "/x", &e), IMG_EINVAL);
	ck_assert(img_boot_config_active(&c));
	img_boot_config_free(&c);
	ck_assert(!img_boot_config_active(&c));
}
END_TEST

START_TEST(entries_and_limits)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	ck_assert_ptr_null(img_boot_current(&c));
	ck_assert_int_eq(img_boot_add_entry(&c, "/isolinux/isolinux.bin", false, &e), IMG_OK);
	ck_assert_int_eq(img_boot_current(&c)->emul, IMG_BOOT_EMUL_AUTO);
	ck_assert_int_eq(img_boot_add_entry(&c, "/efi.img", true, &e), IMG_OK);
	ck_assert_int_eq(img_boot_current(&c)->emul, IMG_BOOT_EMUL_NONE);
	ck_assert(img_boot_current(&c)->efi);
	for (int i = 2; i < 32; i++)
		ck_assert_int_eq(img_boot_add_entry(&c, "/a", false, &e), IMG_OK);
	ck_assert_int_eq(img_boot_add_entry(&c, "/a", false, &e), IMG_ETOOBIG);
	img_boot_config_free(&c);
}
END_TEST

static char *write_temp(size_t size)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/check_boot.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	char zero[1024] = {0};
	while (size > 0) {
		size_t n = size < sizeof(zero) ? size : sizeof(zero);
		ck_assert_int_eq(write(fd, zero, n), (ssize_t)n);
		size -= n;
	}
	close(fd);
	return path;
}

START_TEST(mbr_file_sizes_are_checked)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	img_boot_add_entry(&c, "/isolinux.bin", false, &e);
	c.mbr_kind = IMG_BOOT_MBR_ISOHYBRID;
	c.mbr_file = strdup(write_temp(431));
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "431 bytes"));
	unlink(c.mbr_file);
	free(c.mbr_file);
	c.mbr_file = strdup(write_temp(432));
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_OK);
	unlink(c.mbr_file);
	free(c.mbr_file);
	c.mbr_file = strdup(write_temp(513));
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	unlink(c.mbr_file);
	free(c.mbr_file);
	c.mbr_file = strdup("/nonexistent/isohdpfx.bin");
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_ENOENT);
	ck_assert_ptr_nonnull(strstr(e.detail, "/nonexistent/isohdpfx.bin"));
	img_boot_config_free(&c);
}
END_TEST

START_TEST(isohybrid_needs_bios_entry_first)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	c.mbr_kind = IMG_BOOT_MBR_ISOHYBRID;
	c.mbr_file = strdup(write_temp(432));
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	img_boot_add_entry(&c, "/efi.img", true, &e);
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	unlink(c.mbr_file);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(numeric_ranges_are_checked)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	c.partition_offset = 8;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	c.partition_offset = 16;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_OK);
	img_boot_add_entry(&c, "/b", false, &e);
	img_boot_current(&c)->load_size = 0;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	img_boot_current(&c)->load_size = 65536;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	img_boot_current(&c)->load_size = 4;
	img_boot_current(&c)->load_seg = 0x10000;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	img_boot_current(&c)->load_seg = 0x7c0;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_OK);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(iso_partition_types)
{
	static const uint8_t linux_fs[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
					     0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
	struct img_boot_config c;
	img_boot_config_init(&c);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, "0x17"), IMG_OK);
	ck_assert_int_eq(c.iso_mbr_part_type, 0x17);
	ck_assert(!c.has_iso_type_guid);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, "0FC63DAF-8483-4772-8E79-3D69D8477DE4"),
			 IMG_OK);
	ck_assert(c.has_iso_type_guid);
	ck_assert_mem_eq(c.iso_type_guid, linux_fs, 16);
	ck_assert_int_eq(c.iso_mbr_part_type, 0x83);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"),
			 IMG_OK);
	ck_assert_int_eq(c.iso_mbr_part_type, 0xef);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, "default"), IMG_OK);
	ck_assert_int_eq(c.iso_mbr_part_type, -1);
	ck_assert(!c.has_iso_type_guid);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, "256"), IMG_EINVAL);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, "-1"), IMG_EINVAL);
	ck_assert_int_eq(img_boot_set_iso_part_type(&c, ""), IMG_EINVAL);
	img_boot_config_free(&c);
}
END_TEST

static Suite *boot_suite(void)
{
	Suite *s = suite_create("boot");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, guid_text_to_uefi_order);
	tcase_add_test(tc, append_partition_types);
	tcase_add_test(tc, entries_and_limits);
	tcase_add_test(tc, mbr_file_sizes_are_checked);
	tcase_add_test(tc, isohybrid_needs_bios_entry_first);
	tcase_add_test(tc, numeric_ranges_are_checked);
	tcase_add_test(tc, iso_partition_types);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(boot_suite)
