/* UDF writer: block layout of the volume and encoding of every descriptor (ECMA-167 3rd
 * edition parts 3 and 4, OSTA UDF 1.02-2.60). */
#include "common/udf/udf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/grow.h"
#include "common/udf/udf_desc.h"
#include "common/udf/udf_impl.h"

/* Our implementation identifier (UDF 2.1.5.2) with OS class UNIX, OS identifier Linux
 * (UDF 6.3). */
#define IMPL_ID "*mkimage (img toolkit)"
static const uint8_t impl_suffix[8] = {4, 5, 0, 0, 0, 0, 0, 0};

/* Blocks of each Volume Descriptor Sequence extent: UDF 2.2.3 asks for at least 16. */
#define VDS_BLOCKS 16u
/* Volume descriptor layout from the first block: main VDS, reserve VDS (unless it goes at the
 * end), integrity sequence (LVID and a terminator). */
#define HEAD_BLOCKS(u) (((u)->rvds_at_end ? 1 : 2) * VDS_BLOCKS + 2)
/* Content area: File Set Descriptor and its terminator, then one File Entry per inode. */
#define FSD_BLOCK 0u
#define FE_BASE 2u
/* 2.50 metadata partition: allocation and alignment unit of 32 blocks (64 KiB, a Blu-ray ECC
 * cluster); the metadata file and its mirror start at aligned blocks. */
#define META_ALIGN 32u
/* Largest extent of the metadata file, kept a multiple of the alignment unit. */
#define META_MAX_EXTENT (0x40000000u - META_ALIGN * IMG_UDF_BLOCK)

/* Descriptor tag identifiers (ECMA-167 3/7.2.1, 4/7.2.1). */
enum {
	TAG_PVD = 1, TAG_AVDP = 2, TAG_IUVD = 4, TAG_PD = 5, TAG_LVD = 6, TAG_USD = 7,
	TAG_TD = 8, TAG_LVID = 9, TAG_FSD = 256, TAG_FID = 257, TAG_FE = 261, TAG_EAH = 262,
	TAG_EFE = 266,
};

/* ICB file types (ECMA-167 4/14.6.6, UDF 2.50 2.2.13). */
enum {
	FT_BLOCK = 6, FT_CHAR = 7, FT_DIR = 4, FT_FILE = 5, FT_FIFO = 9, FT_SOCKET = 10,
	FT_SYMLINK = 12, FT_META = 250, FT_MIRROR = 251,
};

static int has_meta(const struct img_udf *u)
{
	return u->rev >= IMG_UDF_REV_250;
}

static int use_efe(const struct img_udf *u)
{
	return u->rev >= IMG_UDF_REV_201;
}

/* Descriptor version: 2 for NSR02 (UDF 1.0x/1.50), 3 for NSR03 (UDF 2.00+). */
static uint16_t tag_version(const struct img_udf *u)
{
	return u->rev >= IMG_UDF_REV_201 ? 3 : 2;
}

/* Partition reference of the partition holding the content area: the metadata partition
 * (map 1) for 2.50+, else the physical partition (map 0). */
static uint16_t meta_ref(const struct img_udf *u)
{
	return has_meta(u) ? 1 : 0;
}

static uint32_t fe_header(const struct img_udf *u)
{
	return use_efe(u) ? 216 : 176;
}

static uint64_t unique_id(uint32_t inode)
{
	/* UDF 3.2.1.1: the root has unique ID 0, and 1-15 are reserved (Macintosh). */
	return inode == 0 ? 0 : 15 + (uint64_t)inode;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static uint32_t fid_len(uint32_t name_len)
{
	return (38 + name_len + 3) & ~3u;
}

static void udf_suffix(const struct img_udf *u, uint8_t s[8])
{
	memset(s, 0, 8);
	img_udf_put16(s, (uint16_t)u->rev);
	s[2] = impl_suffix[0];
	s[3] = impl_suffix[1];
}

static void domain_id(const struct img_udf *u, uint8_t *p)
{
	uint8_t s[8] = {0};
	img_udf_put16(s, (uint16_t)u->rev);
	img_udf_put_regid(p, "*OSTA UDF Compliant", s);
}

/* A directory entry's encoded name, for finding equal names by sorting. */
struct name_ref {
	const uint8_t *name;
	uint32_t len, node;
};

static int cmp_name(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->name, y->name, x->len);
}

int img_udf_layout(struct img_udf *u, uint32_t first, uint32_t *nblocks)
{
	char path[1024];
	if (first < IMG_UDF_FIRST_BLOCK)
		return img_error_set(&u->err, IMG_EINVAL, "UDF metadata must start after block 256");
	/* Link counts (ECMA-167 4/14.9.6): one per FID naming the inode, parent FIDs included,
	 * so a directory has 1 + its subdirectories. */
	for (uint32_t i = 0; i < u->ninodes; i++) {
		u->inodes[i].nlink = 0;
		if (S_ISDIR(u->inodes[i].mode))
			u->inodes[i].size = 40; /* the parent FID: 38 bytes padded to 4 */
	}
	u->inodes[0].nlink = 1;
	struct name_ref *kids = malloc((size_t)u->nnodes * sizeof(*kids));
	if (kids == NULL)
		return img_error_set(&u->err, IMG_ENOMEM, "UDF layout");
	for (uint32_t n = 1; n < u->nnodes; n++) {
		struct udf_node *node = &u->nodes[n];
		struct udf_inode *ino = &u->inodes[node->inode];
		struct udf_inode *par = &u->inodes[u->nodes[node->parent].inode];
		if (ino->nlink < UINT16_MAX)
			ino->nlink++;
		if (S_ISDIR(ino->mode) && par->nlink < UINT16_MAX)
			par->nlink++;
		par->size += fid_len(node->name_len);
	}
	/* Equal names in one directory: sort each directory's names and compare neighbours. */
	for (uint32_t d = 0; d < u->nnodes; d++) {
		if (!S_ISDIR(u->inodes[u->nodes[d].inode].mode))
			continue;
		size_t k = 0;
		for (uint32_t c = u->nodes[d].first_child; c != UDF_NONE; c = u->nodes[c].next_sibling)
			kids[k++] = (struct name_ref){u->nodes[c].name, u->nodes[c].name_len, c};
		qsort(kids, k, sizeof(*kids), cmp_name);
		for (size_t i = 1; i < k; i++)
			if (cmp_name(&kids[i - 1], &kids[i]) == 0) {
				img_udf_node_path(u, kids[i].node, path, sizeof(path));
				free(kids);
				return img_error_set(&u->err, IMG_ECOLLISION,
						     "%s: two entries have this UDF name", path);
			}
	}
	free(kids);
	/* Content area: FSD, TD, File Entries, then directory data and long symlinks. */
	uint64_t next = FE_BASE + (uint64_t)u->ninodes;
	uint32_t embed_room = IMG_UDF_BLOCK - fe_header(u);
	for (uint32_t i = 0; i < u->ninodes; i++) {
		struct udf_inode *ino = &u->inodes[i];
		ino->data_blocks = 0;
		if (S_ISDIR(ino->mode) || (S_ISLNK(ino->mode) && ino->size > embed_room)) {
			ino->data_block = (uint32_t)next;
			ino->data_blocks = (uint32_t)div_up(ino->size, IMG_UDF_BLOCK);
			next += ino->data_blocks;
		}
		if (next > UINT32_MAX / 2)
			return img_error_set(&u->err, IMG_ETOOBIG, "UDF metadata too large");
	}
	u->content_blocks = (uint32_t)next;
	uint64_t used;
	if (has_meta(u)) {
		u->part_start = (first + HEAD_BLOCKS(u) + META_ALIGN - 1) / META_ALIGN * META_ALIGN;
		u->meta_blocks = (uint32_t)div_up(next, META_ALIGN) * META_ALIGN;
		used = META_ALIGN + 2 * (uint64_t)u->meta_blocks;
	} else {
		u->part_start = first + HEAD_BLOCKS(u);
		u->meta_blocks = 0;
		used = next;
	}
	uint64_t total = (uint64_t)u->part_start - first + used;
	if ((uint64_t)first + total > UINT32_MAX)
		return img_error_set(&u->err, IMG_ETOOBIG, "UDF metadata does not fit 32-bit blocks");
	/* The tree is complete: give back the spare capacity of its arrays (up to half of them),
	 * held otherwise while the whole image streams. */
	void *p = realloc(u->nodes, (size_t)u->nnodes * sizeof(*u->nodes));
	if (p != NULL) {
		u->nodes = p;
		u->nodes_cap = u->nnodes;
	}
	p = realloc(u->inodes, (size_t)u->ninodes * sizeof(*u->inodes));
	if (p != NULL) {
		u->inodes = p;
		u->inodes_cap = u->ninodes;
	}
	u->first = first;
	u->head_blocks = u->part_start - first + (has_meta(u) ? META_ALIGN : FE_BASE);
	u->content_rel = has_meta(u) ? META_ALIGN : FE_BASE;
	u->lvid = first + HEAD_BLOCKS(u) - 2;
	u->rvds = u->rvds_at_end ? 0 : first + VDS_BLOCKS;
	u->nblocks = (uint32_t)total;
	u->laid_out = 1;
	u->ended = 0;
	*nblocks = u->nblocks;
	return IMG_OK;
}

/* Blocks of the content area that img_udf_place_content moves: for 2.50+ the metadata file
 * and its mirror; else all but the File Set Descriptor and its terminator, which stay at
 * partition blocks 0 and 1, where pycdlib looks for them whatever the Logical Volume
 * Descriptor says. */
static uint32_t content_span(const struct img_udf *u)
{
	return has_meta(u) ? 2 * u->meta_blocks : u->content_blocks - FE_BASE;
}

/* What to add to a block number of the content area from FE_BASE on to address it in its
 * partition: how far it was moved in the physical partition, or 0 in the metadata partition,
 * which numbers the metadata file's blocks from 0 wherever the file lies. */
static uint32_t coff(const struct img_udf *u)
{
	return has_meta(u) ? 0 : u->content_rel - FE_BASE;
}

static uint32_t file_ad_len(const struct img_udf *u)
{
	return has_meta(u) ? 16 : 8;
}

uint32_t img_udf_head_blocks(const struct img_udf *u)
{
	return u->laid_out ? u->head_blocks : 0;
}

int img_udf_place_content(struct img_udf *u, uint32_t limit, uint32_t *lba)
{
	if (!u->laid_out)
		return img_error_set(&u->err, IMG_EINVAL, "UDF content placed before layout");
	uint32_t span = content_span(u), head_end = u->first + u->head_blocks;
	if (limit < head_end || limit - head_end < span)
		return img_error_set(&u->err, IMG_EINVAL, "UDF: no room for %u blocks of metadata "
				     "before block %u", span, limit);
	uint32_t rel = limit - span - u->part_start;
	if (has_meta(u))
		rel -= rel % META_ALIGN;
	u->content_rel = rel;
	u->ended = 0;
	*lba = u->part_start + rel;
	return IMG_OK;
}

int img_udf_set_anchor(struct img_udf *u, uint32_t anchor)
{
	if (!u->laid_out)
		return img_error_set(&u->err, IMG_EINVAL, "UDF end set before layout");
	uint32_t content = u->part_start + u->content_rel, content_end = content + content_span(u);
	/* The partition ends where the end blocks (reserve VDS, anchor) begin. */
	uint32_t part_end = anchor - (img_udf_end_blocks(u) - 1);
	if (anchor < content_end || part_end < content_end)
		return img_error_set(&u->err, IMG_EINVAL, "UDF closing anchor %u inside the metadata",
				     anchor);
	u->anchor_end = anchor;
	if (u->rvds_at_end)
		u->rvds = part_end;
	u->part_len = part_end - u->part_start;
	u->ended = 1;
	u->extents_checked = 0;
	return IMG_OK;
}

int img_udf_check_extents(struct img_udf *u)
{
	char path[1024];
	if (!u->ended)
		return img_error_set(&u->err, IMG_EINVAL, "UDF extents checked before the end was set");
	/* File data lies between the head and the end blocks, outside the content area. */
	uint32_t data_start = u->first + u->head_blocks;
	uint32_t content = u->part_start + u->content_rel, content_end = content + content_span(u);
	uint32_t part_end = u->part_start + u->part_len;
	uint32_t room = (IMG_UDF_BLOCK - fe_header(u)) / file_ad_len(u);
	for (uint32_t i = 0; i < u->ninodes; i++) {
		struct udf_inode *ino = &u->inodes[i];
		if (!S_ISREG(ino->mode))
			continue;
		/* The path only for an error: building it for every file cost more than the rest. */
		uint64_t given = img_udf_inode_ext_bytes(ino);
		if (given != ino->size) {
			img_udf_node_path(u, ino->node, path, sizeof(path));
			return img_error_set(&u->err, IMG_EINVAL,
					     "%s: extents cover %llu of %llu bytes", path,
					     (unsigned long long)given,
					     (unsigned long long)ino->size);
		}
		uint64_t ads = 0;
		for (uint32_t e = 0; e < ino->next; e++) {
			const struct udf_extent *x = &udf_extents(ino)[e];
			uint64_t x_end = x->lba + div_up(x->len, IMG_UDF_BLOCK);
			if (x->lba < data_start || x_end > part_end ||
			    (x->lba < content_end && x_end > content)) {
				img_udf_node_path(u, ino->node, path, sizeof(path));
				return img_error_set(&u->err, IMG_EINVAL,
						     "%s: extent at block %llu outside the UDF partition",
						     path, (unsigned long long)x->lba);
			}
			ads += img_udf_ad_count(x->len, IMG_UDF_MAX_EXTENT);
		}
		if (ads > room) {
			img_udf_node_path(u, ino->node, path, sizeof(path));
			return img_error_set(&u->err, IMG_EUNSUPPORTED,
					     "%s: needs %llu allocation descriptors, one UDF File Entry holds %u",
					     path, (unsigned long long)ads, room);
		}
	}
	u->extents_checked = 1;
	return IMG_OK;
}

int img_udf_set_end(struct img_udf *u, uint32_t anchor)
{
	int rc = img_udf_set_anchor(u, anchor);
	if (rc == IMG_OK && (rc = img_udf_check_extents(u)) != IMG_OK)
		u->ended = 0;
	return rc;
}

void img_udf_vrs(const struct img_udf *u, uint8_t out[3 * IMG_UDF_BLOCK])
{
	/* Volume Structure Descriptors (ECMA-167 2/9.2, 3/9.1): type 0, identifier, version 1. */
	static const char *const ids[3] = {"BEA01", "NSR02", "TEA01"};
	memset(out, 0, 3 * IMG_UDF_BLOCK);
	for (int i = 0; i < 3; i++) {
		uint8_t *d = out + i * IMG_UDF_BLOCK;
		memcpy(d + 1, i == 1 && u->rev >= IMG_UDF_REV_201 ? "NSR03" : ids[i], 5);
		d[6] = 1;
	}
}

void img_udf_anchor(const struct img_udf *u, uint32_t lba, uint8_t out[IMG_UDF_BLOCK])
{
	memset(out, 0, IMG_UDF_BLOCK);
	img_udf_put32(out + 16, VDS_BLOCKS * IMG_UDF_BLOCK);
	img_udf_put32(out + 20, u->first);
	img_udf_put32(out + 24, VDS_BLOCKS * IMG_UDF_BLOCK);
	img_udf_put32(out + 28, u->rvds);
	img_udf_put_tag(out, TAG_AVDP, tag_version(u), lba, 512);
}

/* Output buffer of the encoder: each step of the encoding appends to it (whole File Entries,
 * single FIDs, bounded padding), and img_udf_encoder_read hands it out.  It grows only to what
 * one read asks for (at most READ_CHUNK) plus the largest step (the head, about 130 blocks). */
struct emitter {
	uint64_t pos;        /* bytes produced since the first block */
	uint8_t *buf;
	size_t fill, rd, cap;
	int err;             /* IMG_ENOMEM once growing failed */
	uint8_t scratch[IMG_UDF_BLOCK]; /* written to when growing failed */
};

/* Room for n more bytes at the end of the buffer, moving the unread bytes to its start. */
static uint8_t *em_reserve(struct emitter *em, size_t n)
{
	if (em->cap - em->fill < n && em->rd > 0) {
		memmove(em->buf, em->buf + em->rd, em->fill - em->rd);
		em->fill -= em->rd;
		em->rd = 0;
	}
	if (em->cap - em->fill < n) {
		/* Doubled (from 64 KiB) until n more bytes fit. */
		size_t cap = em->cap ? em->cap : 64 * 1024;
		while (cap - em->fill < n && cap <= SIZE_MAX / 2)
			cap *= 2;
		if (cap - em->fill < n ||
		    img_reserve((void **)&em->buf, &em->cap, cap, 1) != IMG_OK) {
			em->err = IMG_ENOMEM;
			em->pos += n;
			return n <= sizeof(em->scratch) ? em->scratch : NULL;
		}
	}
	uint8_t *at = em->buf + em->fill;
	em->fill += n;
	em->pos += n;
	return at;
}

static void em_put(struct emitter *em, const void *data, size_t len)
{
	uint8_t *at = em_reserve(em, len);
	if (at == NULL || at == em->scratch)
		return;
	if (data != NULL)
		memcpy(at, data, len);
	else
		memset(at, 0, len);
}

/* Pads with zeros up to absolute position `block` blocks after the first. */
static void em_pad_to(struct emitter *em, uint64_t block)
{
	uint64_t want = block * IMG_UDF_BLOCK;
	if (want > em->pos)
		em_put(em, NULL, (size_t)(want - em->pos));
}

static void put_vds(const struct img_udf *u, struct emitter *em, uint32_t base)
{
	const uint64_t start = em->pos;
	uint8_t d[IMG_UDF_BLOCK], s[8];
	uint16_t v = tag_version(u);
	char vsi[256];
	size_t maps_len = has_meta(u) ? 6 + 64 : 6;

	/* Primary Volume Descriptor (ECMA-167 3/10.1, UDF 2.2.2). */
	memset(d, 0, sizeof(d));
	img_udf_put32(d + 16, 0);
	img_udf_put32(d + 20, 0);
	img_udf_put_dstring(d + 24, 32, u->volume_id);
	img_udf_put16(d + 56, 1);
	img_udf_put16(d + 58, 1);
	img_udf_put16(d + 60, 2);
	img_udf_put16(d + 62, 3);
	img_udf_put32(d + 64, 1);
	img_udf_put32(d + 68, 1);
	snprintf(vsi, sizeof(vsi), "%s%s", u->vs_unique, u->volume_id);
	img_udf_put_dstring(d + 72, 128, vsi);
	img_udf_put_charspec(d + 200);
	img_udf_put_charspec(d + 264);
	img_udf_put_timestamp(d + 376, u->vtime, 0);
	img_udf_put_regid(d + 388, IMPL_ID, impl_suffix);
	img_udf_put_tag(d, TAG_PVD, v, base, 512);
	em_put(em, d, sizeof(d));

	/* Implementation Use Volume Descriptor with the LV Info of UDF 2.2.7. */
	memset(d, 0, sizeof(d));
	img_udf_put32(d + 16, 1);
	udf_suffix(u, s);
	img_udf_put_regid(d + 20, "*UDF LV Info", s);
	img_udf_put_charspec(d + 52);
	img_udf_put_dstring(d + 116, 128, u->volume_id);
	img_udf_put_regid(d + 352, IMPL_ID, impl_suffix);
	img_udf_put_tag(d, TAG_IUVD, v, base + 1, 512);
	em_put(em, d, sizeof(d));

	/* Partition Descriptor (ECMA-167 3/10.5, UDF 2.2.14): read-only, number 0. */
	memset(d, 0, sizeof(d));
	img_udf_put32(d + 16, 2);
	img_udf_put16(d + 20, 1);
	img_udf_put16(d + 22, 0);
	img_udf_put_regid(d + 24, u->rev >= IMG_UDF_REV_201 ? "+NSR03" : "+NSR02", NULL);
	img_udf_put32(d + 184, 1);
	img_udf_put32(d + 188, u->part_start);
	img_udf_put32(d + 192, u->part_len);
	img_udf_put_regid(d + 196, IMPL_ID, impl_suffix);
	img_udf_put_tag(d, TAG_PD, v, base + 2, 512);
	em_put(em, d, sizeof(d));

	/* Logical Volume Descriptor (ECMA-167 3/10.6, UDF 2.2.4). */
	memset(d, 0, sizeof(d));
	img_udf_put32(d + 16, 3);
	img_udf_put_charspec(d + 20);
	img_udf_put_dstring(d + 84, 128, u->volume_id);
	img_udf_put32(d + 212, IMG_UDF_BLOCK);
	domain_id(u, d + 216);
	/* Logical Volume Contents Use: long_ad of the File Set Descriptor sequence. */
	img_udf_put32(d + 248, 2 * IMG_UDF_BLOCK);
	img_udf_put32(d + 252, FSD_BLOCK);
	img_udf_put16(d + 256, meta_ref(u));
	img_udf_put32(d + 264, (uint32_t)maps_len);
	img_udf_put32(d + 268, has_meta(u) ? 2 : 1);
	img_udf_put_regid(d + 272, IMPL_ID, impl_suffix);
	img_udf_put32(d + 432, 2 * IMG_UDF_BLOCK);
	img_udf_put32(d + 436, u->lvid);
	/* Type 1 partition map (3/10.7.2): volume 1, partition 0. */
	d[440] = 1;
	d[441] = 6;
	img_udf_put16(d + 442, 1);
	img_udf_put16(d + 444, 0);
	if (has_meta(u)) {
		/* Metadata partition map (UDF 2.50 2.2.10): over partition 0, metadata file
		 * and its mirror at partition blocks 0 and 1, no bitmap (read-only), and the
		 * Duplicate Metadata flag since the mirror is a separate copy. */
		uint8_t *m = d + 446;
		m[0] = 2;
		m[1] = 64;
		udf_suffix(u, s);
		img_udf_put_regid(m + 4, "*UDF Metadata Partition", s);
		img_udf_put16(m + 36, 1);
		img_udf_put16(m + 38, 0);
		img_udf_put32(m + 40, 0);
		img_udf_put32(m + 44, 1);
		img_udf_put32(m + 48, 0xFFFFFFFFu);
		img_udf_put32(m + 52, META_ALIGN);
		img_udf_put16(m + 56, META_ALIGN);
		m[58] = 1;
	}
	img_udf_put_tag(d, TAG_LVD, v, base + 3, 440 + maps_len);
	em_put(em, d, sizeof(d));

	/* Unallocated Space Descriptor (3/10.8): nothing is free on a read-only disc. */
	memset(d, 0, sizeof(d));
	img_udf_put32(d + 16, 4);
	img_udf_put_tag(d, TAG_USD, v, base + 4, 24);
	em_put(em, d, sizeof(d));

	memset(d, 0, sizeof(d));
	img_udf_put_tag(d, TAG_TD, v, base + 5, 512);
	em_put(em, d, sizeof(d));
	em_put(em, NULL, (size_t)(start + VDS_BLOCKS * IMG_UDF_BLOCK - em->pos));
}

static void put_lvid(const struct img_udf *u, struct emitter *em)
{
	uint8_t d[IMG_UDF_BLOCK];
	uint32_t loc = u->lvid;
	uint32_t np = has_meta(u) ? 2 : 1;
	/* Logical Volume Integrity Descriptor (ECMA-167 3/10.10, UDF 2.2.6), closed. */
	memset(d, 0, sizeof(d));
	img_udf_put_timestamp(d + 16, u->vtime, 0);
	img_udf_put32(d + 28, 1);
	/* Logical Volume Header Descriptor (4/14.15): the next unique ID. */
	img_udf_put64(d + 40, unique_id(u->ninodes));
	img_udf_put32(d + 72, np);
	img_udf_put32(d + 76, 46);
	/* Free space 0 (read-only), then sizes: the partition and the metadata file. */
	img_udf_put32(d + 80 + 4 * np, u->part_len);
	if (has_meta(u))
		img_udf_put32(d + 80 + 4 * np + 4, u->meta_blocks);
	uint8_t *iu = d + 80 + 8 * np;
	img_udf_put_regid(iu, IMPL_ID, impl_suffix);
	img_udf_put32(iu + 32, (uint32_t)u->nfiles);
	img_udf_put32(iu + 36, (uint32_t)u->ndirs);
	/* Minimum read revision: "at most #0250 for all media with a UDF 2.60 file system"
	 * (UDF 2.60, Basic Restrictions & Requirements); Linux before 6.2 refuses a volume that
	 * asks for 2.60.  The write revisions stay the volume's own. */
	img_udf_put16(iu + 40, (uint16_t)(u->rev > IMG_UDF_REV_250 ? IMG_UDF_REV_250 : u->rev));
	img_udf_put16(iu + 42, (uint16_t)u->rev);
	img_udf_put16(iu + 44, (uint16_t)u->rev);
	img_udf_put_tag(d, TAG_LVID, tag_version(u), loc, 80 + 8 * np + 46);
	em_put(em, d, sizeof(d));
	memset(d, 0, sizeof(d));
	img_udf_put_tag(d, TAG_TD, tag_version(u), loc + 1, 512);
	em_put(em, d, sizeof(d));
}

/* Fills the fields File Entries and Extended File Entries share, at their own offsets
 * (ECMA-167 4/14.9 and 4/14.17); returns the offset where the allocation descriptors go. */
static uint32_t put_fe_header(const struct img_udf *u, uint8_t *d, uint8_t file_type,
			      uint16_t flags, const struct udf_inode *ino, uint64_t info_len,
			      uint64_t blocks, uint64_t uid)
{
	memset(d, 0, IMG_UDF_BLOCK);
	/* ICB tag (4/14.6): strategy 4, one entry. */
	img_udf_put16(d + 20, 4);
	img_udf_put16(d + 24, 1);
	d[27] = file_type;
	img_udf_put16(d + 34, flags);
	uint32_t perm = 0;
	if (ino != NULL) {
		/* Permissions (4/14.9.5): other bits 0-2, group 5-7, owner 10-12, in the same
		 * execute/write/read order as Unix. */
		perm = (ino->mode & 07) | (ino->mode >> 3 & 07) << 5 | (ino->mode >> 6 & 07) << 10;
		img_udf_put32(d + 36, ino->uid);
		img_udf_put32(d + 40, ino->gid);
		img_udf_put16(d + 48, (uint16_t)ino->nlink);
	} else {
		img_udf_put16(d + 48, 1);
	}
	img_udf_put32(d + 44, perm);
	img_udf_put64(d + 56, info_len);
	/* Times at their offsets in order atime, mtime, ctime, btime (File Entries have no
	 * creation time).  Equal times (the usual case) are converted once. */
	static const uint8_t efe_at[4] = {80, 92, 116, 104}, fe_at[3] = {72, 84, 96};
	const uint8_t *at = use_efe(u) ? efe_at : fe_at;
	int ntimes = use_efe(u) ? 4 : 3;
	for (int k = 0; k < ntimes; k++) {
		int64_t sec = ino ? ino->sec[k] : u->vtime;
		int32_t nsec = ino ? ino->nsec[k] : 0;
		int same = -1;
		for (int j = 0; j < k && same < 0; j++)
			if ((ino ? ino->sec[j] : u->vtime) == sec && (ino ? ino->nsec[j] : 0) == nsec)
				same = j;
		if (same >= 0)
			memcpy(d + at[k], d + at[same], 12);
		else
			img_udf_put_timestamp(d + at[k], sec, nsec);
	}
	if (use_efe(u)) {
		img_udf_put64(d + 64, info_len);
		img_udf_put64(d + 72, blocks);
		img_udf_put32(d + 128, 1);
		img_udf_put_regid(d + 168, IMPL_ID, impl_suffix);
		img_udf_put64(d + 200, uid);
		return 216;
	}
	img_udf_put64(d + 64, blocks);
	img_udf_put32(d + 108, 1);
	img_udf_put_regid(d + 128, IMPL_ID, impl_suffix);
	img_udf_put64(d + 160, uid);
	return 176;
}

/* Writes the lengths of the extended attributes and allocation descriptors (which follow the
 * header in that order) and the tag of a (Extended) File Entry. */
static void finish_fe(const struct img_udf *u, uint8_t *d, uint32_t hdr, uint32_t ea_len,
		      uint32_t ad_len, uint32_t loc)
{
	img_udf_put32(d + hdr - 8, ea_len);
	img_udf_put32(d + hdr - 4, ad_len);
	img_udf_put_tag(d, use_efe(u) ? TAG_EFE : TAG_FE, tag_version(u), loc,
			hdr + ea_len + ad_len);
}

/* Extended attributes of a device: the header (ECMA-167 4/14.10.1; no implementation or
 * application attributes, so both locations are 0xFFFFFFFF as Linux writes them) and a
 * Device Specification (4/14.10.7: type 12, subtype 1, 24 bytes).  Returns their length. */
static uint32_t put_device_ea(const struct img_udf *u, uint8_t *ea, const struct udf_inode *ino,
			      uint32_t loc)
{
	memset(ea, 0, 48);
	img_udf_put32(ea + 16, 0xFFFFFFFFu);
	img_udf_put32(ea + 20, 0xFFFFFFFFu);
	img_udf_put_tag(ea, TAG_EAH, tag_version(u), loc, 24);
	uint8_t *dev = ea + 24;
	img_udf_put32(dev, 12);
	dev[4] = 1;
	img_udf_put32(dev + 8, 24);
	img_udf_put32(dev + 12, 0);
	img_udf_put32(dev + 16, ino->major);
	img_udf_put32(dev + 20, ino->minor);
	return 48;
}

/* Encodes the File Entry of inode i into the block d. */
static int encode_fe(struct img_udf *u, uint8_t *d, uint32_t i)
{
	const struct udf_inode *ino = &u->inodes[i];
	uint16_t flags = 0;
	if (ino->mode & S_ISUID)
		flags |= 1u << 6;
	if (ino->mode & S_ISGID)
		flags |= 1u << 7;
	if (ino->mode & S_ISVTX)
		flags |= 1u << 8;
	uint32_t loc = FE_BASE + i + coff(u), hdr = fe_header(u), room = IMG_UDF_BLOCK - hdr, ea = 0;
	size_t ad = 0, n;
	if (S_ISREG(ino->mode)) {
		/* File data lies in the physical partition: short_ads when the File Entry is
		 * there too, long_ads naming partition 0 from the metadata partition (2.50). */
		int type = has_meta(u) ? IMG_UDF_AD_LONG : IMG_UDF_AD_SHORT;
		const struct udf_extent *ext = udf_extents(ino);
		uint64_t blocks = 0;
		for (uint32_t e = 0; e < ino->next; e++)
			blocks += div_up(ext[e].len, IMG_UDF_BLOCK);
		hdr = put_fe_header(u, d, FT_FILE, flags | (uint16_t)type, ino, ino->size, blocks,
				    unique_id(i));
		for (uint32_t e = 0; e < ino->next; e++) {
			n = img_udf_put_ads(d + hdr + ad, room - ad, type, 0,
					    (uint32_t)(ext[e].lba - u->part_start),
					    ext[e].len, IMG_UDF_MAX_EXTENT);
			if (n == 0)
				return img_error_set(&u->err, IMG_EUNSUPPORTED,
						     "too many allocation descriptors");
			ad += n;
		}
	} else if (S_ISDIR(ino->mode)) {
		hdr = put_fe_header(u, d, FT_DIR, flags | IMG_UDF_AD_SHORT, ino, ino->size,
				    ino->data_blocks, unique_id(i));
		ad = img_udf_put_ads(d + hdr, room, IMG_UDF_AD_SHORT, 0, ino->data_block + coff(u),
				     ino->size, IMG_UDF_MAX_EXTENT);
		if (ad == 0)
			return img_error_set(&u->err, IMG_ETOOBIG, "directory too large");
	} else if (!S_ISLNK(ino->mode)) {
		uint8_t type = S_ISFIFO(ino->mode) ? FT_FIFO : S_ISSOCK(ino->mode) ? FT_SOCKET :
			       S_ISCHR(ino->mode) ? FT_CHAR : FT_BLOCK;
		hdr = put_fe_header(u, d, type, flags, ino, 0, 0, unique_id(i));
		if (type == FT_CHAR || type == FT_BLOCK)
			ea = put_device_ea(u, d + hdr, ino, loc);
	} else if (ino->data_blocks == 0) {
		/* Short symlinks are embedded in the File Entry (4/14.6.8, type 3). */
		hdr = put_fe_header(u, d, FT_SYMLINK, flags | IMG_UDF_AD_EMBEDDED, ino, ino->size,
				    0, unique_id(i));
		memcpy(d + hdr, ino->symlink, ino->size);
		ad = ino->size;
	} else {
		hdr = put_fe_header(u, d, FT_SYMLINK, flags | IMG_UDF_AD_SHORT, ino, ino->size,
				    ino->data_blocks, unique_id(i));
		ad = img_udf_put_ads(d + hdr, room, IMG_UDF_AD_SHORT, 0, ino->data_block + coff(u),
				     ino->size, IMG_UDF_MAX_EXTENT);
	}
	finish_fe(u, d, hdr, ea, (uint32_t)ad, loc);
	return IMG_OK;
}

static int put_fe(struct img_udf *u, struct emitter *em, uint32_t i)
{
	uint8_t *d = em_reserve(em, IMG_UDF_BLOCK);
	return d != NULL ? encode_fe(u, d, i) : IMG_ENOMEM;
}

/* Appends one File Identifier Descriptor (ECMA-167 4/14.4) to the directory data; its tag
 * names the block where it starts, which may not be the block where it ends. */
static void put_fid(const struct img_udf *u, struct emitter *em, uint64_t content_pos,
		    uint8_t chars, uint32_t inode, const struct udf_node *node)
{
	uint32_t name_len = node != NULL ? node->name_len : 0;
	uint32_t len = fid_len(name_len);
	/* The tag names the block where the FID starts. */
	uint32_t loc = (uint32_t)((em->pos - content_pos) / IMG_UDF_BLOCK) + coff(u);
	uint8_t *f = em_reserve(em, len);
	if (f == NULL)
		return;
	memset(f, 0, len);
	img_udf_put16(f + 16, 1);
	f[18] = chars;
	f[19] = (uint8_t)name_len;
	img_udf_put_icb(f + 20, FE_BASE + inode + coff(u), meta_ref(u), unique_id(inode),
			u->rev >= IMG_UDF_REV_201);
	if (name_len > 0)
		memcpy(f + 38, node->name, name_len);
	img_udf_put_tag(f, TAG_FID, tag_version(u), loc, len);
}

/* The File Set Descriptor (ECMA-167 4/14.1, UDF 2.3.2) and its terminator: the first two
 * blocks of the content area. */
static void put_fsd(const struct img_udf *u, struct emitter *em)
{
	uint8_t d[IMG_UDF_BLOCK];
	memset(d, 0, sizeof(d));
	img_udf_put_timestamp(d + 16, u->vtime, 0);
	img_udf_put16(d + 28, 3);
	img_udf_put16(d + 30, 3);
	img_udf_put32(d + 32, 1);
	img_udf_put32(d + 36, 1);
	img_udf_put_charspec(d + 48);
	img_udf_put_dstring(d + 112, 128, u->volume_id);
	img_udf_put_charspec(d + 240);
	img_udf_put_dstring(d + 304, 32, u->volume_id);
	img_udf_put_icb(d + 400, FE_BASE + coff(u), meta_ref(u), 0, 0);
	domain_id(u, d + 416);
	img_udf_put_tag(d, TAG_FSD, tag_version(u), FSD_BLOCK, 512);
	em_put(em, d, sizeof(d));
	memset(d, 0, sizeof(d));
	img_udf_put_tag(d, TAG_TD, tag_version(u), FSD_BLOCK + 1, 512);
	em_put(em, d, sizeof(d));
}

/* The metadata file or its mirror (UDF 2.50 2.2.13): an Extended File Entry in the physical
 * partition whose short_ads cover the copy of the content area at partition block `at`, in
 * pieces that stay multiples of the alignment unit. */
static int put_meta_fe(struct img_udf *u, struct emitter *em, uint8_t type, uint32_t loc,
		       uint32_t at)
{
	uint8_t d[IMG_UDF_BLOCK];
	uint64_t bytes = (uint64_t)u->meta_blocks * IMG_UDF_BLOCK;
	uint32_t hdr = put_fe_header(u, d, type, IMG_UDF_AD_SHORT, NULL, bytes, u->meta_blocks, 0);
	size_t ad = img_udf_put_ads(d + hdr, IMG_UDF_BLOCK - hdr, IMG_UDF_AD_SHORT, 0, at, bytes,
				    META_MAX_EXTENT);
	if (ad == 0)
		return img_error_set(&u->err, IMG_ETOOBIG, "UDF metadata too large for one metadata file");
	finish_fe(u, d, hdr, 0, (uint32_t)ad, loc);
	em_put(em, d, sizeof(d));
	return IMG_OK;
}

/* ---- the encoder: the metadata encoded piece by piece as it is read ----
 * Steps, in the order of the blocks: the head (both Volume Descriptor Sequences, the integrity
 * sequence, for 2.50+ the metadata file and mirror File Entries), then per copy of the content
 * area (one, or two for 2.50+: the metadata file and its mirror hold the same bytes) the File
 * Set Descriptor, one File Entry per step, the data of directories (one FID per step) and long
 * symlinks, and the padding up to the area's end. */
enum { PH_HEAD, PH_FSD, PH_FE, PH_DATA, PH_END, PH_DONE };

struct img_udf_encoder {
	struct img_udf *u;
	struct emitter em;
	int phase, copy, err;
	uint32_t i;          /* PH_FE: next inode; PH_DATA: inode whose data is being written */
	uint32_t child;      /* PH_DATA: next child node of a directory, UDF_NONE after the last */
	int started;         /* PH_DATA: the current inode's data was begun */
	uint64_t content;    /* em.pos where the current copy of the content area starts */
};

/* Most bytes encoded ahead of what was read. */
#define READ_CHUNK (64u * 1024)

static int step_data(struct img_udf_encoder *r)
{
	struct img_udf *u = r->u;
	struct emitter *em = &r->em;
	if (!r->started) {
		while (r->i < u->ninodes && u->inodes[r->i].data_blocks == 0)
			r->i++;
		if (r->i == u->ninodes) {
			r->phase = PH_END;
			return IMG_OK;
		}
		const struct udf_inode *ino = &u->inodes[r->i];
		if (em->pos - r->content != (uint64_t)ino->data_block * IMG_UDF_BLOCK)
			return img_error_set(&u->err, IMG_EINVAL, "UDF layout out of step");
		r->started = 1;
		if (!S_ISDIR(ino->mode)) {
			em_put(em, ino->symlink, ino->size);
			r->child = UDF_NONE;
			return IMG_OK;
		}
		/* The parent FID comes first; the root is its own parent. */
		const struct udf_node *dir = &u->nodes[ino->node];
		put_fid(u, em, r->content, 0x0A, u->nodes[dir->parent].inode, NULL);
		r->child = dir->first_child;
		return IMG_OK;
	}
	if (r->child != UDF_NONE) {
		const struct udf_node *k = &u->nodes[r->child];
		uint8_t chars = S_ISDIR(u->inodes[k->inode].mode) ? 0x02 : 0;
		put_fid(u, em, r->content, chars, k->inode, k);
		r->child = k->next_sibling;
		return IMG_OK;
	}
	const struct udf_inode *ino = &u->inodes[r->i];
	em_pad_to(em, r->content / IMG_UDF_BLOCK + ino->data_block + ino->data_blocks);
	r->started = 0;
	r->i++;
	return IMG_OK;
}

static int step(struct img_udf_encoder *r)
{
	struct img_udf *u = r->u;
	struct emitter *em = &r->em;
	int rc = IMG_OK;
	switch (r->phase) {
	case PH_HEAD:
		put_vds(u, em, u->first);
		if (!u->rvds_at_end)
			put_vds(u, em, u->rvds);
		put_lvid(u, em);
		em_pad_to(em, u->part_start - u->first);
		if (has_meta(u)) {
			/* The metadata file and its mirror, then the two copies of the content
			 * (the mirror's first). */
			/* The mirror first: 7-Zip reads the metadata file only, takes the end of
			 * what it read for the end of the volume and fails on anything but zeros
			 * and Anchors after it ("Headers Error"), so the copy it reads ends the
			 * content, which ends right before the closing blocks at the end of the
			 * image (the two copies hold the same bytes). */
			rc = put_meta_fe(u, em, FT_META, 0, u->content_rel + u->meta_blocks);
			if (rc == IMG_OK)
				rc = put_meta_fe(u, em, FT_MIRROR, 1, u->content_rel);
			em_pad_to(em, u->part_start - u->first + META_ALIGN);
		}
		r->phase = PH_FSD;
		break;
	case PH_FSD:
		r->content = em->pos;
		put_fsd(u, em);
		r->i = 0;
		r->phase = PH_FE;
		break;
	case PH_FE:
		if (!u->extents_checked)
			return img_error_set(&u->err, IMG_EINVAL,
					     "UDF File Entries read before the extents were checked");
		if (r->i == u->ninodes) {
			r->i = 0;
			r->started = 0;
			r->phase = PH_DATA;
			break;
		}
		rc = put_fe(u, em, r->i++);
		break;
	case PH_DATA:
		rc = step_data(r);
		break;
	case PH_END:
		em_pad_to(em, r->content / IMG_UDF_BLOCK +
			      (has_meta(u) ? u->meta_blocks : u->content_blocks));
		if (has_meta(u) && r->copy == 0) {
			r->copy = 1;
			r->phase = PH_FSD;
			break;
		}
		if (em->pos != (uint64_t)u->nblocks * IMG_UDF_BLOCK)
			return img_error_set(&u->err, IMG_EINVAL, "UDF layout out of step");
		r->phase = PH_DONE;
		break;
	default:
		break;
	}
	if (rc == IMG_OK && em->err != 0)
		rc = img_error_set(&u->err, em->err, "UDF output buffer");
	return rc;
}

int img_udf_encoder_new(struct img_udf *u, struct img_udf_encoder **out)
{
	*out = NULL;
	if (!u->ended)
		return img_error_set(&u->err, IMG_EINVAL, "UDF read before its end was set");
	struct img_udf_encoder *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return img_error_set(&u->err, IMG_ENOMEM, "UDF encoder");
	r->u = u;
	r->phase = PH_HEAD;
	*out = r;
	return IMG_OK;
}

void img_udf_encoder_free(struct img_udf_encoder *r)
{
	if (r == NULL)
		return;
	free(r->em.buf);
	free(r);
}

int img_udf_encoder_read(struct img_udf_encoder *r, void *buf, size_t len, size_t *got)
{
	struct emitter *em = &r->em;
	*got = 0;
	if (r->err != IMG_OK)
		return r->err;
	if (em->rd == em->fill)
		em->rd = em->fill = 0;
	/* File Entries, most of the metadata, go straight into the caller's buffer. */
	if (em->rd == em->fill && r->phase == PH_FE && len >= IMG_UDF_BLOCK &&
	    r->u->extents_checked) {
		struct img_udf *u = r->u;
		size_t n = 0;
		while (r->i < u->ninodes && len - n >= IMG_UDF_BLOCK) {
			int rc = encode_fe(u, (uint8_t *)buf + n, r->i);
			if (rc != IMG_OK) {
				r->err = rc;
				return rc;
			}
			r->i++;
			n += IMG_UDF_BLOCK;
			em->pos += IMG_UDF_BLOCK;
		}
		if (n > 0) {
			*got = n;
			return IMG_OK;
		}
	}
	size_t want = len < READ_CHUNK ? len : READ_CHUNK;
	while (em->fill - em->rd < want && r->phase != PH_DONE) {
		int rc = step(r);
		if (rc != IMG_OK) {
			r->err = rc;
			return rc;
		}
	}
	size_t n = em->fill - em->rd;
	if (n > len)
		n = len;
	memcpy(buf, em->buf + em->rd, n);
	em->rd += n;
	*got = n;
	return IMG_OK;
}

int img_udf_write(struct img_udf *u, img_udf_write_fn fn, void *ctx)
{
	struct img_udf_encoder *r;
	int rc = img_udf_encoder_new(u, &r);
	if (rc != IMG_OK)
		return rc;
	uint8_t *buf = malloc(READ_CHUNK);
	if (buf == NULL) {
		img_udf_encoder_free(r);
		return img_error_set(&u->err, IMG_ENOMEM, "UDF output buffer");
	}
	for (;;) {
		/* Whole chunks (whole blocks) for fn, as the metadata is whole blocks. */
		size_t fill = 0, n = 1;
		while (fill < READ_CHUNK && n > 0 && rc == IMG_OK) {
			rc = img_udf_encoder_read(r, buf + fill, READ_CHUNK - fill, &n);
			fill += n;
		}
		if (rc != IMG_OK || fill == 0)
			break;
		if ((rc = fn(ctx, buf, fill)) != IMG_OK) {
			rc = img_error_set(&u->err, rc, "writing UDF metadata");
			break;
		}
	}
	free(buf);
	img_udf_encoder_free(r);
	return rc;
}

uint32_t img_udf_end_blocks(const struct img_udf *u)
{
	return u->rvds_at_end ? VDS_BLOCKS + 1 : 1;
}

int img_udf_end(struct img_udf *u, uint8_t *out)
{
	if (!u->ended)
		return img_error_set(&u->err, IMG_EINVAL, "UDF end blocks asked before the end was set");
	uint8_t *p = out;
	if (u->rvds_at_end) {
		struct emitter em = {0};
		put_vds(u, &em, u->rvds);
		if (em.err != 0 || em.fill != VDS_BLOCKS * IMG_UDF_BLOCK) {
			free(em.buf);
			return img_error_set(&u->err, IMG_ENOMEM, "UDF output buffer");
		}
		memcpy(p, em.buf, em.fill);
		p += em.fill;
		free(em.buf);
	}
	img_udf_anchor(u, u->anchor_end, p);
	return IMG_OK;
}
