/* Burn progress: a line redrawn on the terminal (percent, MB, MB/s, ETA, buffer and fifo fill)
 * or one JSON object per update on stdout for front ends (like IMAPI's update events). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/cli/cli.h"
#include "imgburn/imgburn.h"

struct report {
	enum img_cli_progress style;
	struct timespec start, last;
	enum img_drive_phase last_phase;
	bool any;
};

static double now_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

struct report *report_new(enum img_cli_progress style)
{
	struct report *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	/* The options resolved AUTO already (img_cli_progress_shown); kept safe all the same. */
	if (style == IMG_CLI_PROGRESS_AUTO)
		style = img_cli_stderr_is_tty() ? IMG_CLI_PROGRESS_ALWAYS : IMG_CLI_PROGRESS_NEVER;
	r->style = style;
	/* seconds and fill levels to the millisecond/permille are plenty for a front end */
	if (style == IMG_CLI_PROGRESS_JSON)
		json_c_set_serialization_double_format("%.3f", JSON_C_OPTION_GLOBAL);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->last = r->start;
	r->last_phase = IMG_PHASE_IDLE;
	return r;
}

static double fill(unsigned cap, unsigned avail)
{
	return cap ? (double)(cap - (avail > cap ? cap : avail)) / cap : -1;
}

static void emit_json(const struct img_drive_progress *p, double elapsed, double remaining,
		      const char *final, const char *what, const struct img_error *e)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "phase",
			       json_object_new_string(final ? final : img_drive_phase_name(p->phase)));
	json_object_object_add(o, "elapsed", json_object_new_double(elapsed));
	json_object_object_add(o, "remaining", remaining >= 0 ?
			       json_object_new_double(remaining) : NULL);
	json_object_object_add(o, "bytes", json_object_new_int64(p->bytes_done));
	json_object_object_add(o, "total", p->bytes_total > 0 ?
			       json_object_new_int64(p->bytes_total) : NULL);
	json_object_object_add(o, "lba", json_object_new_int64(p->lba));
	json_object_object_add(o, "track", json_object_new_int(p->track));
	json_object_object_add(o, "tracks", json_object_new_int(p->tracks));
	double b = fill(p->buffer_capacity, p->buffer_available);
	json_object_object_add(o, "drive_buffer", b >= 0 ? json_object_new_double(b) : NULL);
	double f = p->fifo_size > 0 ? (double)(p->fifo_size - p->fifo_free) / p->fifo_size : -1;
	json_object_object_add(o, "fifo", f >= 0 ? json_object_new_double(f) : NULL);
	if (e != NULL) {
		json_object *err = json_object_new_object();
		json_object_object_add(err, "what", json_object_new_string(what ? what : "failed"));
		json_object_object_add(err, "detail", json_object_new_string(
					       e->detail[0] ? e->detail : img_strerror(e->code)));
		json_object_object_add(err, "kind", json_object_new_string(img_strerror(e->code)));
		json_object_object_add(o, "error", err);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

static void emit_bar(const struct img_drive_progress *p, double elapsed, double remaining,
		     const char *final)
{
	char line[256], eta[32] = "--:--", extra[64] = "";
	double mb = p->bytes_done / 1e6;
	double rate = elapsed > 0 ? mb / elapsed : 0;
	if (remaining >= 0)
		snprintf(eta, sizeof(eta), "%d:%02d", (int)remaining / 60, (int)remaining % 60);
	double b = fill(p->buffer_capacity, p->buffer_available);
	double f = p->fifo_size > 0 ? (double)(p->fifo_size - p->fifo_free) / p->fifo_size : -1;
	int n = 0;
	if (b >= 0)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n, "  buf %3.0f%%", 100 * b);
	if (f >= 0)
		snprintf(extra + n, sizeof(extra) - (size_t)n, "  fifo %3.0f%%", 100 * f);
	if (p->bytes_total > 0)
		snprintf(line, sizeof(line), "%-7s %3.0f%%  %.1f/%.1f MB  %.1f MB/s  ETA %s%s",
			 final ? final : img_drive_phase_name(p->phase),
			 100.0 * p->bytes_done / p->bytes_total,
			 mb, p->bytes_total / 1e6, rate, eta, extra);
	else
		snprintf(line, sizeof(line), "%-7s %.1f MB  %.1f MB/s%s",
			 final ? final : img_drive_phase_name(p->phase), mb, rate, extra);
	img_cli_progress_line(line);
}

void report_update(struct report *r, const struct img_drive_progress *p)
{
	if (r == NULL || r->style == IMG_CLI_PROGRESS_NEVER)
		return;
	/* at most 4 updates a second, plus one on every change of phase */
	if (r->any && p->phase == r->last_phase && now_since(&r->last) < 0.25)
		return;
	clock_gettime(CLOCK_MONOTONIC, &r->last);
	r->any = true;
	r->last_phase = p->phase;
	double elapsed = now_since(&r->start);
	double remaining = -1;
	if (p->bytes_total > 0 && p->bytes_done > 0 && p->bytes_done <= p->bytes_total)
		remaining = elapsed * (double)(p->bytes_total - p->bytes_done) / p->bytes_done;
	if (r->style == IMG_CLI_PROGRESS_JSON)
		emit_json(p, elapsed, remaining, NULL, NULL, NULL);
	else
		emit_bar(p, elapsed, remaining, NULL);
}

void report_done(struct report *r, const struct img_drive_progress *last, const char *what,
		 const struct img_error *e)
{
	bool ok = e == NULL;
	if (r == NULL)
		return;
	if (r->style == IMG_CLI_PROGRESS_ALWAYS && r->any) {
		emit_bar(last, now_since(&r->start), 0, ok ? "done" : "failed");
		img_cli_progress_done();
	} else if (r->style == IMG_CLI_PROGRESS_JSON) {
		/* the last object says how the job ended: "done" or "failed" */
		emit_json(last, now_since(&r->start), 0, ok ? "done" : "failed", what, e);
	}
	free(r);
}
