/* Inside of struct img_image, for the modules of common/ that extend the image (El Torito,
 * hybrid partition tables, UDF): they need libisofs's IsoImage and IsoWriteOpts. */
#ifndef IMG_IMAGE_PRIV_H
#define IMG_IMAGE_PRIV_H

#include "common/image.h"
#include "common/isofs.h"

/* One file's data in the order libisofs writes it (by our sort weights). */
struct img_data_file {
	const char *path;    /* borrowed from the tree */
	uint64_t blocks;
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
	uint64_t *file_end;       /* byte offset where files[i]'s data ends (after start) */
	struct img_error err;
};

/* Records a libisofs failure (code ret, what it concerned) on img->err, with the most
 * severe message libisofs queued; returns IMG_EISOFS. */
int img_image_isofs_error(struct img_image *img, int ret, const char *what);

#endif
