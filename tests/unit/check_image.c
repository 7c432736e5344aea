/* Unit tests of common/build/image.c through its public calls: layout size against the stream,
 * volume descriptors, data-order map, and files that change size while being read. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/build/boot.h"
#include "common/build/image.h"
#include "common/build/image_ext.h"
#include "common/build/tree.h"
#include "tests/unit/unit.h"

static char dir[64];
static char path_buf[256];

static const char *at(const char *rel)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir, rel);
	return path_buf;
}

static void put(const char *rel, size_t size, char fill)
{
	FILE *f = fopen(at(rel), "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < size; i++)
		fputc(fill, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_image.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(mkdir(at("src"), 0755), 0);
	put("src/a", 5000, 'a');
	put("src/b", 10, 'b');
	put("src/empty", 0, 0);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct built {
	struct img_tree *tree;
	struct img_image *img;
};

static struct built build(const struct img_image_opts *o)
{
	struct built b;
	struct img_tree_opts to = { 0 };
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &b.tree, &e), IMG_OK);
	char src[128];
	snprintf(src, sizeof(src), "%s/src", dir);
	ck_assert_int_eq(img_tree_add(b.tree, NULL, src), IMG_OK);
	ck_assert_int_eq(img_tree_finish(b.tree), IMG_OK);
	struct img_image_opts def;
	img_image_opts_default(&def);
	ck_assert_int_eq(img_image_new(o ? o : &def, NULL, NULL, &b.img, &e), IMG_OK);
	ck_assert_int_eq(img_image_add_tree(b.img, b.tree), IMG_OK);
	return b;
}

static void done(struct built *b)
{
	img_image_free(b->img);
	img_tree_free(b->tree);
}

/* Reads the whole stream; returns its length (or -1 and the error code in *rc). */
static long long read_all(struct img_image *img, unsigned char **data, int *rc)
{
	uint64_t total;
	*rc = img_image_start(img, &total);
	ck_assert_int_eq(*rc, IMG_OK);
	unsigned char *buf = malloc(total ? total : 1);
	ck_assert_ptr_nonnull(buf);
	uint64_t off = 0;
	for (;;) {
		size_t got;
		*rc = img_image_read(img, buf + off, 65536, &got);
		if (*rc != IMG_OK) {
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		off += got;
	}
	ck_assert_uint_eq(off, total);
	*data = buf;
	return (long long)off;
}

START_TEST(size_matches_stream)
{
	struct built b = build(NULL);
	uint64_t blocks;
	ck_assert_int_eq(img_image_size(b.img, &blocks), IMG_OK);
	unsigned char *data;
	int rc;
	long long len = read_all(b.img, &data, &rc);
	ck_assert_int_eq(rc, IMG_OK);
	ck_assert_int_eq(len, (long long)blocks * IMG_BLOCK_SIZE);
	/* ECMA-119 8.4: the PVD at block 16, "CD001", volume id padded with blanks; then the
	 * Joliet SVD (type 2). */
	ck_assert_int_eq(data[16 * 2048], 1);
	ck_assert(memcmp(data + 16 * 2048 + 1, "CD001", 5) == 0);
	ck_assert(memcmp(data + 16 * 2048 + 40, "CDROM ", 6) == 0);
	ck_assert_int_eq(data[17 * 2048], 2);
	/* The data of a, and where the map says it is. */
	long long off = -1;
	for (long long i = 0; i + 16 <= len && off < 0; i += IMG_BLOCK_SIZE)
		if (memcmp(data + i, "aaaaaaaaaaaaaaaa", 16) == 0)
			off = i;
	ck_assert_int_ge(off, 0);
	char path[4096];
	ck_assert_int_eq(img_image_file_at(b.img, (uint64_t)off, path, sizeof(path)), 1);
	ck_assert_str_eq(path, at("src/a"));
	ck_assert_int_eq(img_image_file_at(b.img, (uint64_t)off + 4999, path, sizeof(path)), 1);
	ck_assert_str_eq(path, at("src/a"));
	ck_assert_int_eq(img_image_file_at(b.img, 0, path, sizeof(path)), 0);
	free(data);
	done(&b);
}
END_TEST

/* One file's data as img_image_file_at maps it: a run of blocks that all name it. */
struct run {
	char path[256];
	uint64_t first, blocks;
};

/* Checks img_image_file_at over every block of a read image against the bytes: each file it
 * names is named on exactly as many consecutive blocks as the file has, and those blocks hold
 * the file's bytes (zero-padded); every file in want (NULL-ended, relative to the source)
 * is named somewhere. */
static void check_file_map(struct img_image *img, const unsigned char *data, long long len,
			   const char *const *want)
{
	struct run runs[64];
	size_t n = 0;
	char path[4096];
	for (long long off = 0; off < len; off += IMG_BLOCK_SIZE) {
		if (!img_image_file_at(img, (uint64_t)off, path, sizeof(path)))
			continue;
		/* Any byte of the block names the same file. */
		char last[4096];
		ck_assert_int_eq(img_image_file_at(img, (uint64_t)off + IMG_BLOCK_SIZE - 1, last,
						   sizeof(last)), 1);
		ck_assert_str_eq(last, path);
		if (n > 0 && strcmp(runs[n - 1].path, path) == 0 &&
		    runs[n - 1].first + runs[n - 1].blocks * IMG_BLOCK_SIZE == (uint64_t)off) {
			runs[n - 1].blocks++;
			continue;
		}
		ck_assert_uint_lt(n, 64);
		ck_assert_uint_lt(strlen(path), sizeof(runs[n].path));
		memcpy(runs[n].path, path, strlen(path) + 1);
		runs[n].first = (uint64_t)off;
		runs[n++].blocks = 1;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < i; k++)
			ck_assert_msg(strcmp(runs[k].path, runs[i].path) != 0, "%s named twice",
				      runs[i].path);
		FILE *f = fopen(runs[i].path, "rb");
		ck_assert_ptr_nonnull(f);
		unsigned char *want_data = calloc(runs[i].blocks, IMG_BLOCK_SIZE);
		ck_assert_ptr_nonnull(want_data);
		size_t got = fread(want_data, 1, runs[i].blocks * IMG_BLOCK_SIZE, f);
		ck_assert_int_eq(fgetc(f), EOF);
		fclose(f);
		ck_assert_uint_gt(got, (runs[i].blocks - 1) * IMG_BLOCK_SIZE);
		ck_assert_msg(memcmp(data + runs[i].first, want_data,
				     runs[i].blocks * IMG_BLOCK_SIZE) == 0,
			      "%s: the data at block %llu is not the file's", runs[i].path,
			      (unsigned long long)(runs[i].first / IMG_BLOCK_SIZE));
		free(want_data);
	}
	for (const char *const *w = want; *w != NULL; w++) {
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(runs[i].path, at(*w)) == 0;
		ck_assert_msg(seen, "%s is not in the map", *w);
	}
}

/* Small files of a distinct byte each, so that a map off by a block names a wrong file. */
static void put_small_files(void)
{
	put("src/c1", 2048, '1');
	put("src/c2", 100, '2');
	put("src/c3", 2049, '3');
	put("src/c4", 1, '4');
	put("src/boot.img", 2048, 'B');
}

static const char *const small_files[] = {
	"src/a", "src/b", "src/c1", "src/c2", "src/c3", "src/c4", "src/boot.img", NULL,
};

/* A boot image made with img_image_set_boot: a no-emulation El Torito entry for /boot.img,
 * and with efi an EFI entry for /efi.img that is also the GPT's EFI partition. */
static void set_boot(struct img_image *img, bool efi)
{
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	ck_assert_int_eq(img_boot_add_entry(&c, "/boot.img", false, &e), IMG_OK);
	img_boot_current(&c)->emul = IMG_BOOT_EMUL_NONE;
	if (efi) {
		ck_assert_int_eq(img_boot_add_entry(&c, "/efi.img", true, &e), IMG_OK);
		img_boot_current(&c)->emul = IMG_BOOT_EMUL_NONE;
		c.efi_boot_part_from_eltorito = true;
	}
	ck_assert_int_eq(img_image_set_boot(img, &c), IMG_OK);
	img_boot_config_free(&c);
}

/* The isohybrid GPT/APM marks of the El Torito entries, as libisofs holds them
 * (el_torito_get_isolinux_options bits 2-7 and 8): an entry's own marks (xorriso's
 * -isohybrid-gpt-basdat given while a -b image was being defined: archiso's isolinux.bin), else
 * the configuration's for EFI images only. */
START_TEST(isohybrid_marks_per_entry)
{
	put_small_files();
	char cmd[1024], efi[256];
	snprintf(efi, sizeof(efi), "%s", at("src/efi.img"));
	snprintf(cmd, sizeof(cmd), "mkfs.vfat -C %s 1440 >/dev/null && cp %s %s/src/efi2.img",
		 efi, efi, dir);
	ck_assert_int_eq(system(cmd), 0);
	struct built b = build(NULL);
	struct img_boot_config c;
	struct img_error e = {0};
	img_boot_config_init(&c);
	ck_assert_int_eq(img_boot_add_entry(&c, "/boot.img", false, &e), IMG_OK);
	img_boot_current(&c)->emul = IMG_BOOT_EMUL_NONE;
	img_boot_current(&c)->isohybrid_gpt = 1;
	ck_assert_int_eq(img_boot_add_entry(&c, "/efi.img", true, &e), IMG_OK);
	img_boot_current(&c)->emul = IMG_BOOT_EMUL_NONE;
	ck_assert_int_eq(img_boot_add_entry(&c, "/efi2.img", true, &e), IMG_OK);
	img_boot_current(&c)->emul = IMG_BOOT_EMUL_NONE;
	img_boot_current(&c)->isohybrid_apm = true;
	c.gpt_hfsplus = true;
	ck_assert_int_eq(img_image_set_boot(b.img, &c), IMG_OK);
	img_boot_config_free(&c);

	int n = 0;
	ElToritoBootImage **boots = NULL;
	IsoFile **nodes = NULL;
	ck_assert_int_eq(iso_image_get_all_boot_imgs(img_image_isofs(b.img), &n, &boots, &nodes, 0),
			 1);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(el_torito_get_isolinux_options(boots[0], 0), 1 << 2);
	ck_assert_int_eq(el_torito_get_isolinux_options(boots[1], 0), 2 << 2);
	ck_assert_int_eq(el_torito_get_isolinux_options(boots[2], 0), 2 << 2 | 1 << 8);
	free(boots);
	free(nodes);
	done(&b);
}
END_TEST

START_TEST(file_map_plain)
{
	put_small_files();
	struct built b = build(NULL);
	unsigned char *data;
	int rc;
	long long len = read_all(b.img, &data, &rc);
	check_file_map(b.img, data, len, small_files);
	free(data);
	done(&b);
}
END_TEST

/* libisofs puts the El Torito catalog right after the block of the empty files, before the
 * file data: the map (and so the progress report's current file) must skip it. */
START_TEST(file_map_boot)
{
	put_small_files();
	struct built b = build(NULL);
	set_boot(b.img, false);
	unsigned char *data;
	int rc;
	long long len = read_all(b.img, &data, &rc);
	check_file_map(b.img, data, len, small_files);
	free(data);
	done(&b);
}
END_TEST

/* A file of the tree where the catalog goes is replaced: its data is no longer written. */
START_TEST(file_map_replaced_catalog)
{
	put_small_files();
	put("src/boot.catalog", 3000, 'O');
	struct built b = build(NULL);
	set_boot(b.img, false);
	unsigned char *data;
	int rc;
	long long len = read_all(b.img, &data, &rc);
	check_file_map(b.img, data, len, small_files);
	char path[4096];
	for (long long off = 0; off < len; off += IMG_BLOCK_SIZE)
		if (img_image_file_at(b.img, (uint64_t)off, path, sizeof(path)))
			ck_assert_str_ne(path, at("src/boot.catalog"));
	free(data);
	done(&b);
}
END_TEST

/* The EFI image that is also the ESP lies before the data start. */
START_TEST(file_map_esp_in_session)
{
	put_small_files();
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "mkfs.vfat -C %s 1440 >/dev/null", at("src/efi.img"));
	ck_assert_int_eq(system(cmd), 0);
	struct built b = build(NULL);
	set_boot(b.img, true);
	unsigned char *data;
	int rc;
	long long len = read_all(b.img, &data, &rc);
	static const char *const want[] = {
		"src/a", "src/b", "src/c1", "src/c2", "src/c3", "src/c4", "src/boot.img",
		"src/efi.img", NULL,
	};
	check_file_map(b.img, data, len, want);
	free(data);
	done(&b);
}
END_TEST

/* An extension that adds 3 blocks of 'X' after libisofs's stream and counts the calls. */
struct test_ext {
	struct img_image_ext ext;
	int tree_ready, started;
	uint64_t stream, pos;
	int *freed;
};

static uint32_t t_extra(struct img_image_ext *ext, struct img_image *img)
{
	(void)ext;
	(void)img;
	return 3;
}

static void t_tree_ready(struct img_image_ext *ext, struct img_image *img)
{
	struct test_ext *t = (struct test_ext *)ext;
	size_t n;
	ck_assert_ptr_nonnull(img_image_file_weights(img, &n));
	ck_assert_uint_eq(n, 3); /* a, b, empty */
	ck_assert_ptr_nonnull(img_image_tree(img));
	t->tree_ready++;
}

static int t_start(struct img_image_ext *ext, struct img_image *img, uint64_t *bytes)
{
	struct test_ext *t = (struct test_ext *)ext;
	struct img_isofs_data lay;
	ck_assert_int_eq(img_image_data_layout(img, &lay), IMG_OK);
	ck_assert_uint_eq(lay.empty_block, lay.data_start);
	ck_assert_uint_eq(lay.catalog, 0);
	ck_assert_uint_eq(lay.first_content, lay.data_start + 1);
	t->started++;
	t->stream = *bytes;
	*bytes += 3 * IMG_BLOCK_SIZE;
	return IMG_OK;
}

static int t_read(struct img_image_ext *ext, struct img_image *img, void *buf, size_t len,
		  size_t *got)
{
	struct test_ext *t = (struct test_ext *)ext;
	int rc = IMG_OK;
	if (t->pos < t->stream) {
		rc = img_image_stream_read(img, buf, len, got);
	} else {
		size_t left = (size_t)(t->stream + 3 * IMG_BLOCK_SIZE - t->pos);
		*got = len < left ? len : left;
		memset(buf, 'X', *got);
	}
	t->pos += *got;
	return rc;
}

static void t_free(struct img_image_ext *ext)
{
	struct test_ext *t = (struct test_ext *)ext;
	(*t->freed)++;
	free(t);
}

START_TEST(extension_is_called)
{
	struct img_tree *tree;
	struct img_tree_opts to = { 0 };
	struct img_error e;
	ck_assert_int_eq(img_tree_new(&to, &tree, &e), IMG_OK);
	ck_assert_int_eq(img_tree_add(tree, NULL, at("src")), IMG_OK);
	ck_assert_int_eq(img_tree_finish(tree), IMG_OK);
	struct img_image_opts o;
	img_image_opts_default(&o);
	struct img_image *img;
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &img, &e), IMG_OK);
	int freed = 0;
	struct test_ext *t = calloc(1, sizeof(*t));
	ck_assert_ptr_nonnull(t);
	t->ext = (struct img_image_ext){ .extra_blocks = t_extra, .tree_ready = t_tree_ready,
					 .start = t_start, .read = t_read, .free = t_free };
	t->freed = &freed;
	ck_assert_int_eq(img_image_attach_ext(img, &t->ext), IMG_OK);
	ck_assert_int_eq(img_image_attach_ext(img, &t->ext), IMG_EINVAL);
	ck_assert_int_eq(img_image_add_tree(img, tree), IMG_OK);
	ck_assert_int_eq(t->tree_ready, 1);
	uint64_t blocks;
	ck_assert_int_eq(img_image_size(img, &blocks), IMG_OK);
	unsigned char *data;
	int rc;
	long long len = read_all(img, &data, &rc);
	ck_assert_int_eq(rc, IMG_OK);
	ck_assert_int_eq(t->started, 1);
	ck_assert_int_eq(len, (long long)blocks * IMG_BLOCK_SIZE);
	ck_assert_uint_eq(t->stream + 3 * IMG_BLOCK_SIZE, (uint64_t)len);
	ck_assert_int_eq(data[len - 1], 'X');
	ck_assert_int_eq(data[16 * 2048], 1);
	free(data);
	img_image_free(img);
	ck_assert_int_eq(freed, 1);
	img_tree_free(tree);
}
END_TEST

START_TEST(epoch_sets_volume_dates)
{
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.have_epoch = true;
	o.epoch = 1700000000; /* 2023-11-14 22:13:20 UTC */
	o.volid = "MYVOL";
	struct built b = build(&o);
	unsigned char *data;
	int rc;
	read_all(b.img, &data, &rc);
	/* ECMA-119 8.4.26: creation date "2023111422132000" and offset 0 (GMT). */
	ck_assert(memcmp(data + 16 * 2048 + 813, "2023111422132000", 16) == 0);
	ck_assert_int_eq(data[16 * 2048 + 813 + 16], 0);
	ck_assert(memcmp(data + 16 * 2048 + 830, "2023111422132000", 16) == 0);
	ck_assert(memcmp(data + 16 * 2048 + 40, "MYVOL ", 6) == 0);
	free(data);
	done(&b);
}
END_TEST

/* Two images of one tree built in one process give the same bytes: the second one's nodes lie
 * elsewhere in the heap (the first image and its leftovers are still there), and Rock Ridge
 * PX serials used to follow node addresses.  A third after both are freed, too. */
START_TEST(same_tree_same_bytes_in_one_process)
{
	char rel[64];
	for (int i = 0; i < 40; i++) {
		snprintf(rel, sizeof(rel), "src/d%02d", i);
		ck_assert_int_eq(mkdir(at(rel), 0755), 0);
		for (int j = 0; j < 5; j++) {
			snprintf(rel, sizeof(rel), "src/d%02d/e%d", i, j);
			ck_assert_int_eq(mkdir(at(rel), 0755), 0);
		}
		snprintf(rel, sizeof(rel), "src/d%02d/up", i);
		ck_assert_int_eq(symlink("..", at(rel)), 0);
		snprintf(rel, sizeof(rel), "src/d%02d/f", i);
		put(rel, 100 + (size_t)i, (char)('a' + i % 26));
	}
	char target[256];
	snprintf(target, sizeof(target), "%s", at("src/d00/f"));
	ck_assert_int_eq(link(target, at("src/d39/hard")), 0);
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.have_epoch = true;
	o.epoch = 1700000000;
	unsigned char *one, *two, *three;
	int rc;
	struct built a = build(&o);
	long long n1 = read_all(a.img, &one, &rc);
	struct built b = build(&o);
	long long n2 = read_all(b.img, &two, &rc);
	ck_assert_int_eq(n1, n2);
	ck_assert_msg(memcmp(one, two, (size_t)n1) == 0, "second image in the process differs");
	done(&a);
	done(&b);
	struct built c = build(&o);
	long long n3 = read_all(c.img, &three, &rc);
	ck_assert_int_eq(n1, n3);
	ck_assert_msg(memcmp(one, three, (size_t)n1) == 0, "third image in the process differs");
	done(&c);
	free(one);
	free(two);
	free(three);
}
END_TEST

START_TEST(file_shrinking_fails_the_read)
{
	struct built b = build(NULL);
	ck_assert_int_eq(truncate(at("src/a"), 100), 0);
	unsigned char *data;
	int rc;
	ck_assert_int_eq(read_all(b.img, &data, &rc), -1);
	ck_assert_int_eq(rc, IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(img_image_error(b.img)->detail, "src/a"));
	ck_assert_ptr_nonnull(strstr(img_image_error(b.img)->detail, "shrank while it was read"));
	done(&b);
}
END_TEST

START_TEST(file_growing_fails_the_read)
{
	struct built b = build(NULL);
	put("src/b", 11, 'B');
	unsigned char *data;
	int rc;
	ck_assert_int_eq(read_all(b.img, &data, &rc), -1);
	ck_assert_int_eq(rc, IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(img_image_error(b.img)->detail, "grew while it was read"));
	done(&b);
}
END_TEST

START_TEST(vanished_file_fails_the_read)
{
	struct built b = build(NULL);
	ck_assert_int_eq(unlink(at("src/a")), 0);
	unsigned char *data;
	int rc;
	ck_assert_int_eq(read_all(b.img, &data, &rc), -1);
	ck_assert_int_eq(rc, IMG_ECHANGED);
	ck_assert_ptr_nonnull(strstr(img_image_error(b.img)->detail, "src/a: cannot open"));
	done(&b);
}
END_TEST

START_TEST(bad_options)
{
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.iso_level = 4;
	struct img_image *img;
	struct img_error e;
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &img, &e), IMG_EINVAL);
	img_image_opts_default(&o);
	o.have_epoch = true;
	o.epoch = 400000000000LL; /* year 14645 */
	ck_assert_int_eq(img_image_new(&o, NULL, NULL, &img, &e), IMG_EINVAL);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, size_matches_stream);
	tcase_add_test(tc, epoch_sets_volume_dates);
	tcase_add_test(tc, same_tree_same_bytes_in_one_process);
	tcase_add_test(tc, file_shrinking_fails_the_read);
	tcase_add_test(tc, file_growing_fails_the_read);
	tcase_add_test(tc, vanished_file_fails_the_read);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, extension_is_called);
	tcase_add_test(tc, file_map_plain);
	tcase_add_test(tc, file_map_boot);
	tcase_add_test(tc, file_map_replaced_catalog);
	tcase_add_test(tc, file_map_esp_in_session);
	tcase_add_test(tc, isohybrid_marks_per_entry);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(image_suite)
