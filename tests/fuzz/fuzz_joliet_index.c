/* libFuzzer target: the Joliet tree index a remaster reads from the old image
 * (img_joliet_index_read: the descriptor set, the bounded directory walk, UTF-16 names,
 * multi-extent records, record dates) and a walk of every directory it lists, over the input
 * as a sparse image (tests/fuzz/sparse.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/inspect/joliet_index.h"
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
	struct img_joliet_index *ix = NULL;
	struct img_error err = {0};
	if (img_joliet_index_read(src, 0, &ix, &err) == IMG_OK && ix != NULL) {
		/* every listed directory is found again by its extent; names are strings */
		size_t n = 0, len = 0;
		const struct img_joliet_entry *e = img_joliet_index_list(ix, img_joliet_index_root(ix), &n);
		for (size_t i = 0; i < n; i++) {
			len += strlen(e[i].name);
			if (e[i].dir) {
				size_t m = 0;
				img_joliet_index_list(ix, e[i].extent, &m);
				len += m;
			}
		}
		(void)len;
		img_joliet_index_free(ix);
	}
	img_source_close(src);
	return 0;
}
