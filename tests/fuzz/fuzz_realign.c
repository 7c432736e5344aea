/* libFuzzer target: the walk that realigns libisofs's stream (common/build/isofs_realign.c)
 * over the input as the head of a session that starts at block 0, its volume descriptors at
 * block 16.  Input as fuzz_isoscan's (its seeds serve): one byte that picks the size of the
 * pieces (its top bit: a -partition_offset of 16, whose descriptors then start at block 32),
 * then blocks 16, 17, ... each as a 16-bit little-endian length (at most 2048) and that many
 * bytes, the rest of the block zero.  The bytes after a gap are given again, as image.c
 * does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/isofs_realign.h"

#define BLOCK 2048u
#define FIRST 16u
#define MAX_BLOCKS 1024u

static uint8_t image[(FIRST + MAX_BLOCKS) * BLOCK];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const size_t pieces[8] = {1, 7, 512, 2047, 2048, 6000, 32768, 65536};
	size_t piece = pieces[data[0] & 7] + (size_t)((data[0] >> 3) & 15);
	uint32_t part_offset = (data[0] & 0x80) ? 16 : 0;
	size_t nblocks = 0;
	memset(image, 0, FIRST * BLOCK);
	for (size_t at = 1; at + 2 <= size && nblocks < MAX_BLOCKS; nblocks++) {
		size_t len = (size_t)(data[at] | data[at + 1] << 8) % (BLOCK + 1);
		at += 2;
		if (len > size - at)
			len = size - at;
		uint8_t *blk = image + (FIRST + nblocks) * BLOCK;
		memcpy(blk, data + at, len);
		memset(blk + len, 0, BLOCK - len);
		at += len;
	}
	struct img_realign *r;
	if (img_realign_new(0, part_offset, &r) != IMG_OK)
		return 0;
	struct img_error err = {0};
	size_t len = (FIRST + nblocks) * BLOCK;
	if (piece < len / 64)
		piece = len / 64 + (size_t)(data[0] >> 3);
	uint64_t gaps = 0;
	for (size_t off = 0; off < len;) {
		size_t n = len - off < piece ? len - off : piece, use;
		uint64_t gap;
		if (img_realign_scan(r, image + off, n, &use, &gap, &err) != IMG_OK)
			break;
		/* What the walk promises: it stops only for a gap, at a block boundary, and never
		 * takes nothing while it asks for one. */
		if (use > n || (use < n && gap == 0) || gap % BLOCK != 0 || (gap > 0 && use == 0))
			abort();
		gaps += gap / BLOCK;
		off += use;
	}
	if (img_realign_inserted(r) != gaps)
		abort();
	img_realign_free(r);
	return 0;
}
