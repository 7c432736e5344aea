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
	const char *a[] = { "xorriso", "-load", "sbsector", "16", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(7, a, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-load sbsector: not supported: mkimage loads by "
				       "session number only"));
	mk_role_line_free(&l);
	const char *a2[] = { "xorriso", "-chmod", "0644", "/x", "--", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(8, a2, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-chmod: native xorriso command not supported ("));
	mk_role_line_free(&l);
	/* -load session N, before -indev: --session N */
	const char *a3[] = { "xorriso", "-load", "session", "2", "-indev", "old.iso", "-outdev",
			     "new.iso" };
	ck_assert_int_eq(read_line(8, a3, &l, why), MK_ROLE_OK);
	ck_assert_str_eq(l.argv[1], "--session");
	ck_assert_str_eq(l.argv[2], "2");
	ck_assert_str_eq(l.argv[3], "--indev");
	mk_role_line_free(&l);
	const char *a4[] = { "xorriso", "-indev", "old.iso", "-load", "session", "x", "-outdev",
			     "new.iso" };
	ck_assert_int_eq(read_line(8, a4, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "-load session x: want a session number"));
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
	ck_assert_str_eq(why, "-as: after -commit or -end: not supported: mkimage makes one "
			 "image per run");
	mk_role_line_free(&l);
	const char *h[] = { "xorriso", "-abort_on", "FAILURE", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, h, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-abort_on: native xorriso command not supported"));
	mk_role_line_free(&l);
}
END_TEST

/* words[0..n) of the translated line, then its end. */
static void line_is(const struct mk_role_line *l, const char *const *want, int n)
{
	for (int i = 0; i < n && i < l->argc; i++)
		ck_assert_str_eq(l->argv[i], want[i]);
	ck_assert_int_eq(l->argc, n);
	ck_assert_ptr_null(l->argv[n]);
}

/* Fedora's mkksiso (weldr/lorax src/pylorax/cmdline/mkksiso.py) with every optional part. */
START_TEST(xorriso_mkksiso_line)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-indev", "/in/boot.iso", "-outdev", "/out/ks.iso",
			    "-boot_image", "any", "replay", "-volid", "Fedora-ks",
			    "-append_partition", "2", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
			    "/tmp/efibootimg-x", "-update", "/dev/null", "/EFI/BOOT/grub.cfg",
			    "-update", "/dev/null", "/isolinux/isolinux.cfg", "-map",
			    "/dev/null", "ks.cfg", "-alter_date_r", "b", "=1700000000", "/", "--",
			    "-as", "mkisofs", "-iso-level", "3" };
	ck_assert_int_eq(read_line(32, a, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_XORRISO);
	ck_assert_str_eq(l.usage_name, "xorriso");
	ck_assert_int_eq(l.grafts, 3);
	const char *want[] = { "xorriso", "--indev", "/in/boot.iso", "-o", "/out/ks.iso",
			       "--boot", "replay", "-V", "Fedora-ks", "-append_partition", "2",
			       "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "/tmp/efibootimg-x",
			       "-graft-points", "/EFI/BOOT/grub.cfg=/dev/null",
			       "/isolinux/isolinux.cfg=/dev/null", "/ks.cfg=/dev/null",
			       "-alter_date_r", "b", "=1700000000", "/", "-iso-level", "3" };
	line_is(&l, want, (int)(sizeof(want) / sizeof(want[0])));
	mk_role_line_free(&l);
	/* The shortest: no -as mkisofs (the image is written at the end, as by xorriso), and
	 * without -boot_image any replay the loaded El Torito boot is dropped. */
	const char *b[] = { "xorriso", "-indev", "stdio:/in.iso", "-outdev", "stdio:/o.iso",
			    "-map", "/", "/add" };
	ck_assert_int_eq(read_line(8, b, &l, why), MK_ROLE_OK);
	const char *wb[] = { "xorriso", "--indev", "stdio:/in.iso", "-o", "/o.iso",
			     "-graft-points", "/add=/", "--boot", "keep-none" };
	line_is(&l, wb, 9);
	mk_role_line_free(&l);
	const char *c[] = { "xorriso", "-indev", "/x.iso", "-outdev", "/y.iso", "-boot_image",
			    "any", "discard", "-commit", "-end" };
	ck_assert_int_eq(read_line(10, c, &l, why), MK_ROLE_OK);
	const char *wc[] = { "xorriso", "--indev", "/x.iso", "-o", "/y.iso", "--boot",
			     "keep-none" };
	line_is(&l, wc, 7);
	mk_role_line_free(&l);
	/* discard before -indev has nothing to discard: -indev's default then. */
	const char *c1[] = { "xorriso", "-boot_image", "any", "discard", "-indev", "/x.iso",
			     "-outdev", "/y.iso" };
	ck_assert_int_eq(read_line(8, c1, &l, why), MK_ROLE_OK);
	line_is(&l, wc, 7);
	mk_role_line_free(&l);
	/* -dev is xorriso's growing: a session appended in place, mkimage --grow. */
	const char *c2[] = { "xorriso", "-dev", "stdio:/x.iso", "-map", "/", "/d" };
	ck_assert_int_eq(read_line(6, c2, &l, why), MK_ROLE_OK);
	ck_assert_str_eq(l.argv[1], "--grow");
	ck_assert_str_eq(l.argv[2], "/x.iso");
	ck_assert(l.burn_padding);
	mk_role_line_free(&l);
	const char *c3[] = { "xorriso", "-dev", "/x.iso", "-outdev", "/y.iso" };
	ck_assert_int_eq(read_line(5, c3, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "after -dev"));
	mk_role_line_free(&l);
	const char *c4[] = { "xorriso", "-dev", "/dev/sr0", "-map", "/", "/d" };
	ck_assert_int_eq(read_line(6, c4, &l, why), MK_ROLE_REFUSED);
	mk_role_line_free(&l);
}
END_TEST

START_TEST(xorriso_paths_lists_and_order)
{
	struct mk_role_line l;
	char why[300];
	/* Image paths from /, "." and ".." resolved; lists end at "--" or the end. */
	const char *a[] = { "xorriso", "-outdev", "-", "-rm_r", "/a", "b/../c//d/.", "--",
			    "-rm", "/e", "--", "-map", "/dev/null", "/x\\\\y=z/", "-alter_date", "m-c",
			    "2020010100000000", "/x", "../q" };
	ck_assert_int_eq(read_line((int)(sizeof(a) / sizeof(a[0])), a, &l, why), MK_ROLE_OK);
	const char *want[] = { "xorriso", "-o", "-", "--rm-r", "/a", "--rm-r", "/c/d", "--rm",
			       "/e", "-graft-points", "/x\\\\\\\\y\\=z=/dev/null",
			       "-alter_date", "m-c", "2020010100000000", "/x", "-alter_date",
			       "m-c", "2020010100000000", "/q" };
	line_is(&l, want, (int)(sizeof(want) / sizeof(want[0])));
	mk_role_line_free(&l);
	/* -update of a file that is not there deletes it from the image, as in xorriso. */
	const char *b[] = { "xorriso", "-outdev", "o", "-update", "/nonexistent/mkimage-x", "/k" };
	ck_assert_int_eq(read_line(6, b, &l, why), MK_ROLE_OK);
	const char *wb[] = { "xorriso", "-o", "o", "--rm-r", "/k" };
	line_is(&l, wb, 5);
	mk_role_line_free(&l);
	/* Removing first and adding after is mkimage's order too. */
	const char *c[] = { "xorriso", "-outdev", "o", "-rm_r", "/d", "--", "-map", "/", "/d" };
	ck_assert_int_eq(read_line(9, c, &l, why), MK_ROLE_OK);
	mk_role_line_free(&l);
	const char *d[] = { "xorriso", "-outdev", "o", "-map", "/", "/d", "-rm", "/d/x" };
	ck_assert_int_eq(read_line(8, d, &l, why), MK_ROLE_REFUSED);
	ck_assert_str_eq(why, "-rm /d/x: not supported after -map or -update of /d: mkimage "
			 "removes before it adds (give the removal first)");
	mk_role_line_free(&l);
	const char *e[] = { "xorriso", "-outdev", "o", "-alter_date_r", "b", "=1", "/d", "--",
			    "-map", "/", "/d/e" };
	ck_assert_int_eq(read_line(11, e, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-map /d/e: not supported after -alter_date of /d"));
	mk_role_line_free(&l);
	/* ... an addition elsewhere is fine */
	const char *e2[] = { "xorriso", "-outdev", "o", "-alter_date_r", "b", "=1", "/d", "--",
			     "-map", "/", "/dd" };
	ck_assert_int_eq(read_line(11, e2, &l, why), MK_ROLE_OK);
	mk_role_line_free(&l);
	const char *f[] = { "xorriso", "-outdev", "o", "-rm_r", "/boot/*.img" };
	ck_assert_int_eq(read_line(5, f, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-rm_r /boot/*.img: not supported: mkimage expands "
				     "no wildcards"));
	mk_role_line_free(&l);
	const char *g[] = { "xorriso", "-outdev", "o", "-update", "/", "/d" };
	ck_assert_int_eq(read_line(6, g, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-update / /d: not supported for a directory"));
	mk_role_line_free(&l);
	const char *h[] = { "xorriso", "-outdev", "o", "-map", "/dev/null", "/" };
	ck_assert_int_eq(read_line(6, h, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
	const char *i[] = { "xorriso", "-outdev", "o", "-rm", ".." };
	ck_assert_int_eq(read_line(5, i, &l, why), MK_ROLE_USAGE);
	ck_assert_str_eq(why, "-rm ..: the root cannot be removed");
	mk_role_line_free(&l);
	const char *j[] = { "xorriso", "-outdev", "o", "-alter_date", "b", "+1d", "/x" };
	ck_assert_int_eq(read_line(7, j, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-alter_date b +1d: not supported"));
	mk_role_line_free(&l);
	const char *k[] = { "xorriso", "-outdev", "o", "-alter_date", "x", "=1", "/x" };
	ck_assert_int_eq(read_line(7, k, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
}
END_TEST

START_TEST(xorriso_drives_and_boot_fate)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-indev", "a.iso", "-indev", "b.iso", "-outdev", "o" };
	ck_assert_int_eq(read_line(7, a, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "a second input drive"));
	mk_role_line_free(&l);
	const char *b[] = { "xorriso", "-outdev", "o", "-map", "/", "/d", "-indev", "a.iso" };
	ck_assert_int_eq(read_line(8, b, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "after changes to the image"));
	mk_role_line_free(&l);
	const char *c[] = { "xorriso", "-indev", "a.iso", "-outdev", "/dev/sr0" };
	ck_assert_int_eq(read_line(5, c, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-outdev /dev/sr0: not supported: mkimage writes "
				     "image files"));
	mk_role_line_free(&l);
	const char *d[] = { "xorriso", "-boot_image", "any", "replay", "-indev", "a.iso",
			    "-outdev", "o" };
	ck_assert_int_eq(read_line(8, d, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "give -indev first"));
	mk_role_line_free(&l);
	const char *e[] = { "xorriso", "-indev", "a.iso" };
	ck_assert_int_eq(read_line(3, e, &l, why), MK_ROLE_USAGE);
	ck_assert_ptr_nonnull(strstr(why, "needs -outdev or -as mkisofs"));
	mk_role_line_free(&l);
	const char *f[] = { "xorriso", "-outdev", "o", "-end", "-map", "/", "/d" };
	ck_assert_int_eq(read_line(7, f, &l, why), MK_ROLE_USAGE);
	ck_assert_str_eq(why, "-map: after -end: xorriso would not run it");
	mk_role_line_free(&l);
	const char *g[] = { "xorriso", "-outdev", "o", "-commit", "-map", "/", "/d" };
	ck_assert_int_eq(read_line(7, g, &l, why), MK_ROLE_REFUSED);
	mk_role_line_free(&l);
	/* Settings alone keep xorriso -as mkisofs's role and defaults. */
	const char *h[] = { "xorriso", "-joliet", "on", "-rockridge", "off", "-volid", "V",
			    "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(10, h, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.role, MK_ROLE_XORRISOFS);
	const char *wh[] = { "xorriso", "-J", "--no-rock", "-V", "V", "t" };
	line_is(&l, wh, 6);
	mk_role_line_free(&l);
	const char *i[] = { "xorriso", "-joliet", "yes", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, i, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
}
END_TEST

/* mkksiso's GetISODetails: xorriso -indev ISO -pkt_output on -find (mkimage/find.c lists). */
START_TEST(xorriso_find_listing)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-indev", "boot.iso", "-pkt_output", "on", "-find" };
	ck_assert_int_eq(read_line(6, a, &l, why), MK_ROLE_OK);
	ck_assert_str_eq(l.find, ".");
	ck_assert_str_eq(l.find_start, "/");
	ck_assert(l.pkt_output);
	ck_assert_int_eq(l.role, MK_ROLE_XORRISO);
	mk_role_line_free(&l);
	const char *b[] = { "xorriso", "-report_about", "SORRY", "-indev", "b.iso", "-find",
			    "isolinux/../EFI/", "--" };
	ck_assert_int_eq(read_line(8, b, &l, why), MK_ROLE_OK);
	ck_assert_str_eq(l.find, "isolinux/../EFI/");
	ck_assert_str_eq(l.find_start, "/EFI");
	ck_assert(!l.pkt_output);
	mk_role_line_free(&l);
	const char *c[] = { "xorriso", "-indev", "b.iso", "-find", "/", "-name", "*.cfg" };
	ck_assert_int_eq(read_line(7, c, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-find / -name: not supported"));
	mk_role_line_free(&l);
	const char *d[] = { "xorriso", "-find" };
	ck_assert_int_eq(read_line(2, d, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
	const char *e[] = { "xorriso", "-indev", "b.iso", "-outdev", "o.iso", "-find" };
	ck_assert_int_eq(read_line(6, e, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "mkimage lists an image or writes one"));
	mk_role_line_free(&l);
	const char *f[] = { "xorriso", "-indev", "b.iso", "-find", "-volid", "X" };
	ck_assert_int_eq(read_line(6, f, &l, why), MK_ROLE_REFUSED); /* the list takes both */
	mk_role_line_free(&l);
	const char *g[] = { "xorriso", "-indev", "b.iso", "-pkt_output", "yes", "-find" };
	ck_assert_int_eq(read_line(6, g, &l, why), MK_ROLE_USAGE);
	mk_role_line_free(&l);
}
END_TEST

START_TEST(xorriso_compliance)
{
	struct mk_role_line l;
	char why[300];
	const char *a[] = { "xorriso", "-compliance", "iso_9660_level=2:omit_version::deep_paths",
			    "-compliance", "joliet_long_names:no_force_dots", "-as", "mkisofs",
			    "t" };
	ck_assert_int_eq(read_line(8, a, &l, why), MK_ROLE_OK);
	const char *want[] = { "xorriso", "-iso-level", "2", "-N", "-joliet-long", "-d", "t" };
	line_is(&l, want, 7);
	mk_role_line_free(&l);
	const char *b[] = { "xorriso", "-compliance", "deep_paths:deep_paths_off", "-as",
			    "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, b, &l, why), MK_ROLE_REFUSED);
	ck_assert_ptr_nonnull(strstr(why, "-compliance deep_paths_off: not supported"));
	mk_role_line_free(&l);
	const char *c[] = { "xorriso", "-compliance", "iso_9660_level=4", "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, c, &l, why), MK_ROLE_REFUSED);
	mk_role_line_free(&l);
	/* Many rules in one word: two output words each at most, room for all of them. */
	static char many[64 * 13 + 1];
	many[0] = '\0';
	for (int k = 0; k < 64; k++)
		strcat(many, k ? ":omit_version" : "omit_version");
	const char *d[] = { "xorriso", "-compliance", many, "-as", "mkisofs", "t" };
	ck_assert_int_eq(read_line(6, d, &l, why), MK_ROLE_OK);
	ck_assert_int_eq(l.argc, 66);
	mk_role_line_free(&l);
}
END_TEST

/* Lines of native commands with their arguments, in random order and number (a fixed seed),
 * now and then a word of another command put in: whatever the verdict, the translation stays
 * within the room out_room counted (ASan sees any overflow) and ends with its NULL, and a
 * refusal or usage error says why. */
START_TEST(xorriso_random_lines_fit)
{
	static const char *const cmds[][6] = {
		{ "-indev", "in.iso" }, { "-outdev", "out.iso" }, { "-map", "/dev/null", "a/b" },
		{ "-update", "/nonexistent/x", "/u" }, { "-rm", "/r1", "r2", "--" },
		{ "-rm_r", "/d/../e", "--" }, { "-alter_date_r", "b", "=1700000000", "/", "/q", "--" },
		{ "-alter_date", "m-c", "2020010100000000", "x" },
		{ "-compliance", "omit_version:deep_paths:iso_9660_level=3:::no_force_dots" },
		{ "-boot_image", "any", "replay" }, { "-boot_image", "any", "discard" },
		{ "-boot_image", "isolinux", "dir=/isolinux" }, { "-boot_image", "any", "next" },
		{ "-volid", "V" }, { "-joliet", "on" }, { "-rockridge", "off" },
		{ "-append_partition", "2", "0xef", "esp.img" }, { "-report_about", "SORRY" },
		{ "-volume_date", "uuid", "2020010100000000" }, { "-no_rc" }, { "-commit" },
		{ "-end" }, { "-as", "mkisofs", "-iso-level", "3", "--" }, { "-dev", "x" },
		{ "-pkt_output", "on" }, { "-find", "/a", "--" },
	};
	const int nc = (int)(sizeof(cmds) / sizeof(cmds[0]));
	unsigned long x = 12345;
	int ok = 0;
	for (int line = 0; line < 20000; line++) {
		const char *argv[64] = { "xorriso" };
		int argc = 1;
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		int ncmd = 1 + (int)((x >> 33) % 9);
		for (int c = 0; c < ncmd; c++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			const char *const *cmd = cmds[(x >> 33) % (unsigned long)nc];
			/* every seventh command loses its last word: the next command's come in */
			int n = 0;
			while (n < 6 && cmd[n] != NULL)
				n++;
			if ((x >> 20) % 7 == 0 && n > 1)
				n--;
			for (int k = 0; k < n && argc < 63; k++)
				argv[argc++] = cmd[k];
		}
		struct mk_role_line l;
		char why[300] = "";
		enum mk_role_verdict v = read_line(argc, argv, &l, why);
		if (v == MK_ROLE_OK) {
			ok++;
			ck_assert_uint_le((size_t)l.argc + 1, out_room(argc, argv));
			ck_assert_ptr_null(l.argv[l.argc]);
		} else {
			ck_assert_msg(why[0] != '\0', "line %d: no reason given", line);
		}
		mk_role_line_free(&l);
	}
	ck_assert_int_gt(ok, 1000); /* not only refusals (1,741 with this seed) */
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
	/* native xorriso: level 3 and no dot in directory names (its -compliance default) */
	mk_role_defaults(MK_ROLE_XORRISO, &io, &output);
	ck_assert(io.rock && !io.joliet && io.pad_blocks == 150 && io.iso_level == 3 &&
		  !io.allow_dir_id_ext && io.rrip_1_10 && io.joliet_no_version);
	ck_assert_str_eq(io.volid, "ISOIMAGE");
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
	tcase_add_test(tc, xorriso_mkksiso_line);
	tcase_add_test(tc, xorriso_paths_lists_and_order);
	tcase_add_test(tc, xorriso_drives_and_boot_fate);
	tcase_add_test(tc, xorriso_find_listing);
	tcase_add_test(tc, xorriso_compliance);
	tcase_add_test(tc, xorriso_random_lines_fit);
	tcase_add_test(tc, role_defaults_as_measured);
	tcase_add_test(tc, scan_long_options_with_one_or_two_dashes);
	tcase_add_test(tc, scan_refuses_by_name);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(roles_suite)
