/* libFuzzer target: El Torito catalog parser, and boot info table reading over the input. */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/eltorito.h"
#include "common/inspect/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct img_boot_catalog cat;
	struct img_error err = {0};
	img_eltorito_parse(data, size, 0, &cat, &err);
	struct img_source *src;
	if (img_source_from_memory(data, size, &src) == IMG_OK) {
		img_eltorito_read(src, 0, &cat, &err);
		img_source_close(src);
	}
	return 0;
}
