/* UDF reader: volume structures, partition maps, file entries, directories. */
#include "common/udf/udf_read.h"
#include "common/udf/udf_desc.h"
#include "common/base/unicode.h"
#include "common/base/bytes.h"
#include "common/base/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Logical block sizes read: 512 to 4096 bytes (ECMA-167 3/8.4: the block size of the volume
 * space; mkudffs uses 512 on hard disks, 2048 on optical media). */
#define MAXBS 4096u

static const char *tag_name(unsigned id)
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
static int check_tag(const unsigned char *b, size_t len, uint32_t location, bool check_location,
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

/* ---- partition maps ---- */

/* One extent of the metadata (or mirror) file: blocks first..first+count-1 of the metadata
 * partition are blocks lbn.. of partition reference pref (a physical or sparable map). */
struct meta_ext {
	uint32_t first, count, lbn;
	uint16_t pref;
	bool recorded;
};

struct meta_file {
	struct meta_ext *ext;
	size_t next, cap;
	uint64_t blocks, size;
};

/* What a map needs beyond struct img_udf_map: its tables. */
struct map_state {
	int base;                 /* metadata, virtual: the physical or sparable map below */
	struct meta_file meta;
	struct meta_file mirror;  /* loaded when a block of meta turns out damaged */
	bool mirror_tried;
	uint32_t *spare_from, *spare_to;
	size_t nspare;
	uint32_t *vat;
	uint32_t nvat;
};

struct reader {
	struct img_source *src;
	struct img_udf_info *info;
	struct img_filetree *tree;
	struct img_error *err;
	struct map_state m[IMG_UDF_MAX_MAPS];
	uint32_t bs;              /* logical block size */
	unsigned char block[MAXBS];
	uint64_t *dirs_seen;      /* byte offsets of directory ICBs met so far */
	size_t ndirs_seen, cap_seen;
};

static void meta_free(struct meta_file *f)
{
	free(f->ext);
	memset(f, 0, sizeof(*f));
}

static void reader_free(struct reader *r)
{
	for (int i = 0; i < IMG_UDF_MAX_MAPS; i++) {
		meta_free(&r->m[i].meta);
		meta_free(&r->m[i].mirror);
		free(r->m[i].spare_from);
		free(r->m[i].spare_to);
		free(r->m[i].vat);
	}
	memset(r->m, 0, sizeof(r->m));
	free(r->dirs_seen);
	r->dirs_seen = NULL;
}

/* The metadata-file extent holding block lbn of the metadata partition (binary search: the
 * extents are in file order). */
static const struct meta_ext *meta_find(const struct meta_file *f, uint32_t lbn)
{
	size_t lo = 0, hi = f->next;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct meta_ext *e = &f->ext[mid];
		if (lbn < e->first)
			hi = mid;
		else if (lbn - e->first >= e->count)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

static int map_block(struct reader *r, unsigned pref, uint32_t lbn, uint64_t *sector,
		     uint64_t *run, uint64_t where);

/* Block lbn of a metadata partition through the extents of f. */
static int meta_block(struct reader *r, const struct meta_file *f, uint32_t lbn,
		      uint64_t *sector, uint64_t *run, uint64_t where)
{
	const struct meta_ext *e = meta_find(f, lbn);
	if (e == NULL)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF block reference at byte %llu: block %u lies outside the "
				     "metadata file (%llu blocks)", (unsigned long long)where, lbn,
				     (unsigned long long)f->blocks);
	if (!e->recorded)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF block reference at byte %llu: block %u of the metadata "
				     "partition is not recorded", (unsigned long long)where, lbn);
	uint64_t at = (uint64_t)e->lbn + (lbn - e->first);
	if (at > UINT32_MAX)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF metadata file extent for block %u: block number overflows",
				     lbn);
	int rc = map_block(r, e->pref, (uint32_t)at, sector, run, where);
	uint64_t left = e->count - (lbn - e->first);
	if (rc == IMG_OK && *run > left)
		*run = left;
	return rc;
}

/* Absolute sector of block lbn of partition reference pref, and how many blocks from there on
 * are contiguous on the image (at least 1).  where: byte offset of the reference, for errors.
 * Virtual and metadata maps rest on a physical or sparable map (checked when the maps are
 * read), so the recursion is one level deep. */
static int map_block(struct reader *r, unsigned pref, uint32_t lbn, uint64_t *sector,
		     uint64_t *run, uint64_t where)
{
	const struct img_udf_info *info = r->info;
	if (pref >= info->nmaps)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF block reference at byte %llu: partition reference %u, the "
				     "volume has %u partition maps", (unsigned long long)where, pref,
				     info->nmaps);
	const struct img_udf_map *mp = &info->maps[pref];
	struct map_state *ms = &r->m[pref];
	uint64_t limit = UINT64_MAX;
	switch (mp->kind) {
	case IMG_UDF_MAP_SPARABLE: {
		/* UDF 2.60 2.2.12: a spared packet's blocks live at the mapped location. */
		uint32_t in = lbn % mp->packet_length, packet = lbn - in;
		for (size_t i = 0; i < ms->nspare; i++)
			if (ms->spare_from[i] == packet) {
				*sector = (uint64_t)ms->spare_to[i] + in;
				*run = mp->packet_length - in;
				return IMG_OK;
			}
		limit = mp->packet_length - in;
	}
	/* fall through */
	case IMG_UDF_MAP_PHYSICAL:
		if (lbn >= mp->partition_length)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF block reference at byte %llu: block %u lies past "
					     "the end of partition %u (%u blocks)",
					     (unsigned long long)where, lbn, mp->partition_number,
					     mp->partition_length);
		*sector = (uint64_t)mp->partition_start + lbn;
		*run = mp->partition_length - lbn;
		if (*run > limit)
			*run = limit;
		return IMG_OK;
	case IMG_UDF_MAP_VIRTUAL: {
		/* UDF 2.60 2.2.11: entry lbn of the VAT is the block in the partition below. */
		if (lbn >= ms->nvat || ms->vat[lbn] == 0xffffffffu)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF block reference at byte %llu: virtual block %u is "
					     "not in the VAT (%u entries)", (unsigned long long)where,
					     lbn, ms->nvat);
		uint32_t k = 1;
		while (lbn + k < ms->nvat && k < 65536 && ms->vat[lbn + k] == ms->vat[lbn] + k)
			k++;
		int rc = map_block(r, (unsigned)ms->base, ms->vat[lbn], sector, run, where);
		if (rc == IMG_OK && *run > k)
			*run = k;
		return rc;
	}
	case IMG_UDF_MAP_METADATA:
		return meta_block(r, &ms->meta, lbn, sector, run, where);
	}
	return img_error_set(r->err, IMG_ECORRUPT, "UDF partition map %u: unknown kind", pref);
}

/* Calls add(n, offset, length) for each contiguous piece of len bytes from block lbn of pref,
 * checking that every piece lies inside the image.  n may be NULL (checking only). */
static int map_range(struct reader *r, unsigned pref, uint32_t lbn, uint64_t len, uint64_t where,
		     struct img_fnode *n)
{
	while (len > 0) {
		uint64_t sector, run;
		int rc = map_block(r, pref, lbn, &sector, &run, where);
		if (rc != IMG_OK)
			return rc;
		uint64_t chunk = run * r->bs < len ? run * r->bs : len;
		uint64_t off = sector * r->bs;
		if (off > img_source_size(r->src) || chunk > img_source_size(r->src) - off)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF allocation descriptor at byte %llu: extent of "
					     "%llu bytes at byte %llu lies past the end of the image",
					     (unsigned long long)where, (unsigned long long)len,
					     (unsigned long long)off);
		if (n != NULL) {
			if (n->nextents >= IMG_UDF_MAX_EXTENTS)
				return img_error_set(r->err, IMG_ECORRUPT,
						     "UDF allocation descriptors at byte %llu: more "
						     "than %d extents", (unsigned long long)where,
						     IMG_UDF_MAX_EXTENTS);
			if (img_fnode_add_extent(n, off, chunk) != IMG_OK)
				return img_error_set(r->err, IMG_ENOMEM, "UDF extents");
		}
		len -= chunk;
		uint64_t next = (uint64_t)lbn + run;
		if (len > 0 && next > UINT32_MAX)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF allocation descriptor at byte %llu: extent runs "
					     "past block 2^32", (unsigned long long)where);
		lbn = (uint32_t)next;
	}
	return IMG_OK;
}

/* Reads block lbn of pref into buf (one sector); *off gets its byte offset in the image. */
static int read_block(struct reader *r, unsigned pref, uint32_t lbn, unsigned char *buf,
		      const char *what, uint64_t where, uint64_t *off)
{
	uint64_t sector, run;
	int rc = map_block(r, pref, lbn, &sector, &run, where);
	if (rc != IMG_OK)
		return rc;
	*off = sector * r->bs;
	return img_source_read(r->src, *off, buf, r->bs, what, r->err);
}

/* check_tag for a descriptor read as block lbn of pref: ECMA-167 4/7.2.1 wants the tag
 * location to be that logical block.  For a virtual partition writers differ (mkudffs records
 * the block of the partition below), so both are accepted there. */
static int check_part_tag(struct reader *r, const unsigned char *b, unsigned pref, uint32_t lbn,
			  uint64_t off, const char *what)
{
	int rc = check_tag(b, r->bs, 0, false, off, what, r->err);
	if (rc != IMG_OK)
		return rc;
	uint32_t loc = img_le32(b + 12);
	if (loc == lbn)
		return IMG_OK;
	if (pref < r->info->nmaps && r->info->maps[pref].kind == IMG_UDF_MAP_VIRTUAL &&
	    lbn < r->m[pref].nvat && r->m[pref].vat[lbn] == loc)
		return IMG_OK;
	return img_error_set(r->err, IMG_ECORRUPT, "UDF %s at byte %llu: tag location %u, "
			     "expected %u", what, (unsigned long long)off + 12, loc, lbn);
}

/* Walks allocation descriptors (ECMA-167 4/14.14.1 short_ad, type 0, in partition pref;
 * 4/14.14.2 long_ad, type 1), following "next extent of allocation descriptors" (4/12, AED
 * 4/14.5) a bounded number of times, and calls visit for each recorded or unrecorded extent. */
typedef int (*ad_visit)(struct reader *r, void *ctx, unsigned pref, uint32_t lbn, uint32_t len,
			unsigned etype, uint64_t where);

static int walk_ads(struct reader *r, const unsigned char *ads, size_t len, int type,
		    unsigned pref, uint64_t where, ad_visit visit, void *ctx)
{
	unsigned char buf[MAXBS];
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
		int rc = read_block(r, next_pref, next, buf, "UDF allocation extent descriptor",
				    where, &off);
		if (rc == IMG_OK && img_le16(buf) != 258)
			rc = img_error_set(r->err, IMG_ECORRUPT,
					   "UDF allocation extent descriptor at byte %llu: tag "
					   "identifier %u", (unsigned long long)off, img_le16(buf));
		if (rc == IMG_OK)
			rc = check_part_tag(r, buf, next_pref, next, off, tag_name(258));
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
static int check_desc(struct reader *r, const unsigned char *b, unsigned pref, uint32_t lbn,
		      uint64_t off, unsigned want)
{
	unsigned id = img_le16(b);
	if (want == 0 && id != 261 && id != 266 && id != 259)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF ICB at byte %llu: tag identifier %u "
				     "is not a file entry", (unsigned long long)off, id);
	if (want != 0 && id != want)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF %s at byte %llu: tag identifier %u",
				     tag_name(want), (unsigned long long)off, id);
	return check_part_tag(r, b, pref, lbn, off, tag_name(id));
}

static int meta_load(struct reader *r, int i, uint32_t loc, unsigned want_type,
		     struct meta_file *f);

/* Appends a sentence to metadata_problem (bounded; the first ones are kept). */
static void note_problem(struct img_udf_info *info, const char *text)
{
	char *p = info->metadata_problem;
	size_t n = strlen(p), room = sizeof(info->metadata_problem) - n;
	if (room < 4)
		return;
	if (n > 0) {
		memcpy(p + n, "; ", 2);
		n += 2;
		room -= 2;
	}
	size_t t = strlen(text);
	if (t > room - 1)
		t = room - 1;
	memcpy(p + n, text, t);
	p[n + t] = '\0';
}

/* A descriptor read through the metadata file failed its checks (rc, detail in r->err): the
 * mirror file is there for this (UDF 2.60 2.2.13.1).  Reads block lbn through the mirror into
 * buf, checks it again, and on success notes what was wrong with the main copy.  Returns rc
 * unchanged when there is no separate mirror; an error naming both copies when both fail. */
static int meta_retry(struct reader *r, unsigned pref, uint32_t lbn, unsigned char *buf,
		      uint64_t *off, unsigned want, int rc)
{
	if (rc != IMG_ECORRUPT || pref >= r->info->nmaps)
		return rc;
	struct img_udf_map *mp = &r->info->maps[pref];
	struct map_state *ms = &r->m[pref];
	if (mp->kind != IMG_UDF_MAP_METADATA || mp->mirror_used ||
	    mp->mirror_file == mp->metadata_file)
		return rc;
	char first[sizeof(r->err->detail)];
	snprintf(first, sizeof(first), "%s", r->err->detail);
	if (!ms->mirror_tried) {
		ms->mirror_tried = true;
		if (meta_load(r, (int)pref, mp->mirror_file, 251, &ms->mirror) == IMG_ENOMEM)
			return IMG_ENOMEM;
	}
	if (ms->mirror.ext == NULL)
		return img_error_set(r->err, rc, "%s", first);
	uint64_t sector, run;
	int mrc = meta_block(r, &ms->mirror, lbn, &sector, &run, *off);
	if (mrc == IMG_OK) {
		*off = sector * r->bs;
		mrc = img_source_read(r->src, *off, buf, r->bs, "UDF metadata mirror file", r->err);
	}
	if (mrc == IMG_OK)
		mrc = check_desc(r, buf, pref, lbn, *off, want);
	if (mrc != IMG_OK) {
		char second[sizeof(r->err->detail)];
		snprintf(second, sizeof(second), "%s", r->err->detail);
		return img_error_set(r->err, rc, "%s; the metadata mirror file's copy: %s", first,
				     second);
	}
	char d[sizeof(first) + 128];
	snprintf(d, sizeof(d), "block %u of the metadata partition: %s; read from the metadata "
		 "mirror file", lbn, first);
	note_problem(r->info, d);
	return IMG_OK;
}

/* Reads the ICB at block lbn of pref into r->block, following indirect entries (4/14.7,
 * strategy 4096) a bounded number of times; checks the tag.  *pref_out, *off: where the file
 * entry was found. */
static int read_icb(struct reader *r, unsigned pref, uint32_t lbn, uint64_t where,
		    unsigned *pref_out, uint64_t *off)
{
	unsigned char *b = r->block;
	for (int hops = 0;; hops++) {
		int rc = read_block(r, pref, lbn, b, "UDF file entry", where, off);
		if (rc == IMG_OK)
			rc = check_desc(r, b, pref, lbn, *off, 0);
		if (rc != IMG_OK && (rc = meta_retry(r, pref, lbn, b, off, 0, rc)) != IMG_OK)
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
static int entry_ads(struct reader *r, uint64_t off, size_t *start, size_t *lad, int *atype)
{
	const unsigned char *b = r->block;
	bool efe = img_le16(b) == 266;
	size_t lea = img_le32(b + (efe ? 208 : 168));
	*lad = img_le32(b + (efe ? 212 : 172));
	size_t base = efe ? 216 : 176;
	if (lea > r->bs || *lad > r->bs || base + lea + *lad > r->bs)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: extended attributes (%zu) and allocation "
				     "descriptors (%zu) overrun the block", tag_name(img_le16(b)),
				     (unsigned long long)off, lea, *lad);
	*start = base + lea;
	*atype = img_le16(b + 16 + 18) & 7;
	return IMG_OK;
}

/* ---- metadata partition (UDF 2.60 2.2.10, 2.2.13) ---- */

static int meta_visit(struct reader *r, void *ctx, unsigned pref, uint32_t lbn, uint32_t len,
		      unsigned etype, uint64_t where)
{
	struct meta_file *f = ctx;
	if (pref >= r->info->nmaps || (r->info->maps[pref].kind != IMG_UDF_MAP_PHYSICAL &&
				       r->info->maps[pref].kind != IMG_UDF_MAP_SPARABLE))
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF metadata file allocation descriptor at byte %llu: "
				     "partition reference %u is not a physical partition",
				     (unsigned long long)where, pref);
	if (etype == 0 && len > 0) {
		int rc = map_range(r, pref, lbn, len, where, NULL);
		if (rc != IMG_OK)
			return rc;
	}
	if (f->next >= IMG_UDF_MAX_EXTENTS)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF metadata file allocation descriptors at byte %llu: more "
				     "than %d extents", (unsigned long long)where,
				     IMG_UDF_MAX_EXTENTS);
	if (img_grow((void **)&f->ext, &f->cap, f->next, sizeof(*f->ext), 16) != IMG_OK)
		return img_error_set(r->err, IMG_ENOMEM, "UDF metadata file extents");
	uint32_t count = (len + r->bs - 1) / r->bs;
	if (f->blocks + count > UINT32_MAX)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF metadata file allocation descriptor at byte %llu: the file "
				     "grows past 2^32 blocks", (unsigned long long)where);
	f->ext[f->next++] = (struct meta_ext){(uint32_t)f->blocks, count, lbn, (uint16_t)pref,
					      etype == 0};
	f->blocks += count;
	return IMG_OK;
}

/* Loads the extents of the metadata (file type 250) or mirror (251) file whose file entry is
 * at block loc of the map below metadata map i. */
static int meta_load(struct reader *r, int i, uint32_t loc, unsigned want_type,
		     struct meta_file *f)
{
	const char *what = want_type == 250 ? "metadata file" : "metadata mirror file";
	unsigned pref;
	uint64_t off = 0;
	int base = r->m[i].base;
	int rc = read_icb(r, (unsigned)base, loc, 0, &pref, &off);
	if (rc != IMG_OK)
		goto fail;
	const unsigned char *b = r->block;
	if (b[16 + 11] != want_type) {
		rc = img_error_set(r->err, IMG_ECORRUPT, "file type %u at byte %llu, expected %u",
				   b[16 + 11], (unsigned long long)off + 27, want_type);
		goto fail;
	}
	size_t start, lad;
	int atype;
	if ((rc = entry_ads(r, off, &start, &lad, &atype)) != IMG_OK)
		goto fail;
	if (atype != 0 && atype != 1) {
		rc = img_error_set(r->err, IMG_ECORRUPT, "allocation descriptor type %d at byte "
				   "%llu", atype, (unsigned long long)off + 16 + 18);
		goto fail;
	}
	f->size = img_le64(b + 56);
	if (f->size > img_source_size(r->src)) {
		rc = img_error_set(r->err, IMG_ECORRUPT, "entry at byte %llu: %llu bytes, more "
				   "than the image holds", (unsigned long long)off,
				   (unsigned long long)f->size);
		goto fail;
	}
	unsigned char copy[MAXBS];
	memcpy(copy, b + start, lad);
	if ((rc = walk_ads(r, copy, lad, atype, pref, off + start, meta_visit, f)) != IMG_OK)
		goto fail;
	if (f->blocks * r->bs < f->size) {
		rc = img_error_set(r->err, IMG_ECORRUPT,
				   "entry at byte %llu: extents hold %llu of %llu bytes",
				   (unsigned long long)off,
				   (unsigned long long)(f->blocks * r->bs),
				   (unsigned long long)f->size);
		goto fail;
	}
	return IMG_OK;
fail:
	meta_free(f);
	if (rc != IMG_ENOMEM) {
		char d[sizeof(r->err->detail)];
		snprintf(d, sizeof(d), "%s", r->err->detail);
		img_error_set(r->err, rc, "UDF %s (file entry at block %u of partition %u): %s",
			      what, loc, r->info->maps[base].partition_number, d);
	}
	return rc;
}

/* The metadata file, or its mirror when the metadata file is damaged (UDF 2.60 2.2.13.1: the
 * mirror is there to be read when the main copy is not readable). */
static int open_metadata(struct reader *r, int i)
{
	struct img_udf_map *mp = &r->info->maps[i];
	int rc = meta_load(r, i, mp->metadata_file, 250, &r->m[i].meta);
	if (rc == IMG_OK || rc == IMG_ENOMEM)
		return rc;
	char first[sizeof(r->err->detail)];
	snprintf(first, sizeof(first), "%s", r->err->detail);
	int rc2 = meta_load(r, i, mp->mirror_file, 251, &r->m[i].meta);
	if (rc2 == IMG_OK) {
		mp->mirror_used = true;
		char d[sizeof(first) + 64];
		snprintf(d, sizeof(d), "%s; read through the mirror file", first);
		note_problem(r->info, d);
		return IMG_OK;
	}
	if (rc2 == IMG_ENOMEM)
		return rc2;
	char second[sizeof(r->err->detail)];
	snprintf(second, sizeof(second), "%s", r->err->detail);
	return img_error_set(r->err, rc, "%s; %s", first, second);
}

/* ---- sparing table (UDF 2.60 2.2.12) ---- */

static int open_sparing(struct reader *r, int i)
{
	struct img_udf_map *mp = &r->info->maps[i];
	struct map_state *ms = &r->m[i];
	int rc = IMG_ECORRUPT;
	char first[sizeof(r->err->detail)] = "";
	for (unsigned t = 0; t < mp->sparing_tables; t++) {
		uint32_t loc = mp->sparing_table[t];
		size_t bytes = ((size_t)mp->sparing_table_size + r->bs - 1) / r->bs * r->bs;
		uint64_t off = (uint64_t)loc * r->bs;
		if (off > img_source_size(r->src) || bytes > img_source_size(r->src) - off) {
			rc = img_error_set(r->err, IMG_ECORRUPT, "UDF sparing table: %zu bytes at "
					   "byte %llu lie past the end of the image", bytes,
					   (unsigned long long)off);
			if (!first[0])
				snprintf(first, sizeof(first), "%s", r->err->detail);
			continue;
		}
		unsigned char *b = malloc(bytes);
		if (b == NULL)
			return img_error_set(r->err, IMG_ENOMEM, "UDF sparing table");
		rc = img_source_read(r->src, off, b, bytes, "UDF sparing table", r->err);
		if (rc == IMG_OK)
			rc = check_tag(b, bytes, loc, true, off, "sparing table", r->err);
		if (rc == IMG_OK && memcmp(b + 17, "*UDF Sparing Table", 18) != 0)
			rc = img_error_set(r->err, IMG_ECORRUPT, "UDF sparing table at byte %llu: "
					   "identifier is not *UDF Sparing Table",
					   (unsigned long long)off + 16);
		size_t n = rc == IMG_OK ? img_le16(b + 48) : 0;
		if (rc == IMG_OK && 56 + 8 * n > bytes)
			rc = img_error_set(r->err, IMG_ECORRUPT, "UDF sparing table at byte %llu: "
					   "%zu entries overrun its %zu bytes",
					   (unsigned long long)off + 48, n, bytes);
		if (rc == IMG_OK) {
			ms->spare_from = malloc((n ? n : 1) * sizeof(uint32_t));
			ms->spare_to = malloc((n ? n : 1) * sizeof(uint32_t));
			if (ms->spare_from == NULL || ms->spare_to == NULL) {
				free(b);
				return img_error_set(r->err, IMG_ENOMEM, "UDF sparing table");
			}
			for (size_t k = 0; k < n; k++) {
				uint32_t from = img_le32(b + 56 + 8 * k);
				if (from >= 0xfffffff0u)
					continue; /* available or defective entry */
				ms->spare_from[ms->nspare] = from;
				ms->spare_to[ms->nspare++] = img_le32(b + 56 + 8 * k + 4);
			}
			mp->spared_packets = (uint32_t)ms->nspare;
			r->info->tags_verified++;
		}
		free(b);
		if (rc == IMG_OK)
			return IMG_OK;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", r->err->detail);
	}
	if (first[0])
		img_error_set(r->err, rc, "%s", first);
	else
		img_error_set(r->err, IMG_ECORRUPT, "UDF sparable partition map %d: no sparing "
			      "table", i);
	return rc;
}

/* ---- virtual allocation table (UDF 2.60 2.2.11; 1.50 2.2.10) ---- */

static int entry_visit(struct reader *r, void *ctx, unsigned pref, uint32_t lbn, uint32_t len,
		       unsigned etype, uint64_t where)
{
	if (etype != 0)
		return IMG_OK; /* allocated or unallocated but unrecorded: a hole */
	return map_range(r, pref, lbn, len, where, ctx);
}

static int read_data(struct reader *r, const struct img_fnode *n, uint64_t max,
		     unsigned char **out, size_t *outlen);

/* Reads the extents of the file entry in r->block (at byte off, in partition pref) into n. */
static int entry_extents(struct reader *r, unsigned pref, uint64_t off, struct img_fnode *n)
{
	size_t start, lad;
	int atype;
	int rc = entry_ads(r, off, &start, &lad, &atype);
	if (rc != IMG_OK)
		return rc;
	const unsigned char *b = r->block;
	if (atype == 3) {
		/* Data embedded in the entry itself. */
		if (n->size > lad)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF %s at byte %llu: %llu bytes of embedded data in a "
					     "%zu-byte area", tag_name(img_le16(b)), (unsigned long long)off,
					     (unsigned long long)n->size, lad);
		return lad ? img_fnode_add_extent(n, off + start, lad) : IMG_OK;
	}
	if (atype != 0 && atype != 1)
		return img_error_set(r->err, IMG_EUNSUPPORTED,
				     "UDF %s at byte %llu: allocation descriptor type %d",
				     tag_name(img_le16(b)), (unsigned long long)off, atype);
	unsigned char copy[MAXBS];
	memcpy(copy, b + start, lad);
	return walk_ads(r, copy, lad, atype, pref, off + start, entry_visit, n);
}

/* The VAT is the file entry in the last recorded sector (UDF 2.60 2.2.11, 6.13.2): tried from
 * the image's last sector back over a few sectors of run-out. */
static int open_vat(struct reader *r, int i)
{
	struct img_udf_map *mp = &r->info->maps[i];
	struct map_state *ms = &r->m[i];
	const struct img_udf_map *bp = &r->info->maps[ms->base];
	uint64_t nsec = img_source_size(r->src) / r->bs;
	for (uint64_t k = 0; k < 32 && k < nsec; k++) {
		uint64_t s = nsec - 1 - k;
		if (s < bp->partition_start || s - bp->partition_start >= bp->partition_length)
			break;
		uint32_t lbn = (uint32_t)(s - bp->partition_start);
		unsigned char *b = r->block;
		if (img_source_read(r->src, s * r->bs, b, r->bs, "UDF VAT", NULL) != IMG_OK)
			break;
		unsigned id = img_le16(b);
		if ((id != 261 && id != 266) || (b[27] != 248 && b[27] != 0))
			continue;
		if (check_part_tag(r, b, (unsigned)ms->base, lbn, s * r->bs, "VAT file entry"))
			continue;
		unsigned ftype = b[27];
		struct img_fnode n = {0};
		n.size = img_le64(b + 56);
		int rc = entry_extents(r, (unsigned)ms->base, s * r->bs, &n);
		unsigned char *d = NULL;
		size_t len = 0;
		if (rc == IMG_OK)
			rc = read_data(r, &n, IMG_UDF_MAX_VAT_BYTES, &d, &len);
		free(n.extents);
		if (rc != IMG_OK)
			return rc;
		size_t first = 0, end = len;
		if (ftype == 248) {
			/* 2.00+: header (length at 0), then the entries. */
			first = len >= 2 ? img_le16(d) : len + 1;
			if (first < 152 || first > len) {
				free(d);
				return img_error_set(r->err, IMG_ECORRUPT, "UDF VAT at sector %llu: "
						     "header length %zu in %zu bytes",
						     (unsigned long long)s, first, len);
			}
		} else {
			/* 1.50: the entries, then "*UDF Virtual Alloc Tbl" and the previous VAT. */
			if (len < 36 || memcmp(d + len - 36 + 1, "*UDF Virtual Alloc Tbl", 22)) {
				free(d);
				continue;
			}
			end = len - 36;
		}
		ms->nvat = (uint32_t)((end - first) / 4);
		ms->vat = malloc((ms->nvat ? ms->nvat : 1) * sizeof(uint32_t));
		if (ms->vat == NULL) {
			free(d);
			return img_error_set(r->err, IMG_ENOMEM, "UDF VAT");
		}
		for (uint32_t e = 0; e < ms->nvat; e++)
			ms->vat[e] = img_le32(d + first + 4 * (size_t)e);
		free(d);
		mp->vat_sector = (uint32_t)s;
		mp->vat_entries = ms->nvat;
		return IMG_OK;
	}
	return img_error_set(r->err, IMG_ECORRUPT, "UDF virtual partition: no VAT file entry in "
			     "the last 32 sectors of the image (before byte %llu)",
			     (unsigned long long)img_source_size(r->src));
}

/* ---- volume ---- */

struct pd_entry {
	uint16_t number;
	uint32_t start, length;
};

/* Parses the partition maps of the logical volume descriptor b at byte off (3/10.6.13-14). */
static int parse_maps(const unsigned char *b, uint32_t bs, uint64_t off,
		      struct img_udf_info *info, struct img_error *err)
{
	uint32_t mtl = img_le32(b + 264), nmaps = img_le32(b + 268);
	if (mtl > bs - 440)
		return img_error_set(err, IMG_ECORRUPT, "UDF logical volume descriptor at byte "
				     "%llu: map table length %u overruns the block",
				     (unsigned long long)off + 264, mtl);
	if (nmaps > IMG_UDF_MAX_MAPS)
		return img_error_set(err, IMG_EUNSUPPORTED, "UDF logical volume descriptor at "
				     "byte %llu: %u partition maps (at most %d are read)",
				     (unsigned long long)off + 268, nmaps, IMG_UDF_MAX_MAPS);
	size_t p = 0;
	for (uint32_t i = 0; i < nmaps; i++) {
		const unsigned char *m = b + 440 + p;
		uint64_t moff = off + 440 + p;
		if (p + 2 > mtl || m[1] < 6 || p + m[1] > mtl)
			return img_error_set(err, IMG_ECORRUPT, "UDF partition map %u at byte %llu: "
					     "length runs past the map table (%u bytes)", i,
					     (unsigned long long)moff, mtl);
		struct img_udf_map *mp = &info->maps[i];
		memset(mp, 0, sizeof(*mp));
		mp->type = m[0];
		mp->bitmap_file = IMG_UDF_NO_FILE;
		if (m[0] == 1) {
			mp->kind = IMG_UDF_MAP_PHYSICAL;
			mp->partition_number = img_le16(m + 4);
		} else if (m[0] == 2 && m[1] >= 64) {
			char ident[24];
			memcpy(ident, m + 5, 23);
			ident[23] = '\0';
			mp->partition_number = img_le16(m + 38);
			if (strcmp(ident, "*UDF Metadata Partition") == 0) {
				mp->kind = IMG_UDF_MAP_METADATA;
				mp->metadata_file = img_le32(m + 40);
				mp->mirror_file = img_le32(m + 44);
				mp->bitmap_file = img_le32(m + 48);
				mp->allocation_unit = img_le32(m + 52);
				mp->alignment_unit = img_le16(m + 56);
				mp->duplicate = m[58] & 1;
			} else if (strcmp(ident, "*UDF Sparable Partition") == 0) {
				mp->kind = IMG_UDF_MAP_SPARABLE;
				mp->packet_length = img_le16(m + 40);
				mp->sparing_tables = m[42];
				mp->sparing_table_size = img_le32(m + 44);
				if (mp->packet_length == 0 || mp->sparing_tables < 1 ||
				    mp->sparing_tables > 4 || mp->sparing_table_size < 56 ||
				    mp->sparing_table_size > (1u << 20))
					return img_error_set(err, IMG_ECORRUPT,
							     "UDF sparable partition map at byte "
							     "%llu: packet length %u, %u tables of %u "
							     "bytes", (unsigned long long)moff,
							     mp->packet_length, mp->sparing_tables,
							     mp->sparing_table_size);
				for (unsigned t = 0; t < mp->sparing_tables; t++)
					mp->sparing_table[t] = img_le32(m + 48 + 4 * t);
			} else if (strcmp(ident, "*UDF Virtual Partition") == 0) {
				mp->kind = IMG_UDF_MAP_VIRTUAL;
			} else {
				for (char *c = ident; *c; c++)
					if (*c < 0x20 || *c > 0x7e)
						*c = '?';
				return img_error_set(err, IMG_EUNSUPPORTED,
						     "UDF partition map %u at byte %llu: type 2 "
						     "\"%s\" is not supported", i,
						     (unsigned long long)moff, ident);
			}
		} else {
			return img_error_set(err, IMG_EUNSUPPORTED, "UDF partition map %u at byte "
					     "%llu: type %u, length %u is not supported", i,
					     (unsigned long long)moff, m[0], m[1]);
		}
		p += m[1];
	}
	info->nmaps = nmaps;
	return IMG_OK;
}

/* Gives each map its partition descriptor and, for metadata and virtual maps, the physical
 * (or sparable) map of the same partition they rest on. */
static int bind_maps(struct reader *r, const struct pd_entry *pds, int npd)
{
	struct img_udf_info *info = r->info;
	for (unsigned i = 0; i < info->nmaps; i++) {
		struct img_udf_map *mp = &info->maps[i];
		int k = 0;
		while (k < npd && pds[k].number != mp->partition_number)
			k++;
		if (k == npd)
			return img_error_set(r->err, IMG_ECORRUPT, "UDF partition map %u refers to "
					     "partition %u, which has no partition descriptor", i,
					     mp->partition_number);
		mp->partition_start = pds[k].start;
		mp->partition_length = pds[k].length;
		r->m[i].base = -1;
		if (mp->kind != IMG_UDF_MAP_METADATA && mp->kind != IMG_UDF_MAP_VIRTUAL)
			continue;
		for (unsigned j = 0; j < info->nmaps && r->m[i].base < 0; j++)
			if (info->maps[j].partition_number == mp->partition_number &&
			    (info->maps[j].kind == IMG_UDF_MAP_PHYSICAL ||
			     info->maps[j].kind == IMG_UDF_MAP_SPARABLE))
				r->m[i].base = (int)j;
		if (r->m[i].base < 0)
			return img_error_set(r->err, IMG_ECORRUPT, "UDF partition map %u: no "
					     "physical partition map for partition %u", i,
					     mp->partition_number);
	}
	return IMG_OK;
}

/* The integrity sequence (extent_ad at 432 of the logical volume descriptor): the last
 * logical volume integrity descriptor holds the counts and revisions (UDF 2.2.6.4).  A missing
 * or damaged one is not an error for reading: the fields stay unset. */
static void read_lvid(struct reader *r, uint32_t len, uint32_t loc)
{
	unsigned char b[MAXBS];
	uint32_t n = len / r->bs;
	for (uint32_t i = 0; i < n && i < 64; i++) {
		uint64_t off = ((uint64_t)loc + i) * r->bs;
		if (img_source_read(r->src, off, b, r->bs, "UDF integrity", NULL) != IMG_OK ||
		    img_le16(b) != 9 || check_tag(b, r->bs, loc + i, true, off, tag_name(9),
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

/* Anchor, main volume descriptor sequence, maps; then the tables the maps need, in order:
 * sparing tables and the VAT first (the metadata file may be reached through them). */
static int open_volume(struct reader *r)
{
	struct img_source *src = r->src;
	struct img_udf_info *info = r->info;
	struct img_error *err = r->err;
	memset(info, 0, sizeof(*info));
	unsigned char b[MAXBS];
	/* The anchor at block 256 (ECMA-167 3/8.4.2.1): 2048-byte blocks first, then the other
	 * sizes, taken only with a valid tag (any file data could start with a 2 there). */
	static const uint32_t sizes[] = {2048, 512, 1024, 4096, 8192, 16384, 32768};
	uint64_t aoff = 0;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]) && r->bs == 0; k++) {
		aoff = 256ull * sizes[k];
		if (img_source_read(src, aoff, b, 512, "UDF anchor", NULL) != IMG_OK ||
		    img_le16(b) != 2)
			continue;
		if (sizes[k] != 2048 && check_tag(b, 512, 256, true, aoff, tag_name(2), err))
			continue;
		if (sizes[k] > MAXBS)
			return img_error_set(err, IMG_EUNSUPPORTED, "UDF with %u-byte logical "
					     "blocks: anchor at byte %llu (at most %u-byte blocks "
					     "are read)", sizes[k], (unsigned long long)aoff, MAXBS);
		r->bs = sizes[k];
	}
	if (r->bs == 0)
		return img_error_set(err, IMG_ENOENT, "no UDF anchor at block 256");
	int rc = check_tag(b, 512, 256, true, aoff, tag_name(2), err);
	if (rc != IMG_OK)
		return rc;
	info->anchor_sector = 256;
	/* ECMA-167 2/8.3: the volume recognition sequence from sector 16 (after any CD001
	 * descriptors of an ISO 9660 bridge) names the NSR revision. */
	for (uint32_t s = 16; s < 16 + 64; s++) {
		if (img_source_read(src, (uint64_t)s * 2048, b, 2048, "VRS", NULL) != IMG_OK)
			break;
		static const char *const ids[] = {"CD001", "BEA01", "NSR02", "NSR03", "TEA01",
						  "BOOT2", "CDW02"};
		size_t k = 0;
		while (k < sizeof(ids) / sizeof(ids[0]) && memcmp(b + 1, ids[k], 5) != 0)
			k++;
		if (k == sizeof(ids) / sizeof(ids[0]) || k == 4)
			break;
		if (k == 2 || k == 3)
			memcpy(info->vrs, ids[k], 6);
	}
	if ((rc = img_source_read(src, aoff, b, 512, "UDF anchor", err)) != IMG_OK)
		return rc;
	info->vds_length = img_le32(b + 16);
	info->vds_sector = img_le32(b + 20);
	if (info->vds_length < r->bs || info->vds_length > 256 * r->bs)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF anchor at byte %llu: volume descriptor sequence length %u "
				     "is not 1-256 sectors", (unsigned long long)aoff + 16,
				     info->vds_length);
	bool lvd = false;
	uint32_t lvid_len = 0, lvid_loc = 0;
	struct pd_entry pds[IMG_UDF_MAX_MAPS];
	int npd = 0;
	uint32_t n = info->vds_length / r->bs;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t sec = info->vds_sector + i;
		uint64_t off = (uint64_t)sec * r->bs;
		if ((rc = img_source_read(src, off, b, r->bs, "UDF volume descriptor",
					  err)) != IMG_OK)
			return rc;
		unsigned id = img_le16(b);
		if (id == 0)
			break;
		if ((rc = check_tag(b, r->bs, sec, true, off, tag_name(id), err)) != IMG_OK)
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
			for (int k = 0; k < npd; k++)
				dup |= pds[k].number == num;
			if (!dup && npd < IMG_UDF_MAX_MAPS) {
				if (npd == 0) {
					info->partition_number = num;
					info->partition_start = img_le32(b + 188);
					info->partition_length = img_le32(b + 192);
				}
				pds[npd++] = (struct pd_entry){num, img_le32(b + 188),
							       img_le32(b + 192)};
			}
		} else if (id == 6 && !lvd) {
			lvd = true;
			info->block_size = img_le32(b + 212);
			/* Domain entity (UDF 2.1.5): identifier, then the revision in the suffix. */
			memcpy(info->domain, b + 217, 23);
			info->domain[23] = '\0';
			for (int k = 0; k < 23; k++)
				if (info->domain[k] && (info->domain[k] < 0x20 || info->domain[k] > 0x7e))
					info->domain[k] = '?';
			info->revision = img_le16(b + 240);
			dstring(b + 84, 128, info->logical_volume_id,
				sizeof(info->logical_volume_id));
			/* File set descriptor: long_ad in the logical volume contents use. */
			info->fsd_block = img_le32(b + 248 + 4);
			info->fsd_partition = img_le16(b + 248 + 8);
			lvid_len = img_le32(b + 432);
			lvid_loc = img_le32(b + 436);
			if ((rc = parse_maps(b, r->bs, off, info, err)) != IMG_OK)
				return rc;
		}
	}
	if (!lvd || npd == 0)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF volume descriptor sequence at sector %u: no %s descriptor",
				     info->vds_sector, lvd ? "partition" : "logical volume");
	if (info->block_size != r->bs)
		return img_error_set(err, IMG_ECORRUPT, "UDF logical volume descriptor: logical "
				     "block size %u, but the anchor is block 256 of %u-byte blocks",
				     info->block_size, r->bs);
	if (info->nmaps == 0) {
		/* Not valid UDF, but readable: the first partition as a type 1 map. */
		info->nmaps = 1;
		info->maps[0] = (struct img_udf_map){.kind = IMG_UDF_MAP_PHYSICAL, .type = 1,
			.partition_number = pds[0].number, .bitmap_file = IMG_UDF_NO_FILE};
	}
	if ((rc = bind_maps(r, pds, npd)) != IMG_OK)
		return rc;
	read_lvid(r, lvid_len, lvid_loc);
	bool vat = false;
	for (unsigned i = 0; i < info->nmaps; i++)
		vat |= info->maps[i].kind == IMG_UDF_MAP_VIRTUAL;
	/* A disc with a VAT is recorded only up to the VAT: its partition reaches further. */
	for (unsigned i = 0; i < info->nmaps && !vat; i++) {
		const struct img_udf_map *mp = &info->maps[i];
		uint64_t end = (uint64_t)mp->partition_start + mp->partition_length;
		if (end * r->bs > img_source_size(src) + r->bs * 512ull)
			return img_error_set(err, IMG_ECORRUPT,
					     "UDF partition descriptor: partition %u+%u sectors "
					     "lies past the end of the image", mp->partition_start,
					     mp->partition_length);
	}
	for (unsigned i = 0; i < info->nmaps; i++)
		if (info->maps[i].kind == IMG_UDF_MAP_SPARABLE && (rc = open_sparing(r, (int)i)))
			return rc;
	for (unsigned i = 0; i < info->nmaps; i++)
		if (info->maps[i].kind == IMG_UDF_MAP_VIRTUAL && (rc = open_vat(r, (int)i)))
			return rc;
	for (unsigned i = 0; i < info->nmaps; i++) {
		if (info->maps[i].kind != IMG_UDF_MAP_METADATA)
			continue;
		if ((rc = open_metadata(r, (int)i)) != IMG_OK)
			return rc;
		info->maps[i].metadata_size = r->m[i].meta.size;
	}
	return IMG_OK;
}

int img_udf_read_info(struct img_source *src, struct img_udf_info *info, struct img_error *err)
{
	struct reader r = {.src = src, .info = info, .err = err};
	int rc = open_volume(&r);
	reader_free(&r);
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

static bool seen_dir(struct reader *r, uint64_t off, int *rc)
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

/* Reads the (extended) file entry at block lbn of partition reference pref into n; *icb_off
 * gets the byte offset of the file entry (loops are detected on it). */
static int read_entry(struct reader *r, unsigned pref, uint32_t lbn, uint64_t where,
		      struct img_fnode *n, int *file_type, uint64_t *icb_off)
{
	uint64_t off;
	int rc = read_icb(r, pref, lbn, where, &pref, &off);
	if (rc != IMG_OK)
		return rc;
	*icb_off = off;
	const unsigned char *b = r->block;
	bool efe = img_le16(b) == 266;
	*file_type = b[16 + 11];
	n->uid = img_le32(b + 36);
	n->gid = img_le32(b + 40);
	uint32_t p = img_le32(b + 44);
	mode_t perm = (mode_t)((((p >> 10) & 7) << 6) | (((p >> 5) & 7) << 3) | (p & 7));
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
	return entry_extents(r, pref, off, n);
}

/* Reads a node's data (bounded) into a new buffer. */
static int read_data(struct reader *r, const struct img_fnode *n, uint64_t max,
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
static int read_symlink(struct reader *r, struct img_fnode *n)
{
	unsigned char *d;
	size_t len;
	int rc = read_data(r, n, 4096, &d, &len);
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

static int read_dir(struct reader *r, struct img_fnode *dir, int depth, struct pending **stack,
		    size_t *nstack, size_t *cap)
{
	unsigned char *d;
	size_t len;
	int rc = read_data(r, dir, IMG_UDF_MAX_DIR_BYTES, &d, &len);
	if (rc != IMG_OK)
		return rc;
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
		if ((rc = check_tag(f, len - pos, 0, false, where, tag_name(257), r->err)) != IMG_OK)
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
	struct reader r = {.src = src, .info = info, .err = err};
	int rc = open_volume(&r);
	if (rc != IMG_OK) {
		reader_free(&r);
		return rc;
	}
	unsigned char b[MAXBS];
	uint64_t foff;
	rc = read_block(&r, info->fsd_partition, info->fsd_block, b, "UDF file set descriptor",
			0, &foff);
	if (rc == IMG_OK)
		rc = check_desc(&r, b, info->fsd_partition, info->fsd_block, foff, 256);
	if (rc != IMG_OK)
		rc = meta_retry(&r, info->fsd_partition, info->fsd_block, b, &foff, 256, rc);
	if (rc == IMG_OK && (rc = img_filetree_new(&r.tree)) != IMG_OK)
		img_error_set(err, rc, "UDF tree");
	if (rc != IMG_OK) {
		reader_free(&r);
		return rc;
	}
	info->tags_verified++;
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
	reader_free(&r);
	if (rc != IMG_OK) {
		img_filetree_free(r.tree);
		return rc;
	}
	*out = r.tree;
	return IMG_OK;
}

/* ---- metadata mirror ---- */

int img_udf_compare_mirror(struct img_source *src, struct img_udf_mirror_check *out,
			   struct img_error *err)
{
	struct img_udf_info info;
	struct reader r = {.src = src, .info = &info, .err = err};
	memset(out, 0, sizeof(*out));
	int rc = open_volume(&r);
	int i = 0;
	while (rc == IMG_OK && i < (int)info.nmaps &&
	       (info.maps[i].kind != IMG_UDF_MAP_METADATA || !info.maps[i].duplicate))
		i++;
	if (rc == IMG_OK && i == (int)info.nmaps)
		rc = img_error_set(err, IMG_ENOENT, "no UDF metadata partition with a duplicate "
				   "mirror file");
	struct meta_file main = {0}, mirror = {0};
	if (rc == IMG_OK)
		rc = meta_load(&r, i, info.maps[i].metadata_file, 250, &main);
	if (rc == IMG_OK)
		rc = meta_load(&r, i, info.maps[i].mirror_file, 251, &mirror);
	if (rc == IMG_OK) {
		out->metadata_size = main.size;
		out->mirror_size = mirror.size;
		uint64_t blocks = (main.size < mirror.size ? main.size : mirror.size);
		blocks = (blocks + r.bs - 1) / r.bs;
		unsigned char a[MAXBS], c[MAXBS];
		for (uint64_t k = 0; k < blocks && rc == IMG_OK; k++) {
			uint64_t sa, sc, run;
			rc = meta_block(&r, &main, (uint32_t)k, &sa, &run, 0);
			if (rc == IMG_OK)
				rc = meta_block(&r, &mirror, (uint32_t)k, &sc, &run, 0);
			if (rc == IMG_OK)
				rc = img_source_read(src, sa * r.bs, a, r.bs, "UDF metadata file",
						     err);
			if (rc == IMG_OK)
				rc = img_source_read(src, sc * r.bs, c, r.bs,
						     "UDF metadata mirror file", err);
			if (rc != IMG_OK)
				break;
			out->blocks++;
			if (memcmp(a, c, r.bs) != 0 && out->differ++ == 0)
				out->first_differ = k;
		}
	}
	meta_free(&main);
	meta_free(&mirror);
	reader_free(&r);
	return rc;
}
