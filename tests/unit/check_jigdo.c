/* Unit tests of common/build/jigdo.c: the checks of checksum names and of the jigdo options,
 * libjte's refusals coming back as errors with its words, a jigdo run whose files cannot be
 * written failing with the path, and a run that writes a .jigdo naming the listed file (the
 * rebuild by jigdo tools is tests/e2e/mkimage-jigdo.sh's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/build/image.h"
#include "common/build/jigdo.h"
#include "common/build/tree.h"
#include "tests/unit/unit.h"

static char dir[64];

static const char *at(const char *rel)
{
	static char buf[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_jigdo.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[512];
	/* One 5000-byte file and its line in an md5 list (md5sum, size in 12 columns, path). */
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir src; head -c 5000 /dev/urandom >src/pkg.deb;"
		 "printf '%%s  %%12d  %%s\\n' $(md5sum <src/pkg.deb | cut -c1-32) 5000 "
		 "%s/src/pkg.deb >md5.list", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct img_jigdo_opts good(void)
{
	static const char *map[] = { NULL };
	static char mapping[300];
	snprintf(mapping, sizeof(mapping), "Mirror=%s/", dir);
	map[0] = mapping;
	return (struct img_jigdo_opts){
		.jigdo_path = at("out.jigdo"),
		.template_path = at("out.template"),
		.image_name = "out.iso",
		.checksum_list = at("md5.list"),
		.map = map,
		.nmap = 1,
		.min_size = 0,
	};
}

START_TEST(checksum_names)
{
	struct img_error e;
	ck_assert_int_eq(img_jigdo_check_checksum_names("md5", &e), IMG_OK);
	ck_assert_int_eq(img_jigdo_check_checksum_names("sha256,sha512,md5,sha1", &e), IMG_OK);
	ck_assert_int_eq(img_jigdo_check_checksum_names("all", &e), IMG_OK);
	ck_assert_int_eq(img_jigdo_check_checksum_names(NULL, &e), IMG_OK);
	ck_assert_int_eq(img_jigdo_check_checksum_names("md5,crc32", &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "crc32"));
	ck_assert_int_eq(img_jigdo_check_checksum_names("md5,", &e), IMG_EINVAL);
	ck_assert_int_eq(img_jigdo_check_checksum_names("", &e), IMG_EINVAL);
	ck_assert_int_eq(img_jigdo_check_checksum_names("md", &e), IMG_EINVAL);
	ck_assert_int_eq(img_jigdo_check_checksum_names("md55", &e), IMG_EINVAL);
}
END_TEST

START_TEST(options_refused)
{
	struct img_error e;
	struct img_jigdo *j = NULL;
	struct img_jigdo_opts o = good();
	o.template_path = NULL;
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	o = good();
	o.checksum_list = NULL;
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	o = good();
	o.min_size = 1LL << 40;
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	o = good();
	o.iso_checksums = "md5,whirlpool";
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "whirlpool"));
	/* libjte's own refusals, with its words or the option's name. */
	o = good();
	o.algorithm = "sha1";
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "-jigdo-checksum-algorithm sha1"));
	o = good();
	o.compression = "xz";
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "-jigdo-template-compress xz"));
	static const char *nomap[] = { "Debian" };
	o = good();
	o.map = nomap;
	o.nmap = 1;
	ck_assert_int_eq(img_jigdo_new(&o, &j, &e), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(e.detail, "TO=FROM"));
	ck_assert_ptr_null(j);
	ck_assert_int_ne(access(at("out.jigdo"), F_OK), 0);
}
END_TEST

struct built {
	struct img_tree *tree;
	struct img_image *img;
	struct img_jigdo *jigdo;
};

static void build(struct built *b, const struct img_jigdo_opts *jo)
{
	struct img_tree_opts to = {0};
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &b->tree, &e), IMG_OK);
	ck_assert_int_eq(img_tree_add(b->tree, NULL, at("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(b->tree), IMG_OK);
	struct img_image_opts o;
	img_image_opts_default(&o);
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &b->img, &e), IMG_OK);
	ck_assert_int_eq(img_jigdo_new(jo, &b->jigdo, &e), IMG_OK);
	ck_assert_int_eq(img_jigdo_attach(b->jigdo, b->img), IMG_OK);
	ck_assert_int_eq(img_image_add_tree(b->img, b->tree), IMG_OK);
}

static void done(struct built *b)
{
	img_image_free(b->img);
	img_jigdo_free(b->jigdo);
	img_tree_free(b->tree);
}

/* Reads the whole stream; returns the first error. */
static int read_all(struct img_image *img)
{
	uint64_t total;
	int rc = img_image_start(img, &total);
	static unsigned char buf[1 << 16];
	size_t got = 1;
	while (rc == IMG_OK && got > 0)
		rc = img_image_read(img, buf, sizeof(buf), &got);
	return rc;
}

START_TEST(unwritable_jigdo_names_the_path)
{
	struct img_jigdo_opts o = good();
	o.jigdo_path = at("no-such-dir/out.jigdo");
	struct built b;
	build(&b, &o);
	ck_assert_int_ne(read_all(b.img), IMG_OK);
	ck_assert_ptr_nonnull(strstr(img_image_error(b.img)->detail, "no-such-dir/out.jigdo"));
	done(&b);
}
END_TEST

START_TEST(size_first_then_write)
{
	/* Laying the image out for its size must not start libjte (its files would be begun
	 * twice): the write after it gives a complete .jigdo naming the listed file. */
	struct img_jigdo_opts o = good();
	struct built b;
	build(&b, &o);
	uint64_t blocks;
	ck_assert_int_eq(img_image_size(b.img, &blocks), IMG_OK);
	ck_assert_int_ne(access(at("out.jigdo"), F_OK), 0);
	ck_assert_int_eq(read_all(b.img), IMG_OK);
	done(&b);
	FILE *f = fopen(at("out.jigdo"), "r");
	ck_assert_ptr_nonnull(f);
	char line[512];
	bool part = false, image = false;
	while (fgets(line, sizeof(line), f)) {
		part |= strstr(line, "=Mirror:src/pkg.deb") != NULL;
		image |= strncmp(line, "Filename=out.iso", 16) == 0;
	}
	fclose(f);
	ck_assert(part);
	ck_assert(image);
	struct stat st;
	ck_assert_int_eq(stat(at("out.template"), &st), 0);
	ck_assert_int_gt(st.st_size, 0);
}
END_TEST

static Suite *jigdo_suite(void)
{
	Suite *s = suite_create("jigdo");
	TCase *tc = tcase_create("jigdo");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, checksum_names);
	tcase_add_test(tc, options_refused);
	tcase_add_test(tc, unwritable_jigdo_names_the_path);
	tcase_add_test(tc, size_first_then_write);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(jigdo_suite)
