/* Reading the ISO 9660, Joliet and Rock Ridge file trees of an image: a bounded, loop-checking
 * walk of our own over the directory records, then libisofs's importer (iso_image_import over
 * an IsoDataSource of ours) for the names and attributes of the chosen view. */
#ifndef IMG_ISO_READ_H
#define IMG_ISO_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"
#include "common/inspect/filetree.h"
#include "common/inspect/voldesc.h"

enum img_view { IMG_VIEW_DEFAULT, IMG_VIEW_ISO, IMG_VIEW_JOLIET, IMG_VIEW_RR, IMG_VIEW_UDF };

/* Parses "iso", "joliet", "rr" or "udf"; IMG_EINVAL otherwise. */
int img_view_parse(const char *name, enum img_view *out);
const char *img_view_name(enum img_view view);

/* Limits of the directory walk; beyond them the image is called malformed. */
#define IMG_ISO_MAX_DEPTH 256
#define IMG_ISO_MAX_DIR_BYTES (64u << 20)

/* What the directory walk of one tree (primary or Joliet) found. */
struct img_dirscan {
	uint64_t dirs, files;
	uint64_t dir_blocks;    /* 2048-byte blocks of directory data */
	bool multi_extent;     /* some file has more than one extent (level 3) */
	bool long_names;       /* some name breaks the 8.3 / 8-character level-1 limits */
	int depth;             /* deepest directory level, root = 1 */
};

/* Walks the directory hierarchy whose root record is in vd, iteratively.  IMG_ECORRUPT with
 * the byte offset for a directory loop (a directory extent met twice), a record crossing a
 * sector or its directory, a directory or file extent past the end of the image, a depth
 * beyond IMG_ISO_MAX_DEPTH or a directory beyond IMG_ISO_MAX_DIR_BYTES. */
int img_iso_scan(struct img_source *src, const struct img_vd *vd, struct img_dirscan *out,
		 struct img_error *err);

/* img_iso_scan that also calls visit for each directory once its records have passed the
 * checks: its extent (in blocks of vd), its size in bytes and its records (size bytes, valid
 * during the call; each record stays inside its sector and the directory).  Stops and
 * returns visit's value when it is not IMG_OK.  visit may be NULL. */
int img_iso_scan_dirs(struct img_source *src, const struct img_vd *vd, struct img_dirscan *out,
		      int (*visit)(uint32_t extent, uint32_t size, const unsigned char *records,
				   void *arg),
		      void *arg, struct img_error *err);

/* What libisofs found in the image. */
struct img_iso_info {
	bool rockridge, joliet, iso1999, eltorito;
	uint32_t blocks;       /* volume space size libisofs read */
	bool session_md5;      /* a session MD5 tag (xorriso --md5) was found */
	uint32_t md5_start, md5_end;
	unsigned char md5[16];
	int files_with_md5;
	/* libisofs's MD5 checksum array (16 bytes per file, then the session's), as the root's
	 * AAIP attribute "isofs.ca" places it: md5_array_blocks blocks from md5_array; 0 when
	 * there is none or it is not MD5. */
	uint32_t md5_array, md5_array_blocks;
};

/* Imports the tree of view (IMG_VIEW_DEFAULT: Rock Ridge, else Joliet, else ISO 9660) into a
 * new tree owned by the caller.  The primary and Joliet hierarchies are first checked with
 * img_iso_scan (its errors are returned as they are); the importer then reads through a data
 * source that refuses reads past the end and stops after a number of reads bounded by the
 * directory size.  Errors: IMG_ECORRUPT,
 * IMG_EUNSUPPORTED (the view is absent: *view_missing names it), IMG_EISOFS with libisofs's
 * message, IMG_ENOMEM. */
int img_iso_read_tree(struct img_source *src, enum img_view view, struct img_filetree **out,
		      struct img_iso_info *info, struct img_error *err);

/* An imported view that has not been copied into a tree: for a single pass over a large image
 * (imginfo -l) without holding a second copy of it. */
struct img_iso_view;

/* Imports view as img_iso_read_tree does (same checks, same errors), but keeps libisofs's
 * tree instead of copying it; free it with img_iso_view_close. */
int img_iso_view_open(struct img_source *src, enum img_view view, struct img_iso_view **out,
		      struct img_iso_info *info, struct img_error *err);

/* Calls visit for every node of the view, depth first, parents before children, in the
 * order img_iso_read_tree's tree would hold them.  The node passed (and its parent chain, its
 * name, extents and link) is valid only during the call: the walk reuses it and drops each
 * libisofs node once visited, so a view can be walked only once (IMG_EINVAL after that).
 * Stops and returns visit's value when it is not IMG_OK; IMG_ENOMEM. */
int img_iso_view_walk(struct img_iso_view *v, int (*visit)(struct img_fnode *n, void *arg),
		      void *arg);

void img_iso_view_close(struct img_iso_view *v);

#endif
