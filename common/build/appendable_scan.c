/* Where the next session of a grown image goes (from the one session scanner,
 * common/inspect/sessions.c) and the head that points to a session written there: the parts
 * of appendable.h that read hostile bytes, apart from the writing so that they are fuzzed
 * alone (fuzz_appendable). */
#include "common/build/appendable.h"

#include <string.h>

#include "common/base/bytes.h"

#define BLK 2048u
#define HEAD_BYTES (IMG_APPEND_HEAD_BLOCKS * BLK)

bool img_append_pvd_blocks(const uint8_t *b, uint32_t *blocks)
{
	/* the scan's test (type 1, "CD001") and the version, which a session we continue or
	 * copy into the head must have */
	return b[6] == 1 && img_session_is_head(b, blocks, NULL);
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

struct scan_read {
	img_append_read_fn rd;
	void *arg;
};

static int scan_read(void *arg, uint64_t off, void *buf, size_t len, struct img_error *err)
{
	const struct scan_read *r = arg;
	if (r->rd(r->arg, off, buf, len) != 0)
		return img_error_set(err, IMG_EIO, "cannot read the session head at byte %llu",
				     (unsigned long long)off);
	return IMG_OK;
}

/* The one scanner is imginfo's and imgburn's (common/inspect/sessions.c, libisoburn's TOC
 * emulation); this says what it found in the terms of writing a new session. */
int img_append_scan(const uint8_t *head, uint64_t size, img_append_read_fn rd, void *arg,
		    struct img_append_layout *out, struct img_error *err)
{
	*out = (struct img_append_layout){ .kind = IMG_APPEND_BLANK,
					   .next = IMG_APPEND_HEAD_BLOCKS };
	struct scan_read r = { rd, arg };
	struct img_session_toc t;
	int rc = img_sessions_scan_head(head, size, scan_read, &r, &t, err);
	if (rc != IMG_OK)
		return rc;
	if (t.state == IMG_SESSIONS_BLANK)
		goto out;
	uint32_t end = t.image_blocks;
	if (t.state != IMG_SESSIONS_APPENDABLE) {
		rc = img_error_set(err, IMG_ECORRUPT, "not an ISO 9660 image: no primary volume "
				   "descriptor at byte %u", 16 * BLK);
		goto out;
	}
	/* Writing after END needs END to be true: a head that claims more than the target
	 * has is refused (readers clamp it, t.clamped). */
	if (end < 17 || (uint64_t)end * BLK > size) {
		rc = img_error_set(err, IMG_ECORRUPT, "the primary volume descriptor at byte %u "
				   "says the image has %u blocks (%llu bytes), but it has %llu "
				   "bytes", 16 * BLK, end, (unsigned long long)end * BLK,
				   (unsigned long long)size);
		goto out;
	}
	out->end = end;
	out->next = t.next;
	out->udf = img_append_has_udf(head + 16 * BLK);
	out->kind = IMG_APPEND_PLAIN;
	out->sessions = 1;
	/* The scan ends a broken chain with the enclosing session (0, END), as xorriso -toc:
	 * a list whose first session starts at 0 had no chain at all. */
	int found = t.count;
	if (found > 0 && t.sessions[found - 1].start == 0)
		found--;
	if (found == 0)
		goto out;
	const struct img_session *last = &t.sessions[found - 1];
	out->kind = IMG_APPEND_CHAINED;
	out->sessions = (uint32_t)found;
	/* The newest session is the head's only if it ends where the head says. */
	if (!t.chain_broken && (uint64_t)last->start + last->blocks == end) {
		out->newest = last->start;
	} else {
		out->chain_broken = true;
		out->newest = 0;
	}
out:
	img_sessions_free(&t);
	return rc;
}

/* The end CHS of an MBR entry (3 bytes at e + 5) for 512-byte sector lba with heads per
 * cylinder h and sectors per head s, capped at cylinder 1023 as libisofs caps it. */
static void put_end_chs(uint8_t *e, uint64_t lba, uint32_t h, uint32_t s)
{
	uint64_t cyl = lba / ((uint64_t)h * s);
	uint32_t head = (uint32_t)(lba / s % h), sec = (uint32_t)(lba % s) + 1;
	if (cyl > 1023) {
		cyl = 1023;
		head = h - 1;
		sec = s;
	}
	e[5] = (uint8_t)head;
	e[6] = (uint8_t)(sec | (cyl >> 8) << 6);
	e[7] = (uint8_t)cyl;
}

/* libisofs writes a session's own system area (at its start, for -M) as for an image of the
 * session alone: an MBR partition that covers the ISO (isohybrid from sector 0, GRUB2's
 * protective label from sector 1) ends at the session's own size.  In the head that system
 * area describes the whole grown image, which ends next blocks later: such an entry is made
 * to end there, its end CHS recomputed when it had the cylinder-aligned form libisofs gives it
 * (last head, last sector).  A GPT (its protective 0xee entry or header) is left alone. */
static void extend_mbr(uint8_t *mbr, uint32_t own, uint32_t next)
{
	if (mbr[510] != 0x55 || mbr[511] != 0xaa || memcmp(mbr + 512, "EFI PART", 8) == 0)
		return;
	for (int i = 0; i < 4; i++)
		if (mbr[446 + 16 * i + 4] == 0xee)
			return;
	for (int i = 0; i < 4; i++) {
		uint8_t *e = mbr + 446 + 16 * i;
		uint32_t start = img_le32(e + 8), count = img_le32(e + 12);
		if (count == 0 || start > 1 || (uint64_t)start + count != (uint64_t)own * 4 ||
		    (uint64_t)count + (uint64_t)next * 4 > UINT32_MAX)
			continue;
		uint32_t h = (uint32_t)e[5] + 1, s = e[6] & 63;
		uint32_t cyl = (uint32_t)(e[6] & 0xc0) << 2 | e[7];
		uint64_t last = (uint64_t)start + count - 1;
		bool aligned = s != 0 && cyl < 1023 && (uint64_t)(cyl + 1) * h * s == last + 1;
		count += next * 4;
		for (int k = 0; k < 4; k++)
			e[12 + k] = (uint8_t)(count >> (8 * k));
		if (aligned)
			put_end_chs(e, (uint64_t)start + count - 1, h, s);
	}
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
	/* An older set may have been longer and followed by libisofs's tags (its relocated
	 * superblock tag "libisofs_rlsb32_checksum_tag_v1", ...): they no longer describe the
	 * head, and a reader that checks them would call it damaged. */
	for (uint32_t b = term + 1; b < IMG_APPEND_HEAD_BLOCKS; b++) {
		uint8_t *t = head + (size_t)b * BLK;
		if (memcmp(t, "libisofs_", 9) != 0)
			continue;
		for (int i = 9; i + 15 <= 80; i++)
			if (memcmp(t + i, "checksum_tag_v1", 15) == 0) {
				t[0] = 0;
				break;
			}
	}
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
	extend_mbr(head, own, next);
	return IMG_OK;
}
