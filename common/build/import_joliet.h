/* The old image's Joliet tree against the imported one: libisofs imports one tree (Rock Ridge,
 * else Joliet, ...) and keeps no hidden flags, so what the old image kept out of one of its
 * trees would otherwise come back in the new image's, or be lost. */
#ifndef IMG_IMPORT_JOLIET_H
#define IMG_IMPORT_JOLIET_H

#include <stdint.h>

#include "common/build/image_ext.h"
#include "common/inspect/source.h"

/* The old session, and how to make a stream of its bytes. */
struct img_import_joliet_src {
	struct img_source *src;  /* the old image, read at absolute offsets */
	const char *name;        /* as the user named it, for messages */
	uint32_t start;          /* the session's start block (its descriptors at + 16) */
	/* A new stream (one reference, the caller's) of size bytes from block on. */
	int (*new_stream)(void *arg, uint32_t block, uint64_t size, IsoStream **out);
	void *arg;
};

/* Reads the old session's Joliet tree (img_joliet_index_read, bounds-checked) and pairs each
 * directory of the imported tree below root with its Joliet twin: an imported entry that
 * Joliet did not list is hidden from the new Joliet tree (a directory with everything below
 * it: genisoimage -hide-joliet, xorriso -hide joliet); an entry that only Joliet lists (hidden
 * from the ISO 9660 / Rock Ridge tree: genisoimage -hide, xorriso -hide iso_rr) is added as
 * Joliet-only, its data read from the old image, its date the Joliet record's, mode 0555 for a
 * directory and 0444 for a file (Joliet records none).  Nothing is done when the session has
 * no Joliet tree.  *hidden and *added count the entries; *catalog_unlisted says whether the
 * old El Torito catalog, which the imported tree lists, was left out of the Joliet tree (the
 * boot setup makes the catalog anew and must know).  Errors (on the image's error, naming
 * the old image): IMG_ECORRUPT / IMG_EIO (the Joliet tree, with the byte offset),
 * IMG_EUNSUPPORTED (a Joliet-only file of non-contiguous extents), IMG_EISOFS (a Joliet-only
 * name that libisofs refuses, or that an imported entry has already), IMG_ENOMEM. */
int img_import_joliet(struct img_image *img, const struct img_import_joliet_src *s,
		      IsoDir *root, unsigned *hidden, unsigned *added, bool *catalog_unlisted);

#endif
