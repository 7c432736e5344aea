/* imginfo --diff: two images compared structure by structure, then file by file per view, with
 * the data read only where a cheap test says it can differ. */
#include "common/inspect/diff.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/base/grow.h"
#include "common/inspect/eltorito.h"
#include "common/inspect/filetree.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/sysarea.h"
#include "common/inspect/voldesc.h"
#include "common/udf/udf_read.h"

#define BLK 2048u
/* Sequential reads of the block sweep and of file data: big enough that the sweep runs at
 * the speed of the disk (as cmp does), small enough to stay out of the way. */
#define CHUNK (1u << 20)

/* Who claims a block (one byte per 2048-byte block of the larger image). */
enum owner {
	OWN_NONE, OWN_SYSAREA, OWN_VD, OWN_CATALOG, OWN_BOOTIMG, OWN_PATHTABLE, OWN_DIR,
	OWN_FILE, OWN_UDF, OWN_GPT_BACKUP, OWN_UDF_ENTRY, OWN_UDF_DIR, OWN_UDF_META,
	OWN_UDF_MIRROR, OWN_COUNT
};
static const char *const owner_names[OWN_COUNT] = {
	"unclaimed", "system area", "volume descriptor", "boot catalog", "boot image",
	"path table", "directory records", "file data", "udf descriptor", "gpt backup",
	"udf file entry", "udf directory", "udf metadata file", "udf metadata mirror file"
};

/* Block flags. */
/* F_META: some structure other than file data claims the block (kept apart from the owner,
 * where the first claim wins, so that a hostile image whose directory overlaps a file's data
 * is not taken for one whose metadata are all equal). */
enum { F_DIFFER = 1, F_EXPLAINED = 2, F_META = 4 };

struct dctx {
	struct img_source *src[2];
	const struct img_diff_opts *opts;
	struct img_diff_result *r;
	struct img_error *err;
	int rc;                     /* sticky: the first IMG_ENOMEM/IMG_EIO */
	uint64_t size[2], nblocks;
	uint8_t *owner, *flags;     /* nblocks each */
	unsigned char *buf[2];      /* CHUNK each */
	struct img_vdset *vds[2];   /* NULL when unreadable */
	/* The directory records of each path, sorted by path, per image and view (MAP_ISO,
	 * MAP_JOLIET, MAP_RR); a NULL map when the image has no such tree. */
	struct pxmap *maps[2][3];
	/* UDF file entries and directories: per block, 1 + the index in place_path of the
	 * file that owns it (0: none), allocated when the first is met */
	uint32_t *place_of;
	char **place_path;
	size_t nplace, capplace;
};

/* --- the result list --- */

static char *dup_or_null(struct dctx *d, const char *s)
{
	if (s == NULL)
		return NULL;
	char *c = strdup(s);
	if (c == NULL)
		d->rc = IMG_ENOMEM;
	return c;
}

static void explain_record(struct dctx *d, const char *view, const char *path);

static struct img_diff_item *add(struct dctx *d, enum img_diff_kind kind, const char *area,
				 const char *where, const char *field, const char *a, const char *b)
{
	if (d->rc != IMG_OK)
		return NULL;
	struct img_diff_result *r = d->r;
	if (img_grow((void **)&r->items, &r->cap, r->count, sizeof(*r->items), 64) != IMG_OK) {
		d->rc = IMG_ENOMEM;
		return NULL;
	}
	struct img_diff_item *x = &r->items[r->count];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->area = area;
	x->where = dup_or_null(d, where);
	x->field = dup_or_null(d, field);
	x->a = dup_or_null(d, a);
	x->b = dup_or_null(d, b);
	r->count++; /* counted even after ENOMEM so that free sees every string */
	/* What a file's metadata, placement or presence change alters is its directory
	 * record: those blocks are explained by this difference. */
	if (kind == IMG_DIFF_METADATA || kind == IMG_DIFF_PLACEMENT || kind == IMG_DIFF_ADDED ||
	    kind == IMG_DIFF_REMOVED)
		explain_record(d, area, where);
	return d->rc == IMG_OK ? x : NULL;
}

/* --- block bookkeeping --- */

static void mark(struct dctx *d, uint8_t *arr, uint64_t off, uint64_t len, bool owner,
		 uint8_t v)
{
	if (len == 0 || off >= d->nblocks * BLK)
		return;
	uint64_t first = off / BLK, last = (off + len - 1) / BLK;
	if (last >= d->nblocks || off + len < off)
		last = d->nblocks - 1;
	for (uint64_t i = first; i <= last; i++) {
		if (owner) {
			/* The first claim stays: boot images are often files as well. */
			if (arr[i] == OWN_NONE)
				arr[i] = v;
		} else {
			arr[i] |= v;
		}
	}
}

static void claim(struct dctx *d, enum owner o, uint64_t off, uint64_t len)
{
	mark(d, d->owner, off, len, true, (uint8_t)o);
	if (o != OWN_FILE)
		mark(d, d->flags, off, len, false, F_META);
}

static void explain(struct dctx *d, uint64_t off, uint64_t len)
{
	mark(d, d->flags, off, len, false, F_EXPLAINED);
}

static bool any_differ(const struct dctx *d, uint64_t off, uint64_t len)
{
	if (len == 0 || off >= d->nblocks * BLK)
		return false;
	uint64_t first = off / BLK, last = (off + len - 1) / BLK;
	if (last >= d->nblocks || off + len < off)
		last = d->nblocks - 1;
	for (uint64_t i = first; i <= last; i++)
		if (d->flags[i] & F_DIFFER)
			return true;
	return false;
}

static int read_at(struct dctx *d, int side, uint64_t off, void *buf, size_t len)
{
	struct img_error e = {0};
	int rc = img_source_read(d->src[side], off, buf, len, side ? "image B" : "image A", &e);
	if (rc != IMG_OK) {
		d->rc = rc;
		img_error_set(d->err, rc, "image %c: %s", side ? 'B' : 'A', e.detail);
	}
	return rc;
}

/* One pass over the bytes both images have, as cmp makes it; blocks past the end of the
 * shorter image differ by definition. */
static int sweep(struct dctx *d)
{
	uint64_t common = d->size[0] < d->size[1] ? d->size[0] : d->size[1];
	for (uint64_t off = 0; off < common; off += CHUNK) {
		size_t n = common - off < CHUNK ? (size_t)(common - off) : CHUNK;
		if (read_at(d, 0, off, d->buf[0], n) != IMG_OK ||
		    read_at(d, 1, off, d->buf[1], n) != IMG_OK)
			return d->rc;
		if (memcmp(d->buf[0], d->buf[1], n) == 0)
			continue;
		for (size_t i = 0; i < n; i += BLK) {
			size_t m = n - i < BLK ? n - i : BLK;
			if (memcmp(d->buf[0] + i, d->buf[1] + i, m) != 0)
				d->flags[(off + i) / BLK] |= F_DIFFER;
		}
	}
	if (d->size[0] != d->size[1])
		for (uint64_t b = common / BLK; b < d->nblocks; b++)
			d->flags[b] |= F_DIFFER;
	return IMG_OK;
}

/* --- field comparisons --- */

/* A FIELD difference when a and b differ; blocks off .. off+len-1 are then explained. */
static void f_str(struct dctx *d, const char *area, const char *where, const char *field,
		  const char *a, const char *b, uint64_t off, uint64_t len)
{
	if (strcmp(a, b) == 0)
		return;
	add(d, IMG_DIFF_FIELD, area, where, field, a, b);
	explain(d, off, len);
}

static void f_num(struct dctx *d, const char *area, const char *where, const char *field,
		  uint64_t a, uint64_t b, uint64_t off, uint64_t len)
{
	if (a == b)
		return;
	char x[24], y[24];
	snprintf(x, sizeof(x), "%" PRIu64, a);
	snprintf(y, sizeof(y), "%" PRIu64, b);
	add(d, IMG_DIFF_FIELD, area, where, field, x, y);
	explain(d, off, len);
}

static void f_hex(struct dctx *d, const char *area, const char *where, const char *field,
		  uint64_t a, uint64_t b, uint64_t off, uint64_t len)
{
	if (a == b)
		return;
	char x[24], y[24];
	snprintf(x, sizeof(x), "0x%" PRIx64, a);
	snprintf(y, sizeof(y), "0x%" PRIx64, b);
	add(d, IMG_DIFF_FIELD, area, where, field, x, y);
	explain(d, off, len);
}

static void f_bool(struct dctx *d, const char *area, const char *where, const char *field,
		   bool a, bool b, uint64_t off, uint64_t len)
{
	f_str(d, area, where, field, a ? "yes" : "no", b ? "yes" : "no", off, len);
}

/* --- volume descriptors --- */

static void diff_one_vd(struct dctx *d, const struct img_vd *a, const struct img_vd *b)
{
	const char *A = "volume descriptors";
	char w[64];
	snprintf(w, sizeof(w), "%s (sector %" PRIu32 ")", img_vd_kind_name(a->kind), a->sector);
	uint64_t o = (uint64_t)a->sector * BLK;
	if (a->kind != b->kind) {
		f_str(d, A, w, "type", img_vd_kind_name(a->kind), img_vd_kind_name(b->kind), o, BLK);
		return;
	}
	f_num(d, A, w, "version", (uint64_t)a->version, (uint64_t)b->version, o, BLK);
	f_str(d, A, w, "system id", a->system_id, b->system_id, o, BLK);
	f_str(d, A, w, "volume id", a->volume_id, b->volume_id, o, BLK);
	f_str(d, A, w, "volume set id", a->volume_set_id, b->volume_set_id, o, BLK);
	f_str(d, A, w, "publisher id", a->publisher_id, b->publisher_id, o, BLK);
	f_str(d, A, w, "preparer id", a->preparer_id, b->preparer_id, o, BLK);
	f_str(d, A, w, "application id", a->application_id, b->application_id, o, BLK);
	f_str(d, A, w, "copyright file", a->copyright_file, b->copyright_file, o, BLK);
	f_str(d, A, w, "abstract file", a->abstract_file, b->abstract_file, o, BLK);
	f_str(d, A, w, "bibliographic file", a->biblio_file, b->biblio_file, o, BLK);
	f_num(d, A, w, "volume space size", a->volume_space_size, b->volume_space_size, o, BLK);
	f_num(d, A, w, "path table size", a->path_table_size, b->path_table_size, o, BLK);
	f_num(d, A, w, "volume set size", a->set_size, b->set_size, o, BLK);
	f_num(d, A, w, "volume sequence number", a->seq_number, b->seq_number, o, BLK);
	f_num(d, A, w, "logical block size", a->block_size, b->block_size, o, BLK);
	f_num(d, A, w, "root directory extent", a->root_extent, b->root_extent, o, BLK);
	f_num(d, A, w, "root directory size", a->root_size, b->root_size, o, BLK);
	f_str(d, A, w, "creation date", a->created, b->created, o, BLK);
	f_str(d, A, w, "modification date", a->modified, b->modified, o, BLK);
	f_str(d, A, w, "expiration date", a->expires, b->expires, o, BLK);
	f_str(d, A, w, "effective date", a->effective, b->effective, o, BLK);
	f_num(d, A, w, "file structure version", (uint64_t)a->file_structure_version,
	      (uint64_t)b->file_structure_version, o, BLK);
	f_num(d, A, w, "joliet level", (uint64_t)a->joliet_level, (uint64_t)b->joliet_level, o,
	      BLK);
	f_str(d, A, w, "boot system id", a->boot_system_id, b->boot_system_id, o, BLK);
	f_bool(d, A, w, "el torito", a->el_torito, b->el_torito, o, BLK);
	f_num(d, A, w, "boot catalog sector", a->boot_catalog, b->boot_catalog, o, BLK);
}

/* Claims the path tables a primary or supplementary descriptor names (ECMA-119 8.4.14-17:
 * type L at bytes 140 and 144, type M at 148 and 152), read from the raw sector. */
static void claim_path_tables(struct dctx *d, int side, const struct img_vd *v)
{
	unsigned char s[BLK];
	struct img_error e = {0};
	if (v->path_table_size == 0 ||
	    img_source_read(d->src[side], (uint64_t)v->sector * BLK, s, BLK, "vd", &e) != IMG_OK)
		return;
	for (int i = 0; i < 4; i++) {
		const unsigned char *p = s + 140 + 4 * i;
		uint32_t lba = i < 2 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
					       (uint32_t)p[3] << 24
				     : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
					       (uint32_t)p[0] << 24;
		if (lba != 0)
			claim(d, OWN_PATHTABLE, (uint64_t)lba * BLK, v->path_table_size);
	}
}

static void diff_vds(struct dctx *d)
{
	const char *A = "volume descriptors";
	struct img_error e[2] = {{0}, {0}};
	int rc[2];
	for (int s = 0; s < 2; s++) {
		if ((d->vds[s] = calloc(1, sizeof(*d->vds[s]))) == NULL) {
			d->rc = IMG_ENOMEM;
			return;
		}
		rc[s] = img_vd_read(d->src[s], d->vds[s], &e[s]);
		if (rc[s] == IMG_ENOMEM) {
			d->rc = IMG_ENOMEM;
			return;
		}
	}
	if (rc[0] != IMG_OK || rc[1] != IMG_OK) {
		if (rc[0] != IMG_OK && rc[1] != IMG_OK && strcmp(e[0].detail, e[1].detail) == 0) {
			/* Neither has an ISO 9660 volume (a UDF-only image): nothing to compare. */
		} else {
			f_str(d, A, "volume descriptor set", "readable",
			      rc[0] == IMG_OK ? "yes" : e[0].detail,
			      rc[1] == IMG_OK ? "yes" : e[1].detail, 16 * BLK, BLK);
		}
		for (int s = 0; s < 2; s++)
			if (rc[s] != IMG_OK) {
				free(d->vds[s]);
				d->vds[s] = NULL;
			}
		return;
	}
	const struct img_vdset *a = d->vds[0], *b = d->vds[1];
	/* Descriptors are matched by kind and rank (the second supplementary one with the
	 * second), not by sector: a boot record added before the Joliet descriptor would
	 * otherwise make every later descriptor "differ". */
	bool matched[IMG_VD_MAX] = {false};
	for (int i = 0; i < a->count; i++) {
		claim(d, OWN_VD, (uint64_t)a->vd[i].sector * BLK, BLK);
		int rank = 0, j;
		for (int k = 0; k < i; k++)
			rank += a->vd[k].kind == a->vd[i].kind;
		for (j = 0; j < b->count; j++)
			if (b->vd[j].kind == a->vd[i].kind && rank-- == 0)
				break;
		if (j < b->count) {
			matched[j] = true;
			if (a->vd[i].sector != b->vd[j].sector) {
				char w[64];
				snprintf(w, sizeof(w), "%s", img_vd_kind_name(a->vd[i].kind));
				f_num(d, A, w, "sector", a->vd[i].sector, b->vd[j].sector,
				      (uint64_t)a->vd[i].sector * BLK, BLK);
				explain(d, (uint64_t)b->vd[j].sector * BLK, BLK);
			}
			diff_one_vd(d, &a->vd[i], &b->vd[j]);
			continue;
		}
		char w[64];
		snprintf(w, sizeof(w), "%s (sector %" PRIu32 ")", img_vd_kind_name(a->vd[i].kind),
			 a->vd[i].sector);
		f_str(d, A, w, "present", "yes", "no", (uint64_t)a->vd[i].sector * BLK, BLK);
	}
	for (int j = 0; j < b->count; j++) {
		claim(d, OWN_VD, (uint64_t)b->vd[j].sector * BLK, BLK);
		if (matched[j])
			continue;
		char w[64];
		snprintf(w, sizeof(w), "%s (sector %" PRIu32 ")", img_vd_kind_name(b->vd[j].kind),
			 b->vd[j].sector);
		f_str(d, A, w, "present", "no", "yes", (uint64_t)b->vd[j].sector * BLK, BLK);
	}
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < d->vds[s]->count; i++)
			if (d->vds[s]->vd[i].kind == IMG_VD_PRIMARY ||
			    d->vds[s]->vd[i].kind == IMG_VD_JOLIET ||
			    d->vds[s]->vd[i].kind == IMG_VD_SUPPLEMENTARY ||
			    d->vds[s]->vd[i].kind == IMG_VD_ISO1999)
				claim_path_tables(d, s, &d->vds[s]->vd[i]);
	/* The Volume Recognition Sequence follows the terminator (ECMA-167 2/9.1). */
	uint64_t vrs = (uint64_t)(16 + a->count) * BLK;
	f_str(d, "udf", "volume recognition sequence", "NSR descriptor", a->udf_nsr, b->udf_nsr,
	      vrs, 3 * BLK);
	if (a->udf_nsr[0] || b->udf_nsr[0])
		claim(d, OWN_UDF, vrs, 3 * BLK);
}

/* --- El Torito --- */

static const struct img_vd *boot_record(const struct img_vdset *v)
{
	if (v == NULL)
		return NULL;
	for (int i = 0; i < v->count; i++)
		if (v->vd[i].kind == IMG_VD_BOOT && v->vd[i].el_torito)
			return &v->vd[i];
	return NULL;
}

static void diff_entry(struct dctx *d, const char *w, const struct img_boot_entry *a,
		       const struct img_boot_entry *b, uint64_t o)
{
	const char *A = "boot catalog";
	f_num(d, A, w, "section", (uint64_t)a->section, (uint64_t)b->section, o, BLK);
	f_str(d, A, w, "platform", img_eltorito_platform_name(a->platform),
	      img_eltorito_platform_name(b->platform), o, BLK);
	f_bool(d, A, w, "bootable", a->bootable, b->bootable, o, BLK);
	f_str(d, A, w, "emulation", img_eltorito_emulation_name(a->emulation),
	      img_eltorito_emulation_name(b->emulation), o, BLK);
	f_hex(d, A, w, "load segment", a->load_segment, b->load_segment, o, BLK);
	f_num(d, A, w, "system type", (uint64_t)a->system_type, (uint64_t)b->system_type, o, BLK);
	f_num(d, A, w, "sector count", a->sector_count, b->sector_count, o, BLK);
	f_num(d, A, w, "load rba", a->load_rba, b->load_rba, o, BLK);
	f_num(d, A, w, "image size", a->image_size, b->image_size, o, BLK);
	f_bool(d, A, w, "boot info table", a->info_table, b->info_table, o, BLK);
	f_num(d, A, w, "boot info table length", a->info_table_length, b->info_table_length, o,
	      BLK);
}

static void diff_eltorito(struct dctx *d)
{
	const char *A = "boot catalog";
	const struct img_vd *br[2] = {boot_record(d->vds[0]), boot_record(d->vds[1])};
	if (br[0] == NULL && br[1] == NULL)
		return;
	struct img_boot_catalog *c[2] = {NULL, NULL};
	char state[2][1100];
	for (int s = 0; s < 2; s++) {
		snprintf(state[s], sizeof(state[s]), "%s", br[s] ? "yes" : "no");
		if (br[s] == NULL)
			continue;
		if ((c[s] = calloc(1, sizeof(*c[s]))) == NULL) {
			d->rc = IMG_ENOMEM;
			goto out;
		}
		struct img_error e = {0};
		claim(d, OWN_CATALOG, (uint64_t)br[s]->boot_catalog * BLK, BLK);
		if (img_eltorito_read(d->src[s], br[s]->boot_catalog, c[s], &e) != IMG_OK) {
			snprintf(state[s], sizeof(state[s]), "unreadable: %s", e.detail);
			free(c[s]);
			c[s] = NULL;
			continue;
		}
		for (int i = 0; i < c[s]->count; i++)
			claim(d, OWN_BOOTIMG, (uint64_t)c[s]->entries[i].load_rba * BLK,
			      c[s]->entries[i].image_size);
	}
	uint64_t o = (uint64_t)(br[0] ? br[0] : br[1])->boot_catalog * BLK;
	if (c[0] == NULL || c[1] == NULL) {
		f_str(d, A, "catalog", "present", state[0], state[1], o, BLK);
		goto out;
	}
	f_num(d, A, "catalog", "sector", c[0]->sector, c[1]->sector, o, BLK);
	f_str(d, A, "validation entry", "platform", img_eltorito_platform_name(c[0]->platform),
	      img_eltorito_platform_name(c[1]->platform), o, BLK);
	f_str(d, A, "validation entry", "id", c[0]->id, c[1]->id, o, BLK);
	f_num(d, A, "catalog", "entries", (uint64_t)c[0]->count, (uint64_t)c[1]->count, o, BLK);
	int n = c[0]->count < c[1]->count ? c[0]->count : c[1]->count;
	for (int i = 0; i < n; i++) {
		char w[32];
		snprintf(w, sizeof(w), "entry %d", i + 1);
		diff_entry(d, w, &c[0]->entries[i], &c[1]->entries[i], o);
	}
out:
	free(c[0]);
	free(c[1]);
}

/* --- system area --- */

static void diff_sysarea(struct dctx *d)
{
	struct img_sysarea *s[2] = {calloc(1, sizeof(**s)), calloc(1, sizeof(**s))};
	char state[2][1100];
	bool ok[2];
	if (s[0] == NULL || s[1] == NULL) {
		d->rc = IMG_ENOMEM;
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		struct img_error e = {0};
		ok[i] = img_sysarea_read(d->src[i], s[i], &e) == IMG_OK;
		snprintf(state[i], sizeof(state[i]), "%s", ok[i] ? "yes" : e.detail);
	}
	const uint64_t o = 0, l = 16 * BLK;
	if (!ok[0] || !ok[1]) {
		f_str(d, "mbr", "system area", "readable", state[0], state[1], o, l);
		goto out;
	}
	const struct img_sysarea *a = s[0], *b = s[1];
	if (a->mbr || b->mbr || a->gpt || b->gpt || a->apm || b->apm)
		claim(d, OWN_SYSAREA, o, l);
	f_bool(d, "mbr", "master boot record", "present", a->mbr, b->mbr, o, l);
	if (a->mbr && b->mbr) {
		f_hex(d, "mbr", "master boot record", "disk signature", a->mbr_signature,
		      b->mbr_signature, o, l);
		for (int i = 0; i < 4; i++) {
			const struct img_mbr_part *p = &a->mbr_parts[i], *q = &b->mbr_parts[i];
			char w[32];
			snprintf(w, sizeof(w), "partition %d", i + 1);
			f_hex(d, "mbr", w, "status", (uint64_t)p->status, (uint64_t)q->status, o, l);
			f_hex(d, "mbr", w, "type", (uint64_t)p->type, (uint64_t)q->type, o, l);
			f_num(d, "mbr", w, "start", p->start, q->start, o, l);
			f_num(d, "mbr", w, "sectors", p->sectors, q->sectors, o, l);
		}
	}
	/* The backup GPT at the end of the image: its header at backup_lba and its entry array
	 * just before it (UEFI 2.x 5.3.2); GPT LBAs are 512-byte sectors. */
	size_t gpt_before = d->r->count;
	for (int i = 0; i < 2; i++) {
		const struct img_sysarea *x = s[i];
		if (!x->gpt || x->gpt_backup_lba == 0 || x->gpt_backup_lba > UINT64_MAX / 512)
			continue;
		uint64_t arr = (uint64_t)x->gpt_num_entries * x->gpt_entry_size;
		uint64_t hdr = x->gpt_backup_lba * 512;
		claim(d, OWN_GPT_BACKUP, hdr, 512);
		if (arr <= IMG_GPT_MAX_ARRAY && arr <= hdr)
			claim(d, OWN_GPT_BACKUP, hdr - arr, arr);
	}
	f_bool(d, "gpt", "gpt header", "present", a->gpt, b->gpt, o, l);
	if (a->gpt && b->gpt) {
		const char *w = "gpt header";
		f_hex(d, "gpt", w, "revision", a->gpt_revision, b->gpt_revision, o, l);
		f_str(d, "gpt", w, "disk guid", a->gpt_disk_guid, b->gpt_disk_guid, o, l);
		f_num(d, "gpt", w, "current lba", a->gpt_current_lba, b->gpt_current_lba, o, l);
		f_num(d, "gpt", w, "backup lba", a->gpt_backup_lba, b->gpt_backup_lba, o, l);
		f_num(d, "gpt", w, "first usable lba", a->gpt_first_usable, b->gpt_first_usable, o,
		      l);
		f_num(d, "gpt", w, "last usable lba", a->gpt_last_usable, b->gpt_last_usable, o, l);
		f_num(d, "gpt", w, "partition entries lba", a->gpt_entries_lba, b->gpt_entries_lba,
		      o, l);
		f_num(d, "gpt", w, "number of entries", a->gpt_num_entries, b->gpt_num_entries, o,
		      l);
		f_num(d, "gpt", w, "entry size", a->gpt_entry_size, b->gpt_entry_size, o, l);
		f_bool(d, "gpt", w, "header crc ok", a->gpt_header_crc_ok, b->gpt_header_crc_ok, o,
		       l);
		f_bool(d, "gpt", w, "entries crc ok", a->gpt_entries_crc_ok, b->gpt_entries_crc_ok,
		       o, l);
		f_bool(d, "gpt", w, "backup ok", a->gpt_backup_ok, b->gpt_backup_ok, o, l);
		f_num(d, "gpt", w, "partitions", (uint64_t)a->gpt_count, (uint64_t)b->gpt_count, o,
		      l);
		int n = a->gpt_count < b->gpt_count ? a->gpt_count : b->gpt_count;
		for (int i = 0; i < n; i++) {
			const struct img_gpt_part *p = &a->gpt_parts[i], *q = &b->gpt_parts[i];
			char pw[32];
			snprintf(pw, sizeof(pw), "partition %d", p->index);
			f_num(d, "gpt", pw, "slot", (uint64_t)p->index, (uint64_t)q->index, o, l);
			f_str(d, "gpt", pw, "type guid", p->type_guid, q->type_guid, o, l);
			f_str(d, "gpt", pw, "guid", p->guid, q->guid, o, l);
			f_num(d, "gpt", pw, "first lba", p->first_lba, q->first_lba, o, l);
			f_num(d, "gpt", pw, "last lba", p->last_lba, q->last_lba, o, l);
			f_hex(d, "gpt", pw, "attributes", p->attributes, q->attributes, o, l);
			f_str(d, "gpt", pw, "name", p->name, q->name, o, l);
		}
	}
	/* A field of the GPT that differs differs in its backup too. */
	for (int i = 0; i < 2 && d->r->count > gpt_before; i++) {
		const struct img_sysarea *x = s[i];
		if (!x->gpt || x->gpt_backup_lba == 0 || x->gpt_backup_lba > UINT64_MAX / 512)
			continue;
		uint64_t arr = (uint64_t)x->gpt_num_entries * x->gpt_entry_size;
		uint64_t hdr = x->gpt_backup_lba * 512;
		explain(d, hdr, 512);
		if (arr <= IMG_GPT_MAX_ARRAY && arr <= hdr)
			explain(d, hdr - arr, arr);
	}
	f_bool(d, "apm", "apple partition map", "present", a->apm, b->apm, o, l);
	if (a->apm && b->apm) {
		f_num(d, "apm", "apple partition map", "block size", a->apm_block_size,
		      b->apm_block_size, o, l);
		f_num(d, "apm", "apple partition map", "partitions", (uint64_t)a->apm_count,
		      (uint64_t)b->apm_count, o, l);
		int n = a->apm_count < b->apm_count ? a->apm_count : b->apm_count;
		for (int i = 0; i < n; i++) {
			const struct img_apm_part *p = &a->apm_parts[i], *q = &b->apm_parts[i];
			char pw[32];
			snprintf(pw, sizeof(pw), "partition %d", p->index);
			f_num(d, "apm", pw, "start", p->start, q->start, o, l);
			f_num(d, "apm", pw, "blocks", p->count, q->count, o, l);
			f_str(d, "apm", pw, "name", p->name, q->name, o, l);
			f_str(d, "apm", pw, "type", p->type, q->type, o, l);
		}
	}
out:
	free(s[0]);
	free(s[1]);
}

/* --- UDF descriptors --- */

static const char *map_kind_name(enum img_udf_map_kind k)
{
	static const char *const n[] = {"physical", "sparable", "virtual", "metadata"};
	return (unsigned)k < 4 ? n[k] : "?";
}

static void diff_udf_info(struct dctx *d, const struct img_udf_info *a,
			  const struct img_udf_info *b)
{
	const char *U = "udf";
	/* Field differences explain the descriptor blocks we claimed: the anchor and the VDS. */
	uint64_t o = (uint64_t)a->vds_sector * a->block_size, l = a->vds_length;
	const char *w = "anchor volume descriptor pointer";
	f_num(d, U, w, "sector", a->anchor_sector, b->anchor_sector, o, l);
	f_num(d, U, w, "block size", a->block_size, b->block_size, o, l);
	f_num(d, U, w, "main vds sector", a->vds_sector, b->vds_sector, o, l);
	f_num(d, U, w, "main vds length", a->vds_length, b->vds_length, o, l);
	f_str(d, U, "primary volume descriptor", "volume id", a->volume_id, b->volume_id, o, l);
	w = "logical volume descriptor";
	f_str(d, U, w, "logical volume id", a->logical_volume_id, b->logical_volume_id, o, l);
	f_str(d, U, w, "domain id", a->domain, b->domain, o, l);
	f_hex(d, U, w, "udf revision", a->revision, b->revision, o, l);
	f_num(d, U, w, "partition maps", a->nmaps, b->nmaps, o, l);
	w = "partition descriptor";
	f_num(d, U, w, "partition number", a->partition_number, b->partition_number, o, l);
	f_num(d, U, w, "partition start", a->partition_start, b->partition_start, o, l);
	f_num(d, U, w, "partition length", a->partition_length, b->partition_length, o, l);
	unsigned n = a->nmaps < b->nmaps ? a->nmaps : b->nmaps;
	for (unsigned i = 0; i < n && i < IMG_UDF_MAX_MAPS; i++) {
		const struct img_udf_map *p = &a->maps[i], *q = &b->maps[i];
		char mw[48];
		snprintf(mw, sizeof(mw), "partition map %u", i + 1);
		f_str(d, U, mw, "kind", map_kind_name(p->kind), map_kind_name(q->kind), o, l);
		f_num(d, U, mw, "partition number", p->partition_number, q->partition_number, o, l);
		f_num(d, U, mw, "metadata file", p->metadata_file, q->metadata_file, o, l);
		f_num(d, U, mw, "mirror file", p->mirror_file, q->mirror_file, o, l);
		f_num(d, U, mw, "bitmap file", p->bitmap_file, q->bitmap_file, o, l);
		f_num(d, U, mw, "allocation unit", p->allocation_unit, q->allocation_unit, o, l);
		f_num(d, U, mw, "alignment unit", p->alignment_unit, q->alignment_unit, o, l);
		f_bool(d, U, mw, "duplicate metadata", p->duplicate, q->duplicate, o, l);
		f_num(d, U, mw, "metadata size", p->metadata_size, q->metadata_size, o, l);
		f_num(d, U, mw, "packet length", p->packet_length, q->packet_length, o, l);
		f_num(d, U, mw, "sparing tables", p->sparing_tables, q->sparing_tables, o, l);
		f_num(d, U, mw, "vat sector", p->vat_sector, q->vat_sector, o, l);
		f_num(d, U, mw, "vat entries", p->vat_entries, q->vat_entries, o, l);
	}
	w = "file set descriptor";
	f_num(d, U, w, "block", a->fsd_block, b->fsd_block, o, l);
	f_num(d, U, w, "partition", a->fsd_partition, b->fsd_partition, o, l);
	w = "logical volume integrity descriptor";
	f_bool(d, U, w, "present", a->lvid, b->lvid, o, l);
	if (a->lvid && b->lvid) {
		f_bool(d, U, w, "closed", a->lvid_closed, b->lvid_closed, o, l);
		f_num(d, U, w, "files", a->lvid_files, b->lvid_files, o, l);
		f_num(d, U, w, "directories", a->lvid_dirs, b->lvid_dirs, o, l);
		f_hex(d, U, w, "minimum udf read revision", a->min_read_revision,
		      b->min_read_revision, o, l);
		f_hex(d, U, w, "minimum udf write revision", a->min_write_revision,
		      b->min_write_revision, o, l);
		f_hex(d, U, w, "maximum udf write revision", a->max_write_revision,
		      b->max_write_revision, o, l);
	}
}

/* --- file trees --- */

static const char *type_name(mode_t m)
{
	return S_ISDIR(m) ? "directory" : S_ISREG(m) ? "file" : S_ISLNK(m) ? "symlink" : "special";
}

static void when(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%" PRId64, t);
}

/* "block B+N bytes, ..." for up to four extents. */
static void extents_text(const struct img_fnode *n, char *out, size_t size)
{
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n->nextents && i < 4 && at < size; i++) {
		int k = snprintf(out + at, size - at, "%sblock %" PRIu64 " (%" PRIu64 " bytes)",
				 i ? ", " : "", n->extents[i].offset / BLK, n->extents[i].length);
		if (k < 0)
			return;
		at += (size_t)k;
	}
	if (n->nextents > 4 && at < size)
		snprintf(out + at, size - at, ", ... %zu extents", n->nextents);
	if (n->nextents == 0)
		snprintf(out, size, "none");
}

static bool same_extents(const struct img_fnode *a, const struct img_fnode *b)
{
	if (a->nextents != b->nextents)
		return false;
	for (size_t i = 0; i < a->nextents; i++)
		if (a->extents[i].offset != b->extents[i].offset ||
		    a->extents[i].length != b->extents[i].length)
			return false;
	return true;
}

static void claim_file(struct dctx *d, const struct img_fnode *n)
{
	for (size_t i = 0; i < n->nextents; i++)
		claim(d, OWN_FILE, n->extents[i].offset, n->extents[i].length);
}

static void explain_file(struct dctx *d, const struct img_fnode *n)
{
	for (size_t i = 0; i < n->nextents; i++)
		explain(d, n->extents[i].offset, n->extents[i].length);
}

/* Reads up to len bytes of file n from file offset pos; returns the bytes read (0 at the end
 * of its extents), or -1 after a read error. */
static long long file_read(struct dctx *d, int side, const struct img_fnode *n, uint64_t pos,
			   unsigned char *buf, size_t len)
{
	uint64_t base = 0;
	for (size_t i = 0; i < n->nextents; i++) {
		const struct img_extent *x = &n->extents[i];
		if (pos < base + x->length) {
			uint64_t in = pos - base, left = x->length - in;
			size_t k = left < len ? (size_t)left : len;
			if (read_at(d, side, x->offset + in, buf, k) != IMG_OK)
				return -1;
			return (long long)k;
		}
		base += x->length;
	}
	return 0;
}

/* The first byte where the data of a and b differ, UINT64_MAX when they are the same
 * (sizes included).  IMG_EIO through d->rc. */
static uint64_t first_difference(struct dctx *d, const struct img_fnode *a,
				 const struct img_fnode *b)
{
	uint64_t n = a->size < b->size ? a->size : b->size;
	uint64_t pos = 0;
	while (pos < n) {
		size_t want = n - pos < CHUNK ? (size_t)(n - pos) : CHUNK;
		long long ka = file_read(d, 0, a, pos, d->buf[0], want);
		if (ka < 0)
			return UINT64_MAX;
		long long kb = file_read(d, 1, b, pos, d->buf[1], (size_t)(ka ? ka : 1));
		if (kb < 0)
			return UINT64_MAX;
		size_t k = (size_t)(ka < kb ? ka : kb);
		d->r->bytes_read += (uint64_t)ka + (uint64_t)kb;
		if (k == 0) /* extents shorter than the size: what is missing differs */
			return ka == kb ? (a->size == b->size ? UINT64_MAX : pos) : pos;
		if (memcmp(d->buf[0], d->buf[1], k) != 0) {
			size_t i = 0;
			while (d->buf[0][i] == d->buf[1][i])
				i++;
			return pos + i;
		}
		pos += k;
	}
	return a->size == b->size ? UINT64_MAX : n;
}

static void m_str(struct dctx *d, const char *view, const char *path, const char *field,
		  const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		add(d, IMG_DIFF_METADATA, view, path, field, a, b);
}

/* octal: a mode, "0755"; else decimal. */
static void m_num(struct dctx *d, const char *view, const char *path, const char *field,
		  bool octal, uint64_t a, uint64_t b)
{
	if (a == b)
		return;
	char x[32], y[32];
	if (octal) {
		snprintf(x, sizeof(x), "%04" PRIo64, a);
		snprintf(y, sizeof(y), "%04" PRIo64, b);
	} else {
		snprintf(x, sizeof(x), "%" PRIu64, a);
		snprintf(y, sizeof(y), "%" PRIu64, b);
	}
	add(d, IMG_DIFF_METADATA, view, path, field, x, y);
}

static void m_time(struct dctx *d, const char *view, const char *path, const char *field,
		   int64_t a, int64_t b)
{
	if (a == b)
		return;
	char x[32], y[32];
	when(a, x);
	when(b, y);
	add(d, IMG_DIFF_METADATA, view, path, field, x, y);
}

/* --- directories and Rock Ridge PX (our own walk: libisofs keeps PX serials and link
 * counts to itself) --- */

enum { MAP_ISO, MAP_JOLIET, MAP_RR };

/* The directory record of one path of a view: where it is, and (Rock Ridge) its PX entry
 * (RRIP 1.12 4.1.1). */
struct px {
	char *path;
	uint64_t record_block;  /* the 2048-byte block holding the record */
	uint64_t dir_block;     /* directories: the first block of their extent, else UINT64_MAX */
	bool has_px;
	uint32_t nlink, serial;
	bool has_serial;        /* a 44-byte PX (RRIP 1.12); RRIP 1.10's 36-byte one has none */
};

struct pxmap {
	struct px *v;
	size_t n, cap;
};

struct dirwalk {
	struct dctx *d;
	int side;
	struct pxmap *map;      /* where the records of this tree go */
	int names;              /* MAP_ISO: ISO 9660 names, MAP_JOLIET: UCS-2, MAP_RR: NM */
	uint8_t *seen;          /* one bit per block: directory extents met (loops) */
	uint64_t budget;        /* directory bytes left to read */
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What the system use area of one record says (SUSP 5, RRIP 4.1.1 PX, 4.1.4 NM), following
 * CE continuation areas a bounded number of times. */
struct su_info {
	bool px;
	uint32_t nlink, serial;
	bool has_serial;
	char name[1024];
	size_t name_len;
	bool nm;
};

static void parse_su(struct dirwalk *w, const unsigned char *p, size_t len, struct su_info *out,
		     int hops)
{
	const unsigned char *end = p + len;
	while (end - p >= 4) {
		size_t el = p[2];
		if (el < 4 || el > (size_t)(end - p))
			return;
		if (p[0] == 'P' && p[1] == 'X' && el >= 36) {
			out->px = true;
			out->nlink = le32(p + 12);
			if (el >= 44) {
				out->has_serial = true;
				out->serial = le32(p + 36);
			}
		} else if (p[0] == 'N' && p[1] == 'M' && el >= 5 && !(p[4] & 6)) {
			size_t k = el - 5;
			if (out->name_len + k < sizeof(out->name)) {
				memcpy(out->name + out->name_len, p + 5, k);
				out->name_len += k;
				out->nm = true;
			}
		} else if (p[0] == 'C' && p[1] == 'E' && el >= 28 && hops < 16) {
			uint32_t blk = le32(p + 4), off = le32(p + 12), n = le32(p + 20);
			unsigned char *ce;
			if (n > 0 && n <= BLK && off < BLK && (ce = malloc(n)) != NULL) {
				struct img_error e = {0};
				if (img_source_read(w->d->src[w->side], (uint64_t)blk * BLK + off, ce, n,
						    "continuation area", &e) == IMG_OK) {
					claim(w->d, OWN_DIR, (uint64_t)blk * BLK + off, n);
					parse_su(w, ce, n, out, hops + 1);
				}
				free(ce);
			}
		} else if (p[0] == 'S' && p[1] == 'T') {
			return;
		}
		p += el;
	}
}

static void px_add(struct dirwalk *w, const char *path, const struct su_info *su,
		   uint64_t record_block, uint64_t dir_block)
{
	struct pxmap *m = w->map;
	if (m == NULL || w->d->rc != IMG_OK)
		return;
	if (img_grow((void **)&m->v, &m->cap, m->n, sizeof(*m->v), 256) != IMG_OK ||
	    (m->v[m->n].path = strdup(path)) == NULL) {
		w->d->rc = IMG_ENOMEM;
		return;
	}
	m->v[m->n].record_block = record_block;
	m->v[m->n].dir_block = dir_block;
	m->v[m->n].has_px = su->px;
	m->v[m->n].nlink = su->nlink;
	m->v[m->n].serial = su->serial;
	m->v[m->n].has_serial = su->has_serial;
	m->n++;
}

static bool seen(struct dirwalk *w, uint32_t lba)
{
	if ((uint64_t)lba >= w->d->nblocks)
		return true;
	bool was = w->seen[lba / 8] & (1u << (lba % 8));
	w->seen[lba / 8] |= (uint8_t)(1u << (lba % 8));
	return was;
}

/* Walks the directory at lba (size bytes) whose path is path; claims its blocks and records
 * the PX of its entries under their Rock Ridge paths.  Malformed records end the walk of that
 * directory quietly: the readers report them, the diff only needs what can be read. */
static void walk_dir(struct dirwalk *w, uint32_t lba, uint32_t size, const char *path, int depth)
{
	if (depth > IMG_ISO_MAX_DEPTH || size == 0 || size > IMG_ISO_MAX_DIR_BYTES ||
	    size > w->budget || seen(w, lba) || w->d->rc != IMG_OK)
		return;
	w->budget -= size;
	claim(w->d, OWN_DIR, (uint64_t)lba * BLK, size);
	unsigned char *buf = malloc(size);
	if (buf == NULL) {
		w->d->rc = IMG_ENOMEM;
		return;
	}
	struct img_error e = {0};
	if (img_source_read(w->d->src[w->side], (uint64_t)lba * BLK, buf, size, "directory", &e) !=
	    IMG_OK) {
		free(buf);
		return;
	}
	size_t plen = strlen(path);
	for (size_t pos = 0; pos < size && w->d->rc == IMG_OK;) {
		size_t len = buf[pos];
		if (len == 0) { /* the rest of the sector is padding (ECMA-119 6.8.1.1) */
			pos = (pos / BLK + 1) * BLK;
			continue;
		}
		if (len < 34 || pos + len > size)
			break;
		const unsigned char *r = buf + pos;
		size_t nl = r[32];
		if (33 + nl > len)
			break;
		size_t su = 33 + nl + (nl % 2 == 0 ? 1 : 0);
		struct su_info info;
		memset(&info, 0, sizeof(info));
		if (su < len)
			parse_su(w, r + su, len - su, &info, 0);
		bool dot = nl == 1 && (r[33] == 0 || r[33] == 1);
		if (dot) {
			if (r[33] == 0 && depth == 1) /* the root's own PX is in its "." record */
				px_add(w, "/", &info, (lba * (uint64_t)BLK + pos) / BLK, lba);
		} else {
			/* The name as the reader shows it in this view: Rock Ridge's NM, Joliet's
			 * UCS-2 in UTF-8, or the ISO 9660 name without ";1" and a final dot. */
			char name[1024];
			if (w->names == MAP_RR && info.nm) {
				memcpy(name, info.name, info.name_len);
				name[info.name_len] = '\0';
			} else if (w->names == MAP_JOLIET) {
				size_t k = 0;
				for (size_t i = 0; i + 1 < nl && k + 4 < sizeof(name); i += 2) {
					unsigned c = (unsigned)r[33 + i] << 8 | r[34 + i];
					if (c < 0x80) {
						name[k++] = (char)c;
					} else if (c < 0x800) {
						name[k++] = (char)(0xc0 | c >> 6);
						name[k++] = (char)(0x80 | (c & 0x3f));
					} else {
						name[k++] = (char)(0xe0 | c >> 12);
						name[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
						name[k++] = (char)(0x80 | (c & 0x3f));
					}
				}
				name[k] = '\0';
			} else {
				size_t k = nl < sizeof(name) - 1 ? nl : sizeof(name) - 1;
				memcpy(name, r + 33, k);
				name[k] = '\0';
			}
			if (!(w->names == MAP_RR && info.nm)) {
				char *semi = strchr(name, ';');
				if (semi)
					*semi = '\0';
				size_t k = strlen(name);
				if (w->names == MAP_ISO && k > 1 && name[k - 1] == '.')
					name[k - 1] = '\0';
			}
			char *child = malloc(plen + strlen(name) + 2);
			if (child == NULL) {
				w->d->rc = IMG_ENOMEM;
				break;
			}
			snprintf(child, plen + strlen(name) + 2, "%s%s%s", path,
				 plen > 1 ? "/" : "", name);
			px_add(w, child, &info, (lba * (uint64_t)BLK + pos) / BLK,
			       r[25] & 2 ? le32(r + 2) : UINT64_MAX);
			if (r[25] & 2)
				walk_dir(w, le32(r + 2), le32(r + 10), child, depth + 1);
			else
				claim(w->d, OWN_FILE, (uint64_t)le32(r + 2) * BLK, le32(r + 10));
			free(child);
		}
		pos += len;
	}
	free(buf);
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct px *)x)->path, ((const struct px *)y)->path);
}

static const struct px *px_find(const struct pxmap *m, const char *path)
{
	if (m == NULL || m->n == 0)
		return NULL;
	struct px key = {.path = (char *)path};
	return bsearch(&key, m->v, m->n, sizeof(*m->v), by_path);
}

static void px_free(struct pxmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
}

/* Claims the directories of the primary and Joliet trees of both images, and maps every path
 * of the iso, joliet and rr views to its directory record (the primary tree is walked once
 * for its ISO 9660 names, once for its Rock Ridge ones). */
static void walk_dirs(struct dctx *d)
{
	size_t bits = (size_t)(d->nblocks / 8 + 1);
	for (int s = 0; s < 2 && d->rc == IMG_OK; s++) {
		if (d->vds[s] == NULL)
			continue;
		for (int i = 0; i < d->vds[s]->count && d->rc == IMG_OK; i++) {
			const struct img_vd *v = &d->vds[s]->vd[i];
			if (v->kind != IMG_VD_PRIMARY && v->kind != IMG_VD_JOLIET)
				continue;
			int first = v->kind == IMG_VD_PRIMARY ? MAP_ISO : MAP_JOLIET;
			int last = v->kind == IMG_VD_PRIMARY ? MAP_RR : MAP_JOLIET;
			for (int names = first; names <= last && d->rc == IMG_OK; names++) {
				if (names == MAP_JOLIET && v->kind == IMG_VD_PRIMARY)
					continue;
				if (d->maps[s][names] != NULL) /* a second descriptor of the kind */
					continue;
				/* A well-formed image cannot hold more directory bytes than it has
				 * bytes. */
				struct dirwalk w = {.d = d, .side = s, .budget = d->size[s],
						    .names = names};
				if ((w.seen = calloc(bits, 1)) == NULL ||
				    (d->maps[s][names] = calloc(1, sizeof(struct pxmap))) == NULL) {
					free(w.seen);
					d->rc = IMG_ENOMEM;
					return;
				}
				w.map = d->maps[s][names];
				walk_dir(&w, v->root_extent, v->root_size, "/", 1);
				free(w.seen);
				struct pxmap *m = d->maps[s][names];
				if (m->n > 1)
					qsort(m->v, m->n, sizeof(*m->v), by_path);
			}
		}
	}
}

/* A difference of a path in view explains the block of its directory record in each image
 * that has it (and, for a directory, the first block of its own extent: its "." record). */
static void explain_record(struct dctx *d, const char *view, const char *path)
{
	int k = strcmp(view, "iso") == 0 ? MAP_ISO : strcmp(view, "joliet") == 0 ? MAP_JOLIET :
		strcmp(view, "rr") == 0 ? MAP_RR : -1;
	if (k < 0)
		return;
	for (int s = 0; s < 2; s++) {
		const struct px *p = px_find(d->maps[s][k], path);
		if (p == NULL)
			continue;
		explain(d, p->record_block * BLK, BLK);
		if (p->dir_block != UINT64_MAX && p->dir_block < UINT64_MAX / BLK)
			explain(d, p->dir_block * BLK, BLK);
	}
}

/* The Rock Ridge serial number and link count of a path in both images. */
static void diff_px(struct dctx *d, const char *path)
{
	const struct px *a = px_find(d->maps[0][MAP_RR], path);
	const struct px *b = px_find(d->maps[1][MAP_RR], path);
	if (a == NULL || b == NULL || !a->has_px || !b->has_px)
		return;
	m_num(d, "rr", path, "link count", false, a->nlink, b->nlink);
	if (a->has_serial != b->has_serial || a->serial != b->serial) {
		char x[24] = "none", y[24] = "none";
		if (a->has_serial)
			snprintf(x, sizeof(x), "%" PRIu32, a->serial);
		if (b->has_serial)
			snprintf(y, sizeof(y), "%" PRIu32, b->serial);
		add(d, IMG_DIFF_METADATA, "rr", path, "PX serial", x, y);
	}
}

static void diff_node(struct dctx *d, const char *view, const char *path,
		      const struct img_fnode *a, const struct img_fnode *b)
{
	if ((a->mode & S_IFMT) != (b->mode & S_IFMT)) {
		add(d, IMG_DIFF_METADATA, view, path, "type", type_name(a->mode),
		    type_name(b->mode));
		claim_file(d, a);
		claim_file(d, b);
		explain_file(d, a);
		explain_file(d, b);
		return;
	}
	m_num(d, view, path, "mode", true, a->mode & 07777, b->mode & 07777);
	if (strcmp(view, "rr") == 0)
		diff_px(d, path);
	m_num(d, view, path, "uid", false, (uint64_t)a->uid, (uint64_t)b->uid);
	m_num(d, view, path, "gid", false, (uint64_t)a->gid, (uint64_t)b->gid);
	m_time(d, view, path, "mtime", a->mtime, b->mtime);
	/* ISO 9660 and Joliet records hold one date, which the reader copies into all three:
	 * only Rock Ridge (TF) and UDF have separate access and change times. */
	if (strcmp(view, "rr") == 0 || strcmp(view, "udf") == 0) {
		m_time(d, view, path, "atime", a->atime, b->atime);
		m_time(d, view, path, "ctime", a->ctime, b->ctime);
	}
	if (S_ISLNK(a->mode))
		m_str(d, view, path, "link target", a->link ? a->link : "",
		      b->link ? b->link : "");
	if (!S_ISREG(a->mode))
		return;
	m_num(d, view, path, "size", false, a->size, b->size);
	if (a->has_md5 || b->has_md5) {
		char x[33] = "none", y[33] = "none";
		for (int i = 0; a->has_md5 && i < 16; i++)
			snprintf(x + 2 * i, 3, "%02x", a->md5[i]);
		for (int i = 0; b->has_md5 && i < 16; i++)
			snprintf(y + 2 * i, 3, "%02x", b->md5[i]);
		m_str(d, view, path, "md5", x, y);
	}
	claim_file(d, a);
	claim_file(d, b);
	bool placed = same_extents(a, b);
	if (!placed) {
		char x[256], y[256];
		extents_text(a, x, sizeof(x));
		extents_text(b, y, sizeof(y));
		add(d, IMG_DIFF_PLACEMENT, view, path, "extent", x, y);
		/* The blocks under either extent now hold something else in the other image. */
		explain_file(d, a);
		explain_file(d, b);
	}
	/* Same extents, same size, no differing block under them: the sweep has already
	 * compared these bytes, so the data are the same without reading them again. */
	bool suspect = !placed || a->size != b->size;
	for (size_t i = 0; !suspect && i < a->nextents; i++)
		suspect = any_differ(d, a->extents[i].offset, a->extents[i].length);
	if (!suspect && !d->opts->content)
		return;
	uint64_t at = first_difference(d, a, b);
	if (at == UINT64_MAX || d->rc != IMG_OK)
		return;
	struct img_diff_item *x = add(d, IMG_DIFF_CONTENT, view, path, "content", NULL, NULL);
	if (x != NULL)
		x->offset = at;
	explain_file(d, a);
	explain_file(d, b);
}

static int by_name(const void *x, const void *y)
{
	const struct img_fnode *const *a = x, *const *b = y;
	return strcmp((*a)->name, (*b)->name);
}

static int count_below(struct img_fnode *n, void *arg)
{
	(void)n;
	(*(uint64_t *)arg)++;
	return IMG_OK;
}

struct claim_walk {
	struct dctx *d;
};

static int claim_visit(struct img_fnode *n, void *arg)
{
	struct claim_walk *c = arg;
	claim_file(c->d, n);
	explain_file(c->d, n);
	return IMG_OK;
}

/* A node in one image only: reported once, with what lies below a directory counted. */
static void one_side(struct dctx *d, const char *view, struct img_fnode *n, bool in_b)
{
	char path[4096], what[96];
	if (!img_fnode_path(n, path, sizeof(path)))
		snprintf(path, sizeof(path), ".../%s", n->name);
	if (S_ISDIR(n->mode)) {
		uint64_t k = 0;
		img_filetree_walk(n, count_below, &k);
		snprintf(what, sizeof(what), "directory, %" PRIu64 " entries below", k - 1);
	} else if (S_ISREG(n->mode)) {
		snprintf(what, sizeof(what), "file, %" PRIu64 " bytes", n->size);
	} else {
		snprintf(what, sizeof(what), "%s", type_name(n->mode));
	}
	add(d, in_b ? IMG_DIFF_ADDED : IMG_DIFF_REMOVED, view, path, NULL, in_b ? NULL : what,
	    in_b ? what : NULL);
	struct claim_walk c = {d};
	img_filetree_walk(n, claim_visit, &c);
}

static int sorted_children(const struct img_fnode *dir, struct img_fnode ***out)
{
	*out = NULL;
	if (dir->nchildren == 0)
		return IMG_OK;
	if ((*out = malloc(dir->nchildren * sizeof(**out))) == NULL)
		return IMG_ENOMEM;
	memcpy(*out, dir->children, dir->nchildren * sizeof(**out));
	qsort(*out, dir->nchildren, sizeof(**out), by_name);
	return IMG_OK;
}

/* Matches the children of two directories by name (each sorted, then merged). */
static void diff_dir(struct dctx *d, const char *view, struct img_fnode *da,
		     struct img_fnode *db, int depth)
{
	struct img_fnode **ca, **cb;
	if (depth > IMG_ISO_MAX_DEPTH + 1 || d->rc != IMG_OK)
		return;
	if (sorted_children(da, &ca) != IMG_OK || sorted_children(db, &cb) != IMG_OK) {
		free(ca);
		d->rc = IMG_ENOMEM;
		return;
	}
	size_t i = 0, j = 0;
	while ((i < da->nchildren || j < db->nchildren) && d->rc == IMG_OK) {
		int c = i == da->nchildren ? 1 : j == db->nchildren ? -1 :
			strcmp(ca[i]->name, cb[j]->name);
		if (c < 0) {
			one_side(d, view, ca[i++], false);
		} else if (c > 0) {
			one_side(d, view, cb[j++], true);
		} else {
			char path[4096];
			if (!img_fnode_path(ca[i], path, sizeof(path)))
				snprintf(path, sizeof(path), ".../%s", ca[i]->name);
			diff_node(d, view, path, ca[i], cb[j]);
			if (S_ISDIR(ca[i]->mode) && S_ISDIR(cb[j]->mode)) {
				diff_dir(d, view, ca[i], cb[j], depth + 1);
			} else if (S_ISDIR(ca[i]->mode) || S_ISDIR(cb[j]->mode)) {
				/* A directory became a file or the reverse: the "type" difference
				 * stands for what lies below, whose data are claimed here. */
				struct claim_walk c = {d};
				img_filetree_walk(S_ISDIR(ca[i]->mode) ? ca[i] : cb[j], claim_visit,
						  &c);
			}
			i++;
			j++;
		}
	}
	free(ca);
	free(cb);
}

static int load_view(struct img_source *src, enum img_view v, struct img_filetree **t,
		     struct img_error *e)
{
	if (v == IMG_VIEW_UDF) {
		struct img_udf_info info;
		return img_udf_read_tree(src, t, &info, e);
	}
	struct img_iso_info info;
	return img_iso_read_tree(src, v, t, &info, e);
}

static void diff_view(struct dctx *d, enum img_view v)
{
	const char *name = img_view_name(v);
	struct img_filetree *t[2] = {NULL, NULL};
	char state[2][1100];
	int rc[2];
	for (int s = 0; s < 2; s++) {
		struct img_error e = {0};
		rc[s] = load_view(d->src[s], v, &t[s], &e);
		if (rc[s] == IMG_ENOMEM) {
			d->rc = IMG_ENOMEM;
			goto out;
		}
		/* An absent view: IMG_EUNSUPPORTED from the ISO reader, IMG_ENOENT from UDF's. */
		bool absent = rc[s] == IMG_EUNSUPPORTED || rc[s] == IMG_ENOENT;
		snprintf(state[s], sizeof(state[s]), "%s",
			 rc[s] == IMG_OK ? "yes" : absent ? "no" : e.detail);
	}
	if (rc[0] != IMG_OK || rc[1] != IMG_OK) {
		if (strcmp(state[0], state[1]) != 0)
			add(d, IMG_DIFF_FIELD, name, "view", "present", state[0], state[1]);
		for (int s = 0; s < 2; s++)
			if (t[s] != NULL) {
				struct claim_walk c = {d};
				img_filetree_walk(t[s]->root, claim_visit, &c);
			}
		goto out;
	}
	diff_node(d, name, "/", t[0]->root, t[1]->root);
	diff_dir(d, name, t[0]->root, t[1]->root, 1);
out:
	img_filetree_free(t[0]);
	img_filetree_free(t[1]);
}

/* Whether only file data differ: no field so far, the same size, and every differing block
 * lies in the data of a file that the directory walk met and under no other structure.  Then
 * every directory record, descriptor, UDF file entry and identifier is byte for byte the
 * same in both images, and so is every view's tree: one image's trees are enough. */
static bool data_blocks_only(const struct dctx *d)
{
	if (d->r->count != 0 || d->size[0] != d->size[1] || d->vds[0] == NULL ||
	    d->vds[1] == NULL || d->rc != IMG_OK)
		return false;
	for (uint64_t i = 0; i < d->nblocks; i++)
		if ((d->flags[i] & F_DIFFER) &&
		    (d->owner[i] != OWN_FILE || (d->flags[i] & F_META)))
			return false;
	return true;
}

struct data_walk {
	struct dctx *d;
	const char *view;
};

static int data_visit(struct img_fnode *n, void *arg)
{
	struct data_walk *w = arg;
	struct dctx *d = w->d;
	if (!S_ISREG(n->mode) || d->rc != IMG_OK)
		return d->rc;
	claim_file(d, n);
	bool suspect = d->opts->content;
	for (size_t i = 0; !suspect && i < n->nextents; i++)
		suspect = any_differ(d, n->extents[i].offset, n->extents[i].length);
	if (!suspect)
		return IMG_OK;
	/* The same node for both sides: its extents are the same in both images. */
	uint64_t at = first_difference(d, n, n);
	if (at == UINT64_MAX || d->rc != IMG_OK)
		return d->rc;
	char path[4096];
	if (!img_fnode_path(n, path, sizeof(path)))
		snprintf(path, sizeof(path), ".../%s", n->name);
	struct img_diff_item *x = add(d, IMG_DIFF_CONTENT, w->view, path, "content", NULL, NULL);
	if (x != NULL)
		x->offset = at;
	explain_file(d, n);
	return d->rc;
}

/* diff_view when data_blocks_only holds: image A's tree of the view, and the data of the
 * files with a differing block under them compared at the same place in B. */
static void diff_view_data(struct dctx *d, enum img_view v)
{
	struct img_filetree *t = NULL;
	struct img_error e = {0};
	int rc = load_view(d->src[0], v, &t, &e);
	if (rc == IMG_ENOMEM)
		d->rc = IMG_ENOMEM;
	if (rc != IMG_OK)
		return; /* absent (or unreadable) in both alike: the same bytes */
	struct data_walk w = {d, img_view_name(v)};
	img_filetree_walk(t->root, data_visit, &w);
	img_filetree_free(t);
}

/* The byte ranges of a UDF volume's descriptors that img_udf_info lets us place: the anchors
 * (block 256, N-256 and N-1, ECMA-167 3/8.4.2.1), the main and reserve volume descriptor
 * sequences (the reserve one read from the anchor's bytes 24-31, 3/10.2), the integrity
 * sequence and the file set
 * descriptor when it lies in a physical partition. */
#define UDF_RANGES 7
static int udf_ranges(struct dctx *d, int side, const struct img_udf_info *x,
		      uint64_t off[UDF_RANGES], uint64_t len[UDF_RANGES])
{
	int n = 0;
	uint64_t bs = x->block_size, last = d->size[side] / (bs ? bs : 1);
	off[n] = (uint64_t)x->anchor_sector * bs, len[n++] = bs;
	if (last > 257) {
		off[n] = (last - 257) * bs, len[n++] = bs;
		off[n] = (last - 1) * bs, len[n++] = bs;
	}
	off[n] = (uint64_t)x->vds_sector * bs, len[n++] = x->vds_length;
	unsigned char avdp[32];
	struct img_error e = {0};
	if (img_source_read(d->src[side], (uint64_t)x->anchor_sector * bs, avdp, sizeof(avdp),
			    "anchor", &e) == IMG_OK) {
		off[n] = (uint64_t)le32(avdp + 28) * bs, len[n++] = le32(avdp + 24);
	}
	/* the logical volume integrity sequence (3/10.10) */
	off[n] = (uint64_t)x->lvid_sector * bs, len[n++] = x->lvid_length;
	for (unsigned i = 0; i < x->nmaps && i < IMG_UDF_MAX_MAPS; i++)
		if (i == x->fsd_partition && x->maps[i].kind == IMG_UDF_MAP_PHYSICAL) {
			off[n] = ((uint64_t)x->maps[i].partition_start + x->fsd_block) * bs;
			len[n++] = bs;
		}
	return n;
}

/* A structure the UDF tree walk read: its blocks are its own unless something claimed them
 * first; a file entry or directory wins over the metadata file that holds it.  The mirror
 * file's copies of file entries stay the mirror's (the reader reads only one copy). */
static int udf_place(void *ctx, uint64_t off, uint64_t len, enum img_udf_place_kind kind,
		     const char *path)
{
	struct dctx *d = ctx;
	if (len == 0 || off >= d->nblocks * BLK)
		return IMG_OK;
	uint8_t o = kind == IMG_UDF_PLACE_ENTRY ? OWN_UDF_ENTRY :
		    kind == IMG_UDF_PLACE_DIRECTORY ? OWN_UDF_DIR :
		    kind == IMG_UDF_PLACE_BITMAP || kind == IMG_UDF_PLACE_FILE_SET ? OWN_UDF :
		    kind == IMG_UDF_PLACE_MIRROR ? OWN_UDF_MIRROR : OWN_UDF_META;
	uint64_t first = off / BLK, last = (off + len - 1) / BLK;
	if (last >= d->nblocks || off + len < off)
		last = d->nblocks - 1;
	uint32_t idx = 0;
	if (o == OWN_UDF_ENTRY || o == OWN_UDF_DIR) {
		if (d->place_of == NULL &&
		    (d->place_of = calloc(d->nblocks, sizeof(*d->place_of))) == NULL)
			return IMG_ENOMEM;
		if (d->nplace >= UINT32_MAX - 1 ||
		    img_grow((void **)&d->place_path, &d->capplace, d->nplace,
			     sizeof(*d->place_path), 64) != IMG_OK)
			return IMG_ENOMEM;
		if ((d->place_path[d->nplace] = strdup(path)) == NULL)
			return IMG_ENOMEM;
		idx = (uint32_t)++d->nplace;
	}
	for (uint64_t i = first; i <= last; i++) {
		bool take = d->owner[i] == OWN_NONE ||
			    (d->owner[i] == OWN_UDF_META && o != OWN_UDF_META && o != OWN_UDF_MIRROR);
		if (!take)
			continue;
		d->owner[i] = o;
		d->flags[i] |= F_META;
		if (idx)
			d->place_of[i] = idx;
	}
	return IMG_OK;
}

static void diff_udf(struct dctx *d)
{
	struct img_udf_info *u[2] = {calloc(1, sizeof(**u)), calloc(1, sizeof(**u))};
	char state[2][1100];
	int rc[2], n[2] = {0, 0};
	uint64_t off[2][UDF_RANGES], len[2][UDF_RANGES];
	if (u[0] == NULL || u[1] == NULL) {
		d->rc = IMG_ENOMEM;
		goto out;
	}
	for (int s = 0; s < 2; s++) {
		struct img_error e = {0};
		rc[s] = img_udf_read_info(d->src[s], u[s], &e);
		snprintf(state[s], sizeof(state[s]), "%s",
			 rc[s] == IMG_OK ? "yes" : rc[s] == IMG_ENOENT ? "no" : e.detail);
		if (rc[s] != IMG_OK)
			continue;
		d->r->recognized[s] = true;
		n[s] = udf_ranges(d, s, u[s], off[s], len[s]);
		for (int i = 0; i < n[s]; i++)
			claim(d, OWN_UDF, off[s][i], len[s][i]);
		/* What the tree walk reads: a tree that cannot be read places what it reached. */
		struct img_udf_info *t = calloc(1, sizeof(*t));
		if (t == NULL || img_udf_read_tree_places(d->src[s], NULL, t, udf_place, d, &e) ==
				 IMG_ENOMEM) {
			free(t);
			d->rc = IMG_ENOMEM;
			goto out;
		}
		free(t);
	}
	size_t before = d->r->count;
	if (rc[0] != IMG_OK || rc[1] != IMG_OK)
		f_str(d, "udf", "volume", "present", state[0], state[1], 256 * BLK, BLK);
	else
		diff_udf_info(d, u[0], u[1]);
	/* A field that differs explains the descriptor blocks of both sides: they hold the
	 * fields, and point at each other. */
	for (int s = 0; s < 2 && d->r->count > before; s++)
		for (int i = 0; i < n[s]; i++)
			explain(d, off[s][i], len[s][i]);
out:
	free(u[0]);
	free(u[1]);
}

/* --- differing blocks that no finding explains --- */

static void report_ranges(struct dctx *d, bool all)
{
	uint64_t b = 0;
	while (b < d->nblocks && d->rc == IMG_OK) {
		bool take = (d->flags[b] & F_DIFFER) && (all || !(d->flags[b] & F_EXPLAINED));
		if (!take) {
			b++;
			continue;
		}
		uint8_t o = d->owner[b];
		uint32_t pl = d->place_of ? d->place_of[b] : 0;
		uint64_t e = b + 1;
		while (e < d->nblocks && d->owner[e] == o && (d->flags[e] & F_DIFFER) &&
		       (all || !(d->flags[e] & F_EXPLAINED)) &&
		       (d->place_of == NULL || d->place_of[e] == pl))
			e++;
		/* A UDF file entry or directory is named by its file's path. */
		char where[1200];
		snprintf(where, sizeof(where), "%s", owner_names[o]);
		if (pl > 0 && pl <= d->nplace)
			snprintf(where, sizeof(where), "%s %.1000s", owner_names[o],
				 d->place_path[pl - 1]);
		/* field: "unclaimed" when no structure we know lies there, else "bytes": the
		 * blocks of that structure differ but none of its fields we compare does. */
		struct img_diff_item *x = add(d, IMG_DIFF_RANGE, "blocks", where,
					      o == OWN_NONE ? "unclaimed" : "bytes", NULL, NULL);
		if (x != NULL) {
			x->offset = b;
			x->end = e;
		}
		b = e;
	}
}

int img_diff_images(struct img_source *a, struct img_source *b, const struct img_diff_opts *opts,
		    struct img_diff_result *out, struct img_error *err)
{
	static const struct img_diff_opts defaults = {0};
	memset(out, 0, sizeof(*out));
	struct dctx d = {.src = {a, b}, .opts = opts ? opts : &defaults, .r = out, .err = err};
	d.size[0] = img_source_size(a);
	d.size[1] = img_source_size(b);
	uint64_t big = d.size[0] > d.size[1] ? d.size[0] : d.size[1];
	d.nblocks = (big + BLK - 1) / BLK;
	if (d.nblocks > SIZE_MAX / 2)
		return img_error_set(err, IMG_ENOMEM, "image too large to compare");
	d.owner = calloc(d.nblocks ? d.nblocks : 1, 1);
	d.flags = calloc(d.nblocks ? d.nblocks : 1, 1);
	d.buf[0] = malloc(CHUNK);
	d.buf[1] = malloc(CHUNK);
	if (d.owner == NULL || d.flags == NULL || d.buf[0] == NULL || d.buf[1] == NULL) {
		d.rc = img_error_set(err, IMG_ENOMEM, "no memory for the block map");
		goto out;
	}
	if (sweep(&d) != IMG_OK)
		goto out;
	for (uint64_t i = 0; i < d.nblocks; i++)
		if (d.flags[i] & F_DIFFER)
			out->blocks_differ++;
	if (out->blocks_differ == 0 && d.size[0] == d.size[1]) {
		out->identical = true;
		goto out;
	}
	f_num(&d, "image", "whole image", "size", d.size[0], d.size[1], big, 0);
	diff_sysarea(&d);
	diff_vds(&d);
	diff_eltorito(&d);
	diff_udf(&d);
	for (int s = 0; s < 2; s++)
		if (d.vds[s] != NULL)
			out->recognized[s] = true;
	walk_dirs(&d);
	static const enum img_view views[] = {IMG_VIEW_ISO, IMG_VIEW_JOLIET, IMG_VIEW_RR,
					       IMG_VIEW_UDF};
	bool data_only = data_blocks_only(&d);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]) && d.rc == IMG_OK; i++) {
		if (d.opts->views && !(d.opts->views & (1u << views[i])))
			continue;
		if (data_only)
			diff_view_data(&d, views[i]);
		else
			diff_view(&d, views[i]);
	}
	if (d.rc == IMG_OK)
		report_ranges(&d, false);
	/* The bytes differ but nothing we compare does: say where, rather than nothing. */
	if (d.rc == IMG_OK && out->count == 0)
		report_ranges(&d, true);
out:
	if (d.rc == IMG_ENOMEM && err && err->code == IMG_OK)
		img_error_set(err, IMG_ENOMEM, "out of memory comparing the images");
	free(d.owner);
	free(d.flags);
	free(d.place_of);
	for (size_t i = 0; i < d.nplace; i++)
		free(d.place_path[i]);
	free(d.place_path);
	free(d.buf[0]);
	free(d.buf[1]);
	free(d.vds[0]);
	free(d.vds[1]);
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < 3; k++)
			px_free(d.maps[s][k]);
	return d.rc;
}

void img_diff_result_free(struct img_diff_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].where);
		free(r->items[i].field);
		free(r->items[i].a);
		free(r->items[i].b);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

const char *img_diff_kind_name(enum img_diff_kind k)
{
	static const char *const n[] = {"field",    "added",     "removed", "content",
					"metadata", "placement", "range"};
	return (unsigned)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}
