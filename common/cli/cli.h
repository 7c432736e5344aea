/* Terminal side of the programs: messages, usage errors and the progress line.
 * The only file of common/ that writes to the terminal; used by the programs, never by the
 * rest of the library. */
#ifndef IMG_CLI_H
#define IMG_CLI_H

#include <stdbool.h>

#include "common/base/error.h"

/* Exit codes shared by all programs (documented in each man page). */
enum { IMG_EXIT_OK = 0, IMG_EXIT_FAIL = 1, IMG_EXIT_USAGE = 2 };

/* Remembers the program name used as the prefix of every message. */
void img_cli_init(const char *prog);
const char *img_cli_prog(void);

/* "prog: WHAT: DETAIL" (or the code's text when there is no detail) on stderr. */
void img_cli_error(const char *what, const struct img_error *e);
/* "prog: FORMAT" on stderr; for errors found by the program itself. */
void img_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: warning: FORMAT" on stderr. */
void img_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: FORMAT" on stderr, only when verbose was turned on. */
void img_cli_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void img_cli_set_verbose(int level);
int img_cli_verbosity(void);
/* "prog: FORMAT" on stderr: what a job did (bytes written, verified), left out with -q. */
void img_cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void img_cli_set_quiet(bool quiet);
/* "prog: FORMAT (try --help)" on stderr; the caller exits with IMG_EXIT_USAGE. */
void img_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What a program does with the result of img_libisofs_check or img_libburn_check (rc, compatible
 * and err as they returned them): -1 to go on (the library is the one the code was made for,
 * or an API-compatible one in a build made with ALLOW_UNTESTED_LIBS=1, after a warning), else
 * IMG_EXIT_USAGE after saying which version is installed and which one the build wants. */
int img_cli_libs_verdict(int rc, bool compatible, const struct img_error *err);

/* Progress line: redrawn in place on stderr (only call when stderr is a terminal).
 * Every message above clears it first, so text never runs into a half-drawn line. */
void img_cli_progress_line(const char *text);
void img_cli_progress_done(void);
/* One whole line on stderr (machine-readable progress such as JSON), clearing a progress
 * line first. */
void img_cli_status_line(const char *text);
/* True when stderr is a terminal (the "auto" choice of --progress). */
bool img_cli_stderr_is_tty(void);

#endif
