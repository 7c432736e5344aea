/* Unit tests of the UDF bridge (common/udf/udf_bridge.c): revision names, misuse, and the layout
 * of a small bridge image read through img_image_read (the e2e tests check it with udfinfo,
 * 7-Zip and pycdlib). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/build/image.h"
#include "common/build/image_ext.h"
#include "common/build/tree.h"
#include "common/udf/udf.h"
#include "common/udf/udf_bridge.h"
#include "tests/unit/unit.h"

START_TEST(revision_names)
{
	unsigned rev = 0;
	ck_assert_int_eq(img_udf_parse_revision("1.02", &rev), IMG_OK);
	ck_assert_uint_eq(rev, IMG_UDF_REV_102);
	ck_assert_int_eq(img_udf_parse_revision("2.50", &rev), IMG_OK);
	ck_assert_uint_eq(rev, IMG_UDF_REV_250);
	ck_assert_int_eq(img_udf_parse_revision("2.60", &rev), IMG_OK);
	ck_assert_uint_eq(rev, IMG_UDF_REV_260);
	ck_assert_int_eq(img_udf_parse_revision("2.00", &rev), IMG_EINVAL);
	ck_assert_int_eq(img_udf_parse_revision("102", &rev), IMG_EINVAL);
	ck_assert_int_eq(img_udf_parse_revision("", &rev), IMG_EINVAL);
	ck_assert_int_eq(img_udf_parse_revision(NULL, &rev), IMG_EINVAL);
}
END_TEST

/* Options of the images new_image makes: --udf-only, --zisofs. */
static bool udf_only, zisofs;

static struct img_image *new_image(void)
{
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.udf_only = udf_only;
	o.zisofs_all = zisofs;
	o.have_epoch = true;
	o.epoch = 1700000000;
	struct img_image *img = NULL;
	struct img_error e;
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &img, &e), IMG_OK);
	return img;
}

START_TEST(needs_a_tree)
{
	struct img_image *img = new_image();
	ck_assert_int_eq(img_image_add_udf(img, IMG_UDF_REV_102), IMG_EINVAL);
	img_image_free(img);
}
END_TEST

static void free_other(struct img_image_ext *ext)
{
	free(ext);
}

/* The image holds one extension: the bridge does not take the place of another one. */
START_TEST(refuses_another_extension)
{
	struct img_image *img = new_image();
	struct img_image_ext *other = calloc(1, sizeof(*other));
	ck_assert_ptr_nonnull(other);
	other->free = free_other;
	ck_assert_int_eq(img_image_attach_ext(img, other), IMG_OK);
	ck_assert_int_eq(img_image_plan_udf(img, IMG_UDF_REV_102, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_image_add_udf(img, IMG_UDF_REV_102), IMG_EINVAL);
	ck_assert_ptr_eq(img_image_get_ext(img), other);
	img_image_free(img);
}
END_TEST

static char dir[] = "/tmp/check_udf_bridge.XXXXXX";

static void put_file(const char *name, size_t size)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < size; i++)
		fputc((int)(i * 13 % 251), f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The tree of the layout tests in a new directory dir, and its removal. */
static void make_files(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_file("a.txt", 6);
	put_file("b.bin", 5000);
	put_file("empty", 0);
}

static void remove_files(void)
{
	char path[256];
	const char *names[] = {"a.txt", "b.bin", "empty"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* Our walk's tree of dir. */
static struct img_tree *walk_files(void)
{
	struct img_tree *tree = NULL;
	struct img_tree_opts to = {0};
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &tree, &e), IMG_OK);
	ck_assert_int_eq(img_tree_add(tree, NULL, dir), IMG_OK);
	ck_assert_int_eq(img_tree_finish(tree), IMG_OK);
	return tree;
}

static uint16_t tag_id(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static void check_layout(unsigned rev)
{
	make_files();
	struct img_tree *tree = walk_files();
	struct img_image *img = new_image();
	ck_assert_int_eq(img_image_add_tree(img, tree), IMG_OK);
	ck_assert_int_eq(img_image_add_udf(img, rev), IMG_OK);
	ck_assert_int_eq(img_image_add_udf(img, rev), IMG_EINVAL);
	uint64_t blocks = 0, bytes = 0;
	ck_assert_int_eq(img_image_size(img, &blocks), IMG_OK);
	ck_assert_int_eq(img_image_start(img, &bytes), IMG_OK);
	ck_assert_uint_eq(bytes, blocks * IMG_BLOCK_SIZE);
	uint8_t *image = malloc(bytes);
	ck_assert_ptr_nonnull(image);
	uint64_t at = 0;
	for (;;) {
		size_t got;
		/* Odd read sizes: the bridge must cut its regions anywhere. */
		size_t want = bytes - at < 7777 ? (size_t)(bytes - at) : 7777;
		ck_assert_int_eq(img_image_read(img, image + at, want ? want : 1, &got), IMG_OK);
		if (got == 0)
			break;
		at += got;
	}
	ck_assert_uint_eq(at, bytes);

	/* ISO descriptors from 16, the terminator, then BEA01, NSR02/03, TEA01 (ECMA-167 2/8.3). */
	const uint8_t *b = image + 16 * IMG_BLOCK_SIZE;
	ck_assert_int_eq(b[0], 1);
	ck_assert_int_eq(memcmp(b + 1, "CD001", 5), 0);
	/* The ISO9660 volume is the whole image (ECMA-119 8.4.8, both byte orders). */
	ck_assert_uint_eq(b[80] | b[81] << 8 | b[82] << 16 | (uint32_t)b[83] << 24, blocks);
	ck_assert_uint_eq(b[87] | b[86] << 8 | b[85] << 16 | (uint32_t)b[84] << 24, blocks);
	size_t term = 17;
	while (term < 32 && image[term * IMG_BLOCK_SIZE] != 255)
		term++;
	ck_assert_uint_lt(term, 29);
	ck_assert_int_eq(memcmp(image + (term + 1) * IMG_BLOCK_SIZE + 1, "BEA01", 5), 0);
	ck_assert_int_eq(memcmp(image + (term + 2) * IMG_BLOCK_SIZE + 1,
				rev >= IMG_UDF_REV_201 ? "NSR03" : "NSR02", 5), 0);
	ck_assert_int_eq(memcmp(image + (term + 3) * IMG_BLOCK_SIZE + 1, "TEA01", 5), 0);
	/* Anchors (tag 2) at 256 and in the last block; the main VDS starts at 257 (PVD, tag 1). */
	ck_assert_uint_eq(tag_id(image + 256 * IMG_BLOCK_SIZE), 2);
	ck_assert_uint_eq(tag_id(image + (blocks - 1) * IMG_BLOCK_SIZE), 2);
	ck_assert_uint_eq(tag_id(image + 257 * IMG_BLOCK_SIZE), 1);
	free(image);
	img_image_free(img);
	img_tree_free(tree);
	remove_files();
}

START_TEST(layout_102)
{
	check_layout(IMG_UDF_REV_102);
}
END_TEST

START_TEST(layout_250)
{
	check_layout(IMG_UDF_REV_250);
}
END_TEST

/* The whole image of the tree in dir, with a UDF view of revision rev; plan_rev (0: none) is
 * announced with img_image_plan_udf before the tree goes in. */
static uint8_t *bridge_image(unsigned plan_rev, unsigned rev, uint64_t *len)
{
	struct img_tree *tree = walk_files();
	struct img_image *img = new_image();
	if (plan_rev != 0)
		ck_assert_int_eq(img_image_plan_udf(img, plan_rev, NULL), IMG_OK);
	ck_assert_int_eq(img_image_add_tree(img, tree), IMG_OK);
	/* Too late, or twice. */
	ck_assert_int_eq(img_image_plan_udf(img, rev, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_image_add_udf(img, rev), IMG_OK);
	/* The walk's tree may go once the UDF view is added. */
	img_image_forget_tree(img);
	img_tree_free(tree);
	uint64_t bytes = 0;
	ck_assert_int_eq(img_image_start(img, &bytes), IMG_OK);
	uint8_t *image = malloc(bytes);
	ck_assert_ptr_nonnull(image);
	size_t got;
	for (uint64_t at = 0; at < bytes; at += got) {
		ck_assert_int_eq(img_image_read(img, image + at, bytes - at, &got), IMG_OK);
		ck_assert_uint_gt(got, 0);
	}
	img_image_free(img);
	*len = bytes;
	return image;
}

/* The UDF tree built alongside libisofs's (a plan) gives the image built without one, also
 * when the plan named another revision and the tree had to be built again. */
START_TEST(plan_gives_the_same_image)
{
	make_files();
	const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_250};
	for (size_t r = 0; r < 2; r++) {
		uint64_t n0, n1, n2;
		uint8_t *plain = bridge_image(0, revs[r], &n0);
		uint8_t *planned = bridge_image(revs[r], revs[r], &n1);
		uint8_t *replanned = bridge_image(revs[1 - r], revs[r], &n2);
		ck_assert_uint_eq(n0, n1);
		ck_assert_uint_eq(n0, n2);
		ck_assert_int_eq(memcmp(plain, planned, n0), 0);
		ck_assert_int_eq(memcmp(plain, replanned, n0), 0);
		free(plain);
		free(planned);
		free(replanned);
	}
	remove_files();
}
END_TEST

/* The first n bytes of hay (of len bytes) that equal needle (of nlen), or NULL (memmem is a GNU
 * extension). */
static uint8_t *find(uint8_t *hay, size_t len, const void *needle, size_t nlen)
{
	for (size_t i = 0; i + nlen <= len; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

/* --udf-only: the plan gives the image built without one; the README's text and the files'
 * data are in it once; files whose data libisofs would not write as the tree holds it
 * (zisofs) are refused. */
START_TEST(udf_only_image)
{
	make_files();
	udf_only = true;
	const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_250};
	for (size_t r = 0; r < 2; r++) {
		uint64_t n0, n1, nb;
		uint8_t *plain = bridge_image(0, revs[r], &n0);
		uint8_t *planned = bridge_image(revs[r], revs[r], &n1);
		ck_assert_uint_eq(n0, n1);
		ck_assert_int_eq(memcmp(plain, planned, n0), 0);
		udf_only = false;
		uint8_t *bridge = bridge_image(0, revs[r], &nb);
		udf_only = true;
		/* Directory records of two trees fewer; the README's block more. */
		ck_assert_uint_le(n0, nb + IMG_BLOCK_SIZE);
		const char *text = IMG_UDF_ONLY_TEXT;
		ck_assert_ptr_nonnull(find(plain, n0, text, strlen(text)));
		ck_assert_ptr_null(find(bridge, nb, text, strlen(text)));
		/* b.bin's first 2 KiB, once (the pattern repeats every 251 bytes within b.bin's
		 * 5000: none after them). */
		uint8_t want[2048];
		for (size_t i = 0; i < sizeof(want); i++)
			want[i] = (uint8_t)(i * 13 % 251);
		uint8_t *at = find(plain, n0, want, sizeof(want));
		ck_assert_ptr_nonnull(at);
		ck_assert_ptr_null(find(at + 5000, n0 - (size_t)(at + 5000 - plain), want,
					sizeof(want)));
		free(plain);
		free(planned);
		free(bridge);
	}
	zisofs = true;
	struct img_tree *tree = walk_files();
	struct img_image *img = new_image();
	ck_assert_int_eq(img_image_add_tree(img, tree), IMG_OK);
	ck_assert_int_eq(img_image_add_udf(img, IMG_UDF_REV_102), IMG_EUNSUPPORTED);
	img_image_free(img);
	img_tree_free(tree);
	zisofs = false;
	udf_only = false;
	remove_files();
}
END_TEST

static Suite *udf_bridge_suite(void)
{
	Suite *s = suite_create("udf_bridge");
	TCase *tc = tcase_create("bridge");
	tcase_add_test(tc, revision_names);
	tcase_add_test(tc, needs_a_tree);
	tcase_add_test(tc, refuses_another_extension);
	tcase_add_test(tc, layout_102);
	tcase_add_test(tc, layout_250);
	tcase_add_test(tc, plan_gives_the_same_image);
	tcase_add_test(tc, udf_only_image);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_bridge_suite)
