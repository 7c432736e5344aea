/* What imginfo reports: the summary, the listing, extraction and --check, each as a json-c
 * object (the --json schema in imginfo.1) that is printed as JSON or as text. */
#ifndef IMGINFO_REPORT_H
#define IMGINFO_REPORT_H

#include "common/inspect/source.h"
#include "imginfo/options.h"

/* Each returns the exit code (0, 1 or 2) after printing to stdout and messages to stderr. */
int imginfo_summary(struct img_source *src, const struct imginfo_opts *o);
int imginfo_list(struct img_source *src, const struct imginfo_opts *o);
int imginfo_extract(struct img_source *src, const struct imginfo_opts *o);
int imginfo_check(struct img_source *src, const struct imginfo_opts *o);

#endif
