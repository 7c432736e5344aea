/* Progress of a long job: percent, rate, ETA, as a text line or a JSON line. */
#include "common/base/progress.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK 2048

struct img_progress {
	uint64_t total, done;
	double start, now, last, interval;
	bool reported_end;
};

int img_progress_new(uint64_t total, double now, double interval, struct img_progress **out)
{
	struct img_progress *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return IMG_ENOMEM;
	p->total = total;
	p->start = p->now = now;
	p->last = now - interval; /* the first update is due at once */
	p->interval = interval;
	*out = p;
	return IMG_OK;
}

void img_progress_free(struct img_progress *p)
{
	free(p);
}

double img_progress_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool img_progress_update(struct img_progress *p, uint64_t done, double now)
{
	p->done = done > p->total ? p->total : done;
	p->now = now;
	if (p->done == p->total) {
		if (p->reported_end)
			return false;
		p->reported_end = true;
		p->last = now;
		return true;
	}
	if (now - p->last >= p->interval) {
		p->last = now;
		return true;
	}
	return false;
}

double img_progress_percent(const struct img_progress *p)
{
	return p->total ? 100.0 * (double)p->done / (double)p->total : 100.0;
}

double img_progress_rate(const struct img_progress *p)
{
	double dt = p->now - p->start;
	return dt > 0 ? (double)p->done / dt : 0.0;
}

double img_progress_eta(const struct img_progress *p)
{
	double rate = img_progress_rate(p);
	if (p->done >= p->total)
		return 0.0;
	if (rate <= 0)
		return -1.0;
	return (double)(p->total - p->done) / rate;
}

void img_progress_text(const struct img_progress *p, char *buf, size_t len)
{
	char eta[32];
	double e = img_progress_eta(p);
	if (e < 0)
		snprintf(eta, sizeof(eta), "--:--");
	else if (e >= 3600)
		snprintf(eta, sizeof(eta), "%d:%02d:%02d", (int)(e / 3600), (int)(e / 60) % 60,
			 (int)e % 60);
	else
		snprintf(eta, sizeof(eta), "%d:%02d", (int)(e / 60), (int)e % 60);
	snprintf(buf, len, "%5.1f%%  %.1f of %.1f MB  %.1f MB/s  ETA %s",
		 img_progress_percent(p), (double)p->done / 1e6, (double)p->total / 1e6,
		 img_progress_rate(p) / 1e6, eta);
}

int img_progress_json(const struct img_progress *p, const char *file, char *buf, size_t len)
{
	json_object *o = json_object_new_object();
	if (o == NULL)
		return IMG_ENOMEM;
	double eta = img_progress_eta(p);
	int bad = 0;
	bad |= json_object_object_add(o, "event", json_object_new_string("progress"));
	bad |= json_object_object_add(o, "file", file ? json_object_new_string(file) : NULL);
	bad |= json_object_object_add(o, "blocks_done",
				      json_object_new_int64((int64_t)(p->done / BLOCK)));
	bad |= json_object_object_add(o, "blocks_total",
				      json_object_new_int64((int64_t)(p->total / BLOCK)));
	char pct[32], etas[32];
	snprintf(pct, sizeof(pct), "%.1f", img_progress_percent(p));
	snprintf(etas, sizeof(etas), "%.1f", eta);
	/* The _s forms print our short text instead of 17 significant digits. */
	bad |= json_object_object_add(o, "percent",
				      json_object_new_double_s(img_progress_percent(p), pct));
	bad |= json_object_object_add(o, "bytes_per_second",
				      json_object_new_int64((int64_t)img_progress_rate(p)));
	bad |= json_object_object_add(o, "eta_seconds",
				      eta < 0 ? NULL : json_object_new_double_s(eta, etas));
	const char *s = bad ? NULL : json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = IMG_OK;
	if (s == NULL)
		rc = IMG_ENOMEM;
	else if (strlen(s) >= len)
		rc = IMG_ETOOBIG;
	else
		memcpy(buf, s, strlen(s) + 1);
	json_object_put(o);
	return rc;
}
