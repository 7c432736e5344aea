/* xorriso's -alter_date and -alter_date_r: the dates of nodes already in libisofs's tree
 * (files put in from disk and those read from an old image alike). */
#ifndef IMG_ALTER_DATE_H
#define IMG_ALTER_DATE_H

#include <stdbool.h>
#include <time.h>

#include "common/build/image.h"

/* Which dates a change sets, as xorriso(1) names its TYPEs: "a" ATIME|CTIME_NOW, "m"
 * MTIME|CTIME_NOW, "b" ATIME|MTIME|CTIME_NOW, "a-c" ATIME, "m-c" MTIME, "b-c" ATIME|MTIME,
 * "c" CTIME. */
enum {
	IMG_DATE_ATIME = 1,
	IMG_DATE_MTIME = 2,
	IMG_DATE_CTIME = 4,     /* ctime := the given time */
	IMG_DATE_CTIME_NOW = 8, /* ctime := now ("updates ctime", as a change on disk would) */
};

struct img_date_change {
	const char *path; /* absolute image path */
	unsigned which;   /* IMG_DATE_* */
	time_t time;
	bool recursive;   /* -alter_date_r: everything below path too */
};

/* Parses xorriso's TYPE ("a", "m", "b", "a-c", "m-c", "b-c", "c") into IMG_DATE_* bits.
 * Returns 0, or -1 for an unknown TYPE. */
int img_date_change_type(const char *type, unsigned *which);

/* Sets the dates c asks for on c->path of img's tree (and with recursive, on every node below
 * it; the boot catalog, which libisofs dates at writing, is left alone), now being the time
 * "now" means (the caller's clock, or SOURCE_DATE_EPOCH as xorriso's -iso_nowtime).  Call it
 * once every node is in (after img_image_add_tree and what adds nodes after it), before the
 * image is laid out.  Errors on img (img_image_error): IMG_ENOENT (no such path in the
 * image), IMG_EISOFS. */
int img_image_alter_dates(struct img_image *img, const struct img_date_change *c, time_t now);

#endif
