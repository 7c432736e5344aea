/* libFuzzer target: the ISO 9660 / Joliet / Rock Ridge tree reader (img_iso_read_tree: our
 * directory walk, then libisofs's importer through our bounded data source, then the copy
 * into a file tree) and the single-pass view walk, over the input as a sparse image
 * (tests/fuzz/sparse.h: the volume descriptors start 32 KiB into an image). */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/iso_read.h"
#include "common/inspect/source.h"
#include "tests/fuzz/sparse.h"

static int count_node(struct img_fnode *n, void *arg)
{
	(void)n;
	(*(uint64_t *)arg)++;
	return IMG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *image;
	size_t image_size;
	if (fuzz_sparse_image(data, size, &image, &image_size) != 0)
		return 0;
	struct img_source *src;
	if (img_source_from_memory(image, image_size, &src) != IMG_OK)
		return 0;
	/* One import per input (each costs a libisofs image): the image size's low bits choose
	 * what libisofs is told to read, Rock Ridge, Joliet or plain ISO 9660, or the
	 * single-pass walk of the default view. */
	static const enum img_view views[] = {IMG_VIEW_DEFAULT, IMG_VIEW_JOLIET, IMG_VIEW_ISO,
					      IMG_VIEW_DEFAULT};
	unsigned pick = image_size % 4;
	struct img_error err = {0};
	struct img_iso_info info;
	if (pick < 3) {
		struct img_filetree *tree = NULL;
		if (img_iso_read_tree(src, views[pick], &tree, &info, &err) == IMG_OK)
			img_filetree_free(tree);
	} else {
		struct img_iso_view *v;
		if (img_iso_view_open(src, views[pick], &v, &info, &err) == IMG_OK) {
			uint64_t nodes = 0;
			(void)img_iso_view_walk(v, count_node, &nodes);
			img_iso_view_close(v);
		}
	}
	img_source_close(src);
	return 0;
}
