/* Unit tests of the UDF writer: encoders (common/udf/udf_desc.c) and the tree/layout API. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/udf/udf.h"
#include "common/udf/udf_desc.h"
#include "tests/unit/unit.h"

START_TEST(crc_known_vectors)
{
	/* ECMA-167 1/7.2.6 gives this example; "123456789" is the CRC-16/XMODEM check value. */
	static const uint8_t ecma[] = {0x70, 0x6A, 0x77};
	ck_assert_uint_eq(img_udf_crc(ecma, sizeof(ecma)), 0x3299);
	ck_assert_uint_eq(img_udf_crc((const uint8_t *)"123456789", 9), 0x31C3);
	ck_assert_uint_eq(img_udf_crc(ecma, 0), 0);
}
END_TEST

/* The CRC bit by bit, straight from the polynomial, against the sliced tables. */
static uint16_t crc_bitwise(const uint8_t *p, size_t len)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
	}
	return crc;
}

START_TEST(crc_sliced_matches_bitwise)
{
	uint8_t buf[2100];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t len = 0; len <= 300; len++)
		for (size_t off = 0; off < 3; off++)
			ck_assert_uint_eq(img_udf_crc(buf + off, len), crc_bitwise(buf + off, len));
	ck_assert_uint_eq(img_udf_crc(buf, sizeof(buf)), crc_bitwise(buf, sizeof(buf)));
}
END_TEST

START_TEST(tag_checksum_and_crc)
{
	uint8_t d[512];
	memset(d, 0, sizeof(d));
	for (size_t i = 16; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7);
	img_udf_put_tag(d, 8, 3, 0x01020304, sizeof(d));
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += d[i];
	ck_assert_uint_eq(d[4], sum & 0xff);
	ck_assert_uint_eq(d[0] | d[1] << 8, 8);
	ck_assert_uint_eq(d[2] | d[3] << 8, 3);
	ck_assert_uint_eq(d[10] | d[11] << 8, 496);
	ck_assert_uint_eq(d[8] | d[9] << 8, img_udf_crc(d + 16, 496));
	ck_assert_uint_eq(d[12] | d[13] << 8 | d[14] << 16 | (uint32_t)d[15] << 24, 0x01020304);
}
END_TEST

START_TEST(cs0_8bit)
{
	uint8_t out[300];
	ck_assert_int_eq(img_udf_cs0_encode("abc", 3, out, sizeof(out), NULL), 4);
	ck_assert_mem_eq(out, "\x08" "abc", 4);
	/* é (U+00E9) still fits the 8-bit form. */
	ck_assert_int_eq(img_udf_cs0_encode("\xc3\xa9t\xc3\xa9", 5, out, sizeof(out), NULL), 4);
	ck_assert_mem_eq(out, "\x08\xe9t\xe9", 4);
	ck_assert_int_eq(img_udf_cs0_encode("", 0, out, sizeof(out), NULL), 0);
}
END_TEST

START_TEST(cs0_16bit_and_surrogates)
{
	uint8_t out[300];
	/* 日 is U+65E5: the whole name switches to 16-bit big-endian. */
	ck_assert_int_eq(img_udf_cs0_encode("a\xe6\x97\xa5", 4, out, sizeof(out), NULL), 5);
	ck_assert_mem_eq(out, "\x10\x00" "a" "\x65\xe5", 5);
	/* U+1F600 becomes the surrogate pair D83D DE00. */
	ck_assert_int_eq(img_udf_cs0_encode("\xf0\x9f\x98\x80", 4, out, sizeof(out), NULL), 5);
	ck_assert_mem_eq(out, "\x10\xd8\x3d\xde\x00", 5);
}
END_TEST

START_TEST(cs0_rejects_invalid_utf8)
{
	uint8_t out[16];
	ck_assert_int_eq(img_udf_cs0_encode("\xc3", 1, out, sizeof(out), NULL), -1);
	ck_assert_int_eq(img_udf_cs0_encode("\xc0\xaf", 2, out, sizeof(out), NULL), -1);
	ck_assert_int_eq(img_udf_cs0_encode("\xed\xa0\x80", 3, out, sizeof(out), NULL), -1);
	ck_assert_int_eq(img_udf_cs0_encode("\xff", 1, out, sizeof(out), NULL), -1);
	ck_assert_int_eq(img_udf_cs0_encode("a\x80", 2, out, sizeof(out), NULL), -1);
	ck_assert_int_eq(img_udf_utf8_valid("ok \xc3\xa9", 5), 1);
	ck_assert_int_eq(img_udf_utf8_valid("\xf4\x90\x80\x80", 4), 0);
}
END_TEST

START_TEST(cs0_truncates_whole_characters)
{
	uint8_t out[4];
	int trunc = 0;
	/* Room for the ID and one 16-bit character, not the pair of a surrogate. */
	ck_assert_int_eq(img_udf_cs0_encode("\xe6\x97\xa5\xf0\x9f\x98\x80", 7, out, 4, &trunc), 3);
	ck_assert_int_eq(trunc, 1);
	uint8_t field[8];
	img_udf_put_dstring(field, sizeof(field), "abcdefghij");
	ck_assert_mem_eq(field, "\x08" "abcdef\x07", 8);
}
END_TEST

START_TEST(timestamp_encoding)
{
	uint8_t t[12];
	img_udf_put_timestamp(t, 0, 0);
	ck_assert_mem_eq(t, "\x00\x10\xb2\x07\x01\x01\x00\x00\x00\x00\x00\x00", 12);
	/* 2023-11-14 22:13:20.123456789 UTC */
	img_udf_put_timestamp(t, 1700000000, 123456789);
	ck_assert_uint_eq(t[0] | t[1] << 8, 0x1000);
	ck_assert_uint_eq(t[2] | t[3] << 8, 2023);
	ck_assert_uint_eq(t[4], 11);
	ck_assert_uint_eq(t[5], 14);
	ck_assert_uint_eq(t[6], 22);
	ck_assert_uint_eq(t[7], 13);
	ck_assert_uint_eq(t[8], 20);
	ck_assert_uint_eq(t[9], 12);
	ck_assert_uint_eq(t[10], 34);
	ck_assert_uint_eq(t[11], 56);
	/* The calendar arithmetic against gmtime_r, over the years 1 to 9999 (UTC, no leap
	 * seconds: TZ is not consulted by either).  200,000 inputs: mismatches are counted and
	 * asserted once, since a ck_assert per field costs seconds under load (Check's timeout). */
	uint64_t x = 88172645463325252ull;
	int bad = 0;
	int64_t first_bad = 0;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t sec = -62135596800LL + (int64_t)(x % 315537897600ull);
		if (i < 1000)
			sec = -86400LL * 3 + (int64_t)i * 431; /* around the epoch */
		time_t tt = (time_t)sec;
		struct tm tm;
		img_udf_put_timestamp(t, sec, 0);
		if (!gmtime_r(&tt, &tm) || (t[2] | t[3] << 8) != tm.tm_year + 1900 ||
		    t[4] != tm.tm_mon + 1 || t[5] != tm.tm_mday || t[6] != tm.tm_hour ||
		    t[7] != tm.tm_min || t[8] != tm.tm_sec) {
			if (bad++ == 0)
				first_bad = sec;
		}
	}
	ck_assert_msg(bad == 0, "%d of 200000 times differ from gmtime_r, the first at %lld s",
		      bad, (long long)first_bad);
	/* Clamped at both ends. */
	img_udf_put_timestamp(t, -70000000000LL, 0);
	ck_assert_mem_eq(t, "\x00\x10\x01\x00\x01\x01\x00\x00\x00\x00\x00\x00", 12);
	img_udf_put_timestamp(t, 300000000000LL, 0);
	ck_assert_uint_eq(t[2] | t[3] << 8, 9999);
	ck_assert_uint_eq(t[4], 12);
	ck_assert_uint_eq(t[5], 31);
	ck_assert_uint_eq(t[8], 59);
	/* Before the epoch: -1.5 s is 1969-12-31 23:59:58.50. */
	img_udf_put_timestamp(t, -1, -500000000);
	ck_assert_uint_eq(t[2] | t[3] << 8, 1969);
	ck_assert_uint_eq(t[8], 58);
	ck_assert_uint_eq(t[9], 50);
}
END_TEST

START_TEST(ads_split_below_1gib)
{
	const uint64_t size = 4831838208ull; /* 4.5 GiB */
	ck_assert_uint_eq(img_udf_ad_count(size, IMG_UDF_MAX_EXTENT), 5);
	ck_assert_uint_eq(img_udf_ad_count(IMG_UDF_MAX_EXTENT, IMG_UDF_MAX_EXTENT), 1);
	ck_assert_uint_eq(img_udf_ad_count(IMG_UDF_MAX_EXTENT + 1ull, IMG_UDF_MAX_EXTENT), 2);
	uint8_t ads[64];
	ck_assert_uint_eq(img_udf_put_ads(ads, sizeof(ads), IMG_UDF_AD_SHORT, 0, 100, size,
					  IMG_UDF_MAX_EXTENT), 40);
	uint64_t total = 0;
	for (int i = 0; i < 5; i++) {
		const uint8_t *a = ads + 8 * i;
		uint32_t len = a[0] | a[1] << 8 | a[2] << 16 | (uint32_t)a[3] << 24;
		uint32_t pos = a[4] | a[5] << 8 | a[6] << 16 | (uint32_t)a[7] << 24;
		ck_assert_uint_lt(len, 1u << 30);
		ck_assert_uint_eq(pos, 100 + total / 2048);
		if (i < 4)
			ck_assert_uint_eq(len % 2048, 0);
		total += len;
	}
	ck_assert_uint_eq(total, size);
	/* long_ads are 16 bytes and carry the partition reference. */
	ck_assert_uint_eq(img_udf_put_ads(ads, sizeof(ads), IMG_UDF_AD_LONG, 0, 7, size,
					  IMG_UDF_MAX_EXTENT), 0);
	ck_assert_uint_eq(img_udf_put_ads(ads, sizeof(ads), IMG_UDF_AD_LONG, 1, 7, 5000,
					  IMG_UDF_MAX_EXTENT), 16);
	ck_assert_uint_eq(ads[8], 1);
}
END_TEST

static struct img_udf *new_volume(unsigned rev)
{
	struct img_udf_options o = {rev, "TEST", NULL, 1700000000, 0};
	struct img_udf *u;
	ck_assert_int_eq(img_udf_new(&o, &u), IMG_OK);
	return u;
}

static const struct img_udf_attr file_attr = {S_IFREG | 0644, 1000, 1000,
					      {1, 0}, {2, 0}, {3, 0}, {0, 0}};
static const struct img_udf_attr dir_attr = {S_IFDIR | 0755, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};

START_TEST(invalid_utf8_name_names_the_path)
{
	struct img_udf *u = new_volume(IMG_UDF_REV_102);
	uint32_t d;
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "dir", &dir_attr, &d), IMG_OK);
	ck_assert_int_eq(img_udf_add_file(u, d, "bad\xff", &file_attr, 0, 0, NULL), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/dir/bad\\xff"));
	ck_assert_int_eq(img_udf_add_symlink(u, d, "l", &file_attr, "x/\xc3", NULL), IMG_EINVAL);
	img_udf_free(u);
}
END_TEST

START_TEST(special_files_need_a_special_type)
{
	struct img_udf *u = new_volume(IMG_UDF_REV_250);
	struct img_udf_attr dev = file_attr;
	ck_assert_int_eq(img_udf_add_special(u, IMG_UDF_ROOT, "f", &file_attr, 1, 3, NULL),
			 IMG_EINVAL);
	dev.mode = S_IFCHR | 0666;
	ck_assert_int_eq(img_udf_add_special(u, IMG_UDF_ROOT, "null", &dev, 1, 3, NULL), IMG_OK);
	dev.mode = S_IFIFO | 0644;
	ck_assert_int_eq(img_udf_add_special(u, IMG_UDF_ROOT, "fifo", &dev, 0, 0, NULL), IMG_OK);
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.files, 2);
	img_udf_free(u);
}
END_TEST

START_TEST(equal_names_collide)
{
	struct img_udf *u = new_volume(IMG_UDF_REV_201);
	uint32_t n;
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "same", &file_attr, 0, 0, NULL), 0);
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "same", &dir_attr, NULL), 0);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_ECOLLISION);
	img_udf_free(u);
}
END_TEST

START_TEST(long_names_are_shortened_uniquely)
{
	struct img_udf *u = new_volume(IMG_UDF_REV_102);
	char a[256], b[256];
	memset(a, 'x', 255);
	a[255] = '\0';
	memcpy(b, a, sizeof(b));
	b[254] = 'y';
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, a, &file_attr, 0, 0, NULL), 0);
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, b, &file_attr, 0, 0, NULL), 0);
	uint32_t n;
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.renamed, 2);
	img_udf_free(u);
}
END_TEST

static int collect(void *ctx, const void *buf, size_t len)
{
	uint8_t **p = ctx;
	memcpy(*p, buf, len);
	*p += len;
	return 0;
}

/* Builds a small volume; returns its metadata (caller frees) and sets *nblocks. */
static uint8_t *build(unsigned rev, uint32_t *nblocks, int *rc_end)
{
	struct img_udf *u = new_volume(rev);
	uint32_t d, f, g;
	ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "d", &dir_attr, &d), 0);
	ck_assert_int_eq(img_udf_add_file(u, d, "f", &file_attr, 5000, 42, &f), 0);
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "g", &file_attr, 5000, 42, &g), 0);
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "h", &file_attr, 1, 42, NULL),
			 IMG_EINVAL);
	ck_assert_int_eq(img_udf_add_symlink(u, d, "s", &file_attr, "/abs/../x", NULL), 0);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, nblocks), 0);
	uint32_t data = IMG_UDF_FIRST_BLOCK + *nblocks;
	/* Two pieces that follow each other merge into one extent. */
	ck_assert_int_eq(img_udf_add_extent(u, f, data, 4096), 0);
	ck_assert_int_eq(img_udf_add_extent(u, f, data + 2, 904), 0);
	ck_assert_int_eq(img_udf_add_extent(u, f, data + 3, 1), IMG_EINVAL);
	/* An anchor before the file's last block leaves it outside the partition. */
	*rc_end = img_udf_set_end(u, data + 2);
	ck_assert_int_eq(img_udf_set_end(u, data + 3), 0);
	uint8_t *buf = malloc((size_t)*nblocks * IMG_UDF_BLOCK), *p = buf;
	ck_assert_int_eq(img_udf_write(u, collect, &p), 0);
	ck_assert_uint_eq((size_t)(p - buf), (size_t)*nblocks * IMG_UDF_BLOCK);
	img_udf_free(u);
	return buf;
}

START_TEST(layout_is_deterministic_and_checked)
{
	static const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_201, IMG_UDF_REV_250};
	for (size_t i = 0; i < sizeof(revs) / sizeof(revs[0]); i++) {
		uint32_t n1, n2;
		int rc;
		uint8_t *a = build(revs[i], &n1, &rc);
		ck_assert_int_eq(rc, IMG_EINVAL);
		uint8_t *b = build(revs[i], &n2, &rc);
		ck_assert_uint_eq(n1, n2);
		ck_assert_mem_eq(a, b, (size_t)n1 * IMG_UDF_BLOCK);
		/* Every block that starts with a tag has a valid checksum and CRC. */
		for (uint32_t k = 0; k < n1; k++) {
			const uint8_t *t = a + (size_t)k * IMG_UDF_BLOCK;
			uint16_t len = (uint16_t)(t[10] | t[11] << 8);
			if (t[0] == 0 && t[1] == 0)
				continue;
			ck_assert_uint_eq(t[4], img_udf_tag_checksum(t));
			ck_assert_uint_eq(t[8] | t[9] << 8, img_udf_crc(t + 16, len));
		}
		free(a);
		free(b);
	}
}
END_TEST

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* reserve_at_end: the reserve sequence leaves the head and becomes the 16 blocks before the
 * closing anchor; anchors point at it there and the partition stops before it. */
START_TEST(reserve_sequence_at_the_end)
{
	static const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_250};
	for (size_t i = 0; i < sizeof(revs) / sizeof(revs[0]); i++) {
		struct img_udf_options o = {revs[i], "TEST", NULL, 1700000000, 0};
		struct img_udf *a, *b;
		uint32_t na, nb, f;
		ck_assert_int_eq(img_udf_new(&o, &a), IMG_OK);
		o.reserve_at_end = 1;
		ck_assert_int_eq(img_udf_new(&o, &b), IMG_OK);
		ck_assert_int_eq(img_udf_add_file(b, IMG_UDF_ROOT, "f", &file_attr, 5000, 0, &f), 0);
		ck_assert_int_eq(img_udf_add_file(a, IMG_UDF_ROOT, "f", &file_attr, 5000, 0, NULL),
				 0);
		ck_assert_int_eq(img_udf_layout(a, IMG_UDF_FIRST_BLOCK, &na), IMG_OK);
		ck_assert_int_eq(img_udf_layout(b, IMG_UDF_FIRST_BLOCK, &nb), IMG_OK);
		ck_assert_uint_eq(img_udf_end_blocks(a), 1);
		ck_assert_uint_eq(img_udf_end_blocks(b), 17);
		if (revs[i] < IMG_UDF_REV_250) /* 2.50 aligns the partition start to 32 blocks */
			ck_assert_uint_eq(na, nb + 16);
		uint32_t data = IMG_UDF_FIRST_BLOCK + nb;
		ck_assert_int_eq(img_udf_add_extent(b, f, data, 5000), 0);
		/* The file's last block may not be a block of the reserve sequence. */
		ck_assert_int_eq(img_udf_set_end(b, data + 2 + 15), IMG_EINVAL);
		uint32_t anchor = data + 3 + 16;
		ck_assert_int_eq(img_udf_set_end(b, anchor), IMG_OK);
		struct img_udf_stats st;
		img_udf_get_stats(b, &st);
		ck_assert_uint_eq(st.partition_start + st.partition_length, anchor - 16);
		uint8_t *end = malloc(17 * IMG_UDF_BLOCK);
		ck_assert_int_eq(img_udf_end(b, end), IMG_OK);
		/* Reserve PVD, IUVD, PD, LVD, USD, TD at anchor-16.., then the anchor itself. */
		static const unsigned ids[6] = {1, 4, 5, 6, 7, 8};
		for (unsigned k = 0; k < 6; k++) {
			const uint8_t *t = end + k * IMG_UDF_BLOCK;
			ck_assert_uint_eq(t[0] | t[1] << 8, ids[k]);
			ck_assert_uint_eq(le32(t + 12), anchor - 16 + k);
			ck_assert_uint_eq(t[4], img_udf_tag_checksum(t));
		}
		const uint8_t *avdp = end + 16 * IMG_UDF_BLOCK;
		ck_assert_uint_eq(avdp[0], 2);
		ck_assert_uint_eq(le32(avdp + 12), anchor);
		ck_assert_uint_eq(le32(avdp + 20), IMG_UDF_FIRST_BLOCK);
		ck_assert_uint_eq(le32(avdp + 28), anchor - 16);
		uint8_t at256[IMG_UDF_BLOCK];
		img_udf_anchor(b, 256, at256);
		ck_assert_uint_eq(le32(at256 + 28), anchor - 16);
		/* The main sequence's LVD names the integrity sequence right after it. */
		uint8_t *meta = malloc((size_t)nb * IMG_UDF_BLOCK), *p = meta;
		ck_assert_int_eq(img_udf_write(b, collect, &p), 0);
		ck_assert_uint_eq(le32(meta + 3 * IMG_UDF_BLOCK + 436), IMG_UDF_FIRST_BLOCK + 16);
		ck_assert_uint_eq(meta[16 * IMG_UDF_BLOCK], 9); /* LVID */
		free(meta);
		free(end);
		img_udf_free(a);
		img_udf_free(b);
	}
}
END_TEST

/* img_udf_place_content: File Entries and directories (2.50: the mirror, then the metadata
 * file) move to the end, before a given block; what points at them follows, the File Set
 * Descriptor stays at partition block 0, and file data may not overlap them. */
START_TEST(content_moves_to_the_end)
{
	static const unsigned revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_250};
	for (size_t i = 0; i < sizeof(revs) / sizeof(revs[0]); i++) {
		struct img_udf *u = new_volume(revs[i]);
		uint32_t f, g, n, lba;
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "f", &file_attr, 5000, 0, &f), 0);
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "g", &file_attr, 2048, 0, &g), 0);
		ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
		uint32_t head = img_udf_head_blocks(u), data = IMG_UDF_FIRST_BLOCK + head;
		ck_assert_uint_gt(head, 0);
		ck_assert_uint_lt(head, n);
		/* no room: the content does not fit between the head and the limit */
		ck_assert_int_eq(img_udf_place_content(u, data + (n - head) - 1, &lba), IMG_EINVAL);
		uint32_t limit = data + 200;
		ck_assert_int_eq(img_udf_place_content(u, limit, &lba), IMG_OK);
		ck_assert_uint_le(lba + (n - head), limit);
		ck_assert_uint_gt(lba + (n - head) + 32, limit);
		ck_assert_int_eq(img_udf_add_extent(u, f, data, 5000), 0);
		/* g's block is a block of the moved content */
		ck_assert_int_eq(img_udf_add_extent(u, g, lba + 1, 2048), 0);
		ck_assert_int_eq(img_udf_set_end(u, limit), IMG_EINVAL);
		img_udf_free(u);

		u = new_volume(revs[i]);
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "f", &file_attr, 5000, 0, &f), 0);
		ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
		ck_assert_int_eq(img_udf_place_content(u, limit, &lba), IMG_OK);
		ck_assert_int_eq(img_udf_add_extent(u, f, data, 5000), 0);
		ck_assert_int_eq(img_udf_set_end(u, limit), IMG_OK);
		struct img_udf_stats st;
		img_udf_get_stats(u, &st);
		uint32_t rel = lba - st.partition_start;
		uint8_t *meta = malloc((size_t)n * IMG_UDF_BLOCK), *p = meta;
		ck_assert_int_eq(img_udf_write(u, collect, &p), 0);
		const uint8_t *content = meta + (size_t)head * IMG_UDF_BLOCK;
		if (revs[i] == IMG_UDF_REV_102) {
			/* FSD and its terminator end the head, at partition blocks 0 and 1; the
			 * root's File Entry opens the moved content. */
			const uint8_t *fsd = content - 2 * IMG_UDF_BLOCK;
			ck_assert_uint_eq(fsd[0] | fsd[1] << 8, 256);
			ck_assert_uint_eq(le32(fsd + 12), 0);
			ck_assert_uint_eq(le32(fsd + 404), rel);
			ck_assert_uint_eq(content[0] | content[1] << 8, 261);
			ck_assert_uint_eq(le32(content + 12), rel);
		} else {
			/* The metadata file's and mirror's entries end the head (partition blocks
			 * 0 and 1, then alignment); the mirror comes first at the end. */
			const uint8_t *mfe = meta + ((size_t)st.partition_start - IMG_UDF_FIRST_BLOCK)
					     * IMG_UDF_BLOCK;
			ck_assert_uint_eq(mfe[0] | mfe[1] << 8, 266);
			ck_assert_uint_eq(mfe[IMG_UDF_BLOCK] | mfe[IMG_UDF_BLOCK + 1] << 8, 266);
			uint32_t meta_blocks = (n - head) / 2;
			ck_assert_uint_eq(le32(mfe + 216 + le32(mfe + 208) + 4), rel + meta_blocks);
			const uint8_t *mir = mfe + IMG_UDF_BLOCK;
			ck_assert_uint_eq(le32(mir + 216 + le32(mir + 208) + 4), rel);
			/* the FSD opens both copies, at metadata partition block 0 */
			ck_assert_uint_eq(content[0] | content[1] << 8, 256);
			ck_assert_uint_eq(le32(content + 12), 0);
			ck_assert_mem_eq(content, content + (size_t)meta_blocks * IMG_UDF_BLOCK,
					 (size_t)meta_blocks * IMG_UDF_BLOCK);
		}
		free(meta);
		img_udf_free(u);
	}
}
END_TEST

static Suite *udf_suite(void)
{
	Suite *s = suite_create("udf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, crc_known_vectors);
	tcase_add_test(tc, crc_sliced_matches_bitwise);
	tcase_add_test(tc, tag_checksum_and_crc);
	tcase_add_test(tc, cs0_8bit);
	tcase_add_test(tc, cs0_16bit_and_surrogates);
	tcase_add_test(tc, cs0_rejects_invalid_utf8);
	tcase_add_test(tc, cs0_truncates_whole_characters);
	tcase_add_test(tc, timestamp_encoding);
	tcase_add_test(tc, ads_split_below_1gib);
	tcase_add_test(tc, invalid_utf8_name_names_the_path);
	tcase_add_test(tc, special_files_need_a_special_type);
	tcase_add_test(tc, equal_names_collide);
	tcase_add_test(tc, long_names_are_shortened_uniquely);
	tcase_add_test(tc, layout_is_deterministic_and_checked);
	tcase_add_test(tc, reserve_sequence_at_the_end);
	tcase_add_test(tc, content_moves_to_the_end);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_suite)
