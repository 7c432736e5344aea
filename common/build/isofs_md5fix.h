/* libisofs's MD5s made to match a realigned stream (isofs_realign.h).
 *
 * With --md5 libisofs 1.5.4 hashes the stream it writes (from the session's first block) and
 * puts what it got into its tree tag (libisofs_tree_checksum_tag_v1, after the first tree's
 * path tables), into entry 0 of its checksum array (the session's MD5 up to the array) and
 * into its session tag (libisofs_checksum_tag_v1, after the array); the array's last entry is
 * the MD5 of the entries before it (md5.c checksum_writer_write_data, iso_md5_write_tag).
 * When zero blocks are put into its stream those MD5s miss them, while every address (the
 * tags' pos, range and next, the array's place in the root's "isofs.ca") is libisofs's layout
 * and so right for the realigned stream.  This module hashes the stream as it goes out and
 * rewrites those MD5s (and each tag's self MD5) as their blocks pass.  The superblock tag
 * (libisofs_sb_checksum_tag_v1, after the volume descriptor terminator) covers only blocks
 * before any directory, so it stays as it is; its next= says where the tree tag is, the tree
 * tag's next= where the session tag is.  Only the first tree is realigned before the tree tag
 * is written: a realigned second tree (-partition_offset) is not handled here. */
#ifndef IMG_ISOFS_MD5FIX_H
#define IMG_ISOFS_MD5FIX_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

struct img_md5fix;

/* For a stream whose first byte is block session; the checksum array of count 16-byte
 * entries at block array_lba (the root's "isofs.ca").  Errors: IMG_ENOMEM, IMG_EUNSUPPORTED
 * (libisofs computes no MD5), IMG_EINVAL (count below 2, array before the session). */
int img_md5fix_new(uint32_t session, uint32_t array_lba, uint32_t count,
		   struct img_md5fix **out);
void img_md5fix_free(struct img_md5fix *f);

/* The next n bytes of the realigned stream, in buf: n a multiple of 2048 (every call starts
 * at a block).  The tag blocks and the array's first and last entries among them are
 * rewritten in place with what the stream's bytes give (where no zero block was put in, the
 * same bytes as libisofs's).  Errors: IMG_EINVAL (n not whole blocks), IMG_EISOFS (a tag not
 * where the chain says, damaged, or over another range), the detail naming the block.  After
 * an error the state must only be freed. */
int img_md5fix_pass(struct img_md5fix *f, uint8_t *buf, size_t n, struct img_error *err);

/* Whether the tree tag has passed: zero blocks put in before it are all there will be with
 * one tree, and if there were none, libisofs's MD5s are right from there on. */
int img_md5fix_tree_passed(const struct img_md5fix *f);

/* Whether the session tag has passed: all is done. */
int img_md5fix_done(const struct img_md5fix *f);

#endif
