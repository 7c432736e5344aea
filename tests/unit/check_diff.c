/* Unit tests of common/inspect/diff.c: images made by xorriso and genisoimage (not by our
 * writer) that differ in known ways, and the differences img_diff_images names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/inspect/diff.h"
#include "common/inspect/source.h"
#include "tests/unit/unit.h"

static char dir[64];

/* A tree with a text file, a 70000-byte file in a subdirectory and a boot image, all with
 * fixed times so that two builds of copies of it are byte-identical. */
static void make_tree(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_diff.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p src/sub; printf 'hello world\\n' >src/hello.txt;"
		 "head -c 70000 /dev/urandom >src/sub/big.bin; head -c 2048 /dev/urandom >src/boot.img;"
		 "chmod 644 src/hello.txt src/sub/big.bin;"
		 "find src -exec touch -h -d @1600000000 {} +", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void remove_tree(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Runs "SETUP; TOOL_AND_ARGS -o DIR/NAME DIR/TREE" in dir with SOURCE_DATE_EPOCH fixed; SETUP
 * (may be "true") prepares the tree.  Returns the image path (static storage, one of two). */
static const char *make_image(const char *name, const char *setup, const char *tool_and_args,
			      const char *tree)
{
	static char path[2][256];
	static int which;
	char *p = path[which ^= 1];
	char cmd[2048];
	snprintf(p, 256, "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "cd %s && (%s) && SOURCE_DATE_EPOCH=1700000000 %s -o %s %s "
		 ">/dev/null 2>&1", dir, setup, tool_and_args, p, tree);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	return p;
}

static void run_diff(const char *a, const char *b, bool content, struct img_diff_result *r)
{
	struct img_source *sa, *sb;
	struct img_error err = {0};
	ck_assert_int_eq(img_source_open(a, NULL, &sa, &err), IMG_OK);
	ck_assert_int_eq(img_source_open(b, NULL, &sb, &err), IMG_OK);
	struct img_diff_opts o = {.content = content};
	int rc = img_diff_images(sa, sb, &o, r, &err);
	ck_assert_msg(rc == IMG_OK, "img_diff_images: %s", err.detail);
	img_source_close(sa);
	img_source_close(sb);
}

/* The first item of kind in area whose where starts with where and whose field is field
 * (NULL: any), or NULL. */
static const struct img_diff_item *find(const struct img_diff_result *r, enum img_diff_kind kind,
					const char *area, const char *where, const char *field)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct img_diff_item *x = &r->items[i];
		if (x->kind == kind && strcmp(x->area, area) == 0 &&
		    strncmp(x->where, where, strlen(where)) == 0 &&
		    (field == NULL || (x->field && strcmp(x->field, field) == 0)))
			return x;
	}
	return NULL;
}

static void dump(const struct img_diff_result *r)
{
	for (size_t i = 0; i < r->count; i++)
		fprintf(stderr, "  %s %s %s %s %s %s\n", img_diff_kind_name(r->items[i].kind),
			r->items[i].area, r->items[i].where, r->items[i].field ? r->items[i].field : "-",
			r->items[i].a ? r->items[i].a : "-", r->items[i].b ? r->items[i].b : "-");
}

#define XORRISO "xorriso -as mkisofs -R -J"

START_TEST(identical_builds_are_identical)
{
	const char *a = make_image("a.iso", "true", XORRISO, "src");
	char keep[256];
	snprintf(keep, sizeof(keep), "%s", a);
	const char *b = make_image("b.iso", "true", XORRISO, "src");
	struct img_diff_result r;
	run_diff(keep, b, true, &r);
	if (!r.identical)
		dump(&r);
	ck_assert(r.identical);
	ck_assert_uint_eq(r.count, 0);
	ck_assert_uint_eq(r.blocks_differ, 0);
	ck_assert_uint_eq(r.bytes_read, 0);
	img_diff_result_free(&r);
}
END_TEST

START_TEST(volume_id_field_with_both_values)
{
	char a[256];
	snprintf(a, sizeof(a), "%s", make_image("a.iso", "true", XORRISO " -V FIRST", "src"));
	const char *b = make_image("b.iso", "true", XORRISO " -V SECOND", "src");
	struct img_diff_result r;
	run_diff(a, b, false, &r);
	const struct img_diff_item *x =
		find(&r, IMG_DIFF_FIELD, "volume descriptors", "primary", "volume id");
	if (x == NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert(r.recognized[0] && r.recognized[1]);
	ck_assert_str_eq(x->a, "FIRST");
	ck_assert_str_eq(x->b, "SECOND");
	ck_assert(!r.identical);
	/* No file differs: the data of every file stayed where it was. */
	ck_assert_ptr_null(find(&r, IMG_DIFF_CONTENT, "rr", "/", NULL));
	ck_assert_ptr_null(find(&r, IMG_DIFF_PLACEMENT, "rr", "/", NULL));
	img_diff_result_free(&r);
}
END_TEST

/* One byte of big.bin changed in place (same size, same time): the sweep finds its block, and
 * only that file's data are read again. */
START_TEST(content_change_at_its_offset_reading_only_that_file)
{
	char a[256];
	snprintf(a, sizeof(a), "%s", make_image("a.iso", "true", XORRISO, "src"));
	const char *b = make_image(
		"b.iso",
		"cp -a src chg && printf 'X' | dd of=chg/sub/big.bin bs=1 seek=54321 conv=notrunc "
		"status=none && touch -d @1600000000 chg/sub/big.bin",
		XORRISO, "chg");
	struct img_diff_result r;
	run_diff(a, b, false, &r);
	const struct img_diff_item *x = find(&r, IMG_DIFF_CONTENT, "rr", "/sub/big.bin", NULL);
	if (x == NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->offset, 54321);
	x = find(&r, IMG_DIFF_CONTENT, "joliet", "/sub/big.bin", NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->offset, 54321);
	ck_assert_ptr_null(find(&r, IMG_DIFF_CONTENT, "rr", "/hello.txt", NULL));
	/* Three views (iso, joliet, rr) read big.bin in both images, nothing else. */
	ck_assert_uint_le(r.bytes_read, 3 * 2 * 70000);
	img_diff_result_free(&r);
	/* --content reads every file and finds the same. */
	run_diff(a, b, true, &r);
	x = find(&r, IMG_DIFF_CONTENT, "rr", "/sub/big.bin", NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->offset, 54321);
	ck_assert_uint_gt(r.bytes_read, 3 * 2 * 70000);
	img_diff_result_free(&r);
	/* With a field that differs too (the volume id), both trees of every view are read and
	 * matched: the same content difference, and still only big.bin's data read again. */
	b = make_image("c.iso", "true", XORRISO " -V OTHER", "chg");
	run_diff(a, b, false, &r);
	ck_assert_ptr_nonnull(find(&r, IMG_DIFF_FIELD, "volume descriptors", "primary",
				   "volume id"));
	x = find(&r, IMG_DIFF_CONTENT, "rr", "/sub/big.bin", NULL);
	if (x == NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->offset, 54321);
	ck_assert_ptr_null(find(&r, IMG_DIFF_CONTENT, "rr", "/hello.txt", NULL));
	ck_assert_uint_le(r.bytes_read, 3 * 2 * 70000);
	img_diff_result_free(&r);
}
END_TEST

START_TEST(added_removed_and_mode)
{
	char a[256];
	snprintf(a, sizeof(a), "%s", make_image("a.iso", "true", XORRISO, "src"));
	const char *b = make_image(
		"b.iso",
		"cp -a src chg && echo new >chg/sub/new.txt && rm chg/hello.txt && "
		"chmod 600 chg/sub/big.bin",
		XORRISO, "chg");
	struct img_diff_result r;
	run_diff(a, b, false, &r);
	const struct img_diff_item *x = find(&r, IMG_DIFF_ADDED, "rr", "/sub/new.txt", NULL);
	if (x == NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_null(x->a);
	ck_assert_str_eq(x->b, "file, 4 bytes");
	ck_assert_ptr_nonnull(find(&r, IMG_DIFF_REMOVED, "rr", "/hello.txt", NULL));
	ck_assert_ptr_nonnull(find(&r, IMG_DIFF_REMOVED, "joliet", "/hello.txt", NULL));
	x = find(&r, IMG_DIFF_METADATA, "rr", "/sub/big.bin", "mode");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->a, "0644");
	ck_assert_str_eq(x->b, "0600");
	/* Joliet has no modes. */
	ck_assert_ptr_null(find(&r, IMG_DIFF_METADATA, "joliet", "/sub/big.bin", "mode"));
	img_diff_result_free(&r);
}
END_TEST

START_TEST(boot_catalog_and_udf_of_genisoimage)
{
	char a[256];
	snprintf(a, sizeof(a), "%s", make_image("a.iso", "true", "genisoimage -R -J", "src"));
	const char *b = make_image("b.iso", "true",
				   "genisoimage -R -J -udf -b boot.img -no-emul-boot "
				   "-boot-load-size 4", "src");
	struct img_diff_result r;
	run_diff(a, b, false, &r);
	const struct img_diff_item *x = find(&r, IMG_DIFF_FIELD, "boot catalog", "catalog",
					     "present");
	if (x == NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->a, "no");
	ck_assert_str_eq(x->b, "yes");
	ck_assert_ptr_nonnull(find(&r, IMG_DIFF_FIELD, "volume descriptors", "boot", "present"));
	x = find(&r, IMG_DIFF_FIELD, "udf", "volume", "present");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->b, "yes");
	img_diff_result_free(&r);
	/* Two boot images that differ in the catalog's load size: entry 1, sector count. */
	snprintf(a, sizeof(a), "%s", make_image("c.iso", "true",
						 "genisoimage -R -b boot.img -no-emul-boot "
						 "-boot-load-size 4", "src"));
	b = make_image("d.iso", "true", "genisoimage -R -b boot.img -no-emul-boot "
		       "-boot-load-size 2", "src");
	run_diff(a, b, false, &r);
	x = find(&r, IMG_DIFF_FIELD, "boot catalog", "entry 1", "sector count");
	if (x == NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->a, "4");
	ck_assert_str_eq(x->b, "2");
	img_diff_result_free(&r);
}
END_TEST

/* Bytes no structure claims (the empty system area, the padding after the volume) are
 * reported as block ranges; a byte inside a volume descriptor's unparsed part is named
 * by the descriptor that claims it. */
START_TEST(unclaimed_bytes_are_ranges)
{
	char a[256], cmd[1024];
	snprintf(a, sizeof(a), "%s", make_image("a.iso", "true", XORRISO, "src"));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && cp a.iso b.iso && printf 'Z' | dd of=b.iso bs=1 seek=4100 conv=notrunc "
		 "status=none && printf 'Z' | dd of=b.iso bs=1 seek=6200 conv=notrunc status=none "
		 "&& printf 'Z' | dd of=b.iso bs=1 seek=$((16 * 2048 + 1500)) conv=notrunc "
		 "status=none", dir);
	ck_assert_int_eq(system(cmd), 0);
	char b[256];
	snprintf(b, sizeof(b), "%s/b.iso", dir);
	struct img_diff_result r;
	run_diff(a, b, false, &r);
	if (r.count != 2)
		dump(&r);
	ck_assert_uint_eq(r.count, 2);
	ck_assert_int_eq(r.items[0].kind, IMG_DIFF_RANGE);
	ck_assert_str_eq(r.items[0].where, "unclaimed");
	ck_assert_uint_eq(r.items[0].offset, 2);
	ck_assert_uint_eq(r.items[0].end, 4);
	ck_assert_int_eq(r.items[1].kind, IMG_DIFF_RANGE);
	ck_assert_str_eq(r.items[1].where, "volume descriptor");
	ck_assert_uint_eq(r.items[1].offset, 16);
	ck_assert_uint_eq(r.items[1].end, 17);
	ck_assert_uint_eq(r.blocks_differ, 3);
	img_diff_result_free(&r);
}
END_TEST

/* Two genisoimage -udf images whose hello.txt differs only in its times: the differing UDF
 * blocks are attributed to the file entry of /hello.txt and to UDF descriptors (the integrity
 * sequence among them), none is left unclaimed.  The block named must hold a file entry tag
 * (ECMA-167 4/14.9, identifier 261), read here from the image's bytes. */
START_TEST(udf_file_entry_is_attributed)
{
	char a[256];
	snprintf(a, sizeof(a), "%s", make_image("a.iso", "true", "genisoimage -R -J -udf", "src"));
	const char *b = make_image("b.iso", "touch -d @1600000999 src/hello.txt",
				   "genisoimage -R -J -udf", "src");
	struct img_diff_result r;
	run_diff(a, b, false, &r);
	const struct img_diff_item *x = find(&r, IMG_DIFF_RANGE, "blocks",
					     "udf file entry /hello.txt", NULL);
	if (x == NULL || find(&r, IMG_DIFF_RANGE, "blocks", "unclaimed", NULL) != NULL)
		dump(&r);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->where, "udf file entry /hello.txt");
	ck_assert_uint_eq(x->end, x->offset + 1);
	ck_assert_ptr_null(find(&r, IMG_DIFF_RANGE, "blocks", "unclaimed", NULL));
	FILE *f = fopen(b, "rb");
	ck_assert_ptr_nonnull(f);
	unsigned char tag[2];
	ck_assert_int_eq(fseek(f, (long)(x->offset * 2048), SEEK_SET), 0);
	ck_assert_uint_eq(fread(tag, 1, 2, f), 2);
	fclose(f);
	ck_assert_uint_eq(tag[0] | tag[1] << 8, 261);
	img_diff_result_free(&r);
}
END_TEST

START_TEST(sizes_and_memory_sources)
{
	static unsigned char x[64 * 2048], y[65 * 2048];
	struct img_source *a, *b;
	ck_assert_int_eq(img_source_from_memory(x, sizeof(x), &a), IMG_OK);
	ck_assert_int_eq(img_source_from_memory(y, sizeof(y), &b), IMG_OK);
	struct img_diff_result r;
	struct img_error err = {0};
	/* Not images at all: still compared, by size and by blocks. */
	ck_assert_int_eq(img_diff_images(a, b, NULL, &r, &err), IMG_OK);
	ck_assert(!r.identical);
	const struct img_diff_item *s = find(&r, IMG_DIFF_FIELD, "image", "whole image", "size");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->a, "131072");
	ck_assert_str_eq(s->b, "133120");
	const struct img_diff_item *t = find(&r, IMG_DIFF_RANGE, "blocks", "unclaimed", NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->offset, 64);
	ck_assert_uint_eq(t->end, 65);
	ck_assert(!r.recognized[0] && !r.recognized[1]);
	img_diff_result_free(&r);
	ck_assert_int_eq(img_diff_images(a, a, NULL, &r, &err), IMG_OK);
	ck_assert(r.identical);
	img_diff_result_free(&r);
	img_source_close(a);
	img_source_close(b);
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("images");
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, identical_builds_are_identical);
	tcase_add_test(tc, volume_id_field_with_both_values);
	tcase_add_test(tc, content_change_at_its_offset_reading_only_that_file);
	tcase_add_test(tc, added_removed_and_mode);
	tcase_add_test(tc, boot_catalog_and_udf_of_genisoimage);
	tcase_add_test(tc, unclaimed_bytes_are_ranges);
	tcase_add_test(tc, udf_file_entry_is_attributed);
	tcase_add_test(tc, sizes_and_memory_sources);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(diff_suite)
