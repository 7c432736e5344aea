/* Safe extraction of a file or subtree of an image view into a destination directory. */
#ifndef IMG_EXTRACT_H
#define IMG_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"
#include "common/inspect/filetree.h"

#define IMG_EXTRACT_MAX_DEPTH 512

struct img_extract_stats {
	uint64_t files, dirs, symlinks, skipped, bytes;
};

/* Extracts node (and, for a directory, everything below it) into dest, which is created if it
 * does not exist.  The node itself lands as dest/NAME; the root of a view is extracted as the
 * contents of dest.  Every entry is created relative to an open descriptor of its parent with
 * O_NOFOLLOW, so nothing is written outside dest whatever the image holds: names that are
 * empty, "." or "..", or contain '/', are refused (IMG_ECORRUPT), and symlinks already in dest
 * or made by the extraction are never followed.  Existing entries are replaced only with force
 * (IMG_EEXIST otherwise; existing directories are merged into).  Modes, modification and
 * access times and symlink targets are kept; set-user/group-ID bits are dropped because
 * ownership is not restored.  Special files are skipped and counted.  File data comes from the
 * node's extents; IMG_ECORRUPT if they do not hold its size. */
int img_extract(struct img_source *src, const struct img_fnode *node, const char *dest,
		bool force, struct img_extract_stats *stats, struct img_error *err);

/* True if name can be created as one entry of a directory. */
bool img_extract_name_ok(const char *name);

#endif
