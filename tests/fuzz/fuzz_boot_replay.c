/* libFuzzer target: boot replay's reading of an old image (common/build/boot_replay_scan.c: El
 * Torito catalog and section headers, the boot images' heads, the tree walk that names them,
 * MBR, GPT and APM), over the input as a sparse image (tests/fuzz/sparse.h).  What follows it
 * (boot_replay.c) only copies the scan's checked values into a boot configuration. */
#include <stdint.h>
#include <stdlib.h>

#include "common/build/boot_replay_scan.h"
#include "common/inspect/source.h"
#include "tests/fuzz/sparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *image;
	size_t image_size;
	if (fuzz_sparse_image(data, size, &image, &image_size) != 0)
		return 0;
	struct img_source *src;
	if (img_source_from_memory(image, image_size, &src) != IMG_OK)
		return 0;
	struct img_error err = {0};
	static struct img_replay_scan scan;
	if (img_replay_scan(src, &scan, &err) == IMG_OK)
		img_replay_scan_free(&scan);
	img_source_close(src);
	return 0;
}
