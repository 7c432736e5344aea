/* Safe extraction of a file or subtree of an image view into a destination directory. */
#ifndef IMG_EXTRACT_H
#define IMG_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"
#include "common/inspect/filetree.h"

#define IMG_EXTRACT_MAX_DEPTH 512 /* directory levels below the destination */

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

/* True if name can be created as one entry of a directory: not empty, ".", ".." and without
 * a '/'. */
bool img_extract_name_ok(const char *name);

/* Longest path, relative to the destination, that extraction creates (with its NUL). */
#define IMG_EXTRACT_PATH_MAX 4096

/* One entry of an extraction, as img_extract_walk hands it over. */
struct img_extract_entry {
	const struct img_fnode *node;
	const char *rel;    /* where it goes: its path relative to the destination, the names
			     * from the extraction's top down joined with '/' */
	int depth;          /* components of rel: 1 for an entry directly in the destination */
	bool leave;         /* a directory's second call, after everything below it */
};

/* Where an extraction of node puts each entry, without touching any file: img_extract's own
 * plan.  Calls visit for node (or, for a view's root, for each of its children) and everything
 * below, depth first, parents before children, and once more for each directory with leave
 * set after its contents.  Each entry's name is checked with img_extract_name_ok, its depth
 * against IMG_EXTRACT_MAX_DEPTH and its path against IMG_EXTRACT_PATH_MAX before visit sees
 * it: IMG_ECORRUPT (an unsafe name or depth) or IMG_ETOOBIG (a path too long), the detail naming
 * the entry by its path in the image.  Stops and returns visit's value when it is not IMG_OK;
 * IMG_ENOMEM. */
int img_extract_walk(const struct img_fnode *node,
		     int (*visit)(const struct img_extract_entry *e, void *arg), void *arg,
		     struct img_error *err);

#endif
