/* Unit tests of common/build/appendable.c's scan over hand-made targets laid out as xorriso
 * 1.5.4 grows a file (measured: sessions at 32, 64, 96 of 25, 26 and 75 blocks, the head's
 * PVD saying 171), and over plain, blank and damaged ones. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/error.h"
#include "common/build/appendable.h"
#include "tests/unit/unit.h"

#define BLK 2048u
#define NBLK 200u

static uint8_t disk[NBLK * BLK];

static void pvd(uint32_t lba, uint32_t blocks)
{
	uint8_t *b = disk + (size_t)lba * BLK;
	b[0] = 1;
	memcpy(b + 1, "CD001", 5);
	b[6] = 1;
	b[881] = 1;  /* file structure version (ECMA-119 8.4.31), which the scan checks */
	for (int i = 0; i < 4; i++) {
		b[80 + i] = (uint8_t)(blocks >> (8 * i));
		b[87 - i] = (uint8_t)(blocks >> (8 * i));
	}
}

static int mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	(void)arg;
	if (off + len > sizeof(disk))
		return -1;
	memcpy(buf, disk + off, len);
	return 0;
}

static int scan(uint64_t size, struct img_append_layout *l, struct img_error *e)
{
	return img_append_scan(disk, size, mem_read, NULL, l, e);
}

/* xorriso's three sessions (measured), the third of third blocks. */
static void xorriso_layout(uint32_t third)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 171);
	pvd(32 + 16, 25);
	pvd(64 + 16, 26);
	pvd(96 + 16, third);
}

START_TEST(xorriso_three_sessions)
{
	xorriso_layout(75);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_CHAINED);
	ck_assert_uint_eq(l.end, 171);
	ck_assert_uint_eq(l.next, 192);  /* xorriso -toc: "Media nwa: 192s" */
	ck_assert_uint_eq(l.newest, 96);
	ck_assert_uint_eq(l.sessions, 3);
	ck_assert(!l.chain_broken);
}
END_TEST

START_TEST(plain_image_is_one_session_at_0)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 100);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_PLAIN);
	ck_assert_uint_eq(l.next, 128);
	ck_assert_uint_eq(l.newest, 0);
	ck_assert_uint_eq(l.sessions, 1);
}
END_TEST

START_TEST(blank_goes_at_32)
{
	memset(disk, 0, sizeof(disk));
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_BLANK);
	ck_assert_uint_eq(l.next, 32);
	ck_assert_int_eq(scan(0, &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_BLANK);
}
END_TEST

START_TEST(broken_chain_keeps_the_head)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 171);
	pvd(32 + 16, 25);
	pvd(96 + 16, 75);  /* the one at 64 is gone */
	struct img_append_layout l;
	struct img_error e = {0};
	for (uint32_t found = 1; found <= 3; found += 2) {
		ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
		ck_assert_int_eq(l.kind, IMG_APPEND_CHAINED);
		ck_assert_uint_eq(l.sessions, found);
		ck_assert(l.chain_broken);
		ck_assert_uint_eq(l.newest, 0);
		ck_assert_uint_eq(l.next, 192);
		/* all three there, the third ending short of the head's END: the head is not
		 * its own */
		xorriso_layout(60);
	}
}
END_TEST

START_TEST(zero_sized_session_ends_the_walk)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 100);
	pvd(32 + 16, 0);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert_int_eq(l.kind, IMG_APPEND_PLAIN);
}
END_TEST

START_TEST(not_iso_or_truncated_is_corrupt)
{
	memset(disk, 0, sizeof(disk));
	disk[5] = 'x';
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(e.detail, "byte 32768"));
	memset(disk, 0, sizeof(disk));
	pvd(16, 171);
	ck_assert_int_eq(scan(170 * BLK, &l, &e), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(e.detail, "171 blocks"));
}
END_TEST


/* A target that cannot be read where the chain goes on: an error naming the byte, not a
 * shorter chain (the scan is imginfo's, common/inspect/sessions.c, read through mem_read). */
START_TEST(read_error_is_not_a_broken_chain)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 300);
	pvd(32 + 16, 180);   /* the next probe, block 224 + 16, lies past the readable bytes */
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(400 * BLK, &l, &e), IMG_EIO);
	ck_assert_ptr_nonnull(strstr(e.detail, "byte 491520"));
}
END_TEST

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

START_TEST(head_for_a_session_at_next)
{
	/* A session of 26 blocks with a PVD, a Joliet SVD and a terminator, put at 64. */
	static uint8_t ses[32 * BLK], head[32 * BLK];
	memset(disk, 0, sizeof(disk));
	pvd(16, 26);
	pvd(17, 26);
	disk[17 * BLK] = 2;
	disk[18 * BLK] = 255;
	memcpy(disk + 18 * BLK + 1, "CD001", 5);
	disk[0] = 0xEB;  /* something in the system area */
	memcpy(ses, disk, sizeof(ses));
	memset(head, 0x5A, sizeof(head));
	/* an older, longer set's relocated superblock tag after the new terminator */
	memcpy(head + 20 * BLK, "libisofs_rlsb32_checksum_tag_v1 pos=32", 38);
	struct img_error e = {0};
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e), IMG_OK);
	ck_assert_uint_eq(head[20 * BLK], 0);        /* made invalid, as libisofs does */
	ck_assert_uint_eq(head[20 * BLK + 1], 'i');
	ck_assert_uint_eq(head[0], 0xEB);
	ck_assert_uint_eq(le32_at(head + 16 * BLK + 80), 90);
	ck_assert_uint_eq(head[16 * BLK + 87], 90);   /* big-endian half */
	ck_assert_uint_eq(le32_at(head + 17 * BLK + 80), 90);
	ck_assert_uint_eq(head[18 * BLK], 255);
	ck_assert_uint_eq(head[19 * BLK], 0x5A);     /* the old rest stays */
	/* And the scan of that head finds the end. */
	uint32_t blocks;
	ck_assert(img_append_pvd_blocks(head + 16 * BLK, &blocks));
	ck_assert_uint_eq(blocks, 90);
	/* No terminator: refused, head untouched. */
	ses[18 * BLK] = 3;
	memcpy(ses + 19 * BLK, ses + 18 * BLK, BLK);
	memset(ses + 18 * BLK + 1, 0, 5);
	memset(head, 0x5A, sizeof(head));
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e),
			 IMG_ECORRUPT);
	ck_assert_uint_eq(head[0], 0x5A);
}
END_TEST

/* A -M session's own MBR (libisofs: as for an image of the session alone) in the head: the
 * partition covering the session from sector 0 (isohybrid) or 1 (GRUB2's protective label)
 * is made to end where the grown image ends; others, and a GPT's, stay as they are. */
static void mbr_entry(uint8_t *sa, int i, uint8_t status, uint8_t type, uint32_t start,
		      uint32_t count, const uint8_t chs_end[3])
{
	uint8_t *e = sa + 446 + 16 * i;
	e[0] = status;
	e[4] = type;
	memcpy(e + 5, chs_end, 3);
	for (int k = 0; k < 4; k++) {
		e[8 + k] = (uint8_t)(start >> (8 * k));
		e[12 + k] = (uint8_t)(count >> (8 * k));
	}
}

START_TEST(head_mbr_covers_the_grown_image)
{
	static uint8_t ses[32 * BLK], head[32 * BLK];
	/* a session of 448 blocks (1792 sectors = 1 cylinder of 56 heads x 32 sectors) */
	const uint8_t aligned_end[3] = { 55, 32, 0 };   /* cylinder 0, head 55, sector 32 */
	const uint8_t other_end[3] = { 1, 2, 3 };
	memset(disk, 0, sizeof(disk));
	pvd(16, 448);
	disk[17 * BLK] = 255;
	memcpy(disk + 17 * BLK + 1, "CD001", 5);
	disk[510] = 0x55;
	disk[511] = 0xaa;
	mbr_entry(disk, 0, 0x80, 0x17, 0, 1792, aligned_end);
	mbr_entry(disk, 1, 0, 0xef, 2000, 100, other_end);   /* an appended partition */
	memcpy(ses, disk, sizeof(ses));
	struct img_error e = {0};
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e), IMG_OK);
	ck_assert_uint_eq(le32_at(head + 446 + 12), 2048);   /* (64 + 448) * 4 */
	/* end CHS of sector 2047: cylinder 1, head (2047 / 32) % 56 = 7, sector 32 */
	ck_assert_uint_eq(head[446 + 5], 7);
	ck_assert_uint_eq(head[446 + 6], 32);
	ck_assert_uint_eq(head[446 + 7], 1);
	ck_assert_uint_eq(le32_at(head + 446 + 16 + 8), 2000);
	ck_assert_uint_eq(le32_at(head + 446 + 16 + 12), 100);
	ck_assert_uint_eq(head[446 + 16 + 5], 1);
	/* GRUB2's protective label from sector 1, CHS not of the aligned form: kept */
	memcpy(ses + 446, head + 446 + 32, 32);   /* zeros over the first two entries */
	mbr_entry(ses, 0, 0x80, 0xcd, 1, 1791, other_end);
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e), IMG_OK);
	ck_assert_uint_eq(le32_at(head + 446 + 12), 2047);
	ck_assert_uint_eq(head[446 + 5], 1);
	ck_assert_uint_eq(head[446 + 7], 3);
	/* a partition that does not end with the session, and a GPT's protective MBR: kept */
	mbr_entry(ses, 0, 0x80, 0x17, 0, 1000, other_end);
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e), IMG_OK);
	ck_assert_uint_eq(le32_at(head + 446 + 12), 1000);
	mbr_entry(ses, 0, 0, 0xee, 1, 1791, other_end);
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e), IMG_OK);
	ck_assert_uint_eq(le32_at(head + 446 + 12), 1791);
	/* no MBR signature: nothing is an MBR */
	mbr_entry(ses, 0, 0x80, 0x17, 0, 1792, aligned_end);
	ses[510] = 0;
	ck_assert_int_eq(img_append_head_for_session(head, ses, sizeof(ses), 64, &e), IMG_OK);
	ck_assert_uint_eq(le32_at(head + 446 + 12), 1792);
}
END_TEST

/* img_append_put_head on a file: a session at 64 of 26 blocks after a head of 0x5A bytes;
 * bytes at 64 that are no session leave the file untouched and say so. */
START_TEST(put_head_on_a_file)
{
	char path[] = "/tmp/check_appendable.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	static uint8_t file[90 * BLK];
	memset(file, 0x5A, 32 * BLK);
	memset(disk, 0, sizeof(disk));
	ck_assert_int_eq(pwrite(fd, file, 64 * BLK, 0), 64 * BLK);   /* no session at 64 yet */
	ck_assert_int_eq(pwrite(fd, disk, 26 * BLK, 64 * BLK), 26 * BLK);
	uint32_t end;
	bool touched = true;
	struct img_error e = {0};
	ck_assert_int_eq(img_append_put_head(path, 64, &end, &touched, &e), IMG_ECORRUPT);
	ck_assert(!touched);
	ck_assert_ptr_nonnull(strstr(e.detail, "byte 131072"));
	uint8_t b[BLK];
	ck_assert_int_eq(pread(fd, b, BLK, 16 * BLK), BLK);
	ck_assert_uint_eq(b[0], 0x5A);
	pvd(16, 26);
	disk[17 * BLK] = 255;
	memcpy(disk + 17 * BLK + 1, "CD001", 5);
	ck_assert_int_eq(pwrite(fd, disk, 26 * BLK, 64 * BLK), 26 * BLK);
	char stdio_path[sizeof(path) + 6];
	snprintf(stdio_path, sizeof(stdio_path), "stdio:%s", path);
	ck_assert_int_eq(img_append_put_head(stdio_path, 64, &end, &touched, &e), IMG_OK);
	ck_assert(touched);
	ck_assert_uint_eq(end, 90);
	ck_assert_int_eq(pread(fd, file, sizeof(file), 0), (ssize_t)sizeof(file));
	uint32_t blocks;
	ck_assert(img_append_pvd_blocks(file + 16 * BLK, &blocks));
	ck_assert_uint_eq(blocks, 90);
	ck_assert_uint_eq(file[17 * BLK], 255);
	ck_assert_uint_eq(file[18 * BLK], 0x5A);   /* the rest of the old head kept */
	ck_assert_uint_eq(file[0], 0);             /* the session's system area */
	close(fd);
	unlink(path);
	ck_assert_int_eq(img_append_put_head(path, 64, &end, &touched, &e), IMG_EIO);
	ck_assert(!touched);
}
END_TEST

START_TEST(udf_bridge_is_seen)
{
	memset(disk, 0, sizeof(disk));
	pvd(16, 100);
	disk[17 * BLK] = 255;
	memcpy(disk + 17 * BLK + 1, "CD001", 5);
	memcpy(disk + 18 * BLK + 1, "BEA01", 5);
	struct img_append_layout l;
	struct img_error e = {0};
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert(!l.udf);
	memcpy(disk + 19 * BLK + 1, "NSR03", 5);
	ck_assert_int_eq(scan(sizeof(disk), &l, &e), IMG_OK);
	ck_assert(l.udf);
}
END_TEST

/* A replayed boot setup that reads old bytes where the new session goes is named; one whose
 * bytes all lie before it, or come from files, is not. */
START_TEST(replay_overlap_is_named)
{
	struct img_boot_config cfg;
	img_boot_config_init(&cfg);
	char what[256];
	ck_assert(!img_append_replay_overlap(&cfg, 832, what, sizeof(what)));
	/* memtest86+: partition 2 from 512-byte block 3304 (block 826) for 8192 blocks */
	cfg.partitions[1].number = 2;
	cfg.partitions[1].path = strdup("--interval:local_fs:3304d-11495d::/x/mt.iso");
	ck_assert(img_append_replay_overlap(&cfg, 832, what, sizeof(what)));
	ck_assert_ptr_nonnull(strstr(what, "appended partition 2 (up to byte 5885952)"));
	/* the same partition when the session goes after it (bytes up to 5885952 = block 2874) */
	ck_assert(!img_append_replay_overlap(&cfg, 2874, what, sizeof(what)));
	ck_assert(img_append_replay_overlap(&cfg, 2873, what, sizeof(what)));
	free(cfg.partitions[1].path);
	cfg.partitions[1].path = strdup("/some/file.img"); /* a file on disk: never covered */
	ck_assert(!img_append_replay_overlap(&cfg, 32, what, sizeof(what)));
	/* the system area copied from the first 32 KiB, in 2048-byte blocks */
	cfg.mbr_file = strdup("--interval:local_fs:0s-15s:zero_mbrpt:/x/a.iso");
	ck_assert(!img_append_replay_overlap(&cfg, 16, what, sizeof(what)));
	ck_assert(img_append_replay_overlap(&cfg, 15, what, sizeof(what)));
	ck_assert_ptr_nonnull(strstr(what, "system area"));
	free(cfg.mbr_file);
	cfg.mbr_file = NULL;
	/* a hidden boot image cut out of the old image */
	struct img_error err = {0};
	ck_assert_int_eq(img_boot_add_entry(&cfg, "/.boot-replay-1.img", false, &err), IMG_OK);
	struct img_boot_entry *e = img_boot_current(&cfg);
	e->cut_source = strdup("/x/a.iso");
	e->cut_offset = 100 * 2048;
	e->cut_size = 2049;
	ck_assert(!img_append_replay_overlap(&cfg, 102, what, sizeof(what)));
	ck_assert(img_append_replay_overlap(&cfg, 101, what, sizeof(what)));
	ck_assert_ptr_nonnull(strstr(what, "hidden boot image of El Torito entry 1"));
	cfg.efi_boot_part_from_eltorito = true;
	ck_assert(img_append_replay_overlap(&cfg, 1000, what, sizeof(what)));
	ck_assert_ptr_nonnull(strstr(what, "--efi-boot-image"));
	img_boot_config_free(&cfg);
}
END_TEST

static Suite *appendable_suite(void)
{
	Suite *s = suite_create("appendable");
	TCase *tc = tcase_create("scan");
	tcase_add_test(tc, xorriso_three_sessions);
	tcase_add_test(tc, plain_image_is_one_session_at_0);
	tcase_add_test(tc, blank_goes_at_32);
	tcase_add_test(tc, broken_chain_keeps_the_head);
	tcase_add_test(tc, zero_sized_session_ends_the_walk);
	tcase_add_test(tc, not_iso_or_truncated_is_corrupt);
	tcase_add_test(tc, read_error_is_not_a_broken_chain);
	tcase_add_test(tc, head_for_a_session_at_next);
	tcase_add_test(tc, put_head_on_a_file);
	tcase_add_test(tc, udf_bridge_is_seen);
	tcase_add_test(tc, replay_overlap_is_named);
	tcase_add_test(tc, head_mbr_covers_the_grown_image);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(appendable_suite)
