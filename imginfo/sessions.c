/* imginfo --sessions and --session N: the sessions of a grown image, and choosing one. */
#include "imginfo/sessions.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>

#include "common/cli/cli.h"
#include "common/inspect/sessions.h"

static const char *state_name(enum img_session_state s)
{
	switch (s) {
	case IMG_SESSIONS_BLANK: return "blank";
	case IMG_SESSIONS_APPENDABLE: return "appendable";
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
		snprintf(ms, sizeof(ms), "0,%" PRIu32, t->next);
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
	if (t->state != IMG_SESSIONS_APPENDABLE)
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
	printf("image end: %" PRIu32 "\n", t->image_blocks);
	printf("next writable: %" PRIu32 " (msinfo 0,%" PRIu32 ")\n", t->next, t->next);
}

int imginfo_sessions(struct img_source *src, const struct imginfo_opts *o)
{
	struct img_session_toc t;
	struct img_error err = {0};
	if (img_sessions_scan(src, &t, &err) != IMG_OK) {
		img_cli_error("cannot read the sessions", &err);
		return err.code == IMG_ENOMEM ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
	}
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
	if (img_sessions_scan(src, &t, &err) != IMG_OK) {
		img_cli_error("cannot read the sessions", &err);
		return err.code == IMG_ENOMEM ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
	}
	uint32_t head;
	uint64_t end;
	int rc = -1;
	if (t.state != IMG_SESSIONS_APPENDABLE) {
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
