/* imginfo --diff A B: what differs between two images, printed as text or JSON. */
#ifndef IMGINFO_DIFF_H
#define IMGINFO_DIFF_H

#include "imginfo/options.h"

/* Opens o->image and o->image2, compares them and prints the differences.  Returns 0 when the
 * images are identical, 1 when they differ, 2 when one cannot be opened or read. */
int imginfo_diff(const struct imginfo_opts *o);

#endif
