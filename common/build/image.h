/* Building an ISO9660 image (Rock Ridge, Joliet) from a source tree, on libisofs.
 * The image is produced as a byte stream that the writer pulls with img_image_read().  A view
 * built on top of it (the UDF bridge) is an extension of the image: image_ext.h. */
#ifndef IMG_IMAGE_H
#define IMG_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
	const char *abstract, *biblio, *copyright; /* file ids (ECMA-119 8.4.19-21): names of
						      files in the root; NULL: none */
	bool joliet_no_version; /* Joliet names without ";1", as genisoimage and xorriso write
				   them (mkimage's own role keeps the version) */
	bool ids_as_given;     /* volume and volume set ids keep lower case and any character,
				  as genisoimage and xorriso write them (cloud-init's "cidata") */
	bool rrip_1_10;        /* Rock Ridge as RRIP 1.10 ("RRIP_1991A"), as genisoimage and
				  xorriso write it; mkimage's own role: 1.12 ("IEEE_1282") */
	uint32_t pad_blocks;   /* zero blocks after the image (mkisofs -pad: 150), 0: none */
	bool have_vol_time[4]; /* -volume_date c, m, x, f: the volume's creation, modification, */
	long long vol_time[4]; /* expiration and effective dates (ECMA-119 8.4.26-29), over
				  SOURCE_DATE_EPOCH; modification_date overrides c and m */
	bool have_file_dates;  /* --set_all_file_dates / -volume_date all_file_dates: */
	long long file_dates;  /* every file's mtime, atime and ctime (no clamping) */

	/* ISO 9660 names (mkisofs -l -N -d -U ...).  All off by default: each breaks ECMA-119
	 * in a way that some old reader trips on.  Each maps to the libisofs write option of
	 * the same name, as xorriso -as mkisofs maps them (set_write_opts in image.c). */
	bool iso1999;          /* -iso-level 4: an ISO 9660:1999 tree besides the iso_level one */
	bool omit_version;     /* -N: no ";1" after ISO 9660 file names */
	bool no_force_dots;    /* -d: no "." added to ISO 9660 file names that have none */
	bool max_37_chars;     /* -max-iso9660-filenames: 37 characters (implies omit_version) */
	bool allow_lowercase;  /* -allow-lowercase: lower case kept instead of upper-cased */
	bool allow_full_ascii; /* -U: every byte but '/' and 0 kept (no d-character mapping) */
	bool allow_7bit_ascii; /* -relaxed-filenames: 7-bit characters kept, lower case mapped
				* unless allow_lowercase */
	bool allow_dir_id_ext; /* directory names keep a dot and take file-name rules (mkisofs's
				* and xorriso -as mkisofs's default; off: dots become '_') */
	bool longer_paths;     /* ISO 9660 paths over 255 bytes (-U); always on without Rock Ridge */
	int untranslated_name_len; /* -untranslated_name_len: 0 off; 1..96 names stored as they
				    * are up to that length (longer fails); -1: 96 */
	/* File names: the character set of names on disk (NULL: UTF-8) and of Rock Ridge names
	 * in the image (NULL: the input charset, as mkisofs).  Joliet is always UTF-16. */
	const char *input_charset, *output_charset;

	/* File attributes in Rock Ridge (and the UDF view), applied after rationalize: */
	bool have_dir_mode, have_file_mode, have_new_dir_mode, have_uid, have_gid;
	mode_t dir_mode;       /* -dir-mode: permissions of every directory */
	mode_t file_mode;      /* -file-mode: permissions of every regular file */
	mode_t new_dir_mode;   /* -new-dir-mode: of directories no PATH supplied (made up for a
				* graft point or a file given alone), unless dir_mode */
	uid_t uid;             /* -uid: owner of every entry */
	gid_t gid;             /* -gid: group of every entry */
	/* zisofs (needs Rock Ridge: the ZF entry, RRIP-style, tells readers a file is zisofs):
	 * zisofs_magic marks files that already are (mkzftree's output, mkisofs -z); the others
	 * compress with libisofs's filter every regular file (zisofs_all) or those whose name,
	 * image path or disk path matches one of zisofs_only, where that saves a block. */
	bool zisofs_magic;
	bool zisofs_all;
	const char *const *zisofs_only;
	size_t n_zisofs_only;
	/* --udf-only: every entry of the tree hidden from the ISO 9660 and Joliet trees with its
	 * data still written (LIBISO_HIDE_BUT_WRITE), for the UDF view alone (udf_bridge.h);
	 * those trees hold only IMG_UDF_ONLY_README, which says the disc needs a UDF reader. */
	bool udf_only;
	/* -no-udf-symlinks: symbolic links stay out of the UDF view (cdrtools mkisofs). */
	bool udf_no_symlinks;
};

/* The one file of the ISO 9660 and Joliet trees of a UDF-only image (in their root), and the
 * name it takes when the tree has a root entry of that name. */
#define IMG_UDF_ONLY_README "README.TXT"
#define IMG_UDF_ONLY_README_ALT "README_UDF.TXT"
/* Its text, as oscdimg -u2 writes one: a system that reads only ISO 9660 or Joliet sees why
 * the disc looks empty. */
#define IMG_UDF_ONLY_TEXT \
	"This disc contains a \"UDF\" file system and requires an operating system\r\n" \
	"that supports the ISO-13346 \"UDF\" file system specification.\r\n"

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

/* Sets the SOURCE_DATE_EPOCH of the image after img_image_new, before img_image_add_tree: the
 * volume dates and the clamp of file times (as img_image_opts's epoch).  For an epoch that is
 * only known once an old image was imported (img_image_import).  Errors: IMG_EINVAL (out of
 * range), IMG_EISOFS. */
int img_image_set_epoch(struct img_image *img, long long epoch);

/* Frees the image, stopping a write in progress (the stream's reader thread is joined). */
void img_image_free(struct img_image *img);

/* Adds every entry of a finished tree (img_tree_finish) to the image; file contents are not
 * read here.  On top of an imported tree (import.h) a directory merges into the old one of
 * its name (keeping the old attributes unless it came from disk) and any other entry replaces
 * the old one of its name.  The tree must outlive the image (or img_image_forget_tree).  Errors: IMG_EISOFS (with the image path),
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
