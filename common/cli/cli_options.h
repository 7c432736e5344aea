/* The options the three programs share, parsed by one popt sub-table so that they mean the
 * same everywhere: --json, -q/--quiet, -v/--verbose, --progress, --version, -h/--help. */
#ifndef IMG_CLI_OPTIONS_H
#define IMG_CLI_OPTIONS_H

#include <popt.h>
#include <stdbool.h>

/* --progress=WHEN: auto (a line when stderr is a terminal), always, never, json (one JSON
 * object a line).  imgburn's old spellings bar and none are always and never. */
enum img_cli_progress {
	IMG_CLI_PROGRESS_AUTO,
	IMG_CLI_PROGRESS_ALWAYS,
	IMG_CLI_PROGRESS_NEVER,
	IMG_CLI_PROGRESS_JSON,
};

/* Which shared options a program gives a meaning to (img_cli_common_begin).  Those it does not
 * stay in the table, hidden from --help, and are refused by img_cli_common_finish with a
 * message saying why, rather than as unknown options. */
enum {
	IMG_CLI_JSON = 1,      /* --json: the report on stdout is JSON */
	IMG_CLI_PROGRESS = 2,  /* --progress: the program shows the progress of a long job */
	IMG_CLI_MKISOFS = 4,   /* -quiet also with one dash, as mkisofs and xorriso spell it */
};

/* What the shared options said. */
struct img_cli_common {
	bool json;                      /* --json */
	bool quiet;                     /* -q, --quiet (mkimage also: -quiet) */
	int verbose;                    /* -v, --verbose: counted, as img_cli_set_verbose takes it */
	enum img_cli_progress progress; /* --progress, AUTO when not given */
	bool progress_given;            /* --progress was on the command line */
};

/* Include with POPT_ARG_INCLUDE_TABLE in the program's table (one per process). */
extern struct poptOption img_cli_common_options[];

/* Resets what the table parsed and says which options apply (IMG_CLI_* bits); call before
 * poptGetContext. */
void img_cli_common_begin(unsigned features);

/* After poptGetNextOpt returned -1.  --help: prints con's help on stdout; --version: prints
 * "PROG VERSION"; both return IMG_EXIT_OK.  A bad --progress value or an option the program
 * does not take: a usage error, IMG_EXIT_USAGE.  Else fills *out, sets the verbosity of the
 * messages (0 with -q) and returns -1: go on. */
int img_cli_common_finish(poptContext con, struct img_cli_common *out);

/* The progress a job shows: --progress, NEVER with -q (unless --progress=json was asked for:
 * that is output for a program, not chatter), and AUTO made ALWAYS or NEVER by whether
 * stderr is a terminal. */
enum img_cli_progress img_cli_progress_shown(const struct img_cli_common *c);

#endif
