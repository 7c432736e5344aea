/* The layout of an image: which structure claims which blocks (see map.h). */
#include "common/inspect/map.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/bytes.h"
#include "common/base/grow.h"
#include "common/inspect/eltorito.h"
#include "common/inspect/filetree.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/sysarea.h"
#include "common/inspect/voldesc.h"
#include "common/udf/udf_read.h"

const char *img_map_kind_name(enum img_map_kind kind)
{
	static const char *const names[IMG_MAP_KIND_COUNT] = {
		"system_area", "volume_descriptors", "udf", "boot_catalog", "boot_image",
		"path_table", "directory", "file_data", "udf_space", "udf_entry", "gpt_backup", "partition",
		"md5_tag", "padding", "gap",
	};
	return (unsigned)kind < IMG_MAP_KIND_COUNT ? names[kind] : "?";
}

/* Which claim wins a block claimed twice: the higher rank.  Descriptors and tables are
 * small and exact; a boot image is also a file; file data lies inside a UDF partition, which
 * lies inside an MBR/GPT partition of a hybrid image. */
static int rank(enum img_map_kind k)
{
	switch (k) {
	case IMG_MAP_SYSTEM_AREA: return 12;
	case IMG_MAP_GPT_BACKUP: return 11;
	case IMG_MAP_VOLDESC: return 10;
	case IMG_MAP_UDF: return 9;
	case IMG_MAP_BOOT_CATALOG: return 8;
	case IMG_MAP_PATH_TABLE: return 7;
	case IMG_MAP_DIRECTORY: return 6;
	case IMG_MAP_UDF_ENTRY: return 6;
	case IMG_MAP_BOOT_IMAGE: return 5;
	case IMG_MAP_FILE_DATA: return 4;
	case IMG_MAP_MD5_TAG: return 4; /* the checksum array, among file data */
	case IMG_MAP_UDF_SPACE: return 3;
	case IMG_MAP_PARTITION: return 2;
	default: return 0;
	}
}

/* One structure's blocks, end exclusive. */
struct claim {
	enum img_map_kind kind;
	char label[128];
	uint64_t first, end;
	size_t order;           /* claims of equal rank: the earlier wins */
};

/* One place the UDF reader reported, in blocks (end exclusive). */
struct uplace {
	uint64_t first, end;
	size_t order;
	enum img_udf_place_kind kind;
	char path[112];
};

/* What building a map collects. */
struct builder {
	struct img_source *src;
	struct img_error *err;
	uint64_t blocks;
	struct claim *c;
	size_t n, cap;
	/* file data extents, merged into claims at the end (a big tree has many) */
	struct claim *files;
	size_t nfiles, capfiles;
	/* what the UDF tree walk read (file entries, directories, metadata files), merged
	 * into runs of one kind at the end */
	struct uplace *up;
	size_t nup, capup;
	struct img_vdset *vds;
	bool iso;
	uint32_t iso_blocks;    /* volume space size of the primary descriptor */
	struct img_boot_catalog *cat;
	bool have_cat;
	struct img_udf_info udf;
	bool have_udf;
	/* regular files that start at a boot image's first block, for the image's name */
	char boot_path[IMG_ELTORITO_MAX_ENTRIES][96];
	uint64_t boot_size[IMG_ELTORITO_MAX_ENTRIES];
};

/* Claims bytes [off, off+len) as whole blocks, clipped to the image; empty ranges and ranges
 * past the end are dropped. */
static int claim_bytes(struct builder *b, enum img_map_kind kind, uint64_t off, uint64_t len,
		       const char *label)
{
	if (len == 0 || off >= b->blocks * IMG_MAP_BLOCK)
		return IMG_OK;
	uint64_t first = off / IMG_MAP_BLOCK;
	uint64_t end = len > UINT64_MAX - off - IMG_MAP_BLOCK ? b->blocks :
		       (off + len + IMG_MAP_BLOCK - 1) / IMG_MAP_BLOCK;
	if (end > b->blocks)
		end = b->blocks;
	if (img_grow((void **)&b->c, &b->cap, b->n, sizeof(*b->c), 64) != IMG_OK)
		return img_error_set(b->err, IMG_ENOMEM, "image map");
	struct claim *c = &b->c[b->n];
	c->kind = kind;
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->first = first;
	c->end = end;
	c->order = b->n++;
	return IMG_OK;
}

static int claim_blocks(struct builder *b, enum img_map_kind kind, uint64_t first, uint64_t count,
			const char *label)
{
	if (first > UINT64_MAX / IMG_MAP_BLOCK || count > UINT64_MAX / IMG_MAP_BLOCK)
		return IMG_OK;
	return claim_bytes(b, kind, first * IMG_MAP_BLOCK, count * IMG_MAP_BLOCK, label);
}

/* ---- the ISO 9660 side ---- */

/* Blocks 0-15, named after what sysarea.c finds in them. */
static int map_system_area(struct builder *b)
{
	struct img_sysarea *sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return img_error_set(b->err, IMG_ENOMEM, "image map");
	struct img_error e = {0};
	char label[128] = "system area";
	int rc = IMG_OK;
	if (img_sysarea_read(b->src, sa, &e) == IMG_OK) {
		if (sa->mbr || sa->gpt || sa->apm)
			snprintf(label, sizeof(label), "system area:%s%s%s", sa->mbr ? " MBR" : "",
				 sa->gpt ? " GPT" : "", sa->apm ? " APM" : "");
		/* The backup GPT (UEFI 5.3.2): its entry array right before its header. */
		if (sa->gpt && sa->gpt_backup_lba > 1) {
			uint64_t arr = (uint64_t)sa->gpt_num_entries * sa->gpt_entry_size;
			uint64_t hdr = sa->gpt_backup_lba * 512;
			if (arr <= IMG_GPT_MAX_ARRAY && arr <= hdr)
				rc = claim_bytes(b, IMG_MAP_GPT_BACKUP, hdr - arr, arr + 512,
						 "GPT backup: entries and header");
		}
		/* Partitions past the ISO 9660 volume (an appended EFI system partition):
		 * those before its end overlap the file system itself. */
		uint64_t vol_end = (uint64_t)b->iso_blocks * IMG_MAP_BLOCK;
		for (int i = 0; rc == IMG_OK && i < sa->mbr_count; i++) {
			const struct img_mbr_part *p = &sa->mbr_parts[i];
			uint64_t off = (uint64_t)p->start * 512, len = (uint64_t)p->sectors * 512;
			if (!b->iso || off + len <= vol_end || p->type == 0xee)
				continue;
			if (off < vol_end) {
				len -= vol_end - off;
				off = vol_end;
			}
			char l[64];
			snprintf(l, sizeof(l), "MBR partition %d (type 0x%02x)", p->index, p->type);
			rc = claim_bytes(b, IMG_MAP_PARTITION, off, len, l);
		}
		for (int i = 0; rc == IMG_OK && i < sa->gpt_count; i++) {
			const struct img_gpt_part *p = &sa->gpt_parts[i];
			if (p->last_lba < p->first_lba || p->last_lba >= UINT64_MAX / 512)
				continue;
			uint64_t off = p->first_lba * 512, len = (p->last_lba - p->first_lba + 1) * 512;
			if (!b->iso || off + len <= vol_end)
				continue;
			if (off < vol_end) {
				len -= vol_end - off;
				off = vol_end;
			}
			char l[128];
			snprintf(l, sizeof(l), "GPT partition %d%s%.80s%s", p->index,
				 p->name[0] ? " (" : "", p->name, p->name[0] ? ")" : "");
			rc = claim_bytes(b, IMG_MAP_PARTITION, off, len, l);
		}
	}
	free(sa);
	if (rc != IMG_OK)
		return rc;
	return claim_blocks(b, IMG_MAP_SYSTEM_AREA, 0, 16, label);
}

/* The descriptor set from 16 to the terminator, named by the kinds in it. */
static int map_voldesc(struct builder *b)
{
	char label[128] = "volume descriptors:";
	size_t len = strlen(label);
	uint32_t last = 16;
	for (int i = 0; i < b->vds->count; i++) {
		const struct img_vd *v = &b->vds->vd[i];
		const char *name = v->kind == IMG_VD_PRIMARY ? "primary" :
				   v->kind == IMG_VD_BOOT ? "boot record" :
				   v->kind == IMG_VD_TERMINATOR ? "terminator" :
				   v->kind == IMG_VD_JOLIET ? "Joliet" :
				   v->kind == IMG_VD_ISO1999 ? "ISO 9660:1999" :
				   img_vd_kind_name(v->kind);
		if (len < sizeof(label))
			len += (size_t)snprintf(label + len, sizeof(label) - len, "%s %s",
						i ? "," : "", name);
		if (v->sector > last)
			last = v->sector;
	}
	return claim_blocks(b, IMG_MAP_VOLDESC, 16, last - 16 + 1, label);
}

/* The four path tables of each hierarchy (ECMA-119 9.4), as the descriptor places them. */
static int map_path_tables(struct builder *b, const struct img_vd *v, const char *view)
{
	const uint32_t at[4] = {v->path_table_l, v->path_table_l_opt, v->path_table_m,
				v->path_table_m_opt};
	static const char *const what[4] = {"L", "L, optional", "M", "M, optional"};
	for (int k = 0; k < 4; k++) {
		if (at[k] == 0)
			continue;
		char label[64];
		snprintf(label, sizeof(label), "%s path table (%s)", view, what[k]);
		int rc = claim_bytes(b, IMG_MAP_PATH_TABLE, (uint64_t)at[k] * v->block_size,
				     v->path_table_size, label);
		if (rc != IMG_OK)
			return rc;
	}
	return IMG_OK;
}

struct dir_visit {
	struct builder *b;
	const char *label;
	uint32_t bs;
	bool susp;              /* the primary hierarchy: Rock Ridge may continue elsewhere */
};

/* The continuation areas (SUSP 5.1 "CE") named in len bytes of System Use entries, and those
 * they name in turn, a bounded number of hops: Rock Ridge names, symlinks and the root's ER
 * entry that did not fit their directory records lie there. */
static int claim_continuations(struct dir_visit *d, const unsigned char *su, size_t len,
			       int hops)
{
	for (size_t p = 0; p + 4 <= len;) {
		unsigned elen = su[p + 2];
		if (elen < 4 || p + elen > len)
			break;
		if (su[p] == 'C' && su[p + 1] == 'E' && elen >= 28) {
			uint64_t off = (uint64_t)img_le32(su + p + 4) * d->bs + img_le32(su + p + 12);
			uint32_t n = img_le32(su + p + 20);
			int rc = claim_bytes(d->b, IMG_MAP_DIRECTORY, off, n,
					     "Rock Ridge continuation areas");
			if (rc != IMG_OK)
				return rc;
			unsigned char area[IMG_MAP_BLOCK];
			struct img_error e;
			/* SUSP 5.1: one CE per System Use area, so the chain is followed from
			 * the first only (more would make a hostile image branch). */
			if (hops < 16 && n > 0 && n <= sizeof(area) &&
			    img_source_read(d->b->src, off, area, n, "SUSP continuation", &e) ==
			    IMG_OK)
				return claim_continuations(d, area, n, hops + 1);
			return IMG_OK;
		}
		p += elen;
	}
	return IMG_OK;
}

/* One directory: its extent, and for the primary hierarchy the continuation areas its
 * records name (records were checked by the walk: each inside its sector and directory). */
static int visit_dir(uint32_t extent, uint32_t size, const unsigned char *rec, void *arg)
{
	struct dir_visit *d = arg;
	int rc = claim_bytes(d->b, IMG_MAP_DIRECTORY, (uint64_t)extent * d->bs, size ? size : 1,
			     d->label);
	for (uint32_t pos = 0; rc == IMG_OK && d->susp && pos < size;) {
		unsigned len = rec[pos];
		if (len == 0) {
			pos = (pos / IMG_ISO_SECTOR + 1) * IMG_ISO_SECTOR;
			continue;
		}
		/* ECMA-119 9.1: the system use field follows the name and its padding byte. */
		unsigned nlen = rec[pos + 32], su = 33 + nlen + !(nlen & 1);
		if (su < len)
			rc = claim_continuations(d, rec + pos + su, len - su, 0);
		pos += len;
	}
	return rc;
}

/* The directory records of every hierarchy (primary: ISO 9660 and Rock Ridge; Joliet;
 * ISO 9660:1999), and their path tables.  A hierarchy that cannot be walked keeps what was
 * claimed before the walk stopped. */
static int map_hierarchies(struct builder *b)
{
	for (int i = 0; i < b->vds->count; i++) {
		const struct img_vd *v = &b->vds->vd[i];
		const char *view = v->kind == IMG_VD_PRIMARY ? "ISO 9660" :
				   v->kind == IMG_VD_JOLIET ? "Joliet" :
				   v->kind == IMG_VD_ISO1999 ? "ISO 9660:1999" :
				   v->kind == IMG_VD_SUPPLEMENTARY ? "supplementary" : NULL;
		if (view == NULL || v->block_size == 0)
			continue;
		int rc = map_path_tables(b, v, view);
		if (rc != IMG_OK)
			return rc;
		char label[64];
		snprintf(label, sizeof(label), "%s directories", view);
		struct dir_visit d = {b, label, v->block_size, v->kind == IMG_VD_PRIMARY};
		struct img_dirscan scan;
		struct img_error e = {0};
		rc = img_iso_scan_dirs(b->src, v, &scan, visit_dir, &d, &e);
		if (rc == IMG_ENOMEM)
			return img_error_set(b->err, IMG_ENOMEM, "image map");
	}
	return IMG_OK;
}

/* A file's extents as file data; a file that starts where a boot image does names it. */
static int visit_file(struct img_fnode *n, void *arg)
{
	struct builder *b = arg;
	if (!S_ISREG(n->mode))
		return IMG_OK;
	for (size_t i = 0; i < n->nextents; i++) {
		const struct img_extent *x = &n->extents[i];
		if (x->length == 0 || x->offset >= b->blocks * IMG_MAP_BLOCK)
			continue;
		uint64_t first = x->offset / IMG_MAP_BLOCK;
		uint64_t end = x->length > b->blocks * IMG_MAP_BLOCK - x->offset ? b->blocks :
			       (x->offset + x->length + IMG_MAP_BLOCK - 1) / IMG_MAP_BLOCK;
		if (img_grow((void **)&b->files, &b->capfiles, b->nfiles, sizeof(*b->files),
			     256) != IMG_OK)
			return IMG_ENOMEM;
		b->files[b->nfiles++] = (struct claim){.kind = IMG_MAP_FILE_DATA, .first = first,
						       .end = end};
	}
	if (b->have_cat && n->nextents > 0)
		for (int k = 0; k < b->cat->count; k++) {
			const struct img_boot_entry *e = &b->cat->entries[k];
			if (b->boot_path[k][0] || n->extents[0].offset !=
			    (uint64_t)e->load_rba * IMG_MAP_BLOCK)
				continue;
			if (!img_fnode_path(n, b->boot_path[k], sizeof(b->boot_path[k])))
				snprintf(b->boot_path[k], sizeof(b->boot_path[k]), "%s", n->name);
			b->boot_size[k] = n->size;
		}
	return IMG_OK;
}

/* Notes where the UDF reader found a file entry, directory extent or metadata file extent. */
static int visit_udf_place(void *ctx, uint64_t off, uint64_t len, enum img_udf_place_kind kind,
			   const char *path)
{
	struct builder *b = ctx;
	if (len == 0 || off >= b->blocks * IMG_MAP_BLOCK)
		return IMG_OK;
	uint64_t first = off / IMG_MAP_BLOCK;
	uint64_t end = len > b->blocks * IMG_MAP_BLOCK - off ? b->blocks :
		       (off + len + IMG_MAP_BLOCK - 1) / IMG_MAP_BLOCK;
	if (img_grow((void **)&b->up, &b->capup, b->nup, sizeof(*b->up), 256) != IMG_OK)
		return IMG_ENOMEM;
	struct uplace *p = &b->up[b->nup];
	p->first = first;
	p->end = end;
	p->order = b->nup++;
	p->kind = kind;
	snprintf(p->path, sizeof(p->path), "%s", path);
	return IMG_OK;
}

/* File data of the ISO 9660 (Rock Ridge) view, the Joliet view and the UDF view: usually
 * the same extents, but a file hidden from one view has data only the others show.  A view
 * that is absent or cannot be read adds nothing. */
static int map_files(struct builder *b)
{
	static const enum img_view views[] = {IMG_VIEW_DEFAULT, IMG_VIEW_JOLIET};
	for (size_t k = 0; b->iso && k < sizeof(views) / sizeof(views[0]); k++) {
		struct img_iso_view *v = NULL;
		struct img_iso_info info;
		struct img_error e = {0};
		if (img_iso_view_open(b->src, views[k], &v, &info, &e) == IMG_OK) {
			int rc = img_iso_view_walk(v, visit_file, b);
			/* the array lies where file data lie: between the files and the tag */
			if (rc == IMG_OK && info.md5_array_blocks > 0)
				rc = claim_blocks(b, IMG_MAP_MD5_TAG, info.md5_array,
						  info.md5_array_blocks, "MD5 checksum array");
			img_iso_view_close(v);
			if (rc == IMG_ENOMEM)
				return img_error_set(b->err, IMG_ENOMEM, "image map");
			if (views[k] == IMG_VIEW_DEFAULT && !info.joliet)
				break;
		} else {
			img_iso_view_close(v);
		}
	}
	if (b->have_udf) {
		struct img_filetree *t = NULL;
		struct img_udf_info info;
		struct img_error e = {0};
		int rc = img_udf_read_tree_places(b->src, &t, &info, visit_udf_place, b, &e);
		if (rc == IMG_ENOMEM)
			return img_error_set(b->err, IMG_ENOMEM, "image map");
		if (rc == IMG_OK &&
		    img_filetree_walk(t->root, visit_file, b) == IMG_ENOMEM) {
			img_filetree_free(t);
			return img_error_set(b->err, IMG_ENOMEM, "image map");
		}
		img_filetree_free(t);
	}
	return IMG_OK;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, c = *(const uint64_t *)y;
	return a < c ? -1 : a > c ? 1 : 0;
}

static int cmp_claim_first(const void *x, const void *y)
{
	const struct claim *a = x, *c = y;
	return a->first < c->first ? -1 : a->first > c->first ? 1 : 0;
}

/* File extents merged into as few claims as touch or overlap. */
static int merge_files(struct builder *b)
{
	if (b->nfiles == 0)
		return IMG_OK;
	qsort(b->files, b->nfiles, sizeof(*b->files), cmp_claim_first);
	uint64_t first = b->files[0].first, end = b->files[0].end;
	for (size_t i = 1; i <= b->nfiles; i++) {
		if (i < b->nfiles && b->files[i].first <= end) {
			if (b->files[i].end > end)
				end = b->files[i].end;
			continue;
		}
		int rc = claim_blocks(b, IMG_MAP_FILE_DATA, first, end - first, "file data");
		if (rc != IMG_OK)
			return rc;
		if (i < b->nfiles) {
			first = b->files[i].first;
			end = b->files[i].end;
		}
	}
	return IMG_OK;
}

static int cmp_uplace(const void *x, const void *y)
{
	const struct uplace *a = x, *c = y;
	if (a->first != c->first)
		return a->first < c->first ? -1 : 1;
	return a->order < c->order ? -1 : a->order > c->order ? 1 : 0;
}

/* The UDF places as claims: consecutive places of one kind merged into a run (a directory
 * of many files has its file entries one after another), named after the first place and how
 * many more the run holds, so that the legend stays short.  Metadata and mirror file extents
 * are UDF space: what no file entry or directory in them claims is shown as theirs. */
static int merge_places(struct builder *b)
{
	if (b->nup == 0)
		return IMG_OK;
	qsort(b->up, b->nup, sizeof(*b->up), cmp_uplace);
	size_t start = 0;
	uint64_t end = b->up[0].end;
	for (size_t i = 1; i <= b->nup; i++) {
		const struct uplace *s = &b->up[start];
		if (i < b->nup && b->up[i].kind == s->kind && b->up[i].first <= end) {
			if (b->up[i].end > end)
				end = b->up[i].end;
			continue;
		}
		size_t more = i - start - 1;
		char label[128];
		enum img_map_kind kind = IMG_MAP_UDF_ENTRY;
		switch (s->kind) {
		case IMG_UDF_PLACE_ENTRY:
			if (more == 0)
				snprintf(label, sizeof(label), "UDF file entry: %.96s", s->path);
			else
				snprintf(label, sizeof(label), "UDF file entries: %.70s and %zu more",
					 s->path, more);
			break;
		case IMG_UDF_PLACE_DIRECTORY:
			if (more == 0)
				snprintf(label, sizeof(label), "UDF directory: %.96s", s->path);
			else
				snprintf(label, sizeof(label), "UDF directories: %.70s and %zu more",
					 s->path, more);
			break;
		case IMG_UDF_PLACE_METADATA:
			kind = IMG_MAP_UDF_SPACE;
			snprintf(label, sizeof(label), "UDF metadata file");
			break;
		case IMG_UDF_PLACE_MIRROR:
			kind = IMG_MAP_UDF_SPACE;
			snprintf(label, sizeof(label), "UDF metadata mirror file");
			break;
		case IMG_UDF_PLACE_FILE_SET:
			kind = IMG_MAP_UDF;
			snprintf(label, sizeof(label), "UDF file set descriptor");
			break;
		default:
			kind = IMG_MAP_UDF;
			snprintf(label, sizeof(label), "UDF metadata bitmap file");
			break;
		}
		int rc = claim_blocks(b, kind, s->first, end - s->first, label);
		if (rc != IMG_OK)
			return rc;
		if (i < b->nup) {
			start = i;
			end = b->up[i].end;
		}
	}
	return IMG_OK;
}

/* The boot catalog and what each entry loads: the file starting there when there is one
 * (a no-emulation entry often loads only the first 2 KiB of a larger file), else the load
 * size the entry records. */
static int map_boot(struct builder *b)
{
	if (!b->have_cat)
		return IMG_OK;
	int rc = claim_blocks(b, IMG_MAP_BOOT_CATALOG, b->cat->sector, 1, "El Torito boot catalog");
	for (int k = 0; rc == IMG_OK && k < b->cat->count; k++) {
		const struct img_boot_entry *e = &b->cat->entries[k];
		char label[128];
		uint64_t size = b->boot_path[k][0] && b->boot_size[k] > e->image_size ?
				b->boot_size[k] : e->image_size;
		snprintf(label, sizeof(label), "boot image %d (%s, %s)%s%.80s", e->index,
			 img_eltorito_platform_name(e->platform),
			 e->emulation == IMG_EMU_NONE ? "no emulation" :
			 img_eltorito_emulation_name(e->emulation), b->boot_path[k][0] ? ": " : "",
			 b->boot_path[k]);
		rc = claim_bytes(b, IMG_MAP_BOOT_IMAGE, (uint64_t)e->load_rba * IMG_MAP_BLOCK,
				 size ? size : IMG_MAP_BLOCK, label);
	}
	return rc;
}

/* ---- the UDF side ---- */

/* The recognition sequence after the ISO 9660 terminator (ECMA-167 2/8.3): BEA01, NSR0x,
 * TEA01, in 2048-byte sectors. */
static int map_vrs(struct builder *b, uint32_t from)
{
	unsigned char id[6];
	uint32_t s = from, first = 0;
	for (; s < from + 16; s++) {
		struct img_error e;
		if (img_source_read(b->src, (uint64_t)s * 2048, id, sizeof(id), "VRS", &e) != IMG_OK)
			break;
		bool bea = memcmp(id + 1, "BEA01", 5) == 0, tea = memcmp(id + 1, "TEA01", 5) == 0;
		if (first == 0) {
			if (!bea)
				break;
			first = s;
		} else if (tea) {
			return claim_blocks(b, IMG_MAP_UDF, first, s - first + 1,
					    "UDF volume recognition sequence");
		} else if (memcmp(id + 1, "NSR0", 4) != 0 && memcmp(id + 1, "BOOT2", 5) != 0) {
			break;
		}
	}
	return IMG_OK;
}

/* Anchors, both descriptor sequences, the integrity sequence, the file set descriptor (when
 * it lies in a physical partition: else it is inside the metadata file), the metadata, mirror
 * and bitmap file entries, and the rest of each partition as UDF space. */
static int map_udf(struct builder *b)
{
	const struct img_udf_info *u = &b->udf;
	uint64_t bs = u->block_size;
	char label[96];
	int rc = IMG_OK;
	for (unsigned k = 0; rc == IMG_OK && k < u->nanchors && k < 3; k++) {
		/* in the volume's own blocks, which are not always the map's 2048 bytes */
		if (bs == IMG_MAP_BLOCK)
			snprintf(label, sizeof(label), "UDF anchor (block %u)", u->anchors[k]);
		else
			snprintf(label, sizeof(label), "UDF anchor (block %u of %u bytes)",
				 u->anchors[k], (unsigned)bs);
		rc = claim_bytes(b, IMG_MAP_UDF, u->anchors[k] * bs, bs, label);
	}
	if (rc == IMG_OK)
		rc = claim_bytes(b, IMG_MAP_UDF, u->vds_sector * bs, u->vds_length,
				 "UDF volume descriptor sequence");
	if (rc == IMG_OK && u->reserve_vds_length <= 256 * bs)
		rc = claim_bytes(b, IMG_MAP_UDF, u->reserve_vds_sector * bs, u->reserve_vds_length,
				 "UDF reserve volume descriptor sequence");
	if (rc == IMG_OK && u->lvid_length <= 64 * bs)
		rc = claim_bytes(b, IMG_MAP_UDF, u->lvid_sector * bs, u->lvid_length,
				 "UDF logical volume integrity sequence");
	for (unsigned i = 0; rc == IMG_OK && i < u->nmaps && i < IMG_UDF_MAX_MAPS; i++) {
		const struct img_udf_map *m = &u->maps[i];
		uint64_t start = m->partition_start;
		if (m->kind == IMG_UDF_MAP_METADATA) {
			static const char *const what[3] = {"UDF metadata file entry",
							    "UDF metadata mirror file entry",
							    "UDF metadata bitmap file entry"};
			const uint32_t at[3] = {m->metadata_file, m->mirror_file, m->bitmap_file};
			for (int k = 0; rc == IMG_OK && k < 3; k++)
				if (at[k] != IMG_UDF_NO_FILE && at[k] < m->partition_length)
					rc = claim_bytes(b, IMG_MAP_UDF, (start + at[k]) * bs, bs,
							 what[k]);
			continue;
		}
		if (m->kind != IMG_UDF_MAP_VIRTUAL) {
			snprintf(label, sizeof(label), "UDF partition %u: file entries, directories",
				 m->partition_number);
			rc = claim_bytes(b, IMG_MAP_UDF_SPACE, start * bs,
					 (uint64_t)m->partition_length * bs, label);
		}
		if (rc == IMG_OK && i == u->fsd_partition && m->kind == IMG_UDF_MAP_PHYSICAL &&
		    u->fsd_block < m->partition_length)
			rc = claim_bytes(b, IMG_MAP_UDF, (start + u->fsd_block) * bs, bs,
					 "UDF file set descriptor");
	}
	return rc;
}

/* ---- laying the claims out ---- */

/* Max-heap of claim indices by rank, then by earlier order. */
struct heap {
	size_t *v;
	size_t n, cap;
	const struct claim *c;
};

static bool above(const struct heap *h, size_t a, size_t b)
{
	int ra = rank(h->c[a].kind), rb = rank(h->c[b].kind);
	return ra != rb ? ra > rb : h->c[a].order < h->c[b].order;
}

static int heap_push(struct heap *h, size_t x)
{
	if (img_grow((void **)&h->v, &h->cap, h->n, sizeof(*h->v), 64) != IMG_OK)
		return IMG_ENOMEM;
	size_t i = h->n++;
	h->v[i] = x;
	while (i > 0 && above(h, h->v[i], h->v[(i - 1) / 2])) {
		size_t p = (i - 1) / 2, t = h->v[p];
		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
	return IMG_OK;
}

static void heap_pop(struct heap *h)
{
	h->v[0] = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && above(h, h->v[l], h->v[m]))
			m = l;
		if (r < h->n && above(h, h->v[r], h->v[m]))
			m = r;
		if (m == i)
			break;
		size_t t = h->v[m];
		h->v[m] = h->v[i];
		h->v[i] = t;
		i = m;
	}
}

/* Appends a region, or lengthens the last one when it is the same thing. */
static int add_region(struct img_map *m, enum img_map_kind kind, const char *label,
		      uint64_t first, uint64_t count, struct img_error *err)
{
	if (count == 0)
		return IMG_OK;
	if (m->count > 0) {
		struct img_map_region *l = &m->regions[m->count - 1];
		if (l->kind == kind && strcmp(l->label, label) == 0 && l->first + l->count == first) {
			l->count += count;
			return IMG_OK;
		}
	}
	if (img_grow((void **)&m->regions, &m->cap, m->count, sizeof(*m->regions), 32) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "image map");
	struct img_map_region *r = &m->regions[m->count++];
	r->kind = kind;
	snprintf(r->label, sizeof(r->label), "%s", label);
	r->first = first;
	r->count = count;
	return IMG_OK;
}

/* A descriptor tag of an anchor (ECMA-167 3/7.2, 3/10.2) that records block lba as its
 * place: genisoimage fills its trailing padding with such copies. */
static bool anchor_copy(const unsigned char *blk, uint64_t lba)
{
	if (img_le16(blk) != 2 || img_le32(blk + 12) != lba)
		return false;
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		sum += i == 4 ? 0 : blk[i];
	return (sum & 0xff) == blk[4];
}

/* A checksum tag of libisofs (its doc/checksum.txt: "libisofs_sb_checksum_tag_v1 pos=N ...",
 * also tree, session and rlsb32 tags) that records block lba as its place: xorriso's and
 * mkimage's --md5 write them after the descriptors, the directories and the session. */
static bool md5_tag(const unsigned char *blk, size_t len, uint64_t lba)
{
	static const char *const kinds[] = {"libisofs_sb_checksum_tag_v1 pos=",
					    "libisofs_tree_checksum_tag_v1 pos=",
					    "libisofs_checksum_tag_v1 pos=",
					    "libisofs_rlsb32_checksum_tag_v1 pos="};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = strlen(kinds[k]);
		if (len < n + 20 || memcmp(blk, kinds[k], n) != 0)
			continue;
		uint64_t v = 0;
		size_t i = n;
		while (i < n + 20 && blk[i] >= '0' && blk[i] <= '9')
			v = v * 10 + (uint64_t)(blk[i++] - '0');
		return i > n && blk[i] == ' ' && v == lba;
	}
	return false;
}

/* Blocks first..first+count-1 that nothing claims, or that only a UDF partition claims (then
 * space names it): runs of zero blocks are padding, anchor copies UDF, the others a gap (or
 * the partition's file entries and directories); once the read budget is spent, all of it a
 * gap or the partition, unread. */
static int add_unclaimed(struct builder *b, struct img_map *m, uint64_t first, uint64_t count,
			 uint64_t *budget, unsigned char *buf, const char *space)
{
	uint64_t size = img_source_size(b->src);
	while (count > 0) {
		uint64_t n = count < 64 ? count : 64;
		uint64_t off = first * IMG_MAP_BLOCK;
		uint64_t len = n * IMG_MAP_BLOCK;
		if (len > size - off)
			len = size - off;
		if (*budget < len)
			return add_region(m, space ? IMG_MAP_UDF_SPACE : IMG_MAP_GAP,
					  space ? space : "unclaimed (not read)", first, count,
					  b->err);
		*budget -= len;
		int rc = img_source_read(b->src, off, buf, (size_t)len, "image map", b->err);
		if (rc != IMG_OK)
			return rc;
		for (uint64_t i = 0; i < n; i++) {
			size_t from = (size_t)(i * IMG_MAP_BLOCK);
			size_t to = from + IMG_MAP_BLOCK > len ? (size_t)len : from + IMG_MAP_BLOCK;
			bool zero = true;
			for (size_t k = from; k < to && zero; k++)
				zero = buf[k] == 0;
			if (zero)
				rc = add_region(m, IMG_MAP_PADDING, "padding (zeros)", first + i, 1,
						b->err);
			else if (md5_tag(buf + from, to - from, first + i))
				rc = add_region(m, IMG_MAP_MD5_TAG, "MD5 checksum tag", first + i, 1,
						b->err);
			else if (to - from >= 16 && anchor_copy(buf + from, first + i))
				rc = add_region(m, IMG_MAP_UDF, "UDF anchor copies", first + i, 1,
						b->err);
			else
				rc = add_region(m, space ? IMG_MAP_UDF_SPACE : IMG_MAP_GAP,
						space ? space : "unclaimed data", first + i, 1,
						b->err);
			if (rc != IMG_OK)
				return rc;
		}
		first += n;
		count -= n;
	}
	return IMG_OK;
}

/* A sweep over the claims' boundaries: in each stretch the highest-ranked claim that covers
 * it names it; stretches without one are padding or gaps. */
static int lay_out(struct builder *b, struct img_map *m)
{
	qsort(b->c, b->n, sizeof(*b->c), cmp_claim_first);
	/* order was the order of claiming; qsort is not stable, so it still decides ties */
	uint64_t *bounds = malloc((2 * b->n + 2) * sizeof(*bounds));
	if (bounds == NULL)
		return img_error_set(b->err, IMG_ENOMEM, "image map");
	size_t nb = 0;
	bounds[nb++] = 0;
	bounds[nb++] = b->blocks;
	for (size_t i = 0; i < b->n; i++) {
		bounds[nb++] = b->c[i].first;
		bounds[nb++] = b->c[i].end;
	}
	qsort(bounds, nb, sizeof(*bounds), cmp_u64);
	unsigned char *buf = malloc(64 * IMG_MAP_BLOCK);
	if (buf == NULL) {
		free(bounds);
		return img_error_set(b->err, IMG_ENOMEM, "image map");
	}
	struct heap h = {.c = b->c};
	uint64_t budget = IMG_MAP_READ_BUDGET;
	size_t next = 0;
	int rc = IMG_OK;
	for (size_t i = 0; rc == IMG_OK && i + 1 < nb; i++) {
		uint64_t at = bounds[i], to = bounds[i + 1];
		if (at == to)
			continue;
		while (rc == IMG_OK && next < b->n && b->c[next].first <= at)
			rc = heap_push(&h, next++);
		if (rc != IMG_OK) {
			rc = img_error_set(b->err, IMG_ENOMEM, "image map");
			break;
		}
		while (h.n > 0 && b->c[h.v[0]].end <= at)
			heap_pop(&h);
		const struct claim *c = h.n > 0 ? &b->c[h.v[0]] : NULL;
		if (c && c->kind != IMG_MAP_UDF_SPACE)
			rc = add_region(m, c->kind, c->label, at, to - at, b->err);
		else
			rc = add_unclaimed(b, m, at, to - at, &budget, buf, c ? c->label : NULL);
	}
	free(h.v);
	free(buf);
	free(bounds);
	return rc;
}

int img_map_build(struct img_source *src, struct img_map *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	out->size = img_source_size(src);
	if (out->size == 0)
		return img_error_set(err, IMG_EINVAL, "image map: the image is empty");
	out->blocks = (out->size + IMG_MAP_BLOCK - 1) / IMG_MAP_BLOCK;
	struct builder *b = calloc(1, sizeof(*b));
	if (b == NULL || (b->vds = calloc(1, sizeof(*b->vds))) == NULL ||
	    (b->cat = calloc(1, sizeof(*b->cat))) == NULL) {
		if (b)
			free(b->vds);
		free(b);
		return img_error_set(err, IMG_ENOMEM, "image map");
	}
	b->src = src;
	b->err = err;
	b->blocks = out->blocks;
	struct img_error e = {0};
	b->iso = img_vd_read(src, b->vds, &e) == IMG_OK;
	uint32_t terminator = 15;
	for (int i = 0; b->iso && i < b->vds->count; i++) {
		const struct img_vd *v = &b->vds->vd[i];
		if (v->kind == IMG_VD_PRIMARY && b->iso_blocks == 0)
			b->iso_blocks = v->volume_space_size;
		if (v->kind == IMG_VD_TERMINATOR)
			terminator = v->sector;
		if (v->kind == IMG_VD_BOOT && v->el_torito && !b->have_cat)
			b->have_cat = img_eltorito_read(src, v->boot_catalog, b->cat, &e) == IMG_OK;
	}
	b->have_udf = img_udf_read_info(src, &b->udf, &e) == IMG_OK;
	int rc = map_system_area(b);
	if (rc == IMG_OK && b->iso)
		rc = map_voldesc(b);
	if (rc == IMG_OK && b->iso)
		rc = map_hierarchies(b);
	if (rc == IMG_OK)
		rc = map_vrs(b, terminator + 1);
	if (rc == IMG_OK)
		rc = map_files(b);
	if (rc == IMG_OK)
		rc = merge_files(b);
	if (rc == IMG_OK)
		rc = merge_places(b);
	if (rc == IMG_OK)
		rc = map_boot(b);
	if (rc == IMG_OK && b->have_udf)
		rc = map_udf(b);
	if (rc == IMG_OK)
		rc = lay_out(b, out);
	free(b->c);
	free(b->files);
	free(b->up);
	free(b->vds);
	free(b->cat);
	free(b);
	return rc;
}

void img_map_free(struct img_map *m)
{
	free(m->regions);
	memset(m, 0, sizeof(*m));
}
