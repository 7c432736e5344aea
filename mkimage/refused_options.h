/* Options of genisoimage and xorriso -as mkisofs that mkimage does not implement, refused by
 * name with the reason, so that no script gets an image other than the one it asked for. */
#ifndef MKIMAGE_REFUSED_OPTIONS_H
#define MKIMAGE_REFUSED_OPTIONS_H

struct mk_refused_option {
	const char *name;   /* without dashes: matches -NAME and --NAME (one letter: -N only) */
	int nargs;          /* arguments it takes in the originals */
	const char *reason; /* what a user reads after "not supported: " */
};

/* The table, ending with a NULL name. */
extern const struct mk_refused_option mk_refused_options[];

/* The entry for name (without dashes), or NULL. */
const struct mk_refused_option *mk_refused_find(const char *name);

#endif
