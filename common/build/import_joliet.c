/* Pairing the imported tree with the old image's Joliet tree: hidden flags back, Joliet-only
 * entries back. */
#include "common/build/import_joliet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/inspect/iso_read.h"
#include "common/inspect/joliet_index.h"

struct jctx {
	struct img_image *img;
	const struct img_import_joliet_src *s;
	const struct img_joliet_index *ix;
	unsigned hidden, added;
	bool catalog_unlisted;
};

/* Where an imported node's data starts in the old image, or false (no data, or not a file). */
static bool node_old_block(IsoNode *node, uint32_t *block)
{
	if (iso_node_get_type(node) != LIBISO_FILE || iso_file_get_size((IsoFile *)node) <= 0)
		return false;
	int count = 0;
	struct iso_file_section *sec = NULL;
	bool ok = iso_file_get_old_image_sections((IsoFile *)node, &count, &sec, 0) == 1 &&
		  count >= 1;
	if (ok)
		*block = sec[0].block;
	free(sec);
	return ok;
}

/* One UTF-8 code point of *p (advanced), or U+FFFD for a malformed byte (one byte taken). */
static unsigned next_cp(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	unsigned c = s[0];
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0) {
		(*p)++;
		return 0xfffd;
	}
	c &= n == 0 ? 0x7f : 0x3fu >> n;
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			(*p)++;
			return 0xfffd;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*p += n + 1;
	return c;
}

/* Whether the Joliet name of je is what a Joliet writer makes of the name n: characters that
 * Joliet forbids (Joliet 1995, 3.3: * / : ; ? \) replaced by "_" (libisofs, genisoimage), a
 * non-ASCII character the writer could not convert replaced by "_" (or one per byte), a
 * name cut at 64 UTF-16 units (103 with -joliet-long; the cut may keep the extension, so a
 * long name's match is its start only), a trailing "." added to a name without one. */
static bool joliet_name_of(const char *n, const struct img_joliet_entry *je)
{
	const char *j = je->name;
	while (*j != '\0' && *n != '\0') {
		const char *at = n;
		unsigned jc = next_cp(&j), nc = next_cp(&n);
		if (jc == nc || (jc == '_' && nc < 0x80 && strchr("*/:;?\\", (int)nc) != NULL))
			continue;
		if (jc == '_' && nc >= 0x80) {
			/* a character the writer's charset could not convert (xorriso in the C
			 * locale): one "_" for it, or one for each of its bytes */
			for (ptrdiff_t b = n - at - 1; b > 0 && *j == '_'; b--)
				j++;
			continue;
		}
		return je->units >= 64;
	}
	if (*j == '\0')
		return *n == '\0' || je->units >= 64;
	return strcmp(j, ".") == 0;
}

/* An imported entry of one directory and the Joliet entry paired with it. */
struct kid {
	IsoNode *node;
	bool dir, has_block;
	uint32_t block;  /* node_old_block's */
	const struct img_joliet_entry *je;
};

/* Whether kid k and Joliet entry e can be one entry: same kind and, for two files with data,
 * the same data. */
static bool compatible(const struct kid *k, const struct img_joliet_entry *e)
{
	if (e->dir != k->dir)
		return false;
	return k->dir || !k->has_block || e->size == 0 ||
	       (e->extent == k->block &&
		e->size == (uint64_t)iso_file_get_size((IsoFile *)k->node));
}

/* Pairs the kids k[0..n-1] of a directory with the entries je[0..nj-1] of its Joliet twin,
 * each entry used once: first by equal names, then files by their data (first block and
 * size), then by joliet_name_of.  Nothing is paired by position: two entries whose names
 * differ in a way these rules do not know stay apart (the imported one is hidden from Joliet,
 * the Joliet one added as Joliet-only: the new Joliet tree still lists what the old one did),
 * rather than pairing a directory hidden from Joliet with another one hidden from Rock Ridge. */
static void pair_entries(struct kid *k, size_t n, const struct img_joliet_entry *je, size_t nj,
			 bool *used)
{
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < n; i++) {
			const char *name = iso_node_get_name(k[i].node);
			for (size_t e = 0; e < nj && k[i].je == NULL; e++) {
				if (used[e] || !compatible(&k[i], &je[e]))
					continue;
				bool same = pass == 0   ? strcmp(je[e].name, name) == 0
					    : pass == 1 ? k[i].has_block && je[e].size > 0
							: joliet_name_of(name, &je[e]);
				if (same) {
					used[e] = true;
					k[i].je = &je[e];
				}
			}
		}
}

static int isofs_failed(struct jctx *c, int ret, const char *what, const char *name)
{
	char label[600];
	snprintf(label, sizeof(label), "%.200s: Joliet-only entry \"%.200s\": %s", c->s->name,
		 name, what);
	return img_image_isofs_error(c->img, ret, label);
}

/* Adds Joliet entry e under dir as an entry of the Joliet tree only; a directory with all the
 * Joliet tree lists below it. */
static int add_joliet_only(struct jctx *c, IsoDir *dir, const struct img_joliet_entry *e,
			   int depth)
{
	/* The Joliet walk refused deeper trees already; this bounds the recursion anyway. */
	if (depth > IMG_ISO_MAX_DEPTH)
		return IMG_OK;
	IsoNode *node = NULL;
	int ret;
	if (e->dir) {
		IsoDir *sub = NULL;
		if ((ret = iso_tree_add_new_dir(dir, e->name, &sub)) < 0)
			return isofs_failed(c, ret, "cannot add it", e->name);
		node = (IsoNode *)sub;
		iso_node_set_permissions(node, S_IFDIR | 0555);
	} else {
		if (!e->contiguous)
			return img_error_set(img_image_err(c->img), IMG_EUNSUPPORTED,
					     "%s: Joliet-only file \"%s\": its extents are not "
					     "contiguous, which cannot be copied", c->s->name, e->name);
		IsoStream *st = NULL;
		int rc = c->s->new_stream(c->s->arg, e->extent, e->size, &st);
		if (rc != IMG_OK)
			return img_error_set(img_image_err(c->img), rc, "%s: Joliet-only file \"%s\"",
					     c->s->name, e->name);
		IsoFile *f = NULL;
		if ((ret = iso_tree_add_new_file(dir, e->name, st, &f)) < 0) {
			iso_stream_unref(st);
			return isofs_failed(c, ret, "cannot add it", e->name);
		}
		node = (IsoNode *)f;
		iso_node_set_permissions(node, S_IFREG | 0444);
	}
	if (e->mtime != 0) {
		iso_node_set_mtime(node, (time_t)e->mtime);
		iso_node_set_atime(node, (time_t)e->mtime);
		iso_node_set_ctime(node, (time_t)e->mtime);
	}
	/* Out of the ISO 9660 / Rock Ridge tree (and the ISO 9660:1999 and HFS+ ones, which
	 * the old image's Joliet-only entries were not in either). */
	iso_node_set_hidden(node, LIBISO_HIDE_ON_RR | LIBISO_HIDE_ON_1999 | LIBISO_HIDE_ON_HFSPLUS);
	c->added++;
	if (!e->dir)
		return IMG_OK;
	size_t nj = 0;
	const struct img_joliet_entry *je = img_joliet_index_list(c->ix, e->extent, &nj);
	for (size_t i = 0; i < nj; i++) {
		int rc = add_joliet_only(c, (IsoDir *)node, &je[i], depth + 1);
		if (rc != IMG_OK)
			return rc;
	}
	return IMG_OK;
}

static int pair_dir(struct jctx *c, IsoDir *dir, uint32_t jextent, int depth)
{
	if (depth > IMG_ISO_MAX_DEPTH)
		return IMG_OK;
	size_t nj = 0;
	const struct img_joliet_entry *je = img_joliet_index_list(c->ix, jextent, &nj);
	int n = iso_dir_get_children_count(dir);
	struct kid *k = calloc(n > 0 ? (size_t)n : 1, sizeof(*k));
	bool *used = calloc(nj ? nj : 1, sizeof(*used));
	IsoDirIter *it = NULL;
	if (k == NULL || used == NULL || iso_dir_get_children(dir, &it) < 0) {
		free(k);
		free(used);
		return img_error_set(img_image_err(c->img), IMG_ENOMEM, "%s: Joliet tree",
				     c->s->name);
	}
	size_t m = 0;
	IsoNode *node;
	while (m < (size_t)(n > 0 ? n : 0) && iso_dir_iter_next(it, &node) == 1) {
		enum IsoNodeType t = iso_node_get_type(node);
		/* Joliet holds no symlinks or device files: those are kept out of it anyway. */
		if (t == LIBISO_SYMLINK || t == LIBISO_SPECIAL)
			continue;
		k[m] = (struct kid){ .node = node, .dir = t == LIBISO_DIR };
		k[m].has_block = node_old_block(node, &k[m].block);
		m++;
	}
	iso_dir_iter_free(it);
	pair_entries(k, m, je, nj, used);
	int rc = IMG_OK;
	for (size_t i = 0; i < m && rc == IMG_OK; i++) {
		if (k[i].je == NULL) {
			/* El Torito's catalog is made anew by the boot setup, which says
			 * where it is listed */
			if (iso_node_get_type(k[i].node) == LIBISO_BOOT) {
				c->catalog_unlisted = true;
				continue;
			}
			int h = iso_node_get_hidden(k[i].node);
			if (!(h & LIBISO_HIDE_ON_JOLIET)) {
				iso_node_set_hidden(k[i].node, h | LIBISO_HIDE_ON_JOLIET);
				c->hidden++;
			}
		} else if (k[i].dir) {
			rc = pair_dir(c, (IsoDir *)k[i].node, k[i].je->extent, depth + 1);
		}
	}
	/* An unpaired Joliet entry whose name an imported entry has already is that entry under
	 * names these rules did not pair (the data differing, as a catalog's may): one node
	 * cannot have two names, and the imported one stays. */
	for (size_t e = 0; e < nj && rc == IMG_OK; e++) {
		IsoNode *same = NULL;
		if (!used[e] && iso_dir_get_node(dir, je[e].name, &same) != 1)
			rc = add_joliet_only(c, dir, &je[e], depth);
	}
	free(k);
	free(used);
	return rc;
}

int img_import_joliet(struct img_image *img, const struct img_import_joliet_src *s,
		      IsoDir *root, unsigned *hidden, unsigned *added, bool *catalog_unlisted)
{
	*hidden = *added = 0;
	*catalog_unlisted = false;
	struct img_joliet_index *ix = NULL;
	struct img_error e;
	int rc = img_joliet_index_read(s->src, s->start, &ix, &e);
	if (rc != IMG_OK)
		return img_error_set(img_image_err(img), rc, "%s: Joliet tree: %s", s->name,
				     e.detail);
	if (ix == NULL)
		return IMG_OK;
	struct jctx c = { img, s, ix, 0, 0, false };
	rc = pair_dir(&c, root, img_joliet_index_root(ix), 1);
	img_joliet_index_free(ix);
	*hidden = c.hidden;
	*added = c.added;
	*catalog_unlisted = c.catalog_unlisted;
	return rc;
}
