/* Building an ISO9660 image (Rock Ridge, Joliet) from a source tree, on libisofs.
 * The image is produced as a byte stream that the writer pulls with img_image_read().  A view
 * built on top of it (the UDF bridge) is an extension of the image: image_ext.h. */
#ifndef IMG_IMAGE_H
#define IMG_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/build/tree.h"

#define IMG_BLOCK_SIZE 2048

struct img_image;

struct img_image_opts {
	int iso_level;         /* 1..3; 3 (the default) stores files over 4 GiB in several extents */
	bool rock;             /* Rock Ridge (default on) */
	bool joliet;           /* Joliet (default on) */
	bool joliet_long;      /* -joliet-long: names up to 103 characters instead of 64 */
	bool md5;              /* --md5: record MD5s of session and files (libisofs hashes every
				* data byte twice, so it is off by default) */
	bool rationalize;      /* -r / --reproducible: owners 0, modes a+r, a-w, a+x where any x */
	bool have_epoch;       /* SOURCE_DATE_EPOCH given (the program reads the environment) */
	long long epoch;       /* volume dates; newer file times are clamped to it */
	const char *volid, *volset, *publisher, *preparer, *appid, *sysid; /* NULL: none */
	const char *modification_date; /* YYYYMMDDhhmmsscc (UTC) for the volume dates, as
					  xorriso's --modification-date; overrides epoch there */
	/* zisofs (needs Rock Ridge: the ZF entry, RRIP-style, tells readers a file is zisofs):
	 * zisofs_magic marks files that already are (mkzftree's output, mkisofs -z); the others
	 * compress with libisofs's filter every regular file (zisofs_all) or those whose name,
	 * image path or disk path matches one of zisofs_only, where that saves a block. */
	bool zisofs_magic;
	bool zisofs_all;
	const char *const *zisofs_only;
	size_t n_zisofs_only;
};

/* Fills o with the defaults: level 3, Rock Ridge and Joliet on, volume id "CDROM". */
void img_image_opts_default(struct img_image_opts *o);

/* What the library wants the user to know; the program decides how to show it. */
enum img_note_kind {
	IMG_NOTE_WARN,  /* something was changed or is outside a standard: always shown */
	IMG_NOTE_INFO,  /* details (each shortened name, libisofs notes): shown with -v */
};
typedef void (*img_note_fn)(void *arg, enum img_note_kind kind, const char *text);

/* Creates an empty image.  note (may be NULL) receives warnings and details.
 * Errors: IMG_EINVAL (bad level), IMG_ENOMEM, IMG_EISOFS. */
int img_image_new(const struct img_image_opts *o, img_note_fn note, void *arg,
		  struct img_image **out, struct img_error *err);

/* Frees the image, stopping a write in progress (the stream's reader thread is joined). */
void img_image_free(struct img_image *img);

/* Adds every entry of a finished tree (img_tree_finish) to the image; file contents are not
 * read here.  The tree must outlive the image (or img_image_forget_tree).  Errors: IMG_EISOFS (with the image path),
 * IMG_ENOMEM. */
int img_image_add_tree(struct img_image *img, const struct img_tree *tree);

/* Lets the caller free the tree given to img_image_add_tree: the image keeps a pointer to it
 * only for an extension added later (img_image_add_udf of the UDF bridge), which fails with
 * IMG_EINVAL afterwards. */
void img_image_forget_tree(struct img_image *img);

/* Computes the image size in 2048-byte blocks without reading any file content
 * (-print-size).  Errors: IMG_EISOFS. */
int img_image_size(struct img_image *img, uint64_t *blocks);

/* Starts producing the image; *bytes is its exact size.  Errors: IMG_EISOFS. */
int img_image_start(struct img_image *img, uint64_t *bytes);

/* Reads the next up-to-len bytes of the image into buf; *got is 0 at the end.  Any error
 * libisofs reports while producing the stream fails the read: IMG_ECHANGED or IMG_EIO for a
 * source file (the detail names it), IMG_EISOFS otherwise, IMG_EIO if the stream ends early. */
int img_image_read(struct img_image *img, void *buf, size_t len, size_t *got);

/* Stops the production started by img_image_start (safe to call at any time). */
void img_image_cancel(struct img_image *img);

/* Writes into buf (as img_stream_path does) the disk path of the file whose data lies at byte
 * offset of the image, for progress reports; returns 1, or 0 outside the file data area.
 * Valid after img_image_start. */
int img_image_file_at(const struct img_image *img, uint64_t offset, char *buf, size_t len);

const struct img_error *img_image_error(const struct img_image *img);

#endif
