/* Unit tests of mkimage/roles.c (argv[0] roles, -as, xorriso's native commands) and
 * mkimage/option_scan.c (strict option reading).  The program's sources are not in
 * libcommon.a; these are self-contained, so they are compiled in here. */
#include <string.h>

#include "mkimage/option_scan.c"
#include "mkimage/refused_options.c"
#include "mkimage/roles.c"
#include "tests/unit/unit.h"

START_TEST(role_from_argv0_basename)
{
	ck_assert_int_eq(mk_role_name_of("/usr/lib/mkimage/compat/genisoimage"),
			 MK_NAME_GENISOIMAGE);
	ck_assert_int_eq(mk_role_name_of("mkisofs"), MK_NAME_MKISOFS);
	ck_assert_int_eq(mk_role_name_of("./xorrisofs"), MK_NAME_XORRISOFS);
	ck_assert_int_eq(mk_role_name_of("/x/xorriso"), MK_NAME_XORRISO);
	ck_assert_int_eq(mk_role_name_of("/x/mkimage"), MK_NAME_MKIMAGE);
	ck_assert_int_eq(mk_role_name_of("/xorriso/mkimage"), MK_NAME_MKIMAGE);
	ck_assert_int_eq(mk_role_name_of("xorriso-dd-target"), MK_NAME_MKIMAGE);
	ck_assert_int_eq(mk_role_name_of(NULL), MK_NAME_MKIMAGE);
}
END_TEST

static enum mk_role_verdict read_line(int argc, const char **argv, struct mk_role_line *l,
				      char *why)
{
	return mk_role_read(argc, argv, l, why, 300);
}

START_TEST(roles_and_as)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "/bin/mkisofs", "-o", "x", "t" };
	ck_assert_int_eq(read_line(4, a, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_GENISOIMAGE);
	ck_assert_int_eq(l.argc, 4);
	ck_assert_str_eq(l.argv[3], "t");
	mk_role_line_free(&l);
	const char *b[] = { "mkimage", "-as", "mkisofs", "-o", "x", "t" };
	ck_assert_int_eq(read_line(6, b, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_XORRISOFS);
	ck_assert_int_eq(l.argc, 4);
	ck_assert_str_eq(l.argv[1], "-o");
	mk_role_line_free(&l);
	const char *c[] = { "mkimage", "-as", "genisoimage", "t" };
	ck_assert_int_eq(read_line(4, c, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_GENISOIMAGE);
	mk_role_line_free(&l);
	const char *d[] = { "mkimage", "-o", "x", "-as", "t" };
	ck_assert_int_eq(read_line(5, d, &l, why), MK_ROLE_OK); /* -as only first */
	ck_assert_int_eq(l.role, MK_ROLE_MKIMAGE);
	mk_role_line_free(&l);
	const char *e[] = { "mkimage", "-as", "cdrecord", "t" };
	ck_assert_int_eq(read_line(4, e, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-as cdrecord"));
	mk_role_line_free(&l);
	const char *f[] = { "mkimage", "-as" };
	ck_assert_int_eq(read_line(2, f, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
}
END_TEST

START_TEST(xorriso_native_commands)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-no_rc", "-report_about", "sorry", "-boot_image", "any",
			    "gpt_disk_guid=0123", "-volume_date", "all_file_dates", "=5",
			    "-volume_date", "uuid", "2020010100000000", "-boot_image", "any",
			    "next", "-as", "mkisofs", "-o", "x", "t", "--", "-no_rc" };
	ck_assert_int_eq(read_line(23, a, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_XORRISOFS);
	/* -volume_date stays: it is an option of mkimage's in every role. */
	const char *want[] = { "xorriso", "-quiet", "--gpt-disk-guid", "0123", "-volume_date",
			       "all_file_dates", "=5", "-volume_date", "uuid", "2020010100000000",
			       "-eltorito-alt-boot", "-o", "x", "t" };
	ck_assert_int_eq(l.argc, 14);
	for (int i = 0; i < 14; i++)
		ck_assert_str_eq(l.argv[i], want[i]);
	ck_assert_ptr_null(l.argv[14]);
	mk_role_line_free(&l);
	const char *b[] = { "xorriso", "-report_about", "UPDATE", "-as", "genisoimage", "t" };
	ck_assert_int_eq(read_line(6, b, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_XORRISOFS); /* xorriso's emulation either way */
	ck_assert_int_eq(l.argc, 2);
	mk_role_line_free(&l);
}
END_TEST

START_TEST(xorriso_boot_image_isolinux_and_load_size)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-boot_image", "isolinux", "dir=/boot/isolinux",
			    "-boot_image", "isolinux", "system_area=/usr/lib/ISOLINUX/isohdpfx.bin",
			    "-boot_image", "any", "next", "-boot_image", "any", "efi_path=/efi.img",
			    "-boot_image", "isolinux", "partition_entry=gpt_basdat",
			    "-boot_image", "grub", "load_size=8192",
			    "-boot_image", "any", "gpt_disk_guid=volume_date_uuid",
			    "-as", "mkisofs", "t" };
	int n = (int)(sizeof(a) / sizeof(a[0]));
	ck_assert_int_eq(read_line(n, a, &l, why), MK_ROLE_OK);
	const char *want[] = { "xorriso", "-b", "/boot/isolinux/isolinux.bin", "-c",
			       "/boot/isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
			       "-boot-info-table", "-isohybrid-mbr",
			       "/usr/lib/ISOLINUX/isohdpfx.bin", "-eltorito-alt-boot", "-e",
			       "/efi.img", "-isohybrid-gpt-basdat", "-boot-load-size", "16",
			       "--gpt-disk-guid", "modification-date", "t" };
	int wn = (int)(sizeof(want) / sizeof(want[0]));
	ck_assert_int_eq(l.argc, wn);
	for (int i = 0; i < wn; i++)
		ck_assert_str_eq(l.argv[i], want[i]);
	ck_assert_ptr_null(l.argv[wn]);
	mk_role_line_free(&l);
}
END_TEST

START_TEST(xorriso_refusals_name_the_command)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-outdev", "x.iso", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, a, &l, why), MK_ROLE_REFUSED);
	ck_assert_str_eq(why, "-outdev: native xorriso command not supported: remastering is "
		"issue 16");
	mk_role_line_free(&l);
	const char *b[] = { "xorriso", "-boot_image", "grub", "dir=/isolinux", "-as",
			    "mkisofs", "t" };
	ck_assert_int_eq(read_line(7, b, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-boot_image grub dir=/isolinux"));
	mk_role_line_free(&l);
	const char *b2[] = { "xorriso", "-boot_image", "any", "load_size=full", "-as",
			     "mkisofs", "t" };
	ck_assert_int_eq(read_line(7, b2, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-boot_image any load_size=full"));
	mk_role_line_free(&l);
	const char *b3[] = { "xorriso", "-boot_image", "any", "load_size=1000", "-as",
			     "mkisofs", "t" };
	ck_assert_int_eq(read_line(7, b3, &l, why), MK_ROLE_REFUSED);
	mk_role_line_free(&l);
	const char *c[] = { "xorriso", "-boot_image", "any", "keep", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(7, c, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-boot_image any keep"));
	mk_role_line_free(&l);
	const char *d[] = { "xorriso", "-report_about", "LOUD", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, d, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
	const char *e[] = { "xorriso", "-no_rc", "-report_about" };
	ck_assert_int_eq(read_line(3, e, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "-report_about needs 1 argument"));
	mk_role_line_free(&l);
	const char *f[] = { "xorriso", "-no_rc" };
	ck_assert_int_eq(read_line(2, f, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
	const char *g[] = { "xorriso", "-commit", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(5, g, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-commit: native xorriso command not supported"));
	mk_role_line_free(&l);
	const char *h[] = { "xorriso", "-abort_on", "FAILURE", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, h, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-abort_on: native xorriso command not supported"));
	mk_role_line_free(&l);
}
END_TEST

START_TEST(role_defaults_as_measured)
{
	struct img_image_opts io = {0};
	const char *output = NULL;
	img_image_opts_default(&io);
	struct img_image_opts before = io;
	mk_role_defaults(MK_ROLE_MKIMAGE, &io, &output);
	ck_assert_mem_eq(&io, &before, sizeof(io));
	ck_assert_int_eq(io.iso_level, 3);
	ck_assert_ptr_null(output);
	mk_role_defaults(MK_ROLE_GENISOIMAGE, &io, &output);
	ck_assert(!io.rock && !io.joliet && io.pad_blocks == 150 && io.iso_level == 1 &&
		  io.allow_dir_id_ext && io.rrip_1_10);
	ck_assert_str_eq(io.volid, "CDROM");
	ck_assert_str_eq(io.sysid, "LINUX");
	ck_assert_str_eq(output, "-");
	mk_role_defaults(MK_ROLE_XORRISOFS, &io, &output);
	ck_assert(io.rock && !io.joliet && io.pad_blocks == 150 && io.iso_level == 1 &&
		  io.allow_dir_id_ext && io.rrip_1_10);
	ck_assert_str_eq(io.volid, "ISOIMAGE");
	ck_assert_ptr_null(io.sysid);
}
END_TEST

/* A small table shaped like mkimage's: a sub-table included, short and long names. */
static char *s_out;
static struct poptOption sub[] = {
	{ "no-emul-boot", '\0', POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, NULL, 1, NULL, NULL },
	{ "eltorito-boot", 'b', POPT_ARG_STRING, NULL, 2, NULL, NULL },
	POPT_TABLEEND
};
static struct poptOption table[] = {
	{ "output", 'o', POPT_ARG_STRING, &s_out, 0, NULL, NULL },
	{ "joliet", 'J', POPT_ARG_NONE, NULL, 3, NULL, NULL },
	{ "rock", 'R', POPT_ARG_NONE, NULL, 4, NULL, NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, 5, NULL, NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, sub, 0, NULL, NULL },
	POPT_TABLEEND
};

static enum mk_scan_verdict scan(const char *line, bool role, char *why)
{
	const char *argv[16] = { "mkimage" };
	static char buf[256];
	snprintf(buf, sizeof(buf), "%s", line);
	int argc = 1;
	for (char *t = strtok(buf, " "); t && argc < 15; t = strtok(NULL, " "))
		argv[argc++] = t;
	char *pool;
	enum mk_scan_verdict v = mk_scan_argv(table, argc, argv, role, &pool, why, 300);
	free(pool);
	return v;
}

START_TEST(scan_long_options_with_one_or_two_dashes)
{
	char why[300];
	ck_assert_int_eq(scan("-output x -eltorito-boot b -no-emul-boot t", false, why), MK_SCAN_OK);
	ck_assert_int_eq(scan("--output=x --eltorito-boot b t", false, why), MK_SCAN_OK);
	ck_assert_int_eq(scan("-JR -RJ -o x t", false, why), MK_SCAN_OK);
	/* The argument of an option is skipped whatever it looks like. */
	ck_assert_int_eq(scan("-o -bogus t", false, why), MK_SCAN_OK);
	ck_assert_int_eq(scan("-o x -- -bogus", false, why), MK_SCAN_OK);
	/* -NAME for an entry without ONEDASH is handed to popt as --NAME. */
	const char *argv[] = { "mkimage", "-output", "x", "-no-emul-boot", NULL };
	char *pool;
	ck_assert_int_eq(mk_scan_argv(table, 4, argv, false, &pool, why, 300), MK_SCAN_OK);
	ck_assert_str_eq(argv[1], "--output");
	ck_assert_str_eq(argv[3], "-no-emul-boot");
	free(pool);
}
END_TEST

START_TEST(scan_refuses_by_name)
{
	char why[300];
	ck_assert_int_eq(scan("-checksum_algorithm_iso md5 -o x t", false, why), MK_SCAN_USAGE);
	ck_assert_str_eq(why, "-checksum_algorithm_iso: unknown option");
	ck_assert_int_eq(scan("-ob t", false, why), MK_SCAN_USAGE);
	ck_assert_str_eq(why, "-ob: unknown option");
	ck_assert_int_eq(scan("-Jo x t", false, why), MK_SCAN_USAGE);
	ck_assert_str_eq(why, "-Jo: unknown option");
	ck_assert_int_eq(scan("--J t", false, why), MK_SCAN_USAGE);
	ck_assert_str_eq(why, "--J: unknown option");
	ck_assert_int_eq(scan("-rock=1 t", false, why), MK_SCAN_USAGE);
	ck_assert_int_eq(scan("-o=x t", false, why), MK_SCAN_USAGE);
	ck_assert_int_eq(scan("t -output", false, why), MK_SCAN_USAGE);
	ck_assert_str_eq(why, "-output needs an argument");
	ck_assert_int_eq(scan("-hfs t", false, why), MK_SCAN_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-hfs: not supported: classic HFS"));
	ck_assert_int_eq(scan("-JT t", false, why), MK_SCAN_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-JT: -T: not supported"));
	/* -h: help for mkimage, genisoimage's -hfs in a role. */
	ck_assert_int_eq(scan("-h", false, why), MK_SCAN_OK);
	ck_assert_int_eq(scan("-h", true, why), MK_SCAN_REFUSED);
}
END_TEST

static Suite *roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("roles");
	tcase_add_test(tc, role_from_argv0_basename);
	tcase_add_test(tc, roles_and_as);
	tcase_add_test(tc, xorriso_native_commands);
	tcase_add_test(tc, xorriso_boot_image_isolinux_and_load_size);
	tcase_add_test(tc, xorriso_refusals_name_the_command);
	tcase_add_test(tc, role_defaults_as_measured);
	tcase_add_test(tc, scan_long_options_with_one_or_two_dashes);
	tcase_add_test(tc, scan_refuses_by_name);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(roles_suite)
