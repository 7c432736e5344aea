/* Unit tests of common/udf/udf_tree.c, the UDF writer's in-memory tree: what the add functions
 * accept and refuse, the names they store (long names shortened to <prefix>#XXXX with the CRC of
 * the whole name), hard links, counts.  What was stored is read back from the written metadata
 * by tests/unit/udf_walk.h, a decoder written by hand from ECMA-167, and the counts also by
 * udfinfo.  check_udf.c has the encoders and a first test of each rule; this goes further. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/udf/udf.h"
#include "tests/unit/udf_walk.h"
#include "tests/unit/unit.h"

static const struct img_udf_attr file_attr = {S_IFREG | 0640, 1000, 100,
					      {1, 0}, {2, 0}, {3, 0}, {0, 0}};
static const struct img_udf_attr dir_attr = {S_IFDIR | 0750, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};
static const struct img_udf_attr link_attr = {S_IFLNK | 0777, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};

static struct img_udf *volume(unsigned rev)
{
	struct img_udf_options o = {.revision = rev, .volume_id = "TREE", .volume_time = 1700000000};
	struct img_udf *u;
	ck_assert_int_eq(img_udf_new(&o, &u), IMG_OK);
	return u;
}

/* A laid-out, ended volume and its entries as the walker reads them. */
struct read_back {
	uint8_t *meta;
	struct walk w;
	struct w_entry *e;
	size_t n;
	struct w_fe root;
	uint32_t nblocks, anchor;
};

/* Lays u out at block 257; files[k] (nfiles of them) get their data one after the other behind
 * the metadata; then ends the volume and reads it back. */
static void read_back(struct img_udf *u, const uint32_t *files, const uint64_t *sizes,
		      size_t nfiles, struct read_back *r)
{
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &r->nblocks), IMG_OK);
	uint32_t data = IMG_UDF_FIRST_BLOCK + r->nblocks;
	for (size_t k = 0; k < nfiles; k++) {
		ck_assert_int_eq(img_udf_add_extent(u, files[k], data, sizes[k]), IMG_OK);
		data += (uint32_t)((sizes[k] + W_BLOCK - 1) / W_BLOCK);
	}
	r->anchor = data + 1;
	r->meta = w_finish(u, IMG_UDF_FIRST_BLOCK, r->nblocks, r->anchor);
	w_open(&r->w, r->meta, IMG_UDF_FIRST_BLOCK, r->nblocks);
	r->e = calloc(4096, sizeof(*r->e));
	r->root = w_list(&r->w, r->e, 4096, &r->n);
}

static void read_back_free(struct read_back *r)
{
	free(r->meta);
	free(r->e);
}

static const struct w_entry *must_find(const struct read_back *r, const char *path)
{
	const struct w_entry *e = w_find(r->e, r->n, path);
	if (e == NULL)
		ck_abort_msg("%s not in the volume", path);
	return e;
}

/* Every kind of node, in every revision: types, sizes, owners, permissions, link counts, shared
 * File Entries of hard links, symlink path components; and udfinfo's counts. */
START_TEST(every_kind_of_node_reads_back)
{
	static const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_150, IMG_UDF_REV_201,
					IMG_UDF_REV_250, IMG_UDF_REV_260};
	for (size_t i = 0; i < sizeof(revs) / sizeof(revs[0]); i++) {
		struct img_udf *u = volume(revs[i]);
		struct img_udf_attr root = dir_attr;
		root.mode = S_IFDIR | 0711;
		root.uid = 7;
		ck_assert_int_eq(img_udf_set_root(u, &root), IMG_OK);
		uint32_t a, b, c, f1, f2, f3, f4, files[2];
		ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "a", &dir_attr, &a), IMG_OK);
		ck_assert_int_eq(img_udf_add_dir(u, a, "b", &dir_attr, &b), IMG_OK);
		ck_assert_int_eq(img_udf_add_dir(u, b, "c", &dir_attr, &c), IMG_OK);
		ck_assert_int_eq(img_udf_add_file(u, c, "deep", &file_attr, 5000, 0, &f1), IMG_OK);
		/* a hard link group of three names: two by group, one by img_udf_add_link */
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "h1", &file_attr, 3, 99, &f2),
				 IMG_OK);
		ck_assert_int_eq(img_udf_add_file(u, a, "h2", &file_attr, 3, 99, &f3), IMG_OK);
		ck_assert_int_eq(img_udf_add_link(u, c, "h3", f3, &f4), IMG_OK);
		ck_assert_int_eq(img_udf_add_symlink(u, a, "abs", &link_attr, "/abs/../x/./y", NULL),
				 IMG_OK);
		/* a target too long to sit in the File Entry goes to blocks of its own */
		char target[3000];
		memset(target, 'q', sizeof(target) - 1);
		for (size_t k = 200; k < sizeof(target) - 1; k += 201)
			target[k] = '/';
		target[sizeof(target) - 1] = '\0';
		ck_assert_int_eq(img_udf_add_symlink(u, b, "far", &link_attr, target, NULL), IMG_OK);
		struct img_udf_attr dev = file_attr;
		dev.mode = S_IFCHR | 0600;
		ck_assert_int_eq(img_udf_add_special(u, IMG_UDF_ROOT, "null", &dev, 1, 3, NULL),
				 IMG_OK);
		dev.mode = S_IFIFO | 0644;
		ck_assert_int_eq(img_udf_add_special(u, c, "pipe", &dev, 0, 0, NULL), IMG_OK);
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "empty", &file_attr, 0, 0, NULL),
				 IMG_OK);
		struct img_udf_stats st;
		img_udf_get_stats(u, &st);
		/* deep, the h group once, abs, far, null, pipe, empty; root, a, b, c */
		ck_assert_uint_eq(st.files, 7);
		ck_assert_uint_eq(st.dirs, 4);
		ck_assert_uint_eq(st.renamed, 0);

		struct read_back r;
		files[0] = f1;
		files[1] = f2;
		uint64_t sizes[2] = {5000, 3};
		read_back(u, files, sizes, 2, &r);
		ck_assert_uint_eq(r.n, 12);
		/* root: mode 0711 (UDF permissions: other bits 0-2, group 5-7, owner 10-12),
		 * links: itself and a's parent entry */
		ck_assert_uint_eq(r.root.uid, 7);
		ck_assert_uint_eq(r.root.perm & 0x1CE7, 7u << 10 | 1u << 5 | 1u);
		ck_assert_uint_eq(r.root.nlink, 2);
		const struct w_entry *e = must_find(&r, "/a/b/c/deep");
		ck_assert_uint_eq(e->fe.type, 5);
		ck_assert_uint_eq(e->fe.size, 5000);
		ck_assert_uint_eq(e->fe.uid, 1000);
		ck_assert_uint_eq(e->fe.gid, 100);
		ck_assert_uint_eq(e->fe.perm & 0x1CE7, 6u << 10 | 4u << 5);
		ck_assert_uint_eq(e->fe.nlink, 1);
		ck_assert_uint_eq(must_find(&r, "/a")->fe.nlink, 2); /* itself and b's ".." */
		ck_assert_uint_eq(must_find(&r, "/a/b/c")->fe.nlink, 1);
		const struct w_entry *h1 = must_find(&r, "/h1"), *h2 = must_find(&r, "/a/h2"),
				     *h3 = must_find(&r, "/a/b/c/h3");
		ck_assert_uint_eq(h1->icb, h2->icb);
		ck_assert_uint_eq(h1->icb, h3->icb);
		ck_assert_uint_eq(h1->fe.nlink, 3);
		ck_assert_uint_eq(h1->fe.size, 3);
		/* the short symlink is embedded (4/14.6.8) as path components (4/14.16.1):
		 * root, "abs", parent, "x", current, "y" */
		e = must_find(&r, "/a/abs");
		ck_assert_uint_eq(e->fe.type, 12);
		ck_assert_int_eq(e->fe.ad_type, 3);
		static const uint8_t comps[] = {2, 0, 0, 0, 5, 4, 0, 0, 8, 'a', 'b', 's',
						3, 0, 0, 0, 5, 2, 0, 0, 8, 'x',
						4, 0, 0, 0, 5, 2, 0, 0, 8, 'y'};
		ck_assert_uint_eq(e->fe.size, sizeof(comps));
		ck_assert_uint_eq(e->fe.l_ad, sizeof(comps));
		ck_assert_mem_eq(e->fe.ad, comps, sizeof(comps));
		e = must_find(&r, "/a/b/far");
		ck_assert_int_eq(e->fe.ad_type, 0);
		/* 14 components of 200 bytes and one of 185, each 4 + 1 + n bytes */
		ck_assert_uint_eq(e->fe.size, 14 * 205 + 190);
		uint8_t *far = w_data(&r.w, &e->fe);
		ck_assert_uint_eq(far[0], 5);
		ck_assert_uint_eq(far[1], 201);
		ck_assert_uint_eq(far[4], 8);
		ck_assert_uint_eq(far[5], 'q');
		free(far);
		e = must_find(&r, "/null");
		ck_assert_uint_eq(e->fe.type, 7);
		/* Device Specification extended attribute (4/14.10.7): type 12, major 1, minor 3 */
		ck_assert_uint_eq(e->fe.l_ea, 48);
		ck_assert_uint_eq(w_le32(e->fe.ea + 24), 12);
		ck_assert_uint_eq(w_le32(e->fe.ea + 24 + 16), 1);
		ck_assert_uint_eq(w_le32(e->fe.ea + 24 + 20), 3);
		ck_assert_uint_eq(must_find(&r, "/a/b/c/pipe")->fe.type, 9);
		ck_assert_uint_eq(must_find(&r, "/empty")->fe.size, 0);

		/* udfinfo: the counts (it counts the root among the directories) */
		char path[] = "/tmp/check_udf_tree.XXXXXX";
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		close(fd);
		w_image_file(path, u, r.meta, IMG_UDF_FIRST_BLOCK, r.nblocks, r.anchor);
		ck_assert_str_eq(w_udfinfo(path, "numfiles"), "7");
		ck_assert_str_eq(w_udfinfo(path, "numdirs"), "4");
		ck_assert_str_eq(w_udfinfo(path, "label"), "TREE");
		unlink(path);
		read_back_free(&r);
		img_udf_free(u);
	}
}
END_TEST

/* Names UDF cannot hold are refused with the path in the detail, and leave no node behind. */
START_TEST(invalid_names_are_refused)
{
	static const char *const bad[] = {
		"", ".", "..", "a/b", "/",
		"\xc0\xaf",             /* overlong '/' */
		"\xe0\x80\xaf",         /* overlong, three bytes */
		"\xed\xa0\x80",         /* a UTF-16 surrogate */
		"\xe2\x82",             /* cut short */
		"x\x80y",               /* a lone continuation byte */
		"\xf4\x90\x80\x80",     /* above U+10FFFF */
		"\xf8\x88\x80\x80\x80", /* five bytes */
		"\xfe", "\xff",
	};
	struct img_udf *u = volume(IMG_UDF_REV_201);
	uint32_t d;
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "dir", &dir_attr, &d), IMG_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t id = 12345;
		ck_assert_int_eq(img_udf_add_file(u, d, bad[i], &file_attr, 0, 0, &id), IMG_EINVAL);
		ck_assert_uint_eq(id, 12345);
		ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/dir"));
		ck_assert_int_eq(img_udf_add_dir(u, d, bad[i], &dir_attr, NULL), IMG_EINVAL);
		ck_assert_int_eq(img_udf_add_symlink(u, d, bad[i], &link_attr, "t", NULL),
				 IMG_EINVAL);
	}
	/* valid: characters from the 8-bit, 16-bit and surrogate-pair ranges */
	ck_assert_int_eq(img_udf_add_file(u, d, "caf\xc3\xa9", &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, "\xe6\x97\xa5", &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, "\xf0\x9f\x98\x80", &file_attr, 0, 0, NULL),
			 IMG_OK);
	/* a symlink component over 255 bytes encoded cannot be stored */
	char comp[300];
	memset(comp, 'c', 299);
	comp[299] = '\0';
	ck_assert_int_eq(img_udf_add_symlink(u, d, "l", &link_attr, comp, NULL), IMG_ETOOBIG);
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.files, 3);
	ck_assert_uint_eq(st.dirs, 2);
	struct read_back r;
	read_back(u, NULL, NULL, 0, &r);
	ck_assert_uint_eq(r.n, 4);
	ck_assert_ptr_nonnull(must_find(&r, "/dir/caf\xc3\xa9"));
	ck_assert_ptr_nonnull(must_find(&r, "/dir/\xe6\x97\xa5"));
	const struct w_entry *e = must_find(&r, "/dir/\xf0\x9f\x98\x80");
	ck_assert_uint_eq(e->name_bytes, 5); /* 16-bit form: a surrogate pair */
	ck_assert_uint_eq(must_find(&r, "/dir/caf\xc3\xa9")->name_bytes, 5); /* 8-bit form */
	read_back_free(&r);
	img_udf_free(u);
}
END_TEST

START_TEST(parents_and_links_are_checked)
{
	struct img_udf *u = volume(IMG_UDF_REV_102);
	uint32_t f, d, l;
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "f", &file_attr, 10, 5, &f), IMG_OK);
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "d", &dir_attr, &d), IMG_OK);
	ck_assert_int_eq(img_udf_add_symlink(u, IMG_UDF_ROOT, "l", &link_attr, "f", &l), IMG_OK);
	/* a file, a symlink or a node that does not exist is no parent */
	ck_assert_int_eq(img_udf_add_file(u, f, "x", &file_attr, 0, 0, NULL), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/f/x: parent is not a directory"));
	ck_assert_int_eq(img_udf_add_dir(u, l, "x", &dir_attr, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_dir(u, 1000, "x", &dir_attr, NULL), IMG_EINVAL);
	/* hard links: to files only, and of the group's size */
	ck_assert_int_eq(img_udf_add_link(u, d, "x", d, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_link(u, d, "x", l, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_file(u, d, "g", &file_attr, 11, 5, NULL), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/d/g: hard link"));
	/* group 0 is no group */
	ck_assert_int_eq(img_udf_add_file(u, d, "z1", &file_attr, 1, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, "z2", &file_attr, 2, 0, NULL), IMG_OK);
	/* extents: only for files, never more than the size */
	ck_assert_int_eq(img_udf_add_extent(u, d, 1000, 1), IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_extent(u, f, 1000, 11), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/f: extents exceed"));
	uint32_t n;
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	/* the tree is fixed once laid out */
	ck_assert_int_eq(img_udf_add_file(u, d, "late", &file_attr, 0, 0, NULL), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "after layout"));
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.files, 4);
	img_udf_free(u);
}
END_TEST

/* "<prefix>#XXXX", XXXX the CRC of the whole UTF-8 name in upper-case hex. */
static void shortened(const char *name, size_t keep, char *out, size_t cap)
{
	snprintf(out, cap, "%.*s#%04X", (int)keep, name,
		 w_crc((const uint8_t *)name, strlen(name)));
}

START_TEST(long_names_are_shortened_at_255_bytes)
{
	struct img_udf *u = volume(IMG_UDF_REV_250);
	/* 8-bit form: the ID byte and 254 characters fit, 255 do not */
	char a254[255], a255[256], a300[301], b300[301];
	memset(a254, 'a', 254);
	a254[254] = '\0';
	memset(a255, 'a', 255);
	a255[255] = '\0';
	memset(a300, 'a', 300);
	a300[300] = '\0';
	memcpy(b300, a300, sizeof(b300));
	b300[299] = 'b';
	/* 16-bit form: 127 characters fit (1 + 254 bytes), 128 do not; U+65E5 is 3 bytes UTF-8 */
	char w127[127 * 3 + 1], w128[128 * 3 + 1];
	for (int i = 0; i < 128; i++)
		memcpy(w128 + 3 * i, "\xe6\x97\xa5", 3);
	w128[128 * 3] = '\0';
	memcpy(w127, w128, 127 * 3);
	w127[127 * 3] = '\0';
	const char *names[] = {a254, a255, a300, b300, w127, w128};
	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, names[i], &file_attr, 0, 0, NULL),
				 IMG_OK);
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.renamed, 4);
	struct read_back r;
	read_back(u, NULL, NULL, 0, &r);
	ck_assert_uint_eq(r.n, 6);
	char want[1000], path[1200];
	snprintf(path, sizeof(path), "/%s", a254);
	ck_assert_uint_eq(must_find(&r, path)->name_bytes, 255);
	snprintf(path, sizeof(path), "/%s", w127);
	ck_assert_uint_eq(must_find(&r, path)->name_bytes, 255);
	/* shortened: 249 'a's + "#XXXX" is 254 characters; whole characters dropped */
	static const size_t keep[] = {0, 249, 249, 249, 0, 122 * 3};
	for (size_t i = 1; i < 6; i++) {
		if (i == 4)
			continue;
		shortened(names[i], keep[i], want, sizeof(want));
		snprintf(path, sizeof(path), "/%s", want);
		const struct w_entry *e = must_find(&r, path);
		ck_assert_uint_le(e->name_bytes, 255);
	}
	/* a300 and b300 share the prefix, not the suffix */
	ck_assert_uint_ne(w_crc((const uint8_t *)a300, 300), w_crc((const uint8_t *)b300, 300));
	read_back_free(&r);
	img_udf_free(u);
}
END_TEST

START_TEST(collisions_are_found_at_layout)
{
	/* a shortened name equal to a name given as such */
	char a300[301], want[300];
	memset(a300, 'a', 300);
	a300[300] = '\0';
	shortened(a300, 249, want, sizeof(want));
	struct img_udf *u = volume(IMG_UDF_REV_102);
	uint32_t d, n;
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "d", &dir_attr, &d), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, a300, &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, want, &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_ECOLLISION);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/d/"));
	img_udf_free(u);

	/* the same name in two directories, and names equal but for case, are no collision */
	u = volume(IMG_UDF_REV_102);
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "d", &dir_attr, &d), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, "x", &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "x", &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "X", &file_attr, 0, 0, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	img_udf_free(u);

	/* a file and a hard link of it under one name */
	u = volume(IMG_UDF_REV_201);
	uint32_t f;
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "x", &file_attr, 0, 0, &f), IMG_OK);
	ck_assert_int_eq(img_udf_add_link(u, IMG_UDF_ROOT, "x", f, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_ECOLLISION);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/x: two entries"));
	img_udf_free(u);
}
END_TEST

/* Growth past the first capacities (64 nodes, 64 hard-link slots) keeps every node and the
 * counts; node numbers are given out in order. */
START_TEST(many_nodes_and_counts)
{
	struct img_udf *u = volume(IMG_UDF_REV_201);
	uint32_t dirs[10];
	for (int k = 0; k < 10; k++) {
		char name[16];
		snprintf(name, sizeof(name), "d%d", k);
		ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, name, &dir_attr, &dirs[k]), IMG_OK);
		ck_assert_uint_eq(dirs[k], (uint32_t)k + 1);
	}
	/* 1,000 files, every 10th the second name of a hard-link group (groups 1..100) */
	for (int i = 0; i < 1000; i++) {
		char name[16];
		snprintf(name, sizeof(name), "f%d", i);
		uint64_t group = i % 10 >= 8 ? (uint64_t)(i / 10 + 1) : 0;
		uint32_t id;
		ck_assert_int_eq(img_udf_add_file(u, dirs[i % 10], name, &file_attr, 0, group, &id),
				 IMG_OK);
		ck_assert_uint_eq(id, 11u + (uint32_t)i);
	}
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.dirs, 11);
	ck_assert_uint_eq(st.files, 900);
	struct read_back r;
	read_back(u, NULL, NULL, 0, &r);
	ck_assert_uint_eq(r.n, 1010);
	const struct w_entry *a = must_find(&r, "/d8/f18"), *b = must_find(&r, "/d9/f19");
	ck_assert_uint_eq(a->icb, b->icb);
	ck_assert_uint_eq(a->fe.nlink, 2);
	ck_assert_uint_eq(must_find(&r, "/d7/f997")->fe.nlink, 1);
	ck_assert_uint_eq(r.root.nlink, 11);
	read_back_free(&r);
	img_udf_free(u);
}
END_TEST

static Suite *udf_tree_suite(void)
{
	Suite *s = suite_create("udf_tree");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_kind_of_node_reads_back);
	tcase_add_test(tc, invalid_names_are_refused);
	tcase_add_test(tc, parents_and_links_are_checked);
	tcase_add_test(tc, long_names_are_shortened_at_255_bytes);
	tcase_add_test(tc, collisions_are_found_at_layout);
	tcase_add_test(tc, many_nodes_and_counts);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_tree_suite)
