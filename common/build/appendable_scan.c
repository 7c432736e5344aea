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

bool img_append_has_udf(const uint8_t *vrs)
{
	for (unsigned b = 0; b < 16; b++) {
		const uint8_t *d = vrs + (size_t)b * BLK;
		if (d[0] == 0 && (memcmp(d + 1, "NSR02", 5) == 0 || memcmp(d + 1, "NSR03", 5) == 0))
			return true;
	}
	return false;
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
	out->udf = img_append_has_udf(head + 16 * BLK);
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


int img_append_sessions(const uint8_t *head, uint64_t size, img_append_read_fn rd, void *arg,
			struct img_append_session *out, size_t max, size_t *n,
			struct img_error *err)
{
	struct img_append_layout l;
	*n = 0;
	int rc = img_append_scan(head, size, rd, arg, &l, err);
	if (rc != IMG_OK || l.kind == IMG_APPEND_BLANK)
		return rc;
	if (l.kind == IMG_APPEND_PLAIN) {
		if (max > 0)
			out[0] = (struct img_append_session){ 0, l.end };
		*n = 1;
		return IMG_OK;
	}
	/* The same walk as img_append_scan's, which found l.sessions of them. */
	uint8_t b[BLK];
	uint32_t lba = IMG_APPEND_HEAD_BLOCKS;
	for (uint32_t i = 0; i < l.sessions; i++) {
		uint32_t blocks;
		if (rd(arg, (uint64_t)(lba + 16) * BLK, b, BLK) != 0 ||
		    !img_append_pvd_blocks(b, &blocks))
			return img_error_set(err, IMG_EIO, "session %u at block %u: cannot read its "
					     "volume descriptor again", i + 1, lba);
		if (*n < max)
			out[*n] = (struct img_append_session){ lba, blocks };
		(*n)++;
		lba = round_up((uint64_t)lba + blocks);
	}
	return IMG_OK;
}

int img_append_head_for_session(uint8_t *head, const uint8_t *session, size_t len,
				uint32_t next, struct img_error *err)
{
	uint32_t own;
	if (len > HEAD_BYTES)
		len = HEAD_BYTES;
	if (len < 17 * BLK || !img_append_pvd_blocks(session + 16 * BLK, &own))
		return img_error_set(err, IMG_ECORRUPT, "the session has no primary volume "
				     "descriptor at its byte %u", 16 * BLK);
	/* ECMA-119 8.3: the set ends with a terminator (type 255) within the head. */
	uint32_t term = 0;
	for (uint32_t b = 16; (size_t)(b + 1) * BLK <= len; b++) {
		const uint8_t *vd = session + (size_t)b * BLK;
		if (memcmp(vd + 1, "CD001", 5) != 0)
			break;
		if (vd[0] == 255) {
			term = b;
			break;
		}
	}
	if (term == 0)
		return img_error_set(err, IMG_ECORRUPT, "the session's volume descriptor set has "
				     "no terminator within its first %zu bytes", len);
	for (uint32_t b = 16; b < term; b++) {
		const uint8_t *vd = session + (size_t)b * BLK;
		if ((vd[0] == 1 || vd[0] == 2) && (uint64_t)next + img_le32(vd + 80) > UINT32_MAX)
			return img_error_set(err, IMG_ECORRUPT, "the volume descriptor at the "
					     "session's block %u: %u + %u blocks are past 2^32", b,
					     next, img_le32(vd + 80));
	}
	memcpy(head, session, (size_t)(term + 1) * BLK);
	for (uint32_t b = 16; b < term; b++) {
		uint8_t *vd = head + (size_t)b * BLK;
		if (vd[0] != 1 && vd[0] != 2)
			continue;
		uint32_t v = next + img_le32(vd + 80);
		for (int i = 0; i < 4; i++) {  /* both-byte order (ECMA-119 7.3.3) */
			vd[80 + i] = (uint8_t)(v >> (8 * i));
			vd[87 - i] = (uint8_t)(v >> (8 * i));
		}
	}
	return IMG_OK;
}
