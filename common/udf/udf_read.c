/* UDF reader: volume structures, file entries, directories (partition maps: udf_partmap.c). */
#include "common/udf/udf_read_impl.h"
#include "common/udf/udf_desc.h"
#include "common/base/unicode.h"
#include "common/base/bytes.h"
#include "common/base/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *img_udfr_tag_name(unsigned id)
{
	switch (id) {
	case 1: return "primary volume descriptor";
	case 2: return "anchor volume descriptor pointer";
	case 3: return "volume descriptor pointer";
	case 4: return "implementation use volume descriptor";
	case 5: return "partition descriptor";
	case 6: return "logical volume descriptor";
	case 7: return "unallocated space descriptor";
	case 8: return "terminating descriptor";
	case 9: return "logical volume integrity descriptor";
	case 256: return "file set descriptor";
	case 257: return "file identifier descriptor";
	case 258: return "allocation extent descriptor";
	case 259: return "indirect entry";
	case 261: return "file entry";
	case 266: return "extended file entry";
	default: return "descriptor";
	}
}

/* ECMA-167 3/7.2: checksum of bytes 0-15 except 4, CRC over crc_len bytes after the tag, and
 * the recorded location.  len is how many bytes of the descriptor are in buf. */
int img_udfr_check_tag(const unsigned char *b, size_t len, uint32_t location, bool check_location,
		       uint64_t off, const char *what, struct img_error *err)
{
	if (len < 16)
		return img_error_set(err, IMG_ECORRUPT, "UDF %s at byte %llu: truncated tag", what,
				     (unsigned long long)off);
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += b[i];
	if ((sum & 0xff) != b[4])
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: tag checksum 0x%02x, computed 0x%02x",
				     what, (unsigned long long)off, b[4], sum & 0xff);
	size_t crc_len = img_le16(b + 10);
	if (crc_len > len - 16)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: CRC length %zu runs past the descriptor",
				     what, (unsigned long long)off + 10, crc_len);
	uint16_t crc = img_udf_crc(b + 16, crc_len);
	if (crc != img_le16(b + 8))
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: descriptor CRC 0x%04x, computed 0x%04x",
				     what, (unsigned long long)off + 8, img_le16(b + 8), crc);
	if (check_location && img_le32(b + 12) != location)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: tag location %u, expected %u", what,
				     (unsigned long long)off + 12, img_le32(b + 12), location);
	return IMG_OK;
}

/* OSTA compressed unicode (UDF 2.1.1) to UTF-8. */
static void dchars(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	if (n == 0)
		return;
	unsigned comp = p[0];
	size_t step = (comp == 16 || comp == 255) ? 2 : 1;
	if (comp != 8 && comp != 16 && comp != 254 && comp != 255)
		return;
	for (size_t i = 1; i + step <= n; i += step) {
		unsigned c = step == 2 ? (unsigned)p[i] << 8 | p[i + 1] : p[i];
		if (c == 0 && step == 1)
			break;
		if (c < 0x20 || c == '/' || (c >= 0xd800 && c < 0xe000))
			c = c == 0 ? 0 : '_';
		if (c == 0)
			break;
		size_t grown = img_utf8_append(out, len, size, c);
		if (grown == len)
			break;
		len = grown;
	}
	out[len] = '\0';
}

/* dstring (UDF 2.1.3): the last byte holds the used length. */
static void dstring(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t used = p[n - 1];
	if (used > n - 1)
		used = n - 1;
	dchars(p, used, out, size);
}

void img_udfr_free(struct udf_reader *r)
{
	img_udfr_free_maps(r);
	free(r->dirs_seen);
	r->dirs_seen = NULL;
}

/* Allocation descriptors and their "next extent" chain (AED), a bounded number of hops. */
int img_udfr_walk_ads(struct udf_reader *r, const unsigned char *ads, size_t len, int type,
		      unsigned pref, uint64_t where, img_udfr_ad_visit visit, void *ctx)
{
	unsigned char buf[IMG_UDF_MAXBS];
	size_t step = type == 0 ? 8 : 16;
	for (int hops = 0;; hops++) {
		bool more = false;
		uint32_t next = 0, next_len = 0;
		unsigned next_pref = pref;
		for (size_t i = 0; i + step <= len; i += step) {
			uint32_t raw = img_le32(ads + i), elen = raw & 0x3fffffff, etype = raw >> 30;
			uint32_t lbn = img_le32(ads + i + 4);
			unsigned apref = type == 0 ? pref : img_le16(ads + i + 8);
			if (elen == 0)
				break;
			if (etype == 3) {
				more = true;
				next = lbn;
				next_len = elen;
				next_pref = apref;
				break;
			}
			int rc = visit(r, ctx, apref, lbn, elen, etype, where + i);
			if (rc != IMG_OK)
				return rc;
		}
		if (!more)
			return IMG_OK;
		if (hops >= IMG_UDF_MAX_AD_HOPS)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF allocation extent chain at byte %llu: more than %d "
					     "links, it loops", (unsigned long long)where,
					     IMG_UDF_MAX_AD_HOPS);
		uint64_t off;
		int rc = img_udfr_read_block(r, next_pref, next, buf, "UDF allocation extent descriptor",
					     where, &off);
		if (rc == IMG_OK && img_le16(buf) != 258)
			rc = img_error_set(r->err, IMG_ECORRUPT,
					   "UDF allocation extent descriptor at byte %llu: tag "
					   "identifier %u", (unsigned long long)off, img_le16(buf));
		if (rc == IMG_OK)
			rc = img_udfr_check_part_tag(r, buf, next_pref, next, off, img_udfr_tag_name(258));
		if (rc != IMG_OK)
			return rc;
		r->info->tags_verified++;
		size_t l = img_le32(buf + 20);
		if (l > r->bs - 24 || l > next_len)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF allocation extent descriptor at byte %llu: length "
					     "of allocation descriptors %zu", (unsigned long long)off + 20,
					     l);
		memmove(buf, buf + 24, l);
		ads = buf;
		len = l;
		pref = next_pref;
		where = off + 24;
	}
}

/* Checks a descriptor read as block lbn of pref: its tag identifier (want, or 0 for a file
 * entry, extended file entry or indirect entry) and its tag. */
int img_udfr_check_desc(struct udf_reader *r, const unsigned char *b, unsigned pref, uint32_t lbn,
			uint64_t off, unsigned want)
{
	unsigned id = img_le16(b);
	if (want == 0 && id != 261 && id != 266 && id != 259)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF ICB at byte %llu: tag identifier %u "
				     "is not a file entry", (unsigned long long)off, id);
	if (want != 0 && id != want)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF %s at byte %llu: tag identifier %u",
				     img_udfr_tag_name(want), (unsigned long long)off, id);
	return img_udfr_check_part_tag(r, b, pref, lbn, off, img_udfr_tag_name(id));
}

/* Reads the ICB at block lbn of pref into r->block, following indirect entries (4/14.7,
 * strategy 4096) a bounded number of times; checks the tag.  *pref_out, *off: where the file
 * entry was found. */
int img_udfr_read_icb(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t where,
		      unsigned *pref_out, uint64_t *off)
{
	unsigned char *b = r->block;
	for (int hops = 0;; hops++) {
		int rc = img_udfr_read_block(r, pref, lbn, b, "UDF file entry", where, off);
		if (rc == IMG_OK)
			rc = img_udfr_check_desc(r, b, pref, lbn, *off, 0);
		if (rc != IMG_OK && (rc = img_udfr_meta_retry(r, pref, lbn, b, off, 0, rc)) != IMG_OK)
			return rc;
		r->info->tags_verified++;
		if (img_le16(b) != 259) {
			*pref_out = pref;
			return IMG_OK;
		}
		if (hops >= IMG_UDF_MAX_AD_HOPS)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF indirect entry at byte %llu: chain of more than %d "
					     "entries, it loops", (unsigned long long)*off,
					     IMG_UDF_MAX_AD_HOPS);
		where = *off + 36;
		lbn = img_le32(b + 36 + 4);
		pref = img_le16(b + 36 + 8);
	}
}

/* The allocation descriptor area of the file entry in r->block: start, lengths, type. */
int img_udfr_entry_ads(struct udf_reader *r, uint64_t off, size_t *start, size_t *lad, int *atype)
{
	const unsigned char *b = r->block;
	bool efe = img_le16(b) == 266;
	size_t lea = img_le32(b + (efe ? 208 : 168));
	*lad = img_le32(b + (efe ? 212 : 172));
	size_t base = efe ? 216 : 176;
	if (lea > r->bs || *lad > r->bs || base + lea + *lad > r->bs)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: extended attributes (%zu) and allocation "
				     "descriptors (%zu) overrun the block", img_udfr_tag_name(img_le16(b)),
				     (unsigned long long)off, lea, *lad);
	*start = base + lea;
	*atype = img_le16(b + 16 + 18) & 7;
	return IMG_OK;
}

static int entry_visit(struct udf_reader *r, void *ctx, unsigned pref, uint32_t lbn, uint32_t len,
		       unsigned etype, uint64_t where)
{
	if (etype != 0)
		return IMG_OK; /* allocated or unallocated but unrecorded: a hole */
	return img_udfr_map_range(r, pref, lbn, len, where, ctx);
}

/* Reads the extents of the file entry in r->block (at byte off, in partition pref) into n. */
int img_udfr_entry_extents(struct udf_reader *r, unsigned pref, uint64_t off, struct img_fnode *n)
{
	size_t start, lad;
	int atype;
	int rc = img_udfr_entry_ads(r, off, &start, &lad, &atype);
	if (rc != IMG_OK)
		return rc;
	const unsigned char *b = r->block;
	if (atype == 3) {
		/* Data embedded in the entry itself. */
		if (n->size > lad)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF %s at byte %llu: %llu bytes of embedded data in a "
					     "%zu-byte area", img_udfr_tag_name(img_le16(b)), (unsigned long long)off,
					     (unsigned long long)n->size, lad);
		return lad ? img_fnode_add_extent(n, off + start, lad) : IMG_OK;
	}
	if (atype != 0 && atype != 1)
		return img_error_set(r->err, IMG_EUNSUPPORTED,
				     "UDF %s at byte %llu: allocation descriptor type %d",
				     img_udfr_tag_name(img_le16(b)), (unsigned long long)off, atype);
	unsigned char copy[IMG_UDF_MAXBS];
	memcpy(copy, b + start, lad);
	return img_udfr_walk_ads(r, copy, lad, atype, pref, off + start, entry_visit, n);
}

/* ---- volume ---- */

/* The integrity sequence (extent_ad at 432 of the logical volume descriptor): the last
 * logical volume integrity descriptor holds the counts and revisions (UDF 2.2.6.4).  A missing
 * or damaged one is not an error for reading: the fields stay unset. */
static void read_lvid(struct udf_reader *r, uint32_t len, uint32_t loc)
{
	unsigned char b[IMG_UDF_MAXBS];
	uint32_t n = len / r->bs;
	for (uint32_t i = 0; i < n && i < 64; i++) {
		uint64_t off = ((uint64_t)loc + i) * r->bs;
		if (img_source_read(r->src, off, b, r->bs, "UDF integrity", NULL) != IMG_OK ||
		    img_le16(b) != 9 || img_udfr_check_tag(b, r->bs, loc + i, true, off, img_udfr_tag_name(9),
							   r->err) != IMG_OK)
			return;
		uint32_t np = img_le32(b + 72), liu = img_le32(b + 76);
		if (np > 64 || liu < 46 || 80 + 8 * (size_t)np + liu > r->bs)
			return;
		const unsigned char *iu = b + 80 + 8 * np;
		struct img_udf_info *info = r->info;
		info->tags_verified++;
		info->lvid = true;
		info->lvid_closed = img_le32(b + 28) == 1;
		info->lvid_files = img_le32(iu + 32);
		info->lvid_dirs = img_le32(iu + 36);
		info->min_read_revision = img_le16(iu + 40);
		info->min_write_revision = img_le16(iu + 42);
		info->max_write_revision = img_le16(iu + 44);
	}
}

/* The anchor at block 256 (ECMA-167 3/8.4.2.1): 2048-byte blocks first, then the other
 * sizes, taken only with a valid tag (any file data could start with a 2 there).  Sets r->bs;
 * *aoff gets the anchor's byte offset. */
static int find_anchor(struct udf_reader *r, uint64_t *aoff)
{
	static const uint32_t sizes[] = {2048, 512, 1024, 4096, 8192, 16384, 32768};
	unsigned char b[512];
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]) && r->bs == 0; k++) {
		*aoff = 256ull * sizes[k];
		if (img_source_read(r->src, *aoff, b, sizeof(b), "UDF anchor", NULL) != IMG_OK ||
		    img_le16(b) != 2)
			continue;
		if (sizes[k] != 2048 && img_udfr_check_tag(b, sizeof(b), 256, true, *aoff,
							   img_udfr_tag_name(2), r->err))
			continue;
		if (sizes[k] > IMG_UDF_MAXBS)
			return img_error_set(r->err, IMG_EUNSUPPORTED, "UDF with %u-byte logical "
					     "blocks: anchor at byte %llu (at most %u-byte blocks "
					     "are read)", sizes[k], (unsigned long long)*aoff,
					     IMG_UDF_MAXBS);
		r->bs = sizes[k];
	}
	if (r->bs == 0)
		return img_error_set(r->err, IMG_ENOENT, "no UDF anchor at block 256");
	int rc = img_udfr_check_tag(b, sizeof(b), 256, true, *aoff, img_udfr_tag_name(2), r->err);
	if (rc != IMG_OK)
		return rc;
	r->info->anchor_sector = 256;
	return IMG_OK;
}

/* ECMA-167 3/8.4.2.1: besides block 256, an anchor may be at the last block N and at N-256
 * (of the image, as far as this reader can tell where the volume ends).  Those found, with a
 * valid tag recording their place, are listed after block 256 in info->anchors. */
static void find_other_anchors(struct udf_reader *r)
{
	struct img_udf_info *info = r->info;
	info->anchors[0] = 256;
	info->nanchors = 1;
	uint64_t n = img_source_size(r->src) / r->bs;
	uint64_t cand[2] = {n >= 512 ? n - 256 : 0, n >= 258 ? n - 1 : 0};
	unsigned char b[512];
	struct img_error e;
	for (int k = 0; k < 2; k++) {
		if (cand[k] <= 256 || cand[k] > UINT32_MAX || (k == 1 && cand[1] == cand[0]))
			continue;
		uint64_t off = cand[k] * r->bs;
		if (img_source_read(r->src, off, b, sizeof(b), "UDF anchor", NULL) == IMG_OK &&
		    img_le16(b) == 2 && img_udfr_check_tag(b, sizeof(b), (uint32_t)cand[k], true,
							   off, img_udfr_tag_name(2), &e) == IMG_OK)
			info->anchors[info->nanchors++] = (uint32_t)cand[k];
	}
}

/* ECMA-167 2/8.3: the volume recognition sequence from sector 16 (after any CD001
 * descriptors of an ISO 9660 bridge) names the NSR revision. */
static void read_vrs(struct udf_reader *r)
{
	static const char *const ids[] = {"CD001", "BEA01", "NSR02", "NSR03", "TEA01", "BOOT2",
					  "CDW02"};
	const size_t nids = sizeof(ids) / sizeof(ids[0]);
	unsigned char b[2048];
	for (uint32_t s = 16; s < 16 + 64; s++) {
		if (img_source_read(r->src, (uint64_t)s * 2048, b, sizeof(b), "VRS", NULL) != IMG_OK)
			break;
		size_t k = 0;
		while (k < nids && memcmp(b + 1, ids[k], 5) != 0)
			k++;
		if (k == nids || k == 4)
			break;
		if (k == 2 || k == 3)
			memcpy(r->info->vrs, ids[k], 6);
	}
}

/* What the main volume descriptor sequence gives beyond r->info. */
struct vds {
	bool lvd;                                   /* a logical volume descriptor was read */
	struct udf_pd_entry pds[IMG_UDF_MAX_MAPS];  /* the partition descriptors */
	int npd;
	uint32_t lvid_len, lvid_loc;                /* the integrity sequence extent */
};

/* The logical volume descriptor b at byte off (3/10.6): block size, domain, names, the file
 * set descriptor's place, the integrity sequence and the partition maps. */
static int read_lvd(struct udf_reader *r, const unsigned char *b, uint64_t off, struct vds *v)
{
	struct img_udf_info *info = r->info;
	v->lvd = true;
	info->block_size = img_le32(b + 212);
	/* Domain entity (UDF 2.1.5): identifier, then the revision in the suffix. */
	memcpy(info->domain, b + 217, 23);
	info->domain[23] = '\0';
	for (int k = 0; k < 23; k++)
		if (info->domain[k] && (info->domain[k] < 0x20 || info->domain[k] > 0x7e))
			info->domain[k] = '?';
	info->revision = img_le16(b + 240);
	dstring(b + 84, 128, info->logical_volume_id, sizeof(info->logical_volume_id));
	/* File set descriptor: long_ad in the logical volume contents use. */
	info->fsd_block = img_le32(b + 248 + 4);
	info->fsd_partition = img_le16(b + 248 + 8);
	v->lvid_len = img_le32(b + 432);
	v->lvid_loc = img_le32(b + 436);
	return img_udfr_parse_maps(b, r->bs, off, info, r->err);
}

/* The main volume descriptor sequence named by the anchor at byte aoff, up to its
 * terminating descriptor: every tag checked, the primary, partition and (first) logical
 * volume descriptors read. */
static int read_vds(struct udf_reader *r, uint64_t aoff, struct vds *v)
{
	struct img_udf_info *info = r->info;
	unsigned char b[IMG_UDF_MAXBS];
	int rc = img_source_read(r->src, aoff, b, 512, "UDF anchor", r->err);
	if (rc != IMG_OK)
		return rc;
	info->vds_length = img_le32(b + 16);
	info->vds_sector = img_le32(b + 20);
	info->reserve_vds_length = img_le32(b + 24);
	info->reserve_vds_sector = img_le32(b + 28);
	if (info->vds_length < r->bs || info->vds_length > 256 * r->bs)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF anchor at byte %llu: volume descriptor sequence length %u "
				     "is not 1-256 sectors", (unsigned long long)aoff + 16,
				     info->vds_length);
	uint32_t n = info->vds_length / r->bs;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t sec = info->vds_sector + i;
		uint64_t off = (uint64_t)sec * r->bs;
		if ((rc = img_source_read(r->src, off, b, r->bs, "UDF volume descriptor",
					  r->err)) != IMG_OK)
			return rc;
		unsigned id = img_le16(b);
		if (id == 0)
			break;
		if ((rc = img_udfr_check_tag(b, r->bs, sec, true, off, img_udfr_tag_name(id),
					     r->err)) != IMG_OK)
			return rc;
		info->descriptors++;
		info->tags_verified++;
		if (id == 8)
			break;
		if (id == 1) {
			dstring(b + 24, 32, info->volume_id, sizeof(info->volume_id));
		} else if (id == 5) {
			uint16_t num = img_le16(b + 22);
			bool dup = false;
			for (int k = 0; k < v->npd; k++)
				dup |= v->pds[k].number == num;
			if (!dup && v->npd < IMG_UDF_MAX_MAPS) {
				if (v->npd == 0) {
					info->partition_number = num;
					info->partition_start = img_le32(b + 188);
					info->partition_length = img_le32(b + 192);
				}
				v->pds[v->npd++] = (struct udf_pd_entry){num, img_le32(b + 188),
									 img_le32(b + 192)};
			}
		} else if (id == 6 && !v->lvd) {
			if ((rc = read_lvd(r, b, off, v)) != IMG_OK)
				return rc;
		}
	}
	if (!v->lvd || v->npd == 0)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF volume descriptor sequence at sector %u: no %s descriptor",
				     info->vds_sector, v->lvd ? "partition" : "logical volume");
	if (info->block_size != r->bs)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF logical volume descriptor: logical "
				     "block size %u, but the anchor is block 256 of %u-byte blocks",
				     info->block_size, r->bs);
	return IMG_OK;
}

/* Each partition must lie in the image, give or take a run-out of 512 blocks; not with a VAT:
 * such a disc is recorded only up to the VAT, and its partition reaches further. */
static int check_partitions(struct udf_reader *r)
{
	const struct img_udf_info *info = r->info;
	for (unsigned i = 0; i < info->nmaps; i++)
		if (info->maps[i].kind == IMG_UDF_MAP_VIRTUAL)
			return IMG_OK;
	for (unsigned i = 0; i < info->nmaps; i++) {
		const struct img_udf_map *mp = &info->maps[i];
		uint64_t end = (uint64_t)mp->partition_start + mp->partition_length;
		if (end * r->bs > img_source_size(r->src) + r->bs * 512ull)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF partition descriptor: partition %u+%u sectors "
					     "lies past the end of the image", mp->partition_start,
					     mp->partition_length);
	}
	return IMG_OK;
}

int img_udfr_open_volume(struct udf_reader *r)
{
	struct img_udf_info *info = r->info;
	memset(info, 0, sizeof(*info));
	uint64_t aoff = 0;
	int rc = find_anchor(r, &aoff);
	if (rc != IMG_OK)
		return rc;
	read_vrs(r);
	struct vds v = {0};
	if ((rc = read_vds(r, aoff, &v)) != IMG_OK)
		return rc;
	if (info->nmaps == 0) {
		/* Not valid UDF, but readable: the first partition as a type 1 map. */
		info->nmaps = 1;
		info->maps[0] = (struct img_udf_map){.kind = IMG_UDF_MAP_PHYSICAL, .type = 1,
			.partition_number = v.pds[0].number, .bitmap_file = IMG_UDF_NO_FILE};
	}
	if ((rc = img_udfr_bind_maps(r, v.pds, v.npd)) != IMG_OK)
		return rc;
	info->lvid_sector = v.lvid_loc;
	info->lvid_length = v.lvid_len;
	read_lvid(r, v.lvid_len, v.lvid_loc);
	find_other_anchors(r);
	if ((rc = check_partitions(r)) != IMG_OK)
		return rc;
	return img_udfr_load_maps(r);
}

int img_udf_read_info(struct img_source *src, struct img_udf_info *info, struct img_error *err)
{
	struct udf_reader r = {.src = src, .info = info, .err = err};
	int rc = img_udfr_open_volume(&r);
	img_udfr_free(&r);
	return rc;
}

/* ECMA-167 1/7.3 timestamp to seconds since the epoch (UTC). */
static int64_t timestamp(const unsigned char *p)
{
	int tz = img_le16(p) & 0x0fff;
	if (tz & 0x800)
		tz -= 0x1000;
	if ((img_le16(p) >> 12) != 1 || tz == -2047)
		tz = 0;
	int64_t y = (int16_t)img_le16(p + 2), m = p[4], d = p[5];
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + p[6] * 3600 + p[7] * 60 + p[8] - (int64_t)tz * 60;
}

/* ---- tree ---- */

static bool seen_dir(struct udf_reader *r, uint64_t off, int *rc)
{
	for (size_t i = 0; i < r->ndirs_seen; i++)
		if (r->dirs_seen[i] == off)
			return true;
	if (img_grow((void **)&r->dirs_seen, &r->cap_seen, r->ndirs_seen, sizeof(*r->dirs_seen),
		     64) != IMG_OK) {
		*rc = IMG_ENOMEM;
		return false;
	}
	r->dirs_seen[r->ndirs_seen++] = off;
	return false;
}

/* Tells r->place (when set) that bytes [off, off+len) hold kind of node n. */
static int place(struct udf_reader *r, const struct img_fnode *n, uint64_t off, uint64_t len,
		 enum img_udf_place_kind kind)
{
	if (r->place == NULL)
		return IMG_OK;
	char path[1024];
	if (!img_fnode_path(n, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", n->name ? n->name : "");
	int rc = r->place(r->place_ctx, off, len, kind, path);
	if (rc != IMG_OK)
		img_error_set(r->err, rc, "UDF places");
	return rc;
}

/* Reads the (extended) file entry at block lbn of partition reference pref into n; *icb_off
 * gets the byte offset of the file entry (loops are detected on it). */
static int read_entry(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t where,
		      struct img_fnode *n, int *file_type, uint64_t *icb_off)
{
	uint64_t off;
	int rc = img_udfr_read_icb(r, pref, lbn, where, &pref, &off);
	if (rc != IMG_OK)
		return rc;
	*icb_off = off;
	if ((rc = place(r, n, off, r->bs, IMG_UDF_PLACE_ENTRY)) != IMG_OK)
		return rc;
	const unsigned char *b = r->block;
	bool efe = img_le16(b) == 266;
	*file_type = b[16 + 11];
	n->uid = img_le32(b + 36);
	n->gid = img_le32(b + 40);
	uint32_t p = img_le32(b + 44);
	mode_t perm = (mode_t)((((p >> 10) & 7) << 6) | (((p >> 5) & 7) << 3) | (p & 7));
	/* The set-user-ID, set-group-ID and sticky bits are not in the permissions but in the
	 * ICB tag's flags (ECMA-167 4/14.6.8, bits 6-8), where mkimage, mkudffs and Linux put
	 * them and the kernel's udf driver reads them. */
	uint16_t icb_flags = img_le16(b + 16 + 18);
	if (icb_flags & (1u << 6))
		perm |= S_ISUID;
	if (icb_flags & (1u << 7))
		perm |= S_ISGID;
	if (icb_flags & (1u << 8))
		perm |= S_ISVTX;
	n->size = img_le64(b + 56);
	n->atime = timestamp(b + (efe ? 80 : 72));
	n->mtime = timestamp(b + (efe ? 92 : 84));
	n->ctime = n->mtime;
	switch (*file_type) {
	case 4: n->mode = S_IFDIR | perm; break;
	case 5: n->mode = S_IFREG | perm; break;
	case 12: n->mode = S_IFLNK | perm; break;
	case 6: n->mode = S_IFBLK | perm; break;
	case 7: n->mode = S_IFCHR | perm; break;
	case 9: n->mode = S_IFIFO | perm; break;
	case 10: n->mode = S_IFSOCK | perm; break;
	default: n->mode = S_IFREG | perm; break;
	}
	return img_udfr_entry_extents(r, pref, off, n);
}

/* Reads a node's data (bounded) into a new buffer. */
int img_udfr_read_data(struct udf_reader *r, const struct img_fnode *n, uint64_t max,
		       unsigned char **out, size_t *outlen)
{
	if (n->size > max)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF directory or link of %llu bytes "
				     "exceeds %llu", (unsigned long long)n->size,
				     (unsigned long long)max);
	/* Checked before the buffer is allocated: a few hostile bytes must not cost megabytes. */
	uint64_t have = 0;
	for (size_t i = 0; i < n->nextents && have < n->size; i++)
		have += n->extents[i].length;
	if (n->size > img_source_size(r->src))
		return img_error_set(r->err, IMG_ECORRUPT, "UDF entry of %llu bytes: larger than "
				     "the image", (unsigned long long)n->size);
	if (have < n->size)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF entry: extents hold %llu of %llu "
				     "bytes", (unsigned long long)have, (unsigned long long)n->size);
	unsigned char *buf = malloc(n->size ? (size_t)n->size : 1);
	if (buf == NULL)
		return img_error_set(r->err, IMG_ENOMEM, "UDF directory");
	uint64_t pos = 0;
	for (size_t i = 0; i < n->nextents && pos < n->size; i++) {
		uint64_t len = n->extents[i].length;
		if (len > n->size - pos)
			len = n->size - pos;
		int rc = img_source_read(r->src, n->extents[i].offset, buf + pos, (size_t)len,
					 "UDF directory data", r->err);
		if (rc != IMG_OK) {
			free(buf);
			return rc;
		}
		pos += len;
	}
	*out = buf;
	*outlen = (size_t)n->size;
	return IMG_OK;
}

/* 4/14.16 path components of a symlink, joined with '/'. */
static int read_symlink(struct udf_reader *r, struct img_fnode *n)
{
	unsigned char *d;
	size_t len;
	int rc = img_udfr_read_data(r, n, 4096, &d, &len);
	if (rc != IMG_OK)
		return rc;
	char target[4096] = "", name[1024];
	size_t tl = 0;
	for (size_t i = 0; i + 4 <= len;) {
		unsigned type = d[i], lci = d[i + 1];
		if (i + 4 + lci > len)
			break;
		const char *part = NULL;
		if (type == 1 || type == 2) {
			tl = (size_t)snprintf(target, sizeof(target), "/");
		} else if (type == 3) {
			part = "..";
		} else if (type == 4) {
			part = ".";
		} else if (type == 5) {
			dchars(d + i + 4, lci, name, sizeof(name));
			part = name;
		}
		if (part != NULL) {
			bool sep = tl > 0 && target[tl - 1] != '/';
			int w = snprintf(target + tl, sizeof(target) - tl, "%s%s", sep ? "/" : "",
					 part);
			if (w < 0 || (size_t)w >= sizeof(target) - tl)
				break;
			tl += (size_t)w;
		}
		i += 4 + lci;
	}
	free(d);
	n->size = tl;
	free(n->extents);
	n->extents = NULL;
	n->nextents = n->ext_cap = 0;
	return img_fnode_set_link(n, target);
}

struct pending {
	struct img_fnode *dir;
	int depth;
};

static int read_dir(struct udf_reader *r, struct img_fnode *dir, int depth, struct pending **stack,
		    size_t *nstack, size_t *cap)
{
	unsigned char *d;
	size_t len;
	int rc = img_udfr_read_data(r, dir, IMG_UDF_MAX_DIR_BYTES, &d, &len);
	if (rc != IMG_OK)
		return rc;
	/* The extents just read: read_data checked they hold the directory's size. */
	uint64_t left = dir->size;
	for (size_t k = 0; k < dir->nextents && left > 0 && rc == IMG_OK; k++) {
		uint64_t l = dir->extents[k].length < left ? dir->extents[k].length : left;
		rc = place(r, dir, dir->extents[k].offset, l, IMG_UDF_PLACE_DIRECTORY);
		left -= l;
	}
	/* Byte offsets in messages: within the directory's extents as laid out in the image. */
	for (size_t pos = 0; pos + 38 <= len && rc == IMG_OK;) {
		const unsigned char *f = d + pos;
		size_t liu = img_le16(f + 36), lfi = f[19];
		size_t flen = (38 + liu + lfi + 3) & ~(size_t)3;
		uint64_t where = pos, in = pos;
		for (size_t k = 0; k < dir->nextents; k++) {
			if (in < dir->extents[k].length) {
				where = dir->extents[k].offset + in;
				break;
			}
			in -= dir->extents[k].length;
		}
		if (img_le16(f) != 257 || pos + 38 + liu + lfi > len) {
			rc = img_error_set(r->err, IMG_ECORRUPT,
					   "UDF file identifier at byte %llu: bad tag or length",
					   (unsigned long long)where);
			break;
		}
		if ((rc = img_udfr_check_tag(f, len - pos, 0, false, where, img_udfr_tag_name(257),
					     r->err)) != IMG_OK)
			break;
		r->info->tags_verified++;
		unsigned chars = f[18];
		pos += flen;
		if (chars & 0x0c)
			continue; /* parent or deleted */
		char name[1024];
		dchars(f + 38 + liu, lfi, name, sizeof(name));
		if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			snprintf(name, sizeof(name), "_unnamed_%llu", (unsigned long long)where);
		/* ICB: long_ad at 20 (block at 24, partition reference at 28). */
		uint32_t lbn = img_le32(f + 24);
		unsigned pref = img_le16(f + 28);
		struct img_fnode *n;
		if ((rc = img_filetree_add(r->tree, dir, name, &n)) != IMG_OK)
			break;
		int type;
		uint64_t icb;
		if ((rc = read_entry(r, pref, lbn, where + 20, n, &type, &icb)) != IMG_OK)
			break;
		if (type == 12) {
			rc = read_symlink(r, n);
			r->info->files++;
		} else if (type == 4) {
			bool dup = seen_dir(r, icb, &rc);
			if (rc != IMG_OK)
				break;
			if (dup) {
				rc = img_error_set(r->err, IMG_ECORRUPT,
						   "UDF file identifier at byte %llu: directory loop, "
						   "ICB %u is already part of the tree",
						   (unsigned long long)where, lbn);
				break;
			}
			if (depth + 1 > IMG_UDF_MAX_DEPTH) {
				rc = img_error_set(r->err, IMG_ECORRUPT,
						   "UDF file identifier at byte %llu: nesting deeper "
						   "than %d levels", (unsigned long long)where,
						   IMG_UDF_MAX_DEPTH);
				break;
			}
			if ((rc = img_grow((void **)stack, cap, *nstack, sizeof(**stack), 64)) !=
			    IMG_OK)
				break;
			(*stack)[(*nstack)++] = (struct pending){n, depth + 1};
			r->info->dirs++;
		} else {
			r->info->files++;
		}
	}
	free(d);
	return rc;
}

int img_udf_read_tree(struct img_source *src, struct img_filetree **out, struct img_udf_info *info,
		      struct img_error *err)
{
	return img_udf_read_tree_places(src, out, info, NULL, NULL, err);
}

int img_udf_read_tree_places(struct img_source *src, struct img_filetree **out,
			     struct img_udf_info *info, img_udf_place_visit visit, void *ctx,
			     struct img_error *err)
{
	struct udf_reader r = {.src = src, .info = info, .err = err, .place = visit,
			       .place_ctx = ctx};
	int rc = img_udfr_open_volume(&r);
	if (rc == IMG_OK && visit != NULL && (rc = img_udfr_meta_places(&r)) != IMG_OK &&
	    rc != IMG_ENOMEM)
		img_error_set(err, rc, "UDF places");
	if (rc != IMG_OK) {
		img_udfr_free(&r);
		return rc;
	}
	unsigned char b[IMG_UDF_MAXBS];
	uint64_t foff;
	rc = img_udfr_read_block(&r, info->fsd_partition, info->fsd_block, b, "UDF file set descriptor",
				 0, &foff);
	if (rc == IMG_OK)
		rc = img_udfr_check_desc(&r, b, info->fsd_partition, info->fsd_block, foff, 256);
	if (rc != IMG_OK)
		rc = img_udfr_meta_retry(&r, info->fsd_partition, info->fsd_block, b, &foff, 256, rc);
	if (rc == IMG_OK && (rc = img_filetree_new(&r.tree)) != IMG_OK)
		img_error_set(err, rc, "UDF tree");
	if (rc != IMG_OK) {
		img_udfr_free(&r);
		return rc;
	}
	info->tags_verified++;
	if (visit != NULL && (rc = visit(ctx, foff, r.bs, IMG_UDF_PLACE_FILE_SET, "")) == IMG_OK) {
		/* The sequence's terminating descriptor, when the next block holds one; anything
		 * else there is not the file set's (and not an error of the tree). */
		uint64_t toff;
		struct img_error keep = *err;
		if (info->fsd_block < UINT32_MAX &&
		    img_udfr_read_block(&r, info->fsd_partition, info->fsd_block + 1, r.block,
					"UDF terminating descriptor", foff, &toff) == IMG_OK &&
		    img_le16(r.block) == 8 &&
		    img_udfr_check_desc(&r, r.block, info->fsd_partition, info->fsd_block + 1,
					toff, 8) == IMG_OK)
			rc = visit(ctx, toff, r.bs, IMG_UDF_PLACE_FILE_SET, "");
		if (rc == IMG_OK)
			*err = keep;
	}
	if (rc != IMG_OK) {
		img_error_set(err, rc, "UDF places");
		img_filetree_free(r.tree);
		img_udfr_free(&r);
		return rc;
	}
	/* Root directory ICB: long_ad at 400 (4/14.1). */
	uint32_t root_lbn = img_le32(b + 400 + 4);
	unsigned root_pref = img_le16(b + 400 + 8);
	struct pending *stack = NULL;
	size_t nstack = 0, cap = 0;
	int type;
	uint64_t icb;
	rc = read_entry(&r, root_pref, root_lbn, foff + 400, r.tree->root, &type, &icb);
	if (rc == IMG_OK && type != 4)
		rc = img_error_set(err, IMG_ECORRUPT, "UDF root ICB at byte %llu is not a "
				   "directory", (unsigned long long)icb);
	if (rc == IMG_OK) {
		(void)seen_dir(&r, icb, &rc);
		info->dirs = 1;
	}
	struct pending cur = {r.tree->root, 1};
	while (rc == IMG_OK) {
		rc = read_dir(&r, cur.dir, cur.depth, &stack, &nstack, &cap);
		if (rc != IMG_OK || nstack == 0)
			break;
		cur = stack[--nstack];
	}
	free(stack);
	img_udfr_free(&r);
	if (rc != IMG_OK || out == NULL) {
		img_filetree_free(r.tree);
		return rc;
	}
	*out = r.tree;
	return IMG_OK;
}
