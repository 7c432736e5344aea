/* Sparse images for the fuzz targets whose structures sit far into an image.
 *
 * A UDF anchor is at block 256, byte 524,288 with 2048-byte blocks, and most of a small image
 * is zeros; fed as plain bytes, every input was half a megabyte to a megabyte.  libFuzzer then
 * spends its time copying, hashing and mapping the input rather than running the parser
 * (fuzz_udf_read made ~220 executions a second).  So these targets take a sparse image: the
 * image size, then the pieces that are not zero.
 *
 *   4 bytes   image size in bytes, little-endian (capped at FUZZ_SPARSE_MAX)
 *   then, repeated to the end of the input:
 *   4 bytes   byte offset of a piece, little-endian
 *   2 bytes   its length, little-endian
 *   n bytes   its contents (cut short by the end of the input or of the image)
 *
 * The image is built in one buffer kept from input to input; only the bytes the last input
 * wrote are cleared again, so the set-up costs what the input holds, not what the image
 * spans.  The image ends where the buffer ends, so that a read past its end still meets
 * AddressSanitizer's redzone.  tests/fuzz/sparse-seed.py turns a real image into this form. */
#ifndef FUZZ_SPARSE_H
#define FUZZ_SPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_SPARSE_MAX (8u << 20)
#define FUZZ_SPARSE_DIRTY 4096

/* The image described by data: *image points into a buffer owned by this header, *image_size
 * is its size.  Returns 0, or -1 when the input has no header or memory runs out. */
static int fuzz_sparse_image(const uint8_t *data, size_t size, const unsigned char **image,
			     size_t *image_size)
{
	static unsigned char *buf;
	static struct { uint32_t off, len; } dirty[FUZZ_SPARSE_DIRTY];
	static size_t ndirty;
	static size_t dirty_lo = SIZE_MAX, dirty_hi; /* beyond the list: one range */
	if (buf == NULL && (buf = calloc(1, FUZZ_SPARSE_MAX)) == NULL)
		return -1;
	for (size_t i = 0; i < ndirty; i++)
		memset(buf + dirty[i].off, 0, dirty[i].len);
	if (dirty_lo < dirty_hi)
		memset(buf + dirty_lo, 0, dirty_hi - dirty_lo);
	ndirty = 0;
	dirty_lo = SIZE_MAX;
	dirty_hi = 0;
	if (size < 4)
		return -1;
	size_t isize = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
		       (size_t)data[3] << 24;
	if (isize > FUZZ_SPARSE_MAX)
		isize = FUZZ_SPARSE_MAX;
	size_t pos = 4;
	while (pos + 6 <= size) {
		size_t off = (size_t)data[pos] | (size_t)data[pos + 1] << 8 |
			     (size_t)data[pos + 2] << 16 | (size_t)data[pos + 3] << 24;
		size_t len = (size_t)data[pos + 4] | (size_t)data[pos + 5] << 8;
		pos += 6;
		if (len > size - pos)
			len = size - pos;
		const uint8_t *piece = data + pos;
		pos += len;
		if (off >= isize)
			continue;
		if (len > isize - off)
			len = isize - off;
		off += FUZZ_SPARSE_MAX - isize;
		memcpy(buf + off, piece, len);
		if (ndirty < FUZZ_SPARSE_DIRTY) {
			dirty[ndirty].off = (uint32_t)off;
			dirty[ndirty++].len = (uint32_t)len;
		} else {
			if (off < dirty_lo)
				dirty_lo = off;
			if (off + len > dirty_hi)
				dirty_hi = off + len;
		}
	}
	*image = buf + (FUZZ_SPARSE_MAX - isize);
	*image_size = isize;
	return 0;
}

#endif
