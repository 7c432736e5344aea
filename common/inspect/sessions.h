/* The sessions of an image grown on overwritable media (files, block devices, DVD+RW, BD-RE),
 * found the way libisoburn's TOC emulation finds them (libisoburn/burn_wrap.c
 * isoburn_emulate_toc, isofs_wrap.c isoburn_start_emulation), so that our numbers are
 * xorriso's: `xorriso -indev IMAGE -toc`, `-load session N`, `-as cdrecord -msinfo`.
 *
 * The layout such media carry: the first 64 KiB (blocks 0-31) hold a copy of the NEWEST
 * session's system area and volume descriptors, whose primary descriptor's volume space size
 * is the end of the whole image.  Sessions start at blocks that are multiples of 32, the
 * first at block 32; each one's own descriptors (at its start + 16) give its size relative to
 * its start.  An image with no session at block 32 (a plain single-session image, or one that
 * was grown from it) is one session at block 0 that spans the whole image. */
#ifndef IMG_SESSIONS_H
#define IMG_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

/* libisoburn's constants (isoburn.h): the head that holds the newest session's descriptors,
 * the alignment of session starts (Libisoburn_nwa_alignemenT), and growisofs's alignment. */
#define IMG_SESSION_HEAD_BLOCKS 32u
#define IMG_SESSION_ALIGN 32u
#define IMG_SESSION_GROWISOFS_ALIGN 16u
/* We stop after this many sessions (an image would need 8 TiB of headers to have more). */
#define IMG_SESSIONS_MAX 65536

enum img_session_state {
	IMG_SESSIONS_BLANK,      /* first 64 KiB all zero, or too short to hold a head */
	IMG_SESSIONS_APPENDABLE, /* an ISO 9660 head at block 16: sessions found, NEXT known */
	IMG_SESSIONS_FOREIGN,    /* something else there: not ours to append to */
	IMG_SESSIONS_CLOSED      /* optical media that take no more sessions (set by callers
				  * that read a drive's TOC; the scan never says it) */
};

struct img_session {
	uint32_t start;          /* first block (2048 bytes) of the session */
	uint32_t blocks;         /* its size in blocks, as xorriso's -toc "Size" */
	char volume_id[33];      /* the session's own primary volume id, trailing blanks cut */
};

struct img_session_toc {
	enum img_session_state state;
	int count;
	struct img_session *sessions;   /* count entries, oldest first; malloc'd */
	uint32_t image_blocks;   /* volume space size of the head at block 16 (end of the image) */
	uint32_t next;           /* next writable block: image_blocks rounded up to 32 */
	uint32_t last;           /* msinfo's first number: 0 here (the newest head is at block
				  * 0); the last session's start on optical media */
	uint64_t readable_blocks;/* whole 2048-byte blocks the source has */
	bool chain_broken;       /* a session head was missing where the chain said: the list
				  * ends with the enclosing session 0..image_blocks, as xorriso's */
	bool clamped;            /* a session claimed more blocks than the source has */
	uint32_t broken_at;      /* block where the chain broke */
};

/* Scans src.  Never fails on strange contents (a foreign or blank image is a state, a broken
 * chain a flag); errors are only read errors (IMG_EIO) and IMG_ENOMEM.  Free with
 * img_sessions_free. */
int img_sessions_scan(struct img_source *src, struct img_session_toc *out,
		      struct img_error *err);

/* Reads len bytes at byte off; returns IMG_OK or an error set in err. */
typedef int (*img_session_read_fn)(void *arg, uint64_t off, void *buf, size_t len,
				   struct img_error *err);

/* The same scan over a target of size bytes whose first 64 KiB (zeros past size) are in head,
 * reading the session superblocks of the chain through rd: for those that read a target
 * without an img_source (mkimage --grow's file or block device, common/build/appendable.c). */
int img_sessions_scan_head(const unsigned char *head, uint64_t size, img_session_read_fn rd,
			   void *arg, struct img_session_toc *out, struct img_error *err);

void img_sessions_free(struct img_session_toc *toc);

/* The block where session n (1-based) keeps its volume descriptors' system area: the head at
 * block 0 for the newest session (its copy there has the whole image's volume space size), the
 * session's start for the others.  IMG_EINVAL when n is out of range. */
int img_session_head(const struct img_session_toc *toc, int n, uint32_t *head_lba,
		     uint64_t *end_bytes, struct img_error *err);

/* Is the 2048-byte block a primary volume descriptor as libisoburn's head test sees one
 * (type 1 and "CD001")?  *vss gets its volume space size, volid (33 bytes, may be NULL) its
 * volume id. */
bool img_session_is_head(const unsigned char *block, uint32_t *vss, char *volid);

#endif
