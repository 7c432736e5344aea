/* libFuzzer target: img_diff_images (its own directory and Rock Ridge walk, then every parser
 * it calls on both images) comparing the input, read as a sparse image (tests/fuzz/sparse.h),
 * with a copy of it in which one byte, chosen by the input's size, is inverted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/inspect/diff.h"
#include "common/inspect/source.h"
#include "tests/fuzz/sparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *image;
	size_t image_size;
	if (fuzz_sparse_image(data, size, &image, &image_size) != 0 || image_size == 0)
		return 0;
	unsigned char *copy = malloc(image_size);
	if (copy == NULL)
		return 0;
	memcpy(copy, image, image_size);
	/* Inside the descriptors and directories more often than not: within the first 128 KiB
	 * when the image is longer. */
	size_t span = image_size < (128u << 10) ? image_size : (128u << 10);
	copy[(size * 7919u) % span] ^= 0xff;
	struct img_source *a, *b;
	if (img_source_from_memory(image, image_size, &a) != IMG_OK) {
		free(copy);
		return 0;
	}
	if (img_source_from_memory(copy, image_size, &b) != IMG_OK) {
		img_source_close(a);
		free(copy);
		return 0;
	}
	struct img_diff_opts opts = {.content = size % 2 == 0};
	struct img_diff_result r;
	struct img_error err = {0};
	(void)img_diff_images(a, b, &opts, &r, &err);
	img_diff_result_free(&r);
	img_source_close(a);
	img_source_close(b);
	free(copy);
	return 0;
}
