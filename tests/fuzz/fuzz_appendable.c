/* libFuzzer target: the scan of a grown image's head and chain of session superblocks
 * (img_append_scan, common/build/appendable_scan.c) over the input as a sparse image
 * (tests/fuzz/sparse.h), read through a callback as the target file is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/appendable.h"
#include "tests/fuzz/sparse.h"

static const unsigned char *img;
static size_t img_size;

static int mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	(void)arg;
	if (off > img_size || len > img_size - off)
		return -1;
	memcpy(buf, img + off, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_sparse_image(data, size, &img, &img_size) != 0)
		return 0;
	static uint8_t head[IMG_APPEND_HEAD_BLOCKS * 2048];
	size_t n = img_size < sizeof(head) ? img_size : sizeof(head);
	memcpy(head, img, n);
	memset(head + n, 0, sizeof(head) - n);
	struct img_append_layout l;
	struct img_error err = {0};
	if (img_append_scan(head, img_size, mem_read, NULL, &l, &err) == IMG_OK &&
	    (l.next < l.end || (l.kind == IMG_APPEND_CHAINED && l.newest >= l.end && !l.chain_broken)))
		abort();
	return 0;
}
