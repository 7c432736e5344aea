/* Finding the sessions of an image grown on overwritable media, as libisoburn does. */
#include "common/inspect/sessions.h"

#include <stdlib.h>
#include <string.h>

#include "common/base/bytes.h"
#include "common/inspect/voldesc.h"

bool img_session_is_head(const unsigned char *block, uint32_t *vss, char *volid)
{
	/* isoburn_read_iso_head_parse: type byte 1 and the standard identifier, nothing more. */
	if (block[0] != 1 || memcmp(block + 1, "CD001", 5) != 0)
		return false;
	*vss = img_le32(block + 80);
	if (volid != NULL) {
		memcpy(volid, block + 40, 32);
		volid[32] = '\0';
		for (int i = 31; i >= 0 && (volid[i] == ' ' || volid[i] == '\0'); i--)
			volid[i] = '\0';
	}
	return true;
}

/* Reads block lba into buf if the source has it; false when it lies past the end (libburn's
 * read of a head past the end of the medium fails the same way: "no head here"). */
struct reader {
	img_session_read_fn rd;
	void *arg;
	uint64_t size;
};

static int read_block(const struct reader *r, uint64_t lba, unsigned char *buf, bool *have,
		      struct img_error *err)
{
	*have = false;
	if ((lba + 1) * IMG_ISO_SECTOR > r->size)
		return IMG_OK;
	int rc = r->rd(r->arg, lba * IMG_ISO_SECTOR, buf, IMG_ISO_SECTOR, err);
	if (rc == IMG_OK)
		*have = true;
	return rc;
}

static int add(struct img_session_toc *t, int *cap, uint32_t start, uint32_t blocks,
	       const char *volid, struct img_error *err)
{
	if (t->count == *cap) {
		int n = *cap ? *cap * 2 : 8;
		struct img_session *s = realloc(t->sessions, (size_t)n * sizeof(*s));
		if (s == NULL)
			return img_error_set(err, IMG_ENOMEM, "session list");
		t->sessions = s;
		*cap = n;
	}
	struct img_session *s = &t->sessions[t->count++];
	memset(s, 0, sizeof(*s));
	s->start = start;
	s->blocks = blocks;
	if (volid != NULL)
		memcpy(s->volume_id, volid, sizeof(s->volume_id));
	return IMG_OK;
}

/* The whole image as one session at block 0 (libisoburn's answer when there is no chain). */
static int single(struct img_session_toc *t, int *cap, const char *volid,
		  struct img_error *err)
{
	t->count = 0;
	uint32_t blocks = t->image_blocks;
	if (blocks > t->readable_blocks) {
		blocks = (uint32_t)t->readable_blocks;
		t->clamped = true;
	}
	return add(t, cap, 0, blocks, volid, err);
}

static uint64_t round_up(uint64_t v, uint32_t a)
{
	return v % a ? v + (a - v % a) : v;
}

/* isoburn_emulate_toc with libisoburn's defaults (an emulated medium, the LBA 0 head as the
 * enclosure).  Two guards libisoburn lacks: a session must end past where it starts and the
 * next probe must lie past the last one, so that hostile sizes cannot loop. */
static int follow_chain(const struct reader *src, struct img_session_toc *t, int *cap,
			const char *head_volid, struct img_error *err)
{
	unsigned char *blk = malloc(IMG_ISO_SECTOR);
	if (blk == NULL)
		return img_error_set(err, IMG_ENOMEM, "session head");
	uint64_t lba = IMG_SESSION_HEAD_BLOCKS;
	bool probe_minus_16 = false;
	int rc = IMG_OK;
	while (lba < t->image_blocks) {
		bool have, found = false, early = false;
		uint32_t vss = 0;
		char volid[33];
		/* growisofs aligns sessions to 16 blocks: when the last session ended 16 blocks
		 * before our 32-block probe, the head may sit in the probe's first half. */
		if (probe_minus_16) {
			rc = read_block(src, lba, blk, &have, err);
			if (rc != IMG_OK)
				break;
			found = early = have && img_session_is_head(blk, &vss, volid);
		}
		probe_minus_16 = false;
		if (!found) {
			rc = read_block(src, lba + 16, blk, &have, err);
			if (rc != IMG_OK)
				break;
			found = have && img_session_is_head(blk, &vss, volid);
		}
		uint64_t start = early ? lba - 16 : lba;
		uint64_t end = start + vss;
		if (found && (vss == 0 || round_up(end, IMG_SESSION_ALIGN) <= lba))
			found = false; /* no progress: a hostile size */
		if (!found) {
			if (t->count == 0) {
				rc = single(t, cap, head_volid, err);
				break;
			}
			/* xorriso: "Chain of ISO session headers broken"; it then lists the
			 * enclosing session too. */
			t->chain_broken = true;
			t->broken_at = (uint32_t)lba;
			rc = add(t, cap, 0, t->image_blocks, NULL, err);
			break;
		}
		if (t->count >= IMG_SESSIONS_MAX) {
			t->chain_broken = true;
			t->broken_at = (uint32_t)lba;
			break;
		}
		uint32_t blocks = vss;
		if (end > t->readable_blocks) {
			blocks = start < t->readable_blocks ?
				 (uint32_t)(t->readable_blocks - start) : 0;
			t->clamped = true;
		}
		rc = add(t, cap, (uint32_t)start, blocks, volid, err);
		if (rc != IMG_OK)
			break;
		lba = start + blocks;
		uint64_t growisofs_nwa = round_up(lba, IMG_SESSION_GROWISOFS_ALIGN);
		lba = round_up(lba, IMG_SESSION_ALIGN);
		probe_minus_16 = lba - growisofs_nwa == 16;
		if (blocks == 0)
			break;
	}
	/* An image smaller than the head: libisoburn finds no entry and xorriso shows the
	 * image as one session at block 0. */
	if (rc == IMG_OK && t->count == 0)
		rc = single(t, cap, head_volid, err);
	free(blk);
	return rc;
}

int img_sessions_scan_head(const unsigned char *head, uint64_t size, img_session_read_fn rd,
			   void *arg, struct img_session_toc *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	out->readable_blocks = size / IMG_ISO_SECTOR;
	const struct reader r = { rd, arg, size };
	size_t nz = size < IMG_SESSION_HEAD_BLOCKS * IMG_ISO_SECTOR ? (size_t)size :
		    IMG_SESSION_HEAD_BLOCKS * IMG_ISO_SECTOR;
	while (nz > 0 && head[nz - 1] == 0)
		nz--;
	const unsigned char *pvd = head + 16 * IMG_ISO_SECTOR;
	char volid[33];
	uint32_t vss;
	int cap = 0, rc = IMG_OK;
	if (nz == 0 || memcmp(pvd + 1, "CDXX1", 5) == 0 ||
	    (memcmp(pvd + 1, "CDxx1", 5) == 0 && pvd[0] == 'x')) {
		/* all zero (or empty), or libisoburn's "blanked" mark */
		out->state = IMG_SESSIONS_BLANK;
	} else if (memcmp(pvd + 1, "CD001", 5) != 0 || pvd[0] != 1 || pvd[6] != 1 ||
		   pvd[881] != 1 || !img_session_is_head(pvd, &vss, volid)) {
		/* isoburn_start_emulation's sanity check: type, version and file structure
		 * version 1, else "a full disc" of an unknown format. */
		out->state = IMG_SESSIONS_FOREIGN;
	} else {
		out->state = IMG_SESSIONS_APPENDABLE;
		out->image_blocks = vss;
		out->next = (uint32_t)round_up(vss, IMG_SESSION_ALIGN);
		if (round_up(vss, IMG_SESSION_ALIGN) > UINT32_MAX)
			out->next = UINT32_MAX;
		rc = follow_chain(&r, out, &cap, volid, err);
	}
	if (rc != IMG_OK)
		img_sessions_free(out);
	return rc;
}

static int source_read(void *arg, uint64_t off, void *buf, size_t len, struct img_error *err)
{
	return img_source_read(arg, off, buf, len, "session head", err);
}

int img_sessions_scan(struct img_source *src, struct img_session_toc *out,
		      struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	/* isoburn_start_emulation reads the first 64 KiB (less if the medium is shorter; the
	 * rest counts as zeros). */
	uint64_t have = img_source_size(src);
	if (have > IMG_SESSION_HEAD_BLOCKS * IMG_ISO_SECTOR)
		have = IMG_SESSION_HEAD_BLOCKS * IMG_ISO_SECTOR;
	unsigned char *head = calloc(1, IMG_SESSION_HEAD_BLOCKS * IMG_ISO_SECTOR);
	if (head == NULL)
		return img_error_set(err, IMG_ENOMEM, "session head");
	int rc = have ? img_source_read(src, 0, head, (size_t)have, "session head", err) : IMG_OK;
	if (rc == IMG_OK)
		rc = img_sessions_scan_head(head, img_source_size(src), source_read, src, out,
					    err);
	free(head);
	return rc;
}

void img_sessions_free(struct img_session_toc *toc)
{
	free(toc->sessions);
	toc->sessions = NULL;
	toc->count = 0;
}

int img_session_head(const struct img_session_toc *toc, int n, uint32_t *head_lba,
		     uint64_t *end_bytes, struct img_error *err)
{
	if (n < 1 || n > toc->count)
		return img_error_set(err, IMG_EINVAL, "no session %d: the image has %d", n,
				     toc->count);
	const struct img_session *s = &toc->sessions[n - 1];
	*head_lba = s->start;
	*end_bytes = ((uint64_t)s->start + s->blocks) * IMG_ISO_SECTOR;
	return IMG_OK;
}
