/* Unit tests of common/inspect/sessions.c: libisoburn's TOC emulation on hand-made layouts
 * (the numbers each case expects are what xorriso 1.5.4 -toc printed for the same layout:
 * tests/e2e/imginfo-sessions.sh compares with xorriso itself on real grown images). */
#include <stdlib.h>
#include <string.h>

#include "common/inspect/sessions.h"
#include "tests/unit/unit.h"

#define BLOCKS 600
static unsigned char img[BLOCKS * 2048];

/* A primary volume descriptor at block lba with volume space size vss. */
static void pvd(uint32_t lba, uint32_t vss, const char *volid)
{
	unsigned char *b = img + (size_t)lba * 2048;
	memset(b, 0, 2048);
	b[0] = 1;
	memcpy(b + 1, "CD001", 5);
	b[6] = 1;
	memset(b + 40, ' ', 32);
	memcpy(b + 40, volid, strlen(volid));
	for (int i = 0; i < 4; i++)
		b[80 + i] = (unsigned char)(vss >> (8 * i));
	b[881] = 1;
}

static struct img_session_toc scan(size_t size)
{
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(img, size, &src), IMG_OK);
	struct img_session_toc t;
	struct img_error err = {0};
	ck_assert_int_eq(img_sessions_scan(src, &t, &err), IMG_OK);
	img_source_close(src);
	return t;
}

START_TEST(three_sessions_as_xorriso_grows_them)
{
	/* xorriso -dev f.iso -map ... -commit, three times: 32+25, 64+26, 96+173. */
	memset(img, 0, sizeof(img));
	pvd(16, 269, "NEWEST");
	pvd(48, 25, "ONE");
	pvd(80, 26, "TWO");
	pvd(112, 173, "THREE");
	struct img_session_toc t = scan(448 * 2048);
	ck_assert_int_eq(t.state, IMG_SESSIONS_APPENDABLE);
	ck_assert_int_eq(t.count, 3);
	ck_assert_uint_eq(t.sessions[0].start, 32);
	ck_assert_uint_eq(t.sessions[0].blocks, 25);
	ck_assert_str_eq(t.sessions[0].volume_id, "ONE");
	ck_assert_uint_eq(t.sessions[1].start, 64);
	ck_assert_uint_eq(t.sessions[2].start, 96);
	ck_assert_uint_eq(t.sessions[2].blocks, 173);
	ck_assert_uint_eq(t.image_blocks, 269);
	ck_assert_uint_eq(t.next, 288);
	ck_assert(!t.chain_broken);
	uint32_t head;
	uint64_t end;
	struct img_error err = {0};
	ck_assert_int_eq(img_session_head(&t, 2, &head, &end, &err), IMG_OK);
	ck_assert_uint_eq(head, 64);
	ck_assert_uint_eq(end, 90 * 2048);
	ck_assert_int_eq(img_session_head(&t, 4, &head, &end, &err), IMG_EINVAL);
	ck_assert_int_eq(img_session_head(&t, 0, &head, &end, &err), IMG_EINVAL);
	img_sessions_free(&t);
}
END_TEST

START_TEST(plain_image_is_one_session)
{
	/* no head at 32: the whole image, 0..vss (xorriso: "1, 0, 184s"), NEXT rounded to 32 */
	memset(img, 0, sizeof(img));
	pvd(16, 184, "PLAIN");
	struct img_session_toc t = scan(184 * 2048);
	ck_assert_int_eq(t.count, 1);
	ck_assert_uint_eq(t.sessions[0].start, 0);
	ck_assert_uint_eq(t.sessions[0].blocks, 184);
	ck_assert_str_eq(t.sessions[0].volume_id, "PLAIN");
	ck_assert_uint_eq(t.next, 192);
	img_sessions_free(&t);
	/* smaller than the head: xorriso shows "1, 0, 20s" and NEXT 32 */
	pvd(16, 20, "TINY");
	t = scan(34 * 2048);
	ck_assert_int_eq(t.count, 1);
	ck_assert_uint_eq(t.sessions[0].blocks, 20);
	ck_assert_uint_eq(t.next, 32);
	img_sessions_free(&t);
}
END_TEST

START_TEST(broken_chain_ends_with_the_enclosure)
{
	memset(img, 0, sizeof(img));
	pvd(16, 300, "NEWEST");
	pvd(48, 25, "ONE");
	/* nothing at 64+16: xorriso warns and lists 0..300 as the last entry */
	struct img_session_toc t = scan(BLOCKS * 2048);
	ck_assert_int_eq(t.count, 2);
	ck_assert(t.chain_broken);
	ck_assert_uint_eq(t.broken_at, 64);
	ck_assert_uint_eq(t.sessions[1].start, 0);
	ck_assert_uint_eq(t.sessions[1].blocks, 300);
	img_sessions_free(&t);
}
END_TEST

START_TEST(growisofs_sixteen_block_alignment)
{
	/* a session ending at 32+40 = 72: growisofs puts the next at 80, libisoburn probes 96
	 * and looks in the probe's first half (80+16 = 96) */
	memset(img, 0, sizeof(img));
	pvd(16, 150, "NEWEST");
	pvd(48, 40, "ONE");
	pvd(96, 70, "TWO");
	struct img_session_toc t = scan(BLOCKS * 2048);
	ck_assert_int_eq(t.count, 2);
	ck_assert_uint_eq(t.sessions[1].start, 80);
	ck_assert_uint_eq(t.sessions[1].blocks, 70);
	img_sessions_free(&t);
}
END_TEST

START_TEST(blank_foreign_and_short)
{
	memset(img, 0, sizeof(img));
	struct img_session_toc t = scan(BLOCKS * 2048);
	ck_assert_int_eq(t.state, IMG_SESSIONS_BLANK);
	ck_assert_int_eq(t.count, 0);
	t = scan(0);
	ck_assert_int_eq(t.state, IMG_SESSIONS_BLANK);
	memcpy(img + 100, "not an image", 12);
	t = scan(BLOCKS * 2048);
	ck_assert_int_eq(t.state, IMG_SESSIONS_FOREIGN);
	t = scan(1000);
	ck_assert_int_eq(t.state, IMG_SESSIONS_FOREIGN);
	pvd(16, 100, "X");
	img[16 * 2048 + 881] = 2; /* file structure version: libisoburn calls that full */
	t = scan(BLOCKS * 2048);
	ck_assert_int_eq(t.state, IMG_SESSIONS_FOREIGN);
}
END_TEST

START_TEST(hostile_sizes_end)
{
	/* a session of size 0, one claiming past the end, and a growisofs-probe loop */
	memset(img, 0, sizeof(img));
	pvd(16, 0xffffffffu, "HUGE");
	pvd(48, 0, "ZERO");
	struct img_session_toc t = scan(BLOCKS * 2048);
	ck_assert_int_eq(t.count, 1);
	ck_assert_uint_eq(t.sessions[0].blocks, BLOCKS);
	ck_assert(t.clamped);
	img_sessions_free(&t);
	pvd(48, 0x7fffffffu, "BIG");
	t = scan(BLOCKS * 2048);
	/* cut to the image's end; the next probe lies past it: the chain breaks there */
	ck_assert_int_eq(t.count, 2);
	ck_assert_uint_eq(t.sessions[0].blocks, BLOCKS - 32);
	ck_assert(t.chain_broken);
	img_sessions_free(&t);
	/* 32+40 ends at 72 -> probe 96 looks at 80; a head at 80 of size 8 ends at 88 -> 96
	 * again: must stop, not loop */
	memset(img, 0, sizeof(img));
	pvd(16, 500, "NEWEST");
	pvd(48, 40, "ONE");
	pvd(96, 8, "LOOP");
	t = scan(BLOCKS * 2048);
	ck_assert_int_le(t.count, 3);
	ck_assert(t.chain_broken);
	img_sessions_free(&t);
}
END_TEST

START_TEST(source_reads_as_an_older_session)
{
	memset(img, 0, sizeof(img));
	pvd(16, 269, "NEWEST");
	pvd(48, 25, "ONE");
	img[40 * 2048] = 0xAB; /* past the head: read where it lies */
	struct img_source *src;
	ck_assert_int_eq(img_source_from_memory(img, 448 * 2048, &src), IMG_OK);
	struct img_error err = {0};
	ck_assert_int_eq(img_source_select_session(src, 32 * 2048, 57 * 2048, &err), IMG_OK);
	ck_assert_uint_eq(img_source_size(src), 57 * 2048);
	unsigned char b[4096];
	ck_assert_int_eq(img_source_read(src, 16 * 2048, b, 2048, "t", &err), IMG_OK);
	ck_assert_int_eq(memcmp(b + 40, "ONE", 3), 0);
	/* a read across the end of the head: the head part, then the image's own blocks */
	ck_assert_int_eq(img_source_read(src, 31 * 2048, b, 4096, "t", &err), IMG_OK);
	ck_assert_int_eq(b[0], img[63 * 2048]);
	ck_assert_int_eq(b[2048], img[32 * 2048]);
	ck_assert_int_eq(img_source_read(src, 57 * 2048, b, 1, "t", &err), IMG_ECORRUPT);
	ck_assert_int_eq(img_source_select_session(src, 600 * 2048, 57 * 2048, &err), IMG_EINVAL);
	img_source_close(src);
}
END_TEST

static Suite *sessions_suite(void)
{
	Suite *s = suite_create("sessions");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, three_sessions_as_xorriso_grows_them);
	tcase_add_test(tc, plain_image_is_one_session);
	tcase_add_test(tc, broken_chain_ends_with_the_enclosure);
	tcase_add_test(tc, growisofs_sixteen_block_alignment);
	tcase_add_test(tc, blank_foreign_and_short);
	tcase_add_test(tc, hostile_sizes_end);
	tcase_add_test(tc, source_reads_as_an_older_session);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(sessions_suite)
