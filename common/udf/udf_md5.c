/* The UDF Volume Recognition Sequence after the ISO 9660 descriptors, and libisofs's
 * superblock checksum tag moved out of its way.
 *
 * With MD5s on (iso_write_opts_set_record_md5) and the session started at block X through the
 * overwrite buffer, libisofs 1.5.4 writes three tags in its stream (superblock tag at X+term+1,
 * tree tag after the directories, session tag after the checksum array; each over blocks
 * X .. itself - 1, the first two naming the next with "next=") and one more in the overwrite
 * buffer: the relocated superblock tag "libisofs_rlsb32_checksum_tag_v1 pos=P range_start=0
 * range_size=P session_start=X md5=M self=S" at P = term + 1, M the MD5 of blocks 0..P-1, S
 * the MD5 of the text up to and including M (libisofs md5.c iso_md5_write_tag).  That block
 * is where the VRS must go: ECMA-167 2/8.3 records the descriptors of both standards in one
 * run of consecutive blocks, and readers stop at the first block that is no descriptor (Linux
 * udf_check_vsd, pycdlib, libudffs look for BEA01 right after the terminator).
 *
 * Readers find that tag by scanning: libisofs's import (iso_src_check_sb_tree, run by xorriso
 * -md5 on when loading) hashes blocks 0..31 one by one and takes the first block of 16..31 that
 * decodes as a tag; a type 4 tag must sit at its own pos, start at 0 and match the blocks
 * before it, and then sends the check to session_start.  Non-tag blocks (the VRS) are simply
 * hashed on the way.  So the tag stays valid one block further down, behind TEA01, with its
 * position, range and both MD5s recomputed; the rest of the chain (in the stream) does not
 * change.  Dropping the tag would also have let readers load the image, but without any
 * check of blocks 0..31, which hold the descriptors every ISO 9660 reader uses.
 *
 * What the tags cover: this one blocks 0 .. term+3 (system area, descriptors, VRS); the session
 * tag blocks X .. its own block - 1 (libisofs's whole stream but its zero tail).  Neither
 * covers the UDF Anchor at 256, the UDF descriptors at 257..X-1, or the UDF metadata and the
 * closing Anchor in the tail: those have their own descriptor tags with CRCs (ECMA-167 3/7.2). */
#include "common/udf/udf_md5.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/base/isofs.h"

#define BLK 2048u
/* libisofs looks for a superblock tag in blocks 16..31 of a 32-block superblock (64 KiB, the
 * overwrite buffer), and its range starts at that 32-block boundary. */
#define SB_BLOCKS 32u
#define RLSB_MAGIC "libisofs_rlsb32_checksum_tag_v1"
#define TAG_RELOCATED_SB 4 /* iso_util_decode_md5_tag's tag type */

/* libisofs's own MD5 (the one that made the tags): mkimage then needs no libcrypto, whose
 * mapping alone cost ~1 MB of peak RSS. */
static bool md5_of(const void *data, size_t len, unsigned char out[16])
{
	void *ctx = NULL;
	if (iso_md5_start(&ctx) < 0)
		return false;
	for (size_t done = 0; done < len;) {
		size_t n = len - done < (1u << 30) ? len - done : (1u << 30);
		iso_md5_compute(ctx, (char *)data + done, (int)n);
		done += n;
	}
	return iso_md5_end(&ctx, (char *)out) >= 0;
}

static void hex_of(const unsigned char md5[16], char out[33])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = digits[md5[i] >> 4];
		out[2 * i + 1] = digits[md5[i] & 15];
	}
	out[32] = '\0';
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Takes libisofs's relocated superblock tag out of block at (zeroing it) after checking that
 * it is one, where libisofs puts it, over what it should cover.  *found: there was a tag;
 * *session_start: its session_start.  A block that is no tag is left as it is. */
static int take_tag(uint8_t *buf, uint32_t at, bool *found, uint32_t *session_start,
		    struct img_error *err)
{
	*found = false;
	uint8_t *blk = buf + (size_t)at * BLK;
	if (all_zero(blk, BLK))
		return IMG_OK;
	char text[BLK];
	memcpy(text, blk, BLK);
	int type = 0;
	uint32_t pos = 0, start = 0, size = 0, next = 0;
	char md5[16];
	int r = iso_util_decode_md5_tag(text, &type, &pos, &start, &size, &next, md5, 0);
	if (r == 0)
		return IMG_OK; /* something else: the caller finds the block taken */
	if (r < 0)
		return img_error_set(err, IMG_EISOFS, "libisofs's checksum tag at block %u is "
				     "damaged (its self MD5 does not match)", at);
	if (type != TAG_RELOCATED_SB || pos != at || start != at - at % SB_BLOCKS ||
	    size != pos - start)
		return img_error_set(err, IMG_EISOFS, "unexpected libisofs checksum tag at block "
				     "%u (type %d, pos %u, range %u+%u)", at, type, pos, start, size);
	unsigned char have[16];
	if (!md5_of(buf + (size_t)start * BLK, (size_t)size * BLK, have))
		return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
	if (memcmp(have, md5, 16) != 0)
		return img_error_set(err, IMG_EISOFS, "libisofs's superblock checksum tag at block "
				     "%u does not match blocks %u-%u", at, start, pos - 1);
	memset(blk, 0, BLK);
	*found = true;
	*session_start = next;
	return IMG_OK;
}

/* Writes the relocated superblock tag into block pos (< SB_BLOCKS) over blocks 0..pos-1, in
 * the form libisofs writes it, which iso_util_decode_md5_tag parses. */
static int put_tag(uint8_t *buf, uint32_t pos, uint32_t session_start, struct img_error *err)
{
	uint32_t start = pos - pos % SB_BLOCKS, size = pos - start;
	unsigned char md5[16], self[16];
	char hex[33], text[BLK];
	if (!md5_of(buf + (size_t)start * BLK, (size_t)size * BLK, md5))
		return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
	hex_of(md5, hex);
	int len = snprintf(text, sizeof(text),
			   RLSB_MAGIC " pos=%u range_start=%u range_size=%u session_start=%u md5=%s",
			   pos, start, size, session_start, hex);
	/* self: the MD5 of the tag's text up to the end of the md5 field. */
	if (!md5_of(text, (size_t)len, self))
		return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
	hex_of(self, hex);
	len += snprintf(text + len, sizeof(text) - (size_t)len, " self=%s\n", hex);
	uint8_t *blk = buf + (size_t)pos * BLK;
	memset(blk, 0, BLK);
	memcpy(blk, text, (size_t)len);
	return IMG_OK;
}

int img_udf_place_vrs(uint8_t *buf, uint32_t nblocks, uint32_t term, const uint8_t *vrs,
		      uint32_t vrs_blocks, uint32_t *tag_block, struct img_error *err)
{
	if (tag_block != NULL)
		*tag_block = 0;
	uint32_t first = term + 1, after = first + vrs_blocks;
	if (term < 16 || term >= nblocks || vrs_blocks > nblocks - first)
		return img_error_set(err, IMG_EISOFS, "UDF: no room for the Volume Recognition "
				     "Sequence after the ISO descriptors (terminator at block %u)",
				     term);
	bool tag = false;
	uint32_t session_start = 0;
	int rc = take_tag(buf, first, &tag, &session_start, err);
	if (rc != IMG_OK)
		return rc;
	uint8_t *slot = buf + (size_t)first * BLK;
	if (!all_zero(slot, (size_t)vrs_blocks * BLK))
		return img_error_set(err, IMG_EISOFS, "UDF: no room for the Volume Recognition "
				     "Sequence after the ISO descriptors (blocks %u-%u are taken)",
				     first, after - 1);
	memcpy(slot, vrs, (size_t)vrs_blocks * BLK);
	/* Behind TEA01, if libisofs would still look there and the block is free; otherwise
	 * the image goes without it (libisofs then loads without checking blocks 0..31). */
	if (!tag || after >= SB_BLOCKS || after >= nblocks ||
	    !all_zero(buf + (size_t)after * BLK, BLK))
		return IMG_OK;
	if ((rc = put_tag(buf, after, session_start, err)) != IMG_OK)
		return rc;
	if (tag_block != NULL)
		*tag_block = after;
	return IMG_OK;
}
