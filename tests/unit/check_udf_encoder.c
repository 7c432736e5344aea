/* Unit tests of the pull-style UDF metadata encoder (img_udf_encoder_*, common/udf/udf_layout.c):
 * whatever the sizes of the reads, the bytes are those of one read of the whole metadata, and
 * every descriptor tag in them is valid.  The e2e tests check the same metadata in whole
 * images with udfinfo, 7-Zip and pycdlib. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/udf/udf.h"
#include "common/udf/udf_desc.h"
#include "tests/unit/unit.h"

static const struct img_udf_attr file_attr = {S_IFREG | 0644, 1000, 1000,
					      {1, 5}, {2, 6}, {3, 7}, {0, 0}};
static const struct img_udf_attr dir_attr = {S_IFDIR | 0755, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};
static const struct img_udf_attr link_attr = {S_IFLNK | 0777, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};

/* A volume with what makes the encoder change steps: a directory of 1,500 entries (its FIDs
 * span many blocks, some FIDs straddle blocks), names of varied lengths, short (embedded) and
 * long symlinks, hard links, a file in three extents, a device, empty files.  Laid out and
 * ended; *nblocks receives the metadata size. */
static struct img_udf *volume(unsigned rev, uint32_t *nblocks)
{
	struct img_udf_options o = {.revision = rev, .volume_id = "READER", .volume_time = 1700000000};
	struct img_udf *u;
	ck_assert_int_eq(img_udf_new(&o, &u), IMG_OK);
	uint32_t big, sub, files[1500], three, link1;
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "big", &dir_attr, &big), IMG_OK);
	ck_assert_int_eq(img_udf_add_dir(u, big, "sub", &dir_attr, &sub), IMG_OK);
	char name[300];
	for (int i = 0; i < 1500; i++) {
		int len = snprintf(name, sizeof(name), "f%d-", i);
		for (int k = 0; k < i % 97; k++)
			name[len++] = (char)('a' + k % 26);
		name[len] = '\0';
		ck_assert_int_eq(img_udf_add_file(u, big, name, &file_attr, (uint64_t)(i % 5) * 1000,
						  0, &files[i]), IMG_OK);
	}
	ck_assert_int_eq(img_udf_add_file(u, sub, "three", &file_attr, 3 * 4096, 7, &three), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "three-again", &file_attr, 3 * 4096, 7,
					  &link1), IMG_OK);
	/* A third name of the same File Entry, and links only to regular files. */
	ck_assert_int_eq(img_udf_add_link(u, big, "three-link", three, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_add_link(u, big, "dir-link", sub, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_link(u, big, "nowhere", 999999, NULL), IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_symlink(u, sub, "short", &link_attr, "../big/f1-a", NULL),
			 IMG_OK);
	char target[2400];
	memset(target, 'x', sizeof(target) - 1);
	for (size_t i = 100; i < sizeof(target) - 1; i += 101)
		target[i] = '/';
	target[sizeof(target) - 1] = '\0';
	ck_assert_int_eq(img_udf_add_symlink(u, sub, "long", &link_attr, target, NULL), IMG_OK);
	struct img_udf_attr dev = file_attr;
	dev.mode = S_IFCHR | 0600;
	ck_assert_int_eq(img_udf_add_special(u, sub, "null", &dev, 1, 3, NULL), IMG_OK);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, nblocks), IMG_OK);
	/* File data after the metadata; one file in three extents that do not follow. */
	uint64_t lba = IMG_UDF_FIRST_BLOCK + *nblocks;
	for (int i = 0; i < 1500; i++) {
		uint64_t size = (uint64_t)(i % 5) * 1000;
		ck_assert_int_eq(img_udf_add_extent(u, files[i], lba, size), IMG_OK);
		lba += (size + IMG_UDF_BLOCK - 1) / IMG_UDF_BLOCK;
	}
	for (int k = 0; k < 3; k++, lba += 3)
		ck_assert_int_eq(img_udf_add_extent(u, three, lba, 4096), IMG_OK);
	ck_assert_int_eq(img_udf_set_end(u, (uint32_t)lba + 10), IMG_OK);
	return u;
}

/* Reads the whole metadata through a new encoder in pieces of the sizes given (cycled);
 * returns a buffer of *len bytes. */
static uint8_t *read_all(struct img_udf *u, const size_t *sizes, size_t nsizes, size_t *len)
{
	struct img_udf_encoder *r;
	ck_assert_int_eq(img_udf_encoder_new(u, &r), IMG_OK);
	size_t cap = 1 << 20, fill = 0;
	uint8_t *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	for (size_t k = 0;; k++) {
		size_t want = sizes[k % nsizes], got = 99;
		if (fill + want > cap) {
			cap = 2 * (fill + want);
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		ck_assert_int_eq(img_udf_encoder_read(r, buf + fill, want, &got), IMG_OK);
		ck_assert_uint_le(got, want);
		if (got == 0)
			break;
		fill += got;
	}
	/* The end stays the end. */
	size_t got = 99;
	uint8_t one;
	ck_assert_int_eq(img_udf_encoder_read(r, &one, 1, &got), IMG_OK);
	ck_assert_uint_eq(got, 0);
	img_udf_encoder_free(r);
	*len = fill;
	return buf;
}

struct collected {
	uint8_t *buf;
	size_t len, calls;
	int whole_blocks;
};

static int collect(void *ctx, const void *buf, size_t len)
{
	struct collected *c = ctx;
	if (len % IMG_UDF_BLOCK != 0)
		c->whole_blocks = 0;
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->calls++;
	return IMG_OK;
}

START_TEST(odd_pieces_give_the_same_bytes)
{
	static const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_150, IMG_UDF_REV_201,
					IMG_UDF_REV_250, IMG_UDF_REV_260};
	static const size_t odd[] = {1, 7, 2047, 2049, 3, 65537, 511, 4096, 13, 300000};
	static const size_t blocks[] = {2048};
	for (size_t i = 0; i < sizeof(revs) / sizeof(revs[0]); i++) {
		uint32_t nblocks;
		struct img_udf *u = volume(revs[i], &nblocks);
		size_t total = (size_t)nblocks * IMG_UDF_BLOCK, la, lb, lc;
		/* One read asking for everything (it may come in several pieces). */
		size_t big[] = {total + 12345};
		uint8_t *a = read_all(u, big, 1, &la);
		uint8_t *b = read_all(u, odd, sizeof(odd) / sizeof(odd[0]), &lb);
		uint8_t *c = read_all(u, blocks, 1, &lc);
		ck_assert_uint_eq(la, total);
		ck_assert_uint_eq(lb, total);
		ck_assert_uint_eq(lc, total);
		ck_assert_mem_eq(a, b, total);
		ck_assert_mem_eq(a, c, total);
		/* img_udf_write: the same bytes, in whole blocks of at most 64 KiB. */
		struct collected col = {malloc(total), 0, 0, 1};
		ck_assert_int_eq(img_udf_write(u, collect, &col), IMG_OK);
		ck_assert_uint_eq(col.len, total);
		ck_assert_int_eq(col.whole_blocks, 1);
		ck_assert_uint_ge(col.calls, total / (64 * 1024));
		ck_assert_mem_eq(a, col.buf, total);
		/* Every tag is valid: the File Entries (one per inode, from block 2 of the content)
		 * and the FIDs across block boundaries were encoded whole.  Count the tags that
		 * start a block: VDS, LVID, FSD, File Entries... */
		size_t tags = 0, fes = 0;
		for (size_t k = 0; k < nblocks; k++) {
			const uint8_t *t = a + k * IMG_UDF_BLOCK;
			uint16_t id = (uint16_t)(t[0] | t[1] << 8), len = (uint16_t)(t[10] | t[11] << 8);
			if (id == 0 || id > 266 || len > IMG_UDF_BLOCK - 16 ||
			    t[4] != img_udf_tag_checksum(t))
				continue;
			ck_assert_uint_eq(t[8] | t[9] << 8, img_udf_crc(t + 16, len));
			tags++;
			fes += id == 261 || id == 266;
		}
		/* root, big, sub, 1500 files, one inode for the three hard links, 2 symlinks, a
		 * device; 2.50+ adds the metadata and mirror File Entries, and has the content twice. */
		size_t inodes = 3 + 1500 + 1 + 2 + 1;
		ck_assert_uint_eq(fes, revs[i] >= IMG_UDF_REV_250 ? 2 * inodes + 2 : inodes);
		ck_assert_uint_gt(tags, fes);
		/* The hard-linked File Entry counts its three names (link count at byte 48). */
		size_t links3 = 0;
		for (size_t k = 0; k < nblocks; k++) {
			const uint8_t *t = a + k * IMG_UDF_BLOCK;
			uint16_t id = (uint16_t)(t[0] | t[1] << 8);
			if ((id == 261 || id == 266) && t[27] == 5 && (t[48] | t[49] << 8) == 3)
				links3++;
		}
		ck_assert_uint_eq(links3, revs[i] >= IMG_UDF_REV_250 ? 2 : 1);
		free(col.buf);
		free(a);
		free(b);
		free(c);
		img_udf_free(u);
	}
}
END_TEST

START_TEST(encoder_needs_the_end)
{
	struct img_udf_options o = {.revision = IMG_UDF_REV_102, .volume_id = "READER",
				     .volume_time = 1700000000};
	struct img_udf *u;
	struct img_udf_encoder *r = (struct img_udf_encoder *)1;
	uint32_t n;
	ck_assert_int_eq(img_udf_new(&o, &u), IMG_OK);
	ck_assert_int_eq(img_udf_encoder_new(u, &r), IMG_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	ck_assert_int_eq(img_udf_encoder_new(u, &r), IMG_EINVAL);
	ck_assert_int_eq(img_udf_set_end(u, IMG_UDF_FIRST_BLOCK + n), IMG_OK);
	ck_assert_int_eq(img_udf_encoder_new(u, &r), IMG_OK);
	/* Two readers of one volume are independent. */
	struct img_udf_encoder *r2;
	ck_assert_int_eq(img_udf_encoder_new(u, &r2), IMG_OK);
	uint8_t x[IMG_UDF_BLOCK], y[IMG_UDF_BLOCK];
	size_t got;
	ck_assert_int_eq(img_udf_encoder_read(r, x, sizeof(x), &got), IMG_OK);
	ck_assert_uint_eq(got, sizeof(x));
	ck_assert_int_eq(img_udf_encoder_read(r2, y, sizeof(y), &got), IMG_OK);
	ck_assert_uint_eq(got, sizeof(y));
	ck_assert_mem_eq(x, y, sizeof(x));
	img_udf_encoder_free(r);
	img_udf_encoder_free(r2);
	img_udf_encoder_free(NULL);
	img_udf_free(u);
}
END_TEST

/* The end in two steps (img_udf_set_anchor, then img_udf_check_extents once the extents are
 * known): the head can be read before the check, the File Entries only after it, and the
 * bytes are those of img_udf_set_end. */
START_TEST(extents_checked_after_the_head)
{
	const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_250};
	for (size_t v = 0; v < 2; v++) {
		uint32_t n;
		struct img_udf *u = volume(revs[v], &n);
		const size_t whole[] = {64 * 1024};
		size_t len0, len1;
		uint8_t *once = read_all(u, whole, 1, &len0);
		struct img_udf_stats st;
		img_udf_get_stats(u, &st);
		uint32_t anchor = st.partition_start + st.partition_length +
				  img_udf_end_blocks(u) - 1;
		ck_assert_int_eq(img_udf_set_anchor(u, anchor), IMG_OK);
		struct img_udf_encoder *r;
		ck_assert_int_eq(img_udf_encoder_new(u, &r), IMG_OK);
		size_t head = (size_t)img_udf_head_blocks(u) * IMG_UDF_BLOCK, got, have = 0;
		uint8_t *buf = malloc(head + IMG_UDF_BLOCK);
		ck_assert_ptr_nonnull(buf);
		while (have < head) {
			ck_assert_int_eq(img_udf_encoder_read(r, buf + have, head - have, &got), IMG_OK);
			ck_assert_uint_gt(got, 0);
			have += got;
		}
		ck_assert_mem_eq(buf, once, head);
		/* 2.50: the File Set Descriptor comes first in the metadata file; then the
		 * File Entries, refused until the check. */
		int rc = IMG_OK;
		for (int k = 0; k < 3 && rc == IMG_OK; k++)
			rc = img_udf_encoder_read(r, buf, IMG_UDF_BLOCK, &got);
		ck_assert_int_eq(rc, IMG_EINVAL);
		img_udf_encoder_free(r);
		free(buf);
		ck_assert_int_eq(img_udf_check_extents(u), IMG_OK);
		uint8_t *twice = read_all(u, whole, 1, &len1);
		ck_assert_uint_eq(len0, len1);
		ck_assert_mem_eq(once, twice, len0);
		free(once);
		free(twice);
		img_udf_free(u);
	}
}
END_TEST

static Suite *udf_encoder_suite(void)
{
	Suite *s = suite_create("udf_encoder");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, odd_pieces_give_the_same_bytes);
	tcase_add_test(tc, encoder_needs_the_end);
	tcase_add_test(tc, extents_checked_after_the_head);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_encoder_suite)
