/* Options of genisoimage and xorriso -as mkisofs that take several arguments, joined into one
 * for popt (which gives an option one argument). */
#ifndef MKIMAGE_ARGV_JOIN_H
#define MKIMAGE_ARGV_JOIN_H

#include <stddef.h>

/* Separates the arguments of a joined option: a byte no path or GUID holds. */
#define MK_ARGV_JOIN_SEP '\x1f'

/* A multi-argument option: its name without dashes (it matches -NAME and --NAME), how many
 * arguments follow it, and what they are (for the message when some are missing). */
struct mk_join_option {
	const char *name;
	int nargs;
	const char *args;
};

/* The table, ending with a NULL name. */
extern const struct mk_join_option mk_join_options[];

/* Returns the table's entry for argument a (-NAME or --NAME), or NULL. */
const struct mk_join_option *mk_join_find(const char *a);

/* Copies argv (up to "--", after which nothing is an option) into *out, one malloc'd block to
 * free with free(), where each multi-argument option of the table is followed by one argument:
 * its arguments joined with MK_ARGV_JOIN_SEP.  Returns 0; or -1 with a message in why (no
 * arguments enough: "-NAME needs N arguments: ...", or out of memory), *out NULL. */
int mk_argv_join(int argc, const char **argv, const char ***out, int *new_argc, char *why,
		 size_t why_len);

#endif
