/* Unit tests of common/udf/udf_layout.c: block counts of the layout against sums made here from
 * the spec's sizes, the volume descriptor sequences and integrity sequence, allocation
 * descriptors of big and fragmented files up to what one File Entry holds, and udfinfo's view of
 * the volume structure.  Descriptors are decoded by tests/unit/udf_walk.h (by hand, from
 * ECMA-167).  check_udf.c covers the encoders, determinism, the reserve sequence at the end and
 * img_udf_place_content; none of that is repeated here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/udf/udf.h"
#include "tests/unit/udf_walk.h"
#include "tests/unit/unit.h"

static const struct img_udf_attr file_attr = {S_IFREG | 0644, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};
static const struct img_udf_attr dir_attr = {S_IFDIR | 0755, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};
static const struct img_udf_attr link_attr = {S_IFLNK | 0777, 0, 0, {1, 0}, {2, 0}, {3, 0}, {0, 0}};

static const unsigned all_revs[] = {IMG_UDF_REV_102, IMG_UDF_REV_150, IMG_UDF_REV_201,
				    IMG_UDF_REV_250, IMG_UDF_REV_260};
#define NREVS (sizeof(all_revs) / sizeof(all_revs[0]))

static struct img_udf *volume(unsigned rev, int reserve_at_end)
{
	struct img_udf_options o = {.revision = rev, .volume_id = "LAYOUT",
				    .volume_time = 1700000000, .reserve_at_end = reserve_at_end};
	struct img_udf *u;
	ck_assert_int_eq(img_udf_new(&o, &u), IMG_OK);
	return u;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* A FID's size: 38 bytes, the name, padded to 4 (ECMA-167 4/14.4). */
static uint32_t fid_size(uint32_t name_bytes)
{
	return (38 + name_bytes + 3) & ~3u;
}

/* The blocks a layout should take, summed from the spec's sizes: the main and reserve Volume
 * Descriptor Sequences (16 blocks each, UDF 2.2.3; the reserve one elsewhere when at the end),
 * the integrity sequence (LVID, terminator), then in the partition the File Set Descriptor and
 * its terminator, one File Entry per inode, and the directories' and long symlinks' data.  For
 * 2.50+ the partition starts on a 32-block unit after the head, and holds one unit (the
 * metadata file's and mirror's entries) and two copies of the content rounded up to units. */
static uint32_t expected_blocks(unsigned rev, int reserve_at_end, uint32_t inodes,
				uint32_t data_blocks)
{
	uint32_t head = (reserve_at_end ? 16 : 32) + 2;
	uint32_t content = 2 + inodes + data_blocks;
	if (rev < IMG_UDF_REV_250)
		return head + content;
	uint32_t part_start = (uint32_t)div_up(IMG_UDF_FIRST_BLOCK + head, 32) * 32;
	return part_start - IMG_UDF_FIRST_BLOCK + 32 + 2 * (uint32_t)div_up(content, 32) * 32;
}

/* One directory of k files named "fNNNN" (6 bytes encoded: 44-byte FIDs), in every revision:
 * 45 of them fill the first block with the parent FID (40 + 45 * 44 = 2020), the 46th opens a
 * second block.  Also with the reserve sequence at the end. */
START_TEST(directory_blocks_follow_the_fid_sizes)
{
	ck_assert_uint_eq(fid_size(6), 44);
	for (size_t i = 0; i < NREVS; i++)
		for (int rae = 0; rae < 2; rae++)
			for (uint32_t k = 0; k <= 100; k += k == 44 ? 1 : k == 47 ? 53 : 1) {
				struct img_udf *u = volume(all_revs[i], rae);
				uint32_t d, n;
				ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "dir", &dir_attr, &d),
						 IMG_OK);
				for (uint32_t f = 0; f < k; f++) {
					char name[16];
					snprintf(name, sizeof(name), "f%04u", f);
					ck_assert_int_eq(img_udf_add_file(u, d, name, &file_attr, 0, 0,
									  NULL), IMG_OK);
				}
				ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
				/* root: one block (40 + the FID of "dir", 4 bytes encoded) */
				uint32_t dir_blocks = 1 + (uint32_t)div_up(40 + (uint64_t)k * 44, 2048);
				ck_assert_uint_eq(n, expected_blocks(all_revs[i], rae, 2 + k, dir_blocks));
				img_udf_free(u);
			}
}
END_TEST

/* A symlink stays in its File Entry while it fits after the header (176 bytes, 216 for an
 * Extended File Entry), else takes blocks of its own; the layout counts them. */
START_TEST(long_symlinks_take_blocks)
{
	for (size_t i = 0; i < NREVS; i++) {
		uint32_t room = 2048 - (all_revs[i] >= IMG_UDF_REV_201 ? 216 : 176);
		/* one component of 250 bytes costs 4 + 1 + 250 = 255 bytes */
		char comp[251];
		memset(comp, 'c', 250);
		comp[250] = '\0';
		char target[255 * 40];
		for (uint32_t ncomp = 1; ncomp <= 16; ncomp++) {
			size_t tl = 0;
			for (uint32_t c = 0; c < ncomp; c++) {
				if (c)
					target[tl++] = '/';
				memcpy(target + tl, comp, 250);
				tl += 250;
			}
			target[tl] = '\0';
			struct img_udf *u = volume(all_revs[i], 0);
			ck_assert_int_eq(img_udf_add_symlink(u, IMG_UDF_ROOT, "l", &link_attr, target,
							     NULL), IMG_OK);
			uint32_t n, bytes = 255 * ncomp;
			ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
			uint32_t data = bytes > room ? (uint32_t)div_up(bytes, 2048) : 0;
			ck_assert_uint_eq(n, expected_blocks(all_revs[i], 0, 2, 1 + data));
			/* and the File Entry says where they went */
			uint8_t *meta = w_finish(u, IMG_UDF_FIRST_BLOCK, n, IMG_UDF_FIRST_BLOCK + n);
			struct walk w;
			w_open(&w, meta, IMG_UDF_FIRST_BLOCK, n);
			struct w_entry e[2];
			size_t ne;
			w_list(&w, e, 2, &ne);
			ck_assert_uint_eq(ne, 1);
			ck_assert_uint_eq(e[0].fe.size, bytes);
			ck_assert_int_eq(e[0].fe.ad_type, data ? 0 : 3);
			if (data) {
				uint8_t *got = w_data(&w, &e[0].fe);
				ck_assert_uint_eq(got[0], 5);
				ck_assert_uint_eq(got[1], 251);
				ck_assert_mem_eq(got + 5, comp, 250);
				free(got);
			}
			free(meta);
			img_udf_free(u);
		}
	}
}
END_TEST

START_TEST(layout_start_is_checked_and_moves_the_volume)
{
	struct img_udf *u = volume(IMG_UDF_REV_102, 0);
	uint32_t n, m;
	ck_assert_int_eq(img_udf_layout(u, 256, &n), IMG_EINVAL);
	ck_assert_int_eq(img_udf_layout(u, 1000, &n), IMG_OK);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &m), IMG_OK);
	ck_assert_uint_eq(n, m);
	/* from block 1000 on: the anchor at 256 points there */
	ck_assert_int_eq(img_udf_layout(u, 1000, &n), IMG_OK);
	ck_assert_int_eq(img_udf_set_end(u, 1000 + n), IMG_OK);
	uint8_t avdp[2048];
	img_udf_anchor(u, 256, avdp);
	w_check_tag(avdp, 2, 256, sizeof(avdp));
	ck_assert_uint_eq(w_le32(avdp + 16), 16 * 2048);
	ck_assert_uint_eq(w_le32(avdp + 20), 1000);
	ck_assert_uint_eq(w_le32(avdp + 24), 16 * 2048);
	ck_assert_uint_eq(w_le32(avdp + 28), 1016);
	struct img_udf_stats st;
	img_udf_get_stats(u, &st);
	ck_assert_uint_eq(st.partition_start, 1000 + 34);
	ck_assert_uint_eq(st.partition_length, n - 34);
	img_udf_free(u);
}
END_TEST

/* The volume descriptors in the order UDF 2.2.3 lists them, the reserve sequence a copy of the
 * main one but for the tags' locations, the integrity sequence after them, the VRS. */
START_TEST(descriptor_sequences)
{
	for (size_t i = 0; i < NREVS; i++) {
		unsigned rev = all_revs[i];
		struct img_udf *u = volume(rev, 0);
		uint32_t n;
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "f", &file_attr, 0, 0, NULL), 0);
		ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
		uint8_t *meta = w_finish(u, IMG_UDF_FIRST_BLOCK, n, IMG_UDF_FIRST_BLOCK + n);
		static const uint16_t ids[] = {1, 4, 5, 6, 7, 8};
		uint16_t version = rev >= IMG_UDF_REV_201 ? 3 : 2;
		for (uint32_t k = 0; k < 6; k++) {
			const uint8_t *mv = meta + k * 2048, *rv = meta + (16 + k) * 2048;
			w_check_tag(mv, ids[k], IMG_UDF_FIRST_BLOCK + k, 2048);
			w_check_tag(rv, ids[k], IMG_UDF_FIRST_BLOCK + 16 + k, 2048);
			ck_assert_uint_eq(w_le16(mv + 2), version);
			size_t len = 16 + w_le16(mv + 10);
			ck_assert_mem_eq(mv + 16, rv + 16, len - 16);
		}
		/* the rest of both extents is empty */
		for (uint32_t k = 6; k < 32; k++)
			if (k < 16 || k >= 22)
				for (uint32_t b = 0; b < 2048; b++)
					ck_assert_uint_eq(meta[k * 2048 + b], 0);
		const uint8_t *lvd = meta + 3 * 2048;
		/* the integrity sequence extent (3/10.6.12) names the LVID, which follows */
		ck_assert_uint_eq(w_le32(lvd + 432), 2 * 2048);
		ck_assert_uint_eq(w_le32(lvd + 436), IMG_UDF_FIRST_BLOCK + 32);
		const uint8_t *lvid = meta + 32 * 2048;
		w_check_tag(lvid, 9, IMG_UDF_FIRST_BLOCK + 32, 2048);
		w_check_tag(lvid + 2048, 8, IMG_UDF_FIRST_BLOCK + 33, 2048);
		ck_assert_uint_eq(w_le32(lvid + 28), 1); /* closed */
		/* partition maps: one physical, and the metadata map from 2.50 on */
		ck_assert_uint_eq(w_le32(lvd + 268), rev >= IMG_UDF_REV_250 ? 2 : 1);
		uint32_t np = w_le32(lvid + 72);
		ck_assert_uint_eq(np, rev >= IMG_UDF_REV_250 ? 2 : 1);
		/* implementation use (UDF 2.2.6.4): files, directories, revisions */
		const uint8_t *iu = lvid + 80 + 8 * np;
		ck_assert_uint_eq(w_le32(iu + 32), 1);
		ck_assert_uint_eq(w_le32(iu + 36), 1);
		ck_assert_uint_eq(w_le16(iu + 40), rev > IMG_UDF_REV_250 ? IMG_UDF_REV_250 : rev);
		ck_assert_uint_eq(w_le16(iu + 42), rev);
		uint8_t vrs[3 * 2048];
		img_udf_vrs(u, vrs);
		ck_assert_mem_eq(vrs + 1, "BEA01", 5);
		ck_assert_mem_eq(vrs + 2048 + 1, rev >= IMG_UDF_REV_201 ? "NSR03" : "NSR02", 5);
		ck_assert_mem_eq(vrs + 4096 + 1, "TEA01", 5);
		ck_assert_uint_eq(vrs[6], 1);
		/* and the whole tree walks, every descriptor checked */
		struct walk w;
		w_open(&w, meta, IMG_UDF_FIRST_BLOCK, n);
		struct w_entry e[2];
		size_t ne;
		w_list(&w, e, 2, &ne);
		ck_assert_uint_eq(ne, 1);
		ck_assert_int_ge(w.tags, 6 + 4);
		free(meta);
		img_udf_free(u);
	}
}
END_TEST

/* The allocation descriptors of one file's File Entry, decoded: short_ads (8 bytes) or
 * long_ads (16 bytes, partition 0) by the ICB flags. */
struct ad {
	uint32_t len, pos;
};

static size_t decode_ads(const struct w_fe *fe, struct ad *out, size_t cap)
{
	size_t size = fe->ad_type == 1 ? 16 : 8, n = 0;
	ck_assert(fe->ad_type == 0 || fe->ad_type == 1);
	ck_assert_uint_eq(fe->l_ad % size, 0);
	for (uint32_t o = 0; o < fe->l_ad; o += (uint32_t)size) {
		ck_assert_uint_lt(n, cap);
		uint32_t raw = w_le32(fe->ad + o);
		ck_assert_uint_eq(raw >> 30, 0); /* recorded and allocated */
		out[n].len = raw & 0x3FFFFFFFu;
		out[n].pos = w_le32(fe->ad + o + 4);
		if (size == 16)
			ck_assert_uint_eq(w_le16(fe->ad + o + 8), 0);
		n++;
	}
	return n;
}

/* Writes the volume of one file "big" whose extents are given, and returns its File Entry's
 * descriptors (the metadata in *meta, to free). */
static size_t file_ads(unsigned rev, const uint64_t *lens, const uint32_t *gaps, size_t next,
		       struct ad *ads, size_t cap, uint64_t *recorded, uint8_t **meta,
		       uint32_t *part_start, uint32_t *data_start)
{
	struct img_udf *u = volume(rev, 0);
	uint64_t size = 0;
	for (size_t k = 0; k < next; k++)
		size += lens[k];
	uint32_t f, n;
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "big", &file_attr, size, 0, &f), 0);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	uint64_t at = IMG_UDF_FIRST_BLOCK + n;
	*data_start = (uint32_t)at;
	for (size_t k = 0; k < next; k++) {
		at += gaps ? gaps[k] : 0;
		ck_assert_int_eq(img_udf_add_extent(u, f, at, lens[k]), IMG_OK);
		at += div_up(lens[k], 2048);
	}
	*meta = w_finish(u, IMG_UDF_FIRST_BLOCK, n, (uint32_t)at + 1);
	struct walk w;
	w_open(&w, *meta, IMG_UDF_FIRST_BLOCK, n);
	*part_start = w.part_start;
	struct w_entry e[2];
	size_t ne;
	w_list(&w, e, 2, &ne);
	ck_assert_uint_eq(ne, 1);
	ck_assert_uint_eq(e[0].fe.size, size);
	ck_assert_uint_eq(e[0].fe.type, 5);
	ck_assert_int_eq(e[0].fe.ad_type, rev >= IMG_UDF_REV_250 ? 1 : 0);
	/* logical blocks recorded: File Entry offset 64, Extended File Entry 72 */
	*recorded = w_le64(e[0].fe.d + (rev >= IMG_UDF_REV_201 ? 72 : 64));
	size_t nad = decode_ads(&e[0].fe, ads, cap);
	img_udf_free(u);
	return nad;
}

/* A 5 GiB file in one extent: six descriptors of at most 1 GiB - 2048 bytes (UDF 2.3.10: all
 * but the last a whole number of blocks), one after the other on disc. */
START_TEST(big_file_extents_split_below_1gib)
{
	for (size_t i = 0; i < NREVS; i++) {
		uint64_t size = 5ull << 30;
		struct ad ads[300];
		uint64_t recorded;
		uint8_t *meta;
		uint32_t ps, data;
		size_t n = file_ads(all_revs[i], &size, NULL, 1, ads, 300, &recorded, &meta, &ps,
				    &data);
		ck_assert_uint_eq(n, 6);
		ck_assert_uint_eq(recorded, size / 2048);
		uint64_t sum = 0;
		for (size_t k = 0; k < n; k++) {
			ck_assert_uint_lt(ads[k].len, 1u << 30);
			if (k + 1 < n) {
				ck_assert_uint_eq(ads[k].len % 2048, 0);
				ck_assert_uint_eq(ads[k + 1].pos, ads[k].pos + ads[k].len / 2048);
			}
			sum += ads[k].len;
		}
		ck_assert_uint_eq(sum, size);
		/* positions count from the physical partition's start */
		ck_assert_uint_eq(ads[0].pos, data - ps);
		free(meta);
	}
}
END_TEST

/* Extents that follow each other on disc merge before they are split: two of 768 MiB make two
 * descriptors, not two halves of 768 MiB; an odd last length stays as it is. */
START_TEST(adjacent_extents_merge_then_split)
{
	uint64_t lens[3] = {768ull << 20, 768ull << 20, 12345};
	uint32_t gaps[3] = {0, 0, 7};
	struct ad ads[8];
	uint64_t recorded;
	uint8_t *meta;
	uint32_t ps, data;
	size_t n = file_ads(IMG_UDF_REV_201, lens, gaps, 3, ads, 8, &recorded, &meta, &ps, &data);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ads[0].len, 0x3FFFF800u);
	ck_assert_uint_eq(ads[1].len, (1536ull << 20) - 0x3FFFF800u);
	ck_assert_uint_eq(ads[2].len, 12345);
	ck_assert_uint_eq(ads[2].pos, ads[1].pos + ads[1].len / 2048 + 7);
	ck_assert_uint_eq(recorded, (1536ull << 20) / 2048 + 7);
	free(meta);
}
END_TEST

/* What one File Entry holds after its header: (2048 - 176) / 8 = 234 short_ads in a File
 * Entry, (2048 - 216) / 8 = 229 in an Extended File Entry, (2048 - 216) / 16 = 114 long_ads
 * for 2.50+.  A file in exactly that many pieces is written; one more is refused, naming the
 * file, rather than written wrong (there are no allocation extent descriptors). */
START_TEST(one_file_entry_holds_so_many_descriptors)
{
	for (size_t i = 0; i < NREVS; i++) {
		unsigned rev = all_revs[i];
		uint32_t room = rev >= IMG_UDF_REV_250 ? 114 : rev >= IMG_UDF_REV_201 ? 229 : 234;
		/* pieces of one block with a block between them: they never merge */
		uint64_t lens[300];
		uint32_t gaps[300];
		for (size_t k = 0; k < 300; k++) {
			lens[k] = 2048;
			gaps[k] = 1;
		}
		lens[room - 1] = 100; /* the last one may be short */
		struct ad ads[300];
		uint64_t recorded;
		uint8_t *meta;
		uint32_t ps, data;
		size_t n = file_ads(rev, lens, gaps, room, ads, 300, &recorded, &meta, &ps, &data);
		ck_assert_uint_eq(n, room);
		ck_assert_uint_eq(recorded, room);
		for (size_t k = 0; k < n; k++) {
			ck_assert_uint_eq(ads[k].pos, data - ps + 1 + 2 * k);
			ck_assert_uint_eq(ads[k].len, k + 1 < n ? 2048 : 100);
		}
		free(meta);

		/* one more piece */
		struct img_udf *u = volume(rev, 0);
		uint32_t f, nb;
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "frag", &file_attr,
						  (uint64_t)(room + 1) * 2048, 0, &f), 0);
		ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &nb), IMG_OK);
		uint32_t at = IMG_UDF_FIRST_BLOCK + nb;
		for (uint32_t k = 0; k <= room; k++)
			ck_assert_int_eq(img_udf_add_extent(u, f, at + 2 * k, 2048), IMG_OK);
		ck_assert_int_eq(img_udf_set_end(u, at + 2 * room + 2), IMG_EUNSUPPORTED);
		char want[64];
		snprintf(want, sizeof(want), "needs %u allocation descriptors", room + 1);
		ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, want));
		ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/frag"));
		img_udf_free(u);

		/* and the same count reached by size alone: room pieces of 1 GiB - 2048 fit */
		uint64_t huge = (uint64_t)room * 0x3FFFF800u;
		n = file_ads(rev, &huge, NULL, 1, ads, 300, &recorded, &meta, &ps, &data);
		ck_assert_uint_eq(n, room);
		free(meta);
		u = volume(rev, 0);
		huge += 1;
		ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "huge", &file_attr, huge, 0, &f),
				 0);
		ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &nb), IMG_OK);
		at = IMG_UDF_FIRST_BLOCK + nb;
		ck_assert_int_eq(img_udf_add_extent(u, f, at, huge), IMG_OK);
		ck_assert_int_eq(img_udf_set_end(u, at + (uint32_t)div_up(huge, 2048) + 1),
				 IMG_EUNSUPPORTED);
		img_udf_free(u);
	}
}
END_TEST

/* Extents must add up to the size and stay in the partition, out of the metadata. */
START_TEST(extents_are_checked_at_the_end)
{
	struct img_udf *u = volume(IMG_UDF_REV_102, 0);
	uint32_t f, n;
	ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "f", &file_attr, 4096, 0, &f), 0);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	uint32_t data = IMG_UDF_FIRST_BLOCK + n;
	ck_assert_int_eq(img_udf_add_extent(u, f, data, 2048), IMG_OK);
	ck_assert_int_eq(img_udf_set_end(u, data + 10), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "/f: extents cover 2048 of 4096"));
	/* in the metadata */
	ck_assert_int_eq(img_udf_add_extent(u, f, data - 1, 2048), IMG_OK);
	ck_assert_int_eq(img_udf_set_end(u, data + 10), IMG_EINVAL);
	ck_assert_ptr_nonnull(strstr(img_udf_error(u)->detail, "outside the UDF partition"));
	img_udf_free(u);
	/* an anchor inside the metadata */
	u = volume(IMG_UDF_REV_201, 0);
	ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
	ck_assert_int_eq(img_udf_set_end(u, IMG_UDF_FIRST_BLOCK + n - 2), IMG_EINVAL);
	uint8_t end[17 * 2048];
	ck_assert_int_eq(img_udf_end(u, end), IMG_EINVAL);
	ck_assert_int_eq(img_udf_set_end(u, IMG_UDF_FIRST_BLOCK + n), IMG_OK);
	ck_assert_int_eq(img_udf_end(u, end), IMG_OK);
	w_check_tag(end, 2, IMG_UDF_FIRST_BLOCK + n, 2048);
	img_udf_free(u);
}
END_TEST

/* udfinfo's view: revision, label, counts, and where it finds the sequences, the integrity
 * descriptor, the partition and both anchors, against the layout's own numbers. */
START_TEST(udfinfo_sees_the_layout)
{
	char path[] = "/tmp/check_udf_layout.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	for (size_t i = 0; i < NREVS; i++)
		for (int rae = 0; rae < 2; rae++) {
			unsigned rev = all_revs[i];
			struct img_udf *u = volume(rev, rae);
			uint32_t d, f, g, n;
			ck_assert_int_eq(img_udf_add_dir(u, IMG_UDF_ROOT, "d", &dir_attr, &d), 0);
			ck_assert_int_eq(img_udf_add_file(u, d, "f", &file_attr, 3 << 20, 0, &f), 0);
			ck_assert_int_eq(img_udf_add_file(u, IMG_UDF_ROOT, "g", &file_attr, 1, 0, &g),
					 0);
			ck_assert_int_eq(img_udf_layout(u, IMG_UDF_FIRST_BLOCK, &n), IMG_OK);
			uint32_t data = IMG_UDF_FIRST_BLOCK + n;
			ck_assert_int_eq(img_udf_add_extent(u, f, data, 3 << 20), IMG_OK);
			ck_assert_int_eq(img_udf_add_extent(u, g, data + 1536, 1), IMG_OK);
			uint32_t anchor = data + 1537 + (rae ? 16 : 0);
			uint8_t *meta = w_finish(u, IMG_UDF_FIRST_BLOCK, n, anchor);
			w_image_file(path, u, meta, IMG_UDF_FIRST_BLOCK, n, anchor);
			struct img_udf_stats st;
			img_udf_get_stats(u, &st);
			char want[128], rev_s[8];
			unsigned shown = rev > IMG_UDF_REV_250 ? IMG_UDF_REV_250 : rev;
			snprintf(rev_s, sizeof(rev_s), "%x.%02x", shown >> 8, shown & 0xff);
			ck_assert_str_eq(w_udfinfo(path, "udfrev"), rev_s);
			ck_assert_str_eq(w_udfinfo(path, "label"), "LAYOUT");
			ck_assert_str_eq(w_udfinfo(path, "numfiles"), "2");
			ck_assert_str_eq(w_udfinfo(path, "numdirs"), "2");
			snprintf(want, sizeof(want), "%u", anchor + 1);
			ck_assert_str_eq(w_udfinfo(path, "blocks"), want);
			/* the structure lines: "start=S, blocks=B, type=T" */
			char cmd[256], line[256], all[4096] = "";
			snprintf(cmd, sizeof(cmd), "udfinfo %s", path);
			FILE *p = popen(cmd, "r");
			while (fgets(line, sizeof(line), p))
				if (strncmp(line, "start=", 6) == 0)
					strncat(all, line, sizeof(all) - strlen(all) - 1);
			ck_assert_int_eq(pclose(p), 0);
			uint32_t rvds = rae ? anchor - 16 : IMG_UDF_FIRST_BLOCK + 16;
			uint32_t lvid = IMG_UDF_FIRST_BLOCK + (rae ? 16 : 32);
			const char *fmt[] = {"start=256, blocks=1, type=ANCHOR\n",
					     "start=%u, blocks=16, type=MVDS\n",
					     "start=%u, blocks=16, type=RVDS\n",
					     "start=%u, blocks=1, type=LVID\n",
					     "start=%u, blocks=%u, type=PSPACE\n",
					     "start=%u, blocks=1, type=ANCHOR\n"};
			uint32_t a[6][2] = {{0, 0}, {IMG_UDF_FIRST_BLOCK, 0}, {rvds, 0}, {lvid, 0},
					    {st.partition_start, st.partition_length}, {anchor, 0}};
			for (int k = 0; k < 6; k++) {
				snprintf(want, sizeof(want), fmt[k], a[k][0], a[k][1]);
				if (strstr(all, want) == NULL)
					ck_abort_msg("rev %x%s: udfinfo lacks \"%.*s\" in:\n%s", rev,
						     rae ? " (reserve at end)" : "",
						     (int)strlen(want) - 1, want, all);
			}
			/* the partition reaches the end blocks, from the head (or its unit) on */
			ck_assert_uint_eq(st.partition_start + st.partition_length,
					  anchor - (rae ? 16 : 0));
			free(meta);
			img_udf_free(u);
		}
	unlink(path);
}
END_TEST

static Suite *udf_layout_suite(void)
{
	Suite *s = suite_create("udf_layout");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, directory_blocks_follow_the_fid_sizes);
	tcase_add_test(tc, long_symlinks_take_blocks);
	tcase_add_test(tc, layout_start_is_checked_and_moves_the_volume);
	tcase_add_test(tc, descriptor_sequences);
	tcase_add_test(tc, big_file_extents_split_below_1gib);
	tcase_add_test(tc, adjacent_extents_merge_then_split);
	tcase_add_test(tc, one_file_entry_holds_so_many_descriptors);
	tcase_add_test(tc, extents_are_checked_at_the_end);
	tcase_add_test(tc, udfinfo_sees_the_layout);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(udf_layout_suite)
