/* The extension interface of an image (common/build/image.c): what a view built on top of
 * libisofs's image, such as the UDF bridge of common/udf/, and the boot setup (boot_apply.c)
 * may see and change of it.  The image knows of its extension only through struct
 * img_image_ext: build/ depends on no extension. */
#ifndef IMG_IMAGE_EXT_H
#define IMG_IMAGE_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/isofs.h"
#include "common/build/image.h"
#include "common/build/isofs_layout.h"

/* An extension of the image, embedded in the extension's own struct.  Every member may be
 * NULL: that step then goes on as without an extension.  The image calls them on the thread
 * that calls it, and never after free. */
struct img_image_ext {
	/* Blocks the extension adds to libisofs's stream (img_image_size). */
	uint32_t (*extra_blocks)(struct img_image_ext *ext, struct img_image *img);
	/* Called by img_image_add_tree once the tree and the file weights are known, while
	 * libisofs's tree is still being built on another thread: it may read the tree and the
	 * weights only.  Errors are the extension's to keep. */
	void (*tree_ready)(struct img_image_ext *ext, struct img_image *img);
	/* Called by img_image_start after libisofs's burn source was created: *bytes is the
	 * stream's size and receives the whole image's.  Errors on the image. */
	int (*start)(struct img_image_ext *ext, struct img_image *img, uint64_t *bytes);
	/* Produces the image in place of img_image_stream_read (as img_image_read). */
	int (*read)(struct img_image_ext *ext, struct img_image *img, void *buf, size_t len,
		    size_t *got);
	/* Frees the extension (img_image_free). */
	void (*free)(struct img_image_ext *ext);
};

/* Gives img its extension (one at most), which it owns from then on.  Errors: IMG_EINVAL
 * (one is there already, or the image was started). */
int img_image_attach_ext(struct img_image *img, struct img_image_ext *ext);

/* The extension attached, or NULL. */
struct img_image_ext *img_image_get_ext(const struct img_image *img);

/* ---- narrow accessors ---- */

/* The import of an old image (import.c): img_image_set_import gives img the state of its
 * import, which it owns and frees (img_import_free) after libisofs's image; NULL before. */
struct img_import;
void img_image_set_import(struct img_image *img, struct img_import *imp);
struct img_import *img_image_get_import(const struct img_image *img);

/* The README node of a UDF-only image in libisofs's root (the one file its ISO 9660 tree
 * lists), NULL before img_image_add_tree added it or without --udf-only. */
IsoNode *img_image_udf_only_readme(const struct img_image *img);

/* Turns the Joliet tree on or off after img_image_new (before img_image_add_tree), as an
 * import decides it from the old image.  Errors: IMG_EISOFS. */
int img_image_set_joliet(struct img_image *img, bool joliet);

const struct img_image_opts *img_image_opts(const struct img_image *img);

/* libisofs's image and write options (owned by img). */
IsoImage *img_image_isofs(struct img_image *img);
IsoWriteOpts *img_image_write_opts(struct img_image *img);

/* Starts libisofs's session at block (iso_write_opts_set_ms_block), for an extension that puts
 * blocks of its own before it: every address libisofs writes is then absolute, and its stream
 * is the image from that block on.  Errors: IMG_EISOFS (on the image's error). */
int img_image_set_session_start(struct img_image *img, uint32_t block);

/* The image's error, for an extension to set. */
struct img_error *img_image_err(struct img_image *img);

/* Hands text to the note callback of img_image_new (if any). */
void img_image_note(struct img_image *img, enum img_note_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a libisofs failure (code ret, what it concerned) on the image's error, with the most
 * severe message libisofs queued; returns IMG_EISOFS. */
int img_image_isofs_error(struct img_image *img, int ret, const char *what);

/* The permission bits -r / --reproducible record for mode (as Rock Ridge shows them). */
mode_t img_image_rational_mode(mode_t mode);

/* The permission bits, owner and group that Rock Ridge (and the UDF view) record for node n of
 * a tree built with options o: the disk's, or -r's, then -dir-mode, -file-mode,
 * -new-dir-mode, -uid and -gid where given. */
void img_image_node_owner_mode(const struct img_image_opts *o, const struct img_tree_node *n,
			       mode_t *perm, uid_t *uid, gid_t *gid);

/* The tree given to img_image_add_tree (NULL before, or after img_image_forget_tree). */
const struct img_tree *img_image_tree(const struct img_image *img);

/* The regular files of the tree in walk order: the sort weight of each one's content
 * (distinct per content, 1 .. the number of contents; heavier data comes first).  *n receives
 * their number.  Set by img_image_add_tree before tree_ready. */
const int *img_image_file_weights(const struct img_image *img, size_t *n);

/* What img_image_set_boot did to the image (all zero before). */
struct img_image_boot {
	bool set;                     /* img_image_set_boot was called */
	unsigned part_offset;         /* -partition_offset */
	const char *catalog_path;     /* image path of the El Torito catalog, or NULL */
	bool catalog_hidden;          /* -hide named it: in no view */
	const char *replaced_catalog; /* image path of a tree file the catalog replaced, or NULL */
	bool esp_in_session;          /* the GPT's ESP is the El Torito EFI image (-efi-boot-part
				       * --efi-boot-image), inside libisofs's session */
	bool hfsplus;                 /* libisofs writes HFS+ and an APM (-hfsplus) */
};
const struct img_image_boot *img_image_boot(const struct img_image *img);

/* For img_image_set_boot (boot_apply.c): records b (the strings are copied).
 * Errors: IMG_ENOMEM. */
int img_image_record_boot(struct img_image *img, const struct img_image_boot *b);

/* Lays libisofs's session out without writing it (no file is read) and gives its size in
 * blocks, without the extension's blocks; libisofs fills the overwrite buffer meanwhile.
 * Errors: IMG_EISOFS. */
int img_image_stream_blocks(struct img_image *img, uint64_t *blocks);

/* Has libisofs show its stream to libjte (a struct libjte_env *, jigdo.h) from
 * img_image_start on, and checks at the stream's end that libjte wrote its files.  The
 * handle is the caller's; it must outlive img.  Errors: IMG_EINVAL (started already),
 * IMG_EUNSUPPORTED (an extension is attached: its blocks would be missing from the jigdo
 * template; img_image_attach_ext refuses one afterwards for the same reason). */
int img_image_set_jte(struct img_image *img, void *jte_handle);

/* Reads libisofs's stream: the body of img_image_read without an extension. */
int img_image_stream_read(struct img_image *img, void *buf, size_t len, size_t *got);

/* Where libisofs put the file data of the started image (isofs_layout.h).
 * Errors: IMG_EINVAL (not started), IMG_EISOFS (on the image's error). */
int img_image_data_layout(struct img_image *img, struct img_isofs_data *out);

#endif
