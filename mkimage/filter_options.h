/* mkimage's jigdo and zisofs options: a popt sub-table (mkimage/filter_options.c). */
#ifndef MKIMAGE_FILTER_OPTIONS_H
#define MKIMAGE_FILTER_OPTIONS_H

#include <popt.h>
#include <stdbool.h>

#include "common/build/jigdo.h"

/* Include with POPT_ARG_INCLUDE_TABLE in mkimage's option table. */
extern struct poptOption mkimage_filter_options[];

struct mk_opts;

/* After parsing: checks the values and how they go together with the rest of o, puts the
 * zisofs choices into o->image and the jigdo settings into o->jigdo.  Returns 0, or
 * IMG_EXIT_USAGE after printing the message. */
int mkimage_filter_options_finish(struct mk_opts *o);

/* Frees what the table's callback gathered. */
void mkimage_filter_options_free(void);

#endif
