/* Unit tests of common/build/platform_boot.c: other machines' boot options. */
#include <string.h>

#include "common/build/boot.h"
#include "tests/unit/unit.h"

START_TEST(one_boot_block_per_image)
{
	struct img_platform_boot p;
	struct img_error e = {0};
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(img_platform_boot_add_mips(&p, false, "/a", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_add_mips(&p, false, "/b", &e), IMG_OK);
	ck_assert_int_eq(p.type, IMG_SYSAREA_MIPS);
	ck_assert_int_eq(img_platform_boot_add_mips(&p, true, "/c", &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "-mips-boot"));
	ck_assert_int_eq(img_platform_boot_set_type(&p, IMG_SYSAREA_ALPHA, "-alpha-boot", &e),
			 IMG_EINVAL);
	ck_assert_int_eq(img_platform_boot_set_type(&p, IMG_SYSAREA_MIPS, "-mips-boot", &e), IMG_OK);
	for (int i = 2; i < IMG_PLATFORM_MIPS_FILES; i++)
		ck_assert_int_eq(img_platform_boot_add_mips(&p, false, "/x", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_add_mips(&p, false, "/y", &e), IMG_EINVAL);
	img_platform_boot_free(&p);

	ck_assert_int_eq(img_platform_boot_add_mips(&p, true, "/a", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_add_mips(&p, true, "/b", &e), IMG_EINVAL);
	img_platform_boot_free(&p);
	ck_assert(!img_platform_boot_active(&p));
}
END_TEST

START_TEST(sparc_partition_lists)
{
	struct img_platform_boot p;
	struct img_error e = {0};
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(img_platform_boot_set_sparc(&p, "a.img,,b.img,...", &e), IMG_OK);
	ck_assert_int_eq(p.type, IMG_SYSAREA_SPARC);
	ck_assert_str_eq(p.sparc_parts[0], "a.img");
	ck_assert_ptr_null(p.sparc_parts[1]);
	ck_assert_str_eq(p.sparc_parts[2], "b.img");
	for (int i = 3; i < IMG_PLATFORM_SPARC_PARTS; i++)
		ck_assert_str_eq(p.sparc_parts[i], "");
	img_platform_boot_free(&p);
	/* grub-mkrescue's "-B ,": no partition at all, but a SUN label. */
	ck_assert_int_eq(img_platform_boot_set_sparc(&p, ",", &e), IMG_OK);
	for (int i = 0; i < IMG_PLATFORM_SPARC_PARTS; i++)
		ck_assert_ptr_null(p.sparc_parts[i]);
	ck_assert(img_platform_boot_active(&p));
	img_platform_boot_free(&p);
	ck_assert_int_eq(img_platform_boot_set_sparc(&p, "1,2,3,4,5,6,7", &e), IMG_OK);
	img_platform_boot_free(&p);
	ck_assert_int_eq(img_platform_boot_set_sparc(&p, "1,2,3,4,5,6,7,8", &e), IMG_EINVAL);
	img_platform_boot_free(&p);
}
END_TEST

START_TEST(hppa_parameters)
{
	struct img_platform_boot p;
	struct img_error e = {0};
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "hdrversion", "4", &e), IMG_OK);
	ck_assert_int_eq(p.type, IMG_SYSAREA_HPPA4);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "cmdline", "0/vmlinux", &e), IMG_OK);
	ck_assert_int_eq(p.type, IMG_SYSAREA_HPPA4);
	ck_assert_int_eq(img_platform_boot_check(&p, &e), IMG_EINVAL);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "bootloader", "/b", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "kernel-32", "/k", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "kernel-64", "/k", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_check(&p, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "-hppa-ramdisk"));
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "ramdisk", "/r", &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_check(&p, &e), IMG_OK);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "hdrversion", "5", &e), IMG_OK);
	ck_assert_int_eq(p.type, IMG_SYSAREA_HPPA5);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "hdrversion", "6", &e), IMG_EINVAL);
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "kernel", "/k", &e), IMG_EINVAL);
	char longline[200];
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	ck_assert_int_eq(img_platform_boot_set_hppa(&p, "cmdline", longline, &e), IMG_EINVAL);
	img_platform_boot_free(&p);
}
END_TEST

START_TEST(mbr_and_other_machines_conflict)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	ck_assert_int_eq(img_platform_boot_set_type(&c.platform, IMG_SYSAREA_ALPHA, "-alpha-boot",
						    &e), IMG_OK);
	c.protective_msdos = true;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "--protective-msdos-label"));
	c.protective_msdos = false;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_OK);
	c.platform.chrp = true;
	ck_assert_int_eq(img_boot_config_check(&c, &e), IMG_EINVAL);
	img_boot_config_free(&c);
}
END_TEST

static Suite *platform_boot_suite(void)
{
	Suite *s = suite_create("platform_boot");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, one_boot_block_per_image);
	tcase_add_test(tc, sparc_partition_lists);
	tcase_add_test(tc, hppa_parameters);
	tcase_add_test(tc, mbr_and_other_machines_conflict);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(platform_boot_suite)
