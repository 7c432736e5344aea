/* The UDF Volume Recognition Sequence and libisofs's superblock checksum tag, which both want
 * the block right after the ISO 9660 volume descriptor set terminator. */
#ifndef IMG_UDF_MD5_H
#define IMG_UDF_MD5_H

#include <stdint.h>

#include "common/base/error.h"

/* Copies the vrs_blocks blocks of the Volume Recognition Sequence vrs into the overwrite
 * buffer buf (blocks 0 .. nblocks-1: system area and volume descriptors) right after the
 * descriptor set terminator at block term (ECMA-167 2/8.3).  If libisofs recorded MD5s, that
 * block holds its relocated superblock checksum tag ("libisofs_rlsb32_checksum_tag_v1",
 * over blocks 0 .. term); the tag is then checked against buf, and written again in the
 * first block after the sequence, over blocks 0 up to it (VRS included), with its pos,
 * range, md5 and self fields recomputed, so that libisofs's import (xorriso -md5 on) still
 * verifies the superblock and goes on from there to the session's own tags.  When that block
 * is past block 31 (where libisofs no longer looks for it) the tag is left out.
 * *tag_block (may be NULL) receives the tag's new block, or 0 when there is none.
 * Errors (in err): IMG_EISOFS when the blocks after the terminator are not free or hold
 * another or a damaged tag, or a tag whose MD5 does not match buf; IMG_EUNSUPPORTED when
 * OpenSSL offers no MD5. */
int img_udf_place_vrs(uint8_t *buf, uint32_t nblocks, uint32_t term, const uint8_t *vrs,
		      uint32_t vrs_blocks, uint32_t *tag_block, struct img_error *err);

#endif
