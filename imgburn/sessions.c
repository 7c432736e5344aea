/* imgburn --msinfo, --toc and the stdio: side of --multi: sessions of optical media come from
 * the drive (libburn's TOC); sessions of files and disks are found as libisoburn's TOC
 * emulation finds them (common/inspect/sessions.c), so that xorriso and we agree. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/bytes.h"
#include "common/build/appendable.h"
#include "common/burn/blockdev.h"
#include "common/cli/cli.h"
#include "common/inspect/sessions.h"
#include "common/inspect/source.h"
#include "imgburn/imgburn.h"

/* The file or disk behind --dev when its sessions are ours to find ("stdio:PATH", or a block
 * device that is not an optical drive); NULL for an optical drive. */
static const char *stdio_path(const char *dev)
{
	if (strncmp(dev, "stdio:", 6) == 0)
		return dev + 6;
	struct stat st;
	if (stat(dev, &st) != 0 || !S_ISBLK(st.st_mode))
		return NULL;
	struct img_blockdev_info bi;
	struct img_error err = {0};
	if (img_blockdev_probe(dev, &bi, &err) != IMG_OK || bi.optical)
		return NULL;
	return dev;
}

/* Scans path; a path that does not exist is blank media.  Returns an exit code or -1. */
static int scan_path(const char *path, struct img_session_toc *t)
{
	struct img_source *src;
	struct img_error err = {0};
	memset(t, 0, sizeof(*t));
	int rc = img_source_open(path, NULL, &src, &err);
	if (rc == IMG_ENOENT) {
		t->state = IMG_SESSIONS_BLANK;
		return -1;
	}
	if (rc == IMG_OK) {
		rc = img_sessions_scan(src, t, &err);
		img_source_close(src);
	}
	if (rc != IMG_OK) {
		img_cli_error("cannot read the sessions", &err);
		return IMG_EXIT_USAGE;
	}
	return -1;
}

static const char *stdio_state(enum img_session_state s)
{
	return s == IMG_SESSIONS_BLANK ? "blank" : s == IMG_SESSIONS_APPENDABLE ? "appendable"
										 : "foreign";
}

/* Grabs the optical drive for a TOC query.  Returns an exit code or -1. */
static int drive_toc(const char *dev, struct img_disc_toc *toc)
{
	struct img_error err = {0};
	if (img_burn_init(&err) != IMG_OK) {
		img_cli_error("cannot start libburn", &err);
		return IMG_EXIT_FAIL;
	}
	struct img_drive *d;
	if (img_drive_open(dev, false, &d, &err) != IMG_OK) {
		img_cli_error("cannot open drive", &err);
		img_burn_finish();
		return IMG_EXIT_USAGE;
	}
	img_drive_get_toc(d, toc);
	img_drive_close(d, false);
	img_burn_finish();
	return -1;
}

int imgburn_msinfo(const struct imgburn_opts *o)
{
	const char *path = stdio_path(o->dev);
	if (path != NULL) {
		struct img_session_toc t;
		int rc = scan_path(path, &t);
		if (rc >= 0)
			return rc;
		if (t.state == IMG_SESSIONS_APPENDABLE)
			/* libisoburn's emulation: the newest session's head is at block 0 */
			printf("0,%" PRIu32 "\n", t.next);
		else
			img_cli_fail("%s: %s: no session to continue (write the first session without "
				     "-M/-C)", o->dev, t.state == IMG_SESSIONS_BLANK ? "blank" :
				     "no ISO 9660 image at block 16");
		img_sessions_free(&t);
		return t.state == IMG_SESSIONS_APPENDABLE ? IMG_EXIT_OK : IMG_EXIT_FAIL;
	}
	static struct img_disc_toc toc;
	int rc = drive_toc(o->dev, &toc);
	if (rc >= 0)
		return rc;
	if (toc.state == IMG_MEDIA_APPENDABLE && toc.last_session_start >= 0 && toc.next >= 0) {
		printf("%" PRId64 ",%" PRId64 "\n", toc.last_session_start, toc.next);
		return IMG_EXIT_OK;
	}
	img_cli_fail("%s: media is %s: no session to continue%s", o->dev,
		     img_media_state_name(toc.state),
		     toc.state == IMG_MEDIA_BLANK ? " (write the first session without -M/-C)" :
		     toc.state == IMG_MEDIA_CLOSED ? " (the disc was closed)" : "");
	return IMG_EXIT_FAIL;
}

static void print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static json_object *session_json(int number, int64_t start, int64_t blocks, const char *volid)
{
	json_object *s = json_object_new_object();
	json_object_object_add(s, "number", json_object_new_int(number));
	json_object_object_add(s, "start", json_object_new_int64(start));
	json_object_object_add(s, "blocks", blocks >= 0 ? json_object_new_int64(blocks) : NULL);
	if (volid)
		json_object_object_add(s, "volume_id", json_object_new_string(volid));
	return s;
}

static int toc_stdio(const struct imgburn_opts *o, const char *path)
{
	struct img_session_toc t;
	int rc = scan_path(path, &t);
	if (rc >= 0)
		return rc;
	if (t.chain_broken)
		img_cli_warn("%s: chain of session heads broken at block %" PRIu32 "; the last "
			     "entry is the whole image", o->dev, t.broken_at);
	json_object *j = json_object_new_object();
	json_object_object_add(j, "device", json_object_new_string(o->dev));
	json_object_object_add(j, "state", json_object_new_string(stdio_state(t.state)));
	json_object *a = json_object_new_array();
	for (int i = 0; i < t.count; i++) {
		const struct img_session *s = &t.sessions[i];
		json_object *x = session_json(i + 1, s->start, s->blocks, s->volume_id);
		json_object *tr = json_object_new_array();
		/* one track per session, as xorriso shows emulated sessions */
		json_object_array_add(tr, session_json(i + 1, s->start, s->blocks, NULL));
		json_object_object_add(x, "tracks", tr);
		json_object_array_add(a, x);
		if (!o->json)
			printf("session %d: track %d, start %" PRIu32 ", %" PRIu32 " blocks, "
			       "volume id %s\n", i + 1, i + 1, s->start, s->blocks, s->volume_id);
	}
	json_object_object_add(j, "sessions", a);
	if (t.state == IMG_SESSIONS_APPENDABLE) {
		char ms[32];
		snprintf(ms, sizeof(ms), "0,%" PRIu32, t.next);
		json_object_object_add(j, "next", json_object_new_int64(t.next));
		json_object_object_add(j, "msinfo", json_object_new_string(ms));
		if (!o->json)
			printf("next writable: %" PRIu32 " (msinfo %s)\n", t.next, ms);
	}
	if (o->json)
		print_json(j);
	else {
		if (t.state != IMG_SESSIONS_APPENDABLE)
			printf("media: %s\n", stdio_state(t.state));
		json_object_put(j);
	}
	img_sessions_free(&t);
	return IMG_EXIT_OK;
}

int imgburn_toc(const struct imgburn_opts *o)
{
	const char *path = stdio_path(o->dev);
	if (path != NULL)
		return toc_stdio(o, path);
	static struct img_disc_toc toc;
	int rc = drive_toc(o->dev, &toc);
	if (rc >= 0)
		return rc;
	json_object *j = json_object_new_object();
	json_object_object_add(j, "device", json_object_new_string(o->dev));
	json_object_object_add(j, "state",
			       json_object_new_string(img_media_state_name(toc.state)));
	json_object *a = json_object_new_array();
	json_object *cur = NULL, *tracks = NULL;
	for (int i = 0; i < toc.ntracks; i++) {
		const struct img_toc_track *t = &toc.tracks[i];
		if (cur == NULL || (int)json_object_array_length(a) < t->session) {
			cur = session_json(t->session, t->start, -1, NULL);
			tracks = json_object_new_array();
			json_object_object_add(cur, "tracks", tracks);
			json_object_array_add(a, cur);
		}
		json_object_array_add(tracks, session_json(t->number, t->start, t->blocks, NULL));
		if (!o->json) {
			printf("session %d: track %d, start %" PRId64, t->session, t->number,
			       t->start);
			if (t->blocks >= 0)
				printf(", %" PRId64 " blocks", t->blocks);
			printf("\n");
		}
	}
	json_object_object_add(j, "sessions", a);
	if (toc.next >= 0) {
		char ms[64];
		snprintf(ms, sizeof(ms), "%" PRId64 ",%" PRId64, toc.last_session_start, toc.next);
		json_object_object_add(j, "next", json_object_new_int64(toc.next));
		json_object_object_add(j, "msinfo", json_object_new_string(ms));
		if (!o->json)
			printf("next writable: %" PRId64 " (msinfo %s)\n", toc.next, ms);
	}
	if (!o->json)
		printf("media: %s\n", img_media_state_name(toc.state));
	if (o->json)
		print_json(j);
	else
		json_object_put(j);
	return IMG_EXIT_OK;
}

/* Where a session was made to start: its root directory must lie inside it (every address in
 * a session is absolute).  true when the head's root lies in [start, start + vss). */
static bool made_for(const unsigned char *head, size_t head_len, uint64_t start)
{
	uint32_t vss;
	if (!img_session_is_head(head + 16 * 2048, &vss, NULL))
		return false;
	uint32_t root = img_le32(head + 16 * 2048 + 156 + 2);
	if (root < start || root >= start + vss)
		return false;
	/* When the root directory lies in the head, its "." record (ECMA-119 9.1: length, the
	 * extent, name length 1, name 0) must name the block it sits in: that tells a session
	 * made for block 32 from one made for block 0 whose root lies past block 32. */
	if (root - start < IMG_SESSION_HEAD_BLOCKS && (root - start + 1) * 2048 <= head_len) {
		const unsigned char *dot = head + (size_t)(root - start) * 2048;
		return dot[0] >= 34 && img_le32(dot + 2) == root && dot[32] == 1 && dot[33] == 0;
	}
	return true;
}

int imgburn_multi_plan(const char *path, const unsigned char *head, size_t head_len,
		       int64_t *start_byte, bool *grow, int64_t *old_size)
{
	struct img_session_toc t;
	*start_byte = 0, *grow = false, *old_size = -1;
	/* a session may be smaller than 64 KiB (mkimage pads nothing): its descriptors suffice */
	if (head_len < 17 * 2048 || !img_session_is_head(head + 16 * 2048, &(uint32_t){0}, NULL)) {
		img_cli_fail("--multi: the input is not an ISO 9660 session (no primary volume "
			     "descriptor at block 16)");
		return IMG_EXIT_USAGE;
	}
	int rc = scan_path(path, &t);
	if (rc >= 0)
		return rc;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		*old_size = st.st_size;
	if (t.state == IMG_SESSIONS_FOREIGN) {
		img_cli_fail("%s: no ISO 9660 image at block 16: refusing to add a session (without "
			     "--multi the target is overwritten)", path);
		rc = IMG_EXIT_FAIL;
	} else if (t.state == IMG_SESSIONS_APPENDABLE) {
		if (!made_for(head, head_len, t.next)) {
			img_cli_fail("%s: the input was not made for block %" PRIu32 " (mkimage -M "
				     "%s -C 0,%" PRIu32 " makes one); nothing written", path,
				     t.next, path, t.next);
			rc = IMG_EXIT_USAGE;
		} else {
			*start_byte = (int64_t)t.next * 2048;
			*grow = true;
			img_cli_verbose("%s: %d session(s); the new one goes to block %" PRIu32,
					path, t.count, t.next);
		}
	} else if (made_for(head, head_len, IMG_SESSION_HEAD_BLOCKS)) {
		/* a first session made for block 32 (-C 0,32): libisoburn's layout, in which
		 * every later session can still be read by number */
		*start_byte = IMG_SESSION_HEAD_BLOCKS * 2048;
		*grow = true;
	} else if (!made_for(head, head_len, 0)) {
		img_cli_fail("%s: blank, and the input was made neither for block 0 nor for block "
			     "32; nothing written", path);
		rc = IMG_EXIT_USAGE;
	}
	/* else blank and made for block 0: written there, as xorriso -as cdrecord does */
	img_sessions_free(&t);
	return rc;
}

/* Cuts a regular file back to its size before the write (a failed --multi). */
static void restore_size(const char *path, int64_t old_size)
{
	if (old_size >= 0 && truncate(path, old_size) != 0)
		img_cli_warn("%s: cannot cut back to %" PRId64 " bytes: %s", path, old_size,
			     strerror(errno));
}

void imgburn_multi_abort(const char *path, int64_t old_size)
{
	restore_size(path, old_size);
	img_cli_fail("%s: the new session failed; the first 64 KiB still point to the old "
		     "sessions%s", path, old_size >= 0 ? ", and the file is cut back to its old size"
						   : "");
}

/* The new head (common/build/appendable.h, the layout mkimage --grow writes) goes to byte 0
 * only after the session is on the medium; a failure before that cuts a file back. */
int imgburn_multi_finish(const char *path, int64_t start_byte, int64_t old_size)
{
	struct img_error err = {0};
	bool touched;
	uint32_t end, next = (uint32_t)(start_byte / 2048);
	if (img_append_put_head(path, next, &end, &touched, &err) != IMG_OK) {
		img_cli_error(touched ? "cannot write the new head at byte 0" :
			      "the old sessions are left as they were", &err);
		if (!touched)
			restore_size(path, old_size);
		return IMG_EXIT_FAIL;
	}
	img_cli_info("%s: the first 64 KiB now point to the session at block %" PRIu32
		     " (image ends at block %" PRIu32 ")", path, next, end);
	return IMG_EXIT_OK;
}
