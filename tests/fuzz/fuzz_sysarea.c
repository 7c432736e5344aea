/* libFuzzer target: MBR, GPT and APM parsing of the input as a whole disk. */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/source.h"
#include "common/inspect/sysarea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct img_sysarea sa;
	struct img_error err = {0};
	struct img_source *src;
	if (img_source_from_memory(data, size, &src) != IMG_OK)
		return 0;
	img_sysarea_read(src, &sa, &err);
	img_source_close(src);
	return 0;
}
