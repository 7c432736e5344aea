/* imginfo --sessions and --session N: the sessions of a grown image, and choosing one. */
#include "imginfo/sessions.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/burn/blockdev.h"
#include "common/burn/drive.h"
#include "common/cli/cli.h"
#include "common/inspect/sessions.h"
#include "common/inspect/voldesc.h"

static const char *state_name(enum img_session_state s)
{
	switch (s) {
	case IMG_SESSIONS_BLANK: return "blank";
	case IMG_SESSIONS_APPENDABLE: return "appendable";
	case IMG_SESSIONS_CLOSED: return "closed";
	default: return "foreign";
	}
}

static json_object *toc_json(const struct img_session_toc *t, const char *path,
			     struct img_source *src)
{
	json_object *o = json_object_new_object();
	json_object *img = json_object_new_object();
	json_object_object_add(img, "path", json_object_new_string(path));
	json_object_object_add(img, "kind", json_object_new_string(img_source_kind(src)));
	json_object_object_add(img, "size", json_object_new_int64((int64_t)img_source_size(src)));
	json_object_object_add(o, "image", img);
	json_object_object_add(o, "state", json_object_new_string(state_name(t->state)));
	json_object *a = json_object_new_array();
	int64_t data = 0;
	for (int i = 0; i < t->count; i++) {
		const struct img_session *s = &t->sessions[i];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "number", json_object_new_int(i + 1));
		json_object_object_add(x, "start", json_object_new_int64(s->start));
		json_object_object_add(x, "blocks", json_object_new_int64(s->blocks));
		json_object_object_add(x, "volume_id", s->volume_id[0] || s->start ?
				       json_object_new_string(s->volume_id) : NULL);
		json_object_array_add(a, x);
		data += s->blocks;
	}
	json_object_object_add(o, "sessions", a);
	json_object_object_add(o, "data_blocks", json_object_new_int64(data));
	if (t->state == IMG_SESSIONS_APPENDABLE) {
		char ms[32];
		snprintf(ms, sizeof(ms), "%" PRIu32 ",%" PRIu32, t->last, t->next);
		json_object_object_add(o, "image_blocks", json_object_new_int64(t->image_blocks));
		json_object_object_add(o, "next", json_object_new_int64(t->next));
		json_object_object_add(o, "msinfo", json_object_new_string(ms));
	}
	json_object_object_add(o, "chain_broken", json_object_new_boolean(t->chain_broken));
	return o;
}

static void print_human(const struct img_session_toc *t)
{
	printf("state: %s\n", state_name(t->state));
	if (t->state != IMG_SESSIONS_APPENDABLE && t->state != IMG_SESSIONS_CLOSED)
		return;
	int64_t data = 0;
	printf("sessions: %d\n", t->count);
	printf("  %-4s %10s %10s  %s\n", "#", "start", "blocks", "volume id");
	for (int i = 0; i < t->count; i++) {
		const struct img_session *s = &t->sessions[i];
		printf("  %-4d %10" PRIu32 " %10" PRIu32 "  %s\n", i + 1, s->start, s->blocks,
		       s->volume_id);
		data += s->blocks;
	}
	printf("data blocks: %" PRId64 "\n", data);
	if (t->state != IMG_SESSIONS_APPENDABLE)
		return;
	printf("image end: %" PRIu32 "\n", t->image_blocks);
	printf("next writable: %" PRIu32 " (msinfo %" PRIu32 ",%" PRIu32 ")\n", t->next, t->last,
	       t->next);
}

/* An optical drive: the sessions of its disc come from the drive's table of contents
 * (libburn), not from a scan: write-once media keep each session's head at its own start.
 * Returns -1 when path is no optical drive, else an exit code (0: *t filled). */
static int optical_toc(const char *path, struct img_source *src, struct img_session_toc *t)
{
	struct stat st;
	struct img_blockdev_info bi;
	struct img_error err = {0};
	if (stat(path, &st) != 0 || !S_ISBLK(st.st_mode) ||
	    img_blockdev_probe(path, &bi, &err) != IMG_OK || !bi.optical)
		return -1;
	struct img_drive *d;
	if (img_burn_init(&err) != IMG_OK) {
		img_cli_error("cannot start libburn", &err);
		return IMG_EXIT_FAIL;
	}
	if (img_drive_open(path, false, &d, &err) != IMG_OK) {
		img_cli_error("cannot open drive", &err);
		img_burn_finish();
		return IMG_EXIT_USAGE;
	}
	struct img_disc_toc *toc = malloc(sizeof(*toc));
	if (toc != NULL)
		img_drive_get_toc(d, toc);
	img_drive_close(d, false);
	img_burn_finish();
	memset(t, 0, sizeof(*t));
	if (toc == NULL || (t->sessions = calloc((size_t)toc->ntracks + 1,
						 sizeof(*t->sessions))) == NULL) {
		free(toc);
		img_cli_fail("out of memory");
		return IMG_EXIT_FAIL;
	}
	t->state = toc->state == IMG_MEDIA_APPENDABLE ? IMG_SESSIONS_APPENDABLE :
		   toc->state == IMG_MEDIA_BLANK ? IMG_SESSIONS_BLANK : IMG_SESSIONS_CLOSED;
	t->readable_blocks = img_source_size(src) / IMG_ISO_SECTOR;
	for (int i = 0; i < toc->ntracks; i++) {
		const struct img_toc_track *tr = &toc->tracks[i];
		if (tr->start < 0 || tr->start > UINT32_MAX)
			continue;
		if (t->count < tr->session) {
			struct img_session *s = &t->sessions[t->count++];
			s->start = (uint32_t)tr->start;
		}
		/* a track without a size (CD) ends where the next begins, the last one where the
		 * readable area ends */
		int64_t blocks = tr->blocks;
		if (blocks < 0)
			blocks = (i + 1 < toc->ntracks ? toc->tracks[i + 1].start
						       : (int64_t)t->readable_blocks) - tr->start;
		struct img_session *s = &t->sessions[t->count - 1];
		if (blocks > 0 && (uint64_t)s->blocks + (uint64_t)blocks <= UINT32_MAX)
			s->blocks += (uint32_t)blocks;
	}
	for (int i = 0; i < t->count; i++) {
		unsigned char pvd[2048];
		uint32_t vss;
		struct img_session *s = &t->sessions[i];
		if (img_source_read(src, ((uint64_t)s->start + 16) * IMG_ISO_SECTOR, pvd,
				    sizeof(pvd), "session head", &err) == IMG_OK)
			img_session_is_head(pvd, &vss, s->volume_id);
		if (s->start + s->blocks > t->image_blocks)
			t->image_blocks = s->start + s->blocks;
	}
	if (t->state == IMG_SESSIONS_APPENDABLE && toc->next >= 0 && toc->next <= UINT32_MAX &&
	    toc->last_session_start >= 0) {
		t->next = (uint32_t)toc->next;
		t->last = (uint32_t)toc->last_session_start;
	} else if (t->state == IMG_SESSIONS_APPENDABLE) {
		t->state = IMG_SESSIONS_CLOSED; /* the drive gave no NEXT: nothing to append at */
	}
	free(toc);
	return IMG_EXIT_OK;
}

/* The sessions of the image: a drive's TOC, or the scan.  Returns an exit code or -1. */
static int find_sessions(struct img_source *src, const struct imginfo_opts *o,
			 struct img_session_toc *t)
{
	int rc = optical_toc(o->image, src, t);
	if (rc >= 0)
		return rc == IMG_EXIT_OK ? -1 : rc;
	struct img_error err = {0};
	if (img_sessions_scan(src, t, &err) != IMG_OK) {
		img_cli_error("cannot read the sessions", &err);
		return err.code == IMG_ENOMEM ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
	}
	return -1;
}

int imginfo_sessions(struct img_source *src, const struct imginfo_opts *o)
{
	struct img_session_toc t;
	int frc = find_sessions(src, o, &t);
	if (frc >= 0)
		return frc;
	if (t.chain_broken)
		img_cli_warn("%s: chain of session heads broken at block %" PRIu32 "; the last "
			     "entry is the whole image", o->image, t.broken_at);
	if (t.clamped)
		img_cli_warn("%s: a session is larger than the image; cut to the image's end",
			     o->image);
	if (o->json) {
		json_object *j = toc_json(&t, o->image, src);
		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		print_human(&t);
	}
	fflush(stdout);
	int rc = t.state == IMG_SESSIONS_FOREIGN ? IMG_EXIT_USAGE : IMG_EXIT_OK;
	if (t.state == IMG_SESSIONS_FOREIGN)
		img_cli_fail("%s: no ISO 9660 volume descriptors at block 16: not an image with "
			     "sessions", o->image);
	img_sessions_free(&t);
	return rc;
}

int imginfo_select_session(struct img_source *src, const struct imginfo_opts *o)
{
	if (o->session == 0)
		return -1;
	struct img_session_toc t;
	struct img_error err = {0};
	int frc = find_sessions(src, o, &t);
	if (frc >= 0)
		return frc;
	uint32_t head;
	uint64_t end;
	int rc = -1;
	if (t.state != IMG_SESSIONS_APPENDABLE && t.state != IMG_SESSIONS_CLOSED) {
		img_cli_fail("%s: --session %d: the image has no ISO 9660 session", o->image,
			     o->session);
		rc = IMG_EXIT_USAGE;
	} else if (img_session_head(&t, o->session, &head, &end, &err) != IMG_OK ||
		   img_source_select_session(src, (uint64_t)head * 2048, end, &err) != IMG_OK) {
		img_cli_error("--session", &err);
		rc = IMG_EXIT_USAGE;
	}
	img_sessions_free(&t);
	return rc;
}
