/* Rock Ridge PX serial numbers that depend on the image's content alone.
 *
 * What libisofs 1.5.4 does, beyond its API, and what this file relies on (read in its source,
 * ecma119_tree.c match_hardlinks and family_set_ino, node.c iso_node_cmp_flag and
 * iso_node_get_id, image.c img_give_ino_number):
 * - While it builds the ECMA-119 tree (inside iso_image_create_burn_source), libisofs puts
 *   every node of the tree into one array and sorts it with iso_node_cmp_flag: by type first,
 *   then, for nodes with an explicit image inode number (an xinfo whose function is libisofs's
 *   internal iso_px_ino_xinfo_func, data a malloc'd ino_t), by that number; without one, files
 *   by stream identity and directories and symlinks or special files without a device/inode
 *   by their NODE ADDRESS.  It then hands out PX serials in that order: a family's explicit
 *   number verbatim (unless it repeats the previous family's or exceeds 32 bits), otherwise
 *   the next value of a per-image counter (img_give_ino_number: 1, 2, ... and never reset
 *   between two burn sources of one image).  With no explicit numbers the serials of
 *   directories and symlinks thus follow where malloc put their nodes: the bytes changed with
 *   the allocator (MALLOC_ARENA_MAX=1, jemalloc, ASan), with earlier images built in the
 *   process and with the thread that built the tree.
 * - Files belong to one hard-link family when they sort as equal: same explicit number (or
 *   same stream identity without one) and the same mode, owner, times and AAIP string.
 *   iso_node_cmp_ino() is that very comparison (iso_node_cmp_flag with bit0), public.
 * - The explicit numbers change nothing else: file data sharing and order go by stream
 *   identity and sort weight (filesrc.c), never by node numbers, and the ino xinfo is not
 *   written into the image (AAIP carries aaip_xinfo_func's data only).  Checked by comparing
 *   images made before and after this file (tests/tools/px_serials.py same-but-serials):
 *   only PX serial fields differ, and with --md5 the checksums that hash them.
 * So we give every node an explicit number: in the tree's own path order, hard-link families
 * one number.  Every node of the ECMA-119 tree comes from a node of the IsoImage tree (the El
 * Torito catalog too) or is a placeholder copying one's number, so libisofs's counter hands
 * out nothing and cannot collide with ours.  The exceptions would be a relocation directory
 * libisofs creates itself ("rr_moved": never, as we write with allow_deep_paths and set no
 * rr_reloc_dir) and a family repeating the previous family's number (never: equal numbers
 * are only given to nodes that compare equal, and those libisofs puts in one family).
 * tests/e2e/mkimage-reproducible-heap.sh checks with pycdlib that the serials are distinct,
 * non-zero and shared by hard links only, with a boot catalog and 12-level directories.
 *
 * The setter of explicit numbers (iso_node_set_ino) and iso_px_ino_xinfo_func are not
 * exported, but iso_node_add_xinfo() and iso_node_get_next_xinfo() are, and libisofs gives
 * every node it imports from an image with PX serials (the root included) that xinfo.  So we
 * learn the function's address once per process from the root of a tiny image that libisofs
 * writes into memory and imports back, and check it by its effect before trusting it. */
#include "common/build/isofs_ino.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/grow.h"

#define BLOCK 2048u

/* ---- learning libisofs's ino xinfo function ---- */

static pthread_once_t learn_once = PTHREAD_ONCE_INIT;
static iso_node_xinfo_func ino_proc;  /* NULL: not learnt (learn_why says why) */
static const char *learn_why = "not tried";

struct mem_image {
	uint8_t *bytes;
	size_t len;
};

static int mem_open(IsoDataSource *src)
{
	(void)src;
	return 1;
}

static int mem_read(IsoDataSource *src, uint32_t lba, uint8_t *buffer)
{
	const struct mem_image *m = src->data;
	if ((uint64_t)lba * BLOCK + BLOCK > m->len)
		return (int)ISO_DATA_SOURCE_FAILURE;
	memcpy(buffer, m->bytes + (size_t)lba * BLOCK, BLOCK);
	return 1;
}

static void mem_free(IsoDataSource *src)
{
	(void)src; /* the bytes belong to learn() */
}

/* The tiny image: an empty root, Rock Ridge with PX serials (the root's is 1). */
static bool write_tiny(struct mem_image *m)
{
	IsoImage *img = NULL;
	IsoWriteOpts *w = NULL;
	struct burn_source *bs = NULL;
	bool ok = false;
	if (iso_image_new("PXINO", &img) < 0)
		return false;
	if (iso_write_opts_new(&w, 0) < 0)
		goto out;
	if (iso_write_opts_set_rockridge(w, 1) < 0 || iso_write_opts_set_hardlinks(w, 1) < 0)
		goto out;
	if (iso_image_create_burn_source(img, w, &bs) < 0) {
		bs = NULL;
		goto out;
	}
	off_t size = bs->get_size(bs);
	if (size <= 0 || size % BLOCK != 0 || size > 16 * 1024 * 1024)
		goto out;
	m->bytes = malloc((size_t)size);
	if (m->bytes == NULL)
		goto out;
	m->len = (size_t)size;
	/* Read to the end: libisofs's writer thread then finishes of its own accord. */
	for (size_t at = 0; at < m->len; at += BLOCK)
		if (bs->read_xt(bs, m->bytes + at, BLOCK) != (int)BLOCK)
			goto out;
	ok = true;
out:
	if (bs != NULL) {
		if (!ok)
			bs->cancel(bs);
		bs->free_data(bs);
		free(bs);
	}
	iso_write_opts_free(w);
	iso_image_unref(img);
	return ok;
}

/* A directory with every property fixed, so that two of them differ only in xinfo. */
static IsoNode *plain_dir(IsoDir *root, const char *name)
{
	IsoDir *d;
	if (iso_tree_add_new_dir(root, name, &d) < 0)
		return NULL;
	IsoNode *n = (IsoNode *)d;
	iso_node_set_permissions(n, 0755);
	iso_node_set_uid(n, 0);
	iso_node_set_gid(n, 0);
	iso_node_set_mtime(n, 0);
	iso_node_set_atime(n, 0);
	iso_node_set_ctime(n, 0);
	return n;
}

static bool attach(IsoNode *n, iso_node_xinfo_func proc, ino_t ino)
{
	ino_t *data = malloc(sizeof(*data));
	if (data == NULL)
		return false;
	*data = ino;
	if (iso_node_add_xinfo(n, proc, data) != 1) {
		free(data);
		return false;
	}
	return true;
}

/* Whether proc is libisofs's ino xinfo function, by its effect: two directories compare equal
 * (iso_node_cmp_ino) only when both carry the same explicit number, and one with a smaller
 * number sorts first; without it directories compare by address, never equal. */
static bool is_ino_proc(iso_node_xinfo_func proc)
{
	IsoImage *img = NULL;
	if (iso_image_new("PXINO", &img) < 0)
		return false;
	IsoDir *root = iso_image_get_root(img);
	IsoNode *a = plain_dir(root, "a"), *b = plain_dir(root, "b"), *c = plain_dir(root, "c");
	bool ok = a != NULL && b != NULL && c != NULL && attach(a, proc, 7) && attach(b, proc, 7)
		  && attach(c, proc, 6) && iso_node_cmp_ino(a, b, 0) == 0
		  && iso_node_cmp_ino(b, a, 0) == 0 && iso_node_cmp_ino(c, a, 0) < 0
		  && iso_node_cmp_ino(a, c, 0) > 0;
	iso_image_unref(img);
	return ok;
}

static void learn(void)
{
	struct mem_image m = {0};
	IsoImage *img = NULL;
	IsoReadOpts *ro = NULL;
	IsoReadImageFeatures *features = NULL;
	IsoDataSource *src = calloc(1, sizeof(*src));
	learn_why = "out of memory";
	if (src == NULL)
		return;
	*src = (IsoDataSource){ .refcount = 1, .open = mem_open, .close = mem_open,
				.read_block = mem_read, .free_data = mem_free, .data = &m };
	learn_why = "cannot write the probe image";
	if (!write_tiny(&m))
		goto out;
	learn_why = "cannot import the probe image";
	if (iso_image_new("PXINO", &img) < 0 || iso_read_opts_new(&ro, 0) < 0)
		goto out;
	if (iso_image_import(img, src, ro, &features) < 0)
		goto out;
	learn_why = "no explicit inode number on an imported node";
	IsoNode *root = (IsoNode *)iso_image_get_root(img);
	void *handle = NULL, *data;
	iso_node_xinfo_func proc;
	while (iso_node_get_next_xinfo(root, &handle, &proc, &data) == 1) {
		if (proc == aaip_xinfo_func || proc == iso_hfsplus_xinfo_func)
			continue;
		if (is_ino_proc(proc)) {
			ino_proc = proc;
			break;
		}
	}
out:
	if (features != NULL)
		iso_read_image_features_destroy(features);
	if (ro != NULL)
		iso_read_opts_free(ro);
	if (img != NULL)
		iso_image_unref(img);
	iso_data_source_unref(src);
	free(m.bytes);
}

/* ---- numbering ---- */

/* A regular file of the tree and its place in path order. */
struct file_at {
	IsoNode *node;
	size_t at;
};

struct numbering {
	IsoNode **nodes;   /* the tree in path order */
	size_t n, cap;
	struct file_at *files;
	size_t nfiles, fcap;
};

static int collect(struct numbering *t, IsoNode *node)
{
	if (img_grow((void **)&t->nodes, &t->cap, t->n, sizeof(*t->nodes), 1024) != IMG_OK)
		return IMG_ENOMEM;
	size_t at = t->n;
	t->nodes[t->n++] = node;
	enum IsoNodeType type = iso_node_get_type(node);
	if (type == LIBISO_FILE) {
		if (img_grow((void **)&t->files, &t->fcap, t->nfiles, sizeof(*t->files), 1024)
		    != IMG_OK)
			return IMG_ENOMEM;
		t->files[t->nfiles++] = (struct file_at){ .node = node, .at = at };
	}
	if (type != LIBISO_DIR)
		return IMG_OK;
	IsoDirIter *it = NULL;
	if (iso_dir_get_children((IsoDir *)node, &it) < 0)
		return IMG_ENOMEM;
	IsoNode *kid;
	int rc = IMG_OK;
	/* libisofs keeps a directory's children sorted by name (iso_dir_add_node). */
	while (rc == IMG_OK && iso_dir_iter_next(it, &kid) == 1)
		rc = collect(t, kid);
	iso_dir_iter_free(it);
	return rc;
}

/* Hard-link families together (libisofs's own test), each in path order. */
static int cmp_family(const void *a, const void *b)
{
	const struct file_at *x = a, *y = b;
	int r = iso_node_cmp_ino(x->node, y->node, 0);
	if (r != 0)
		return r < 0 ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

int img_isofs_number_nodes(IsoImage *iso, bool keep_families, struct img_error *err)
{
	pthread_once(&learn_once, learn);
	if (ino_proc == NULL)
		return img_error_set(err, IMG_EISOFS,
				     "cannot give Rock Ridge inode numbers: %s", learn_why);
	struct numbering t = {0};
	ino_t *num = NULL;
	size_t *first = NULL; /* per node: the first of its hard-link family in path order */
	int rc = collect(&t, (IsoNode *)iso_image_get_root(iso));
	if (rc != IMG_OK)
		goto out;
	/* PX serials are 32 bits (RRIP 1.12 4.1.1); libisofs replaces wider ones by its own. */
	if ((uint64_t)t.n > UINT32_MAX) {
		rc = img_error_set(err, IMG_EISOFS, "more than %u entries for Rock Ridge inode "
				   "numbers", (unsigned)UINT32_MAX);
		goto out;
	}
	rc = IMG_ENOMEM;
	num = calloc(t.n ? t.n : 1, sizeof(*num));
	first = malloc((t.n ? t.n : 1) * sizeof(*first));
	if (num == NULL || first == NULL)
		goto out;
	/* Numbers of an earlier call go first, so that families are found as libisofs finds
	 * them without explicit numbers (the tree may have changed since: El Torito). */
	for (size_t i = 0; i < t.n; i++) {
		if (!keep_families)
			iso_node_remove_xinfo(t.nodes[i], ino_proc);
		first[i] = i;
	}
	qsort(t.files, t.nfiles, sizeof(*t.files), cmp_family);
	for (size_t k = 1; k < t.nfiles; k++)
		if (iso_node_cmp_ino(t.files[k - 1].node, t.files[k].node, 0) == 0)
			first[t.files[k].at] = first[t.files[k - 1].at];
	/* The numbers found decided the families: attach replaces them below. */
	for (size_t i = 0; keep_families && i < t.n; i++)
		iso_node_remove_xinfo(t.nodes[i], ino_proc);
	ino_t next = 0;
	rc = IMG_OK;
	for (size_t i = 0; i < t.n && rc == IMG_OK; i++) {
		num[i] = first[i] == i ? ++next : num[first[i]];
		if (!attach(t.nodes[i], ino_proc, num[i]))
			rc = IMG_ENOMEM;
	}
out:
	if (rc == IMG_ENOMEM)
		rc = img_error_set(err, IMG_ENOMEM, "Rock Ridge inode numbers");
	free(first);
	free(num);
	free(t.nodes);
	free(t.files);
	return rc;
}

bool img_isofs_set_ino(IsoNode *node, ino_t ino)
{
	pthread_once(&learn_once, learn);
	if (ino_proc == NULL)
		return false;
	iso_node_remove_xinfo(node, ino_proc);
	return attach(node, ino_proc, ino);
}
