/* Applying a boot configuration to a libisofs image (library-internal: uses libisofs types). */
#ifndef IMG_BOOT_APPLY_H
#define IMG_BOOT_APPLY_H

#include <stdbool.h>

#include "common/boot.h"
#include "common/isofs.h"

/* Adds the El Torito catalog and entries of cfg to image and sets the system area, partition
 * table and appended partitions in opts.  The boot images must already be in the tree.
 * reproducible: derive the GPT disk GUID from the volume time (set by the caller with
 * iso_write_opts_set_pvd_times and a vol_uuid) instead of the random default.
 * Errors (with the image path or option in err): IMG_ENOENT boot image not in the tree,
 * IMG_EINVAL wrong size for floppy emulation, info table on an image under 64 bytes, EFI image
 * that is not a FAT file system, IMG_EIO reading a file, IMG_EISOFS anything libisofs refuses. */
int img_boot_apply(const struct img_boot_config *cfg, IsoImage *image, IsoWriteOpts *opts,
		   bool reproducible, struct img_error *err);

#endif
