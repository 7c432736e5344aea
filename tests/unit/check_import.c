/* Unit tests of common/build/import.c: importing images that xorriso made (what the import
 * finds, removals, refusals), and a remaster written and imported again. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/build/image.h"
#include "common/build/import.h"
#include "common/build/tree.h"
#include "tests/unit/image_fixture.h"
#include "tests/unit/unit.h"

static struct img_image *fresh(const struct img_image_opts *o)
{
	struct img_image_opts def;
	img_image_opts_default(&def);
	def.volid = NULL; /* keep the old one */
	struct img_image *img;
	struct img_error e;
	ck_assert_int_eq(img_image_new(o ? o : &def, NULL, NULL, &img, &e), IMG_OK);
	return img;
}

static int import(struct img_image *img, const char *path, bool drop_boot)
{
	struct img_import_opts io = { .path = path, .drop_boot = drop_boot,
				      .joliet_as_old = true };
	return img_image_import(img, &io);
}

START_TEST(finds_views_and_ids)
{
	const char *iso = fixture_image("x.iso", "xorriso -as mkisofs -R -J -V VOL_X");
	struct stat st;
	ck_assert_int_eq(stat(iso, &st), 0);
	struct img_image *img = fresh(NULL);
	ck_assert_ptr_null(img_image_import_info(img));
	ck_assert_int_eq(import(img, iso, false), IMG_OK);
	const struct img_import_info *in = img_image_import_info(img);
	ck_assert_ptr_nonnull(in);
	ck_assert(in->rock);
	ck_assert(in->joliet);
	ck_assert(!in->eltorito);
	ck_assert(!in->system_area);
	ck_assert_str_eq(in->volid, "VOL_X");
	ck_assert_uint_eq(in->source_bytes, (uint64_t)st.st_size);
	ck_assert_uint_gt(in->volume_blocks, 16);
	ck_assert_uint_le((uint64_t)in->volume_blocks * 2048, (uint64_t)st.st_size);
	/* xorriso dates the volume when it writes it: the file's mtime, to the second. */
	ck_assert(in->have_mtime);
	ck_assert_int_le(in->mtime, (long long)st.st_mtime);
	ck_assert_int_ge(in->mtime, (long long)st.st_mtime - 60);
	/* A second import is refused. */
	ck_assert_int_eq(import(img, iso, false), IMG_EINVAL);
	img_image_free(img);
}
END_TEST

START_TEST(stdio_prefix_and_eltorito)
{
	const char *iso = fixture_image("b.iso", "xorriso -as mkisofs -R -b boot.img -no-emul-boot");
	char spec[300];
	snprintf(spec, sizeof(spec), "stdio:%s", iso);
	struct img_image *img = fresh(NULL);
	ck_assert_int_eq(import(img, spec, true), IMG_OK);
	const struct img_import_info *in = img_image_import_info(img);
	ck_assert(in->eltorito);
	ck_assert(!in->joliet);
	/* The catalog went with the boot record; the boot image file stays. */
	ck_assert_int_eq(img_image_remove_path(img, "/boot.catalog", false), IMG_ENOENT);
	ck_assert_int_eq(img_image_remove_path(img, "/boot.img", false), IMG_OK);
	img_image_free(img);
}
END_TEST

START_TEST(removals)
{
	const char *iso = fixture_image("r.iso", "xorriso -as mkisofs -R");
	struct img_image *img = fresh(NULL);
	ck_assert_int_eq(import(img, iso, false), IMG_OK);
	ck_assert_int_eq(img_image_remove_path(img, "/no/such", false), IMG_ENOENT);
	ck_assert_ptr_nonnull(strstr(img_image_error(img)->detail, "/no/such"));
	ck_assert_int_eq(img_image_remove_path(img, "/sub", false), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_image_error(img)->detail, "not empty"));
	ck_assert_int_eq(img_image_remove_path(img, "/", true), IMG_EINVAL);
	ck_assert_int_eq(img_image_remove_path(img, "/sub/", true), IMG_OK);
	ck_assert_int_eq(img_image_remove_path(img, "/sub/big.bin", false), IMG_ENOENT);
	/* Relative: from the root. */
	ck_assert_int_eq(img_image_remove_path(img, "hello.txt", false), IMG_OK);
	ck_assert_int_eq(img_image_remove_path(img, "/hello.txt", false), IMG_ENOENT);
	img_image_free(img);
}
END_TEST

START_TEST(not_iso9660)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/src/hello.txt", dir);
	struct img_image *img = fresh(NULL);
	ck_assert_int_eq(import(img, path, false), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(img_image_error(img)->detail, "not an ISO 9660 image"));
	ck_assert_ptr_nonnull(strstr(img_image_error(img)->detail, "hello.txt"));
	ck_assert_ptr_null(img_image_import_info(img));
	img_image_free(img);
	/* Big enough, but no "CD001" at block 16. */
	snprintf(path, sizeof(path), "%s/src/sub/big.bin", dir);
	img = fresh(NULL);
	ck_assert_int_eq(import(img, path, false), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(img_image_error(img)->detail, "byte 32769"));
	img_image_free(img);
	/* A missing file, and a session start past the end. */
	img = fresh(NULL);
	ck_assert_int_eq(import(img, "/nonexistent/old.iso", false), IMG_ENOENT);
	img_image_free(img);
	const char *iso = fixture_image("s.iso", "xorriso -as mkisofs -R");
	img = fresh(NULL);
	struct img_import_opts io = { .path = iso, .start_block = 100000 };
	ck_assert_int_eq(img_image_import(img, &io), IMG_ECORRUPT);
	img_image_free(img);
}
END_TEST

/* Writes img into path. */
static void write_image(struct img_image *img, const char *path)
{
	uint64_t total;
	ck_assert_int_eq(img_image_start(img, &total), IMG_OK);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	static unsigned char buf[65536];
	uint64_t off = 0;
	for (;;) {
		size_t got;
		ck_assert_int_eq(img_image_read(img, buf, sizeof(buf), &got), IMG_OK);
		if (got == 0)
			break;
		ck_assert_uint_eq(fwrite(buf, 1, got, f), got);
		off += got;
	}
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(off, total);
}

START_TEST(remaster_round_trip)
{
	const char *iso = fixture_image("m.iso", "xorriso -as mkisofs -R -J -V MERGE");
	char old[300], out[300], add[300];
	snprintf(old, sizeof(old), "%s", iso);
	snprintf(out, sizeof(out), "%s/new.iso", dir);
	snprintf(add, sizeof(add), "%s/add", dir);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sub && printf 'new hello\\n' >%s/hello.txt && "
		 "printf 'x' >%s/sub/extra.txt", add, add, add);
	ck_assert_int_eq(system(cmd), 0);
	struct img_tree *tree;
	struct img_tree_opts to = { 0 };
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &tree, &e), IMG_OK);
	ck_assert_int_eq(img_tree_add(tree, NULL, add), IMG_OK);
	ck_assert_int_eq(img_tree_finish(tree), IMG_OK);
	struct img_image *img = fresh(NULL);
	ck_assert_int_eq(import(img, old, false), IMG_OK);
	ck_assert_int_eq(img_image_add_tree(img, tree), IMG_OK);
	/* Importing after the tree went in is refused. */
	ck_assert_int_eq(import(img, old, false), IMG_EINVAL);
	write_image(img, out);
	img_image_free(img);
	img_tree_free(tree);
	/* xorriso reads the result: the replaced file's new content, the merged directory with
	 * the old and the added file, and the old volume id. */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && xorriso -osirrox on -indev new.iso -extract / ext >/dev/null 2>&1 && "
		 "grep -qx 'new hello' ext/hello.txt && test -f ext/sub/big.bin && "
		 "test -f ext/sub/extra.txt && cmp -s ext/sub/big.bin src/sub/big.bin && "
		 "test -f ext/boot.img && isoinfo -d -i new.iso | grep -q '^Volume id: MERGE$' && "
		 "isoinfo -d -i new.iso | grep -q 'Joliet with UCS'", dir);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
	/* And the result imports again. */
	img = fresh(NULL);
	ck_assert_int_eq(import(img, out, false), IMG_OK);
	ck_assert_str_eq(img_image_import_info(img)->volid, "MERGE");
	ck_assert_int_eq(img_image_remove_path(img, "/sub/extra.txt", false), IMG_OK);
	img_image_free(img);
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, finds_views_and_ids);
	tcase_add_test(tc, stdio_prefix_and_eltorito);
	tcase_add_test(tc, removals);
	tcase_add_test(tc, not_iso9660);
	tcase_add_test(tc, remaster_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(import_suite)
