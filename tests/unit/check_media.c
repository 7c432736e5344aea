/* Unit tests of common/burn/media.c on stdio: pseudo-drives: a blank file target takes an image
 * of ISO 9660 and Joliet with the room its file system has; a file that holds data is
 * overwritten from its start (not a closed disc); a target that does not exist is named.  The
 * MMC side (a blank DVD+R: UDF 1.02 and 4.7 GB; a closed disc refused) is
 * tests/e2e/imgburn-mmc-watch.sh against tgt. */
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "common/burn/media.h"
#include "tests/unit/drive_fixture.h"
#include "tests/unit/unit.h"

START_TEST(blank_file_takes_iso_and_joliet_and_the_room_there_is)
{
	struct img_media_defaults m;
	struct img_error e = {0};
	ck_assert_int_eq(img_media_defaults(adr, &m, &e), IMG_OK);
	ck_assert_int_eq(m.kind, IMG_MEDIA_KIND_OTHER);
	ck_assert_uint_eq(m.udf_revision, 0);
	struct statvfs fs;
	ck_assert_int_eq(statvfs(dir, &fs), 0);
	int64_t room = (int64_t)fs.f_bavail * (int64_t)fs.f_frsize / 2048;
	/* (other programs write meanwhile: within 1 %) */
	ck_assert_int_gt(m.free_blocks, 0);
	ck_assert(m.free_blocks > room - room / 100 && m.free_blocks < room + room / 100);
}
END_TEST

START_TEST(file_with_data_is_written_from_its_start)
{
	FILE *f = fopen(target, "w");
	ck_assert_ptr_nonnull(f);
	fputs("old contents", f);
	fclose(f);
	struct img_media_defaults m;
	struct img_error e = {0};
	ck_assert_int_eq(img_media_defaults(adr, &m, &e), IMG_OK);
	ck_assert_int_gt(m.free_blocks, 0);
}
END_TEST

START_TEST(missing_target_is_named)
{
	char bad[400];
	snprintf(bad, sizeof(bad), "stdio:%s/no/such/dir/x.iso", dir);
	struct img_media_defaults m;
	struct img_error e = {0};
	ck_assert_int_ne(img_media_defaults(bad, &m, &e), IMG_OK);
	ck_assert_ptr_nonnull(strstr(e.detail, "no/such/dir"));
}
END_TEST

static Suite *media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *tc = tcase_create("stdio");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, blank_file_takes_iso_and_joliet_and_the_room_there_is);
	tcase_add_test(tc, file_with_data_is_written_from_its_start);
	tcase_add_test(tc, missing_target_is_named);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(media_suite)
