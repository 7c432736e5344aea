/* For the UDF writer's unit tests: a reader of the metadata written by img_udf_write, decoded by
 * hand from ECMA-167 3rd edition and UDF 2.50 (not with common/udf's reader or encoders), and an
 * image file around it for udfinfo.  Every descriptor met is checked: tag identifier, checksum,
 * CRC (with a bit-by-bit CRC of its own) and recorded location. */
#ifndef UDF_WALK_H
#define UDF_WALK_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/udf/udf.h"
#include "tests/unit/unit.h"

#define W_BLOCK 2048u

static inline uint16_t w_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t w_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t w_le64(const uint8_t *p)
{
	return w_le32(p) | (uint64_t)w_le32(p + 4) << 32;
}

/* CRC-ITU-T, x^16 + x^12 + x^5 + 1, bit by bit (ECMA-167 1/7.2.6). */
static inline uint16_t w_crc(const uint8_t *p, size_t len)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
	}
	return crc;
}

/* Checks the descriptor tag at d (ECMA-167 3/7.2): identifier, checksum of bytes 0-3 and 5-15,
 * CRC over the CRC length bytes after the tag (which must lie within room), location. */
static inline void w_check_tag(const uint8_t *d, uint16_t ident, uint32_t location, size_t room)
{
	ck_assert_uint_eq(w_le16(d), ident);
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += d[i];
	ck_assert_uint_eq(d[4], sum & 0xff);
	uint16_t crc_len = w_le16(d + 10);
	ck_assert_uint_le(16u + crc_len, room);
	ck_assert_uint_eq(w_le16(d + 8), w_crc(d + 16, crc_len));
	ck_assert_uint_eq(w_le32(d + 12), location);
}

/* The metadata of a volume (blocks first .. first + n - 1) and where its partitions lie. */
struct walk {
	const uint8_t *meta;
	uint32_t first, n;
	uint32_t part_start, part_len; /* physical partition, from the Partition Descriptor */
	uint32_t meta_start;           /* 2.50+: absolute block of the metadata partition's 0 */
	uint16_t fsd_ref;              /* partition of the File Set Descriptor (LVD) */
	uint32_t fsd_lbn;
	int tags;                      /* descriptors checked */
};

static inline const uint8_t *w_abs(struct walk *w, uint32_t abs)
{
	ck_assert_uint_ge(abs, w->first);
	ck_assert_uint_lt(abs, w->first + w->n);
	return w->meta + (size_t)(abs - w->first) * W_BLOCK;
}

/* Absolute block of logical block lbn of partition ref (0 physical, 1 metadata). */
static inline uint32_t w_lb(const struct walk *w, uint16_t ref, uint32_t lbn)
{
	ck_assert_uint_le(ref, 1);
	if (ref == 1)
		ck_assert_uint_ne(w->meta_start, 0);
	return (ref == 0 ? w->part_start : w->meta_start) + lbn;
}

/* Reads the main Volume Descriptor Sequence (its first blocks): Partition Descriptor (tag 5,
 * 3/10.5), Logical Volume Descriptor (tag 6, 3/10.6) with its partition maps, and for a
 * metadata partition (UDF 2.50 2.2.10) the metadata file's Extended File Entry. */
static inline void w_open(struct walk *w, const uint8_t *meta, uint32_t first, uint32_t n)
{
	memset(w, 0, sizeof(*w));
	w->meta = meta;
	w->first = first;
	w->n = n;
	int have_pd = 0, have_lvd = 0;
	uint32_t meta_file = UINT32_MAX;
	for (uint32_t b = first; b < first + 16; b++) {
		const uint8_t *d = w_abs(w, b);
		uint16_t id = w_le16(d);
		if (id == 0)
			continue;
		w_check_tag(d, id, b, W_BLOCK);
		w->tags++;
		if (id == 5) {
			w->part_start = w_le32(d + 188);
			w->part_len = w_le32(d + 192);
			have_pd = 1;
		} else if (id == 6) {
			ck_assert_uint_eq(w_le32(d + 212), W_BLOCK);
			w->fsd_lbn = w_le32(d + 252);
			w->fsd_ref = w_le16(d + 256);
			uint32_t nmaps = w_le32(d + 268);
			const uint8_t *m = d + 440;
			for (uint32_t k = 0; k < nmaps; k++) {
				if (m[0] == 2 && memcmp(m + 5, "*UDF Metadata Partition", 23) == 0)
					meta_file = w_le32(m + 40);
				m += m[1];
			}
			have_lvd = 1;
		} else if (id == 8) {
			break;
		}
	}
	ck_assert(have_pd && have_lvd);
	if (meta_file != UINT32_MAX) {
		const uint8_t *fe = w_abs(w, w->part_start + meta_file);
		w_check_tag(fe, 266, meta_file, W_BLOCK);
		ck_assert_uint_eq(fe[27], 250); /* metadata file (UDF 2.50 2.2.13) */
		uint32_t l_ea = w_le32(fe + 208);
		const uint8_t *ad = fe + 216 + l_ea;
		w->meta_start = w->part_start + w_le32(ad + 4);
	}
}

/* A decoded (Extended) File Entry (ECMA-167 4/14.9, 4/14.17). */
struct w_fe {
	const uint8_t *d;
	uint8_t type;        /* ICB file type: 4 dir, 5 file, 12 symlink, ... */
	int ad_type;         /* ICB flags & 7: 0 short_ad, 1 long_ad, 3 embedded */
	uint64_t size;       /* information length */
	uint16_t nlink;
	uint32_t uid, gid, perm;
	const uint8_t *ea, *ad;
	uint32_t l_ea, l_ad;
	uint16_t ref;        /* partition the entry lies in */
};

static inline struct w_fe w_fe_at(struct walk *w, uint16_t ref, uint32_t lbn)
{
	struct w_fe f;
	memset(&f, 0, sizeof(f));
	f.d = w_abs(w, w_lb(w, ref, lbn));
	f.ref = ref;
	uint16_t id = w_le16(f.d);
	ck_assert(id == 261 || id == 266);
	w_check_tag(f.d, id, lbn, W_BLOCK);
	w->tags++;
	uint32_t hdr = id == 266 ? 216 : 176;
	f.type = f.d[27];
	f.ad_type = w_le16(f.d + 34) & 7;
	f.uid = w_le32(f.d + 36);
	f.gid = w_le32(f.d + 40);
	f.perm = w_le32(f.d + 44);
	f.nlink = w_le16(f.d + 48);
	f.size = w_le64(f.d + 56);
	f.l_ea = w_le32(f.d + hdr - 8);
	f.l_ad = w_le32(f.d + hdr - 4);
	ck_assert_uint_le(hdr + f.l_ea + f.l_ad, W_BLOCK);
	ck_assert_uint_eq(w_le16(f.d + 10), hdr + f.l_ea + f.l_ad - 16);
	f.ea = f.d + hdr;
	f.ad = f.d + hdr + f.l_ea;
	return f;
}

/* The data of a directory or long symlink: its short_ads, read from the metadata (malloc'd,
 * f->size bytes). */
static inline uint8_t *w_data(struct walk *w, const struct w_fe *f)
{
	ck_assert_int_eq(f->ad_type, 0);
	uint8_t *out = malloc(f->size ? f->size : 1);
	uint64_t got = 0;
	for (uint32_t o = 0; o + 8 <= f->l_ad && got < f->size; o += 8) {
		uint32_t len = w_le32(f->ad + o) & 0x3FFFFFFFu, pos = w_le32(f->ad + o + 4);
		ck_assert_uint_eq(w_le32(f->ad + o) >> 30, 0); /* recorded and allocated */
		for (uint32_t k = 0; k * W_BLOCK < len; k++) {
			uint32_t take = len - k * W_BLOCK < W_BLOCK ? len - k * W_BLOCK : W_BLOCK;
			ck_assert_uint_le(got + take, f->size);
			memcpy(out + got, w_abs(w, w_lb(w, f->ref, pos + k)), take);
			got += take;
		}
	}
	ck_assert_uint_eq(got, f->size);
	return out;
}

/* OSTA compressed Unicode (UDF 2.1.1) to UTF-8. */
static inline void w_cs0_utf8(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	ck_assert_uint_gt(len, 0);
	ck_assert(p[0] == 8 || p[0] == 16);
	int wide = p[0] == 16;
	for (size_t i = 1; i < len;) {
		uint32_t c;
		if (wide) {
			ck_assert_uint_le(i + 2, len);
			c = (uint32_t)p[i] << 8 | p[i + 1];
			i += 2;
			if (c >= 0xD800 && c < 0xDC00) {
				ck_assert_uint_le(i + 2, len);
				uint32_t lo = (uint32_t)p[i] << 8 | p[i + 1];
				i += 2;
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			}
		} else {
			c = p[i++];
		}
		ck_assert_uint_lt(o + 5, cap);
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xE0 | c >> 12);
			out[o++] = (char)(0x80 | (c >> 6 & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | c >> 18);
			out[o++] = (char)(0x80 | (c >> 12 & 0x3F));
			out[o++] = (char)(0x80 | (c >> 6 & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = '\0';
}

/* One entry found by w_list. */
struct w_entry {
	char path[1200];
	char name[800];       /* the last component, decoded */
	size_t name_bytes;    /* its encoded length (L_FI) */
	struct w_fe fe;
	uint32_t icb;         /* logical block of the File Entry */
	uint16_t icb_ref;
};

/* Walks the File Identifier Descriptors (4/14.4) of directory f (path dir) and below, depth
 * first in directory order; appends every entry but "." and ".." to out (cap entries). */
static inline void w_walk_dir(struct walk *w, const struct w_fe *f, const char *dir,
		       struct w_entry *out, size_t cap, size_t *n)
{
	ck_assert_int_eq(f->type, 4);
	uint8_t *data = w_data(w, f);
	/* the FIDs' tags name the block where each one starts, counted in the directory's
	 * partition from the first block of its data */
	uint32_t first_lbn = w_le32(f->ad + 4);
	int parent_seen = 0;
	for (uint64_t o = 0; o < f->size;) {
		const uint8_t *fid = data + o;
		ck_assert_uint_le(o + 38, f->size);
		uint32_t l_fi = fid[19], l_iu = w_le16(fid + 36);
		uint32_t len = (38 + l_iu + l_fi + 3) & ~3u;
		ck_assert_uint_le(o + len, f->size);
		w_check_tag(fid, 257, first_lbn + (uint32_t)(o / W_BLOCK), f->size - o);
		w->tags++;
		uint8_t chars = fid[18];
		uint32_t lbn = w_le32(fid + 24);
		uint16_t ref = w_le16(fid + 28);
		if (chars & 8) {
			/* the parent entry comes first and has no name */
			ck_assert_uint_eq(o, 0);
			ck_assert_uint_eq(l_fi, 0);
			parent_seen = 1;
		} else {
			ck_assert_uint_lt(*n, cap);
			struct w_entry *e = &out[(*n)++];
			w_cs0_utf8(fid + 38 + l_iu, l_fi, e->name, sizeof(e->name));
			e->name_bytes = l_fi;
			snprintf(e->path, sizeof(e->path), "%s/%s", dir, e->name);
			e->icb = lbn;
			e->icb_ref = ref;
			e->fe = w_fe_at(w, ref, lbn);
			ck_assert_int_eq(!!(chars & 2), e->fe.type == 4);
			if (e->fe.type == 4) {
				char sub[1200];
				snprintf(sub, sizeof(sub), "%s", e->path);
				struct w_fe fe = e->fe;
				w_walk_dir(w, &fe, sub, out, cap, n);
			}
		}
		o += len;
	}
	ck_assert(parent_seen);
	free(data);
}

/* The File Set Descriptor (4/14.1), then every entry of the tree; returns the root's entry. */
static inline struct w_fe w_list(struct walk *w, struct w_entry *out, size_t cap, size_t *n)
{
	const uint8_t *fsd = w_abs(w, w_lb(w, w->fsd_ref, w->fsd_lbn));
	w_check_tag(fsd, 256, w->fsd_lbn, W_BLOCK);
	w->tags++;
	struct w_fe root = w_fe_at(w, w_le16(fsd + 408), w_le32(fsd + 404));
	*n = 0;
	w_walk_dir(w, &root, "", out, cap, n);
	return root;
}

/* The entry at path, or NULL. */
static inline const struct w_entry *w_find(const struct w_entry *e, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].path, path) == 0)
			return &e[i];
	return NULL;
}

/* Collects img_udf_write's output. */
struct w_sink {
	uint8_t *buf;
	size_t len, cap;
};

static inline int w_collect(void *ctx, const void *buf, size_t len)
{
	struct w_sink *s = ctx;
	ck_assert_uint_le(s->len + len, s->cap);
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
	return 0;
}

/* Ends the volume with its closing anchor at block anchor and returns the metadata (first ..
 * first + nblocks - 1, malloc'd). */
static inline uint8_t *w_finish(struct img_udf *u, uint32_t first, uint32_t nblocks, uint32_t anchor)
{
	ck_assert_int_eq(img_udf_set_end(u, anchor), IMG_OK);
	struct w_sink s = {malloc((size_t)nblocks * W_BLOCK), 0, (size_t)nblocks * W_BLOCK};
	ck_assert_int_eq(img_udf_write(u, w_collect, &s), 0);
	ck_assert_uint_eq(s.len, s.cap);
	(void)first;
	return s.buf;
}

/* Writes an image file of anchor + 1 blocks for udfinfo: the Volume Recognition Sequence at
 * block 16, the Anchor at 256, the metadata from first on, the end blocks up to anchor.  File
 * data is not written: the file is sparse there (udfinfo reads no file data). */
static inline void w_image_file(const char *path, struct img_udf *u, const uint8_t *meta,
			 uint32_t first, uint32_t nblocks, uint32_t anchor)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	uint8_t vrs[3 * W_BLOCK], avdp[W_BLOCK];
	img_udf_vrs(u, vrs);
	ck_assert_int_eq(pwrite(fd, vrs, sizeof(vrs), 16 * W_BLOCK), (ssize_t)sizeof(vrs));
	img_udf_anchor(u, 256, avdp);
	ck_assert_int_eq(pwrite(fd, avdp, W_BLOCK, 256 * W_BLOCK), (ssize_t)W_BLOCK);
	ck_assert_int_eq(pwrite(fd, meta, (size_t)nblocks * W_BLOCK, (off_t)first * W_BLOCK),
			 (ssize_t)((size_t)nblocks * W_BLOCK));
	uint32_t end = img_udf_end_blocks(u);
	uint8_t *tail = malloc((size_t)end * W_BLOCK);
	ck_assert_int_eq(img_udf_end(u, tail), IMG_OK);
	ck_assert_int_eq(pwrite(fd, tail, (size_t)end * W_BLOCK,
				(off_t)(anchor - end + 1) * W_BLOCK), (ssize_t)((size_t)end * W_BLOCK));
	free(tail);
	ck_assert_int_eq(ftruncate(fd, (off_t)(anchor + 1) * W_BLOCK), 0);
	close(fd);
}

/* Runs udfinfo on path and returns the value of its line "key=value" (static buffer). */
static inline const char *w_udfinfo(const char *path, const char *key)
{
	static char val[256];
	char cmd[512], line[512];
	snprintf(cmd, sizeof(cmd), "udfinfo '%s' 2>&1", path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	val[0] = '\0';
	size_t klen = strlen(key);
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, key, klen) == 0 && line[klen] == '=' && !val[0])
			snprintf(val, sizeof(val), "%s", line + klen + 1);
	}
	ck_assert_int_eq(pclose(p), 0);
	return val;
}

#endif
