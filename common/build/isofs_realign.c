/* Realigning libisofs's stream after over-reserved Rock Ridge Continuation Areas. */
#include "common/build/isofs_realign.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/bytes.h"
#include "common/base/grow.h"

#define BLK 2048u
/* Volume descriptors looked at per set before giving up on a terminator (ECMA-119 8.3). */
#define VD_MAX 32

/* Something libisofs writes at a block its layout recorded: a directory's records (its CA
 * follows them) or a tree's path tables. */
struct place {
	uint64_t lba;
	uint32_t size;   /* directory: bytes of records */
	uint32_t base;   /* the tree's partition offset: its addresses are relative to it */
	bool dir;
};

/* A part of a Continuation Area, as a CE entry names it (SUSP 1.12 5.1). */
struct part {
	uint64_t lba;
	uint32_t off, len;
};

struct img_realign {
	uint64_t pos;              /* bytes of the stream looked at, from the session's block
				    * (gaps count: output addresses) */
	uint32_t session;          /* block of the stream's first byte */
	uint8_t blk[BLK];          /* a block of interest gathered across pieces */
	uint64_t vd_next[2];       /* next volume descriptor of each set, 0: none */
	unsigned vd_seen[2];
	uint32_t vd_base[2];
	struct place *heap;        /* places still to come, a binary heap on lba */
	size_t nheap, heap_cap;
	bool in_dir;               /* cur is being read */
	struct place cur;
	uint64_t rec_end;          /* block after cur's records */
	uint64_t ca_end;           /* block after cur's CA as the CE entries seen so far name it */
	struct part *parts;        /* cur's CA parts, sorted by lba */
	size_t nparts, parts_cap, part_at;
	uint64_t inserted;
};

int img_realign_new(uint32_t session, uint32_t part_offset, struct img_realign **out)
{
	struct img_realign *r = calloc(1, sizeof(*r));
	*out = r;
	if (r == NULL)
		return IMG_ENOMEM;
	r->session = session;
	r->pos = (uint64_t)session * BLK;
	r->vd_next[0] = (uint64_t)session + 16;
	if (part_offset > 0) {
		r->vd_next[1] = (uint64_t)session + part_offset + 16;
		r->vd_base[1] = part_offset;
	}
	return IMG_OK;
}

void img_realign_free(struct img_realign *r)
{
	if (r == NULL)
		return;
	free(r->heap);
	free(r->parts);
	free(r);
}

uint64_t img_realign_inserted(const struct img_realign *r)
{
	return r->inserted;
}

static int place_push(struct img_realign *r, struct place p, uint64_t here, struct img_error *err)
{
	/* libisofs lays every directory out after the one that lists it. */
	if (p.lba <= here)
		return img_error_set(err, IMG_EISOFS,
				     "libisofs stream: directory at block %llu before its parent",
				     (unsigned long long)p.lba);
	if (img_grow((void **)&r->heap, &r->heap_cap, r->nheap, sizeof(*r->heap), 64) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "libisofs stream");
	size_t i = r->nheap++;
	while (i > 0 && r->heap[(i - 1) / 2].lba > p.lba) {
		r->heap[i] = r->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->heap[i] = p;
	return IMG_OK;
}

static struct place place_pop(struct img_realign *r)
{
	struct place *h = r->heap, top = h[0], last = h[--r->nheap];
	size_t i = 0, n = r->nheap;
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= n)
			break;
		if (k + 1 < n && h[k + 1].lba < h[k].lba)
			k++;
		if (h[k].lba >= last.lba)
			break;
		h[i] = h[k];
		i = k;
	}
	if (n > 0)
		h[i] = last;
	return top;
}

static int part_add(struct img_realign *r, struct part p, uint64_t here, struct img_error *err)
{
	/* A CE names a later stretch of this directory's CA (which starts after its records),
	 * inside one block: libisofs makes every part end within its block for Linux, and a
	 * part's CE chains on to a later block.  A part naming its own block would be read
	 * again and again (each read adding it once more). */
	if (p.lba <= here || p.lba < r->rec_end || p.len == 0 || p.off >= BLK ||
	    p.len > BLK - p.off || p.lba - r->rec_end > UINT32_MAX / BLK)
		return img_error_set(err, IMG_EISOFS,
				     "libisofs stream: continuation area of the directory at "
				     "block %llu out of place (block %llu)",
				     (unsigned long long)r->cur.lba, (unsigned long long)p.lba);
	if (img_grow((void **)&r->parts, &r->parts_cap, r->nparts, sizeof(*r->parts), 64) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "libisofs stream");
	size_t i = r->nparts++;
	while (i > r->part_at && r->parts[i - 1].lba > p.lba) {
		r->parts[i] = r->parts[i - 1];
		i--;
	}
	r->parts[i] = p;
	if (p.lba + 1 > r->ca_end)
		r->ca_end = p.lba + 1;
	return IMG_OK;
}

/* The System Use entries at su[0 .. len-1] (SUSP 1.12 4): every CE found is a part. */
static int scan_susp(struct img_realign *r, const uint8_t *su, size_t len, uint64_t here,
		     struct img_error *err)
{
	for (size_t at = 0; at + 4 <= len;) {
		const uint8_t *e = su + at;
		size_t elen = e[2];
		/* A zero length is the padding libisofs puts after the last entry (ECMA-119
		 * 9.1.13: the System Use field is of even length). */
		if (elen == 0)
			break;
		if (elen < 4 || elen > len - at)
			return img_error_set(err, IMG_EISOFS,
					     "libisofs stream: bad System Use entry at block %llu",
					     (unsigned long long)here);
		if (e[0] == 'S' && e[1] == 'T')
			break;
		if (e[0] == 'C' && e[1] == 'E' && elen >= 28) {
			struct part p = {(uint64_t)img_le32(e + 4) + r->cur.base, img_le32(e + 12),
					 img_le32(e + 20)};
			int rc = part_add(r, p, here, err);
			if (rc != IMG_OK)
				return rc;
		}
		at += elen;
	}
	return IMG_OK;
}

/* A volume descriptor (ECMA-119 8): a primary one's tree is walked, with its path tables
 * (8.4.14-17) as the place after its last directory. */
static int parse_vd(struct img_realign *r, int set, const uint8_t *vd, uint64_t here,
		    struct img_error *err)
{
	r->vd_next[set] = 0;
	if (memcmp(vd + 1, "CD001", 5) != 0 || vd[0] == 255 || ++r->vd_seen[set] > VD_MAX)
		return IMG_OK;
	if (vd[0] == 1) {
		const uint32_t base = r->vd_base[set];
		const uint8_t *root = vd + 156;
		struct place dir = {(uint64_t)img_le32(root + 2) + base, img_le32(root + 10), base, true};
		struct place pt = {(uint64_t)img_le32(vd + 140) + base, 0, base, false};
		int rc = place_push(r, dir, here, err);
		if (rc == IMG_OK)
			rc = place_push(r, pt, here, err);
		if (rc != IMG_OK)
			return rc;
	}
	r->vd_next[set] = here + 1;
	return IMG_OK;
}

/* One block of the current directory's records (ECMA-119 9.1): subdirectories become
 * places, CE entries parts of its CA. */
static int parse_records(struct img_realign *r, const uint8_t *b, uint64_t here,
			 struct img_error *err)
{
	for (size_t off = 0; off < BLK;) {
		unsigned rlen = b[off];
		if (rlen == 0)
			break;
		if (rlen < 34 || off + rlen > BLK || 33u + b[off + 32] > rlen)
			return img_error_set(err, IMG_EISOFS,
					     "libisofs stream: bad directory record at block %llu",
					     (unsigned long long)here);
		const uint8_t *rec = b + off;
		unsigned nlen = rec[32];
		bool dot = nlen == 1 && rec[33] == 0, dotdot = nlen == 1 && rec[33] == 1;
		uint64_t lba = (uint64_t)img_le32(rec + 2) + r->cur.base;
		/* The directory must be where its parent said: its "." names its own extent. */
		if (here == r->cur.lba && off == 0 && (!dot || lba != r->cur.lba))
			return img_error_set(err, IMG_EISOFS,
					     "libisofs stream: directory of block %llu not found "
					     "there",
					     (unsigned long long)r->cur.lba);
		if ((rec[25] & 0x02) && !dot && !dotdot) {
			struct place d = {lba, img_le32(rec + 10), r->cur.base, true};
			int rc = place_push(r, d, here, err);
			if (rc != IMG_OK)
				return rc;
		}
		size_t su = 33u + nlen + (nlen % 2 == 0);
		if (su < rlen) {
			int rc = scan_susp(r, rec + su, rlen - su, here, err);
			if (rc != IMG_OK)
				return rc;
		}
		off += rlen;
	}
	return IMG_OK;
}

/* One block of the current directory's CA: the parts in it may chain on (a CE at a part's
 * end names the next block). */
static int parse_ca(struct img_realign *r, const uint8_t *b, uint64_t here, struct img_error *err)
{
	while (r->part_at < r->nparts && r->parts[r->part_at].lba == here) {
		struct part p = r->parts[r->part_at++];
		int rc = scan_susp(r, b + p.off, p.len, here, err);
		if (rc != IMG_OK)
			return rc;
	}
	if (r->part_at < r->nparts && r->parts[r->part_at].lba < here)
		return img_error_set(err, IMG_EISOFS,
				     "libisofs stream: continuation area out of order at block %llu",
				     (unsigned long long)here);
	return IMG_OK;
}

/* Whether block b is to be read, starting the directory recorded there if one is; else the
 * next block that is (UINT64_MAX: none). */
static bool wanted(struct img_realign *r, uint64_t b, uint64_t *next)
{
	*next = UINT64_MAX;
	for (int s = 0; s < 2; s++) {
		if (r->vd_next[s] == b)
			return true;
		if (r->vd_next[s] > b && r->vd_next[s] < *next)
			*next = r->vd_next[s];
	}
	if (r->in_dir)
		return true;
	while (r->nheap > 0 && r->heap[0].lba <= b) {
		if (r->heap[0].lba < b) /* ended before its place: cannot be */
			return true;
		struct place p = place_pop(r);
		if (!p.dir)
			continue; /* the path tables: nothing more to align in that tree */
		r->cur = p;
		r->in_dir = true;
		r->rec_end = p.lba + (p.size + BLK - 1) / BLK;
		r->ca_end = 0;
		r->nparts = r->part_at = 0;
		return true;
	}
	if (r->nheap > 0 && r->heap[0].lba < *next)
		*next = r->heap[0].lba;
	return false;
}

/* Block here (p) of interest; *gap receives the zero blocks that must follow it. */
static int take_block(struct img_realign *r, uint64_t here, const uint8_t *p, uint64_t *gap,
		      struct img_error *err)
{
	*gap = 0;
	for (int s = 0; s < 2; s++)
		if (r->vd_next[s] == here)
			return parse_vd(r, s, p, here, err);
	if (!r->in_dir) /* a place passed by: the stream is not what its records say */
		return img_error_set(err, IMG_EISOFS,
				     "libisofs stream: block %llu written past its place",
				     (unsigned long long)r->heap[0].lba);
	int rc = here < r->rec_end ? parse_records(r, p, here, err) : parse_ca(r, p, here, err);
	if (rc != IMG_OK)
		return rc;
	uint64_t end = r->ca_end > r->rec_end ? r->ca_end : r->rec_end;
	if (here + 1 < end)
		return IMG_OK;
	r->in_dir = false;
	/* The directory and its CA are out: what libisofs writes next is the next place of the
	 * tree (the next directory, or the path tables after the last). */
	if (r->nheap == 0 || r->heap[0].lba < here + 1)
		return img_error_set(err, IMG_EISOFS,
				     "libisofs stream: directory at block %llu and its continuation "
				     "area end at block %llu, after the next one's place",
				     (unsigned long long)r->cur.lba, (unsigned long long)here + 1);
	*gap = r->heap[0].lba - (here + 1);
	return IMG_OK;
}

int img_realign_scan(struct img_realign *r, const uint8_t *p, size_t n, size_t *use,
		     uint64_t *gap, struct img_error *err)
{
	*use = n;
	*gap = 0;
	for (size_t i = 0; i < n;) {
		uint64_t b = r->pos / BLK, next;
		size_t in_blk = (size_t)(r->pos % BLK);
		if (!wanted(r, b, &next)) {
			if (next == UINT64_MAX) {
				r->pos += n - i;
				break;
			}
			uint64_t skip = next * BLK - r->pos;
			size_t k = skip < n - i ? (size_t)skip : n - i;
			i += k;
			r->pos += k;
			continue;
		}
		size_t k = BLK - in_blk < n - i ? BLK - in_blk : n - i;
		const uint8_t *blk = p + i;
		if (k < BLK) {
			memcpy(r->blk + in_blk, p + i, k);
			blk = r->blk;
		}
		i += k;
		r->pos += k;
		if (in_blk + k < BLK)
			continue;
		uint64_t g;
		int rc = take_block(r, b, blk, &g, err);
		if (rc != IMG_OK)
			return rc;
		if (g > 0) {
			r->inserted += g;
			r->pos += g * BLK;
			*use = i;
			*gap = g * BLK;
			return IMG_OK;
		}
	}
	return IMG_OK;
}
