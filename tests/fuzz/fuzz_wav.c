/* libFuzzer target for common/burn/wav.c: any bytes as a whole WAVE file, and as the first part of a
 * longer one.  Build: clang -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz_wav.c
 * common/burn/wav.c common/base/error.c -o fuzz_wav */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/burn/wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_wav_info wi;
	struct img_error err;
	/* an exact-size copy, so that ASan sees any read past the end */
	unsigned char *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (img_wav_parse(copy, size, size, &wi, &err) == IMG_OK) {
		/* what the parser promises: the samples lie inside the file, whole frames */
		if (wi.data_offset > size || wi.data_size > size - wi.data_offset ||
		    wi.block_align == 0 || wi.data_size % wi.block_align != 0)
			abort();
		img_wav_check_cdda(&wi, &err);
	}
	/* the same bytes as the header window of a file that goes on */
	img_wav_parse(copy, size, (uint64_t)size + 1000000, &wi, &err);
	free(copy);
	return 0;
}
