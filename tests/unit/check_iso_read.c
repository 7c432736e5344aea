/* Unit tests of common/inspect/iso_read.c over ISO 9660 images built by hand in memory
 * (ECMA-119 8.4 and 9.1 written out field by field, not by our writer): a good tree read
 * back through the walk and libisofs's importer, and the damage the walk must refuse. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/inspect/iso_read.h"
#include "common/inspect/source.h"
#include "common/inspect/voldesc.h"
#include "tests/unit/unit.h"

#define SEC 2048
#define SECTORS 600
static unsigned char img[SECTORS * SEC];

static void both16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff; p[1] = v >> 8 & 0xff; p[2] = v >> 8 & 0xff; p[3] = v & 0xff;
}

static void both32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
		p[7 - i] = (unsigned char)(v >> (8 * i));
	}
}

/* Writes a directory record (9.1) at p; returns its length. */
static size_t record(unsigned char *p, uint32_t extent, uint32_t size, bool dir, const char *name,
		     size_t nlen)
{
	size_t len = 33 + nlen + (nlen % 2 == 0 ? 1 : 0);
	memset(p, 0, len);
	p[0] = (unsigned char)len;
	both32(p + 2, extent);
	both32(p + 10, size);
	p[18] = 126; p[19] = 1; p[20] = 2; p[21] = 3; p[22] = 4; p[23] = 5; /* 2026-01-02 */
	p[25] = dir ? 2 : 0;
	both16(p + 28, 1);
	p[32] = (unsigned char)nlen;
	memcpy(p + 33, name, nlen);
	return len;
}

/* A directory at sector sec of one sector: ".", "..", then entries added with add(). */
static size_t dir_start(uint32_t sec, uint32_t parent)
{
	unsigned char *d = img + (size_t)sec * SEC;
	memset(d, 0, SEC);
	size_t pos = record(d, sec, SEC, true, "\0", 1);
	return pos + record(d + pos, parent, SEC, true, "\1", 1);
}

static size_t add(uint32_t dirsec, size_t pos, uint32_t extent, uint32_t size, bool dir,
		  const char *name)
{
	return pos + record(img + (size_t)dirsec * SEC + pos, extent, size, dir, name,
			    strlen(name));
}

/* Primary descriptor at 16 with its root at sector root, terminator at 17. */
static void volume(uint32_t root)
{
	memset(img, 0, sizeof(img));
	unsigned char *b = img + 16 * SEC;
	b[0] = 1;
	memcpy(b + 1, "CD001", 5);
	b[6] = 1;
	memset(b + 8, ' ', 64);
	memcpy(b + 40, "HAND", 4);
	both32(b + 80, SECTORS);
	both16(b + 120, 1);
	both16(b + 124, 1);
	both16(b + 128, SEC);
	record(b + 156, root, SEC, true, "\0", 1);
	memset(b + 190, ' ', 623);
	memcpy(b + 813, "2026010203040500", 16);
	memcpy(b + 830, "2026010203040500", 16);
	memcpy(b + 847, "0000000000000000", 16);
	memcpy(b + 864, "0000000000000000", 16);
	b[881] = 1;
	unsigned char *t = img + 17 * SEC;
	t[0] = 255;
	memcpy(t + 1, "CD001", 5);
	t[6] = 1;
}

/* The good tree: /HELLO.TXT;1 (6 bytes at sector 30), /DIR/A.TXT;1 (3 bytes at 31). */
static void good_tree(void)
{
	volume(20);
	size_t pos = dir_start(20, 20);
	pos = add(20, pos, 21, SEC, true, "DIR");
	add(20, pos, 30, 6, false, "HELLO.TXT;1");
	pos = dir_start(21, 20);
	add(21, pos, 31, 3, false, "A.TXT;1");
	memcpy(img + 30 * SEC, "hello\n", 6);
	memcpy(img + 31 * SEC, "aaa", 3);
}

static int scan(struct img_dirscan *out, struct img_error *err)
{
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(img, sizeof(img), &src), IMG_OK);
	static struct img_vdset set;
	ck_assert_int_eq(img_vd_read(src, &set, err), IMG_OK);
	int rc = img_iso_scan(src, img_vd_find(&set, IMG_VD_PRIMARY), out, err);
	img_source_close(src);
	return rc;
}

START_TEST(good_tree_scanned_and_read_back)
{
	good_tree();
	struct img_error err = {0};
	struct img_dirscan s;
	ck_assert_int_eq(scan(&s, &err), IMG_OK);
	ck_assert_uint_eq(s.dirs, 2);
	ck_assert_uint_eq(s.files, 2);
	ck_assert_int_eq(s.depth, 2);
	ck_assert(!s.long_names);

	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(img, sizeof(img), &src), IMG_OK);
	struct img_filetree *t;
	struct img_iso_info info;
	ck_assert_msg(img_iso_read_tree(src, IMG_VIEW_ISO, &t, &info, &err) == IMG_OK, "%s",
		      err.detail);
	ck_assert(!info.rockridge && !info.joliet);
	struct img_fnode *n;
	ck_assert_int_eq(img_filetree_lookup(t, "/HELLO.TXT", &n), IMG_OK);
	ck_assert(S_ISREG(n->mode));
	ck_assert_uint_eq(n->size, 6);
	ck_assert_uint_eq(n->nextents, 1);
	ck_assert_uint_eq(n->extents[0].offset, 30 * SEC);
	ck_assert_int_eq(img_filetree_lookup(t, "/DIR/A.TXT", &n), IMG_OK);
	ck_assert_uint_eq(n->extents[0].offset, 31 * SEC);
	ck_assert_uint_eq(n->size, 3);
	ck_assert_int_eq(img_filetree_lookup(t, "/DIR", &n), IMG_OK);
	ck_assert(S_ISDIR(n->mode));
	ck_assert_uint_eq(t->nodes, 4);
	img_filetree_free(t);
	/* No Joliet tree: that view is refused by name. */
	ck_assert_int_eq(img_iso_read_tree(src, IMG_VIEW_JOLIET, &t, &info, &err),
			 IMG_EUNSUPPORTED);
	img_source_close(src);
}
END_TEST

START_TEST(directory_loop_refused)
{
	good_tree();
	/* DIR gets a subdirectory whose extent is the root: a loop. */
	size_t pos = dir_start(21, 20);
	add(21, pos, 20, SEC, true, "BACK");
	struct img_error err = {0};
	struct img_dirscan s;
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "directory loop") != NULL, "%s", err.detail);
	/* and the reader as a whole refuses it before libisofs sees it */
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(img, sizeof(img), &src), IMG_OK);
	struct img_filetree *t;
	struct img_iso_info info;
	ck_assert_int_eq(img_iso_read_tree(src, IMG_VIEW_DEFAULT, &t, &info, &err), IMG_ECORRUPT);
	img_source_close(src);
}
END_TEST

START_TEST(extents_past_the_end_refused)
{
	good_tree();
	size_t pos = dir_start(20, 20);
	add(20, pos, SECTORS - 1, 4096, false, "BIG.BIN;1"); /* ends one sector past the end */
	struct img_error err = {0};
	struct img_dirscan s;
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "past the end") != NULL, "%s", err.detail);

	/* A directory whose extent lies past the end. */
	good_tree();
	pos = dir_start(20, 20);
	add(20, pos, SECTORS + 5, SEC, true, "GONE");
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "past the end") != NULL, "%s", err.detail);
}
END_TEST

START_TEST(absurd_sizes_refused)
{
	/* A directory of 3 GiB in a small image. */
	good_tree();
	size_t pos = dir_start(20, 20);
	add(20, pos, 21, 3u << 30, true, "HUGE");
	struct img_error err = {0};
	struct img_dirscan s;
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "past the end") != NULL, "%s", err.detail);

	/* A directory beyond IMG_ISO_MAX_DIR_BYTES that the image does hold (calloc'ed pages
	 * stay untouched): refused before it is read. */
	size_t big = 22 * SEC + IMG_ISO_MAX_DIR_BYTES + SEC;
	unsigned char *large = calloc(1, big);
	ck_assert_ptr_nonnull(large);
	good_tree();
	pos = dir_start(20, 20);
	add(20, pos, 21, IMG_ISO_MAX_DIR_BYTES + SEC, true, "HUGE");
	memcpy(large, img, 22 * SEC);
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(large, big, &src), IMG_OK);
	static struct img_vdset set;
	ck_assert_int_eq(img_vd_read(src, &set, &err), IMG_OK);
	ck_assert_int_eq(img_iso_scan(src, img_vd_find(&set, IMG_VD_PRIMARY), &s, &err),
			 IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "exceeds") != NULL, "%s", err.detail);
	img_source_close(src);
	free(large);

	/* A name longer than its record. */
	good_tree();
	unsigned char *r = img + 20 * SEC + 68; /* the third record of the root: DIR */
	r[32] = 200;
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "runs past") != NULL, "%s", err.detail);

	/* A record that would cross into the next sector (6.8.1.1): a directory of two
	 * sectors whose first ends with a record 2 bytes short of room. */
	good_tree();
	both32(img + 16 * SEC + 156 + 10, 2 * SEC);      /* the root record in the PVD */
	pos = dir_start(20, 20);
	both32(img + 20 * SEC + 10, 2 * SEC);            /* and its "." */
	char name[256];
	while (pos < SEC - 36) {                         /* filler records up to byte 2012 */
		/* record lengths are even: 33 + an odd name length */
		size_t rem = SEC - 36 - pos, l = rem <= 200 ? rem : rem - 200 < 34 ? rem - 34 : 200;
		memset(name, 'F', l - 33);
		pos += record(img + 20 * SEC + pos, 30, 6, false, name, l - 33);
	}
	ck_assert_uint_eq(pos, SEC - 36);
	add(20, pos, 30, 6, false, "ABCDEF");            /* 40 bytes from 2012: crosses */
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "at byte 42972: length 40") != NULL, "%s", err.detail);

	/* A "." record that disagrees with the record naming the directory. */
	good_tree();
	both32(img + 21 * SEC + 10, 4 * SEC);
	ck_assert_int_eq(scan(&s, &err), IMG_ECORRUPT);
	ck_assert_msg(strstr(err.detail, "does not match") != NULL, "%s", err.detail);
}
END_TEST

START_TEST(nesting_beyond_the_limit_refused)
{
	/* A chain of directories, each in its own sector: IMG_ISO_MAX_DEPTH levels are read,
	 * one more is refused. */
	for (int levels = IMG_ISO_MAX_DEPTH; levels <= IMG_ISO_MAX_DEPTH + 1; levels++) {
		volume(20);
		uint32_t parent = 20;
		for (int i = 0; i < levels; i++) {
			uint32_t sec = 20 + (uint32_t)i;
			size_t pos = dir_start(sec, parent);
			if (i + 1 < levels)
				add(sec, pos, sec + 1, SEC, true, "D");
			parent = sec;
		}
		struct img_error err = {0};
		struct img_dirscan s;
		int rc = scan(&s, &err);
		if (levels == IMG_ISO_MAX_DEPTH) {
			ck_assert_msg(rc == IMG_OK, "%s", err.detail);
			ck_assert_int_eq(s.depth, IMG_ISO_MAX_DEPTH);
		} else {
			ck_assert_int_eq(rc, IMG_ECORRUPT);
			ck_assert_msg(strstr(err.detail, "deeper") != NULL, "%s", err.detail);
		}
	}
}
END_TEST

START_TEST(view_names)
{
	enum img_view v;
	ck_assert_int_eq(img_view_parse("joliet", &v), IMG_OK);
	ck_assert_int_eq(v, IMG_VIEW_JOLIET);
	ck_assert_str_eq(img_view_name(v), "joliet");
	ck_assert_int_eq(img_view_parse("hfs", &v), IMG_EINVAL);
}
END_TEST

static Suite *iso_read_suite(void)
{
	Suite *s = suite_create("iso_read");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, good_tree_scanned_and_read_back);
	tcase_add_test(tc, directory_loop_refused);
	tcase_add_test(tc, extents_past_the_end_refused);
	tcase_add_test(tc, absurd_sizes_refused);
	tcase_add_test(tc, nesting_beyond_the_limit_refused);
	tcase_add_test(tc, view_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(iso_read_suite)
