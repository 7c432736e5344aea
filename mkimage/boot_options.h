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

/* --sort-weight WEIGHT PATH, --sort-weight-list FILE and --sort-weight-patterns FILE, in
 * command-line order: the program applies them to the tree once it is built. */
enum mkimage_sort_weight_kind {
	MKIMAGE_SORT_WEIGHT_ONE,      /* arg is an image path, weight its weight */
	MKIMAGE_SORT_WEIGHT_LIST,     /* arg is a file of "WEIGHT PATH" lines */
	MKIMAGE_SORT_WEIGHT_PATTERNS, /* the same, PATH being a pattern */
};
struct mkimage_sort_weight {
	enum mkimage_sort_weight_kind kind;
	int weight;
	char *arg;
};
const struct mkimage_sort_weight *mkimage_boot_sort_weights(size_t *n);
/* Frees what the sort weights and the -hide-hfsplus lists hold (mk_options_free). */
void mkimage_boot_lists_free(void);

/* -hide-hfsplus GLOBs and -hide-hfsplus-list FILEs, NULL-terminated (or NULL), in order. */
const char *const *mkimage_boot_hide_hfsplus(size_t *n);
const char *const *mkimage_boot_hide_hfsplus_lists(size_t *n);

/* --modification-date=YYYYMMDDhhmmsscc, or NULL: the volume dates xorriso would write. */
const char *mkimage_boot_modification_date(void);

#endif
