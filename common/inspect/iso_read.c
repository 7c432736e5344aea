/* ISO 9660 / Joliet / Rock Ridge trees: our own directory walk, then libisofs's importer. */
#include "common/inspect/iso_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/isofs.h"
#include "common/base/bytes.h"
#include "common/base/grow.h"

int img_view_parse(const char *name, enum img_view *out)
{
	static const struct { const char *name; enum img_view view; } views[] = {
		{"iso", IMG_VIEW_ISO}, {"joliet", IMG_VIEW_JOLIET}, {"rr", IMG_VIEW_RR},
		{"udf", IMG_VIEW_UDF},
	};
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (strcmp(name, views[i].name) == 0) {
			*out = views[i].view;
			return IMG_OK;
		}
	return IMG_EINVAL;
}

const char *img_view_name(enum img_view view)
{
	switch (view) {
	case IMG_VIEW_ISO: return "iso";
	case IMG_VIEW_JOLIET: return "joliet";
	case IMG_VIEW_RR: return "rr";
	case IMG_VIEW_UDF: return "udf";
	default: return "default";
	}
}

/* Set of directory extents already visited (open addressing; it doubles by rehashing into a
 * new table, which is not an append, so not img_grow's job). */
struct extset {
	uint32_t *slot;
	size_t cap, used;
};

static int extset_add(struct extset *s, uint32_t v, bool *seen)
{
	if ((s->used + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint32_t *n = malloc(cap * sizeof(*n));
		if (n == NULL)
			return IMG_ENOMEM;
		memset(n, 0xff, cap * sizeof(*n));
		for (size_t i = 0; i < s->cap; i++) {
			if (s->slot[i] == UINT32_MAX)
				continue;
			size_t h = (s->slot[i] * 2654435761u) & (cap - 1);
			while (n[h] != UINT32_MAX)
				h = (h + 1) & (cap - 1);
			n[h] = s->slot[i];
		}
		free(s->slot);
		s->slot = n;
		s->cap = cap;
	}
	size_t h = (v * 2654435761u) & (s->cap - 1);
	while (s->slot[h] != UINT32_MAX) {
		if (s->slot[h] == v) {
			*seen = true;
			return IMG_OK;
		}
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = v;
	s->used++;
	*seen = false;
	return IMG_OK;
}

struct pending {
	uint32_t extent, size;
	int depth;
	uint64_t record; /* byte offset of the record that named it */
};

/* ECMA-119 7.5/7.6: level 1 allows 8.3 file names and 8-character directory names. */
static bool breaks_level1(const unsigned char *name, unsigned len, bool dir, bool joliet)
{
	if (joliet)
		return false;
	if (dir)
		return len > 8;
	unsigned base = 0, ext = 0, i = 0;
	while (i < len && name[i] != '.' && name[i] != ';')
		i++, base++;
	if (i < len && name[i] == '.')
		for (i++; i < len && name[i] != ';'; i++)
			ext++;
	return base > 8 || ext > 3;
}

/* One walk of a directory hierarchy. */
struct scan {
	struct img_source *src;
	uint64_t bs, size;          /* block size of the tree, image size */
	bool joliet;
	const char *what;           /* "directory" or "Joliet directory", for messages */
	struct img_dirscan *out;
	struct img_error *err;
	struct extset seen;         /* directory extents met */
	struct pending *stack;      /* directories still to read */
	size_t depth, cap;
	unsigned char *buf;         /* the directory being read */
};

static int scan_push(struct scan *s, struct pending d)
{
	if (img_grow((void **)&s->stack, &s->cap, s->depth, sizeof(*s->stack), 64) != IMG_OK)
		return img_error_set(s->err, IMG_ENOMEM, "directory walk");
	s->stack[s->depth++] = d;
	return IMG_OK;
}

/* Checks directory d before it is read: met for the first time (else a loop), not too
 * deep, inside the image and not beyond IMG_ISO_MAX_DIR_BYTES. */
static int scan_check_dir(struct scan *s, const struct pending *d)
{
	uint64_t off = (uint64_t)d->extent * s->bs;
	bool dup;
	if (extset_add(&s->seen, d->extent, &dup) != IMG_OK)
		return img_error_set(s->err, IMG_ENOMEM, "directory walk");
	if (dup)
		return img_error_set(s->err, IMG_ECORRUPT,
				     "%s record at byte %llu: directory loop, extent %u (byte "
				     "%llu) is already part of the tree", s->what,
				     (unsigned long long)d->record, d->extent,
				     (unsigned long long)off);
	if (d->depth > IMG_ISO_MAX_DEPTH)
		return img_error_set(s->err, IMG_ECORRUPT,
				     "%s record at byte %llu: nesting deeper than %d levels",
				     s->what, (unsigned long long)d->record, IMG_ISO_MAX_DEPTH);
	if (d->size > IMG_ISO_MAX_DIR_BYTES || off > s->size || d->size > s->size - off)
		return img_error_set(s->err, IMG_ECORRUPT,
				     "%s record at byte %llu: directory of %u bytes at byte "
				     "%llu lies past the end of the image (%llu bytes) or exceeds "
				     "%u bytes", s->what, (unsigned long long)d->record, d->size,
				     (unsigned long long)off, (unsigned long long)s->size,
				     IMG_ISO_MAX_DIR_BYTES);
	return IMG_OK;
}

/* The records of directory d, read into s->buf: each checked to stay in its sector and
 * directory, the first to be d's own ".", extents to lie in the image; files counted,
 * subdirectories pushed. */
static int scan_records(struct scan *s, const struct pending *d)
{
	const unsigned char *buf = s->buf;
	uint64_t off = (uint64_t)d->extent * s->bs;
	uint32_t pos = 0;
	while (pos < d->size) {
		unsigned len = buf[pos];
		if (len == 0) {
			/* 6.8.1.1: records do not cross sectors; the rest is padding. */
			pos = (pos / IMG_ISO_SECTOR + 1) * IMG_ISO_SECTOR;
			continue;
		}
		uint64_t rec_off = off + pos;
		if (len < 34 || pos + len > d->size ||
		    pos / IMG_ISO_SECTOR != (pos + len - 1) / IMG_ISO_SECTOR ||
		    33u + buf[pos + 32] > len)
			return img_error_set(s->err, IMG_ECORRUPT,
					     "%s record at byte %llu: length %u (name length %u) "
					     "runs past its sector or directory", s->what,
					     (unsigned long long)rec_off, len,
					     buf[pos + 32 < d->size ? pos + 32 : pos]);
		const unsigned char *r = buf + pos;
		unsigned nlen = r[32];
		/* 6.8.2.2: the first record is "." and describes this very directory;
		 * libisofs takes its size from there, so a "." that disagrees with the
		 * parent's record would let it read other blocks as this directory. */
		if (pos == 0 && (nlen != 1 || r[33] != 0 || img_le32(r + 2) != d->extent ||
				 img_le32(r + 10) != d->size))
			return img_error_set(s->err, IMG_ECORRUPT,
					     "%s record at byte %llu: the \".\" record of the "
					     "directory at byte %llu does not match it (extent %u, "
					     "%u bytes)", s->what, (unsigned long long)d->record,
					     (unsigned long long)off, d->extent, d->size);
		pos += len;
		if (nlen == 1 && (r[33] == 0 || r[33] == 1))
			continue; /* "." and ".." */
		uint32_t ext = img_le32(r + 2), dlen = img_le32(r + 10);
		bool dir = r[25] & 0x02;
		if (!dir && (r[25] & 0x80))
			s->out->multi_extent = true;
		if (breaks_level1(r + 33, nlen, dir, s->joliet))
			s->out->long_names = true;
		uint64_t eoff = (uint64_t)ext * s->bs;
		if (dlen > 0 && (eoff > s->size || dlen > s->size - eoff))
			return img_error_set(s->err, IMG_ECORRUPT,
					     "%s record at byte %llu: extent of %u bytes at byte "
					     "%llu lies past the end of the image (%llu bytes)",
					     s->what, (unsigned long long)rec_off, dlen,
					     (unsigned long long)eoff, (unsigned long long)s->size);
		if (!dir) {
			s->out->files++;
			continue;
		}
		int rc = scan_push(s, (struct pending){ext, dlen, d->depth + 1, rec_off});
		if (rc != IMG_OK)
			return rc;
	}
	return IMG_OK;
}

int img_iso_scan(struct img_source *src, const struct img_vd *vd, struct img_dirscan *out,
		 struct img_error *err)
{
	return img_iso_scan_dirs(src, vd, out, NULL, NULL, err);
}

int img_iso_scan_dirs(struct img_source *src, const struct img_vd *vd, struct img_dirscan *out,
		      int (*visit)(uint32_t extent, uint32_t size, const unsigned char *records,
				   void *arg),
		      void *arg, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	struct scan s = {
		.src = src, .bs = vd->block_size, .size = img_source_size(src),
		.joliet = vd->kind == IMG_VD_JOLIET, .out = out, .err = err,
	};
	s.what = s.joliet ? "Joliet directory" : "directory";
	int rc = scan_push(&s, (struct pending){vd->root_extent, vd->root_size, 1,
						(uint64_t)vd->sector * IMG_ISO_SECTOR + 156});
	while (rc == IMG_OK && s.depth > 0) {
		struct pending d = s.stack[--s.depth];
		if ((rc = scan_check_dir(&s, &d)) != IMG_OK)
			break;
		out->dirs++;
		out->dir_blocks += (d.size + IMG_ISO_SECTOR - 1) / IMG_ISO_SECTOR;
		if (d.depth > out->depth)
			out->depth = d.depth;
		unsigned char *nb = realloc(s.buf, d.size ? d.size : 1);
		if (nb == NULL) {
			rc = img_error_set(err, IMG_ENOMEM, "directory walk");
			break;
		}
		s.buf = nb;
		if ((rc = img_source_read(src, (uint64_t)d.extent * s.bs, s.buf, d.size, s.what,
					  err)) != IMG_OK)
			break;
		if ((rc = scan_records(&s, &d)) == IMG_OK && visit)
			rc = visit(d.extent, d.size, s.buf, arg);
	}
	free(s.buf);
	free(s.stack);
	free(s.seen.slot);
	return rc;
}

/* ---- libisofs import ---- */

/* libisofs asks for one 2 KiB block at a time, mostly in ascending order (directory
 * extents, then the next directory): serve them from a window of blocks read at once instead
 * of one pread each (7,800 system calls for a 100,000-file image). */
#define IMG_ISO_WINDOW_BLOCKS 16

struct ds_data {
	struct img_source *src;
	uint64_t reads, budget;
	struct img_error err;
	uint32_t win_lba, win_blocks; /* the window holds blocks win_lba .. + win_blocks - 1 */
	unsigned char win[IMG_ISO_WINDOW_BLOCKS * 2048];
};

/* Fills the window from lba on; clipped to the image, and one block only if the whole
 * window cannot be read, so that errors name the block libisofs asked for. */
static int ds_fill(struct ds_data *d, uint32_t lba, struct img_error *e)
{
	uint64_t off = (uint64_t)lba * 2048, size = img_source_size(d->src);
	uint32_t n = IMG_ISO_WINDOW_BLOCKS;
	if (off >= size)
		n = 1;
	else if ((size - off) / 2048 < n)
		n = (size - off) / 2048 ? (uint32_t)((size - off) / 2048) : 1;
	d->win_blocks = 0;
	if (n > 1 && img_source_read(d->src, off, d->win, (size_t)n * 2048, "ISO 9660 block",
				     e) != IMG_OK)
		n = 1;
	if (n == 1 && img_source_read(d->src, off, d->win, 2048, "ISO 9660 block", e) != IMG_OK)
		return e->code;
	d->win_lba = lba;
	d->win_blocks = n;
	return IMG_OK;
}

static int ds_open(IsoDataSource *ds)
{
	(void)ds;
	return ISO_SUCCESS;
}

static int ds_close(IsoDataSource *ds)
{
	(void)ds;
	return ISO_SUCCESS;
}

static int ds_read_block(IsoDataSource *ds, uint32_t lba, uint8_t *buffer)
{
	struct ds_data *d = ds->data;
	/* A hostile tree could make the importer read forever (Rock Ridge relocations
	 * pointing back up); no sane tree needs more reads than a few per block. */
	if (++d->reads > d->budget) {
		if (d->err.code == IMG_OK)
			img_error_set(&d->err, IMG_ECORRUPT,
				      "directory tree: more than %llu block reads, the tree loops",
				      (unsigned long long)d->budget);
		return (int)ISO_DATA_SOURCE_FAILURE;
	}
	struct img_error e;
	if ((d->win_blocks == 0 || lba < d->win_lba || lba - d->win_lba >= d->win_blocks) &&
	    ds_fill(d, lba, &e) != IMG_OK) {
		if (d->err.code == IMG_OK)
			d->err = e;
		return (int)ISO_DATA_SOURCE_FAILURE;
	}
	memcpy(buffer, d->win + (size_t)(lba - d->win_lba) * 2048, 2048);
	return ISO_SUCCESS;
}

static void ds_free(IsoDataSource *ds)
{
	(void)ds;
}

static int init_libisofs(struct img_error *err)
{
	static int done;
	if (done)
		return IMG_OK;
	if (iso_init() < 0)
		return img_error_set(err, IMG_EISOFS, "cannot initialise libisofs");
	/* Messages are queued, never printed: the library must not write to the terminal. */
	iso_set_msgs_severities("SORRY", "NEVER", "imginfo");
	done = 1;
	return IMG_OK;
}

/* The most severe queued libisofs message, or "" (drains the queue). */
static void last_isofs_message(char *out, size_t size)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, id;
	out[0] = '\0';
	while (iso_obtain_msgs("ALL", &code, &id, text, sev) == 1)
		snprintf(out, size, "%s", text);
}

struct convert {
	IsoImage *image;
	struct img_filetree *tree;
	int files_with_md5;
	IsoBoot *cat;       /* the El Torito catalog node, if one was loaded */
	uint32_t cat_lba;
	off_t cat_size;
	/* A walk without a tree (img_iso_view_walk): nodes are borrowed, not built.  One node
	 * per depth, reused by every entry at that depth (the parent chain stays valid); names
	 * and symlink targets point into libisofs's nodes; extents go to one reused buffer. */
	bool borrow;
	int (*visit)(struct img_fnode *n, void *arg);
	void *arg;
	struct img_fnode **levels;
	size_t nlevels, levels_cap;
	struct img_extent *ext;
	size_t ext_cap;
};

static int put_extent(struct convert *c, struct img_fnode *n, uint64_t offset, uint64_t length)
{
	if (!c->borrow)
		return img_fnode_add_extent(n, offset, length);
	if (img_grow((void **)&c->ext, &c->ext_cap, n->nextents, sizeof(*c->ext), 8) != IMG_OK)
		return IMG_ENOMEM;
	c->ext[n->nextents].offset = offset;
	c->ext[n->nextents].length = length;
	n->nextents++;
	n->extents = c->ext;
	return IMG_OK;
}

/* The node for a child named name of dir at the given depth (root 0): a new node of the
 * tree, or in a walk the reused node of that depth. */
static int child_node(struct convert *c, struct img_fnode *dir, size_t depth, const char *name,
		      struct img_fnode **out)
{
	if (!c->borrow)
		return img_filetree_add(c->tree, dir, name, out);
	while (depth >= c->nlevels) {
		if (img_grow((void **)&c->levels, &c->levels_cap, c->nlevels, sizeof(*c->levels),
			     16) != IMG_OK)
			return IMG_ENOMEM;
		if ((c->levels[c->nlevels] = calloc(1, sizeof(**c->levels))) == NULL)
			return IMG_ENOMEM;
		c->nlevels++;
	}
	struct img_fnode *n = c->levels[depth];
	/* libisofs keeps the name until the node is removed, after the visit */
	n->name = (char *)name;
	n->parent = dir;
	n->extents = NULL;
	n->nextents = n->ext_cap = 0;
	n->link = NULL;
	n->has_md5 = false;
	n->size = 0;
	*out = n;
	return IMG_OK;
}

static int copy_node(struct convert *c, IsoNode *in, struct img_fnode *n)
{
	n->mode = iso_node_get_mode(in);
	n->uid = iso_node_get_uid(in);
	n->gid = iso_node_get_gid(in);
	n->mtime = iso_node_get_mtime(in);
	n->atime = iso_node_get_atime(in);
	n->ctime = iso_node_get_ctime(in);
	switch (iso_node_get_type(in)) {
	case LIBISO_FILE: {
		IsoFile *f = (IsoFile *)in;
		n->size = (uint64_t)iso_file_get_size(f);
		int count = 0;
		struct iso_file_section *sec = NULL;
		if (iso_file_get_old_image_sections(f, &count, &sec, 0) == 1) {
			for (int i = 0; i < count; i++)
				if (put_extent(c, n, (uint64_t)sec[i].block * 2048,
					       sec[i].size) != IMG_OK) {
					free(sec);
					return IMG_ENOMEM;
				}
			free(sec);
		}
		char md5[16];
		if (iso_file_get_md5(c->image, f, md5, 0) == 1) {
			n->has_md5 = true;
			memcpy(n->md5, md5, 16);
			c->files_with_md5++;
		}
		break;
	}
	case LIBISO_SYMLINK:
		if (c->borrow)
			n->link = (char *)iso_symlink_get_dest((IsoSymlink *)in);
		else if (img_fnode_set_link(n, iso_symlink_get_dest((IsoSymlink *)in)) != IMG_OK)
			return IMG_ENOMEM;
		break;
	case LIBISO_BOOT:
		/* The El Torito catalog node: a regular file as far as users see it. */
		n->mode = S_IFREG | (n->mode & 07777);
		if ((IsoBoot *)in == c->cat && c->cat_size > 0) {
			n->size = (uint64_t)c->cat_size;
			if (put_extent(c, n, (uint64_t)c->cat_lba * 2048, n->size) != IMG_OK)
				return IMG_ENOMEM;
		}
		break;
	default:
		break;
	}
	return IMG_OK;
}

/* Copies the libisofs tree into ours, or in a walk visits each node, iteratively (directory
 * iterators on a heap stack).  rootnode is the tree's root or the walk's node of depth 0. */
static int convert_tree(struct convert *c, IsoDir *root, struct img_fnode *rootnode)
{
	struct frame { IsoDirIter *it; struct img_fnode *dir; } *stack = NULL;
	size_t depth = 0, cap = 0;
	int rc = copy_node(c, (IsoNode *)root, rootnode);
	if (rc == IMG_OK && c->visit)
		rc = c->visit(rootnode, c->arg);
	if (rc != IMG_OK)
		return rc;
	IsoDirIter *it;
	if (iso_dir_get_children(root, &it) != 1)
		return IMG_ENOMEM;
	struct img_fnode *dir = rootnode;
	for (;;) {
		IsoNode *in;
		if (iso_dir_iter_next(it, &in) != 1) {
			iso_dir_iter_free(it);
			if (depth == 0)
				break;
			depth--;
			it = stack[depth].it;
			dir = stack[depth].dir;
			iso_dir_iter_remove(it); /* the directory just finished */
			continue;
		}
		struct img_fnode *n;
		if ((rc = child_node(c, dir, depth + 1, iso_node_get_name(in), &n)) != IMG_OK ||
		    (rc = copy_node(c, in, n)) != IMG_OK ||
		    (c->visit && (rc = c->visit(n, c->arg)) != IMG_OK))
			break;
		/* Each libisofs node is dropped once copied: the memory it frees is reused for
		 * ours, which keeps the peak (and the page faults) of a large tree lower. */
		if (iso_node_get_type(in) != LIBISO_DIR) {
			iso_dir_iter_remove(it);
			continue;
		}
		if ((rc = img_grow((void **)&stack, &cap, depth, sizeof(*stack), 32)) != IMG_OK)
			break;
		stack[depth].it = it;
		stack[depth].dir = dir;
		depth++;
		if (iso_dir_get_children((IsoDir *)in, &it) != 1) {
			depth--;
			it = stack[depth].it;
			rc = IMG_ENOMEM;
			break;
		}
		dir = n;
	}
	if (rc != IMG_OK) {
		iso_dir_iter_free(it);
		while (depth > 0)
			iso_dir_iter_free(stack[--depth].it);
	}
	free(stack);
	return rc;
}

/* One libisofs checksum tag (doc/checksum.txt): type 1 session, 2 superblock, 3 tree, 4
 * relocated superblock; next is the next tag's block, or the session start for type 4. */
struct md5_tag {
	int type;
	uint32_t pos, start, size, next;
	char md5[16];
};

/* 1: block lba holds a tag that says it is there; 0: no tag; -1: unreadable or misplaced. */
static int tag_at(struct img_source *src, uint32_t lba, struct md5_tag *t)
{
	char block[2048];
	struct img_error e;
	if (img_source_read(src, (uint64_t)lba * 2048, block, sizeof(block), "MD5 tag", &e) !=
	    IMG_OK)
		return -1;
	int r = iso_util_decode_md5_tag(block, &t->type, &t->pos, &t->start, &t->size, &t->next,
					t->md5, 0);
	if (r == 0)
		return 0;
	return r == 1 && t->pos == lba ? 1 : -1;
}

/* The superblock tag of the session starting at base: as libisofs's import does, the first tag
 * in blocks from .. base+31; other blocks on the way (a UDF Volume Recognition Sequence after
 * the terminator) are passed over. */
static bool superblock_tag(struct img_source *src, uint32_t base, uint32_t from,
			   uint32_t vol_blocks, struct md5_tag *t)
{
	for (uint32_t lba = from; lba < base + 32 && lba < vol_blocks; lba++) {
		int r = tag_at(src, lba, t);
		if (r != 0)
			return r > 0;
	}
	return false;
}

/* libisofs finds the session MD5 through the AAIP attribute isofs.ca of the root, which
 * images made without AAIP (without Rock Ridge) lack.  The tags themselves form a chain: a
 * superblock tag after the descriptor set terminator names the tree tag, which names the
 * session tag.  A session that starts later than block 0 (mkimage -udf) has a relocated
 * superblock tag there instead, naming the session start, where the chain begins.  Follow it,
 * a few bounded hops, each tag checked to sit where it says it is. */
static bool find_session_tag(struct img_source *src, uint32_t terminator, uint32_t vol_blocks,
			     struct img_iso_info *info)
{
	struct md5_tag t;
	if (!superblock_tag(src, 0, terminator + 1, vol_blocks, &t))
		return false;
	if (t.type == 4) {
		uint32_t base = t.next;
		if (base < 32 || base >= vol_blocks ||
		    !superblock_tag(src, base, base + 16, vol_blocks, &t) || t.type != 2)
			return false;
	}
	for (int hop = 0; hop < 3; hop++) {
		if (t.type == 1) {
			if (t.start > t.pos || t.size > t.pos - t.start)
				return false;
			info->session_md5 = true;
			info->md5_start = t.start;
			info->md5_end = t.start + t.size;
			memcpy(info->md5, t.md5, 16);
			return true;
		}
		if ((t.type != 2 && t.type != 3) || t.next <= t.pos || t.next >= vol_blocks ||
		    tag_at(src, t.next, &t) != 1)
			return false;
	}
	return false;
}

struct img_iso_view {
	struct ds_data data; /* the data source lives as long as the imported image */
	IsoDataSource ds;
	IsoReadOpts *opts;
	IsoImage *image;
	IsoReadImageFeatures *feat;
	struct convert c;
	bool walked;
};

void img_iso_view_close(struct img_iso_view *v)
{
	if (v == NULL)
		return;
	if (v->feat)
		iso_read_image_features_destroy(v->feat);
	if (v->image)
		iso_image_unref(v->image);
	if (v->opts)
		iso_read_opts_free(v->opts);
	for (size_t i = 0; i < v->c.nlevels; i++)
		free(v->c.levels[i]);
	free(v->c.levels);
	free(v->c.ext);
	free(v);
}

/* What our own walk learns before libisofs sees the image: the descriptor set terminator,
 * the volume size, and the directory blocks of the primary and Joliet trees.  Both trees are
 * walked (img_iso_scan), so loops, extents past the end and absurd sizes are refused here. */
static int prescan(struct img_source *src, uint64_t *dir_blocks, uint32_t *terminator,
		   uint32_t *vol_blocks, struct img_error *err)
{
	struct img_vdset *vds = malloc(sizeof(*vds));
	if (vds == NULL)
		return img_error_set(err, IMG_ENOMEM, "volume descriptors");
	int rc = img_vd_read(src, vds, err);
	for (int i = 0; rc == IMG_OK && i < vds->count; i++) {
		if (vds->vd[i].type == 255)
			*terminator = vds->vd[i].sector;
		if (vds->vd[i].kind == IMG_VD_PRIMARY)
			*vol_blocks = vds->vd[i].volume_space_size;
	}
	for (int i = 0; rc == IMG_OK && i < vds->count; i++) {
		const struct img_vd *vd = &vds->vd[i];
		if (vd->kind != IMG_VD_PRIMARY && vd->kind != IMG_VD_JOLIET)
			continue;
		struct img_dirscan scan;
		rc = img_iso_scan(src, vd, &scan, err);
		*dir_blocks += scan.dir_blocks;
	}
	free(vds);
	return rc;
}

/* libisofs's read options for view: names mapped as they are recorded; AAIP on for the MD5
 * array (its position is in xattr isofs.ca); tags are verified by --check itself, so
 * libisofs only loads them (2). */
static int view_options(IsoReadOpts *opts, enum img_view view, struct img_error *err)
{
	iso_read_opts_set_ecma119_map(opts, 1);
	iso_read_opts_set_joliet_map(opts, 1);
	iso_read_opts_set_no_aaip(opts, 0);
	iso_read_opts_set_no_md5(opts, 2);
	switch (view) {
	case IMG_VIEW_ISO:
		iso_read_opts_set_no_rockridge(opts, 1);
		iso_read_opts_set_no_joliet(opts, 1);
		iso_read_opts_set_no_iso1999(opts, 1);
		return IMG_OK;
	case IMG_VIEW_JOLIET:
		iso_read_opts_set_no_rockridge(opts, 1);
		iso_read_opts_set_no_iso1999(opts, 1);
		iso_read_opts_set_preferjoliet(opts, 1);
		return IMG_OK;
	case IMG_VIEW_RR:
	case IMG_VIEW_DEFAULT:
		iso_read_opts_set_no_iso1999(opts, 1);
		return IMG_OK;
	default:
		return img_error_set(err, IMG_EINVAL, "view %s is not read by libisofs",
				     img_view_name(view));
	}
}

/* Imports the image into v->image through v's data source; then what libisofs found. */
static int import_view(struct img_iso_view *v, enum img_view view, struct img_iso_info *info,
		       struct img_error *err)
{
	int r = iso_image_import(v->image, &v->ds, v->opts, &v->feat);
	if (r < 0) {
		if (v->data.err.code != IMG_OK) {
			*err = v->data.err;
			return v->data.err.code;
		}
		char msg[ISO_MSGS_MESSAGE_LEN];
		last_isofs_message(msg, sizeof(msg));
		return img_error_set(err, IMG_ECORRUPT, "ISO 9660 tree: libisofs: %s",
				     msg[0] ? msg : iso_error_to_msg(r));
	}
	char ignored[ISO_MSGS_MESSAGE_LEN];
	last_isofs_message(ignored, sizeof(ignored));
	IsoReadImageFeatures *feat = v->feat;
	info->rockridge = iso_read_image_features_has_rockridge(feat);
	info->joliet = iso_read_image_features_has_joliet(feat);
	info->iso1999 = iso_read_image_features_has_iso1999(feat);
	info->eltorito = iso_read_image_features_has_eltorito(feat);
	info->blocks = iso_read_image_features_get_size(feat);
	if ((view == IMG_VIEW_RR && !info->rockridge) ||
	    (view == IMG_VIEW_JOLIET && !info->joliet))
		return img_error_set(err, IMG_EUNSUPPORTED, "the image has no %s tree",
				     view == IMG_VIEW_RR ? "Rock Ridge" : "Joliet");
	return IMG_OK;
}

/* The El Torito catalog node, so that the walk can give it its place and size.  libisofs
 * 1.5.4 crashes in iso_image_get_bootcat() when it loaded a damaged catalog: ask only when it
 * holds a boot image and a catalog node. */
static void find_catalog(struct img_iso_view *v, const struct img_iso_info *info)
{
	struct convert *c = &v->c;
	ElToritoBootImage *boot;
	IsoFile *boot_file;
	IsoBoot *cat_node = NULL;
	if (!info->eltorito ||
	    iso_image_get_boot_image(v->image, &boot, &boot_file, &cat_node) != 1 ||
	    cat_node == NULL)
		return;
	char *cat_content = NULL;
	if (iso_image_get_bootcat(v->image, &c->cat, &c->cat_lba, &cat_content, &c->cat_size) != 1)
		c->cat = NULL;
	free(cat_content);
}

/* One number of an AAIP isofs.ca value (libisofs util.c iso_util_decode_len_bytes): a length
 * byte, then that many bytes, most significant first; false past the value's end or over 4. */
static bool ca_number(const unsigned char *v, size_t len, size_t *pos, uint32_t *out)
{
	if (*pos >= len || v[*pos] > 4 || v[*pos] > len - *pos - 1)
		return false;
	size_t n = v[*pos];
	uint32_t x = 0;
	for (size_t i = 1; i <= n; i++)
		x = x << 8 | v[*pos + i];
	*pos += n + 1;
	*out = x;
	return true;
}

/* The root's "isofs.ca" (libisofs node.c iso_root_set_isofsca): session start, array start,
 * entry count, entry size (16), "MD5".  The array holds count entries of 16 bytes. */
static void find_md5_array(struct img_iso_view *v, struct img_iso_info *info)
{
	size_t len = 0;
	char *val = NULL;
	IsoDir *root = iso_image_get_root(v->image);
	if (root == NULL || iso_node_lookup_attr((IsoNode *)root, "isofs.ca", &len, &val, 0) != 1)
		return;
	const unsigned char *u = (const unsigned char *)val;
	size_t pos = 0;
	uint32_t start, end, count, size;
	if (ca_number(u, len, &pos, &start) && ca_number(u, len, &pos, &end) &&
	    ca_number(u, len, &pos, &count) && ca_number(u, len, &pos, &size) && size == 16 &&
	    len - pos == 3 && memcmp(u + pos, "MD5", 3) == 0 && count > 0 &&
	    end < info->blocks) {
		uint32_t blocks = count / 128 + (count % 128 != 0);
		if (blocks <= info->blocks - end) {
			info->md5_array = end;
			info->md5_array_blocks = blocks;
		}
	}
	free(val);
}

int img_iso_view_open(struct img_source *src, enum img_view view, struct img_iso_view **out,
		      struct img_iso_info *info, struct img_error *err)
{
	memset(info, 0, sizeof(*info));
	int rc = init_libisofs(err);
	if (rc != IMG_OK)
		return rc;
	/* Our own walk first.  It also sizes the read budget: libisofs reads each directory
	 * block at most three times (measured on a 100,000-file image: 7,814 reads of 7,711
	 * blocks), plus path tables, SUSP continuation areas, the catalog and the MD5 array. */
	uint64_t dir_blocks = 0;
	uint32_t terminator = 0, vol_blocks = 0;
	if ((rc = prescan(src, &dir_blocks, &terminator, &vol_blocks, err)) != IMG_OK)
		return rc;
	struct img_iso_view *v = calloc(1, sizeof(*v));
	if (v == NULL)
		return img_error_set(err, IMG_ENOMEM, "libisofs image");
	v->data.src = src;
	v->data.budget = dir_blocks * 4 + 4096;
	/* The reference we hold keeps libisofs from ever freeing ds (a member of v). */
	v->ds = (IsoDataSource){
		.version = 0, .refcount = 1, .open = ds_open, .close = ds_close,
		.read_block = ds_read_block, .free_data = ds_free, .data = &v->data,
	};
	if (iso_read_opts_new(&v->opts, 0) < 0 || iso_image_new("imginfo", &v->image) < 0) {
		rc = img_error_set(err, IMG_ENOMEM, "libisofs image");
		goto out;
	}
	/* An older session of a grown image: libisofs reads its descriptors at its start and
	 * checks addresses against its start plus its (session-relative) volume size. */
	iso_read_opts_set_start_block(v->opts, (uint32_t)(img_source_session_start(src) / 2048));
	if ((rc = view_options(v->opts, view, err)) != IMG_OK ||
	    (rc = import_view(v, view, info, err)) != IMG_OK)
		goto out;
	char md5[16];
	if (iso_image_get_session_md5(v->image, &info->md5_start, &info->md5_end, md5, 0) == 1) {
		info->session_md5 = true;
		memcpy(info->md5, md5, 16);
	} else if (terminator != 0) {
		find_session_tag(src, terminator, vol_blocks, info);
	}
	find_md5_array(v, info);
	v->c.image = v->image;
	find_catalog(v, info);
	*out = v;
	return IMG_OK;
out:
	img_iso_view_close(v);
	return rc;
}

int img_iso_view_walk(struct img_iso_view *v, int (*visit)(struct img_fnode *n, void *arg),
		      void *arg)
{
	if (v->walked)
		return IMG_EINVAL;
	v->walked = true;
	struct convert *c = &v->c;
	c->borrow = true;
	c->visit = visit;
	c->arg = arg;
	struct img_fnode *root;
	int rc = child_node(c, NULL, 0, "", &root);
	if (rc != IMG_OK)
		return rc;
	return convert_tree(c, iso_image_get_root(v->image), root);
}

int img_iso_read_tree(struct img_source *src, enum img_view view, struct img_filetree **out,
		      struct img_iso_info *info, struct img_error *err)
{
	struct img_iso_view *v;
	int rc = img_iso_view_open(src, view, &v, info, err);
	if (rc != IMG_OK)
		return rc;
	v->walked = true;
	struct convert *c = &v->c;
	if ((rc = img_filetree_new(&c->tree)) != IMG_OK) {
		img_error_set(err, rc, "file tree");
		goto out;
	}
	if ((rc = convert_tree(c, iso_image_get_root(v->image), c->tree->root)) != IMG_OK) {
		img_filetree_free(c->tree);
		img_error_set(err, rc, "file tree");
		goto out;
	}
	info->files_with_md5 = c->files_with_md5;
	*out = c->tree;
out:
	img_iso_view_close(v);
	return rc;
}
