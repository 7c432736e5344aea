/* mkimage's boot options (El Torito, system area, partitions): a popt sub-table whose callback
 * fills a struct img_boot_config in command-line order. */
#ifndef MKIMAGE_BOOT_OPTIONS_H
#define MKIMAGE_BOOT_OPTIONS_H

#include <popt.h>

#include "common/build/boot.h"

/* Include with POPT_ARG_INCLUDE_TABLE in mkimage's option table. */
extern struct poptOption mkimage_boot_options[];

/* Where the callback puts what it parses; call before poptGetContext. */
void mkimage_boot_options_bind(struct img_boot_config *cfg);

/* After parsing: reports the first problem the callback met (as a usage error), then applies
 * --boot-preset.  Returns 0, or IMG_EXIT_USAGE after printing the message. */
int mkimage_boot_options_finish(void);

/* --modification-date=YYYYMMDDhhmmsscc, or NULL: the volume dates xorriso would write. */
const char *mkimage_boot_modification_date(void);

#endif
