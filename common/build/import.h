/* Importing an existing ISO 9660 image (one session of it) into the image being built, so that
 * a new image (remastering) or a new session (growing) is made on top of the old tree. */
#ifndef IMG_IMPORT_H
#define IMG_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/isofs.h"
#include "common/build/image.h"

/* An image's import state (owned by the image). */
struct img_import;

/* What to import, and from where. */
struct img_import_opts {
	/* The old image: a regular file or a block device, optionally spelled "stdio:PATH" (as
	 * xorriso and libburn name such targets).  Read at absolute byte offsets: block B is
	 * byte B * 2048 of the file, whatever session is imported. */
	const char *path;
	/* The block at which the session to import starts (mkisofs -C LAST's LAST; 0 for a
	 * single-session image): its volume descriptors are at start_block + 16. */
	uint32_t start_block;
	/* Drop every boot record of the old image: El Torito (the catalog node goes from the
	 * tree; the boot image files stay as files) and the system area (the new image gets
	 * zeros there unless a boot setup of the command line puts something).  false: libisofs
	 * keeps the imported El Torito entries and the old 32 KiB system area as it loaded them,
	 * for a boot replay to rework (writing them as they are would point at old addresses). */
	bool drop_boot;
	/* Write a Joliet tree exactly when the old session had one (img's options decide
	 * otherwise).  Rock Ridge is never decided here: the caller's options say. */
	bool joliet_as_old;
	/* Apply the image's attribute options (-r, -uid, -gid, -file-mode, -dir-mode) to the
	 * imported files too, as xorriso -as mkisofs does with -M (genisoimage -M leaves the
	 * previous session's files as they were: false). */
	bool attrs_on_old;
};

/* What the import found (valid after img_image_import succeeded). */
struct img_import_info {
	uint32_t start_block;    /* as given */
	uint32_t volume_blocks;  /* the imported session's volume space size (PVD, ECMA-119
				  * 8.4.8): blocks counted from block 0, so it is also where
				  * the old session ends */
	uint64_t source_bytes;   /* size of the old image file or device */
	char volid[33];          /* the old volume id (trailing blanks removed) */
	bool rock;               /* the old session had Rock Ridge (names and attributes
				  * came from it) */
	bool joliet;             /* ... a Joliet tree */
	bool iso1999;            /* ... an ISO 9660:1999 tree */
	bool eltorito;           /* ... an El Torito boot catalog */
	bool catalog_joliet_hidden; /* ... which its Joliet tree did not list (its Rock Ridge
				     * tree did) */
	bool system_area;        /* the old image's first 32 KiB (of start_block) hold
				  * anything but zeros: an MBR, GPT, APM or other boot code */
	bool aaip;               /* ... AAIP entries (ACLs, xattrs, libisofs's own) */
	bool md5;                /* ... libisofs's MD5 array ("isofs.ca" on the root); its
				  * session tags were checked by the import */
	bool have_mtime;         /* the volume modification date (ECMA-119 8.4.27) was valid: */
	long long mtime;         /* it, in seconds since 1970 (UTC) */
};

/* Replaces the (still empty) tree of img by the tree of the session of the old image that
 * o names: every name of every view (Rock Ridge, else Joliet, else ISO 9660:1999, else
 * ECMA-119), attributes, AAIP (ACLs and xattrs, which the image then writes again), hard
 * links, the volume ids and, unless o->drop_boot, El Torito and the system area.  The volume
 * ids of img's options that are not NULL replace the imported ones (the caller leaves them
 * NULL to keep the old ones).  File data is not read now: the new image reads unchanged files
 * from the old image as it is written, so the old image must stay as it is until then.  Call
 * once, right after img_image_new, before img_image_add_tree (which then merges into the
 * imported tree: directories merge, anything else of the same name is replaced).
 * Errors (on the image's error, naming the old image): IMG_ENOENT, IMG_EIO (cannot open or
 * read, with the byte offset), IMG_ECORRUPT (not ISO 9660, or damaged: what and where),
 * IMG_EINVAL (called twice, or after the tree was added), IMG_EISOFS (libisofs refused it:
 * its message), IMG_ENOMEM. */
int img_image_import(struct img_image *img, const struct img_import_opts *o);

/* What img_image_import found, or NULL when nothing was imported. */
const struct img_import_info *img_image_import_info(const struct img_image *img);

/* Removes the entry at image path path ("/"-separated; a relative one starts at the root)
 * from the image's tree (the imported one, before img_image_add_tree).  recursive: a directory
 * goes with everything in it; otherwise a non-empty directory is refused.  Errors (on the
 * image's error, naming the path): IMG_ENOENT (no such entry), IMG_EINVAL (the root, or a
 * non-empty directory without recursive), IMG_EISOFS, IMG_ENOMEM. */
int img_image_remove_path(struct img_image *img, const char *path, bool recursive);

/* Whether f is an entry that only the old image's Joliet tree listed (img_import_joliet: its
 * data a stream over the old image, not an imported file), and then where its data starts
 * there: for the UDF bridge, which places imported data by its old block. */
bool img_import_joliet_only_block(IsoFile *f, uint32_t *block);

/* After the image's stream failed: IMG_EIO with "OLD: cannot read the old image: what, at byte
 * N" in err when reading the old image failed (its data went missing or the device failed),
 * else IMG_OK (err untouched). */
int img_import_take_error(struct img_import *imp, struct img_error *err);

/* Frees an import's state (img_image_free calls it; the data source lives on in libisofs
 * while its image needs it). */
/* UDF-only remastering (udf_bridge.c): from now on, each read of one of the n old blocks
 * (ascending, copied) takes an order number (img_stream_take_order), as an open of one of our
 * file streams does; libisofs reads an old file's data block by block from its first block
 * on, so that number tells when the writer took up the file.  Replaces an earlier list. */
int img_import_watch_blocks(struct img_import *imp, const uint32_t *blocks, size_t n);

/* The order number of the latest read of watched block lba since img_import_watch_blocks,
 * 0 if none or not watched; *reads receives how many reads there were.  Read once, the read
 * was its own file's (libisofs reads every file it writes from its first block on). */
uint64_t img_import_block_order(struct img_import *imp, uint32_t lba, unsigned *reads);

void img_import_free(struct img_import *imp);

#endif
