/* Progress of a long job: percent, rate, ETA, as a text line or a JSON line.  Computes and
 * formats only; the program decides where (and whether) to print. */
#ifndef IMG_PROGRESS_H
#define IMG_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

struct img_progress;

/* Starts tracking a job of total bytes at time now (seconds, see img_progress_now); an update
 * is due at most every interval seconds.  Errors: IMG_ENOMEM. */
int img_progress_new(uint64_t total, double now, double interval, struct img_progress **out);
void img_progress_free(struct img_progress *p);

/* Monotonic clock in seconds. */
double img_progress_now(void);

/* Records done bytes at time now; true when a report is due (the interval has passed since
 * the last one, or the job just completed). */
bool img_progress_update(struct img_progress *p, uint64_t done, double now);

double img_progress_percent(const struct img_progress *p);
/* Average rate since the start in bytes per second (0 before any time has passed). */
double img_progress_rate(const struct img_progress *p);
/* Seconds left at the average rate, or -1 when unknown. */
double img_progress_eta(const struct img_progress *p);

/* "  42.0%  12.3 of 29.3 MB  45.6 MB/s  ETA 0:01" into buf (always terminated). */
void img_progress_text(const struct img_progress *p, char *buf, size_t len);

/* One JSON object on one line, like IMAPI's image-building update events:
 * {"event":"progress","file":F,"blocks_done":N,"blocks_total":N,"percent":P,
 *  "bytes_per_second":R,"eta_seconds":E}; file may be NULL (JSON null).
 * Errors: IMG_ENOMEM, IMG_ETOOBIG when buf is too small. */
int img_progress_json(const struct img_progress *p, const char *file, char *buf, size_t len);

#endif
