/* libFuzzer target: the image map (img_map_build: every reader of common/inspect and the UDF
 * reader at once, the Rock Ridge continuation areas it follows, the checksum tags and anchor
 * copies it recognises, and the layout of their claims), over the input as a sparse image
 * (tests/fuzz/sparse.h).  Also checks the map's promise: regions tile the image. */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/map.h"
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
	struct img_map m;
	struct img_error err = {0};
	if (img_map_build(src, &m, &err) == IMG_OK) {
		uint64_t next = 0;
		for (size_t i = 0; i < m.count; i++) {
			if (m.regions[i].first != next || m.regions[i].count == 0)
				__builtin_trap();
			next += m.regions[i].count;
		}
		if (next != m.blocks)
			__builtin_trap();
	}
	img_map_free(&m);
	img_source_close(src);
	return 0;
}
