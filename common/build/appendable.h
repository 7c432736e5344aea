/* New sessions after an old image: where the next session goes on a file or an overwritable
 * medium (DVD+RW, BD-RE, USB stick, loop device), writing it there, and the 64 KiB head that
 * makes readers that look at block 16 find it.  The layout is libisoburn's (xorriso's), so
 * that `xorriso -indev IMAGE -toc` lists every session (its TOC emulation walks the chain of
 * session superblocks); mkimage(1), GROWING, describes it:
 *
 *   blocks 0..31   the head: the newest session's system area and volume descriptors, whose
 *                  volume space size is the END of the newest session (libisofs's
 *                  "overwrite buffer", iso_write_opts_set_overwrite_buf)
 *   block 32       the first session of a target grown from blank
 *   each session   at roundup(END of the one before, 32), with its own descriptors at +16
 *                  whose volume space size is the session's own size
 */
#ifndef IMG_APPENDABLE_H
#define IMG_APPENDABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/build/boot.h"
#include "common/build/image.h"
#include "common/build/writer.h"
#include "common/inspect/sessions.h"

/* libisoburn's Libisoburn_target_head_sizE / 2048 and Libisoburn_nwa_alignemenT, as the
 * scanner has them */
#define IMG_APPEND_HEAD_BLOCKS IMG_SESSION_HEAD_BLOCKS
#define IMG_APPEND_ALIGN IMG_SESSION_ALIGN

enum img_append_kind {
	IMG_APPEND_BLANK,    /* empty, or 64 KiB of zeros: the first session goes at 32 */
	IMG_APPEND_PLAIN,    /* an image whose first session starts at 0 (no chain) */
	IMG_APPEND_CHAINED,  /* libisoburn's layout: sessions from block 32 on */
};

/* What the first 64 KiB of a target and the chain of session superblocks say. */
struct img_append_layout {
	enum img_append_kind kind;
	uint32_t end;        /* the newest session's end (the head PVD's volume space size) */
	uint32_t next;       /* where the next session starts */
	uint32_t newest;     /* where the newest session starts (0: plain, or chain broken) */
	uint32_t sessions;   /* sessions the chain walk found (plain: 1, blank: 0) */
	bool chain_broken;   /* chained at 32, but a later superblock is missing or does not
			      * end where the head says: only the head's session can be relied
			      * on (newest is then 0) */
	bool udf;            /* the head's volume recognition sequence names UDF (NSR02/03):
			      * a UDF view that a new ISO 9660 session would leave stale */
};

/* Whether the 16 blocks vrs (those from a session's block 16 on) hold a UDF volume
 * recognition sequence's NSR02 or NSR03 descriptor (ECMA-167 2/9.1, 3/9.1): a UDF bridge. */
bool img_append_has_udf(const uint8_t *vrs);

/* Whether block b (2048 bytes) is an ISO 9660 primary volume descriptor (ECMA-119 8.4: type
 * 1, "CD001", version 1); its volume space size (8.4.8, the little-endian half) in *blocks. */
bool img_append_pvd_blocks(const uint8_t *b, uint32_t *blocks);

/* Reads len bytes at byte off of the target; returns 0, or -1 when they cannot be read. */
typedef int (*img_append_read_fn)(void *arg, uint64_t off, void *buf, size_t len);

/* Works out the layout of a target of size bytes from its first 64 KiB head (size may be
 * below 64 KiB: the rest of head is zeros), reading the session superblocks of the chain
 * through rd.  The scan is imginfo's and imgburn's (img_sessions_scan_head,
 * common/inspect/sessions.c: libisoburn's TOC emulation), so that all three find the same
 * sessions; a head that is all zeros or carries libisoburn's "blanked" mark is blank.
 * Errors: IMG_ECORRUPT (no ISO 9660 primary volume descriptor at block 16 of a head that is
 * not blank; an END past the target's size), IMG_EIO (rd failed within size), IMG_ENOMEM,
 * the detail naming the byte. */
int img_append_scan(const uint8_t *head, uint64_t size, img_append_read_fn rd, void *arg,
		    struct img_append_layout *out, struct img_error *err);

/* The 64 KiB head that makes readers find a session written at block next of a file or an
 * overwritable medium (for a recorder that puts a -M/-C session there, as imgburn --multi on
 * stdio: targets): head holds the target's old first 64 KiB and is rewritten in place; session
 * holds the first len bytes (at least up to its volume descriptor set terminator; 64 KiB is
 * always enough) of the session.  Blocks 0..15 become the session's system area, blocks 16 on
 * its volume descriptors up to the terminator, with the volume space size of each primary and
 * supplementary one (types 1 and 2) made next + its own; the rest of head is kept, as
 * libisofs's overwrite buffer does (without its MD5 tag of the relocated superblock), except
 * that libisofs checksum tags left after the new terminator by an older set are made invalid,
 * as libisofs does ("Clean out eventual obsolete checksum tags"), and that an MBR partition
 * of the session's system area that covers the session from sector 0 or 1 (isohybrid, GRUB2's
 * protective label) is made to cover the grown image (a GPT is left as it is).
 * Errors: IMG_ECORRUPT (no primary volume descriptor at block 16 of the session, no
 * terminator within len and 64 KiB, a size past 2^32 blocks), head untouched then. */
int img_append_head_for_session(uint8_t *head, const uint8_t *session, size_t len,
				uint32_t next, struct img_error *err);

/* Makes the session already written at block next of path ("stdio:PATH" too; a file or a
 * block device) the newest one: reads the target's first 64 KiB and the session's, builds the
 * head with img_append_head_for_session, makes the session durable (fsync), and only then
 * writes the head at byte 0 and makes it durable (imgburn --multi on stdio: targets, after
 * writing a -M/-C session); *end receives the image's new end.  *head_touched says whether byte 0 was written to (when false on
 * failure the old head still names the old sessions).  Errors: IMG_EIO, IMG_ECORRUPT (the
 * bytes at next are not such a session), IMG_ENOMEM; the detail names the path and byte. */
int img_append_put_head(const char *path, uint32_t next, uint32_t *end, bool *head_touched,
			struct img_error *err);

struct img_append;

/* Opens path ("stdio:PATH" too) for growing in place: a regular file (created if missing)
 * or a block device, opened for reading and writing, and scans it.  Without for_writing
 * (-print-size) it is only read, and a missing file is taken as blank; img_append_write
 * then fails with IMG_EINVAL.  Errors: IMG_EINVAL (a
 * directory or another kind of file), IMG_EIO (cannot open it for writing: read-only file,
 * medium or file system; cannot read), IMG_ECORRUPT (img_append_scan). */
int img_append_open(const char *path, bool for_writing, struct img_append **out,
		    struct img_error *err);

/* Closes the target (without writing anything more) and frees a. */
void img_append_free(struct img_append *a);

const struct img_append_layout *img_append_layout(const struct img_append *a);

/* The path without "stdio:" (what an import of the newest session reads). */
const char *img_append_path(const struct img_append *a);

/* Sets img up to be written as the next session of a: absolute addresses from
 * layout.next (the realignment follows), appendable (old files are referred to, not copied)
 * unless the target is blank, and a's head as libisofs's overwrite buffer, which libisofs
 * fills when the image starts.  Call before img_image_start.  Errors on the image:
 * IMG_EISOFS. */
int img_append_setup(struct img_append *a, struct img_image *img);

/* Writes img (set up by img_append_setup, not started) at layout.next, makes it durable
 * (fsync), and only then writes the 64 KiB head at byte 0 and makes that durable.  fn (may
 * be NULL) sees the progress as with img_writer_run; img_writer_request_cancel stops it.
 * A failure before the head is written puts the target back as it was: a regular file is cut
 * back to its old size and the old bytes after layout.next are written back (the older
 * sessions' bytes are never written).  Errors: IMG_ETOOBIG (a block device too small for the
 * session), IMG_ECANCELED, IMG_ENOSPC, IMG_EIO (the detail says whether the head was
 * reached), or the image's read error. */
int img_append_write(struct img_append *a, struct img_image *img, img_writer_progress_fn fn,
		     void *arg, struct img_error *err);

/* For -M PREV -C LAST,NEXT: reads the primary volume descriptor of the session at block last
 * of prev ("stdio:PATH" too), refuses a session with a UDF view (IMG_EUNSUPPORTED: a new ISO
 * 9660 session would leave it showing the old files) and checks that next lies at or after that session's end
 * (last + its volume space size, as libisofs and xorriso count appended sessions; mkisofs
 * counts from block 0, which only makes the check stricter than needed).  *end receives that
 * end.  Errors: IMG_ENOENT, IMG_EIO, IMG_ECORRUPT (no ISO 9660 session at last), IMG_EINVAL
 * (next before the end), the detail naming the block. */
int img_append_check_prev(const char *prev, uint32_t last, uint32_t next, uint32_t *end,
			  struct img_error *err);

/* Sets img up to be written as a session that starts at block next, with absolute
 * addresses; appendable: it refers to the files of an imported older session instead of
 * copying them.  Errors on the image: IMG_EISOFS. */
int img_append_session_at(struct img_image *img, uint32_t next, bool appendable);

/* Whether a boot setup replayed into a new session (--grow, -M) reads bytes of the old image
 * at or after block next, where the new session goes: an appended partition, a hidden boot
 * image (cut out of the old image) or the system area copied from it (--interval:local_fs:
 * ranges and cut-outs).  Such bytes would be overwritten while they are copied (a grown
 * file), or name bytes the new session covers (-M).  Also an EFI system partition made from
 * the El Torito EFI image (-efi-boot-part --efi-boot-image): libisofs makes it only of a boot
 * image written in the new session, and a carried one stays where it is.  When true, what
 * (len bytes) names the first such part. */
bool img_append_replay_overlap(const struct img_boot_config *cfg, uint32_t next, char *what,
			       size_t len);

#endif
