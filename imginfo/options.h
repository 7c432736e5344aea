/* Command line of imginfo. */
#ifndef IMGINFO_OPTIONS_H
#define IMGINFO_OPTIONS_H

#include <stdbool.h>

enum imginfo_mode { MODE_SUMMARY, MODE_LIST, MODE_EXTRACT, MODE_CHECK, MODE_MAP, MODE_DIFF,
		   MODE_SESSIONS };

struct imginfo_opts {
	enum imginfo_mode mode;
	const char *image;
	const char *view;     /* NULL: the richest view present */
	const char *find;     /* pattern for --find, or NULL */
	const char *extract;  /* path in the image for --extract */
	const char *dest;     /* --to, default "." */
	bool force, json;
	const char *map_svg;  /* --map=FILE.svg, or NULL */
	const char *image2;   /* --diff: the image compared with image */
	bool content;         /* --diff --content: read every file's data */
	int session;          /* --session N (1-based), 0: the newest (the image as it reads) */
};

/* Parses argv.  Returns -1 when --help or --version was printed (exit 0), 0 to go on, or
 * IMG_EXIT_USAGE after printing a usage error. */
int imginfo_options(int argc, const char **argv, struct imginfo_opts *o);

#endif
