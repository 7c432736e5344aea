/* zisofs version 1 decoding (zisofs-tools' format, Linux fs/isofs/compress.c). */
#include "common/inspect/zisofs_read.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/base/bytes.h"

static const unsigned char magic[8] = {0x37, 0xe4, 0x53, 0x96, 0xc9, 0xdb, 0xd6, 0x07};

bool img_zisofs_is_header(const unsigned char head[IMG_ZISOFS_HEADER], uint64_t size)
{
	return memcmp(head, magic, sizeof(magic)) == 0 && img_le32(head + 8) == size;
}

int img_zisofs_decode(img_zisofs_read_fn rd, void *rarg, uint64_t stored, uint64_t size,
		      img_zisofs_write_fn wr, void *warg, const char *what,
		      struct img_error *err)
{
	unsigned char head[IMG_ZISOFS_HEADER];
	if (stored < sizeof(head))
		return img_error_set(err, IMG_ECORRUPT, "%s: zisofs data of %llu bytes", what,
				     (unsigned long long)stored);
	int rc = rd(rarg, 0, head, sizeof(head), err);
	if (rc != IMG_OK)
		return rc;
	if (!img_zisofs_is_header(head, size))
		return img_error_set(err, IMG_ECORRUPT, "%s: no zisofs header for %llu bytes", what,
				     (unsigned long long)size);
	/* Linux accepts block sizes of 32, 64 and 128 KiB (ISOFS_ZF_BLOCK_SHIFT 15..17). */
	uint64_t hdr = (uint64_t)head[12] * 4;
	unsigned shift = head[13];
	if (hdr < sizeof(head) || shift < 15 || shift > 17)
		return img_error_set(err, IMG_ECORRUPT, "%s: zisofs header size %llu, block size "
				     "2^%u", what, (unsigned long long)hdr, shift);
	uint64_t bs = (uint64_t)1 << shift;
	uint64_t nblocks = (size + bs - 1) / bs; /* size < 2^32: at most 2^17 blocks */
	uint64_t table = (nblocks + 1) * 4;
	if (hdr > stored || table > stored - hdr)
		return img_error_set(err, IMG_ECORRUPT, "%s: zisofs block pointers beyond its %llu "
				     "bytes", what, (unsigned long long)stored);
	unsigned char *ptr = malloc((size_t)table);
	/* A block's zlib stream is at most compressBound of the block: more is damage, and the
	 * bound keeps the buffer small. */
	size_t in_cap = (size_t)compressBound((uLong)bs);
	unsigned char *in = malloc(in_cap), *out = malloc((size_t)bs);
	if (ptr == NULL || in == NULL || out == NULL) {
		rc = img_error_set(err, IMG_ENOMEM, "%s: zisofs buffers", what);
		goto done;
	}
	if ((rc = rd(rarg, hdr, ptr, (size_t)table, err)) != IMG_OK)
		goto done;
	uint64_t left = size;
	for (uint64_t i = 0; i < nblocks && rc == IMG_OK; i++) {
		uint64_t a = img_le32(ptr + 4 * i), b = img_le32(ptr + 4 * (i + 1));
		size_t want = (size_t)(left < bs ? left : bs);
		if (a < hdr + table || b < a || b > stored || b - a > in_cap) {
			rc = img_error_set(err, IMG_ECORRUPT, "%s: zisofs block %llu at bytes "
					   "%llu-%llu of %llu", what, (unsigned long long)i,
					   (unsigned long long)a, (unsigned long long)b,
					   (unsigned long long)stored);
			break;
		}
		if (a == b) {
			/* An empty block stands for zeros (mkzftree writes sparse blocks so). */
			memset(out, 0, want);
		} else {
			if ((rc = rd(rarg, a, in, (size_t)(b - a), err)) != IMG_OK)
				break;
			uLongf got = (uLongf)bs;
			int z = uncompress(out, &got, in, (uLong)(b - a));
			if (z != Z_OK || got != want) {
				rc = img_error_set(err, IMG_ECORRUPT, "%s: zisofs block %llu does not "
						   "inflate to %zu bytes (%s)", what,
						   (unsigned long long)i, want,
						   z == Z_OK ? "wrong length" : zError(z));
				break;
			}
		}
		rc = wr(warg, out, want, err);
		left -= want;
	}
done:
	free(ptr);
	free(in);
	free(out);
	return rc;
}
