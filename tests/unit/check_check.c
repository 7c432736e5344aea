/* Unit tests of common/inspect/check.c: the findings of imginfo --check on images made by
 * xorriso and genisoimage (not by our writer), before and after a byte of them is damaged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/inspect/check.h"
#include "common/inspect/filetree.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/source.h"
#include "tests/unit/image_fixture.h"
#include "tests/unit/unit.h"

static void run_check(const char *path, struct img_check_result *r)
{
	struct img_source *src;
	struct img_error err = {0};
	ck_assert_int_eq(img_source_open(path, NULL, &src, &err), IMG_OK);
	int rc = img_check_image(src, r, &err);
	ck_assert_msg(rc == IMG_OK, "img_check_image: %s", err.detail);
	img_source_close(src);
}

/* The status of the first finding called name whose detail contains part (NULL: any), or -1
 * when there is none. */
static int status_of(const struct img_check_result *r, const char *name, const char *part)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->items[i].name, name) == 0 &&
		    (part == NULL || strstr(r->items[i].detail, part) != NULL))
			return (int)r->items[i].status;
	return -1;
}

static size_t count_problems(const struct img_check_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->count; i++)
		n += r->items[i].status == IMG_CHECK_PROBLEM;
	return n;
}

/* Byte offset of a file's data in the image, found through the Rock Ridge view. */
static uint64_t data_offset(const char *path, const char *file)
{
	struct img_source *src;
	struct img_error err = {0};
	struct img_filetree *t;
	struct img_iso_info info;
	struct img_fnode *n;
	ck_assert_int_eq(img_source_open(path, NULL, &src, &err), IMG_OK);
	ck_assert_int_eq(img_iso_read_tree(src, IMG_VIEW_RR, &t, &info, &err), IMG_OK);
	ck_assert_int_eq(img_filetree_lookup(t, file, &n), IMG_OK);
	ck_assert_uint_gt(n->nextents, 0);
	uint64_t off = n->extents[0].offset;
	img_filetree_free(t);
	img_source_close(src);
	return off;
}

/* XORs mask into the byte at off of the file. */
static void flip_byte(const char *path, uint64_t off, unsigned char mask)
{
	FILE *f = fopen(path, "r+b");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseeko(f, (off_t)off, SEEK_SET), 0);
	int c = fgetc(f);
	ck_assert_int_ne(c, EOF);
	ck_assert_int_eq(fseeko(f, (off_t)off, SEEK_SET), 0);
	ck_assert_int_ne(fputc(c ^ mask, f), EOF);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(md5_tags_of_xorriso_pass)
{
	struct img_check_result r;
	run_check(fixture_image("md5.iso", "xorriso -as mkisofs -R -J --md5"), &r);
	ck_assert_uint_eq(r.problems, 0);
	ck_assert_uint_eq(count_problems(&r), 0);
	ck_assert_int_eq(status_of(&r, "volume descriptors", NULL), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "session MD5", NULL), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "file MD5s", "3 of 3 files match"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and joliet"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and rr"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "El Torito catalog", NULL), IMG_CHECK_NA);
	ck_assert_int_eq(status_of(&r, "GPT header CRC", NULL), IMG_CHECK_NA);
	ck_assert_int_eq(status_of(&r, "UDF descriptors", NULL), IMG_CHECK_NA);
	img_check_result_free(&r);
}
END_TEST

START_TEST(damaged_file_data_fails_both_md5s)
{
	const char *path = fixture_image("md5.iso", "xorriso -as mkisofs -R -J --md5");
	flip_byte(path, data_offset(path, "/sub/big.bin") + 1000, 0x40);
	struct img_check_result r;
	run_check(path, &r);
	ck_assert_int_eq(status_of(&r, "file MD5", "/sub/big.bin: recorded"), IMG_CHECK_PROBLEM);
	ck_assert_int_eq(status_of(&r, "file MD5s", "2 of 3 files match"), IMG_CHECK_PROBLEM);
	ck_assert_int_eq(status_of(&r, "session MD5", NULL), IMG_CHECK_PROBLEM);
	/* The structure is untouched: the views still agree. */
	ck_assert_int_eq(status_of(&r, "views agree", "iso and rr"), IMG_CHECK_OK);
	ck_assert_uint_eq(r.problems, 3);
	ck_assert_uint_eq(count_problems(&r), 3);
	img_check_result_free(&r);
}
END_TEST

START_TEST(no_md5_is_not_applicable)
{
	struct img_check_result r;
	run_check(fixture_image("plain.iso", "xorriso -as mkisofs -R -J"), &r);
	ck_assert_uint_eq(r.problems, 0);
	ck_assert_int_eq(status_of(&r, "session MD5", NULL), IMG_CHECK_NA);
	ck_assert_int_eq(status_of(&r, "file MD5s", NULL), IMG_CHECK_NA);
	img_check_result_free(&r);
}
END_TEST

/* The Joliet record of hello.txt is made to claim one byte more than the ISO 9660 one. */
START_TEST(joliet_size_change_breaks_views_agree)
{
	const char *path = fixture_image("plain.iso", "xorriso -as mkisofs -R -J");
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static unsigned char img[1 << 20];
	size_t len = fread(img, 1, sizeof(img), f);
	fclose(f);
	/* "hello.txt" in UCS-2 big endian, as Joliet stores it (ECMA-119 9.1, Joliet spec). */
	static const char name[] = "hello.txt";
	unsigned char ucs[18];
	for (int i = 0; i < 9; i++)
		ucs[2 * i] = 0, ucs[2 * i + 1] = (unsigned char)name[i];
	long rec = -1;
	for (size_t i = 33; i + sizeof(ucs) <= len; i++)
		if (memcmp(img + i, ucs, sizeof(ucs)) == 0 && img[i - 1] >= sizeof(ucs)) {
			rec = (long)i - 33; /* the name starts at byte 33 of a directory record */
			break;
		}
	ck_assert_int_ge(rec, 0);
	/* Data length, both-endian at bytes 10-17 (ECMA-119 9.1.4): 12 becomes 13. */
	ck_assert_uint_eq(img[rec + 10], 12);
	flip_byte(path, (uint64_t)rec + 10, 12 ^ 13);
	flip_byte(path, (uint64_t)rec + 17, 12 ^ 13);
	struct img_check_result r;
	run_check(path, &r);
	ck_assert_int_eq(status_of(&r, "views agree", "joliet file /hello.txt (13 bytes"),
			 IMG_CHECK_PROBLEM);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and rr"), IMG_CHECK_OK);
	ck_assert_uint_ge(r.problems, 1);
	img_check_result_free(&r);
}
END_TEST

START_TEST(boot_info_table_checked)
{
	const char *path = fixture_image("boot.iso", "xorriso -as mkisofs -R -b boot.img "
				      "-no-emul-boot -boot-info-table");
	struct img_check_result r;
	run_check(path, &r);
	ck_assert_int_eq(status_of(&r, "El Torito catalog", NULL), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "boot info table", "checksum matches"), IMG_CHECK_OK);
	ck_assert_uint_eq(r.problems, 0);
	img_check_result_free(&r);
	/* El Torito 1.0 boot info table: the checksum of the file from byte 64 on is at byte 20;
	 * a byte changed after the table no longer sums to it. */
	flip_byte(path, data_offset(path, "/boot.img") + 100, 0x01);
	run_check(path, &r);
	ck_assert_int_eq(status_of(&r, "boot info table", "does not match"), IMG_CHECK_PROBLEM);
	ck_assert_uint_eq(r.problems, 1);
	img_check_result_free(&r);
}
END_TEST

/* GRUB's eltorito.img is 29,541 bytes long, so its boot info table checksum ends in a word cut
 * short, which mkisofs and libisofs count zero-padded (Debian's grub-rescue-cdrom.iso was once
 * reported as damaged for it).  Images of such a file by xorriso and by genisoimage pass; a
 * change to its very last byte is noticed. */
START_TEST(boot_info_table_of_odd_length)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "set -e; cd %s; mkdir odd;"
		 "head -c 29541 /dev/urandom >odd/eltorito.img", dir);
	ck_assert_int_eq(system(cmd), 0);
	static const char *const tools[2] = {"xorriso -as mkisofs", "genisoimage -quiet"};
	for (int t = 0; t < 2; t++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/odd%d.iso", dir, t);
		snprintf(cmd, sizeof(cmd), "cd %s && %s -R -b eltorito.img -no-emul-boot "
			 "-boot-load-size 4 -boot-info-table -o %s odd >/dev/null 2>&1", dir,
			 tools[t], path);
		ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
		struct img_check_result r;
		run_check(path, &r);
		ck_assert_msg(status_of(&r, "boot info table", "checksum matches") == IMG_CHECK_OK,
			      "%s", tools[t]);
		ck_assert_uint_eq(r.problems, 0);
		img_check_result_free(&r);
		flip_byte(path, data_offset(path, "/eltorito.img") + 29540, 0x80);
		run_check(path, &r);
		ck_assert_int_eq(status_of(&r, "boot info table", "does not match"),
				 IMG_CHECK_PROBLEM);
		ck_assert_uint_eq(r.problems, 1);
		img_check_result_free(&r);
	}
}
END_TEST

/* A file hidden from one view (xorriso -hide, -hide-joliet) is no problem: it is counted on
 * the "ok" line; a file both views hold with other sizes stays one (see above). */
START_TEST(hidden_files_are_counted_not_problems)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cd %s && printf 'j\\n' >src/nojoliet.txt && "
		 "printf 'h\\n' >src/hidden.txt", dir);
	ck_assert_int_eq(system(cmd), 0);
	const char *path = fixture_image("hide.iso", "xorriso -as mkisofs -R -J -hide-joliet "
				      "nojoliet.txt -hide hidden.txt");
	struct img_check_result r;
	run_check(path, &r);
	ck_assert_uint_eq(r.problems, 0);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and joliet: same sizes and extents "
				   "for every file both hold; 1 file only in iso (/NOJOLIET.TXT); "
				   "1 file only in joliet (/hidden.txt)"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and rr: same sizes and extents for "
				   "every file"), IMG_CHECK_OK);
	img_check_result_free(&r);
}
END_TEST

/* zisofs (xorriso -set_filter_r --zisofs): Rock Ridge gives the uncompressed size, ISO 9660
 * the stored one, and libisofs records the MD5 of what it stores: no problem; a damaged zisofs
 * header is one again. */
START_TEST(zisofs_files_are_compared_as_stored)
{
	char path[256], cmd[1024];
	snprintf(path, sizeof(path), "%s/z.iso", dir);
	snprintf(cmd, sizeof(cmd), "cd %s && seq 1 30000 >src/seq.txt && xorriso -md5 on "
		 "-outdev %s -map src / -set_filter_r --zisofs / -- -commit >/dev/null 2>&1",
		 dir, path);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	struct img_check_result r;
	run_check(path, &r);
	ck_assert_int_eq(status_of(&r, "zisofs", "stored compressed"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "file MD5s", NULL), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and rr: same sizes"), IMG_CHECK_OK);
	ck_assert_uint_eq(r.problems, 0);
	img_check_result_free(&r);
	/* The first byte of the zisofs magic: no longer zisofs, so the sizes differ. */
	flip_byte(path, data_offset(path, "/seq.txt"), 0x01);
	run_check(path, &r);
	ck_assert_int_eq(status_of(&r, "views agree", "/seq.txt"), IMG_CHECK_PROBLEM);
	ck_assert_uint_ge(r.problems, 1);
	img_check_result_free(&r);
}
END_TEST

START_TEST(udf_of_genisoimage_agrees_with_iso)
{
	struct img_check_result r;
	run_check(fixture_image("udf.iso", "genisoimage -quiet -R -J -udf"), &r);
	ck_assert_int_eq(status_of(&r, "UDF descriptors", "descriptor tags"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and udf"), IMG_CHECK_OK);
	ck_assert_int_eq(status_of(&r, "UDF metadata mirror", NULL), IMG_CHECK_NA);
	ck_assert_uint_eq(r.problems, 0);
	img_check_result_free(&r);
	/* With a boot catalog, which genisoimage records in UDF with no data: counted, no
	 * problem. */
	run_check(fixture_image("udfboot.iso", "genisoimage -quiet -R -J -udf -b boot.img "
			     "-no-emul-boot -c boot.cat"), &r);
	ck_assert_int_eq(status_of(&r, "views agree", "iso and udf: same sizes and extents for "
				   "every file both hold; 1 file only in iso (/BOOT.CAT)"),
			 IMG_CHECK_OK);
	ck_assert_uint_eq(r.problems, 0);
	img_check_result_free(&r);
}
END_TEST

START_TEST(not_an_image_is_an_error)
{
	static unsigned char zeros[64 * 2048];
	struct img_source *src;
	struct img_error err = {0};
	struct img_check_result r;
	ck_assert_int_eq(img_source_from_memory(zeros, sizeof(zeros), &src), IMG_OK);
	ck_assert_int_ne(img_check_image(src, &r, &err), IMG_OK);
	ck_assert_str_ne(err.detail, "");
	ck_assert_uint_eq(r.count, 0);
	img_check_result_free(&r);
	img_source_close(src);
}
END_TEST

static Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("images");
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, md5_tags_of_xorriso_pass);
	tcase_add_test(tc, damaged_file_data_fails_both_md5s);
	tcase_add_test(tc, no_md5_is_not_applicable);
	tcase_add_test(tc, joliet_size_change_breaks_views_agree);
	tcase_add_test(tc, boot_info_table_checked);
	tcase_add_test(tc, boot_info_table_of_odd_length);
	tcase_add_test(tc, hidden_files_are_counted_not_problems);
	tcase_add_test(tc, zisofs_files_are_compared_as_stored);
	tcase_add_test(tc, udf_of_genisoimage_agrees_with_iso);
	tcase_add_test(tc, not_an_image_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(check_suite)
