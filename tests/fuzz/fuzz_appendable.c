/* libFuzzer target: what mkimage --grow makes of the one session scanner
 * (img_append_scan over img_sessions_scan_head, common/inspect/sessions.c) on the input as a
 * sparse image (tests/fuzz/sparse.h), read through a callback as the target file is, and the
 * head made for a session at next (img_append_head_for_session, imgburn --multi's). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/appendable.h"
#include "common/inspect/sessions.h"
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
	/* The head made for a session at next from the input's first 64 KiB says where that
	 * session ends. */
	static uint8_t out[IMG_APPEND_HEAD_BLOCKS * 2048];
	uint32_t next = (uint32_t)(img_size / 2048), own, total;
	if (img_append_head_for_session(out, img, img_size, next, &err) == IMG_OK &&
	    (!img_append_pvd_blocks(out + 16 * 2048, &total) ||
	     !img_append_pvd_blocks(img + 16 * 2048, &own) || total != next + own))
		abort();
	return 0;
}
