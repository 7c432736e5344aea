/* Where the sessions of a grown image are: the scan of its head and of the chain of session
 * superblocks (appendable.h), apart from the writing so that it is fuzzed alone. */
#include "common/build/appendable.h"

#include <string.h>

#include "common/base/bytes.h"

#define BLK 2048u
#define HEAD_BYTES (IMG_APPEND_HEAD_BLOCKS * BLK)

static uint32_t round_up(uint64_t block)
{
	uint64_t r = (block + IMG_APPEND_ALIGN - 1) / IMG_APPEND_ALIGN * IMG_APPEND_ALIGN;
	return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

bool img_append_pvd_blocks(const uint8_t *b, uint32_t *blocks)
{
	if (b[0] != 1 || memcmp(b + 1, "CD001", 5) != 0 || b[6] != 1)
		return false;
	*blocks = img_le32(b + 80);
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int img_append_scan(const uint8_t *head, uint64_t size, img_append_read_fn rd, void *arg,
		    struct img_append_layout *out, struct img_error *err)
{
	*out = (struct img_append_layout){ .kind = IMG_APPEND_BLANK,
					   .next = IMG_APPEND_HEAD_BLOCKS };
	if (size == 0 || all_zero(head, HEAD_BYTES))
		return IMG_OK;
	uint32_t end;
	if (!img_append_pvd_blocks(head + 16 * BLK, &end))
		return img_error_set(err, IMG_ECORRUPT, "not an ISO 9660 image: no primary volume "
				     "descriptor at byte %u", 16 * BLK);
	if (end < 17 || (uint64_t)end * BLK > size)
		return img_error_set(err, IMG_ECORRUPT, "the primary volume descriptor at byte %u "
				     "says the image has %u blocks (%llu bytes), but it has %llu "
				     "bytes", 16 * BLK, end, (unsigned long long)end * BLK,
				     (unsigned long long)size);
	out->end = end;
	out->next = round_up(end);
	out->kind = IMG_APPEND_PLAIN;
	out->sessions = 1;
	/* libisoburn's TOC emulation (isoburn_emulate_toc): from block 32 each session's own
	 * superblock gives its size, the next one starts at the 32-block boundary after it. */
	uint8_t b[BLK];
	uint32_t lba = IMG_APPEND_HEAD_BLOCKS, n = 0, last = 0, last_size = 0;
	while (lba < end) {
		uint32_t blocks;
		if ((uint64_t)(lba + 17) * BLK > size || rd(arg, (uint64_t)(lba + 16) * BLK, b,
							     BLK) != 0 ||
		    !img_append_pvd_blocks(b, &blocks) || blocks == 0 || blocks > end - lba)
			break;
		n++;
		last = lba;
		last_size = blocks;
		lba = round_up((uint64_t)lba + blocks);
	}
	if (n == 0)
		return IMG_OK;
	out->kind = IMG_APPEND_CHAINED;
	out->sessions = n;
	if (last + last_size == end) {
		out->newest = last;
	} else {
		out->chain_broken = true;
		out->newest = 0;
	}
	return IMG_OK;
}

