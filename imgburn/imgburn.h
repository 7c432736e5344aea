/* imgburn's parts: options, listing, the burn job and its progress report. */
#ifndef IMGBURN_H
#define IMGBURN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/burn/drive.h"
#include "common/cli/cli_options.h"

enum blank_kind { BLANK_NONE, BLANK_FAST, BLANK_ALL };

struct imgburn_opts {
	bool list, json, info, watch;
	const char *dev;
	int64_t size;              /* -1: not given */
	double speed;              /* x; 0 = fastest */
	bool dummy, close, eject, load, padding, verify, verify_only, format, force, audio;
	bool multi, msinfo, toc;   /* sessions: --multi, --msinfo, --toc */
	enum write_mode_choice { MODE_AUTO, MODE_TAO, MODE_SAO } mode;
	enum blank_kind blank;
	const char *cue;
	enum img_cli_progress progress; /* what a job shows: ALWAYS, NEVER or JSON (never AUTO) */
	const char **args;         /* SOURCE, or the WAV files with --audio */
	int nargs;
};

/* Parses argv into *o; prints help/version/usage errors itself.  Returns -1 to go on, else the
 * exit code to leave with. */
int imgburn_parse_options(int argc, const char **argv, struct imgburn_opts *o);

/* Set by the SIGINT/SIGTERM handler; the number of the signal. */
extern volatile sig_atomic_t imgburn_signal;

/* --list / -scanbus, --info, --watch; each returns an exit code. */
int imgburn_list(const struct imgburn_opts *o);
int imgburn_info(const struct imgburn_opts *o);
int imgburn_watch(const struct imgburn_opts *o);

/* --msinfo and --toc; each returns an exit code. */
int imgburn_msinfo(const struct imgburn_opts *o);
int imgburn_toc(const struct imgburn_opts *o);

/* --multi on a target whose sessions are found libisoburn's way (stdio: files and block
 * devices; path is the file or device).  head holds the input's first head_len bytes (its
 * system area and volume descriptors).  Before the write: where the new session goes
 * (*start_byte: NEXT of an appendable target, 0 or 32 blocks on a blank one, as the input was
 * made), whether the first 64 KiB are rewritten after it (*grow), and the target's size
 * (*old_size, -1 if not a regular file).  Refuses an input made for another address.
 * Returns an exit code or -1 to go on. */
int imgburn_multi_plan(const char *path, const unsigned char *head, size_t head_len,
		       int64_t *start_byte, bool *grow, int64_t *old_size);
/* After the session was written at start_byte: rewrites the first 64 KiB with its head, whose
 * primary volume space size becomes the whole image's (as xorriso's cdrecord emulation does).
 * When the session cannot be read back the target is cut back to old_size and the head is left
 * alone.  Returns an exit code. */
int imgburn_multi_finish(const char *path, int64_t start_byte, int64_t old_size);
/* After a failed or interrupted write of a new session: the head is left alone, and a regular
 * file is cut back to old_size (so that it is what it was), and says so. */
void imgburn_multi_abort(const char *path, int64_t old_size);

/* Writing, blanking, formatting, verifying; returns an exit code. */
int imgburn_burn(const struct imgburn_opts *o);

/* Progress report of one job: a redrawn line on a terminal, or one JSON object per update. */
struct report;
struct report *report_new(enum img_cli_progress style);
void report_update(struct report *r, const struct img_drive_progress *p);
/* Ends the report with the job's last state: a final line, or a last JSON object whose phase
 * is "done" or "failed".  A failed job passes what failed ("write failed") and the library's
 * error, which the JSON object carries as "error": {"what", "detail", "kind"} so that a front
 * end has the reason without parsing stderr; e is NULL when the job succeeded.  Frees r. */
void report_done(struct report *r, const struct img_drive_progress *last, const char *what,
		 const struct img_error *e);

#endif
