/* Unit tests of common/inspect/zisofs_read.c: data made by mkzftree (zisofs-tools, not ours)
 * decodes to the original bytes, sparse blocks to zeros; damaged headers, pointers and blocks
 * are IMG_ECORRUPT naming the block, never a short or long output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/bytes.h"
#include "common/inspect/zisofs_read.h"
#include "tests/unit/unit.h"

static char dir[64];

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static struct buf slurp(const char *rel)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	struct buf b = {0};
	b.cap = 1 << 20;
	b.p = malloc(b.cap);
	ck_assert_ptr_nonnull(b.p);
	b.len = fread(b.p, 1, b.cap, f);
	fclose(f);
	return b;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_zisofs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir src; seq 1 40000 >src/seq; head -c 100000 /dev/zero "
		 ">src/zeros; mkzftree -z 9 src z", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int rd(void *arg, uint64_t off, void *out, size_t len, struct img_error *err)
{
	const struct buf *b = arg;
	if (off > b->len || len > b->len - off)
		return img_error_set(err, IMG_EIO, "read beyond the data");
	memcpy(out, b->p + off, len);
	return IMG_OK;
}

static int wr(void *arg, const void *in, size_t len, struct img_error *err)
{
	struct buf *b = arg;
	(void)err;
	if (len > b->cap - b->len)
		return img_error_set(err, IMG_ENOSPC, "output full");
	memcpy(b->p + b->len, in, len);
	b->len += len;
	return IMG_OK;
}

/* Decodes stored into a fresh buffer; returns the code, *out the output. */
static int decode(const struct buf *stored, uint64_t size, struct buf *out, struct img_error *e)
{
	out->cap = 1 << 20;
	out->len = 0;
	out->p = malloc(out->cap);
	ck_assert_ptr_nonnull(out->p);
	return img_zisofs_decode(rd, (void *)stored, stored->len, size, wr, out, "f", e);
}

START_TEST(mkzftree_output_decodes)
{
	const char *names[] = { "seq", "zeros" };
	for (size_t i = 0; i < 2; i++) {
		char a[32], b[32];
		snprintf(a, sizeof(a), "src/%s", names[i]);
		snprintf(b, sizeof(b), "z/%s", names[i]);
		struct buf orig = slurp(a), z = slurp(b), out;
		struct img_error e;
		ck_assert(img_zisofs_is_header(z.p, orig.len));
		ck_assert(!img_zisofs_is_header(z.p, orig.len + 1));
		ck_assert_uint_lt(z.len, orig.len);
		ck_assert_int_eq(decode(&z, orig.len, &out, &e), IMG_OK);
		ck_assert_uint_eq(out.len, orig.len);
		ck_assert_mem_eq(out.p, orig.p, orig.len);
		free(orig.p);
		free(z.p);
		free(out.p);
	}
}
END_TEST

START_TEST(damage_is_corrupt)
{
	struct buf orig = slurp("src/seq"), z = slurp("z/seq"), out;
	struct img_error e;
	uint64_t size = orig.len;
	unsigned char keep[8];
	/* a block size Linux does not know */
	memcpy(keep, z.p + 13, 1);
	z.p[13] = 20;
	ck_assert_int_eq(decode(&z, size, &out, &e), IMG_ECORRUPT);
	free(out.p);
	memcpy(z.p + 13, keep, 1);
	/* a pointer beyond the data, then pointers out of order */
	unsigned hdr = z.p[12] * 4;
	memcpy(keep, z.p + hdr + 4, 4);
	memcpy(z.p + hdr + 4, "\xff\xff\xff\x7f", 4);
	ck_assert_int_eq(decode(&z, size, &out, &e), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(e.detail, "zisofs block 0"));
	free(out.p);
	uint32_t first = img_le32(z.p + hdr);
	z.p[hdr + 4] = (unsigned char)(first - 1);
	z.p[hdr + 5] = (unsigned char)((first - 1) >> 8);
	z.p[hdr + 6] = z.p[hdr + 7] = 0;
	ck_assert_int_eq(decode(&z, size, &out, &e), IMG_ECORRUPT);
	free(out.p);
	memcpy(z.p + hdr + 4, keep, 4);
	/* a damaged zlib stream: no output past the blocks before it */
	z.p[img_le32(z.p + hdr + 4) + 5] ^= 0x55;
	ck_assert_int_eq(decode(&z, size, &out, &e), IMG_ECORRUPT);
	ck_assert_uint_lt(out.len, size);
	free(out.p);
	/* too short to hold its pointer table */
	struct buf cut = z;
	cut.len = hdr + 2;
	ck_assert_int_eq(decode(&cut, size, &out, &e), IMG_ECORRUPT);
	free(out.p);
	free(orig.p);
	free(z.p);
}
END_TEST

static Suite *zisofs_read_suite(void)
{
	Suite *s = suite_create("zisofs_read");
	TCase *tc = tcase_create("zisofs_read");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mkzftree_output_decodes);
	tcase_add_test(tc, damage_is_corrupt);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(zisofs_read_suite)
