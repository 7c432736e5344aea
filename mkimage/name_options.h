/* mkimage's ISO 9660 name and file-attribute options (-l -N -d -U -iso-level -uid
 * -file-mode ...): a popt sub-table whose callback fills a struct img_image_opts. */
#ifndef MKIMAGE_NAME_OPTIONS_H
#define MKIMAGE_NAME_OPTIONS_H

#include <popt.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/build/image.h"

/* Include with POPT_ARG_INCLUDE_TABLE in mkimage's option table. */
extern struct poptOption mkimage_name_options[];

/* Where the callback puts what it parses: the image options, already holding the defaults
 * (of the role), which options only change.  Call before poptGetContext. */
void mkimage_name_options_bind(struct img_image_opts *image);

/* After parsing: reports the first problem the callback met (as a usage error) and applies
 * what depends on the whole line (-l raises the level to 2 wherever it stands, as in
 * xorriso).  Returns 0, or IMG_EXIT_USAGE after printing the message. */
int mkimage_name_options_finish(void);

/* Permission bits of a -dir-mode/-file-mode/-new-dir-mode argument: octal, 0 to 07777, as
 * mkisofs takes them.  Returns false for anything else. */
bool mkimage_parse_mode(const char *arg, mode_t *out);

/* A -uid/-gid argument: a decimal id below 2^32-1, or (for want_group false/true) a user or
 * group name of this system.  Returns false when it is neither. */
bool mkimage_parse_id(const char *arg, bool want_group, unsigned long *out);

#endif
