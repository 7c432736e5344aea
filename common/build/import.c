/* Importing an old ISO 9660 image's session into the image being built (libisofs's
 * iso_image_import over a data source of our own), and removing entries from it. */
#include "common/build/import.h"
#include "common/build/image_ext.h"
#include "common/build/isofs_ino.h"
#include "common/build/stream.h"
#include "common/base/grow.h"
#include "common/build/import_charset.h"
#include "common/build/import_joliet.h"
#include "common/inspect/source.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The old image as libisofs reads it: our source (bounds-checked reads at absolute offsets)
 * and the first read error, which libisofs reports only as a code. */
struct old_source {
	struct img_source *src;
	char name[512];          /* the old image as the user named it */
	pthread_mutex_t lock;    /* libisofs reads file data on its writer thread */
	char why[768];           /* first read failure: what and at which byte */
	/* libisofs asks for one block at a time; file data comes in runs of blocks, so a
	 * window of the blocks after the one asked for saves a system call per block (the
	 * 100,000-file remaster made 308,000 2 KiB reads without it). */
	uint8_t *win;            /* OLD_WINDOW blocks, NULL until first used */
	uint32_t win_lba, win_n; /* what the window holds */
	/* img_import_watch_blocks: blocks (ascending), the order of their latest read and
	 * how many reads there were. */
	uint32_t *watch;
	uint64_t *watch_order;
	unsigned *watch_reads;
	size_t nwatch;
};

#define OLD_WINDOW 32u

struct img_import {
	struct img_import_info info;
	struct old_source *old;  /* owned by libisofs's data source once the import ran */
	IsoDataSource *ds;       /* our reference */
	bool done;               /* the import succeeded: info is valid */
};

static int old_open(IsoDataSource *ds)
{
	(void)ds;
	return ISO_SUCCESS; /* opened by img_image_import already */
}

static int old_close(IsoDataSource *ds)
{
	(void)ds;
	return ISO_SUCCESS;
}

/* Fills the window from block lba on: as many blocks as the source has, up to OLD_WINDOW.
 * Called with the lock held; false leaves the window empty (the caller reads the one block,
 * which gives the error its own offset). */
static bool old_fill_window(struct old_source *o, uint32_t lba)
{
	o->win_n = 0;
	if (o->win == NULL && (o->win = malloc(OLD_WINDOW * IMG_BLOCK_SIZE)) == NULL)
		return false;
	uint64_t off = (uint64_t)lba * IMG_BLOCK_SIZE, size = img_source_size(o->src);
	if (off >= size)
		return false;
	uint64_t n = (size - off) / IMG_BLOCK_SIZE;
	if (n > OLD_WINDOW)
		n = OLD_WINDOW;
	struct img_error e;
	if (n < 2 || img_source_read(o->src, off, o->win, (size_t)n * IMG_BLOCK_SIZE, "blocks",
				     &e) != IMG_OK)
		return false;
	o->win_lba = lba;
	o->win_n = (uint32_t)n;
	return true;
}

/* Index of lba in o->watch, or o->nwatch.  Called with the lock held. */
static size_t watch_index(const struct old_source *o, uint32_t lba)
{
	size_t lo = 0, hi = o->nwatch;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->watch[mid] < lba)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nwatch && o->watch[lo] == lba ? lo : o->nwatch;
}

static int old_read_block(IsoDataSource *ds, uint32_t lba, uint8_t *buf)
{
	struct old_source *o = ds->data;
	struct img_error e;
	pthread_mutex_lock(&o->lock);
	size_t w = o->nwatch ? watch_index(o, lba) : 0;
	if (w < o->nwatch) {
		o->watch_order[w] = img_stream_take_order();
		if (o->watch_reads[w] < UINT_MAX)
			o->watch_reads[w]++;
	}
	if ((o->win_n > 0 && lba >= o->win_lba && lba - o->win_lba < o->win_n) ||
	    old_fill_window(o, lba)) {
		memcpy(buf, o->win + (size_t)(lba - o->win_lba) * IMG_BLOCK_SIZE, IMG_BLOCK_SIZE);
		pthread_mutex_unlock(&o->lock);
		return ISO_SUCCESS;
	}
	int rc = img_source_read(o->src, (uint64_t)lba * IMG_BLOCK_SIZE, buf, IMG_BLOCK_SIZE,
				 "block", &e);
	if (rc != IMG_OK && o->why[0] == '\0')
		snprintf(o->why, sizeof(o->why), "%.700s (block %u)", e.detail, (unsigned)lba);
	pthread_mutex_unlock(&o->lock);
	return rc == IMG_OK ? ISO_SUCCESS : ISO_DATA_SOURCE_FAILURE;
}

static void old_free(IsoDataSource *ds)
{
	struct old_source *o = ds->data;
	img_source_close(o->src);
	pthread_mutex_destroy(&o->lock);
	free(o->win);
	free(o->watch);
	free(o->watch_order);
	free(o->watch_reads);
	free(o);
}

static const char *old_why(struct old_source *o, char *buf, size_t len)
{
	pthread_mutex_lock(&o->lock);
	snprintf(buf, len, "%s", o->why);
	pthread_mutex_unlock(&o->lock);
	return buf;
}

/* A file's data in the old image that libisofs did not import as a file (an entry of the old
 * Joliet tree only): a stream over our source, so that reading it fails the way other reads
 * of the old image do (the first failure kept for img_import_take_error). */
struct old_stream {
	IsoDataSource *ds;       /* a reference: the source lives while the stream does */
	uint32_t block;
	uint64_t size, pos;
};

/* fs_id of get_id: distinct from libisofs's own small numbers and from stream.c's "IMG1". */
#define OLD_STREAM_FS_ID 0x494d4732u /* "IMG2" */

static int old_stream_open(IsoStream *st)
{
	((struct old_stream *)st->data)->pos = 0;
	return ISO_SUCCESS;
}

static int old_stream_close(IsoStream *st)
{
	(void)st;
	return ISO_SUCCESS;
}

static off_t old_stream_size(IsoStream *st)
{
	return (off_t)((struct old_stream *)st->data)->size;
}

static int old_stream_read(IsoStream *st, void *buf, size_t count)
{
	struct old_stream *s = st->data;
	struct old_source *o = s->ds->data;
	uint64_t left = s->size - s->pos;
	if (count > left)
		count = (size_t)left;
	if (count > (1u << 20))
		count = 1u << 20;
	if (count == 0)
		return 0;
	struct img_error e;
	uint64_t off = (uint64_t)s->block * IMG_BLOCK_SIZE + s->pos;
	pthread_mutex_lock(&o->lock);
	int rc = img_source_read(o->src, off, buf, count, "Joliet-only file", &e);
	if (rc != IMG_OK && o->why[0] == '\0')
		snprintf(o->why, sizeof(o->why), "%.700s", e.detail);
	pthread_mutex_unlock(&o->lock);
	if (rc != IMG_OK)
		return ISO_FILE_READ_ERROR;
	s->pos += count;
	return (int)count;
}

static int old_stream_repeatable(IsoStream *st)
{
	(void)st;
	return 1;
}

static void old_stream_id(IsoStream *st, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
	const struct old_stream *s = st->data;
	/* one "file" per extent and size: two entries of one extent are one file, as in the
	 * old image; the size in the low bits keeps entries that only start alike apart */
	*fs_id = OLD_STREAM_FS_ID;
	*dev_id = 0;
	*ino_id = (ino_t)((uint64_t)s->block << 32 | (s->size & 0xffffffffu));
}

static void old_stream_free(IsoStream *st)
{
	struct old_stream *s = st->data;
	iso_data_source_unref(s->ds);
	free(s);
}

static IsoStreamIface old_stream_class = {
	.version = 0, .type = "user", .open = old_stream_open, .close = old_stream_close,
	.get_size = old_stream_size, .read = old_stream_read,
	.is_repeatable = old_stream_repeatable, .get_id = old_stream_id, .free = old_stream_free,
};

bool img_import_joliet_only_block(IsoFile *f, uint32_t *block)
{
	IsoStream *st = iso_file_get_stream(f);
	if (st == NULL || st->class != &old_stream_class)
		return false;
	*block = ((const struct old_stream *)st->data)->block;
	return true;
}

/* img_import_joliet_src's new_stream: arg is the data source. */
static int new_old_stream(void *arg, uint32_t block, uint64_t size, IsoStream **out)
{
	IsoDataSource *ds = arg;
	struct old_source *o = ds->data;
	if (size > img_source_size(o->src) ||
	    (uint64_t)block * IMG_BLOCK_SIZE > img_source_size(o->src) - size)
		return IMG_ECORRUPT; /* the Joliet walk checked it already */
	struct old_stream *s = calloc(1, sizeof(*s));
	IsoStream *st = calloc(1, sizeof(*st));
	if (s == NULL || st == NULL) {
		free(s);
		free(st);
		return IMG_ENOMEM;
	}
	iso_data_source_ref(ds);
	*s = (struct old_stream){ ds, block, size, 0 };
	*st = (IsoStream){ &old_stream_class, 1, s };
	*out = st;
	return IMG_OK;
}

/* "stdio:PATH" is PATH: the spelling of xorriso and libburn for a file or device that is
 * not driven as an optical drive. */
static const char *file_of(const char *path)
{
	return strncmp(path, "stdio:", 6) == 0 ? path + 6 : path;
}

/* The volume descriptor set must start at start + 16 with "CD001" (ECMA-119 8.1): anything
 * else gets a sentence of its own rather than libisofs's "wrong PVD". */
static int check_iso9660(struct old_source *o, uint32_t start, struct img_error *err)
{
	uint64_t at = ((uint64_t)start + 16) * IMG_BLOCK_SIZE;
	uint64_t size = img_source_size(o->src);
	if (size < at + IMG_BLOCK_SIZE)
		return img_error_set(err, IMG_ECORRUPT,
				     "%s: not an ISO 9660 image: %llu bytes, no volume descriptor "
				     "at byte %llu (block %llu)", o->name, (unsigned long long)size,
				     (unsigned long long)at, (unsigned long long)(at / IMG_BLOCK_SIZE));
	uint8_t vd[IMG_BLOCK_SIZE];
	struct img_error e;
	if (img_source_read(o->src, at, vd, sizeof(vd), "volume descriptor", &e) != IMG_OK)
		return img_error_set(err, e.code, "%s: %s", o->name, e.detail);
	if (memcmp(vd + 1, "CD001", 5) != 0) {
		/* ECMA-167 2/9.1: a UDF-only image has its Volume Recognition Sequence there. */
		bool udf = memcmp(vd + 1, "BEA01", 5) == 0;
		return img_error_set(err, IMG_ECORRUPT,
				     "%s: not an ISO 9660 image: no \"CD001\" at byte %llu (block "
				     "%llu)%s", o->name, (unsigned long long)at + 1,
				     (unsigned long long)(at / IMG_BLOCK_SIZE),
				     udf ? ": a UDF-only image (ISO 9660 needed)" : "");
	}
	if (vd[0] != 1)
		return img_error_set(err, IMG_ECORRUPT,
				     "%s: the volume descriptor at byte %llu is of type %u, not a "
				     "Primary Volume Descriptor (ECMA-119 8.4)", o->name,
				     (unsigned long long)at, vd[0]);
	return IMG_OK;
}

/* Whether libisofs's failure code ret says the old image is damaged or not what it should
 * be (rather than that libisofs or the system failed). */
static bool damage_code(int ret)
{
	static const int codes[] = {
		(int)ISO_WRONG_PVD, (int)ISO_WRONG_RR, (int)ISO_WRONG_ECMA119,
		(int)ISO_WRONG_EL_TORITO, (int)ISO_UNSUPPORTED_ECMA119, (int)ISO_UNSUPPORTED_RR,
		(int)ISO_UNSUPPORTED_SUSP, (int)ISO_UNSUPPORTED_VD, (int)ISO_UNSUPPORTED_EL_TORITO,
		(int)ISO_MD5_TAG_MISMATCH, (int)ISO_SB_TREE_CORRUPTED, (int)ISO_MD5_AREA_CORRUPTED,
		(int)ISO_NO_ROOT_DIR,
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (ret == codes[i])
			return true;
	return false;
}

/* libisofs's failure with the read error behind it, if any, naming the old image. */
static int import_failed(struct img_image *img, struct old_source *o, int ret,
			 const char *what)
{
	char why[768], label[1024];
	old_why(o, why, sizeof(why));
	snprintf(label, sizeof(label), "%.200s: %.60s%s%.700s", o->name, what, why[0] ? ": " : "", why);
	int rc = img_image_isofs_error(img, ret, label);
	if (why[0] != '\0')
		img_image_err(img)->code = IMG_EIO;
	else if (damage_code(ret))
		img_image_err(img)->code = IMG_ECORRUPT;
	else
		return rc;
	return img_image_err(img)->code;
}

/* Strips libisofs's checksum index ("isofs.cx") from the imported files below node, and its
 * array's address ("isofs.ca") from the root: they describe the old image's MD5 array, which
 * an image written without --md5 does not carry (with --md5 libisofs renews them itself). */
static void strip_md5_attrs(IsoNode *node, const char *name)
{
	char *names[1] = { (char *)name };
	size_t lens[1] = { 0 };
	char *values[1] = { NULL };
	iso_node_set_attrs(node, 1, names, lens, values, 2 | 4 | 8);
	if (iso_node_get_type(node) != LIBISO_DIR)
		return;
	IsoDirIter *it = NULL;
	if (iso_dir_get_children((IsoDir *)node, &it) < 0)
		return;
	IsoNode *kid;
	while (iso_dir_iter_next(it, &kid) == 1)
		if (iso_node_get_type(kid) == LIBISO_FILE || iso_node_get_type(kid) == LIBISO_DIR)
			strip_md5_attrs(kid, "isofs.cx");
	iso_dir_iter_free(it);
}

/* Whether any node below node carries an xattr or ACL of its own (not libisofs's "isofs."
 * bookkeeping). */
static bool has_user_attrs(IsoNode *node)
{
	size_t n = 0;
	char **names = NULL;
	size_t *lens = NULL;
	char **values = NULL;
	bool found = false;
	if (iso_node_get_attrs(node, &n, &names, &lens, &values, 1) == 1) {
		for (size_t i = 0; i < n && !found; i++)
			found = strncmp(names[i], "isofs.", 6) != 0;
		iso_node_get_attrs(node, &n, &names, &lens, &values, 1 << 15);
	}
	if (found || iso_node_get_type(node) != LIBISO_DIR)
		return found;
	IsoDirIter *it = NULL;
	if (iso_dir_get_children((IsoDir *)node, &it) < 0)
		return false;
	IsoNode *kid;
	while (!found && iso_dir_iter_next(it, &kid) == 1)
		found = has_user_attrs(kid);
	iso_dir_iter_free(it);
	return found;
}

/* Keeps the imported symlinks and device files out of the Joliet tree, which cannot hold them
 * (as image.c does with ours), instead of libisofs warning about each one. */
static void hide_from_joliet(IsoDir *dir)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return;
	IsoNode *kid;
	while (iso_dir_iter_next(it, &kid) == 1) {
		enum IsoNodeType t = iso_node_get_type(kid);
		if (t == LIBISO_DIR)
			hide_from_joliet((IsoDir *)kid);
		else if (t == LIBISO_SYMLINK || t == LIBISO_SPECIAL)
			iso_node_set_hidden(kid, iso_node_get_hidden(kid) | LIBISO_HIDE_ON_JOLIET);
	}
	iso_dir_iter_free(it);
}

/* The attribute options of o on node and everything below it, as image.c gives them to the
 * added files (img_image_node_owner_mode): -r's owners and modes, then -dir-mode on
 * directories, -file-mode on regular files, -uid, -gid. */
static void apply_attr_options(IsoNode *node, const struct img_image_opts *o, int depth)
{
	mode_t mode = iso_node_get_mode(node);
	mode_t perm = o->rationalize ? img_image_rational_mode(mode) : mode & 07777;
	if (S_ISDIR(mode) && o->have_dir_mode)
		perm = o->dir_mode;
	else if (S_ISREG(mode) && o->have_file_mode)
		perm = o->file_mode;
	iso_node_set_permissions(node, perm);
	if (o->rationalize || o->have_uid)
		iso_node_set_uid(node, o->have_uid ? o->uid : 0);
	if (o->rationalize || o->have_gid)
		iso_node_set_gid(node, o->have_gid ? o->gid : 0);
	/* libisofs's own trees are no deeper than its reader allows; this bounds recursion. */
	if (iso_node_get_type(node) != LIBISO_DIR || depth > 1024)
		return;
	IsoDirIter *it = NULL;
	if (iso_dir_get_children((IsoDir *)node, &it) < 0)
		return;
	IsoNode *kid;
	while (iso_dir_iter_next(it, &kid) == 1)
		apply_attr_options(kid, o, depth + 1);
	iso_dir_iter_free(it);
}

/* An imported file with data, and where its data lies in the old image. */
struct old_extent {
	IsoNode *node;
	uint32_t block;
	uint64_t size;
	size_t at;         /* path order, for a stable sort */
};

struct extents {
	struct old_extent *v;
	size_t n, cap;
};

static int collect_extents(IsoDir *dir, struct extents *x)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return IMG_ENOMEM;
	IsoNode *kid;
	int rc = IMG_OK;
	while (rc == IMG_OK && iso_dir_iter_next(it, &kid) == 1) {
		enum IsoNodeType t = iso_node_get_type(kid);
		if (t == LIBISO_DIR) {
			rc = collect_extents((IsoDir *)kid, x);
			continue;
		}
		if (t != LIBISO_FILE)
			continue;
		IsoFile *f = (IsoFile *)kid;
		int count = 0;
		struct iso_file_section *sec = NULL;
		off_t size = iso_file_get_size(f);
		if (size <= 0 || iso_file_get_old_image_sections(f, &count, &sec, 0) != 1 ||
		    count < 1) {
			free(sec);
			continue;
		}
		uint32_t block = sec[0].block;
		free(sec);
		if (img_grow((void **)&x->v, &x->cap, x->n, sizeof(*x->v), 256) != IMG_OK) {
			rc = IMG_ENOMEM;
			break;
		}
		x->v[x->n] = (struct old_extent){ kid, block, (uint64_t)size, x->n };
		x->n++;
	}
	iso_dir_iter_free(it);
	return rc;
}

static int cmp_extent(const void *a, const void *b)
{
	const struct old_extent *x = a, *y = b;
	if (x->block != y->block)
		return x->block < y->block ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Files of the old image that share their data (one extent) are hard links: genisoimage and
 * xorriso without --hardlinks record no PX inode numbers for them (RRIP 1.10, or 0), and
 * readers such as the Linux kernel and bsdtar know them by their extent.  libisofs gives each
 * imported file a number of its own then; one number per extent keeps them one file. */
static int link_shared_extents(IsoDir *root)
{
	struct extents x = {0};
	int rc = collect_extents(root, &x);
	if (rc == IMG_OK && x.n > 1) {
		qsort(x.v, x.n, sizeof(*x.v), cmp_extent);
		/* Numbers above any PX serial (32 bits) and libisofs's own counter: distinct
		 * from every other family's. */
		ino_t family = (ino_t)1 << 40;
		for (size_t i = 0; i < x.n && rc == IMG_OK;) {
			size_t end = i + 1;
			while (end < x.n && x.v[end].block == x.v[i].block &&
			       x.v[end].size == x.v[i].size)
				end++;
			for (size_t k = i; end - i > 1 && k < end && rc == IMG_OK; k++)
				if (!img_isofs_set_ino(x.v[k].node, family))
					rc = IMG_ENOMEM;
			family++;
			i = end;
		}
	}
	free(x.v);
	return rc;
}

/* ECMA-119 8.4.26.1: "YYYYMMDDhhmmsscc" and a signed offset from GMT in 15-minute steps
 * (-48..52), as libisofs hands the PVD's dates over.  false for all zeros (no date) or
 * anything malformed. */
static bool parse_voldate(const char *d, long long *out)
{
	if (d == NULL)
		return false;
	int v[6];
	static const int len[6] = { 4, 2, 2, 2, 2, 2 };
	const char *p = d;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < len[i]; k++, p++) {
			if (*p < '0' || *p > '9')
				return false;
			v[i] = v[i] * 10 + (*p - '0');
		}
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return false;
	signed char tz = (signed char)d[16];
	if (tz < -48 || tz > 52)
		tz = 0;
	/* Days from 1970-01-01 to the date (proleptic Gregorian; no timegm: it is not C11). */
	int y = v[0], m = v[1];
	if (m <= 2) {
		y--;
		m += 12;
	}
	long long days = 365LL * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + v[2] -
			 719469;
	*out = days * 86400 + v[3] * 3600 + v[4] * 60 + v[5] - (long long)tz * 15 * 60;
	return true;
}

/* Sets the volume ids the caller gave (non-NULL) over the imported ones. */
static void set_given_ids(IsoImage *iso, const struct img_image_opts *o)
{
	if (o->volid)
		iso_image_set_volume_id(iso, o->volid);
	if (o->volset)
		iso_image_set_volset_id(iso, o->volset);
	if (o->publisher)
		iso_image_set_publisher_id(iso, o->publisher);
	if (o->preparer)
		iso_image_set_data_preparer_id(iso, o->preparer);
	if (o->appid)
		iso_image_set_application_id(iso, o->appid);
	if (o->sysid)
		iso_image_set_system_id(iso, o->sysid);
	if (o->abstract)
		iso_image_set_abstract_file_id(iso, o->abstract);
	if (o->biblio)
		iso_image_set_biblio_file_id(iso, o->biblio);
	if (o->copyright)
		iso_image_set_copyright_file_id(iso, o->copyright);
}

static int read_opts(IsoReadOpts **out, uint32_t start)
{
	IsoReadOpts *ro = NULL;
	int ret = iso_read_opts_new(&ro, 0);
	if (ret < 0)
		return ret;
	int bad = 0;
	bad |= iso_read_opts_set_start_block(ro, start) < 0;
	/* Every view's names and attributes: Rock Ridge (names, modes, owners, times, links,
	 * device numbers), else Joliet, else ISO 9660:1999 names; AAIP (ACLs, xattrs). */
	bad |= iso_read_opts_set_no_rockridge(ro, 0) < 0;
	bad |= iso_read_opts_set_no_joliet(ro, 0) < 0;
	bad |= iso_read_opts_set_no_iso1999(ro, 0) < 0;
	bad |= iso_read_opts_set_no_aaip(ro, 0) < 0;
	/* The MD5 array where there is one, and a session whose MD5 tags do not match is
	 * refused: its tree is not what was written. */
	bad |= iso_read_opts_set_no_md5(ro, 0) < 0;
	/* PX inode numbers as the old image has them (hard links stay hard links). */
	bad |= iso_read_opts_set_new_inos(ro, 0) < 0;
	/* The first 32 KiB, for a boot replay to read (libisofs attaches them to the image). */
	bad |= iso_read_opts_load_system_area(ro, 1) < 0;
	if (bad) {
		iso_read_opts_free(ro);
		return ISO_ERROR;
	}
	*out = ro;
	return ISO_SUCCESS;
}

int img_image_import(struct img_image *img, const struct img_import_opts *o)
{
	struct img_error *err = img_image_err(img);
	size_t nw = 0;
	if (img_image_get_import(img) != NULL || img_image_file_weights(img, &nw) != NULL)
		return img_error_set(err, IMG_EINVAL, "%s: import: the image has a tree already",
				     o->path);
	struct img_import *imp = calloc(1, sizeof(*imp));
	struct old_source *old = calloc(1, sizeof(*old));
	IsoDataSource *ds = calloc(1, sizeof(*ds));
	if (imp == NULL || old == NULL || ds == NULL) {
		free(imp);
		free(old);
		free(ds);
		return img_error_set(err, IMG_ENOMEM, "import");
	}
	snprintf(old->name, sizeof(old->name), "%s", o->path);
	pthread_mutex_init(&old->lock, NULL);
	struct img_error e;
	int rc = img_source_open(file_of(o->path), NULL, &old->src, &e);
	if (rc != IMG_OK) {
		pthread_mutex_destroy(&old->lock);
		free(imp);
		free(old);
		free(ds);
		return img_error_set(err, rc, "%s", e.detail);
	}
	*ds = (IsoDataSource){ .version = 0, .refcount = 1, .open = old_open, .close = old_close,
			       .read_block = old_read_block, .free_data = old_free, .data = old };
	imp->old = old;
	imp->ds = ds;
	imp->info.start_block = o->start_block;
	imp->info.source_bytes = img_source_size(old->src);
	/* From here on the image owns imp (and frees it with the data source). */
	img_image_set_import(img, imp);

	rc = check_iso9660(old, o->start_block, err);
	if (rc != IMG_OK)
		return rc;
	IsoReadOpts *ro = NULL;
	int ret = read_opts(&ro, o->start_block);
	if (ret < 0)
		return img_image_isofs_error(img, ret, "import read options");
	IsoImage *iso = img_image_isofs(img);
	IsoReadImageFeatures *feat = NULL;
	ret = iso_image_import(iso, ds, ro, &feat);
	iso_read_opts_free(ro);
	if (ret < 0)
		return import_failed(img, old, ret, "cannot import");
	struct img_import_info *in = &imp->info;
	in->volume_blocks = iso_read_image_features_get_size(feat);
	in->rock = iso_read_image_features_has_rockridge(feat) == 1;
	in->joliet = iso_read_image_features_has_joliet(feat) == 1;
	in->iso1999 = iso_read_image_features_has_iso1999(feat) == 1;
	in->eltorito = iso_read_image_features_has_eltorito(feat) == 1;
	iso_read_image_features_destroy(feat);
	char *ct = NULL, *mt = NULL, *xt = NULL, *ft = NULL;
	if (iso_image_get_pvd_times(iso, &ct, &mt, &xt, &ft) >= 0)
		in->have_mtime = parse_voldate(mt, &in->mtime);
	const char *vid = iso_image_get_volume_id(iso);
	snprintf(in->volid, sizeof(in->volid), "%s", vid ? vid : "");
	for (size_t n = strlen(in->volid); n > 0 && in->volid[n - 1] == ' '; n--)
		in->volid[n - 1] = '\0';
	char sa[32768];
	int sa_opts = 0;
	if (iso_image_get_system_area(iso, sa, &sa_opts, 0) == 1)
		for (size_t i = 0; i < sizeof(sa) && !in->system_area; i++)
			in->system_area = sa[i] != 0;
	IsoNode *root = (IsoNode *)iso_image_get_root(iso);
	size_t ca_len = 0;
	char *ca = NULL;
	in->md5 = iso_node_lookup_attr(root, "isofs.ca", &ca_len, &ca, 0) == 1;
	free(ca);
	in->aaip = has_user_attrs(root);

	if (o->joliet_as_old && (rc = img_image_set_joliet(img, in->joliet)) != IMG_OK)
		return rc;
	const struct img_image_opts *io = img_image_opts(img);
	set_given_ids(iso, io);
	IsoWriteOpts *w = img_image_write_opts(img);
	/* ACLs and xattrs of the old files are written again (AAIP), as xorriso does. */
	if (in->aaip && (ret = iso_write_opts_set_aaip(w, 1)) < 0)
		return img_image_isofs_error(img, ret, "AAIP");
	hide_from_joliet((IsoDir *)root);
	/* Without Rock Ridge libisofs imported the Joliet tree itself (names converted from
	 * UTF-16 already): there is nothing to pair it with. */
	if (in->rock && in->joliet) {
		struct img_import_joliet_src js = { old->src, old->name, o->start_block,
						    new_old_stream, ds };
		unsigned hidden = 0, added = 0;
		if ((rc = img_import_joliet(img, &js, (IsoDir *)root, &hidden, &added,
					    &in->catalog_joliet_hidden)) != IMG_OK)
			return rc;
		if (hidden > 0 || added > 0)
			img_image_note(img, IMG_NOTE_INFO,
				       "%s: %u entries kept out of the Joliet tree, %u only in it, "
				       "as the old image had them", old->name, hidden, added);
	}
	/* Rock Ridge names (and the Joliet-only ones) are UTF-8; libisofs took them as they are,
	 * in the input charset, and Joliet and UDF would show them encoded twice. */
	if (in->rock && (rc = img_import_names_to_charset(img, (IsoDir *)root, io->input_charset,
							 old->name)) != IMG_OK)
		return rc;
	if (o->attrs_on_old && (io->rationalize || io->have_dir_mode || io->have_file_mode ||
				io->have_uid || io->have_gid))
		apply_attr_options(root, io, 1);
	if (link_shared_extents((IsoDir *)root) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "%s: hard links", old->name);
	if (in->md5 && !io->md5)
		strip_md5_attrs(root, "isofs.ca");
	if (o->drop_boot) {
		iso_image_remove_boot_image(iso);
		/* libisofs writes the system area it loaded unless the write options carry one:
		 * zeros, unless a boot setup of the command line sets its own later. */
		static char zeros[32768];
		if ((ret = iso_write_opts_set_system_area(w, zeros, 0, 0)) < 0)
			return img_image_isofs_error(img, ret, "system area");
	}
	imp->done = true;
	img_image_note(img, IMG_NOTE_INFO,
		       "imported %s from block %u: %u blocks, volume id \"%s\"%s%s%s%s%s%s",
		       old->name, (unsigned)o->start_block, (unsigned)in->volume_blocks, in->volid,
		       in->rock ? ", Rock Ridge" : "", in->joliet ? ", Joliet" : "",
		       in->iso1999 ? ", ISO 9660:1999" : "", in->eltorito ? ", El Torito" : "",
		       in->system_area ? ", system area" : "", in->md5 ? ", MD5" : "");
	return IMG_OK;
}

const struct img_import_info *img_image_import_info(const struct img_image *img)
{
	const struct img_import *imp = img_image_get_import(img);
	return imp != NULL && imp->done ? &imp->info : NULL;
}

int img_import_take_error(struct img_import *imp, struct img_error *err)
{
	char why[768];
	if (imp == NULL || old_why(imp->old, why, sizeof(why))[0] == '\0')
		return IMG_OK;
	return img_error_set(err, IMG_EIO, "%.200s: cannot read the old image: %s", imp->old->name,
			     why);
}

void img_import_free(struct img_import *imp)
{
	if (imp == NULL)
		return;
	/* libisofs's image holds its own references to the data source while it lives; the
	 * image is unreferenced before this is called. */
	iso_data_source_unref(imp->ds);
	free(imp);
}

int img_image_remove_path(struct img_image *img, const char *path, bool recursive)
{
	struct img_error *err = img_image_err(img);
	IsoImage *iso = img_image_isofs(img);
	IsoNode *node = NULL;
	/* A relative path starts at the root, as xorriso's paths do after its default -cd /. */
	char *abs = NULL;
	if (path[0] != '/') {
		size_t len = strlen(path) + 2;
		if ((abs = malloc(len)) == NULL)
			return img_error_set(err, IMG_ENOMEM, "%s", path);
		snprintf(abs, len, "/%s", path);
	}
	int ret = iso_tree_path_to_node(iso, abs ? abs : path, &node);
	free(abs);
	if (ret < 0)
		return img_image_isofs_error(img, ret, path);
	if (ret == 0 || node == NULL)
		return img_error_set(err, IMG_ENOENT, "%s: not in the old image", path);
	if (node == (IsoNode *)iso_image_get_root(iso))
		return img_error_set(err, IMG_EINVAL, "%s: the root cannot be removed", path);
	if (!recursive && iso_node_get_type(node) == LIBISO_DIR &&
	    iso_dir_get_children_count((IsoDir *)node) > 0)
		return img_error_set(err, IMG_EINVAL,
				     "%s: a directory that is not empty (--rm-r removes it with "
				     "what it holds)", path);
	/* iso_node_remove frees the node (and a directory's subtree) with its last reference;
	 * El Torito's references to a boot image file keep that one alive for the catalog. */
	ret = iso_node_remove(node);
	if (ret < 0)
		return img_image_isofs_error(img, ret, path);
	return IMG_OK;
}

int img_import_watch_blocks(struct img_import *imp, const uint32_t *blocks, size_t n)
{
	struct old_source *o = imp->old;
	uint32_t *v = malloc((n ? n : 1) * sizeof(*v));
	uint64_t *ord = calloc(n ? n : 1, sizeof(*ord));
	unsigned *reads = calloc(n ? n : 1, sizeof(*reads));
	if (v == NULL || ord == NULL || reads == NULL) {
		free(v);
		free(ord);
		free(reads);
		return IMG_ENOMEM;
	}
	if (n)
		memcpy(v, blocks, n * sizeof(*v));
	pthread_mutex_lock(&o->lock);
	free(o->watch);
	free(o->watch_order);
	free(o->watch_reads);
	o->watch = v;
	o->watch_order = ord;
	o->watch_reads = reads;
	o->nwatch = n;
	pthread_mutex_unlock(&o->lock);
	return IMG_OK;
}

uint64_t img_import_block_order(struct img_import *imp, uint32_t lba, unsigned *reads)
{
	struct old_source *o = imp->old;
	pthread_mutex_lock(&o->lock);
	size_t w = o->nwatch ? watch_index(o, lba) : 0;
	uint64_t r = w < o->nwatch ? o->watch_order[w] : 0;
	*reads = w < o->nwatch ? o->watch_reads[w] : 0;
	pthread_mutex_unlock(&o->lock);
	return r;
}

