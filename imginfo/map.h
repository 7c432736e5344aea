/* imginfo --map: where everything lies in an image, drawn. */
#ifndef IMGINFO_MAP_H
#define IMGINFO_MAP_H

#include "common/inspect/source.h"
#include "imginfo/options.h"

/* Prints the map of src on stdout (text, or JSON with --json) and writes the SVG when
 * o->map_svg is set.  Returns the exit code: 0, 1 (the map or the SVG could not be made),
 * 2 (an empty image). */
int imginfo_map(struct img_source *src, const struct imginfo_opts *o);

#endif
