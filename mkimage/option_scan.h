/* Strict reading of mkimage's command line: every long option of the popt tables (walked
 * through POPT_ARG_INCLUDE_TABLE, so sub-tables added later are covered) works with one or two
 * dashes, and a word that is no option of ours is refused by name before popt, which would
 * read an unknown "-word" as a cluster of short options.  A single-dash long option popt does
 * not take with one dash is handed to popt as --NAME, rather than by setting
 * POPT_ARGFLAG_ONEDASH on every entry: that flag also changes how --help prints the option,
 * and mkimage's --help stays as it is. */
#ifndef MKIMAGE_OPTION_SCAN_H
#define MKIMAGE_OPTION_SCAN_H

#include <popt.h>
#include <stdbool.h>
#include <stddef.h>

/* What mk_scan_argv found wrong. */
enum mk_scan_verdict {
	MK_SCAN_OK,
	MK_SCAN_USAGE,   /* unknown option, missing or glued argument: why says which */
	MK_SCAN_REFUSED, /* an option of the refused table: why is "-NAME: not supported: ..." */
};

/* Checks argv[1..argc-1] (up to "--") against table and the refused table: each -WORD or
 * --WORD[=VALUE] must be a long option of table; each -X a short one; -XYZ a cluster of
 * short options without arguments (as genisoimage and xorriso -as mkisofs both take -JR); a
 * short option with its argument glued on (-Vfoo) is refused, as xorriso does (genisoimage's
 * reading of -volidfoo as -v -o lidfoo shows why).  An option's argument is skipped whatever
 * it looks like, as popt takes it.  one_letter_refused_first: a one-letter option of the
 * refused table wins over a short option of table (genisoimage's -h is -hfs, not help). */
/* argv's words are replaced in place where popt needs --NAME for -NAME; the new strings live in
 * *pool (malloc'd, free it with free() after popt is done; NULL if none were needed). */
enum mk_scan_verdict mk_scan_argv(const struct poptOption *table, int argc, const char **argv,
				  bool one_letter_refused_first, char **pool, char *why,
				  size_t why_len);

#endif
