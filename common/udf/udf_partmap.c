/* UDF reader, partition maps (ECMA-167 3/10.7, UDF 2.60 2.2.8-2.2.13): where a logical block
 * of a partition lies on the image through a physical, sparable, virtual (VAT) or metadata
 * partition map, and the tables those maps need: sparing tables, the VAT, the extents of the
 * metadata file and of its mirror. */
#include "common/udf/udf_read_impl.h"
#include "common/base/bytes.h"
#include "common/base/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void meta_free(struct udf_meta_file *f)
{
	free(f->ext);
	memset(f, 0, sizeof(*f));
}

/* The metadata-file extent holding block lbn of the metadata partition (binary search: the
 * extents are in file order). */
static const struct udf_meta_ext *meta_find(const struct udf_meta_file *f, uint32_t lbn)
{
	size_t lo = 0, hi = f->next;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct udf_meta_ext *e = &f->ext[mid];
		if (lbn < e->first)
			hi = mid;
		else if (lbn - e->first >= e->count)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

static int map_block(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t *sector,
		     uint64_t *run, uint64_t where);

/* Block lbn of a metadata partition through the extents of f. */
static int meta_block(struct udf_reader *r, const struct udf_meta_file *f, uint32_t lbn,
		      uint64_t *sector, uint64_t *run, uint64_t where)
{
	const struct udf_meta_ext *e = meta_find(f, lbn);
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
static int map_block(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t *sector,
		     uint64_t *run, uint64_t where)
{
	const struct img_udf_info *info = r->info;
	if (pref >= info->nmaps)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF block reference at byte %llu: partition reference %u, the "
				     "volume has %u partition maps", (unsigned long long)where, pref,
				     info->nmaps);
	const struct img_udf_map *mp = &info->maps[pref];
	struct udf_map_state *ms = &r->m[pref];
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

/* Adds to n each contiguous piece of len bytes from block lbn of pref as an extent, checking
 * that every piece lies inside the image; n may be NULL (checking only). */
int img_udfr_map_range(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t len,
		       uint64_t where, struct img_fnode *n)
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
int img_udfr_read_block(struct udf_reader *r, unsigned pref, uint32_t lbn, unsigned char *buf,
			const char *what, uint64_t where, uint64_t *off)
{
	uint64_t sector, run;
	int rc = map_block(r, pref, lbn, &sector, &run, where);
	if (rc != IMG_OK)
		return rc;
	*off = sector * r->bs;
	return img_source_read(r->src, *off, buf, r->bs, what, r->err);
}

/* img_udfr_check_tag for a descriptor read as block lbn of pref: ECMA-167 4/7.2.1 wants the tag
 * location to be that logical block.  For a virtual partition writers differ (mkudffs records
 * the block of the partition below), so both are accepted there. */
int img_udfr_check_part_tag(struct udf_reader *r, const unsigned char *b, unsigned pref,
			    uint32_t lbn, uint64_t off, const char *what)
{
	int rc = img_udfr_check_tag(b, r->bs, 0, false, off, what, r->err);
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

static int meta_load(struct udf_reader *r, int i, uint32_t loc, unsigned want_type,
		     struct udf_meta_file *f);

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
int img_udfr_meta_retry(struct udf_reader *r, unsigned pref, uint32_t lbn, unsigned char *buf,
			uint64_t *off, unsigned want, int rc)
{
	if (rc != IMG_ECORRUPT || pref >= r->info->nmaps)
		return rc;
	struct img_udf_map *mp = &r->info->maps[pref];
	struct udf_map_state *ms = &r->m[pref];
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
		mrc = img_udfr_check_desc(r, buf, pref, lbn, *off, want);
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

/* ---- metadata partition (UDF 2.60 2.2.10, 2.2.13) ---- */

static int meta_visit(struct udf_reader *r, void *ctx, unsigned pref, uint32_t lbn, uint32_t len,
		      unsigned etype, uint64_t where)
{
	struct udf_meta_file *f = ctx;
	if (pref >= r->info->nmaps || (r->info->maps[pref].kind != IMG_UDF_MAP_PHYSICAL &&
				       r->info->maps[pref].kind != IMG_UDF_MAP_SPARABLE))
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF metadata file allocation descriptor at byte %llu: "
				     "partition reference %u is not a physical partition",
				     (unsigned long long)where, pref);
	if (etype == 0 && len > 0) {
		int rc = img_udfr_map_range(r, pref, lbn, len, where, NULL);
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
	f->ext[f->next++] = (struct udf_meta_ext){(uint32_t)f->blocks, count, lbn, (uint16_t)pref,
					      etype == 0};
	f->blocks += count;
	return IMG_OK;
}

/* Loads the extents of the metadata (file type 250) or mirror (251) file whose file entry is
 * at block loc of the map below metadata map i. */
static int meta_load(struct udf_reader *r, int i, uint32_t loc, unsigned want_type,
		     struct udf_meta_file *f)
{
	const char *what = want_type == 250 ? "metadata file" : "metadata mirror file";
	unsigned pref;
	uint64_t off = 0;
	int base = r->m[i].base;
	int rc = img_udfr_read_icb(r, (unsigned)base, loc, 0, &pref, &off);
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
	if ((rc = img_udfr_entry_ads(r, off, &start, &lad, &atype)) != IMG_OK)
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
	unsigned char copy[IMG_UDF_MAXBS];
	memcpy(copy, b + start, lad);
	if ((rc = img_udfr_walk_ads(r, copy, lad, atype, pref, off + start, meta_visit, f)) != IMG_OK)
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
static int open_metadata(struct udf_reader *r, int i)
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

/* Tells r->place where the recorded extents of f lie, block run by block run. */
static int meta_report(struct udf_reader *r, const struct udf_meta_file *f,
		       enum img_udf_place_kind kind)
{
	for (size_t i = 0; i < f->next; i++) {
		const struct udf_meta_ext *e = &f->ext[i];
		uint32_t lbn = e->lbn, left = e->count;
		while (e->recorded && left > 0) {
			uint64_t sector, run;
			int rc = map_block(r, e->pref, lbn, &sector, &run, 0);
			if (rc != IMG_OK)
				return rc; /* checked when loaded: not expected */
			if (run > left)
				run = left;
			uint64_t off = sector * r->bs, len = run * r->bs;
			uint64_t size = img_source_size(r->src);
			if (off >= size)
				break;
			if (len > size - off)
				len = size - off;
			if ((rc = r->place(r->place_ctx, off, len, kind, "")) != IMG_OK)
				return rc;
			left -= (uint32_t)run;
			if ((uint64_t)lbn + run > UINT32_MAX)
				break;
			lbn += (uint32_t)run;
		}
	}
	return IMG_OK;
}

/* Loads the file of type want at block loc below metadata map i and reports it; a file that
 * cannot be read is left out and r->err kept as it was. */
static int meta_report_other(struct udf_reader *r, int i, uint32_t loc, unsigned want,
			     enum img_udf_place_kind kind)
{
	if (loc == IMG_UDF_NO_FILE)
		return IMG_OK;
	struct udf_meta_file f = {0};
	struct img_error keep = *r->err;
	int rc = meta_load(r, i, loc, want, &f);
	if (rc == IMG_OK)
		rc = meta_report(r, &f, kind);
	else if (rc != IMG_ENOMEM) {
		*r->err = keep;
		rc = IMG_OK;
	}
	meta_free(&f);
	return rc;
}

int img_udfr_meta_places(struct udf_reader *r)
{
	int rc = IMG_OK;
	for (unsigned i = 0; rc == IMG_OK && i < r->info->nmaps && i < IMG_UDF_MAX_MAPS; i++) {
		const struct img_udf_map *mp = &r->info->maps[i];
		if (mp->kind != IMG_UDF_MAP_METADATA)
			continue;
		/* meta holds the mirror's extents when the metadata file was unreadable */
		rc = meta_report(r, &r->m[i].meta, mp->mirror_used ? IMG_UDF_PLACE_MIRROR :
						    IMG_UDF_PLACE_METADATA);
		if (rc == IMG_OK && !mp->mirror_used && mp->mirror_file != mp->metadata_file)
			rc = meta_report_other(r, (int)i, mp->mirror_file, 251,
					       IMG_UDF_PLACE_MIRROR);
		if (rc == IMG_OK)
			rc = meta_report_other(r, (int)i, mp->bitmap_file, 252,
					       IMG_UDF_PLACE_BITMAP);
	}
	return rc;
}

/* ---- sparing table (UDF 2.60 2.2.12) ---- */

static int open_sparing(struct udf_reader *r, int i)
{
	struct img_udf_map *mp = &r->info->maps[i];
	struct udf_map_state *ms = &r->m[i];
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
			rc = img_udfr_check_tag(b, bytes, loc, true, off, "sparing table", r->err);
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

/* The VAT is the file entry in the last recorded sector (UDF 2.60 2.2.11, 6.13.2): tried from
 * the image's last sector back over a few sectors of run-out. */
static int open_vat(struct udf_reader *r, int i)
{
	struct img_udf_map *mp = &r->info->maps[i];
	struct udf_map_state *ms = &r->m[i];
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
		if (img_udfr_check_part_tag(r, b, (unsigned)ms->base, lbn, s * r->bs, "VAT file entry"))
			continue;
		unsigned ftype = b[27];
		struct img_fnode n = {0};
		n.size = img_le64(b + 56);
		int rc = img_udfr_entry_extents(r, (unsigned)ms->base, s * r->bs, &n);
		unsigned char *d = NULL;
		size_t len = 0;
		if (rc == IMG_OK)
			rc = img_udfr_read_data(r, &n, IMG_UDF_MAX_VAT_BYTES, &d, &len);
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

/* ---- maps of the logical volume ---- */

/* Parses the partition maps of the logical volume descriptor b at byte off (3/10.6.13-14). */
int img_udfr_parse_maps(const unsigned char *b, uint32_t bs, uint64_t off,
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
int img_udfr_bind_maps(struct udf_reader *r, const struct udf_pd_entry *pds, int npd)
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

/* Sparing tables and the VAT first: the metadata file may be reached through them. */
int img_udfr_load_maps(struct udf_reader *r)
{
	struct img_udf_info *info = r->info;
	int rc;
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

void img_udfr_free_maps(struct udf_reader *r)
{
	for (int i = 0; i < IMG_UDF_MAX_MAPS; i++) {
		meta_free(&r->m[i].meta);
		meta_free(&r->m[i].mirror);
		free(r->m[i].spare_from);
		free(r->m[i].spare_to);
		free(r->m[i].vat);
	}
	memset(r->m, 0, sizeof(r->m));
}

/* ---- metadata mirror ---- */

int img_udf_compare_mirror(struct img_source *src, struct img_udf_mirror_check *out,
			   struct img_error *err)
{
	struct img_udf_info info;
	struct udf_reader r = {.src = src, .info = &info, .err = err};
	memset(out, 0, sizeof(*out));
	int rc = img_udfr_open_volume(&r);
	int i = 0;
	while (rc == IMG_OK && i < (int)info.nmaps &&
	       (info.maps[i].kind != IMG_UDF_MAP_METADATA || !info.maps[i].duplicate))
		i++;
	if (rc == IMG_OK && i == (int)info.nmaps)
		rc = img_error_set(err, IMG_ENOENT, "no UDF metadata partition with a duplicate "
				   "mirror file");
	struct udf_meta_file main = {0}, mirror = {0};
	if (rc == IMG_OK)
		rc = meta_load(&r, i, info.maps[i].metadata_file, 250, &main);
	if (rc == IMG_OK)
		rc = meta_load(&r, i, info.maps[i].mirror_file, 251, &mirror);
	if (rc == IMG_OK) {
		out->metadata_size = main.size;
		out->mirror_size = mirror.size;
		uint64_t blocks = (main.size < mirror.size ? main.size : mirror.size);
		blocks = (blocks + r.bs - 1) / r.bs;
		unsigned char a[IMG_UDF_MAXBS], c[IMG_UDF_MAXBS];
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
	img_udfr_free(&r);
	return rc;
}

