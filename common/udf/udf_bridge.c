/* UDF bridge: the UDF view of an image over the file data libisofs lays out, in one pass.
 * libisofs writes its session from block X on (multisession emulation:
 * iso_write_opts_set_ms_block + the 64 KiB overwrite buffer for blocks 0..31); blocks 0..X-1
 * are ours:
 *   0..31     the overwrite buffer (system area, volume descriptors) with the UDF Volume
 *             Recognition Sequence patched in right after the ISO descriptor set terminator;
 *   32..255   zeros;  256 the Anchor Volume Descriptor Pointer;
 *   257..X-1  the UDF volume descriptor sequences, the integrity sequence, and the File Set
 *             Descriptor (before 2.50) or the metadata file's and mirror's File Entries;
 * then libisofs's stream from X on.  The UDF content (File Set Descriptor, File Entries,
 * directories; for 2.50+ the metadata file and its mirror) and the closing Anchor (with --md5
 * also the reserve descriptor sequence before it) go in zero blocks at the end of the image:
 * added by libisofs to its session (iso_write_opts_set_tail_blocks) for boot media and with
 * --md5, else by us after its session, with the volume space sizes of its descriptors patched
 * to count them (patch_volume_size).  The content, 2 KiB per file, goes out after the file
 * data, so libisofs's writer thread reads files from the start, as it does without UDF, and no
 * read-ahead buffer has to keep it going while 200 MB of File Entries (100,000 files) go out
 * first (same wall time, 30 MB less memory: tests/bench/NOTES.md).
 * None of the blocks before libisofs's session depends on where file data lies, so they go
 * out first.  Every file's data extent is known before a byte of data goes out: libisofs places
 * contents in the order of the sort weights image.c gives them, where isofs_layout.c says; its
 * ISO9660 and Joliet directory records (blocks X .. data start - 1) are read as they pass
 * (udf_isoscan.c) to check that every file is where it puts it.  Memory: one directory at a
 * time, and the extents found (16 bytes a file); the UDF metadata is encoded block by block as
 * the output reaches it (img_udf_encoder_read), from the tree udf_tree.c keeps (about 200 bytes
 * per entry).  The bridge is the image's extension (common/build/image_ext.h): the image calls
 * it, never the other way round. */
#include "common/udf/udf_bridge.h"

#include <iconv.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "common/base/bytes.h"
#include "common/base/grow.h"
#include "common/build/boot.h"
#include "common/build/image_ext.h"
#include "common/build/import.h"
#include "common/build/isofs_layout.h"
#include "common/build/stream.h"
#include "common/build/tree.h"
#include "common/udf/udf.h"
#include "common/udf/udf_bootcat.h"
#include "common/udf/udf_isoscan.h"
#include "common/udf/udf_md5.h"

#define BLK ((uint64_t)IMG_BLOCK_SIZE)
/* ECMA-167 3/8.4.2.1: the first Anchor at 256; UDF 2.2.3: a second one at N-1 or N-257. */
#define ANCHOR_FIRST 256u
/* Zero blocks asked of libisofs at the end of boot media: with a GPT the closing anchor goes
 * 256 blocks before the last one (UDF 2.2.3's N-256, N the last block), inside this tail,
 * which libisofs writes after any appended partition and before the backup GPT (33 sectors
 * of 512 bytes, 9 blocks). */
#define GPT_TAIL_BLOCKS 257u

/* One distinct content of the image (image.c gives each its own sort weight). */
struct content {
	uint64_t size;
	uint32_t udf_file;  /* UDF node receiving the extents, or UINT32_MAX */
	bool written;       /* libisofs writes its data (some node not wholly hidden) */
	bool listed;        /* some node has an ISO9660 or Joliet directory record */
	uint64_t lba;       /* where libisofs puts it (written contents with size > 0) */
	bool imported;      /* UDF-only remastering: an old file's data, at old_block on */
	uint32_t old_block;
};

struct img_udf_bridge {
	struct img_udf *udf;
	uint32_t x;              /* first block of libisofs's session */
	uint8_t *overwrite;      /* blocks 0..ovw_blocks-1 */
	uint32_t ovw_blocks;     /* 32, plus -partition_offset */
	uint8_t anchor_block[IMG_BLOCK_SIZE];
	struct img_udf_encoder *meta; /* blocks 257..x-1, then the content: encoded as read */
	uint32_t content_blocks; /* the content area, at content_lba (img_udf_place_content) */
	uint32_t content_lba;
	uint32_t data_start;
	uint32_t anchor_end;     /* closing anchor (absolute block) */
	uint32_t end_first;      /* first of the UDF blocks that end the volume (img_udf_end) */
	uint8_t *end_blocks;     /* blocks end_first .. anchor_end */
	uint64_t pos, total;     /* bytes handed out, image size */
	uint32_t own_tail;       /* zero blocks added after libisofs's session by us instead of
				  * by libisofs (img_image_add_udf), or 0 */
	uint64_t stream_end;     /* image offset where libisofs's stream ends */
	uint32_t vd_term;        /* its descriptor set terminator (block X+vd_term in the stream) */
	struct content *contents;
	size_t ncontents;
	int max_weight;
	const int *weights;      /* the image's file weights (img_image_file_weights) */
	size_t nweights;
	size_t nfiles_seen;      /* regular files walked (index into weights) */
	const struct img_tree_node *replaced; /* tree file the boot catalog replaced, or NULL */
	/* The El Torito catalog, a node libisofs adds to its tree only: listed in UDF too. */
	const struct img_tree_node *cat_dir; /* its directory in our tree, or NULL */
	uint32_t cat_dir_id;     /* that directory's UDF node, or UINT32_MAX (hidden) */
	uint32_t cat_file;       /* the catalog's UDF node, or UINT32_MAX */
	uint32_t cat_lba;        /* its block, from the El Torito boot record */
	bool gpt;                /* the system area holds a GPT (backup at the very end) */
	/* Where libisofs put the file data (isofs_layout.h), and the extents its directory
	 * records name, learnt as they pass (blocks x .. data_start - 1). */
	struct img_isofs_data layout;
	struct img_isoscan *scan;
	/* -input-charset other than UTF-8: names and link targets converted to UTF-8 (UDF's
	 * OSTA CS0 is written from UTF-8), as libisofs converts them for Joliet and Rock Ridge;
	 * (iconv_t)-1 otherwise.  The buffers hold one name (NAME_MAX bytes, at most 4 UTF-8
	 * bytes each) and one target (PATH_MAX bytes) while udf_tree.c encodes it. */
	iconv_t names;
	char name_utf8[4 * 255 + 1];
	char target_utf8[4 * 4096 + 1];
	bool learnt;             /* every extent found and given to the UDF tree */
	/* --udf-only (image opts): no directory record lists the files, so their order is
	 * proven by the order libisofs's writer opened them (prove_order), before the File
	 * Entries that name their extents go out. */
	bool udf_only;
	bool order_proven;
	uint64_t readme_lba;     /* where the ISO tree's README must lie: after every content */
	/* UDF-only with El Torito: the catalog block as it passed (catalog_got bytes of it),
	 * whose load addresses prove where the boot images lie (prove_boot_images). */
	uint8_t catalog_blk[IMG_BLOCK_SIZE];
	uint32_t catalog_got;
	/* Remastering (--indev): the tree comes from libisofs's merged tree, not from ours
	 * (see build_iso_tree); the El Torito catalog's directory there, or NULL. */
	IsoDir *cat_isodir;
};

int img_udf_parse_revision(const char *text, unsigned *revision)
{
	static const struct {
		const char *text;
		unsigned rev;
	} revs[] = {
		{"1.02", IMG_UDF_REV_102}, {"1.50", IMG_UDF_REV_150}, {"2.01", IMG_UDF_REV_201},
		{"2.50", IMG_UDF_REV_250}, {"2.60", IMG_UDF_REV_260},
	};
	for (size_t i = 0; i < sizeof(revs) / sizeof(revs[0]); i++)
		if (text != NULL && strcmp(text, revs[i].text) == 0) {
			*revision = revs[i].rev;
			return IMG_OK;
		}
	return IMG_EINVAL;
}

static void bridge_free(struct img_udf_bridge *b)
{
	if (b == NULL)
		return;
	img_udf_free(b->udf);
	free(b->overwrite);
	img_udf_encoder_free(b->meta);
	img_isoscan_free(b->scan);
	if (b->names != (iconv_t)-1)
		iconv_close(b->names);
	free(b->end_blocks);
	free(b->contents);
	free(b);
}

static bool is_zero_entry(const uint8_t *e)
{
	for (size_t i = 0; i < 16; i++)
		if (e[i])
			return false;
	return true;
}

/* ---- the UDF tree, from ours ---- */

static int udf_fail(struct img_error *err, const struct img_udf_bridge *b, int rc)
{
	const struct img_error *e = img_udf_error(b->udf);
	return img_error_set(err, rc, "UDF: %s", e->detail[0] ? e->detail : img_strerror(rc));
}

static void node_attr(const struct img_image *img, const struct img_tree_node *n,
		      struct img_udf_attr *a)
{
	const struct img_image_opts *o = img_image_opts(img);
	const struct stat *st = img_node_stat(n);
	memset(a, 0, sizeof(*a));
	/* What Rock Ridge records (image.c set_attrs): the mtime clamped to SOURCE_DATE_EPOCH
	 * for all three times, the owners and modes of -r, -uid, -file-mode... */
	int64_t t = (int64_t)st->st_mtime;
	if (o->have_epoch && t > o->epoch)
		t = o->epoch;
	a->mtime = a->atime = a->ctime = (struct img_udf_time){t, 0};
	mode_t perm;
	uid_t uid;
	gid_t gid;
	img_image_node_owner_mode(o, n, &perm, &uid, &gid);
	a->mode = (st->st_mode & S_IFMT) | perm;
	a->uid = uid;
	a->gid = gid;
}

/* In the UDF view: seen in the ISO9660 (Rock Ridge) or the Joliet tree, given the hide bits
 * of the node and of every directory above it (libisofs hides a directory's subtree). */
static bool udf_visible(const struct img_image *img, int hide)
{
	/* UDF-only: -hide hides from the UDF view, the one view there is. */
	if (img_image_opts(img)->udf_only)
		return !(hide & IMG_HIDE_ISO);
	return !(hide & IMG_HIDE_ISO) || (img_image_opts(img)->joliet && !(hide & IMG_HIDE_JOLIET));
}

/* s in UTF-8: s itself, or its conversion from the input charset into buf (of len bytes).
 * NULL when it cannot be converted (the caller reports it). */
static const char *udf_utf8(struct img_udf_bridge *b, const char *s, char *buf, size_t len)
{
	if (b->names == (iconv_t)-1)
		return s;
	iconv(b->names, NULL, NULL, NULL, NULL);
	char *in = (char *)s, *out = buf;
	size_t inleft = strlen(s), outleft = len - 1;
	if (iconv(b->names, &in, &inleft, &out, &outleft) == (size_t)-1
	    || iconv(b->names, NULL, NULL, &out, &outleft) == (size_t)-1)
		return NULL;
	*out = '\0';
	return buf;
}

/* Adds the children of dir under UDF node parent (UINT32_MAX: a hidden directory, walked only
 * to keep count of the files).  above: hide bits of dir and its ancestors; kept: some of them
 * is hidden from both trees, which image.c marks LIBISO_HIDE_BUT_WRITE, so that libisofs
 * still writes the data below it. */
static int add_children(const struct img_image *img, struct img_udf_bridge *b,
			const struct img_tree_node *dir, uint32_t parent, int above, bool kept,
			struct img_error *err)
{
	for (size_t i = 0; i < img_node_count(dir); i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		const struct stat *st = img_node_stat(k);
		int own = img_node_hide(k), hide = own | above;
		bool visible = udf_visible(img, hide);
		bool keep = kept || ((own & IMG_HIDE_ISO) && (own & IMG_HIDE_JOLIET));
		/* -hide-udf: out of the UDF view alone; listed and written as ever. */
		bool show = parent != UINT32_MAX && visible && !(hide & IMG_HIDE_UDF);
		struct img_udf_attr a;
		node_attr(img, k, &a);
		uint32_t id = UINT32_MAX;
		int rc = IMG_OK;
		const char *name = udf_utf8(b, img_node_name(k), b->name_utf8,
					    sizeof(b->name_utf8));
		if (name == NULL)
			return img_error_set(err, IMG_EINVAL, "UDF: %s: name not valid in charset %s",
					     img_node_name(k), img_image_opts(img)->input_charset);
		if (S_ISDIR(st->st_mode)) {
			if (show)
				rc = img_udf_add_dir(b->udf, parent, name, &a, &id);
			if (rc == IMG_OK && show && k == b->cat_dir)
				b->cat_dir_id = id;
			if (rc == IMG_OK)
				rc = add_children(img, b, k, show ? id : UINT32_MAX, hide, keep, err);
			if (rc != IMG_OK)
				return rc;
			continue;
		}
		if (S_ISREG(st->st_mode)) {
			if (b->nfiles_seen >= b->nweights)
				return img_error_set(err, IMG_EINVAL, "UDF: tree changed");
			int w = b->weights[b->nfiles_seen++];
			if (k == b->replaced)
				continue;
			if (w < 1 || w > b->max_weight)
				return img_error_set(err, IMG_EINVAL, "UDF: bad weight");
			struct content *c = &b->contents[b->max_weight - w];
			c->size = (uint64_t)st->st_size;
			if (visible && !b->udf_only)
				c->listed = true;
			if (visible || keep || b->udf_only)
				c->written = true; /* UDF-only: image.c writes every file */
			if (!show)
				continue;
			/* One File Entry for all names of a content (hard links). */
			if (c->udf_file == UINT32_MAX) {
				rc = img_udf_add_file(b->udf, parent, name, &a, c->size, 0, &id);
				if (rc == IMG_OK)
					c->udf_file = id;
			} else {
				rc = img_udf_add_link(b->udf, parent, name, c->udf_file, &id);
			}
		} else if (S_ISLNK(st->st_mode)) {
			const char *target = udf_utf8(b, img_node_link(k), b->target_utf8,
						      sizeof(b->target_utf8));
			if (target == NULL)
				return img_error_set(err, IMG_EINVAL,
						     "UDF: %s: link target not valid in charset %s",
						     img_node_name(k), img_image_opts(img)->input_charset);
			if (show && !img_image_opts(img)->udf_no_symlinks)
				rc = img_udf_add_symlink(b->udf, parent, name, &a, target, &id);
		} else if (show) {
			/* FIFOs, sockets and devices (major and minor in an extended attribute). */
			rc = img_udf_add_special(b->udf, parent, name, &a,
						 major(st->st_rdev), minor(st->st_rdev), &id);
		}
		if (rc != IMG_OK)
			return udf_fail(err, b, rc);
	}
	return IMG_OK;
}

/* The node at an absolute image path ("/a/b"), or NULL. */
static const struct img_tree_node *find_node(const struct img_tree_node *n, const char *path)
{
	while (n != NULL && *path) {
		while (*path == '/')
			path++;
		size_t len = strcspn(path, "/");
		if (len == 0)
			break;
		const struct img_tree_node *next = NULL;
		for (size_t i = 0; i < img_node_count(n) && next == NULL; i++) {
			const char *name = img_node_name(img_node_child(n, i));
			if (strlen(name) == len && memcmp(name, path, len) == 0)
				next = img_node_child(n, i);
		}
		n = next;
		path += len;
	}
	return n;
}


/* ---- the UDF tree, from libisofs's (remastering) ---- */

/* With --indev our walk's tree holds only the added files: the image's tree is libisofs's,
 * the old image's nodes (imported with their Rock Ridge names and attributes) with ours
 * merged in and --rm/--rm-r applied.  The UDF tree is then built from that tree, once it is
 * final (img_image_add_udf, after img_image_set_boot), so that it shows what the Rock Ridge
 * tree shows.  The data is found as for a new image: by sort weight.  libisofs weighs an
 * imported file by its old block in tiles of 16 blocks (fs_image.c), which leaves several
 * contents on one weight, in an order of its own; each distinct old extent gets a weight of
 * its own here instead, above ours, in old block order (the order libisofs would read them
 * in anyway), so that every content written has one weight and the layout can be told (and
 * is then checked against the directory records, as always). */

/* An imported file with data: its node and its old extent. */
struct old_file {
	IsoFile *file;
	uint32_t block;
	uint64_t size;
	bool joliet_only;  /* a stream of its own: another content than an imported file's
			    * on the same extent */
};

struct old_files {
	struct old_file *v;
	size_t n, cap;
	size_t nodes;    /* every node below the root */
};

static int collect_old(IsoDir *dir, struct old_files *x)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return IMG_ENOMEM;
	IsoNode *node;
	int rc = IMG_OK;
	while (rc == IMG_OK && iso_dir_iter_next(it, &node) == 1) {
		x->nodes++;
		enum IsoNodeType t = iso_node_get_type(node);
		if (t == LIBISO_DIR) {
			rc = collect_old((IsoDir *)node, x);
			continue;
		}
		if (t != LIBISO_FILE)
			continue;
		IsoFile *f = (IsoFile *)node;
		int count = 0;
		struct iso_file_section *sec = NULL;
		uint32_t block = 0;
		bool joliet_only = false;
		if (iso_file_get_old_image_sections(f, &count, &sec, 0) != 1) {
			free(sec);
			sec = NULL;
			/* an entry only the old Joliet tree listed: old data too (import.h) */
			if (!(joliet_only = img_import_joliet_only_block(f, &block)))
				continue; /* one of ours (image.c weighed it) */
			count = 1;
		} else if (count > 0) {
			block = sec[0].block;
		}
		if (count > 0 && iso_file_get_size(f) > 0) {
			if (img_reserve((void **)&x->v, &x->cap, x->n + 1, sizeof(*x->v)) != IMG_OK)
				rc = IMG_ENOMEM;
			else
				x->v[x->n++] = (struct old_file){f, block,
								 (uint64_t)iso_file_get_size(f),
								 joliet_only};
		} else {
			/* An empty old file: no data to place, no weight of ours. */
			iso_node_set_sort_weight(node, 0);
		}
		free(sec);
	}
	iso_dir_iter_free(it);
	return rc;
}

static int cmp_old(const void *a, const void *b)
{
	const struct old_file *x = a, *y = b;
	if (x->block != y->block)
		return x->block < y->block ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (int)x->joliet_only - (int)y->joliet_only;
}

/* Gives each distinct old extent a weight of its own above ours (base), the first extent the
 * heaviest; *top receives the heaviest weight, *nodes the number of nodes in the tree.
 * Files on one extent are one content: import.c made them hard links of one another. */
static int weigh_old(IsoImage *iso, int base, int *top, size_t *nodes, struct img_error *err)
{
	struct old_files x = {0};
	int rc = collect_old(iso_image_get_root(iso), &x);
	if (rc != IMG_OK) {
		free(x.v);
		return img_error_set(err, rc, "UDF");
	}
	qsort(x.v, x.n, sizeof(*x.v), cmp_old);
	size_t groups = 0;
	for (size_t i = 0; i < x.n; i++)
		if (i == 0 || cmp_old(&x.v[i - 1], &x.v[i]) != 0)
			groups++;
	if (groups > (size_t)(INT_MAX - base)) {
		free(x.v);
		return img_error_set(err, IMG_ETOOBIG, "UDF: %zu old files", groups);
	}
	int w = base + (int)groups + 1;
	for (size_t i = 0; i < x.n; i++) {
		if (i == 0 || cmp_old(&x.v[i - 1], &x.v[i]) != 0)
			w--;
		iso_node_set_sort_weight((IsoNode *)x.v[i].file, w);
	}
	*top = base + (int)groups;
	*nodes = x.nodes;
	free(x.v);
	return IMG_OK;
}

/* The attributes Rock Ridge records of node (its PX and TF entries). */
static void iso_attr(IsoNode *node, struct img_udf_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->mode = (uint32_t)iso_node_get_mode(node);
	a->uid = (uint32_t)iso_node_get_uid(node);
	a->gid = (uint32_t)iso_node_get_gid(node);
	a->atime = (struct img_udf_time){(int64_t)iso_node_get_atime(node), 0};
	a->mtime = (struct img_udf_time){(int64_t)iso_node_get_mtime(node), 0};
	a->ctime = (struct img_udf_time){(int64_t)iso_node_get_ctime(node), 0};
}

/* add_children for libisofs's tree: the children of dir under UDF node parent (UINT32_MAX:
 * hidden), with the same hiding rules (libisofs hides a directory's subtree; a node hidden
 * from both trees with LIBISO_HIDE_BUT_WRITE still has its data written). */
static int add_iso_children(struct img_image *img, struct img_udf_bridge *b, IsoDir *dir,
			    uint32_t parent, int above, bool kept, struct img_error *err)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	IsoNode *k;
	int rc = IMG_OK;
	while (rc == IMG_OK && iso_dir_iter_next(it, &k) == 1) {
		enum IsoNodeType t = iso_node_get_type(k);
		/* The El Torito catalog: add_catalog lists it where the boot record says. */
		if (t == LIBISO_BOOT)
			continue;
		/* UDF-only: image.c hid every node from the other trees, the README aside, which
		 * is in no UDF directory (as in add_children, whose tree has none). */
		if (b->udf_only && k == img_image_udf_only_readme(img))
			continue;
		int h = iso_node_get_hidden(k);
		int own = b->udf_only ? 0 : ((h & LIBISO_HIDE_ON_RR) ? IMG_HIDE_ISO : 0) |
			  ((h & LIBISO_HIDE_ON_JOLIET) ? IMG_HIDE_JOLIET : 0);
		int hide = own | above;
		bool visible = udf_visible(img, hide);
		bool keep = kept || (h & LIBISO_HIDE_BUT_WRITE);
		bool show = parent != UINT32_MAX && visible;
		struct img_udf_attr a;
		iso_attr(k, &a);
		uint32_t id = UINT32_MAX;
		const char *name = udf_utf8(b, iso_node_get_name(k), b->name_utf8,
					    sizeof(b->name_utf8));
		if (name == NULL) {
			rc = img_error_set(err, IMG_EINVAL, "UDF: %s: name not valid in charset %s",
					   iso_node_get_name(k), img_image_opts(img)->input_charset);
			break;
		}
		if (t == LIBISO_DIR) {
			if (show && (rc = img_udf_add_dir(b->udf, parent, name, &a, &id)) != IMG_OK) {
				rc = udf_fail(err, b, rc);
				break;
			}
			if (show && (IsoDir *)k == b->cat_isodir)
				b->cat_dir_id = id;
			rc = add_iso_children(img, b, (IsoDir *)k, show ? id : UINT32_MAX, hide, keep,
					      err);
			continue;
		}
		if (t == LIBISO_FILE) {
			IsoFile *f = (IsoFile *)k;
			uint64_t size = (uint64_t)iso_file_get_size(f);
			int w = iso_file_get_sort_weight(f);
			struct content *c = NULL;
			if (w >= 1 && w <= b->max_weight) {
				c = &b->contents[b->max_weight - w];
				c->size = size;
				if (visible && !b->udf_only)
					c->listed = true;
				if (visible || keep || b->udf_only)
					c->written = true;
				int count = 0;
				struct iso_file_section *sec = NULL;
				if (b->udf_only && size > 0 &&
				    iso_file_get_old_image_sections(f, &count, &sec, 0) == 1 &&
				    count > 0) {
					c->imported = true;
					c->old_block = sec[0].block;
				}
				free(sec);
			} else if (size > 0) {
				rc = img_error_set(err, IMG_EISOFS, "UDF: %s: no weight of ours (%d)",
						   iso_node_get_name(k), w);
				break;
			}
			if (!show)
				continue;
			if (c != NULL && c->udf_file != UINT32_MAX) {
				rc = img_udf_add_link(b->udf, parent, name, c->udf_file, &id);
			} else {
				rc = img_udf_add_file(b->udf, parent, name, &a, size, 0, &id);
				if (rc == IMG_OK && c != NULL)
					c->udf_file = id;
			}
		} else if (t == LIBISO_SYMLINK) {
			const char *target = udf_utf8(b, iso_symlink_get_dest((IsoSymlink *)k),
						      b->target_utf8, sizeof(b->target_utf8));
			if (target == NULL) {
				rc = img_error_set(err, IMG_EINVAL,
						   "UDF: %s: link target not valid in charset %s",
						   iso_node_get_name(k),
						   img_image_opts(img)->input_charset);
				break;
			}
			if (show && !img_image_opts(img)->udf_no_symlinks)
				rc = img_udf_add_symlink(b->udf, parent, name, &a, target, &id);
		} else if (t == LIBISO_SPECIAL && show) {
			dev_t dev = iso_special_get_dev((IsoSpecial *)k);
			rc = img_udf_add_special(b->udf, parent, name, &a, major(dev), minor(dev),
						 &id);
		}
		if (rc != IMG_OK)
			rc = udf_fail(err, b, rc);
	}
	iso_dir_iter_free(it);
	return rc;
}

/* The UDF tree of libisofs's tree (remastering), into b whose udf is new: contents by the
 * weights weigh_old gave. */
static int build_iso_tree(struct img_image *img, struct img_udf_bridge *b,
			  const char *catalog, struct img_error *err)
{
	IsoImage *iso = img_image_isofs(img);
	int top = 0;
	size_t nodes = 0;
	int rc = weigh_old(iso, b->max_weight, &top, &nodes, err);
	if (rc != IMG_OK)
		return rc;
	free(b->contents);
	b->max_weight = top;
	b->ncontents = (size_t)top;
	b->contents = calloc(b->ncontents ? b->ncontents : 1, sizeof(*b->contents));
	if (b->contents == NULL)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	for (size_t i = 0; i < b->ncontents; i++)
		b->contents[i].udf_file = UINT32_MAX;
	if (img_udf_reserve(b->udf, nodes + 2 < UINT32_MAX ? (uint32_t)(nodes + 2) : UINT32_MAX)
	    != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	if (catalog != NULL) {
		size_t dlen = (size_t)(strrchr(catalog, '/') - catalog);
		char *dir = dlen ? strndup(catalog, dlen) : strdup("/");
		if (dir == NULL)
			return img_error_set(err, IMG_ENOMEM, "UDF");
		IsoNode *d = NULL;
		if (iso_tree_path_to_node(iso, dir, &d) == 1 && d != NULL &&
		    iso_node_get_type(d) == LIBISO_DIR)
			b->cat_isodir = (IsoDir *)d;
		free(dir);
	}
	IsoDir *root = iso_image_get_root(iso);
	if (b->cat_isodir == root)
		b->cat_dir_id = IMG_UDF_ROOT;
	struct img_udf_attr ra;
	iso_attr((IsoNode *)root, &ra);
	img_udf_set_root(b->udf, &ra);
	return add_iso_children(img, b, root, IMG_UDF_ROOT, 0, false, err);
}

static int64_t volume_time(const struct img_image_opts *o, int64_t now);

/* Adds the boot catalog as a regular file where libisofs put it, with what Rock Ridge shows
 * of its node (libisofs: mode 0444 of the parent's, its owner; the volume time when
 * reproducible), unless -hide took it out of the ISO9660 and Joliet trees. */
static int add_catalog(struct img_image *img, struct img_udf_bridge *b)
{
	struct img_error *err = img_image_err(img);
	const struct img_image_boot *boot = img_image_boot(img);
	if (b->cat_dir_id == UINT32_MAX || boot->catalog_hidden)
		return IMG_OK;
	IsoNode *node = NULL;
	if (iso_tree_path_to_node(img_image_isofs(img), boot->catalog_path, &node) != 1 ||
	    node == NULL)
		return img_error_set(err, IMG_EISOFS, "UDF: no boot catalog node at %s",
				     img_image_boot(img)->catalog_path);
	int h = iso_node_get_hidden(node);
	const struct img_image_opts *o = img_image_opts(img);
	/* UDF-only: the ISO9660 and Joliet trees hide it like every file (boot_apply.c), and
	 * the UDF view, the image's one file view, lists it where -c put it, as the one tree of
	 * mkisofs, xorriso and -udf images does: the same UDF view as -udf gives, and a tree
	 * copied out of it and built again (mkisofs -c at the same path) replaces it.
	 * --boot-catalog-hide (catalog_hidden, above) leaves it out. */
	if (!o->udf_only && (h & LIBISO_HIDE_ON_RR) && (!o->joliet || (h & LIBISO_HIDE_ON_JOLIET)))
		return IMG_OK;
	struct img_udf_attr a;
	memset(&a, 0, sizeof(a));
	a.mode = S_IFREG | (iso_node_get_permissions(node) & 07777);
	a.uid = iso_node_get_uid(node);
	a.gid = iso_node_get_gid(node);
	/* libisofs stamps the nodes it creates with the time of iso_write_opts_set_pvd_times's
	 * uuid when given one (image.c does when reproducible), else with the clock. */
	int64_t t = o->have_epoch || o->modification_date != NULL
			    ? volume_time(o, 0)
			    : (int64_t)iso_node_get_mtime(node);
	a.mtime = a.atime = a.ctime = (struct img_udf_time){t, 0};
	const char *name = strrchr(img_image_boot(img)->catalog_path, '/') + 1;
	int rc = img_udf_add_file(b->udf, b->cat_dir_id, name, &a, IMG_ISOFS_CATALOG_BLOCKS * BLK,
				  0, &b->cat_file);
	return rc == IMG_OK ? IMG_OK : udf_fail(err, b, rc);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil-from-days inverted). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The volume time: --modification-date (YYYYMMDDhhmmss..., UTC) wins as on the ISO side,
 * then SOURCE_DATE_EPOCH, then now. */
static int64_t volume_time(const struct img_image_opts *o, int64_t now)
{
	const char *m = o->modification_date;
	if (m != NULL && strlen(m) >= 14) {
		int v[6] = {0}, len[6] = {4, 2, 2, 2, 2, 2};
		const char *p = m;
		for (int i = 0; i < 6; i++)
			for (int k = 0; k < len[i]; k++, p++) {
				if (*p < '0' || *p > '9')
					return o->have_epoch ? o->epoch : now;
				v[i] = v[i] * 10 + (*p - '0');
			}
		return days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]) * 86400 +
		       v[3] * 3600 + v[4] * 60 + v[5];
	}
	return o->have_epoch ? o->epoch : now;
}

/* The end (exclusive, in 2 KiB blocks) of the GPT entry libisofs names "EFI boot partition"
 * (-efi-boot-part) in the system area buf, or 0 (UEFI 2.9 5.3.2-3: header at LBA 1). */
static uint64_t gpt_esp_end(const uint8_t *buf, size_t len)
{
	if (len < 1024 || memcmp(buf + 512, "EFI PART", 8) != 0)
		return 0;
	uint64_t first = img_le32(buf + 512 + 72);
	uint32_t count = img_le32(buf + 512 + 80), size = img_le32(buf + 512 + 84);
	static const char name[] = "EFI boot partition";
	uint8_t utf16[2 * sizeof(name)] = {0}; /* UTF-16LE with its terminating zero */
	for (size_t i = 0; i < sizeof(name); i++)
		utf16[2 * i] = (uint8_t)name[i];
	uint64_t end = 0;
	for (uint32_t i = 0; size >= 128 && i < count; i++) {
		uint64_t off = first * 512 + (uint64_t)i * size;
		if (off + 128 > len)
			break;
		const uint8_t *e = buf + off;
		if (is_zero_entry(e) || memcmp(e + 56, utf16, sizeof(utf16)) != 0)
			continue;
		uint64_t last = img_le32(e + 40) | (uint64_t)img_le32(e + 44) << 32;
		if ((last + 1 + 3) / 4 > end)
			end = (last + 1 + 3) / 4;
	}
	return end;
}

/* libisofs 1.5.4 writes the system area twice: in the overwrite buffer with the whole image's
 * size, and again at the head of its session (the copy at X) with the size of the session
 * only, while the GPT entries it registered stay absolute.  For that second copy it checks
 * that no entry ends past that size, and fails the write ("GPT partitions 0 and 1 overlap")
 * when one does: an EFI boot image that is also the ESP (-efi-boot-part --efi-boot-image,
 * --boot-preset bios+uefi), which it puts right after its directories, ends beyond the
 * session's size when the UDF blocks before the session (X, about 300) outnumber the blocks
 * that follow the image's end in the session (file data, the UDF metadata in the tail).
 * A dry layout (no file read) tells where the entries end; zero tail blocks make the session
 * long enough.  They are ours to add: ECMA-119 and UDF leave unused blocks at the end. */
static int fit_stream_gpt(struct img_image *img, struct img_udf_bridge *b, uint32_t tail)
{
	/* libisofs fills the overwrite buffer while it lays the session out. */
	uint64_t session = 0;
	int rc = img_image_stream_blocks(img, &session);
	if (rc != IMG_OK)
		return rc;
	uint64_t end = gpt_esp_end(b->overwrite, (size_t)b->ovw_blocks * BLK);
	/* The session copy's size counts from X, and libisofs adds the 16 blocks of its own
	 * system area to it: not relied on (a block too many costs 2 KiB). */
	if (end > session) {
		uint64_t more = end - session;
		if (tail + more > UINT32_MAX)
			return img_error_set(img_image_err(img), IMG_ETOOBIG,
					     "UDF: %llu tail blocks", (unsigned long long)more);
		iso_write_opts_set_tail_blocks(img_image_write_opts(img), tail + (uint32_t)more);
		img_image_note(img, IMG_NOTE_INFO, "UDF: %llu zero blocks added at the end, for "
			       "libisofs's GPT check (EFI partition up to block %llu)",
			       (unsigned long long)more, (unsigned long long)end);
	}
	return IMG_OK;
}

/* What the UDF tree depends on besides the image's tree and options, all of it known before
 * img_image_set_boot from the boot configuration (img_image_plan_udf), or after it from the
 * image. */
struct udf_setup {
	unsigned revision;
	bool reserve_at_end; /* img_udf_options.reserve_at_end */
	char *catalog;       /* absolute image path of the El Torito catalog, or NULL */
	char *replaced;      /* the tree file the catalog replaces (the same path), or NULL */
};

struct udf_plan {
	struct udf_setup want;
	struct img_udf_bridge *b; /* built by plan_build, or NULL */
	int rc;                   /* its outcome, with err */
	struct img_error err;
};

static void setup_free(struct udf_setup *s)
{
	free(s->catalog);
	free(s->replaced);
}

static bool same_path(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static bool same_setup(const struct udf_setup *a, const struct udf_setup *b)
{
	return a->revision == b->revision && a->reserve_at_end == b->reserve_at_end &&
	       same_path(a->catalog, b->catalog) && same_path(a->replaced, b->replaced);
}

static void plan_free(struct udf_plan *p)
{
	if (p == NULL)
		return;
	bridge_free(p->b);
	setup_free(&p->want);
	free(p);
}

/* Builds the UDF tree of img's tree as setup says, all but the boot catalog (whose node
 * libisofs makes in img_image_set_boot).  Errors go to err only: this may run while another
 * thread builds libisofs's tree (plan_build). */
static int build_tree(struct img_image *img, const struct udf_setup *setup,
		      struct img_udf_bridge **out, struct img_error *err)
{
	*out = NULL;
	struct img_udf_bridge *b = calloc(1, sizeof(*b));
	if (b == NULL)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	b->names = (iconv_t)-1;
	b->udf_only = img_image_opts(img)->udf_only;
	const char *cs = img_image_opts(img)->input_charset;
	if (cs != NULL && strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "UTF8") != 0
	    && (b->names = iconv_open("UTF-8", cs)) == (iconv_t)-1) {
		bridge_free(b);
		return img_error_set(err, IMG_EINVAL, "UDF: input charset %s: not known to iconv",
				     cs);
	}
	b->weights = img_image_file_weights(img, &b->nweights);
	int max_weight = 0;
	for (size_t i = 0; i < b->nweights; i++)
		if (b->weights[i] > max_weight)
			max_weight = b->weights[i];
	b->max_weight = max_weight;
	b->ncontents = (size_t)max_weight;
	b->contents = calloc(b->ncontents ? b->ncontents : 1, sizeof(*b->contents));
	if (b->contents == NULL) {
		bridge_free(b);
		return img_error_set(err, IMG_ENOMEM, "UDF");
	}
	for (size_t i = 0; i < b->ncontents; i++)
		b->contents[i].udf_file = UINT32_MAX;
	const struct img_image_opts *o = img_image_opts(img);
	/* Remastering: the volume id is the old image's unless -V was given (import.c). */
	const char *volid = img_image_get_import(img) != NULL
				    ? iso_image_get_volume_id(img_image_isofs(img)) : o->volid;
	struct img_udf_options uo = {
		.revision = setup->revision,
		.volume_id = volid != NULL && volid[0] ? volid : NULL,
		.volume_time = volume_time(img_image_opts(img), (int64_t)time(NULL)),
		.reserve_at_end = setup->reserve_at_end,
	};
	int rc = img_udf_new(&uo, &b->udf);
	if (rc != IMG_OK) {
		bridge_free(b);
		return img_error_set(err, rc, "UDF: revision %x or label %s refused",
				     setup->revision, uo.volume_id ? uo.volume_id : "");
	}
	b->cat_dir_id = b->cat_file = UINT32_MAX;
	if (img_image_get_import(img) != NULL) {
		rc = build_iso_tree(img, b, setup->catalog, err);
		if (rc != IMG_OK) {
			bridge_free(b);
			return rc;
		}
		*out = b;
		return IMG_OK;
	}
	/* Room for every entry at once: growing by doubling copied 15 MB for 100,000 files. */
	size_t entries = img_tree_count(img_image_tree(img)) + 2;
	if (img_udf_reserve(b->udf, entries < UINT32_MAX ? (uint32_t)entries : UINT32_MAX) != IMG_OK) {
		bridge_free(b);
		return img_error_set(err, IMG_ENOMEM, "UDF");
	}
	const struct img_tree_node *root = img_tree_root(img_image_tree(img));
	if (setup->replaced != NULL)
		b->replaced = find_node(root, setup->replaced);
	b->cat_dir_id = b->cat_file = UINT32_MAX;
	if (setup->catalog != NULL) {
		/* Its directory: the part before the last '/' ("" for the root). */
		size_t dlen = (size_t)(strrchr(setup->catalog, '/') - setup->catalog);
		char *dir = strndup(setup->catalog, dlen);
		if (dir == NULL) {
			bridge_free(b);
			return img_error_set(err, IMG_ENOMEM, "UDF");
		}
		b->cat_dir = find_node(root, dir);
		free(dir);
		if (b->cat_dir == root)
			b->cat_dir_id = IMG_UDF_ROOT;
	}
	struct img_udf_attr ra;
	node_attr(img, root, &ra);
	img_udf_set_root(b->udf, &ra);
	rc = add_children(img, b, root, IMG_UDF_ROOT, 0, false, err);
	if (rc != IMG_OK) {
		bridge_free(b);
		return rc;
	}
	*out = b;
	return IMG_OK;
}

/* ---- the image's extension ---- */

/* The UDF view as the image's extension (image_ext.h): the plan of img_image_plan_udf until
 * img_image_add_udf, then the bridge. */
struct udf_ext {
	struct img_image_ext ext; /* first: the image hands this back */
	struct udf_plan *plan;
	struct img_udf_bridge *bridge;
};

static int bridge_start(struct img_image *img, struct img_udf_bridge *b, uint64_t *bytes);
static int bridge_read(struct img_image *img, struct img_udf_bridge *b, void *buf, size_t len,
		       size_t *got);
static void plan_build(struct img_image *img, struct udf_plan *p);

static uint32_t ext_extra_blocks(struct img_image_ext *ext, struct img_image *img)
{
	(void)img;
	const struct img_udf_bridge *b = ((struct udf_ext *)ext)->bridge;
	return b != NULL ? b->x + b->own_tail : 0;
}

static void ext_tree_ready(struct img_image_ext *ext, struct img_image *img)
{
	struct udf_ext *u = (struct udf_ext *)ext;
	if (u->plan != NULL)
		plan_build(img, u->plan);
}

static int ext_start(struct img_image_ext *ext, struct img_image *img, uint64_t *bytes)
{
	struct udf_ext *u = (struct udf_ext *)ext;
	return u->bridge != NULL ? bridge_start(img, u->bridge, bytes) : IMG_OK;
}

static int ext_read(struct img_image_ext *ext, struct img_image *img, void *buf, size_t len,
		    size_t *got)
{
	struct udf_ext *u = (struct udf_ext *)ext;
	return u->bridge != NULL ? bridge_read(img, u->bridge, buf, len, got)
				 : img_image_stream_read(img, buf, len, got);
}

static void ext_free(struct img_image_ext *ext)
{
	struct udf_ext *u = (struct udf_ext *)ext;
	plan_free(u->plan);
	bridge_free(u->bridge);
	free(u);
}

/* The image's UDF extension, attached now if create and there is none; NULL when another
 * extension is attached (IMG_EINVAL on the image) or memory ran out. */
static struct udf_ext *udf_ext_of(struct img_image *img, bool create)
{
	struct img_image_ext *e = img_image_get_ext(img);
	if (e != NULL) {
		if (e->free == ext_free)
			return (struct udf_ext *)e;
		img_error_set(img_image_err(img), IMG_EINVAL,
			      "UDF: the image has another extension");
		return NULL;
	}
	if (!create)
		return NULL;
	struct udf_ext *u = calloc(1, sizeof(*u));
	if (u == NULL) {
		img_error_set(img_image_err(img), IMG_ENOMEM, "UDF");
		return NULL;
	}
	u->ext = (struct img_image_ext){
		.extra_blocks = ext_extra_blocks,
		.tree_ready = ext_tree_ready,
		.start = ext_start,
		.read = ext_read,
		.free = ext_free,
	};
	if (img_image_attach_ext(img, &u->ext) != IMG_OK) {
		free(u);
		return NULL;
	}
	return u;
}

int img_image_plan_udf(struct img_image *img, unsigned revision,
		       const struct img_boot_config *boot)
{
	struct img_error *err = img_image_err(img);
	if (img_image_tree(img) != NULL || img_image_get_ext(img) != NULL)
		return img_error_set(err, IMG_EINVAL,
				     "UDF planned after the tree was added, or twice");
	struct udf_plan *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	bool active = boot != NULL && img_boot_config_active(boot);
	p->want.revision = revision;
	/* As img_image_add_udf will derive them from img_image_set_boot's outcome. */
	p->want.reserve_at_end = img_image_opts(img)->md5 ||
				 (active && boot->efi_boot_part_from_eltorito);
	char path[4096];
	if (active && img_boot_catalog_path(boot, path, sizeof(path)) &&
	    (p->want.catalog = strdup(path)) == NULL) {
		free(p);
		return img_error_set(err, IMG_ENOMEM, "UDF");
	}
	struct udf_ext *u = udf_ext_of(img, true);
	if (u == NULL) {
		plan_free(p);
		return img_image_error(img)->code;
	}
	u->plan = p;
	return IMG_OK;
}

/* Builds the planned UDF tree (img_image_add_tree's tree_ready): on the calling thread while
 * libisofs's tree is built on another, so that errors are kept in the plan for
 * img_image_add_udf, never set on the image. */
static void plan_build(struct img_image *img, struct udf_plan *p)
{
	/* On top of an imported tree the UDF tree is libisofs's, which is still being built:
	 * img_image_add_udf builds it once final (take_tree). */
	if (img_image_tree(img) == NULL || img_image_get_import(img) != NULL)
		return;
	/* img_image_set_boot replaces a tree file where the catalog goes, only a regular one
	 * (else it fails). */
	const char *cat = p->want.catalog;
	const struct img_tree_node *old =
		cat ? find_node(img_tree_root(img_image_tree(img)), cat) : NULL;
	if (old != NULL && S_ISREG(img_node_stat(old)->st_mode) &&
	    (p->want.replaced = strdup(cat)) == NULL) {
		p->rc = img_error_set(&p->err, IMG_ENOMEM, "UDF");
		return;
	}
	p->rc = build_tree(img, &p->want, &p->b, &p->err);
}

/* The UDF tree for img as it is now: the one img_image_add_tree built if the plan still holds,
 * else built now. */
static int take_tree(struct img_image *img, struct udf_ext *u, unsigned revision,
		     struct img_udf_bridge **out)
{
	/* With MD5s, libisofs's checksum array and session tag follow the last file's data.
	 * 7-Zip takes the end of the last file or descriptor sequence for the end of the volume
	 * and accepts only zeros and Anchors between there and the closing Anchor, else "Headers
	 * Error" (UdfIn.cpp, Open2): the reserve sequence at the end, after those blocks, moves
	 * that end past them.  An ESP inside the session may need zero blocks after the data
	 * (fit_stream_gpt): more than 7-Zip accepts there too (about 4 MiB were seen to fail),
	 * unless a descriptor sequence ends the volume. */
	const struct img_image_boot *boot = img_image_boot(img);
	struct udf_setup setup = {
		.revision = revision,
		.reserve_at_end = img_image_opts(img)->md5 || boot->esp_in_session,
		.catalog = (char *)boot->catalog_path,
		.replaced = (char *)boot->replaced_catalog,
	};
	int rc;
	struct udf_plan *p = u->plan;
	*out = NULL;
	if (p != NULL && (p->b != NULL || p->rc != IMG_OK) && same_setup(&p->want, &setup)) {
		/* Built by img_image_add_tree: take it, or its error. */
		rc = p->rc;
		if (rc != IMG_OK)
			*img_image_err(img) = p->err;
		*out = p->b;
		p->b = NULL;
	} else {
		rc = build_tree(img, &setup, out, img_image_err(img));
	}
	plan_free(p);
	u->plan = NULL;
	return rc;
}

/* Lays out the UDF metadata: its head from block 257 on, before libisofs's session at X. */
static int lay_out(struct img_image *img, struct img_udf_bridge *b)
{
	struct img_error *err = img_image_err(img);
	/* -partition_offset: libisofs also writes the partition's own descriptors at
	 * offset + 16 .. into the overwrite buffer. */
	b->ovw_blocks = IMG_ISOFS_OVERWRITE_BLOCKS + img_image_boot(img)->part_offset;
	b->overwrite = calloc(b->ovw_blocks, BLK);
	if (b->overwrite == NULL)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	int rc = add_catalog(img, b);
	uint32_t nblocks = 0;
	if (rc == IMG_OK && (rc = img_udf_layout(b->udf, IMG_UDF_FIRST_BLOCK, &nblocks)) != IMG_OK)
		rc = udf_fail(err, b, rc);
	if (rc != IMG_OK)
		return rc;
	uint32_t head = img_udf_head_blocks(b->udf);
	b->x = IMG_UDF_FIRST_BLOCK + head;
	b->content_blocks = nblocks - head;
	struct img_udf_stats st;
	img_udf_get_stats(b->udf, &st);
	img_image_note(img, IMG_NOTE_INFO, "UDF: %llu files, %llu directories, descriptors in "
		       "blocks 257..%u, %u blocks of metadata at the end",
		       (unsigned long long)st.files, (unsigned long long)st.dirs, b->x - 1,
		       b->content_blocks);
	/* OSTA CS0 holds 255 bytes: 127 characters beyond Latin-1 (UDF 2.1.1). */
	if (st.renamed)
		img_image_note(img, IMG_NOTE_WARN, "%llu name%s too long for UDF: kept there "
			       "under shortened unique names", (unsigned long long)st.renamed,
			       st.renamed == 1 ? "" : "s");
	return IMG_OK;
}

/* Asks libisofs for its session from block X on, with zero blocks at its end for the UDF
 * content and closing Anchor (or adds them itself: own_tail). */
static int place_session(struct img_image *img, struct img_udf_bridge *b, unsigned revision)
{
	/* libisofs's session from block X: every address it writes is then absolute (directory
	 * records, El Torito catalog and boot images, MBR and GPT entries). */
	IsoWriteOpts *w = img_image_write_opts(img);
	const struct img_image_boot *boot = img_image_boot(img);
	iso_write_opts_set_appendable(w, 0);
	int rc = img_image_set_session_start(img, b->x);
	if (rc != IMG_OK)
		return rc;
	iso_write_opts_set_overwrite_buf(w, b->overwrite);
	/* MD5s (--md5) stay as image.c set them: the superblock checksum tag that libisofs
	 * writes where the VRS must go is moved in bridge_start (udf_md5.c). */
	/* Zero blocks at the end of the session for the UDF content, and for the closing
	 * anchor (UDF 2.2.3: N-1, or N-257 when a backup GPT may take the last blocks: boot
	 * media), with --md5 the reserve sequence before it; libisofs writes them after its
	 * session tag.  2.50's metadata file starts on its alignment unit: up to 31 blocks
	 * more. */
	uint64_t tail64 = (uint64_t)(boot->set ? GPT_TAIL_BLOCKS : 1) + img_udf_end_blocks(b->udf)
			  - 1 + b->content_blocks + (revision >= IMG_UDF_REV_250 ? 31 : 0);
	if (tail64 > UINT32_MAX / 2)
		return img_error_set(img_image_err(img), IMG_ETOOBIG,
				     "UDF: %llu blocks of metadata", (unsigned long long)tail64);
	uint32_t tail = (uint32_t)tail64;
	/* Without boot records and MD5s nothing libisofs writes depends on those zero blocks but
	 * the volume space size in its volume descriptors: we add them after its session and
	 * patch that size (patch_volume_size), the image staying the same byte for byte, rather
	 * than have its writer thread hand 200 MB of zeros (100,000 files) block by block through
	 * its ring to be replaced.  Boot records (MBR and GPT sizes, the backup GPT after the
	 * tail) and MD5 tags (over the descriptors) need libisofs to know them. */
	bool own = !boot->set && !img_image_opts(img)->md5;
	iso_write_opts_set_tail_blocks(w, own ? 0 : tail);
	b->own_tail = own ? tail : 0;
	if (boot->esp_in_session)
		return fit_stream_gpt(img, b, tail);
	return IMG_OK;
}

static int watch_old_extents(struct img_image *img, struct img_udf_bridge *b);

int img_image_add_udf(struct img_image *img, unsigned revision)
{
	struct img_error *err = img_image_err(img);
	struct udf_ext *u = udf_ext_of(img, true);
	if (u == NULL)
		return img_image_error(img)->code;
	if (u->bridge != NULL)
		return img_error_set(err, IMG_EINVAL, "UDF view already added");
	if (img_image_tree(img) == NULL)
		return img_error_set(err, IMG_EINVAL, "UDF: no tree in the image");
	/* The overwrite buffer and the partition's descriptors must stay below the Anchor. */
	unsigned part_offset = img_image_boot(img)->part_offset;
	if (part_offset > ANCHOR_FIRST - IMG_ISOFS_OVERWRITE_BLOCKS)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "UDF with -partition_offset %u (at most %u)", part_offset,
				     ANCHOR_FIRST - IMG_ISOFS_OVERWRITE_BLOCKS);
	/* libisofs puts the HFS+ volume header and catalog after its volume descriptors and
	 * lists them in an APM, all relative to where its session starts: with our UDF blocks
	 * before that session (iso_write_opts_set_ms_block) libisofs 1.5.4 has no way to put
	 * HFS+ where a Mac would find it, nor does the data layout isofs_layout.c knows hold. */
	if (img_image_boot(img)->hfsplus)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "UDF with -hfsplus: libisofs places HFS+ relative to its own "
				     "session, which the UDF bridge moves; choose one of them");
	/* UDF-only proves each file's place by the order libisofs reads it (prove_order; the
	 * imported files by their watched first blocks, watch_old_extents; boot images by the
	 * El Torito catalog, prove_boot_images): not (yet) zisofs data, which the UDF view
	 * would show compressed. */
	const struct img_image_opts *o = img_image_opts(img);
	if (o->udf_only && (o->zisofs_all || o->n_zisofs_only > 0 || o->zisofs_magic))
		return img_error_set(err, IMG_EUNSUPPORTED, "--udf-only with zisofs: not yet");
	struct img_udf_bridge *b = NULL;
	int rc = take_tree(img, u, revision, &b);
	if (rc == IMG_OK)
		rc = lay_out(img, b);
	if (rc == IMG_OK)
		rc = place_session(img, b, revision);
	if (rc == IMG_OK)
		rc = watch_old_extents(img, b);
	if (rc != IMG_OK) {
		bridge_free(b);
		return rc;
	}
	u->bridge = b;
	return IMG_OK;
}

static int cmp_block(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* UDF-only remastering: libisofs reads an old file's data through import.c's data source,
 * not through a stream of ours, from the file's first block on.  The reads of those first
 * blocks while the image is written take their numbers from the open counter of our streams
 * (img_import_watch_blocks), so that prove_order checks old and new files alike.  Two old
 * files starting at one block could not be told apart: refused. */
static int watch_old_extents(struct img_image *img, struct img_udf_bridge *b)
{
	struct img_import *imp = img_image_get_import(img);
	if (!b->udf_only || imp == NULL)
		return IMG_OK;
	struct img_error *err = img_image_err(img);
	uint32_t *v = malloc((b->ncontents ? b->ncontents : 1) * sizeof(*v));
	if (v == NULL)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	size_t n = 0;
	for (size_t i = 0; i < b->ncontents; i++)
		if (b->contents[i].imported && b->contents[i].written && b->contents[i].size > 0)
			v[n++] = b->contents[i].old_block;
	qsort(v, n, sizeof(*v), cmp_block);
	int rc = IMG_OK;
	for (size_t i = 1; i < n && rc == IMG_OK; i++)
		if (v[i] == v[i - 1])
			rc = img_error_set(err, IMG_EUNSUPPORTED, "--udf-only: two files of the old "
					   "image of different sizes start at block %u", v[i]);
	if (rc == IMG_OK && img_import_watch_blocks(imp, v, n) != IMG_OK)
		rc = img_error_set(err, IMG_ENOMEM, "UDF");
	free(v);
	return rc;
}

/* ---- learning the extents ---- */

/* Places the contents by weight, heaviest first, one after the other from the first content
 * block of libisofs's data area; the one libisofs moves before it goes there (isofs_layout.h). */
static uint64_t place_contents(struct img_udf_bridge *b, size_t moved)
{
	uint64_t next = b->layout.first_content;
	for (size_t i = 0; i < b->ncontents; i++) {
		struct content *c = &b->contents[i];
		if (!c->written || c->size == 0)
			continue;
		if (i == moved) {
			c->lba = b->layout.moved_lba;
			continue;
		}
		c->lba = next;
		next += img_isofs_blocks(c->size);
	}
	return next;
}

/* True when every listed content is at its place among the extents found.  Contents lie in
 * index order (place_contents), but for the moved one: one walk along each run. */
static bool contents_found(const struct img_udf_bridge *b, size_t moved)
{
	struct img_isoscan_walk walk;
	img_isoscan_walk_start(b->scan, &walk);
	for (size_t i = 0; i < b->ncontents; i++) {
		const struct content *c = &b->contents[i];
		if (!c->listed || c->size == 0)
			continue;
		bool seen = i == moved ? img_isoscan_has(b->scan, c->lba, c->size)
				       : img_isoscan_walk_has(b->scan, &walk, c->lba, c->size);
		if (!seen)
			return false;
	}
	return true;
}

/* UDF-only: the ISO tree's one file lies right after the contents. */
static bool readme_found(const struct img_udf_bridge *b)
{
	return img_isoscan_has(b->scan, b->readme_lba, sizeof(IMG_UDF_ONLY_TEXT) - 1);
}

/* Records in order[i] the latest open (img_stream_open_order) of content i's streams, over
 * libisofs's tree below dir (hard links: several nodes, one written). */
static void open_orders(const struct img_udf_bridge *b, struct img_import *imp, IsoDir *dir,
			uint64_t *order, bool *reread)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return;
	IsoNode *k;
	while (iso_dir_iter_next(it, &k) == 1) {
		if (iso_node_get_type(k) == LIBISO_DIR) {
			open_orders(b, imp, (IsoDir *)k, order, reread);
			continue;
		}
		if (iso_node_get_type(k) != LIBISO_FILE)
			continue;
		int w = iso_file_get_sort_weight((IsoFile *)k);
		if (w < 1 || w > b->max_weight)
			continue;
		uint64_t o = img_stream_open_order(iso_file_get_stream((IsoFile *)k));
		size_t i = (size_t)(b->max_weight - w);
		/* An old file's data: read through import.c's data source, whose first read of
		 * the file's first block took its number from the same counter. */
		unsigned reads = 0;
		if (o == 0 && b->contents[i].imported && imp != NULL) {
			o = img_import_block_order(imp, b->contents[i].old_block, &reads);
			if (reads > 1)
				reread[i] = true;
		}
		if (o > order[i])
			order[i] = o;
	}
	iso_dir_iter_free(it);
}

/* UDF-only with El Torito: the boot images' places, proven by the catalog libisofs wrote
 * (captured as it passed, bridge_read), not by the order of opens: libisofs reads an image
 * whose boot info table or GRUB2 boot info it patches while laying the session out, and
 * writes the patched copy from memory (eltorito.c iso_patch_eltoritos), never opening the
 * file again; and the EFI image that is the GPT's ESP goes before the other data.  Each
 * entry's load address must be the block place_contents gave its file, whose extent the
 * UDF view then names: exactly the bytes libisofs wrote there, patched tables included.
 * proven[i] is set for each content so proven. */
static int prove_boot_images(struct img_image *img, struct img_udf_bridge *b, bool *proven)
{
	struct img_error *err = img_image_err(img);
	if (b->cat_lba == 0)
		return IMG_OK;
	if (b->catalog_got != BLK)
		return img_error_set(err, IMG_EISOFS,
				     "UDF: the boot catalog at block %u did not pass before the "
				     "file data ended", b->cat_lba);
	int nboots = 0;
	ElToritoBootImage **boots = NULL;
	IsoFile **nodes = NULL;
	if (iso_image_get_all_boot_imgs(img_image_isofs(img), &nboots, &boots, &nodes, 0) != 1 ||
	    nboots <= 0) {
		free(boots);
		free(nodes);
		return img_error_set(err, IMG_EISOFS, "UDF: libisofs lists no El Torito image");
	}
	uint32_t *lbas = calloc((size_t)nboots, sizeof(*lbas));
	size_t found = 0;
	int rc = lbas == NULL ? img_error_set(err, IMG_ENOMEM, "UDF")
			      : img_udf_catalog_lbas(b->catalog_blk, b->cat_lba, lbas,
						     (size_t)nboots, &found, err);
	if (rc == IMG_OK && found != (size_t)nboots)
		rc = img_error_set(err, IMG_EISOFS,
				     "UDF: the boot catalog at block %u lists %zu images, libisofs "
				     "%d", b->cat_lba, found, nboots);
	for (int i = 0; rc == IMG_OK && i < nboots; i++) {
		/* An entry that boots an appended partition has no file. */
		if (nodes[i] == NULL)
			continue;
		int w = iso_file_get_sort_weight(nodes[i]);
		char *path = iso_tree_get_node_path((IsoNode *)nodes[i]);
		const char *name = path != NULL ? path : "?";
		if (w < 1 || w > b->max_weight) {
			rc = img_error_set(err, IMG_EISOFS,
					   "UDF: boot image %s has no weight of ours (%d)", name, w);
		} else {
			size_t k = (size_t)(b->max_weight - w);
			const struct content *c = &b->contents[k];
			if (c->written && c->size > 0 && c->lba != lbas[i])
				rc = img_error_set(err, IMG_EISOFS,
						   "UDF: boot image %s (%llu bytes) is at block %u "
						   "by the El Torito catalog, not at block %llu; "
						   "libisofs laid the data out otherwise", name,
						   (unsigned long long)c->size, lbas[i],
						   (unsigned long long)c->lba);
			else
				proven[k] = true;
		}
		free(path);
	}
	free(lbas);
	free(boots);
	free(nodes);
	return rc;
}

/* UDF-only, once every file's data has passed (the UDF content comes after it): libisofs's
 * writer opened the files in the order place_contents put them, each file's data right after
 * the previous one's.  No directory record names these extents; this proves them instead:
 * a file not opened, or opened out of order, fails the image. */
static int prove_order(struct img_image *img, struct img_udf_bridge *b)
{
	struct img_error *err = img_image_err(img);
	size_t n = b->ncontents ? b->ncontents : 1;
	uint64_t *order = calloc(n, sizeof(*order));
	bool *proven = calloc(n, sizeof(*proven));
	bool *reread = calloc(n, sizeof(*reread));
	if (order == NULL || proven == NULL || reread == NULL) {
		free(order);
		free(proven);
		free(reread);
		return img_error_set(err, IMG_ENOMEM, "UDF");
	}
	int rc = prove_boot_images(img, b, proven);
	open_orders(b, img_image_get_import(img), iso_image_get_root(img_image_isofs(img)), order,
		    reread);
	uint64_t last = 0;
	/* The other contents keep their order among themselves; with the boot images' blocks
	 * proven and every size known, that order leaves each content one place. */
	for (size_t i = 0; i < b->ncontents && rc == IMG_OK; i++) {
		const struct content *c = &b->contents[i];
		if (!c->written || c->size == 0 || proven[i])
			continue;
		/* An old file's first block read twice: one read may have been another file's
		 * (a hostile image's overlapping extents), so the number proves nothing. */
		if (reread[i])
			rc = img_error_set(err, IMG_EISOFS,
					   "UDF: the first block (%u) of old file %zu (of %zu) was read "
					   "more than once; its place cannot be proven",
					   c->old_block, i + 1, b->ncontents);
		else if (order[i] <= last)
			rc = img_error_set(err, IMG_EISOFS,
					   "UDF: the data of file %zu (of %zu, %llu bytes at block "
					   "%llu) was %s; libisofs laid the data out otherwise",
					   i + 1, b->ncontents, (unsigned long long)c->size,
					   (unsigned long long)c->lba,
					   order[i] == 0 ? "never read" : "read out of order");
		last = order[i];
	}
	free(order);
	free(proven);
	free(reread);
	if (rc == IMG_OK)
		b->order_proven = true;
	return rc;
}

/* Once the metadata has passed: places the contents where libisofs puts them, checks that
 * each listed one lies where the directory records say, and gives the extents to the UDF
 * tree. */
static int learn_extents(struct img_image *img, struct img_udf_bridge *b)
{
	struct img_error *err = img_image_err(img);
	int rc = img_isoscan_finish(b->scan, err);
	if (rc != IMG_OK)
		return rc;
	size_t moved = b->ncontents;
	if (b->layout.moved != NULL) {
		int w = iso_file_get_sort_weight(b->layout.moved);
		if (w < 1 || w > b->max_weight)
			return img_error_set(err, IMG_EISOFS,
					     "UDF: the EFI boot image has no weight of ours (%d)",
					     w);
		moved = (size_t)(b->max_weight - w);
	}
	b->readme_lba = place_contents(b, moved);
	/* UDF-only: the README (weight 0, image.c) follows every content: its record proves
	 * where they end; their order is proven later (prove_order). */
	if (b->udf_only && !readme_found(b))
		return img_error_set(err, IMG_EISOFS,
				     "UDF: the ISO9660 README is not at block %llu, after the file "
				     "data; libisofs laid it out otherwise",
				     (unsigned long long)b->readme_lba);
	if (!contents_found(b, moved))
		return img_error_set(err, IMG_EISOFS,
				     "UDF: the ISO9660 directory records show the file data in another "
				     "order than expected; libisofs laid it out otherwise");
	/* UDF-only: no directory record lists the catalog; the boot record's must be at the
	 * block isofs_layout.c expects it, which nothing else can hold. */
	if (b->udf_only && b->cat_lba != 0 && b->cat_lba != b->layout.catalog)
		return img_error_set(err, IMG_EISOFS,
				     "UDF: the boot record names the catalog at block %u, not at "
				     "block %u; libisofs laid it out otherwise", b->cat_lba,
				     b->layout.catalog);
	/* The boot record's catalog is the one the directory records list. */
	if (b->cat_file != UINT32_MAX && !b->udf_only &&
	    !img_isoscan_has(b->scan, b->cat_lba, IMG_ISOFS_CATALOG_BLOCKS * BLK))
		return img_error_set(err, IMG_EISOFS,
				     "UDF: no directory record for the boot catalog at block %u",
				     b->cat_lba);
	img_isoscan_free(b->scan);
	b->scan = NULL;
	if (b->cat_file != UINT32_MAX &&
	    (rc = img_udf_add_extent(b->udf, b->cat_file, b->cat_lba,
				     IMG_ISOFS_CATALOG_BLOCKS * BLK)) != IMG_OK)
		return udf_fail(err, b, rc);
	for (size_t i = 0; i < b->ncontents; i++) {
		struct content *c = &b->contents[i];
		if (c->udf_file == UINT32_MAX || c->size == 0)
			continue;
		if (!c->written)
			return img_error_set(err, IMG_EINVAL, "UDF: file without data");
		if ((rc = img_udf_add_extent(b->udf, c->udf_file, c->lba, c->size)) != IMG_OK)
			return udf_fail(err, b, rc);
	}
	if ((rc = img_udf_check_extents(b->udf)) != IMG_OK)
		return udf_fail(err, b, rc);
	b->learnt = true;
	return IMG_OK;
}

/* ---- producing the image ---- */

/* The 200 MB of tail that 100,000 File Entries replace pass through here: a byte loop took
 * 0.1-0.2 s of them, memcmp against the zeros already seen runs at memory speed. */
static bool is_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zeros[64];
	size_t head = n < sizeof(zeros) ? n : sizeof(zeros);
	if (memcmp(p, zeros, head) != 0)
		return false;
	/* p[0..k) is zero, so p[k..2k) equals it when zero: double k each time */
	for (size_t k = head; k < n;) {
		size_t step = n - k < k ? n - k : k;
		if (memcmp(p, p + k, step) != 0)
			return false;
		k += step;
	}
	return true;
}

/* The catalog's block: from the El Torito Boot Record among the volume descriptors 16..term
 * of the overwrite buffer (ECMA-119 8.2; El Torito 1.0 section 2.0: the boot system id, then
 * the catalog's absolute LBA, little-endian, at byte 71).  With -partition_offset, the
 * partition's own descriptor set further on counts from the partition: not read. */
static int catalog_block(struct img_image *img, struct img_udf_bridge *b, uint32_t term)
{
	struct img_error *err = img_image_err(img);
	static const char id[] = "EL TORITO SPECIFICATION";
	for (uint32_t blk = 16; blk < term; blk++) {
		const uint8_t *vd = b->overwrite + blk * BLK;
		if (vd[0] != 0 || memcmp(vd + 1, "CD001", 5) != 0 ||
		    memcmp(vd + 7, id, sizeof(id) - 1) != 0)
			continue;
		b->cat_lba = img_le32(vd + 71);
		if (b->cat_lba < b->data_start || (uint64_t)b->cat_lba >= b->total / BLK)
			return img_error_set(err, IMG_EISOFS,
					     "UDF: boot catalog at block %u, outside the data",
					     b->cat_lba);
		return IMG_OK;
	}
	return img_error_set(err, IMG_EISOFS, "UDF: no El Torito boot record in blocks 16..%u",
			     term);
}

/* ECMA-119 7.3.3: both-byte-order 32-bit field. */
static void put_both32(uint8_t out[8], uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(v >> (8 * i));
		out[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

/* With our own tail: the volume space size (ECMA-119 8.4.8, at byte 80 of a primary or
 * supplementary descriptor) of volume descriptor vd_blk grows by the tail, as if libisofs had
 * written it.  The descriptor lies at vd_blk in the overwrite buffer (its size counts from
 * block 0) and at X+vd_blk in the stream (the session's own, counting from X); field is the
 * image offset of the copy to patch, whose bytes buf holds from image offset lo on (n of them:
 * any part of the field). */
static int patch_volume_size(struct img_image *img, const struct img_udf_bridge *b,
			     uint32_t vd_blk, uint64_t field, uint8_t *buf, uint64_t lo, size_t n)
{
	const uint8_t *vd = b->overwrite + vd_blk * BLK;
	if (memcmp(vd + 1, "CD001", 5) != 0 || (vd[0] != 1 && vd[0] != 2))
		return IMG_OK;
	uint32_t from = field < (uint64_t)b->x * BLK ? 0 : b->x;
	uint8_t was[8], now[8];
	put_both32(was, (uint32_t)(b->stream_end / BLK) - from);
	put_both32(now, (uint32_t)(b->total / BLK) - from);
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t p = field + 80 + i;
		if (p < lo || p >= lo + n)
			continue;
		if (buf[p - lo] != was[i])
			return img_error_set(img_image_err(img), IMG_EISOFS,
					     "UDF: volume space size at block %llu is not the "
					     "session's end (%llu)", (unsigned long long)(field / BLK),
					     (unsigned long long)(b->stream_end / BLK - from));
		buf[p - lo] = now[i];
	}
	return IMG_OK;
}

static int bridge_start(struct img_image *img, struct img_udf_bridge *b, uint64_t *bytes)
{
	struct img_error *err = img_image_err(img);
	uint64_t stream = *bytes;
	if (img_image_data_layout(img, &b->layout) != IMG_OK)
		return img_image_error(img)->code;
	b->data_start = b->layout.data_start;
	if (b->data_start < b->x + 17)
		return img_error_set(err, IMG_EISOFS, "UDF: no data start from libisofs");
	b->stream_end = (uint64_t)b->x * BLK + stream;
	b->total = b->stream_end + (uint64_t)b->own_tail * BLK;
	b->pos = 0;

	/* The VRS goes right after the ISO descriptor set terminator (ECMA-167 2/8.3). */
	uint32_t term = 0;
	for (uint32_t blk = 16; blk < b->ovw_blocks && term == 0; blk++) {
		const uint8_t *vd = b->overwrite + blk * BLK;
		if (memcmp(vd + 1, "CD001", 5) == 0 && vd[0] == 255)
			term = blk;
	}
	if (term == 0)
		return img_error_set(err, IMG_EISOFS,
				     "UDF: no ISO descriptor set terminator in blocks 16..%u",
				     b->ovw_blocks - 1);
	b->vd_term = term;
	int rc;
	if (b->own_tail) {
		for (uint32_t blk = 16; blk < term; blk++)
			if ((rc = patch_volume_size(img, b, blk, (uint64_t)blk * BLK,
						    b->overwrite + blk * BLK, blk * BLK, BLK)) != IMG_OK)
				return rc;
	}
	/* With --md5, libisofs's superblock checksum tag moves behind the VRS (udf_md5.c). */
	uint8_t vrs[3 * IMG_UDF_BLOCK];
	img_udf_vrs(b->udf, vrs);
	rc = img_udf_place_vrs(b->overwrite, b->ovw_blocks, term, vrs, 3, NULL, err);
	if (rc != IMG_OK)
		return rc;
	b->gpt = memcmp(b->overwrite + 512, "EFI PART", 8) == 0;
	bool catalog = b->cat_file != UINT32_MAX ||
		       (b->udf_only && img_image_boot(img)->catalog_path != NULL);
	if (catalog && (rc = catalog_block(img, b, term)) != IMG_OK)
		return rc;

	/* The extents are learnt from the directory records as they pass (udf_isoscan.c), from
	 * libisofs's first volume descriptor on; room for the files of the ISO9660 and the
	 * Joliet tree at once. */
	img_isoscan_free(b->scan);
	if (img_isoscan_new(b->x, b->data_start, 2 * b->nweights + 16, &b->scan) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "UDF");

	/* The closing anchor: in the zero tail asked for in img_image_add_udf. */
	uint64_t n = b->total / BLK;
	b->anchor_end = (uint32_t)(n - 1 - (b->gpt ? GPT_TAIL_BLOCKS - 1 : 0));
	/* The content right before those end blocks, in the zero tail too. */
	b->end_first = b->anchor_end - (img_udf_end_blocks(b->udf) - 1);
	if ((rc = img_udf_place_content(b->udf, b->end_first, &b->content_lba)) != IMG_OK)
		return udf_fail(err, b, rc);
	if ((rc = img_udf_set_anchor(b->udf, b->anchor_end)) != IMG_OK)
		return udf_fail(err, b, rc);
	img_udf_anchor(b->udf, ANCHOR_FIRST, b->anchor_block);
	b->end_blocks = malloc((size_t)img_udf_end_blocks(b->udf) * IMG_BLOCK_SIZE);
	if (b->end_blocks == NULL)
		return img_error_set(err, IMG_ENOMEM, "UDF");
	if ((rc = img_udf_end(b->udf, b->end_blocks)) != IMG_OK)
		return udf_fail(err, b, rc);
	/* The UDF metadata is encoded as bridge_read reaches it. */
	img_udf_encoder_free(b->meta);
	b->meta = NULL;
	if ((rc = img_udf_encoder_new(b->udf, &b->meta)) != IMG_OK)
		return udf_fail(err, b, rc);
	*bytes = b->total;
	return IMG_OK;
}

/* The next bytes of the UDF metadata, exactly n of them (whole blocks). */
static int meta_bytes(struct img_image *img, struct img_udf_bridge *b, uint8_t *out, size_t n,
		      size_t *got)
{
	struct img_error *err = img_image_err(img);
	size_t done = 0;
	while (done < n) {
		size_t k;
		int rc = img_udf_encoder_read(b->meta, out + done, n - done, &k);
		if (rc != IMG_OK)
			return udf_fail(err, b, rc);
		if (k == 0)
			return img_error_set(err, IMG_EINVAL, "UDF: metadata size");
		done += k;
	}
	*got = n;
	return IMG_OK;
}

/* Bytes of blocks 0 .. x-1: from memory, the UDF descriptors from the encoder. */
static int head_bytes(struct img_image *img, struct img_udf_bridge *b, uint8_t *out, size_t len,
		      size_t *got)
{
	uint64_t pos = b->pos;
	const uint64_t ovw_end = b->ovw_blocks * BLK, anchor = ANCHOR_FIRST * BLK;
	const uint64_t meta = IMG_UDF_FIRST_BLOCK * BLK, session = (uint64_t)b->x * BLK;
	const uint8_t *src = NULL;
	uint64_t end;
	if (pos < ovw_end) {
		src = b->overwrite + pos;
		end = ovw_end;
	} else if (pos < anchor) {
		end = anchor;
	} else if (pos < meta) {
		src = b->anchor_block + (pos - anchor);
		end = meta;
	} else {
		size_t n = (uint64_t)len < session - pos ? len : (size_t)(session - pos);
		return meta_bytes(img, b, out, n, got);
	}
	size_t n = (uint64_t)len < end - pos ? len : (size_t)(end - pos);
	if (src)
		memcpy(out, src, n);
	else
		memset(out, 0, n);
	*got = n;
	return IMG_OK;
}

static int bridge_read(struct img_image *img, struct img_udf_bridge *b, void *buf, size_t len,
		       size_t *got)
{
	struct img_error *err = img_image_err(img);
	*got = 0;
	if (b->pos >= b->total || len == 0)
		return IMG_OK;
	const uint64_t head = (uint64_t)b->x * BLK;
	if (b->pos < head) {
		size_t n;
		int rc = head_bytes(img, b, buf, len, &n);
		if (rc != IMG_OK)
			return rc;
		b->pos += n;
		*got = n;
		return IMG_OK;
	}
	size_t n;
	int rc;
	uint64_t lo = b->pos;
	const uint64_t c = (uint64_t)b->content_lba * BLK, ce = c + (uint64_t)b->content_blocks * BLK;
	/* Our own zero tail (own_tail) after libisofs's stream: zeros where nothing of the UDF
	 * volume goes (for most pieces, inside the content, nothing at all). */
	bool ours = lo >= b->stream_end;
	if (ours) {
		n = (uint64_t)len < b->total - lo ? len : (size_t)(b->total - lo);
		if (lo < c || lo + n > ce)
			memset(buf, 0, n);
	} else {
		size_t want = (uint64_t)len < b->stream_end - lo ? len : (size_t)(b->stream_end - lo);
		if ((rc = img_image_stream_read(img, buf, want, &n)) != IMG_OK)
			return rc;
	}
	uint64_t hi = lo + n;
	/* UDF-only: the catalog's bytes, for prove_boot_images. */
	const uint64_t cat = (uint64_t)b->cat_lba * BLK;
	if (b->udf_only && b->cat_lba != 0 && !ours && lo < cat + BLK && cat < hi) {
		uint64_t from = lo > cat ? lo : cat, to = hi < cat + BLK ? hi : cat + BLK;
		memcpy(b->catalog_blk + (from - cat), (const uint8_t *)buf + (from - lo),
		       (size_t)(to - from));
		b->catalog_got += (uint32_t)(to - from);
	}
	if (!b->learnt) {
		rc = img_isoscan_feed(b->scan, buf, lo, n, err);
		if (rc == IMG_OK && hi >= (uint64_t)b->data_start * BLK)
			rc = learn_extents(img, b);
		if (rc != IMG_OK)
			return rc;
	}
	/* The session's volume descriptors, X+16 on, with our own tail. */
	const uint64_t vd_lo = ((uint64_t)b->x + 16) * BLK, vd_hi = ((uint64_t)b->x + b->vd_term) * BLK;
	for (uint32_t blk = 16; b->own_tail && lo < vd_hi && vd_lo < hi && blk < b->vd_term; blk++)
		if ((rc = patch_volume_size(img, b, blk, ((uint64_t)b->x + blk) * BLK, buf, lo,
					    n)) != IMG_OK)
			return rc;
	/* The UDF content replaces blocks of the zero tail as they pass. */
	if (lo < ce && c < hi && b->udf_only && !b->order_proven &&
	    (rc = prove_order(img, b)) != IMG_OK)
		return rc;
	if (lo < ce && c < hi) {
		uint64_t from = lo > c ? lo : c, to = hi < ce ? hi : ce;
		uint8_t *dst = (uint8_t *)buf + (from - lo);
		if (!ours && !is_zero(dst, (size_t)(to - from)))
			return img_error_set(err, IMG_EISOFS,
					     "UDF: blocks %u-%u, meant for the UDF metadata, hold data",
					     b->content_lba, b->content_lba + b->content_blocks - 1);
		size_t k;
		if ((rc = meta_bytes(img, b, dst, (size_t)(to - from), &k)) != IMG_OK)
			return rc;
	}
	/* So do the closing anchor and the reserve sequence, if at the end. */
	uint64_t a = (uint64_t)b->end_first * BLK, e = ((uint64_t)b->anchor_end + 1) * BLK;
	if (lo < e && a < hi) {
		uint64_t from = lo > a ? lo : a, to = hi < e ? hi : e;
		uint8_t *dst = (uint8_t *)buf + (from - lo);
		if (!ours && !is_zero(dst, (size_t)(to - from)))
			return img_error_set(err, IMG_EISOFS,
					     "UDF: blocks %u-%u, meant for the end of the UDF volume, "
					     "hold data", b->end_first, b->anchor_end);
		memcpy(dst, b->end_blocks + (from - a), (size_t)(to - from));
	}
	b->pos += n;
	*got = n;
	return IMG_OK;
}
