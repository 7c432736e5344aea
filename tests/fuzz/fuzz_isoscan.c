/* libFuzzer target: the streaming ISO 9660 directory scan of the UDF bridge (udf_isoscan.c)
 * over the input as the head of an image whose session starts at block 0, its volume
 * descriptors at block 16, and whose file data starts right after the blocks given.
 * Input: one byte that picks the size of the pieces the bytes are fed in (the bridge gets
 * them as libisofs's ring hands them out), then blocks 16, 17, ... each as a 16-bit
 * little-endian length (at most 2048) and that many bytes, the rest of the block zero: the
 * directories of a small image take a few KB, so that a run makes millions of executions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/udf/udf_isoscan.h"

#define BLOCK 2048u
#define FIRST 16u
#define MAX_BLOCKS 1024u

static uint8_t image[MAX_BLOCKS * BLOCK];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* 1 byte .. 64 KiB, the odd sizes splitting records and blocks anywhere. */
	static const size_t pieces[8] = {1, 7, 512, 2047, 2048, 6000, 32768, 65536};
	size_t piece = pieces[data[0] & 7] + (size_t)(data[0] >> 3);
	size_t nblocks = 0;
	for (size_t at = 1; at + 2 <= size && nblocks < MAX_BLOCKS; nblocks++) {
		size_t len = (size_t)(data[at] | data[at + 1] << 8) % (BLOCK + 1);
		at += 2;
		if (len > size - at)
			len = size - at;
		uint8_t *blk = image + nblocks * BLOCK;
		memcpy(blk, data + at, len);
		memset(blk + len, 0, BLOCK - len);
		at += len;
	}
	uint32_t data_start = FIRST + (uint32_t)nblocks;
	struct img_isoscan *s;
	if (img_isoscan_new(0, data_start, 16, &s) != IMG_OK)
		return 0;
	struct img_error err = {0};
	int rc = IMG_OK;
	size_t len = nblocks * BLOCK;
	/* At most about 64 pieces: an input of many empty blocks stays fast. */
	if (piece < len / 64)
		piece = len / 64 + (size_t)(data[0] >> 3);
	for (size_t off = 0; off < len && rc == IMG_OK; off += piece) {
		size_t n = len - off < piece ? len - off : piece;
		rc = img_isoscan_feed(s, image + off, (uint64_t)FIRST * BLOCK + off, n, &err);
	}
	if (rc == IMG_OK && img_isoscan_finish(s, &err) == IMG_OK) {
		/* Look-ups, single and walking, over the blocks the input covers. */
		struct img_isoscan_walk w;
		img_isoscan_walk_start(s, &w);
		for (uint64_t lba = FIRST; lba < data_start + 4; lba += 1 + nblocks / 32) {
			(void)img_isoscan_has(s, lba, BLOCK);
			(void)img_isoscan_walk_has(s, &w, lba, 6);
		}
		(void)img_isoscan_count(s);
	}
	img_isoscan_free(s);
	return 0;
}
