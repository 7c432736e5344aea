/* UDF bridge: a UDF view (common/udf/udf.h) over the file data libisofs lays out for an image, so
 * that the ISO9660, Joliet and UDF trees all point at one copy of each file's data.  It is the
 * image's extension (common/build/image_ext.h): img_image_plan_udf or img_image_add_udf attach
 * it, and the image calls it while it is built, sized, started, read and freed. */
#ifndef IMG_UDF_BRIDGE_H
#define IMG_UDF_BRIDGE_H

#include <stdint.h>

#include "common/base/error.h"
#include "common/build/image.h"

/* Parses "1.02", "1.50", "2.01", "2.50" or "2.60" into an enum img_udf_revision value.
 * Returns IMG_OK or IMG_EINVAL. */
int img_udf_parse_revision(const char *text, unsigned *revision);

/* Adds a UDF view of revision (an enum img_udf_revision value) to img: after
 * img_image_add_tree and img_image_set_boot, before img_image_size / img_image_start.  The UDF
 * tree holds every entry of the image tree that is not hidden from both ISO9660 and Joliet,
 * with the names, modes, owners and times Rock Ridge records (-r and SOURCE_DATE_EPOCH apply
 * alike); device files (major and minor in a Device Specification extended attribute), FIFOs
 * and sockets are in it too.  On top of an imported image (img_image_import) the UDF tree is
 * libisofs's merged tree as Rock Ridge records it (old entries, added ones, removals), and
 * each imported file with data gets a sort weight of its own above the image tree's (old
 * block order), by which its data is placed.  Its label is the volume id.  libisofs's session then starts
 * after the UDF metadata, and img_image_read returns the whole bridge image, with libisofs's
 * MD5 tags (--md5) valid in it.  Errors (on the image's error, naming the path): IMG_EINVAL
 * (a name that is not UTF-8, no tree yet, called twice, the image has another extension),
 * IMG_ECOLLISION, IMG_ETOOBIG, IMG_EUNSUPPORTED (-partition_offset over 224), IMG_ENOMEM.
 * Where each file's data lies is learnt from libisofs's directory records as img_image_read
 * passes them, before any file data; that read fails with IMG_EISOFS if libisofs laid the
 * data out otherwise than the bridge can prove from them. */
int img_image_add_udf(struct img_image *img, unsigned revision);

struct img_boot_config;
/* Optional, before img_image_add_tree: says that img_image_add_udf will follow, with revision
 * and after img_image_set_boot(boot) (boot NULL or inactive: none).  img_image_add_tree then
 * builds the UDF tree on its own thread while libisofs's tree is built on another, and
 * img_image_add_udf only finishes it; if revision or the boot setup turn out otherwise, it
 * builds the tree again, as without a plan.  Errors (on the image's error): IMG_EINVAL (after
 * img_image_add_tree, or twice), IMG_ENOMEM. */
int img_image_plan_udf(struct img_image *img, unsigned revision,
		       const struct img_boot_config *boot);

#endif
