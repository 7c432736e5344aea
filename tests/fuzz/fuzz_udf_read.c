/* libFuzzer target: the UDF reader (anchor, volume descriptors, partition maps, file set, file
 * entries, directories, the places of what the walk reads, metadata mirror comparison) over the input as a sparse image
 * (tests/fuzz/sparse.h: the anchor alone sits half a megabyte into an image). */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/source.h"
#include "common/udf/udf_read.h"
#include "tests/fuzz/sparse.h"

/* Each place must lie inside the image (the reader promises it). */
static int place(void *ctx, uint64_t off, uint64_t len, enum img_udf_place_kind kind,
		 const char *path)
{
	(void)kind;
	if (off > *(const uint64_t *)ctx || len > *(const uint64_t *)ctx - off || path == NULL)
		abort();
	return IMG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *image;
	size_t image_size;
	if (fuzz_sparse_image(data, size, &image, &image_size) != 0)
		return 0;
	struct img_error err = {0};
	struct img_source *src;
	if (img_source_from_memory(image, image_size, &src) != IMG_OK)
		return 0;
	struct img_udf_info info;
	struct img_filetree *tree = NULL;
	if (img_udf_read_tree(src, &tree, &info, &err) == IMG_OK)
		img_filetree_free(tree);
	uint64_t total = image_size;
	(void)img_udf_read_tree_places(src, NULL, &info, place, &total, &err);
	struct img_udf_mirror_check mc;
	(void)img_udf_compare_mirror(src, &mc, &err);
	img_source_close(src);
	return 0;
}
