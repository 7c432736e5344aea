/* Inside of struct img_image, for the modules of common/ that extend the image (El Torito,
 * hybrid partition tables, UDF): they need libisofs's IsoImage and IsoWriteOpts. */
#ifndef IMG_IMAGE_PRIV_H
#define IMG_IMAGE_PRIV_H

#include "common/build/image.h"
#include "common/base/isofs.h"

/* One file's data in the order libisofs writes it (by our sort weights). */
struct img_data_file {
	IsoStream *stream;   /* borrowed: libisofs's image holds it */
	uint64_t blocks;
};

struct img_udf_bridge;

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
	/* For the UDF bridge (common/udf/udf_bridge.c), which builds its tree from ours. */
	const struct img_tree *tree;  /* set by img_image_add_tree */
	int *file_weight;         /* regular files in walk order: the sort weight of their
				   * content (distinct per content; heavier data comes first) */
	size_t nfile_weight;
	struct img_udf_bridge *udf;   /* NULL: no UDF view */
	struct img_udf_plan *udf_plan; /* img_image_plan_udf: the UDF tree built in add_tree */
	unsigned part_offset;     /* -partition_offset (set by img_image_set_boot) */
	bool boot;                /* img_image_set_boot was called */
	char *replaced_catalog;   /* image path of a tree file the boot catalog replaced */
	char *catalog_path;       /* image path of the El Torito catalog libisofs adds, or NULL */
	bool catalog_hidden;      /* -hide named it: in no view */
	bool esp_in_session;      /* the GPT's ESP is the El Torito EFI image (-efi-boot-part
				   * --efi-boot-image), inside libisofs's session */
};

/* Records a libisofs failure (code ret, what it concerned) on img->err, with the most
 * severe message libisofs queued; returns IMG_EISOFS. */
int img_image_isofs_error(struct img_image *img, int ret, const char *what);

/* The permission bits -r / --reproducible record for mode (as Rock Ridge shows them). */
mode_t img_image_rational_mode(mode_t mode);

/* Reads from libisofs's stream (the body of img_image_read without a UDF bridge). */
int img_image_stream_read(struct img_image *img, void *buf, size_t len, size_t *got);

/* Hooks of the UDF bridge (common/udf/udf_bridge.c) into image.c: blocks it adds to libisofs's
 * stream (before its session, and after it unless libisofs writes them),
 * starting (after iso_image_create_burn_source; *bytes is the whole image), reading, freeing. */
uint32_t img_udf_bridge_extra_blocks(const struct img_udf_bridge *b);
int img_udf_bridge_start(struct img_image *img, uint64_t *bytes);
int img_udf_bridge_read(struct img_image *img, void *buf, size_t len, size_t *got);
void img_udf_bridge_free(struct img_udf_bridge *b);
/* Called by img_image_add_tree once tree and file_weight are set, on the calling thread, while
 * libisofs's tree is still being built on another: builds the UDF tree img_image_plan_udf asked
 * for (errors are kept for img_image_add_udf, never set on the image's error).  Does nothing
 * without a plan. */
void img_udf_plan_build(struct img_image *img);
void img_udf_plan_free(struct img_udf_plan *p);

#endif
