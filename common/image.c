/* Building an ISO9660 image (Rock Ridge, Joliet) from a source tree, on libisofs. */
#include "common/image_priv.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Joliet (Joliet spec 3.1): names of at most 64 UCS-2 characters, paths of at most 240 bytes;
 * libisofs's "long names" relax the first to 103. */
#define JOLIET_NAME_MAX 64
#define JOLIET_LONG_NAME_MAX 103
#define JOLIET_PATH_MAX 240

static bool isofs_ready;

/* libisofs keeps global state: initialise it once, make it queue its messages for us instead
 * of printing them, treat file-level trouble (MISHAP: a file that cannot be read or changed
 * size) as fatal instead of writing zeros, and take every name as UTF-8 whatever the locale
 * says (with LC_ALL=C it would otherwise mangle every non-ASCII name). */
static int isofs_setup(struct img_error *err)
{
	if (isofs_ready)
		return IMG_OK;
	int ret = iso_init();
	if (ret < 0)
		return img_error_set(err, IMG_EISOFS, "cannot initialise libisofs: %s",
				     iso_error_to_msg(ret));
	iso_set_msgs_severities("NOTE", "NEVER", "libisofs");
	iso_set_abort_severity("MISHAP");
	iso_set_local_charset("UTF-8", 0);
	isofs_ready = true;
	return IMG_OK;
}

void img_image_opts_default(struct img_image_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iso_level = 3;
	o->rock = true;
	o->joliet = true;
	o->volid = "CDROM";
}

static void note(struct img_image *img, enum img_note_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct img_image *img, enum img_note_kind kind, const char *fmt, ...)
{
	if (img->note == NULL)
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	img->note(img->note_arg, kind, text);
}

static int severity_rank(const char *sev)
{
	static const char *const order[] = { "NOTE", "HINT", "WARNING", "SORRY", "MISHAP",
					     "FAILURE", "FATAL" };
	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (strcmp(sev, order[i]) == 0)
			return i + 1;
	return 0;
}

/* Empties libisofs's message queue: warnings and notes go to the note callback, and the first
 * of the most severe errors (SORRY and up) is copied to worst (if not NULL). */
static void drain_messages(struct img_image *img, char *worst, size_t worst_len)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, id, best = 0;
	while (iso_obtain_msgs("ALL", &code, &id, text, sev) > 0) {
		int rank = severity_rank(sev);
		if (rank >= 4) {
			if (rank > best && worst != NULL) {
				best = rank;
				snprintf(worst, worst_len, "%s", text);
			}
		} else if (rank == 3) {
			note(img, IMG_NOTE_WARN, "libisofs: %s", text);
		} else if (rank > 0) {
			note(img, IMG_NOTE_INFO, "libisofs: %s", text);
		}
	}
}

int img_image_isofs_error(struct img_image *img, int ret, const char *what)
{
	char worst[ISO_MSGS_MESSAGE_LEN] = "";
	drain_messages(img, worst, sizeof(worst));
	return img_error_set(&img->err, IMG_EISOFS, "%s: %s%s%s", what, iso_error_to_msg(ret),
			     worst[0] ? ": " : "", worst);
}

int img_image_new(const struct img_image_opts *o, img_note_fn note_fn, void *arg,
		  struct img_image **out, struct img_error *err)
{
	if (o->iso_level < 1 || o->iso_level > 3)
		return img_error_set(err, IMG_EINVAL, "ISO level %d (want 1, 2 or 3)",
				     o->iso_level);
	int rc = isofs_setup(err);
	if (rc != IMG_OK)
		return rc;
	struct img_image *img = calloc(1, sizeof(*img));
	if (img == NULL)
		return img_error_set(err, IMG_ENOMEM, "image");
	img->opts = *o;
	img->note = note_fn;
	img->note_arg = arg;
	int ret = iso_image_new(o->volid ? o->volid : "", &img->iso);
	if (ret < 0) {
		free(img);
		return img_error_set(err, IMG_EISOFS, "cannot create image: %s",
				     iso_error_to_msg(ret));
	}
	if (o->volset)
		iso_image_set_volset_id(img->iso, o->volset);
	if (o->publisher)
		iso_image_set_publisher_id(img->iso, o->publisher);
	if (o->preparer)
		iso_image_set_data_preparer_id(img->iso, o->preparer);
	if (o->appid)
		iso_image_set_application_id(img->iso, o->appid);
	if (o->sysid)
		iso_image_set_system_id(img->iso, o->sysid);
	/* We never read ACLs or xattrs (our tree holds none): keep libisofs from looking. */
	iso_image_set_ignore_aclea(img->iso, 3);

	ret = iso_write_opts_new(&img->wopts, 0);
	if (ret < 0) {
		iso_image_unref(img->iso);
		free(img);
		return img_error_set(err, IMG_EISOFS, "cannot create write options: %s",
				     iso_error_to_msg(ret));
	}
	IsoWriteOpts *w = img->wopts;
	iso_write_opts_set_iso_level(w, o->iso_level);
	iso_write_opts_set_rockridge(w, o->rock);
	iso_write_opts_set_joliet(w, o->joliet);
	iso_write_opts_set_joliet_long_names(w, o->joliet_long);
	/* RRIP 1.12 PX inode numbers, one per distinct content: hard links stay hard links. */
	iso_write_opts_set_hardlinks(w, o->rock);
	iso_write_opts_set_aaip(w, 0);
	/* Session and per-file MD5 (libisofs's checksum array and tag), for imginfo --verify. */
	iso_write_opts_set_record_md5(w, 1, 1);
	/* File data goes in the order of our sort weights, never in libisofs's inode order. */
	iso_write_opts_set_sort_files(w, 1);
	/* Directory records carry each node's mtime (not the time of writing), in GMT, so that
	 * neither the clock nor TZ reaches the image. */
	iso_write_opts_set_dir_rec_mtime(w, 7);
	iso_write_opts_set_always_gmt(w, 1);
	iso_write_opts_set_output_charset(w, "UTF-8");
	/* ECMA-119 6.8.2.1 allows 8 directory levels.  Relocating deeper directories (RRIP
	 * 4.1.5) makes libisofs create its relocation directory with the clock's date and mode
	 * 0, or put them in the root where libarchive rejects them ("Invalid Rockridge RE").
	 * Like xorriso, keep them in place: every reader we test with follows them.  Without
	 * Rock Ridge libisofs would drop deep or long paths instead: keep those too. */
	iso_write_opts_set_allow_deep_paths(w, 1);
	if (!o->rock)
		iso_write_opts_set_allow_longer_paths(w, 1);
	/* The dot ISO9660 7.5.1 demands in every file name has no place in Joliet names. */
	iso_write_opts_set_no_force_dots(w, 2);
	if (o->modification_date != NULL) {
		char uuid[17];
		snprintf(uuid, sizeof(uuid), "%s", o->modification_date);
		iso_write_opts_set_pvd_times(w, 0, 0, 0, 0, uuid);
	} else if (o->have_epoch) {
		/* ECMA-119 8.4.26-27: creation and modification dates from SOURCE_DATE_EPOCH; the
		 * "uuid" form writes them as fixed GMT digits, free of timezone effects. */
		char uuid[40];
		time_t t = (time_t)o->epoch;
		struct tm tm;
		if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year < 0) {
			img_image_free(img);
			return img_error_set(err, IMG_EINVAL, "SOURCE_DATE_EPOCH %lld out of range",
					     o->epoch);
		}
		snprintf(uuid, sizeof(uuid), "%04d%02d%02d%02d%02d%02d00", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		iso_write_opts_set_pvd_times(w, t, t, 0, 0, uuid);
	}
	*out = img;
	return IMG_OK;
}

void img_image_free(struct img_image *img)
{
	if (img == NULL)
		return;
	if (img->bs != NULL) {
		img_image_cancel(img);
		/* What libburn's burn_source_free() does for the last reference; joins the
		 * libisofs writer thread. */
		img->bs->free_data(img->bs);
		free(img->bs);
		img->bs = NULL;
	}
	if (img->wopts)
		iso_write_opts_free(img->wopts);
	if (img->iso)
		iso_image_unref(img->iso);
	drain_messages(img, NULL, 0);
	img_udf_bridge_free(img->udf);
	free(img->files);
	free(img->file_end);
	free(img->file_weight);
	free(img->replaced_catalog);
	free(img);
}

/* ---- file contents ----
 * A minimal IsoStream for a regular file (until the fast stream of common/stream.c replaces
 * file_stream_new: the swap is that one call).  Unlike libisofs's own file source it never
 * pads or truncates: a size different from the walk's fails the read, with the path kept in
 * the image's fault slot. */

struct file_stream {
	const char *path;            /* borrowed from the tree */
	off_t size;
	dev_t dev;
	ino_t ino;
	int fd;
	off_t pos;
	struct img_stream_fault *fault;
};

static int file_fault(struct file_stream *f, int code, int errnum, const char *what)
{
	f->fault->code = code;
	if (errnum)
		snprintf(f->fault->detail, sizeof(f->fault->detail), "%s: %s: %s", f->path, what,
			 strerror(errnum));
	else
		snprintf(f->fault->detail, sizeof(f->fault->detail), "%s: %s", f->path, what);
	return (int)ISO_FILE_READ_ERROR;
}

static int fs_open(IsoStream *s)
{
	struct file_stream *f = s->data;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (f->fd < 0)
		return file_fault(f, IMG_EIO, errno, "cannot open");
	f->pos = 0;
	return ISO_SUCCESS;
}

static int fs_close(IsoStream *s)
{
	struct file_stream *f = s->data;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	return ISO_SUCCESS;
}

static off_t fs_get_size(IsoStream *s)
{
	return ((struct file_stream *)s->data)->size;
}

static int fs_read(IsoStream *s, void *buf, size_t count)
{
	struct file_stream *f = s->data;
	if (f->fd < 0)
		return (int)ISO_FILE_ERROR;
	off_t left = f->size - f->pos;
	if ((off_t)count > left)
		count = (size_t)left;
	size_t got = 0;
	while (got < count) {
		ssize_t n = read(f->fd, (char *)buf + got, count - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return file_fault(f, IMG_EIO, errno, "read error");
		if (n == 0)
			return file_fault(f, IMG_ECHANGED, 0, "file shrank while being read");
		got += (size_t)n;
	}
	f->pos += (off_t)got;
	if (f->pos == f->size && count > 0) {
		/* One byte more than the walk saw means the file grew: fail rather than cut. */
		char extra;
		ssize_t n;
		do
			n = read(f->fd, &extra, 1);
		while (n < 0 && errno == EINTR);
		if (n > 0)
			return file_fault(f, IMG_ECHANGED, 0, "file grew while being read");
	}
	return (int)got;
}

static int fs_is_repeatable(IsoStream *s)
{
	(void)s;
	return 1;
}

/* An fs_id of our own so that these ids never meet libisofs's local-filesystem ones. */
#define FILE_STREAM_FS_ID 0x696d6731u

static void fs_get_id(IsoStream *s, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
	struct file_stream *f = s->data;
	*fs_id = FILE_STREAM_FS_ID;
	*dev_id = f->dev;
	*ino_id = f->ino;
}

static void fs_free(IsoStream *s)
{
	struct file_stream *f = s->data;
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

static int fs_update_size(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static IsoStream *fs_get_input_stream(IsoStream *s, int flag)
{
	(void)s;
	(void)flag;
	return NULL;
}

/* Same device and inode: same content (hard links), stored once. */
static int fs_cmp_ino(IsoStream *a, IsoStream *b)
{
	const struct file_stream *x = a->data, *y = b->data;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static IsoStreamIface file_stream_class = {
	.version = 3,
	.type = "user",
	.open = fs_open,
	.close = fs_close,
	.get_size = fs_get_size,
	.read = fs_read,
	.is_repeatable = fs_is_repeatable,
	.get_id = fs_get_id,
	.free = fs_free,
	.update_size = fs_update_size,
	.get_input_stream = fs_get_input_stream,
	.cmp_ino = fs_cmp_ino,
};

static int file_stream_new(struct img_image *img, const char *path, const struct stat *st,
			   IsoStream **out)
{
	IsoStream *s = calloc(1, sizeof(*s));
	struct file_stream *f = calloc(1, sizeof(*f));
	if (s == NULL || f == NULL) {
		free(s);
		free(f);
		return img_error_set(&img->err, IMG_ENOMEM, "%s", path);
	}
	f->path = path;
	f->size = st->st_size;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->fd = -1;
	f->fault = &img->fault;
	s->class = &file_stream_class;
	s->refcount = 1;
	s->data = f;
	*out = s;
	return IMG_OK;
}

/* ---- adding the tree ---- */

/* A regular file of the tree, in walk order. */
struct file_ent {
	const struct img_tree_node *node;
	size_t leader;   /* first entry with the same device and inode (hard links) */
	int weight;      /* the weight we give libisofs: data order, see order_files */
};

struct add_ctx {
	struct img_image *img;
	struct file_ent *ents;
	size_t nents, cap, next;
	int joliet_max;
	size_t joliet_short, joliet_long_paths, joliet_rr_only;
};

static int collect_files(struct add_ctx *c, const struct img_tree_node *dir)
{
	for (size_t i = 0; i < img_node_count(dir); i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		const struct stat *st = img_node_stat(k);
		if (S_ISDIR(st->st_mode)) {
			int rc = collect_files(c, k);
			if (rc != IMG_OK)
				return rc;
		} else if (S_ISREG(st->st_mode)) {
			if (c->nents == c->cap) {
				size_t cap = c->cap ? c->cap * 2 : 256;
				struct file_ent *e = realloc(c->ents, cap * sizeof(*e));
				if (e == NULL)
					return img_error_set(&c->img->err, IMG_ENOMEM, "image");
				c->ents = e;
				c->cap = cap;
			}
			c->ents[c->nents] = (struct file_ent){ .node = k, .leader = c->nents };
			c->nents++;
		}
	}
	return IMG_OK;
}

static const struct file_ent *sort_ents;

static int cmp_devino(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct stat *x = img_node_stat(sort_ents[i].node);
	const struct stat *y = img_node_stat(sort_ents[j].node);
	if (x->st_dev != y->st_dev)
		return x->st_dev < y->st_dev ? -1 : 1;
	if (x->st_ino != y->st_ino)
		return x->st_ino < y->st_ino ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int cmp_data_order(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int wi = img_node_sort_weight(sort_ents[i].node);
	int wj = img_node_sort_weight(sort_ents[j].node);
	if (wi != wj)
		return wi > wj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Decides where file data goes: by -sort weight (heavier first), then in walk order, one
 * place per distinct content.  libisofs orders data by weight and otherwise by stream ids
 * (inode numbers, which differ between two copies of a tree), so every distinct content gets
 * a weight of its own: the image no longer depends on inode numbers. */
static int order_files(struct add_ctx *c)
{
	struct img_image *img = c->img;
	size_t n = c->nents;
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	if (idx == NULL)
		return img_error_set(&img->err, IMG_ENOMEM, "image");
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_ents = c->ents;
	qsort(idx, n, sizeof(*idx), cmp_devino);
	for (size_t i = 1; i < n; i++) {
		const struct stat *p = img_node_stat(c->ents[idx[i - 1]].node);
		const struct stat *q = img_node_stat(c->ents[idx[i]].node);
		if (p->st_dev == q->st_dev && p->st_ino == q->st_ino)
			c->ents[idx[i]].leader = c->ents[idx[i - 1]].leader;
	}
	size_t nu = 0;
	for (size_t i = 0; i < n; i++)
		if (c->ents[i].leader == i)
			idx[nu++] = i;
	qsort(idx, nu, sizeof(*idx), cmp_data_order);
	img->files = calloc(nu ? nu : 1, sizeof(*img->files));
	img->file_end = calloc(nu ? nu : 1, sizeof(*img->file_end));
	if (img->files == NULL || img->file_end == NULL) {
		free(idx);
		return img_error_set(&img->err, IMG_ENOMEM, "image");
	}
	img->nfiles = 0;
	for (size_t r = 0; r < nu; r++) {
		struct file_ent *e = &c->ents[idx[r]];
		e->weight = (int)(nu - r);
		off_t size = img_node_stat(e->node)->st_size;
		if (size > 0)
			img->files[img->nfiles++] = (struct img_data_file){
				.path = img_node_source(e->node),
				.blocks = ((uint64_t)size + IMG_BLOCK_SIZE - 1) / IMG_BLOCK_SIZE,
			};
	}
	for (size_t i = 0; i < n; i++)
		c->ents[i].weight = c->ents[c->ents[i].leader].weight;
	free(idx);
	return IMG_OK;
}

/* UTF-16 code units of a UTF-8 name (what Joliet counts); stray bytes count one each. */
static int utf16_len(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			n += *p >= 0xF0 ? 2 : 1;
	}
	return n;
}

mode_t img_image_rational_mode(mode_t mode)
{
	/* Like mkisofs -r: readable by all, writable by none, executable by all where anyone
	 * could execute (directories: searchable by all). */
	mode_t perm = (mode & 07777) | 0444;
	perm &= ~(mode_t)0222;
	if (S_ISDIR(mode) || (mode & 0111))
		perm |= 0111;
	return perm;
}

static void set_attrs(struct add_ctx *c, IsoNode *node, const struct img_tree_node *n)
{
	const struct img_image_opts *o = &c->img->opts;
	const struct stat *st = img_node_stat(n);
	time_t t = st->st_mtime;
	if (o->have_epoch && (long long)t > o->epoch)
		t = (time_t)o->epoch;
	/* atime and ctime say when a copy was read or made, not what it holds: recording the
	 * mtime in their place keeps two copies of one tree byte-identical. */
	iso_node_set_mtime(node, t);
	iso_node_set_atime(node, t);
	iso_node_set_ctime(node, t);
	if (o->rationalize) {
		iso_node_set_permissions(node, img_image_rational_mode(st->st_mode));
		iso_node_set_uid(node, 0);
		iso_node_set_gid(node, 0);
	} else {
		iso_node_set_permissions(node, st->st_mode & 07777);
		iso_node_set_uid(node, st->st_uid);
		iso_node_set_gid(node, st->st_gid);
	}
	int hide = img_node_hide(n), attrs = 0;
	if (hide & IMG_HIDE_ISO)
		attrs |= LIBISO_HIDE_ON_RR;
	if ((hide & IMG_HIDE_JOLIET) || !o->joliet)
		attrs |= LIBISO_HIDE_ON_JOLIET;
	/* Joliet has no symlinks or device files: they live in the Rock Ridge tree only.  We
	 * leave them out ourselves, which libisofs would do anyway with a warning per entry. */
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode) && !(attrs & LIBISO_HIDE_ON_JOLIET)) {
		attrs |= LIBISO_HIDE_ON_JOLIET;
		c->joliet_rr_only++;
	}
	if ((hide & IMG_HIDE_ISO) && (hide & IMG_HIDE_JOLIET))
		attrs |= LIBISO_HIDE_BUT_WRITE; /* as mkisofs: hidden entries keep their data */
	if (attrs)
		iso_node_set_hidden(node, attrs);
}

static char *child_path(const char *ipath, const char *name)
{
	size_t len = strlen(ipath) + strlen(name) + 2;
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s/%s", ipath, name);
	return p;
}

static int add_dir(struct add_ctx *c, IsoDir *parent, const struct img_tree_node *dir,
		   const char *ipath, int jpath)
{
	struct img_image *img = c->img;
	int rc = IMG_OK;
	for (size_t i = 0; i < img_node_count(dir) && rc == IMG_OK; i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		const struct stat *st = img_node_stat(k);
		const char *name = img_node_name(k);
		char *path = child_path(ipath, name);
		if (path == NULL)
			return img_error_set(&img->err, IMG_ENOMEM, "image");
		/* Joliet (see joliet.c of libisofs): a name over the limit is cut and made unique
		 * by libisofs; a path over 240 bytes would make libisofs drop the file from the
		 * Joliet tree, so we keep it there (longer paths) and say so. */
		int jlen = utf16_len(name), jcut = jlen;
		int jchild = jpath;
		if (img->opts.joliet && !(img_node_hide(k) & IMG_HIDE_JOLIET)) {
			if (jlen > c->joliet_max) {
				jcut = c->joliet_max;
				c->joliet_short++;
				note(img, IMG_NOTE_INFO,
				     "Joliet name shortened to %d characters: %s", jcut, path);
			}
			jchild = jpath + 1 + 2 * jcut;
			if (jchild > JOLIET_PATH_MAX) {
				c->joliet_long_paths++;
				note(img, IMG_NOTE_INFO, "Joliet path longer than %d bytes: %s",
				     JOLIET_PATH_MAX, path);
			}
		}
		IsoNode *node = NULL;
		int ret;
		if (S_ISDIR(st->st_mode)) {
			IsoDir *d;
			ret = iso_tree_add_new_dir(parent, name, &d);
			node = (IsoNode *)d;
			if (ret >= 0) {
				set_attrs(c, node, k);
				rc = add_dir(c, d, k, path, jchild);
			}
		} else if (S_ISREG(st->st_mode)) {
			struct file_ent *e = &c->ents[c->next++];
			/* The stream's identity (which libisofs uses to find hard links and to number
			 * PX inodes) is the content's rank in walk order, not the disk's inode
			 * number: two copies of a tree then number everything alike. */
			struct stat id = *st;
			id.st_dev = 0;
			id.st_ino = (ino_t)e->leader + 1;
			IsoStream *s = NULL;
			rc = file_stream_new(img, img_node_source(k), &id, &s);
			if (rc != IMG_OK) {
				free(path);
				return rc;
			}
			IsoFile *f;
			ret = iso_tree_add_new_file(parent, name, s, &f);
			if (ret < 0) {
				iso_stream_unref(s);
			} else {
				node = (IsoNode *)f;
				set_attrs(c, node, k);
				iso_node_set_sort_weight(node, e->weight);
			}
		} else if (S_ISLNK(st->st_mode)) {
			IsoSymlink *l;
			ret = iso_tree_add_new_symlink(parent, name, img_node_link(k), &l);
			if (ret >= 0) {
				node = (IsoNode *)l;
				set_attrs(c, node, k);
			}
		} else {
			IsoSpecial *sp;
			ret = iso_tree_add_new_special(parent, name, st->st_mode, st->st_rdev, &sp);
			if (ret >= 0) {
				node = (IsoNode *)sp;
				set_attrs(c, node, k);
			}
		}
		if (ret < 0)
			rc = img_image_isofs_error(img, ret, path);
		free(path);
	}
	return rc;
}

struct add_job {
	struct add_ctx *c;
	const struct img_tree_node *root;
	int rc;
};

static void *add_all(void *arg)
{
	struct add_job *job = arg;
	struct add_ctx *c = job->c;
	job->rc = collect_files(c, job->root);
	if (job->rc == IMG_OK)
		job->rc = order_files(c);
	if (job->rc == IMG_OK) {
		IsoDir *iroot = iso_image_get_root(c->img->iso);
		set_attrs(c, (IsoNode *)iroot, job->root);
		job->rc = add_dir(c, iroot, job->root, "", 1);
	}
	return NULL;
}

int img_image_add_tree(struct img_image *img, const struct img_tree *tree)
{
	struct add_ctx c = {
		.img = img,
		.joliet_max = img->opts.joliet_long ? JOLIET_LONG_NAME_MAX : JOLIET_NAME_MAX,
	};
	struct add_job job = { .c = &c, .root = img_tree_root(tree) };
	/* libisofs numbers directories (and symlinks) for Rock Ridge PX inodes in the order of
	 * their IsoNode addresses (iso_node_cmp_flag in node.c compares pointers), and offers
	 * no call to set those numbers.  Addresses depend on what the heap held before, which
	 * differs between two copies of a tree (their disk paths differ).  A thread of its own
	 * starts with a fresh malloc arena and cache, so the nodes it allocates are laid out by
	 * the sequence of allocations alone, which depends only on the image's content: the
	 * numbering, and so the image, comes out the same for every copy. */
	pthread_t th;
	if (pthread_create(&th, NULL, add_all, &job) != 0)
		add_all(&job);
	else
		pthread_join(th, NULL);
	int rc = job.rc;
	if (rc == IMG_OK) {
		/* The UDF bridge finds each file's data by its weight. */
		img->tree = tree;
		img->file_weight = malloc((c.nents ? c.nents : 1) * sizeof(*img->file_weight));
		if (img->file_weight == NULL)
			rc = img_error_set(&img->err, IMG_ENOMEM, "image");
		for (size_t i = 0; rc == IMG_OK && i < c.nents; i++)
			img->file_weight[i] = c.ents[i].weight;
		img->nfile_weight = c.nents;
	}
	free(c.ents);
	if (rc != IMG_OK)
		return rc;
	if (c.joliet_short)
		note(img, IMG_NOTE_WARN,
		     "%zu name%s too long for Joliet: kept there under shortened unique names"
		     " (-v lists them)", c.joliet_short, c.joliet_short == 1 ? "" : "s");
	if (c.joliet_rr_only)
		note(img, IMG_NOTE_INFO,
		     "%zu symlink%s or special file%s in the Rock Ridge tree only (Joliet cannot"
		     " hold them)", c.joliet_rr_only, c.joliet_rr_only == 1 ? "" : "s",
		     c.joliet_rr_only == 1 ? "" : "s");
	if (c.joliet_long_paths) {
		/* Joliet 3.1 caps paths at 240 bytes; rather than drop the files from the Joliet
		 * view, as libisofs and xorriso do, we keep them with longer paths. */
		iso_write_opts_set_joliet_longer_paths(img->wopts, 1);
		note(img, IMG_NOTE_WARN,
		     "%zu Joliet path%s longer than %d bytes: kept in the Joliet tree beyond the"
		     " Joliet limit (-v lists them)", c.joliet_long_paths,
		     c.joliet_long_paths == 1 ? "" : "s", JOLIET_PATH_MAX);
	}
	drain_messages(img, NULL, 0);
	return IMG_OK;
}

/* ---- producing the stream ---- */

int img_image_size(struct img_image *img, uint64_t *blocks)
{
	struct burn_source *bs;
	/* will_cancel: libisofs computes the layout and starts no writer thread, so not a byte
	 * of file content is read. */
	iso_write_opts_set_will_cancel(img->wopts, 1);
	int ret = iso_image_create_burn_source(img->iso, img->wopts, &bs);
	iso_write_opts_set_will_cancel(img->wopts, 0);
	if (ret < 0)
		return img_image_isofs_error(img, ret, "cannot lay out the image");
	*blocks = (uint64_t)bs->get_size(bs) / IMG_BLOCK_SIZE;
	if (img->udf != NULL)
		*blocks += img_udf_bridge_offset(img->udf);
	bs->cancel(bs);
	bs->free_data(bs);
	free(bs);
	drain_messages(img, NULL, 0);
	return IMG_OK;
}

int img_image_start(struct img_image *img, uint64_t *bytes)
{
	if (img->bs != NULL)
		return img_error_set(&img->err, IMG_EINVAL, "image already started");
	memset(&img->fault, 0, sizeof(img->fault));
	int ret = iso_image_create_burn_source(img->iso, img->wopts, &img->bs);
	if (ret < 0) {
		img->bs = NULL;
		return img_image_isofs_error(img, ret, "cannot start writing the image");
	}
	img->total = (uint64_t)img->bs->get_size(img->bs);
	img->done = 0;
	uint32_t data_start = 0;
	if (iso_write_opts_get_data_start(img->wopts, &data_start, 0) < 0)
		data_start = 0;
	uint64_t end = (uint64_t)data_start * IMG_BLOCK_SIZE;
	for (size_t i = 0; i < img->nfiles; i++) {
		end += img->files[i].blocks * IMG_BLOCK_SIZE;
		img->file_end[i] = end;
	}
	drain_messages(img, NULL, 0);
	*bytes = img->total;
	if (img->udf != NULL)
		return img_udf_bridge_start(img, bytes);
	return IMG_OK;
}

int img_image_read(struct img_image *img, void *buf, size_t len, size_t *got)
{
	if (img->udf != NULL && img->bs != NULL)
		return img_udf_bridge_read(img, buf, len, got);
	return img_image_stream_read(img, buf, len, got);
}

int img_image_stream_read(struct img_image *img, void *buf, size_t len, size_t *got)
{
	*got = 0;
	if (img->bs == NULL)
		return img_error_set(&img->err, IMG_EINVAL, "image not started");
	uint64_t left = img->total - img->done;
	if (left == 0)
		return IMG_OK;
	/* libisofs's burn source hands out only whole buffers except at the very end: never
	 * ask past the end, or a short last piece would read as end of stream. */
	if ((uint64_t)len > left)
		len = (size_t)left;
	if (len > INT32_MAX)
		len = (size_t)1 << 30;
	struct burn_source *bs = img->bs;
	int n = bs->read_xt ? bs->read_xt(bs, buf, (int)len) : bs->read(bs, buf, (int)len);
	if (n < 0) {
		if (img->fault.code != IMG_OK) {
			drain_messages(img, NULL, 0);
			return img_error_set(&img->err, img->fault.code, "%s", img->fault.detail);
		}
		return img_image_isofs_error(img, (int)ISO_BUF_READ_ERROR,
					     "error while producing the image");
	}
	if (n == 0 || (size_t)n != len) {
		if (img->fault.code != IMG_OK)
			return img_error_set(&img->err, img->fault.code, "%s", img->fault.detail);
		return img_image_isofs_error(img, (int)ISO_BUF_READ_ERROR,
					     "image stream ended early");
	}
	img->done += (uint64_t)n;
	*got = (size_t)n;
	return IMG_OK;
}

void img_image_cancel(struct img_image *img)
{
	if (img->bs != NULL && img->bs->cancel != NULL)
		img->bs->cancel(img->bs);
}

const char *img_image_file_at(const struct img_image *img, uint64_t offset)
{
	size_t lo = 0, hi = img->nfiles;
	if (img->bs == NULL || hi == 0)
		return NULL;
	uint64_t start = img->file_end[0] - img->files[0].blocks * IMG_BLOCK_SIZE;
	if (offset < start || offset >= img->file_end[hi - 1])
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->file_end[mid] <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return img->files[lo].path;
}

const struct img_error *img_image_error(const struct img_image *img)
{
	return &img->err;
}
