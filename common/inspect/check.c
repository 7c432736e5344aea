/* imginfo --check's policy: every check an image gets, as a list of findings. */
#include "common/inspect/check.h"

#include <inttypes.h>
#include <stdarg.h>
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
#include "common/inspect/verify.h"
#include "common/inspect/voldesc.h"
#include "common/udf/udf_read.h"

/* Views compared with the ISO 9660 one: at most this many differences are listed each. */
enum { MAX_VIEW_MESSAGES = 20 };

struct checker {
	struct img_check_result *r;
	struct img_source *src;
	bool oom;        /* a finding could not be recorded: the run ends in IMG_ENOMEM */
};

/* Records one finding; an allocation failure is remembered and reported at the end, so that
 * the checks themselves need not test each call. */
static void add(struct checker *c, const char *name, enum img_check_status status,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add(struct checker *c, const char *name, enum img_check_status status,
		const char *fmt, ...)
{
	struct img_check_result *r = c->r;
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char *detail = strdup(buf);
	if (detail == NULL ||
	    img_grow((void **)&r->items, &r->cap, r->count, sizeof(*r->items), 16) != IMG_OK) {
		free(detail);
		c->oom = true;
		return;
	}
	r->items[r->count++] = (struct img_check_item){name, status, detail};
	if (status == IMG_CHECK_PROBLEM)
		r->problems++;
}

static void add_bool(struct checker *c, const char *name, bool ok, const char *detail)
{
	add(c, name, ok ? IMG_CHECK_OK : IMG_CHECK_PROBLEM, "%s", detail);
}

const char *img_check_status_name(enum img_check_status s)
{
	return s == IMG_CHECK_OK ? "ok" : s == IMG_CHECK_PROBLEM ? "problem" : "n/a";
}

void img_check_result_free(struct img_check_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->count; i++)
		free(r->items[i].detail);
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* ---- system area and El Torito ---- */

static void check_sysarea(struct checker *c)
{
	struct img_sysarea *sa = calloc(1, sizeof(*sa));
	struct img_error err = {0};
	if (sa == NULL) {
		c->oom = true;
		return;
	}
	if (img_sysarea_read(c->src, sa, &err) != IMG_OK) {
		add_bool(c, "system area", false, err.detail);
	} else if (sa->gpt) {
		add_bool(c, "GPT header CRC", sa->gpt_header_crc_ok,
			 sa->gpt_header_crc_ok ? "matches" : "mismatch at byte 528");
		if (sa->gpt_entries_crc_ok)
			add(c, "GPT entry array CRC", IMG_CHECK_OK, "matches");
		else
			add(c, "GPT entry array CRC", IMG_CHECK_PROBLEM,
			    "mismatch for the array at byte %llu",
			    (unsigned long long)sa->gpt_entries_lba * 512);
		add(c, "GPT backup header", sa->gpt_backup_ok ? IMG_CHECK_OK : IMG_CHECK_PROBLEM,
		    sa->gpt_backup_ok ? "valid at LBA %llu" : "missing or damaged at LBA %llu",
		    (unsigned long long)sa->gpt_backup_lba);
	} else {
		add(c, "GPT header CRC", IMG_CHECK_NA, "no GPT in the system area");
	}
	free(sa);
}

static void check_eltorito(struct checker *c, const struct img_vdset *vds)
{
	const struct img_vd *brd = img_vd_find(vds, IMG_VD_BOOT);
	if (brd == NULL || !brd->el_torito) {
		add(c, "El Torito catalog", IMG_CHECK_NA, "no El Torito boot record");
		return;
	}
	struct img_boot_catalog *cat = calloc(1, sizeof(*cat));
	struct img_error err = {0};
	if (cat == NULL) {
		c->oom = true;
		return;
	}
	if (img_eltorito_read(c->src, brd->boot_catalog, cat, &err) != IMG_OK) {
		add_bool(c, "El Torito catalog", false, err.detail);
		free(cat);
		return;
	}
	add_bool(c, "El Torito catalog", true, "validation entry checksum ok");
	int tables = 0;
	for (int i = 0; i < cat->count; i++) {
		const struct img_boot_entry *e = &cat->entries[i];
		if (!e->info_table)
			continue;
		tables++;
		if (!e->info_table_complete)
			add(c, "boot info table", IMG_CHECK_PROBLEM,
			    "entry %d (LBA %u): the boot file's recorded length of %u bytes runs "
			    "past the end of the image", e->index, e->load_rba,
			    e->info_table_length);
		else if (e->info_table_csum_ok)
			add(c, "boot info table", IMG_CHECK_OK,
			    "entry %d (LBA %u): checksum matches (0x%08x over %u bytes)", e->index,
			    e->load_rba, e->info_table_csum, e->info_table_length);
		else
			add(c, "boot info table", IMG_CHECK_PROBLEM,
			    "entry %d (LBA %u): checksum does not match the image (recorded 0x%08x, "
			    "bytes 64-%u of the boot file sum to 0x%08x)", e->index, e->load_rba,
			    e->info_table_csum, e->info_table_length - 1, e->info_table_sum);
	}
	if (tables == 0)
		add(c, "boot info table", IMG_CHECK_NA, "no boot entry has a boot info table");
	free(cat);
}

/* ---- MD5 ---- */

struct md5_walk {
	struct checker *c;
	uint64_t ok, bad;
};

static int check_file_md5(struct img_fnode *n, void *arg)
{
	struct md5_walk *w = arg;
	if (!n->has_md5)
		return IMG_OK;
	unsigned char got[16];
	struct img_error err = {0};
	char path[4096];
	img_fnode_path(n, path, sizeof(path));
	if (img_md5_node(w->c->src, n, got, &err) != IMG_OK) {
		w->bad++;
		add_bool(w->c, "file MD5", false, err.detail);
	} else if (memcmp(got, n->md5, 16) != 0) {
		w->bad++;
		char a[33], b[33];
		img_md5_hex(n->md5, a);
		img_md5_hex(got, b);
		add(w->c, "file MD5", IMG_CHECK_PROBLEM, "%s: recorded %s, data has %s", path, a, b);
	} else {
		w->ok++;
	}
	return IMG_OK;
}

/* The session tag covers blocks md5_start to md5_end - 1 (libisofs's checksum array). */
static void check_session_md5(struct checker *c, const struct img_iso_info *info)
{
	if (!info->session_md5) {
		add(c, "session MD5", IMG_CHECK_NA, "no session MD5 tag recorded");
		return;
	}
	unsigned char got[16];
	struct img_error err = {0};
	uint64_t off = (uint64_t)info->md5_start * IMG_ISO_SECTOR;
	uint64_t len = ((uint64_t)info->md5_end - info->md5_start) * IMG_ISO_SECTOR;
	if (info->md5_end < info->md5_start ||
	    img_md5_range(c->src, off, len, got, &err) != IMG_OK) {
		add(c, "session MD5", IMG_CHECK_PROBLEM, "blocks %u-%u: %s", info->md5_start,
		    info->md5_end, err.detail);
		return;
	}
	char a[33], b[33];
	img_md5_hex(info->md5, a);
	img_md5_hex(got, b);
	add(c, "session MD5", memcmp(got, info->md5, 16) == 0 ? IMG_CHECK_OK : IMG_CHECK_PROBLEM,
	    "blocks %u-%u: recorded %s, data has %s", info->md5_start, info->md5_end - 1, a, b);
}

static void check_file_md5s(struct checker *c, struct img_filetree *t)
{
	struct md5_walk w = {.c = c};
	img_filetree_walk(t->root, check_file_md5, &w);
	if (w.ok + w.bad > 0)
		add(c, "file MD5s", w.bad == 0 ? IMG_CHECK_OK : IMG_CHECK_PROBLEM,
		    "%" PRIu64 " of %" PRIu64 " files match", w.ok, w.ok + w.bad);
	else
		add(c, "file MD5s", IMG_CHECK_NA, "no file has a recorded MD5");
}

/* ---- views ---- */

/* "; 2 files only in iso (the first /A.TXT)" for the files of one view the other lacks. */
static void describe_only(char *buf, size_t size, const struct img_view_only *o,
			  const char *name)
{
	size_t len = strlen(buf);
	if (o->count > 0 && len < size)
		snprintf(buf + len, size - len, "; %zu file%s only in %s (%s%s)", o->count,
			 o->count == 1 ? "" : "s", name, o->count == 1 ? "" : "the first ",
			 o->first);
}

/* View b against the ISO 9660 view a: each difference in size or extents of a file both views
 * hold (up to MAX_VIEW_MESSAGES), then how many more there were, or one line saying they
 * agree.  A file that only one view holds is no problem: writers hide files from one view on
 * purpose (-hide, -hide-joliet, -hide-udf), and genisoimage gives the El Torito boot catalog
 * no data in UDF; such files are counted on the "ok" line. */
static void check_views_agree(struct checker *c, const struct img_filetree *a,
			      const struct img_filetree *b, const char *bname)
{
	size_t mism = 0;
	struct img_problems p = {0};
	struct img_view_only only_a, only_b;
	if (img_verify_views_shared(a, "iso", b, bname, &p, MAX_VIEW_MESSAGES, &mism, &only_a,
				    &only_b) == IMG_ENOMEM)
		c->oom = true;
	for (size_t k = 0; k < p.count; k++)
		add_bool(c, "views agree", false, p.msg[k]);
	if (mism > p.count)
		add(c, "views agree", IMG_CHECK_PROBLEM, "%zu more differences between iso and %s",
		    mism - p.count, bname);
	char only[2400] = "";
	describe_only(only, sizeof(only), &only_a, "iso");
	describe_only(only, sizeof(only), &only_b, bname);
	if (mism == 0)
		add(c, "views agree", IMG_CHECK_OK,
		    "iso and %s: same sizes and extents for every file%s%s", bname,
		    only[0] ? " both hold" : "", only);
	else if (only[0])
		add(c, "views agree", IMG_CHECK_OK, "iso and %s: %s", bname, only + 2);
	img_problems_free(&p);
}

/* The ISO 9660, Joliet and Rock Ridge views: directory hierarchies first (img_iso_scan's
 * structure checks), then each view libisofs can import; the views found are left in
 * trees[] (iso, joliet, rr) with their info. */
static void read_iso_views(struct checker *c, const struct img_vdset *vds,
			   struct img_filetree *trees[3], struct img_iso_info info[3])
{
	static const char *const names[3] = {"iso", "joliet", "rr"};
	static const enum img_view views[3] = {IMG_VIEW_ISO, IMG_VIEW_JOLIET, IMG_VIEW_RR};
	struct img_error err = {0};
	const struct img_vd *pvd = img_vd_find(vds, IMG_VD_PRIMARY);
	const struct img_vd *jvd = img_vd_find(vds, IMG_VD_JOLIET);
	struct img_dirscan scan;
	if (img_iso_scan(c->src, pvd, &scan, &err) != IMG_OK) {
		add_bool(c, "ISO 9660 directories", false, err.detail);
		return;
	}
	if (jvd && img_iso_scan(c->src, jvd, &scan, &err) != IMG_OK) {
		add_bool(c, "Joliet directories", false, err.detail);
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (img_iso_read_tree(c->src, views[i], &trees[i], &info[i], &err) == IMG_OK)
			continue;
		trees[i] = NULL;
		if (err.code == IMG_ENOMEM)
			c->oom = true;
		else if (err.code != IMG_EUNSUPPORTED)
			add(c, "file tree", IMG_CHECK_PROBLEM, "%s view: %s", names[i], err.detail);
	}
}

/* zisofs (Rock Ridge ZF entry, xorriso -set_filter_r --zisofs): the file's data is stored
 * compressed, in a format whose header starts with this magic and the uncompressed size
 * (little endian) at byte 8.  The Rock Ridge view gives the uncompressed size, the ISO 9660
 * record the stored one. */
static const unsigned char zisofs_magic[8] = {0x37, 0xe4, 0x53, 0x96, 0xc9, 0xdb, 0xd6, 0x07};

struct zisofs_walk {
	struct checker *c;
	uint64_t files;
	char first[1024];
};

/* A Rock Ridge file whose extents hold fewer bytes than its size and whose data is a zisofs
 * stream of exactly that size is compressed: its size becomes the stored one, so that it is
 * compared with the ISO 9660 view and its recorded MD5 (libisofs sums what it stores) checked
 * as stored.  Anything else is left for the checks to report. */
static int mark_zisofs(struct img_fnode *n, void *arg)
{
	struct zisofs_walk *w = arg;
	if (!S_ISREG(n->mode) || n->nextents == 0)
		return IMG_OK;
	uint64_t stored = 0;
	for (size_t i = 0; i < n->nextents; i++)
		stored += n->extents[i].length;
	if (stored >= n->size || stored < 16 || n->extents[0].length < 16)
		return IMG_OK;
	unsigned char head[16];
	if (img_source_read(w->c->src, n->extents[0].offset, head, sizeof(head), "zisofs header",
			    NULL) != IMG_OK ||
	    memcmp(head, zisofs_magic, sizeof(zisofs_magic)) != 0 ||
	    img_le32(head + 8) != n->size)
		return IMG_OK;
	n->size = stored;
	if (w->files++ == 0)
		img_fnode_path(n, w->first, sizeof(w->first));
	return IMG_OK;
}

static void check_iso_views(struct checker *c, const struct img_vdset *vds,
			    struct img_filetree **iso_tree)
{
	struct img_filetree *trees[3] = {NULL, NULL, NULL};
	struct img_iso_info info[3];
	read_iso_views(c, vds, trees, info);
	if (trees[2]) {
		struct zisofs_walk w = {.c = c};
		img_filetree_walk(trees[2]->root, mark_zisofs, &w);
		if (w.files > 0)
			add(c, "zisofs", IMG_CHECK_OK, "%" PRIu64 " file%s stored compressed (the "
			    "first %s): compared and checked as stored", w.files,
			    w.files == 1 ? "" : "s", w.first);
	}
	if (trees[0]) {
		/* The MD5 array is found through AAIP, which only the Rock Ridge reading loads. */
		int m = trees[2] ? 2 : 0;
		check_session_md5(c, &info[m]);
		check_file_md5s(c, trees[m]);
		if (trees[1])
			check_views_agree(c, trees[0], trees[1], "joliet");
		if (trees[2])
			check_views_agree(c, trees[0], trees[2], "rr");
	}
	img_filetree_free(trees[1]);
	img_filetree_free(trees[2]);
	*iso_tree = trees[0];
}

/* ---- UDF ---- */

/* UDF 2.50+: the revision fields, whether the metadata partition's mirror was needed, and
 * whether it is the copy it should be. */
static void check_udf_metadata(struct checker *c, const struct img_udf_info *udf)
{
	if (udf->metadata_problem[0])
		add_bool(c, "UDF metadata file", false, udf->metadata_problem);
	/* UDF 2.60 section 2 (basic restrictions): the minimum UDF read revision of 2.60 media
	 * is at most 2.50, so that 2.50 readers (Linux before 6.2) accept them. */
	if (udf->lvid && udf->revision >= 0x0260) {
		bool ok = udf->min_read_revision <= 0x0250;
		add(c, "UDF revisions", ok ? IMG_CHECK_OK : IMG_CHECK_PROBLEM,
		    "UDF %x.%02x volume, minimum read revision %x.%02x%s",
		    udf->revision >> 8, udf->revision & 0xff, udf->min_read_revision >> 8,
		    udf->min_read_revision & 0xff, ok ? "" : " (UDF 2.60 wants at most 2.50)");
	}
	struct img_udf_mirror_check mc;
	struct img_error err = {0};
	int rc = img_udf_compare_mirror(c->src, &mc, &err);
	if (rc == IMG_ENOENT)
		add(c, "UDF metadata mirror", IMG_CHECK_NA, "no metadata partition");
	else if (rc != IMG_OK)
		add_bool(c, "UDF metadata mirror", false, err.detail);
	else if (mc.metadata_size != mc.mirror_size)
		add(c, "UDF metadata mirror", IMG_CHECK_PROBLEM, "metadata file of %" PRIu64
		    " bytes, mirror file of %" PRIu64, mc.metadata_size, mc.mirror_size);
	else if (mc.differ)
		add(c, "UDF metadata mirror", IMG_CHECK_PROBLEM, "%" PRIu64 " of %" PRIu64
		    " blocks differ from the metadata file, the first is block %" PRIu64
		    " of the metadata partition", mc.differ, mc.blocks, mc.first_differ);
	else
		add(c, "UDF metadata mirror", IMG_CHECK_OK,
		    "%" PRIu64 " blocks identical to the metadata file", mc.blocks);
}

static void check_udf(struct checker *c, const struct img_filetree *iso_tree)
{
	struct img_filetree *ut = NULL;
	struct img_udf_info udf;
	struct img_error err = {0};
	int rc = img_udf_read_tree(c->src, &ut, &udf, &err);
	if (rc == IMG_ENOENT) {
		add(c, "UDF descriptors", IMG_CHECK_NA, "no UDF volume");
		return;
	}
	if (rc != IMG_OK) {
		add_bool(c, "UDF descriptors", false, err.detail);
		return;
	}
	add(c, "UDF descriptors", IMG_CHECK_OK, "%" PRIu64 " descriptor tags (checksum, CRC, "
	    "location) verified; %" PRIu64 " directories, %" PRIu64 " files",
	    udf.tags_verified, udf.dirs, udf.files);
	check_udf_metadata(c, &udf);
	if (iso_tree)
		check_views_agree(c, iso_tree, ut, "udf");
	img_filetree_free(ut);
}

int img_check_image(struct img_source *src, struct img_check_result *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	struct checker c = {.r = out, .src = src};
	struct img_vdset *vds = calloc(1, sizeof(*vds));
	if (vds == NULL)
		return img_error_set(err, IMG_ENOMEM, "checking the image");
	int rc = img_vd_read(src, vds, err);
	bool iso = rc == IMG_OK;
	if (!iso) {
		/* A UDF-only image (mkudffs) is checked as UDF alone; anything else without a
		 * descriptor set is not an image we can check. */
		struct img_udf_info udf;
		struct img_error uerr = {0};
		if (img_udf_read_info(src, &udf, &uerr) != IMG_OK) {
			free(vds);
			return rc;
		}
		memset(vds, 0, sizeof(*vds)); /* nothing half-read is used below */
		img_error_clear(err);
	} else {
		add_bool(&c, "volume descriptors", true, "primary descriptor and terminator found");
	}
	check_sysarea(&c);
	check_eltorito(&c, vds);
	struct img_filetree *iso_tree = NULL;
	if (iso)
		check_iso_views(&c, vds, &iso_tree);
	check_udf(&c, iso_tree);
	img_filetree_free(iso_tree);
	free(vds);
	if (c.oom)
		return img_error_set(err, IMG_ENOMEM, "checking the image");
	return IMG_OK;
}
