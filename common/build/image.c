/* Building an ISO9660 image (Rock Ridge, Joliet) from a source tree, on libisofs. */
#include "common/build/image_ext.h"
#include "common/base/grow.h"
#include "common/build/import.h"
#include "common/build/isofs_ino.h"
#include "common/build/jigdo.h"
#include "common/build/isofs_md5fix.h"
#include "common/build/isofs_realign.h"
#include "common/build/stream.h"
#include "common/build/zisofs.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Joliet (Joliet spec 3.1): names of at most 64 UCS-2 characters, paths of at most 240 bytes;
 * libisofs's "long names" relax the first to 103. */
#define JOLIET_NAME_MAX 64
#define JOLIET_LONG_NAME_MAX 103
#define JOLIET_PATH_MAX 240

/* One file's data in the order libisofs writes it (by our sort weights). */
struct img_data_file {
	IsoStream *stream;   /* borrowed: libisofs's image holds it */
	uint64_t blocks;
	int weight;          /* its content's sort weight */
};

struct img_image {
	struct img_image_opts opts;
	IsoImage *iso;
	IsoWriteOpts *wopts;
	struct burn_source *bs;   /* non-NULL between img_image_start and free */
	uint64_t total;           /* stream size in bytes */
	uint64_t done;            /* bytes handed out by img_image_read */
	img_note_fn note;
	void *note_arg;
	struct img_data_file *files; /* in data order; one entry per distinct content */
	size_t nfiles;
	/* Where the files lie (img_image_start, for img_image_file_at): files[i] ends at byte
	 * file_end[i], the first at data_lo; the file moved before the data start
	 * (isofs_layout.h), if any, is files[moved] at bytes moved_lo .. moved_hi - 1 and takes
	 * no room among the others. */
	uint64_t *file_end;
	uint64_t data_lo, moved_lo, moved_hi;
	size_t moved;             /* SIZE_MAX: none */
	bool mapped;
	struct img_error err;
	const struct img_tree *tree;  /* set by img_image_add_tree */
	int *file_weight;         /* regular files in walk order: the sort weight of their
				   * content (distinct per content; heavier data comes first) */
	size_t nfile_weight;
	struct img_image_ext *ext;  /* NULL: none */
	struct img_image_boot boot; /* img_image_record_boot; its strings are owned */
	/* The stream's realignment (isofs_realign.h), with Rock Ridge: bytes of libisofs's
	 * stream read but not yet looked at (carry), zero bytes still to put out (gap_left). */
	struct img_realign *realign;
	/* With --md5 too: libisofs's MD5s redone over the realigned stream (isofs_md5fix.h),
	 * NULL once they are known right (no zero block before the tree tag). */
	struct img_md5fix *md5fix;
	uint32_t session;         /* block of libisofs's session (img_image_set_session_start) */
	uint8_t *carry;
	size_t carry_cap, carry_off, carry_len;
	uint64_t gap_left;
	bool ended;               /* a realigned stream ended and libisofs's writer was joined */
	char tree_end_msg[ISO_MSGS_MESSAGE_LEN]; /* libisofs's "tree end differ", held back */
	void *jte;                /* libjte's handle (jigdo.h), attached from start to the end */
	bool zisofs_filtered;     /* a file got libisofs's zisofs filter: its size changed */
	bool jte_attached;
	struct img_import *import; /* img_image_import's state, NULL: a new image */
	IsoNode *udf_only_readme;  /* add_udf_only_readme's node */
};

/* Whether img_image_start was called (libisofs's writer may be joined already: ended). */
static bool started(const struct img_image *img)
{
	return img->bs != NULL || img->ended;
}

/* libisofs's words when its directories took fewer blocks than laid out (ecma119.c). */
static const char TREE_END_DIFFER[] = "Calculated and written ECMA-119 tree end differ: ";

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
	if (iso_set_msgs_severities("NOTE", "NEVER", "libisofs") <= 0
	    || iso_set_abort_severity("MISHAP") < 0 || iso_set_local_charset("UTF-8", 0) <= 0)
		return img_error_set(err, IMG_EISOFS, "cannot set up libisofs (messages, charset)");
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

void img_image_note(struct img_image *img, enum img_note_kind kind, const char *fmt, ...)
{
	if (img->note == NULL)
		return;
	char text[4200]; /* a path of up to 4096 bytes and some words */
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

/* Empties libisofs's message queue.  Warnings and notes go to the note callback, unless
 * why is given (a failure is being reported): then every message of WARNING and up is
 * appended to why ("; "-separated, in the order libisofs queued them), so that the failure
 * is one line. */
/* Appends "; text" (or text) to why, which holds *len bytes of size; what does not fit is cut. */
static void append_why(char *why, size_t size, size_t *len, const char *text)
{
	if (*len + 3 < size)
		*len += (size_t)snprintf(why + *len, size - *len, "%s%s", *len ? "; " : "", text);
	if (*len >= size)
		*len = size - 1;
}

/* A libisofs message below FAILURE (rank 1..3, severity_rank) as a note of the image. */
static void note_isofs(struct img_image *img, int rank, const char *text)
{
	if (rank > 0)
		img_image_note(img, rank == 3 ? IMG_NOTE_WARN : IMG_NOTE_INFO, "libisofs: %s", text);
}

static void drain_messages(struct img_image *img, char *why, size_t why_len)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, id;
	size_t len = why ? strlen(why) : 0;
	if (why != NULL && img->tree_end_msg[0] != '\0')
		append_why(why, why_len, &len, img->tree_end_msg);
	while (iso_obtain_msgs("ALL", &code, &id, text, sev) > 0) {
		int rank = severity_rank(sev);
		/* The stream's realignment accounts for it at the end (check_realigned_end). */
		if (why == NULL && strncmp(text, TREE_END_DIFFER, sizeof(TREE_END_DIFFER) - 1) == 0) {
			snprintf(img->tree_end_msg, sizeof(img->tree_end_msg), "%s", text);
			continue;
		}
		if (why != NULL && rank >= 3)
			append_why(why, why_len, &len, text);
		else
			note_isofs(img, rank, text);
	}
}

int img_image_isofs_error(struct img_image *img, int ret, const char *what)
{
	char why[ISO_MSGS_MESSAGE_LEN] = "";
	drain_messages(img, why, sizeof(why));
	return img_error_set(&img->err, IMG_EISOFS, "%s: %s%s%s", what, iso_error_to_msg(ret),
			     why[0] ? ": " : "", why);
}

/* The volume dates of options o into w (part of set_write_opts).  Errors: IMG_EINVAL
 * (SOURCE_DATE_EPOCH out of range), IMG_EISOFS. */
static int set_volume_dates(IsoWriteOpts *w, const struct img_image_opts *o,
			    struct img_error *err)
{
	int bad = 0;
	/* The volume dates: --modification-date's digits (libisofs's "uuid", written as they are
	 * for creation and modification, and the seed of a GPT disk GUID), else
	 * SOURCE_DATE_EPOCH's; -volume_date c|m|x|f over those. */
	char uuid[40] = "";
	time_t ct = 0, mt = 0, xt = 0, ft = 0;
	if (o->modification_date != NULL) {
		snprintf(uuid, 17, "%s", o->modification_date);
	} else if (o->have_epoch) {
		/* ECMA-119 8.4.26-27: creation and modification dates from SOURCE_DATE_EPOCH; the
		 * "uuid" form writes them as fixed GMT digits, free of timezone effects. */
		time_t t = (time_t)o->epoch;
		struct tm tm;
		if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year < 0)
			return img_error_set(err, IMG_EINVAL, "SOURCE_DATE_EPOCH %lld out of range",
					     o->epoch);
		snprintf(uuid, sizeof(uuid), "%04d%02d%02d%02d%02d%02d00", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		ct = mt = t;
	}
	bool own_dates = o->have_vol_time[0] || o->have_vol_time[1] || o->have_vol_time[2] ||
			 o->have_vol_time[3];
	if (own_dates) {
		/* libisofs writes the uuid digits in place of creation and modification: given
		 * c or m, only --modification-date keeps them. */
		if ((o->have_vol_time[0] || o->have_vol_time[1]) && o->modification_date == NULL)
			uuid[0] = '\0';
		ct = o->have_vol_time[0] ? (time_t)o->vol_time[0] : ct;
		mt = o->have_vol_time[1] ? (time_t)o->vol_time[1] : mt;
		xt = o->have_vol_time[2] ? (time_t)o->vol_time[2] : 0;
		ft = o->have_vol_time[3] ? (time_t)o->vol_time[3] : 0;
	}
	if (own_dates || uuid[0])
		bad |= iso_write_opts_set_pvd_times(w, ct, mt, xt, ft, uuid) < 0;
	if (bad)
		return img_error_set(err, IMG_EISOFS, "libisofs refused the volume dates");
	return IMG_OK;
}

/* The write options of an image of options o: what every image of ours is written with.
 * Errors: IMG_EINVAL (SOURCE_DATE_EPOCH out of range), IMG_EISOFS. */
static int set_write_opts(IsoWriteOpts *w, const struct img_image_opts *o, struct img_error *err)
{
	int bad = 0; /* a setter refusing its value would be our bug: checked all the same */
	/* UDF-only: level 3, whatever was asked.  libisofs refuses a file of 4 GiB or more below
	 * level 3 even when no tree lists it; the only file the ISO 9660 tree lists is the README,
	 * whose 8.3 name every level writes alike. */
	bad |= iso_write_opts_set_iso_level(w, o->udf_only ? 3 : o->iso_level) < 0;
	bad |= iso_write_opts_set_rockridge(w, o->rock) < 0;
	bad |= iso_write_opts_set_joliet(w, o->joliet) < 0;
	bad |= iso_write_opts_set_joliet_long_names(w, o->joliet_long) < 0;
	/* UTF-16 rather than UCS-2 in Joliet names: characters beyond the BMP (emoji) stay
	 * themselves as surrogate pairs, which Windows reads, instead of becoming '_'. */
	bad |= iso_write_opts_set_joliet_utf16(w, 1) < 0;
	/* RRIP 1.12 PX inode numbers, one per distinct content: hard links stay hard links. */
	bad |= iso_write_opts_set_hardlinks(w, o->rock) < 0;
	/* AAIP carries no ACLs or xattrs here (we read none) but the root's "isofs.ca" entry,
	 * which tells readers where the per-file MD5 array is: without it xorriso -check_md5_r
	 * finds no file checksums. */
	bad |= iso_write_opts_set_aaip(w, o->md5) < 0;
	/* Unannounced (SUSP 1.10 style, as xorriso writes it): a second ER record makes pycdlib
	 * reject the image ("Only single ER record supported"). */
	bad |= iso_write_opts_set_aaip_susp_1_10(w, 1) < 0;
	/* Session and per-file MD5 (libisofs's checksum array and tags), for imginfo --check and
	 * xorriso -check_md5, only when asked (--md5, as xorriso's -md5 on): libisofs hashes
	 * every data byte twice at about 500 MB/s a pass on its writer thread, 3-5x the time of
	 * the whole build otherwise (tests/bench/NOTES.md).  Never files without the session:
	 * libisofs 1.5.4 then writes a damaged image ("image end address mismatch"). */
	bad |= iso_write_opts_set_record_md5(w, o->md5, o->md5) < 0;
	/* A 1 MiB ring buffer between libisofs's writer thread and our reads of 256 KiB: as fast
	 * as 4 MiB, with a peak RSS below genisoimage's (tests/bench/NOTES.md). */
	bad |= iso_write_opts_set_fifo_size(w, 512) < 0;
	/* File data goes in the order of our sort weights, never in libisofs's inode order. */
	bad |= iso_write_opts_set_sort_files(w, 1) < 0;
	/* Directory records carry each node's mtime (not the time of writing), in GMT, so that
	 * neither the clock nor TZ reaches the image. */
	bad |= iso_write_opts_set_dir_rec_mtime(w, 7) < 0;
	bad |= iso_write_opts_set_always_gmt(w, 1) < 0;
	/* Rock Ridge names in the output charset; like mkisofs and xorriso, the input charset
	 * when none is given (names go in as they are on disk). */
	const char *out_cs = o->output_charset ? o->output_charset
			     : o->input_charset ? o->input_charset : "UTF-8";
	bad |= iso_write_opts_set_output_charset(w, out_cs) < 0;
	/* ECMA-119 6.8.2.1 allows 8 directory levels.  Relocating deeper directories (RRIP
	 * 4.1.5) makes libisofs create its relocation directory with the clock's date and mode
	 * 0, or put them in the root where libarchive rejects them ("Invalid Rockridge RE").
	 * Like xorriso, keep them in place: every reader we test with follows them.  Without
	 * Rock Ridge libisofs would drop deep or long paths instead: keep those too. */
	bad |= iso_write_opts_set_allow_deep_paths(w, 1) < 0;
	if (!o->rock || o->longer_paths)
		bad |= iso_write_opts_set_allow_longer_paths(w, 1) < 0;
	/* The dot ISO9660 7.5.1 demands in every file name has no place in Joliet names
	 * (bit 1); -d drops it from ISO 9660 names too (bit 0). */
	bad |= iso_write_opts_set_no_force_dots(w, 2 | o->no_force_dots) < 0;
	/* The name relaxations, each as xorriso -as mkisofs sets it (its emulators.c): -N
	 * omit_version (bit 0: ISO 9660 and Joliet; bit 1: Joliet alone), -max-iso9660-filenames
	 * max_37_char_filenames, -allow-lowercase, -relaxed-filenames allow_7bit_ascii, -U
	 * allow_full_ascii with the others, -untranslated_name_len.  One call sets both version
	 * bits: a second call would undo the first. */
	if (o->omit_version || o->joliet_no_version)
		bad |= iso_write_opts_set_omit_version_numbers(
			       w, (o->omit_version ? 1 : 0) | (o->joliet_no_version ? 2 : 0)) < 0;
	if (o->max_37_chars)
		bad |= iso_write_opts_set_max_37_char_filenames(w, 1) < 0;
	if (o->allow_lowercase)
		bad |= iso_write_opts_set_allow_lowercase(w, 1) < 0;
	if (o->allow_full_ascii)
		bad |= iso_write_opts_set_allow_full_ascii(w, 1) < 0;
	if (o->allow_7bit_ascii)
		bad |= iso_write_opts_set_allow_7bit_ascii(w, 1) < 0;
	if (o->allow_dir_id_ext)
		bad |= iso_write_opts_set_allow_dir_id_ext(w, 1) < 0;
	if (o->untranslated_name_len != 0)
		bad |= iso_write_opts_set_untranslated_name_len(w, o->untranslated_name_len) < 0;
	/* -iso-level 4: ISO 9660:1999 (an Enhanced Volume Descriptor and its own tree of names
	 * up to 207 bytes) beside the ECMA-119 tree of iso_level. */
	if (o->iso1999)
		bad |= iso_write_opts_set_iso1999(w, 1) < 0;
	int rc = set_volume_dates(w, o, err);
	if (rc != IMG_OK)
		return rc;
	if (o->ids_as_given)
		bad |= iso_write_opts_set_relaxed_vol_atts(w, 1) < 0;
	/* The Rock Ridge version the originals write: isoinfo -R names "." and ".." of 1.10
	 * trees only. */
	if (o->rrip_1_10)
		bad |= iso_write_opts_set_rrip_version_1_10(w, 1) < 0;
	/* mkisofs -pad: zero blocks after the last one (readers that read ahead past the end
	 * of a track, the reason genisoimage and xorriso pad by default). */
	if (o->pad_blocks)
		bad |= iso_write_opts_set_tail_blocks(w, o->pad_blocks) < 0;
	if (bad)
		return img_error_set(err, IMG_EISOFS, "libisofs refused a write option");
	return IMG_OK;
}

int img_image_new(const struct img_image_opts *o, img_note_fn note_fn, void *arg,
		  struct img_image **out, struct img_error *err)
{
	if (o->iso_level < 1 || o->iso_level > 3)
		return img_error_set(err, IMG_EINVAL, "ISO level %d (want 1, 2 or 3)",
				     o->iso_level);
	if (o->untranslated_name_len < -1 || o->untranslated_name_len > 96)
		return img_error_set(err, IMG_EINVAL, "untranslated name length %d (want 1..96)",
				     o->untranslated_name_len);
	int rc = isofs_setup(err);
	if (rc != IMG_OK)
		return rc;
	/* The charset of names on disk is libisofs's "local" one, a global: set for each image.
	 * libisofs converts from it to ASCII (ISO 9660), UTF-16 (Joliet) and the output charset
	 * (Rock Ridge). */
	const char *in_cs = o->input_charset ? o->input_charset : "UTF-8";
	if (iso_set_local_charset((char *)in_cs, 0) <= 0)
		return img_error_set(err, IMG_EINVAL, "input charset %s: not known to iconv", in_cs);
	if (img_zisofs_wanted(o) && !o->rock)
		return img_error_set(err, IMG_EINVAL, "zisofs needs Rock Ridge (its ZF entries)");
	if (img_zisofs_wanted(o) && (rc = img_zisofs_available(err)) != IMG_OK)
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
	if (o->abstract)
		iso_image_set_abstract_file_id(img->iso, o->abstract);
	if (o->biblio)
		iso_image_set_biblio_file_id(img->iso, o->biblio);
	if (o->copyright)
		iso_image_set_copyright_file_id(img->iso, o->copyright);
	/* We never read ACLs or xattrs (our tree holds none): keep libisofs from looking. */
	iso_image_set_ignore_aclea(img->iso, 3);

	ret = iso_write_opts_new(&img->wopts, 0);
	if (ret < 0) {
		iso_image_unref(img->iso);
		free(img);
		return img_error_set(err, IMG_EISOFS, "cannot create write options: %s",
				     iso_error_to_msg(ret));
	}
	rc = set_write_opts(img->wopts, o, err);
	if (rc != IMG_OK) {
		img_image_free(img);
		return rc;
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
	if (img->wopts) {
		void *jte = NULL;
		if (img->jte_attached)
			iso_write_opts_detach_jte(img->wopts, &jte);
		iso_write_opts_free(img->wopts);
	}
	if (img->iso)
		iso_image_unref(img->iso);
	img_import_free(img->import);
	drain_messages(img, NULL, 0);
	if (img->ext != NULL && img->ext->free != NULL)
		img->ext->free(img->ext);
	img_stream_release_cache();
	img_realign_free(img->realign);
	img_md5fix_free(img->md5fix);
	free(img->carry);
	free(img->files);
	free(img->file_end);
	free(img->file_weight);
	free((char *)img->boot.replaced_catalog);
	free((char *)img->boot.catalog_path);
	free(img);
}

/* ---- adding the tree ---- */

/* A regular file of the tree, in walk order. */
struct file_ent {
	const struct img_tree_node *node;
	size_t data_file;  /* its content's index in img->files, SIZE_MAX for none (empty) */
	size_t leader;   /* first entry with the same device and inode (hard links) */
	int weight;      /* the weight we give libisofs: data order, see order_files */
};

struct add_ctx {
	struct img_image *img;
	struct file_ent *ents;
	size_t nents, cap;
	int joliet_max;
	size_t joliet_short, joliet_long_paths, joliet_rr_only;
	size_t iso_cut, iso_clash;
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
			if (img_grow((void **)&c->ents, &c->cap, c->nents, sizeof(*c->ents),
				     256) != IMG_OK)
				return img_error_set(&c->img->err, IMG_ENOMEM, "image");
			c->ents[c->nents] = (struct file_ent){ .node = k, .leader = c->nents,
							       .data_file = SIZE_MAX };
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
		if (size > 0) {
			e->data_file = img->nfiles;
			img->files[img->nfiles++] = (struct img_data_file){
				.blocks = img_isofs_blocks((uint64_t)size),
				.weight = e->weight,
			};
		}
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

void img_image_node_owner_mode(const struct img_image_opts *o, const struct img_tree_node *n,
			       mode_t *perm, uid_t *uid, gid_t *gid)
{
	const struct stat *st = img_node_stat(n);
	if (o->rationalize) {
		*perm = img_image_rational_mode(st->st_mode);
		*uid = 0;
		*gid = 0;
	} else {
		*perm = st->st_mode & 07777;
		*uid = st->st_uid;
		*gid = st->st_gid;
	}
	/* As xorriso -as mkisofs applies them: after -r, to directories (the root too) and to
	 * regular files only; symlinks and device files keep their modes.  -new-dir-mode (a
	 * genisoimage option) concerns the directories no PATH gave us, which tree.c makes up
	 * with no disk source: graft-point parents and a root made for files given alone. */
	if (S_ISDIR(st->st_mode)) {
		if (o->have_dir_mode)
			*perm = o->dir_mode;
		else if (o->have_new_dir_mode && img_node_source(n) == NULL)
			*perm = o->new_dir_mode;
	} else if (S_ISREG(st->st_mode) && o->have_file_mode) {
		*perm = o->file_mode;
	}
	if (o->have_uid)
		*uid = o->uid;
	if (o->have_gid)
		*gid = o->gid;
}

static void set_attrs(struct add_ctx *c, IsoNode *node, const struct img_tree_node *n)
{
	const struct img_image_opts *o = &c->img->opts;
	const struct stat *st = img_node_stat(n);
	time_t t = st->st_mtime;
	if (o->have_epoch && (long long)t > o->epoch)
		t = (time_t)o->epoch;
	if (o->have_file_dates)
		t = (time_t)o->file_dates;
	/* atime and ctime say when a copy was read or made, not what it holds: recording the
	 * mtime in their place keeps two copies of one tree byte-identical. */
	iso_node_set_mtime(node, t);
	iso_node_set_atime(node, t);
	iso_node_set_ctime(node, t);
	mode_t perm;
	uid_t uid;
	gid_t gid;
	img_image_node_owner_mode(o, n, &perm, &uid, &gid);
	iso_node_set_permissions(node, perm);
	iso_node_set_uid(node, uid);
	iso_node_set_gid(node, gid);
	if (o->udf_only && node != (IsoNode *)iso_image_get_root(c->img->iso)) {
		/* In the UDF view only; libisofs still writes the data, where udf_bridge.c
		 * expects it and proves it (img_stream_open_order). */
		iso_node_set_hidden(node, LIBISO_HIDE_ON_RR | LIBISO_HIDE_ON_JOLIET |
					  LIBISO_HIDE_ON_HFSPLUS | LIBISO_HIDE_BUT_WRITE);
		return;
	}
	int hide = img_node_hide(n), attrs = 0;
	if (hide & IMG_HIDE_ISO)
		attrs |= LIBISO_HIDE_ON_RR;
	if ((hide & IMG_HIDE_JOLIET) || !o->joliet)
		attrs |= LIBISO_HIDE_ON_JOLIET;
	if (hide & IMG_HIDE_HFSPLUS)
		attrs |= LIBISO_HIDE_ON_HFSPLUS;
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

/* ---- ISO9660 names ----
 * libisofs derives each ECMA-119 name from the node name (ECMA-119 7.5, 7.6): d-characters
 * only, level 1 in 8.3 form, levels 2 and 3 in 31 characters; names that then clash get
 * digits in their tail.  There is no call to read its result, so we predict the cut form
 * to say (with -v) which names were cut and which clash.  With the default rules the
 * prediction of an ASCII name is our own port of them (fast: no iconv per name); with any
 * relaxation (-N -d -U ...), another input charset or a non-ASCII name it is libisofs's own
 * conversion, iso_conv_name_chars, under the image's write options.  The names it writes stay
 * libisofs's. */

/* 96 untranslated characters (libisofs's maximum), ";1" and the terminator. */
#define ISO_NAME_MAX 100

static char d_char(unsigned char ch)
{
	if (ch >= 'a' && ch <= 'z')
		return (char)(ch - 'a' + 'A');
	if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')
		return (char)ch;
	return '_';
}

/* Writes into out (without a version) the ISO9660 name that libisofs 1.5.4 gives the ASCII
 * name under the default rules (its util.c: iso_1_fileid, iso_2_fileid, iso_1_dirid,
 * iso_2_dirid); true when characters were cut. */
static bool iso_name_guess(const char *name, bool is_dir, int level, char out[ISO_NAME_MAX])
{
	size_t len = strlen(name), o = 0;
	if (is_dir) {
		size_t max = level == 1 ? 8 : 31, n = len < max ? len : max;
		for (size_t i = 0; i < n; i++)
			out[o++] = d_char((unsigned char)name[i]);
		out[o] = '\0';
		return n < len;
	}
	const char *dot = strrchr(name, '.');
	size_t lname, lext, nname, next;
	if (level == 1) {
		/* 8.3; a leading dot of a name over 4 characters is no extension's. */
		if (dot == name && len > 4)
			dot = NULL;
		lext = dot ? strlen(dot + 1) : 0;
		lname = len - lext - (dot ? 1 : 0);
		nname = lname < 8 ? lname : 8;
		next = lext < 3 ? lext : 3;
	} else if (dot == NULL || dot[1] == '\0') {
		/* No extension (a trailing dot becomes _): 30 characters of name. */
		dot = NULL;
		lname = len;
		lext = 0;
		nname = len < 30 ? len : 30;
		next = 0;
	} else {
		/* 30 characters for name and extension; a long one keeps 3 of its extension, or
		 * what the name leaves over when that is shorter than 27. */
		lext = strlen(dot + 1);
		lname = len - lext - 1;
		next = len > 31 && lext > 3 ? (lname < 27 ? 30 - lname : 3) : lext;
		nname = len > 31 ? 30 - next : lname;
	}
	for (size_t i = 0; i < nname; i++)
		out[o++] = d_char((unsigned char)name[i]);
	out[o++] = '.';
	for (size_t i = 0; i < next; i++)
		out[o++] = d_char((unsigned char)dot[1 + i]);
	out[o] = '\0';
	return nname < lname || next < lext;
}

struct iso_guess {
	char name[ISO_NAME_MAX];
	size_t kid;
};

static int cmp_guess(const void *a, const void *b)
{
	const struct iso_guess *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	return r ? r : (x->kid < y->kid ? -1 : x->kid > y->kid);
}

/* Whether the image's ISO 9660 names follow libisofs's default rules (our quick guess). */
static bool plain_iso_names(const struct img_image_opts *o)
{
	return !o->omit_version && !o->no_force_dots && !o->max_37_chars && !o->allow_lowercase
	       && !o->allow_full_ascii && !o->allow_7bit_ascii && !o->allow_dir_id_ext
	       && o->untranslated_name_len == 0 && o->input_charset == NULL;
}

static bool is_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80)
			return false;
	return true;
}

/* Characters of a UTF-8 (or single-byte) name: libisofs maps each to one ASCII byte. */
static size_t name_chars(const char *s, bool utf8)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += !utf8 || (*p & 0xC0) != 0x80;
	return n;
}

/* Writes libisofs's ECMA-119 name of node k into out (without the version).
 * Returns 1 when characters were lost (cut), 0 when not, -1 when libisofs cannot convert
 * it (the write will report that name; we predict nothing). */
static int iso_name_exact(struct img_image *img, const struct img_tree_node *k,
			  char out[ISO_NAME_MAX])
{
	const char *name = img_node_name(k);
	bool is_dir = S_ISDIR(img_node_stat(k)->st_mode);
	char *conv = NULL;
	size_t len = 0;
	int ret = iso_conv_name_chars(img->wopts, (char *)name, strlen(name), &conv, &len,
				      3 | (is_dir ? 256 : 0) | 512);
	if (ret < 0 || conv == NULL || len >= ISO_NAME_MAX) {
		free(conv);
		return -1;
	}
	/* Without the version, as the quick guess: names that differ only there clash. */
	if (len >= 2 && conv[len - 2] == ';')
		len -= 2;
	memcpy(out, conv, len);
	out[len] = '\0';
	free(conv);
	/* Lost characters: fewer of them than the source has, not counting a dot libisofs
	 * added. */
	size_t keep = len;
	size_t nlen = strlen(name);
	if (keep > 0 && out[keep - 1] == '.' && (nlen == 0 || name[nlen - 1] != '.'))
		keep--;
	const char *cs = img->opts.input_charset;
	bool utf8 = cs == NULL || strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0;
	return keep < name_chars(name, utf8);
}

/* Notes (with -v) the children of dir whose ISO9660 names are cut or clash. */
static int check_iso_names(struct add_ctx *c, const struct img_tree_node *dir,
			   const char *ipath)
{
	size_t n = img_node_count(dir);
	if (n == 0)
		return IMG_OK;
	struct iso_guess *g = malloc(n * sizeof(*g));
	bool *cut = calloc(n, sizeof(*cut));
	if (g == NULL || cut == NULL) {
		free(g);
		free(cut);
		return img_error_set(&c->img->err, IMG_ENOMEM, "image");
	}
	size_t m = 0;
	bool plain = plain_iso_names(&c->img->opts);
	for (size_t i = 0; i < n; i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		if (img_node_hide(k) & IMG_HIDE_ISO)
			continue;
		if (plain && is_ascii(img_node_name(k))) {
			cut[i] = iso_name_guess(img_node_name(k),
						S_ISDIR(img_node_stat(k)->st_mode),
						c->img->opts.iso_level, g[m].name);
		} else {
			int r = iso_name_exact(c->img, k, g[m].name);
			if (r < 0)
				continue;
			cut[i] = r;
		}
		g[m++].kid = i;
	}
	if (m > 1)
		qsort(g, m, sizeof(*g), cmp_guess);
	for (size_t i = 0; i < m; i++) {
		const char *name = img_node_name(img_node_child(dir, g[i].kid));
		bool clash = (i > 0 && strcmp(g[i].name, g[i - 1].name) == 0)
			     || (i + 1 < m && strcmp(g[i].name, g[i + 1].name) == 0);
		if (clash) {
			c->iso_clash++;
			img_image_note(c->img, IMG_NOTE_INFO,
				       "ISO9660 name %s is shared by other entries: libisofs makes "
				       "it unique: %s/%s", g[i].name, ipath, name);
		} else if (cut[g[i].kid]) {
			c->iso_cut++;
			img_image_note(c->img, IMG_NOTE_INFO, "ISO9660 name cut to %s: %s/%s",
				       g[i].name, ipath, name);
		}
	}
	free(g);
	free(cut);
	return IMG_OK;
}

/* Regular files in the subtree of dir: how many entries of c->ents it takes. */
static size_t count_files(const struct img_tree_node *dir)
{
	size_t n = 0;
	for (size_t i = 0; i < img_node_count(dir); i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		mode_t m = img_node_stat(k)->st_mode;
		n += S_ISDIR(m) ? count_files(k) : S_ISREG(m) ? 1 : 0;
	}
	return n;
}

/* The length in bytes of the Joliet path of child k (image path path) of a directory whose
 * Joliet path has jpath bytes, counting the names Joliet cannot hold.  Joliet (see joliet.c of
 * libisofs): a name over the limit is cut and made unique by libisofs; a path over 240 bytes
 * would make libisofs drop the file from the Joliet tree, so we keep it there (longer paths)
 * and say so. */
static int joliet_path(struct add_ctx *c, const struct img_tree_node *k, const char *path,
		       int jpath)
{
	struct img_image *img = c->img;
	if (!img->opts.joliet || (img_node_hide(k) & IMG_HIDE_JOLIET))
		return jpath;
	int jlen = utf16_len(img_node_name(k)), jcut = jlen;
	if (jlen > c->joliet_max) {
		jcut = c->joliet_max;
		c->joliet_short++;
		img_image_note(img, IMG_NOTE_INFO, "Joliet name shortened to %d characters: %s",
			       jcut, path);
	}
	int jchild = jpath + 1 + 2 * jcut;
	if (jchild > JOLIET_PATH_MAX) {
		c->joliet_long_paths++;
		img_image_note(img, IMG_NOTE_INFO, "Joliet path longer than %d bytes: %s",
			       JOLIET_PATH_MAX, path);
	}
	return jchild;
}

/* Adds the children of dir under parent.  first is the index in c->ents (walk order) of the
 * first regular file of dir's subtree.  Children go in in descending name order: libisofs
 * keeps each directory's list sorted and looks for the place of a new child from the head, so
 * ascending adds cost n²/2 name comparisons per directory (1.25 s for 20,000 files in one
 * directory) and descending adds one each (0.05 s; tests/bench/NOTES.md, section 4).  The
 * image does not depend on this order: file data goes by our weights, names by libisofs's
 * sorting. */
static int add_dir(struct add_ctx *c, IsoDir *parent, const struct img_tree_node *dir,
		   const char *ipath, int jpath, size_t first)
{
	struct img_image *img = c->img;
	int rc = IMG_OK;
	if (img->note != NULL && (rc = check_iso_names(c, dir, ipath)) != IMG_OK)
		return rc;
	size_t n = img_node_count(dir);
	size_t *start = malloc((n ? n : 1) * sizeof(*start));
	if (start == NULL)
		return img_error_set(&img->err, IMG_ENOMEM, "image");
	for (size_t i = 0, next = first; i < n; i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		mode_t m = img_node_stat(k)->st_mode;
		start[i] = next;
		next += S_ISDIR(m) ? count_files(k) : S_ISREG(m) ? 1 : 0;
	}
	for (size_t i = n; i-- > 0 && rc == IMG_OK;) {
		const struct img_tree_node *k = img_node_child(dir, i);
		const struct stat *st = img_node_stat(k);
		const char *name = img_node_name(k);
		char *path = child_path(ipath, name);
		if (path == NULL) {
			free(start);
			return img_error_set(&img->err, IMG_ENOMEM, "image");
		}
		int jchild = joliet_path(c, k, path, jpath);
		IsoNode *node = NULL;
		int ret;
		if (img->import != NULL) {
			/* On top of an imported tree, as xorriso's -map: a directory merges into
			 * the old one of its name (whose attributes stay unless a directory on
			 * disk was given for it); anything else replaces the old entry. */
			IsoNode *was = NULL;
			if (iso_dir_get_node(parent, name, &was) == 1 && was != NULL) {
				if (S_ISDIR(st->st_mode) && iso_node_get_type(was) == LIBISO_DIR) {
					if (img_node_source(k) != NULL)
						set_attrs(c, was, k);
					rc = add_dir(c, (IsoDir *)was, k, path, jchild, start[i]);
					free(path);
					continue;
				}
				if (iso_node_get_type(was) == LIBISO_DIR)
					img_image_note(img, IMG_NOTE_WARN,
						       "%s: the old directory and all in it replaced "
						       "by a %s", path, S_ISLNK(st->st_mode)
						       ? "symlink" : "file");
				ret = iso_node_remove(was);
				if (ret < 0) {
					rc = img_image_isofs_error(img, ret, path);
					free(path);
					continue;
				}
			}
		}
		if (S_ISDIR(st->st_mode)) {
			IsoDir *d;
			ret = iso_tree_add_new_dir(parent, name, &d);
			node = (IsoNode *)d;
			if (ret >= 0) {
				set_attrs(c, node, k);
				rc = add_dir(c, d, k, path, jchild, start[i]);
			}
		} else if (S_ISREG(st->st_mode)) {
			struct file_ent *e = &c->ents[start[i]];
			/* The stream's identity (by which libisofs finds hard links: isofs_ino.c
			 * gives each family one PX serial) is the content's rank in walk order, not
			 * the disk's inode number: two copies of a tree then come out alike. */
			struct stat id = *st;
			id.st_dev = 0;
			id.st_ino = (ino_t)e->leader + 1;
			IsoStream *s = NULL;
			rc = img->jte != NULL
				     ? img_stream_new_named_file(img_node_source(k), &id, &s,
								 &img->err)
				     : img_stream_new_file(img_node_source(k), &id, &s, &img->err);
			if (rc != IMG_OK) {
				free(path);
				free(start);
				return rc;
			}
			size_t df = c->ents[e->leader].data_file;
			if (df != SIZE_MAX && img->files[df].stream == NULL)
				img->files[df].stream = s;
			IsoFile *f;
			ret = iso_tree_add_new_file(parent, name, s, &f);
			if (ret < 0) {
				iso_stream_unref(s);
			} else {
				node = (IsoNode *)f;
				set_attrs(c, node, k);
				iso_node_set_sort_weight(node, e->weight);
				bool packed = false;
				if (img_zisofs_wanted(&img->opts))
					rc = img_zisofs_apply(f, &img->opts, name, path,
							      img_node_source(k), &packed, &img->err);
				if (packed)
					img->zisofs_filtered = true;
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
	free(start);
	return rc;
}

struct add_job {
	struct add_ctx *c;
	const struct img_tree_node *root;
	int rc;          /* the outcome, read after the join */
	/* Set once the weights are known (or collecting failed, order_rc says): from then on the
	 * add thread only reads c->ents. */
	bool ordered;
	int order_rc;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *add_all(void *arg)
{
	struct add_job *job = arg;
	struct add_ctx *c = job->c;
	int rc = collect_files(c, job->root);
	if (rc == IMG_OK)
		rc = order_files(c);
	pthread_mutex_lock(&job->lock);
	job->order_rc = rc;
	job->ordered = true;
	pthread_cond_signal(&job->cond);
	pthread_mutex_unlock(&job->lock);
	if (rc == IMG_OK) {
		IsoDir *iroot = iso_image_get_root(c->img->iso);
		/* An imported root keeps its attributes unless a directory was given for it. */
		if (c->img->import == NULL || img_node_source(job->root) != NULL)
			set_attrs(c, (IsoNode *)iroot, job->root);
		rc = add_dir(c, iroot, job->root, "", 1, 0);
	}
	job->rc = rc;
	return NULL;
}

void img_image_forget_tree(struct img_image *img)
{
	img->tree = NULL;
}

/* Hides every node below dir from the ISO 9660, Joliet and HFS+ trees, its data still
 * written (LIBISO_HIDE_BUT_WRITE), as set_attrs does for UDF-only images. */
static int hide_below(struct img_image *img, IsoDir *dir)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return img_error_set(&img->err, IMG_ENOMEM, "--udf-only");
	IsoNode *k;
	int rc = IMG_OK;
	while (rc == IMG_OK && iso_dir_iter_next(it, &k) == 1) {
		iso_node_set_hidden(k, LIBISO_HIDE_ON_RR | LIBISO_HIDE_ON_JOLIET |
				       LIBISO_HIDE_ON_HFSPLUS | LIBISO_HIDE_BUT_WRITE);
		if (iso_node_get_type(k) == LIBISO_DIR)
			rc = hide_below(img, (IsoDir *)k);
	}
	iso_dir_iter_free(it);
	return rc;
}

static const char udf_only_text[] = IMG_UDF_ONLY_TEXT;

/* Adds the README of a UDF-only image to libisofs's root, the only entry its ISO 9660 and
 * Joliet trees list.  Weight 0, below every file of the tree (image.c gives them 1 and up):
 * its data comes after theirs, and its directory record shows where they end. */
static int add_udf_only_readme(struct img_image *img)
{
	IsoDir *root = iso_image_get_root(img->iso);
	const char *name = IMG_UDF_ONLY_README;
	IsoNode *have = NULL;
	if (iso_dir_get_node(root, name, &have) == 1) {
		name = IMG_UDF_ONLY_README_ALT;
		if (iso_dir_get_node(root, name, &have) == 1)
			return img_error_set(&img->err, IMG_ECOLLISION,
					     "--udf-only: the root holds both /%s and /%s; "
					     "rename one, the ISO 9660 tree needs one of the names",
					     IMG_UDF_ONLY_README, IMG_UDF_ONLY_README_ALT);
	}
	size_t len = sizeof(udf_only_text) - 1;
	unsigned char *buf = malloc(len);
	if (buf == NULL)
		return img_error_set(&img->err, IMG_ENOMEM, "image");
	memcpy(buf, udf_only_text, len);
	IsoStream *st = NULL;
	int ret = iso_memory_stream_new(buf, len, &st);
	if (ret < 0) {
		free(buf);
		return img_image_isofs_error(img, ret, "--udf-only README");
	}
	IsoFile *f = NULL;
	ret = iso_tree_add_new_file(root, name, st, &f); /* takes st over when it succeeds */
	if (ret < 0) {
		iso_stream_unref(st);
		return img_image_isofs_error(img, ret, "--udf-only README");
	}
	/* The root's times (SOURCE_DATE_EPOCH and --set_all_file_dates already applied). */
	IsoNode *n = (IsoNode *)f;
	img->udf_only_readme = n;
	time_t t = iso_node_get_mtime((IsoNode *)root);
	iso_node_set_mtime(n, t);
	iso_node_set_atime(n, t);
	iso_node_set_ctime(n, t);
	iso_node_set_permissions(n, 0444);
	iso_node_set_uid(n, 0);
	iso_node_set_gid(n, 0);
	iso_node_set_sort_weight(n, 0);
	iso_node_set_hidden(n, img->opts.joliet ? LIBISO_HIDE_ON_HFSPLUS
						: LIBISO_HIDE_ON_HFSPLUS | LIBISO_HIDE_ON_JOLIET);
	return IMG_OK;
}

int img_image_add_tree(struct img_image *img, const struct img_tree *tree)
{
	struct add_ctx c = {
		.img = img,
		.joliet_max = img->opts.joliet_long ? JOLIET_LONG_NAME_MAX : JOLIET_NAME_MAX,
	};
	struct add_job job = {
		.c = &c,
		.root = img_tree_root(tree),
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	/* libisofs's tree is built on a thread of its own while this one builds the extension's
	 * (the UDF bridge's, below) as soon as the data order is known: for speed alone.  The
	 * image does not depend on the thread, nor on where malloc puts the nodes (Rock Ridge
	 * serials come from isofs_ino.c), so when no thread can be made the same work runs here,
	 * one after the other, and gives the same bytes. */
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, add_all, &job) == 0;
	if (!threaded)
		add_all(&job);
	pthread_mutex_lock(&job.lock);
	while (!job.ordered)
		pthread_cond_wait(&job.cond, &job.lock);
	int rc = job.order_rc;
	pthread_mutex_unlock(&job.lock);
	if (rc == IMG_OK) {
		/* An extension (the UDF bridge) finds each file's data by its weight.  The add
		 * thread only reads c.ents from now on. */
		img->tree = tree;
		img->file_weight = malloc((c.nents ? c.nents : 1) * sizeof(*img->file_weight));
		for (size_t i = 0; img->file_weight != NULL && i < c.nents; i++)
			img->file_weight[i] = c.ents[i].weight;
		img->nfile_weight = img->file_weight != NULL ? c.nents : 0;
		/* The extension's own tree (the UDF bridge's) on this thread while libisofs's is
		 * built on the other: 0.13 s of 0.4 s for 100,000 files, no longer on top of it. */
		if (img->file_weight != NULL && img->ext != NULL && img->ext->tree_ready != NULL)
			img->ext->tree_ready(img->ext, img);
	}
	if (threaded)
		pthread_join(th, NULL);
	rc = job.rc;
	if (rc == IMG_OK && img->file_weight == NULL)
		rc = img_error_set(&img->err, IMG_ENOMEM, "image");
	free(c.ents);
	if (rc != IMG_OK) {
		img->tree = NULL;
		return rc;
	}
	if (c.joliet_short)
		img_image_note(img, IMG_NOTE_WARN,
			       "%zu name%s too long for Joliet: kept there under shortened unique "
			       "names (-v lists them)", c.joliet_short,
			       c.joliet_short == 1 ? "" : "s");
	if (c.iso_cut + c.iso_clash)
		/* Without Rock Ridge these are the names readers show: worth a warning then. */
		img_image_note(img, img->opts.rock ? IMG_NOTE_INFO : IMG_NOTE_WARN,
			       "%zu ISO9660 name%s cut to fit level %d, %zu made unique by "
			       "libisofs%s", c.iso_cut + c.iso_clash,
			       c.iso_cut + c.iso_clash == 1 ? "" : "s", img->opts.iso_level,
			       c.iso_clash, img->opts.rock ? " (Rock Ridge keeps the full names)"
							   : " (-v lists them)");
	if (c.joliet_rr_only)
		img_image_note(img, IMG_NOTE_INFO,
			       "%zu symlink%s or special file%s in the Rock Ridge tree only (Joliet "
			       "cannot hold them)", c.joliet_rr_only, c.joliet_rr_only == 1 ? "" : "s",
			       c.joliet_rr_only == 1 ? "" : "s");
	if (c.joliet_long_paths) {
		/* Joliet 3.1 caps paths at 240 bytes; rather than drop the files from the Joliet
		 * view, as libisofs and xorriso do, we keep them with longer paths. */
		int ret = iso_write_opts_set_joliet_longer_paths(img->wopts, 1);
		if (ret < 0)
			return img_image_isofs_error(img, ret, "Joliet longer paths");
		img_image_note(img, IMG_NOTE_WARN,
			       "%zu Joliet path%s longer than %d bytes: kept in the Joliet tree beyond "
			       "the Joliet limit (-v lists them)", c.joliet_long_paths,
			       c.joliet_long_paths == 1 ? "" : "s", JOLIET_PATH_MAX);
	}
	/* UDF-only remastering: the old image's nodes, in libisofs's tree, go where ours went in
	 * set_attrs: in the UDF view only (udf_bridge.c builds it from libisofs's tree). */
	if (img->opts.udf_only && img->import != NULL &&
	    (rc = hide_below(img, iso_image_get_root(img->iso))) != IMG_OK)
		return rc;
	if (img->opts.udf_only && (rc = add_udf_only_readme(img)) != IMG_OK)
		return rc;
	drain_messages(img, NULL, 0);
	return IMG_OK;
}

/* ---- producing the stream ---- */

static int jte_error(struct img_image *img, int ret, const char *what);

/* Rock Ridge PX serials from the tree as it is now (El Torito may have changed it since
 * img_image_add_tree), before libisofs lays out the image: without them libisofs numbers
 * directories and symlinks by where malloc put their nodes (isofs_ino.c).  Without Rock
 * Ridge there are no serials. */
static int number_nodes(struct img_image *img)
{
	if (!img->opts.rock)
		return IMG_OK;
	return img_isofs_number_nodes(img->iso, img->import != NULL, &img->err);
}

int img_image_stream_blocks(struct img_image *img, uint64_t *blocks)
{
	struct burn_source *bs;
	int rc = number_nodes(img);
	if (rc != IMG_OK)
		return rc;
	/* will_cancel: libisofs computes the layout and starts no writer thread, so not a byte
	 * of file content is read. */
	int ret = iso_write_opts_set_will_cancel(img->wopts, 1);
	if (ret >= 0) {
		ret = iso_image_create_burn_source(img->iso, img->wopts, &bs);
		int reset = iso_write_opts_set_will_cancel(img->wopts, 0);
		if (ret >= 0 && reset < 0) {
			bs->cancel(bs);
			bs->free_data(bs);
			free(bs);
			ret = reset;
		}
	}
	if (ret < 0)
		return img_image_isofs_error(img, ret, "cannot lay out the image");
	*blocks = (uint64_t)bs->get_size(bs) / IMG_BLOCK_SIZE;
	bs->cancel(bs);
	bs->free_data(bs);
	free(bs);
	drain_messages(img, NULL, 0);
	return IMG_OK;
}

int img_image_size(struct img_image *img, uint64_t *blocks)
{
	int rc = img_image_stream_blocks(img, blocks);
	if (rc == IMG_OK && img->ext != NULL && img->ext->extra_blocks != NULL)
		*blocks += img->ext->extra_blocks(img->ext, img);
	return rc;
}

int img_image_data_layout(struct img_image *img, struct img_isofs_data *out)
{
	if (!started(img))
		return img_error_set(&img->err, IMG_EINVAL, "image not started");
	if (img_isofs_data_layout(img->iso, img->wopts, img->boot.esp_in_session, out) != IMG_OK)
		return img_error_set(&img->err, IMG_EISOFS,
				     "no file data area from libisofs (data start %u)",
				     out->data_start);
	return IMG_OK;
}

/* The content of each sort weight still in libisofs's tree: out[w - 1] receives a stream of
 * it, or stays NULL.  After img_image_set_boot replaced a tree file by the boot catalog, its
 * content is no longer written (unless a hard link of it is left) and its stream may be gone
 * with the node. */
static void live_streams(IsoDir *dir, IsoStream **out, size_t n)
{
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return;
	IsoNode *node;
	while (iso_dir_iter_next(it, &node) == 1) {
		enum IsoNodeType t = iso_node_get_type(node);
		if (t == LIBISO_DIR) {
			live_streams((IsoDir *)node, out, n);
		} else if (t == LIBISO_FILE) {
			int w = iso_file_get_sort_weight((IsoFile *)node);
			if (w >= 1 && (size_t)w <= n && out[w - 1] == NULL)
				out[w - 1] = iso_file_get_stream((IsoFile *)node);
		}
	}
	iso_dir_iter_free(it);
}

/* Drops from img->files the contents libisofs no longer writes, and takes the streams of the
 * nodes left.  Only needed when a node was removed (a replaced boot catalog). */
static int keep_live_files(struct img_image *img)
{
	size_t n = img->nfile_weight;
	IsoStream **live = calloc(n ? n : 1, sizeof(*live));
	if (live == NULL)
		return IMG_ENOMEM;
	live_streams(iso_image_get_root(img->iso), live, n);
	size_t k = 0;
	for (size_t i = 0; i < img->nfiles; i++) {
		int w = img->files[i].weight;
		if (w < 1 || (size_t)w > n || live[w - 1] == NULL)
			continue;
		img->files[k] = img->files[i];
		img->files[k++].stream = live[w - 1];
	}
	img->nfiles = k;
	free(live);
	return IMG_OK;
}

/* Where each file's data lies, for img_image_file_at (isofs_layout.c has libisofs's
 * layout).  Only progress reports depend on it: without it they name no file. */
static void map_files(struct img_image *img)
{
	struct img_isofs_data lay;
	img->mapped = false;
	/* The imported files' data lies among ours by libisofs's weights for them (old block
	 * order), which this map does not know: no file names in progress reports then. */
	if (img->import != NULL)
		return;
	if ((img->boot.replaced_catalog != NULL || img->zisofs_filtered) &&
	    keep_live_files(img) != IMG_OK)
		return;
	/* A compressed file takes the blocks of its filter's output. */
	for (size_t i = 0; img->zisofs_filtered && i < img->nfiles; i++)
		img->files[i].blocks = img_isofs_blocks((uint64_t)iso_stream_get_size(
			img->files[i].stream));
	if (img_isofs_data_layout(img->iso, img->wopts, img->boot.esp_in_session, &lay) != IMG_OK)
		return;
	img->moved = SIZE_MAX;
	int moved_weight = lay.moved != NULL ? iso_file_get_sort_weight(lay.moved) : 0;
	uint64_t end = (uint64_t)lay.first_content * IMG_BLOCK_SIZE;
	img->data_lo = end;
	for (size_t i = 0; i < img->nfiles; i++) {
		if (moved_weight > 0 && img->files[i].weight == moved_weight) {
			img->moved = i;
			img->moved_lo = (uint64_t)lay.moved_lba * IMG_BLOCK_SIZE;
			img->moved_hi = (uint64_t)lay.data_start * IMG_BLOCK_SIZE;
		} else {
			end += img->files[i].blocks * IMG_BLOCK_SIZE;
		}
		img->file_end[i] = end;
	}
	img->mapped = true;
}

/* The checksum array's place, as libisofs recorded it in the root's "isofs.ca" while laying
 * the image out (md5.c checksum_writer_compute_data_blocks, node.c iso_root_set_isofsca:
 * start, array block, entry count, entry size, each a length byte and that many big-endian
 * bytes, then "MD5").  Its writer thread changes that attribute only for a second tree
 * (-partition_offset), which is why there is no fixing then. */
static int start_md5fix(struct img_image *img)
{
	size_t len = 0;
	char *v = NULL;
	IsoNode *root = (IsoNode *)iso_image_get_root(img->iso);
	int ret = iso_node_lookup_attr(root, "isofs.ca", &len, &v, 0);
	uint32_t field[4] = {0, 0, 0, 0};
	size_t at = 0;
	bool ok = ret > 0 && v != NULL;
	for (int i = 0; ok && i < 4; i++) {
		unsigned l = at < len ? (unsigned char)v[at] : 0;
		ok = l >= 1 && l <= 4 && len - at > l;
		for (unsigned k = 1; ok && k <= l; k++)
			field[i] = field[i] << 8 | (unsigned char)v[at + k];
		at += 1 + l;
	}
	ok = ok && len - at == 3 && memcmp(v + at, "MD5", 3) == 0 && field[0] == img->session &&
	     field[3] == 16;
	free(v);
	if (!ok)
		return img_error_set(&img->err, IMG_EISOFS,
				     "libisofs recorded no usable checksum array (\"isofs.ca\")");
	int rc = img_md5fix_new(img->session, field[1], field[2], &img->md5fix);
	if (rc == IMG_ENOMEM)
		return img_error_set(&img->err, IMG_ENOMEM, "image");
	if (rc != IMG_OK)
		return img_error_set(&img->err, IMG_EISOFS, "libisofs's checksum array at block "
				     "%u of %u entries: unusable", field[1], field[2]);
	return IMG_OK;
}

int img_image_start(struct img_image *img, uint64_t *bytes)
{
	if (started(img))
		return img_error_set(&img->err, IMG_EINVAL, "image already started");
	int rc = number_nodes(img);
	if (rc != IMG_OK)
		return rc;
	/* libjte only now: laying the image out for its size (img_image_stream_blocks) also
	 * starts libisofs's writer, which would start the jigdo files. */
	if (img->jte != NULL) {
		int ret = iso_write_opts_attach_jte(img->wopts, img->jte);
		if (ret < 0)
			return img_image_isofs_error(img, ret, "cannot start the jigdo files");
		img->jte_attached = true;
	}
	int ret = iso_image_create_burn_source(img->iso, img->wopts, &img->bs);
	if (ret < 0) {
		img->bs = NULL;
		return jte_error(img, ret, "cannot start writing the image");
	}
	img->total = (uint64_t)img->bs->get_size(img->bs);
	img->done = 0;
	/* Only Rock Ridge has Continuation Areas to miscount (isofs_realign.h). */
	if (img->opts.rock && img_realign_new(img->session, img->boot.part_offset,
						      &img->realign) != IMG_OK)
		return img_error_set(&img->err, IMG_ENOMEM, "image");
	if (img->realign != NULL && img->opts.md5 && img->boot.part_offset == 0 &&
	    (rc = start_md5fix(img)) != IMG_OK)
		return rc;
	map_files(img);
	drain_messages(img, NULL, 0);
	*bytes = img->total;
	if (img->ext != NULL && img->ext->start != NULL)
		return img->ext->start(img->ext, img, bytes);
	return IMG_OK;
}

int img_image_read(struct img_image *img, void *buf, size_t len, size_t *got)
{
	if (img->ext != NULL && img->ext->read != NULL && started(img))
		return img->ext->read(img->ext, img, buf, len, got);
	return img_image_stream_read(img, buf, len, got);
}

/* A failure while libjte is attached: libjte's own words (the file it could not open or
 * find) come first, then libisofs's. */
static int jte_error(struct img_image *img, int ret, const char *what)
{
	char jte[ISO_MSGS_MESSAGE_LEN] = "";
	if (img->jte_attached)
		img_jigdo_messages(img->jte, jte, sizeof(jte));
	int rc = img_image_isofs_error(img, ret, what);
	if (jte[0] != '\0') {
		char detail[sizeof(img->err.detail)];
		snprintf(detail, sizeof(detail), "%s", img->err.detail);
		img_error_set(&img->err, rc, "%s: %s", jte, detail);
	}
	return rc;
}

/* The end of the stream with libjte attached: libisofs has libjte write the jigdo file's
 * end after the last byte, on its writer thread, which is therefore joined here; any error
 * it queued by then fails the image (the jigdo files would be incomplete). */
static int finish_jte(struct img_image *img)
{
	struct burn_source *bs = img->bs;
	size_t cap = 0, avail_free = 0;
	const struct timespec step = {0, 200 * 1000};
	while (iso_ring_buffer_get_status(bs, &cap, &avail_free) == 1)
		nanosleep(&step, NULL);
	bs->free_data(bs); /* joins libisofs's writer thread */
	free(bs);
	img->bs = NULL;
	img->ended = true;
	char why[ISO_MSGS_MESSAGE_LEN] = "", text[ISO_MSGS_MESSAGE_LEN], sev[80];
	size_t len = img_jigdo_messages(img->jte, why, sizeof(why)) ? strlen(why) : 0;
	bool failed = len > 0;
	int code, id;
	while (iso_obtain_msgs("ALL", &code, &id, text, sev) > 0) {
		int rank = severity_rank(sev);
		if (rank >= 4) {
			failed = true;
			append_why(why, sizeof(why), &len, text);
		} else {
			note_isofs(img, rank, text);
		}
	}
	void *jte = NULL;
	iso_write_opts_detach_jte(img->wopts, &jte);
	img->jte_attached = false;
	if (failed)
		return img_error_set(&img->err, IMG_EISOFS, "jigdo files not written: %s", why);
	return IMG_OK;
}

/* Reads up to len bytes of libisofs's stream (less only at its end, *got 0 there). */
static int raw_read(struct img_image *img, void *buf, size_t len, size_t *got)
{
	*got = 0;
	if (len > INT32_MAX)
		len = (size_t)1 << 30;
	struct burn_source *bs = img->bs;
	/* libisofs's ring buffer wakes a waiting reader after every 2 KiB block it stores; when we
	 * are faster than its writer thread (always, into a pipe or the page cache) that is one
	 * futex round trip per block.  Waiting outside until the whole request is buffered cut
	 * futex calls from ~300,000 to ~1,100 and CPU time by half on 100,000 small files
	 * (tests/bench/NOTES.md); 200 us steps measured best. */
	size_t cap = 0, avail_free = 0;
	const struct timespec step = {0, 200 * 1000};
	/* A request beyond half the ring would again wait block by block once the ring is
	 * full (the UDF bridge's read of the 21 MB of directory records of 100,000 files in one
	 * request took 0.26 s, 0.15-0.18 s in half-ring pieces): ask for at most half, the
	 * writer fills the other half meanwhile. */
	if (iso_ring_buffer_get_status(bs, &cap, &avail_free) == 1 && len > cap / 2 &&
	    cap >= 2 * IMG_BLOCK_SIZE)
		len = cap / 2 / IMG_BLOCK_SIZE * IMG_BLOCK_SIZE;
	int st;
	while ((st = iso_ring_buffer_get_status(bs, &cap, &avail_free)) == 1 &&
	       cap - avail_free < (len < cap ? len : cap))
		nanosleep(&step, NULL);
	/* The writer is done: what the ring holds is all there is.  Asking for more would lose
	 * the bytes read (libisofs's ring then answers end of stream, not a short count), and
	 * a realigned stream is shorter than libisofs's own size by the blocks put in. */
	if (st == 2 && len > cap - avail_free)
		len = cap - avail_free;
	if (len == 0)
		return IMG_OK;
	int n = bs->read_xt ? bs->read_xt(bs, buf, (int)len) : bs->read(bs, buf, (int)len);
	if (n < 0 || (size_t)n != len) {
		int rc = img_stream_take_error(&img->err);
		if (rc == IMG_OK && img->import != NULL)
			rc = img_import_take_error(img->import, &img->err);
		if (rc != IMG_OK) {
			drain_messages(img, NULL, 0);
			return rc;
		}
		return jte_error(img, (int)ISO_BUF_READ_ERROR,
				 n < 0 ? "error while producing the image" : "image stream ended early");
	}
	*got = (size_t)n;
	return IMG_OK;
}

/* Whether text is libisofs's FATAL about a mismatch (which one: "tree" or "image"). */
static bool damaged_msg(const char *text, const char *which)
{
	char want[120];
	snprintf(want, sizeof(want),
		 "Image is most likely damaged. Calculated/written %s end address mismatch.", which);
	return strcmp(text, want) == 0;
}

/* The end of a realigned stream: libisofs's own account of its shortfall must be exactly
 * the blocks put in.  Its writer queues the last of it after the ring closed, so it is
 * joined first; every other message of SORRY and up still fails the image. */
static int check_realigned_end(struct img_image *img)
{
	struct burn_source *bs = img->bs;
	size_t cap = 0, avail_free = 0;
	const struct timespec step = {0, 200 * 1000};
	int st;
	while ((st = iso_ring_buffer_get_status(bs, &cap, &avail_free)) == 1)
		nanosleep(&step, NULL);
	if (st != 2 || cap != avail_free)
		return img_image_isofs_error(img, (int)ISO_BUF_READ_ERROR,
					     "image stream longer than laid out");
	bs->free_data(bs); /* joins libisofs's writer thread */
	free(bs);
	img->bs = NULL;
	img->ended = true;
	uint64_t blocks = img_realign_inserted(img->realign);
	bool tree_fatal = false, image_fatal = false;
	char why[ISO_MSGS_MESSAGE_LEN] = "", text[ISO_MSGS_MESSAGE_LEN], sev[80];
	size_t len = 0;
	int code, id;
	while (iso_obtain_msgs("ALL", &code, &id, text, sev) > 0) {
		int rank = severity_rank(sev);
		if (strcmp(sev, "WARNING") == 0 && img->tree_end_msg[0] == '\0' &&
		    strncmp(text, TREE_END_DIFFER, sizeof(TREE_END_DIFFER) - 1) == 0) {
			snprintf(img->tree_end_msg, sizeof(img->tree_end_msg), "%s", text);
		} else if (strcmp(sev, "FATAL") == 0 && !tree_fatal && damaged_msg(text, "tree")) {
			tree_fatal = true;
		} else if (strcmp(sev, "FATAL") == 0 && !image_fatal && damaged_msg(text, "image")) {
			image_fatal = true;
		} else if (rank >= 4) {
			append_why(why, sizeof(why), &len, text);
		} else {
			note_isofs(img, rank, text);
		}
	}
	unsigned long laid = 0, written = 0;
	char tail;
	bool tree_end = sscanf(img->tree_end_msg + sizeof(TREE_END_DIFFER) - 1, "%lu <> %lu%c",
			       &laid, &written, &tail) == 2 && laid > written &&
			laid - written == blocks;
	if (why[0] != '\0' || !tree_end || !tree_fatal || !image_fatal)
		return img_error_set(&img->err, IMG_EISOFS,
				     "realigned %llu block%s of Rock Ridge continuation areas, but "
				     "libisofs said otherwise: %s%s%s",
				     (unsigned long long)blocks, blocks == 1 ? "" : "s",
				     img->tree_end_msg[0] ? img->tree_end_msg : "no tree end message",
				     why[0] ? "; " : "", why);
	img_image_note(img, IMG_NOTE_INFO,
		       "libisofs reserved %llu block%s more Rock Ridge continuation area than it "
		       "wrote: zero blocks put in, every directory where its records say",
		       (unsigned long long)blocks, blocks == 1 ? "" : "s");
	return IMG_OK;
}

/* Up to len bytes of the stream from libisofs's, with the realignment's zero blocks put in:
 * one read of libisofs's stream at most. */
static int realigned_read(struct img_image *img, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	if (img->gap_left > 0) {
		size_t z = img->gap_left < len ? (size_t)img->gap_left : len;
		memset(buf, 0, z);
		img->gap_left -= z;
		*got = z;
		return IMG_OK;
	}
	size_t n;
	bool carried = img->carry_len > 0;
	if (carried) {
		n = img->carry_len < len ? img->carry_len : len;
		memcpy(buf, img->carry + img->carry_off, n);
		img->carry_off += n;
		img->carry_len -= n;
	} else {
		int rc = raw_read(img, buf, len, &n);
		if (rc != IMG_OK || n == 0)
			return rc;
	}
	size_t use;
	uint64_t gap;
	int rc = img_realign_scan(img->realign, buf, n, &use, &gap, &img->err);
	if (rc != IMG_OK)
		return rc;
	if (gap > 0 && img->jte != NULL)
		/* libjte saw libisofs's stream, without the zero blocks: its template would
		 * rebuild another image. */
		return img_error_set(&img->err, IMG_EUNSUPPORTED,
				     "libisofs 1.5.4 laid out more Rock Ridge continuation area "
				     "than it wrote for this tree (a directory of many long names): "
				     "mkimage can realign the image, but the jigdo template libjte "
				     "made from libisofs's stream would not rebuild it");
	if (gap > 0 && img->opts.md5 && img->md5fix == NULL)
		/* libisofs's checksum tags hash the stream it wrote, without the gaps; they are
		 * redone (md5fix) except with a second tree, realigned after the tree tag. */
		return img_error_set(&img->err, IMG_EISOFS,
				     "libisofs 1.5.4 laid out more Rock Ridge continuation area "
				     "than it wrote for this tree (a directory of many long names): "
				     "mkimage can realign the image, but not with --md5 and a "
				     "partition offset, whose checksum tags would not match it");
	if (use < n) {
		/* Bytes after the gap: given again after it. */
		size_t rest = n - use;
		if (carried) {
			img->carry_off -= rest;
			img->carry_len += rest;
		} else {
			if (img_reserve((void **)&img->carry, &img->carry_cap, rest, 1) != IMG_OK)
				return img_error_set(&img->err, IMG_ENOMEM, "image");
			memcpy(img->carry, buf + use, rest);
			img->carry_off = 0;
			img->carry_len = rest;
		}
	}
	img->gap_left = gap;
	*got = use;
	return IMG_OK;
}

int img_image_stream_read(struct img_image *img, void *buf, size_t len, size_t *got)
{
	*got = 0;
	if (img->ended)
		return IMG_OK;
	if (img->bs == NULL)
		return img_error_set(&img->err, IMG_EINVAL, "image not started");
	uint64_t left = img->total - img->done;
	if (left == 0)
		return IMG_OK;
	/* libisofs's burn source hands out only whole buffers except at the very end: never
	 * ask past the end, or a short last piece would read as end of stream. */
	if ((uint64_t)len > left)
		len = (size_t)left;
	/* The MD5s are redone block by block: every piece is whole blocks (left is). */
	if (img->md5fix != NULL) {
		if (len < IMG_BLOCK_SIZE)
			return img_error_set(&img->err, IMG_EINVAL,
					     "image read of %zu bytes: with --md5 a realigned "
					     "stream is read in whole blocks", len);
		len -= len % IMG_BLOCK_SIZE;
	}
	size_t n = 0;
	int rc;
	if (img->realign == NULL) {
		rc = raw_read(img, buf, len, &n);
	} else {
		do {
			size_t k;
			rc = realigned_read(img, (uint8_t *)buf + n, len - n, &k);
			n += k;
			if (k == 0)
				break;
		} while (rc == IMG_OK && n < len);
	}
	if (rc != IMG_OK)
		return rc;
	if (n == 0)
		return img_image_isofs_error(img, (int)ISO_BUF_READ_ERROR,
					     "image stream ended early");
	if (img->md5fix != NULL) {
		if ((rc = img_md5fix_pass(img->md5fix, buf, n, &img->err)) != IMG_OK)
			return rc;
		/* Nothing put in before the tree tag: libisofs's MD5s are right from there on. */
		if (img_md5fix_tree_passed(img->md5fix) && img_realign_inserted(img->realign) == 0) {
			img_md5fix_free(img->md5fix);
			img->md5fix = NULL;
		}
	}
	img->done += (uint64_t)n;
	*got = n;
	if (img->done == img->total && img->md5fix != NULL && !img_md5fix_done(img->md5fix))
		return img_error_set(&img->err, IMG_EISOFS,
				     "libisofs stream: ended before its session checksum tag");
	if (img->done == img->total && img->realign != NULL &&
	    img_realign_inserted(img->realign) > 0)
		return check_realigned_end(img);
	if (img->done == img->total && img->jte_attached)
		return finish_jte(img);
	return IMG_OK;
}

void img_image_cancel(struct img_image *img)
{
	if (img->bs != NULL && img->bs->cancel != NULL)
		img->bs->cancel(img->bs);
}

int img_image_file_at(const struct img_image *img, uint64_t offset, char *buf, size_t len)
{
	size_t lo = 0, hi = img->nfiles;
	if (!started(img) || !img->mapped || hi == 0)
		return 0;
	if (img->moved != SIZE_MAX && offset >= img->moved_lo && offset < img->moved_hi)
		return img_stream_path(img->files[img->moved].stream, buf, len) > 0;
	if (offset < img->data_lo || offset >= img->file_end[hi - 1])
		return 0;
	/* The first file ending after offset; the moved one ends where the one before it does,
	 * so it is never that one. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->file_end[mid] <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return img_stream_path(img->files[lo].stream, buf, len) > 0;
}

const struct img_error *img_image_error(const struct img_image *img)
{
	return &img->err;
}

/* ---- the extension interface (image_ext.h) ---- */

int img_image_attach_ext(struct img_image *img, struct img_image_ext *ext)
{
	if (img->jte != NULL)
		return img_error_set(&img->err, IMG_EUNSUPPORTED, "jigdo files cannot describe "
				     "the blocks of the UDF view (libjte sees only libisofs's)");
	if (img->ext != NULL || started(img))
		return img_error_set(&img->err, IMG_EINVAL, "image extension added twice or late");
	img->ext = ext;
	return IMG_OK;
}

struct img_image_ext *img_image_get_ext(const struct img_image *img)
{
	return img->ext;
}

const struct img_image_opts *img_image_opts(const struct img_image *img)
{
	return &img->opts;
}

void img_image_set_import(struct img_image *img, struct img_import *imp)
{
	img->import = imp;
}

IsoNode *img_image_udf_only_readme(const struct img_image *img)
{
	return img->udf_only_readme;
}

struct img_import *img_image_get_import(const struct img_image *img)
{
	return img->import;
}

int img_image_set_epoch(struct img_image *img, long long epoch)
{
	struct img_image_opts o = img->opts;
	o.have_epoch = true;
	o.epoch = epoch;
	int rc = set_volume_dates(img->wopts, &o, &img->err);
	if (rc == IMG_OK)
		img->opts = o;
	return rc;
}

int img_image_set_joliet(struct img_image *img, bool joliet)
{
	int ret = iso_write_opts_set_joliet(img->wopts, joliet);
	if (ret < 0)
		return img_image_isofs_error(img, ret, "Joliet");
	img->opts.joliet = joliet;
	return IMG_OK;
}

IsoImage *img_image_isofs(struct img_image *img)
{
	return img->iso;
}

IsoWriteOpts *img_image_write_opts(struct img_image *img)
{
	return img->wopts;
}

int img_image_set_session_start(struct img_image *img, uint32_t block)
{
	int ret = iso_write_opts_set_ms_block(img->wopts, block);
	if (ret < 0)
		return img_image_isofs_error(img, ret, "cannot move the session");
	img->session = block;
	return IMG_OK;
}

struct img_error *img_image_err(struct img_image *img)
{
	return &img->err;
}

const struct img_tree *img_image_tree(const struct img_image *img)
{
	return img->tree;
}

const int *img_image_file_weights(const struct img_image *img, size_t *n)
{
	*n = img->nfile_weight;
	return img->file_weight;
}

const struct img_image_boot *img_image_boot(const struct img_image *img)
{
	return &img->boot;
}

int img_image_record_boot(struct img_image *img, const struct img_image_boot *b)
{
	char *cat = b->catalog_path ? strdup(b->catalog_path) : NULL;
	char *old = b->replaced_catalog ? strdup(b->replaced_catalog) : NULL;
	if ((b->catalog_path && cat == NULL) || (b->replaced_catalog && old == NULL)) {
		free(cat);
		free(old);
		return img_error_set(&img->err, IMG_ENOMEM, "boot setup");
	}
	free((char *)img->boot.catalog_path);
	free((char *)img->boot.replaced_catalog);
	img->boot = *b;
	img->boot.catalog_path = cat;
	img->boot.replaced_catalog = old;
	return IMG_OK;
}

int img_image_set_jte(struct img_image *img, void *jte_handle)
{
	if (started(img))
		return img_error_set(&img->err, IMG_EINVAL, "jigdo: image already started");
	/* An extension (the UDF bridge) writes blocks libisofs never shows libjte. */
	if (img->ext != NULL)
		return img_error_set(&img->err, IMG_EUNSUPPORTED, "jigdo files cannot describe "
				     "the blocks of the UDF view (libjte sees only libisofs's)");
	img->jte = jte_handle;
	return IMG_OK;
}
