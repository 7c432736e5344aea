/* The policy of imginfo --check: which checks an image gets (MD5 tags, CRCs, the boot info
 * table, views that agree, UDF descriptors and metadata) and what each found, as a list the
 * caller prints or tests.  Nothing is printed here. */
#ifndef IMG_CHECK_H
#define IMG_CHECK_H

#include <stddef.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

enum img_check_status {
	IMG_CHECK_OK,        /* the check ran and the image passed it */
	IMG_CHECK_PROBLEM,   /* the check ran and found the detail wrong */
	IMG_CHECK_NA,        /* the image has nothing this check looks at (no GPT, no MD5 tag) */
};

/* One finding.  name is a static string ("session MD5", "views agree", ...; a name may appear
 * more than once, e.g. one "file MD5" problem per file); detail is owned by the result. */
struct img_check_item {
	const char *name;
	enum img_check_status status;
	char *detail;
};

/* Findings in the order the checks ran; problems counts the IMG_CHECK_PROBLEM items. */
struct img_check_result {
	struct img_check_item *items;
	size_t count, cap;
	size_t problems;
};

/* Runs every check on src and fills *out (zeroed first; free it with img_check_result_free,
 * also after an error).  Checks in order: volume descriptors; system area and GPT CRCs and
 * backup; El Torito catalog and each boot info table; the ISO 9660 and Joliet directory
 * hierarchies and the file tree of each view (iso, joliet, rr); zisofs-compressed Rock Ridge
 * files, taken at their stored size; session MD5 tag and file MD5s; each view against the
 * ISO 9660 one (same sizes and extents for every file both hold; files only one view holds
 * are counted on the "ok" line, not reported as problems); UDF
 * descriptors, revisions, metadata file and mirror, and the UDF view against ISO 9660.
 * Returns IMG_OK when the checks ran (whatever they found), the volume-descriptor error
 * (IMG_ECORRUPT, IMG_EIO, ...) in *err when the image has neither an ISO 9660 descriptor set
 * nor a UDF volume, or IMG_ENOMEM. */
int img_check_image(struct img_source *src, struct img_check_result *out, struct img_error *err);

void img_check_result_free(struct img_check_result *r);

/* "ok", "problem" or "n/a". */
const char *img_check_status_name(enum img_check_status s);

#endif
