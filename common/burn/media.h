/* What an image for the medium in a drive should be: its file systems and its room, as IMAPI2's
 * IFileSystemImage::ChooseImageDefaults(recorder) decides them (mkimage --media=DEV). */
#ifndef IMG_MEDIA_H
#define IMG_MEDIA_H

#include <stdint.h>

#include "common/base/error.h"
#include "common/burn/drive.h"

enum img_media_kind { IMG_MEDIA_KIND_CD, IMG_MEDIA_KIND_DVD, IMG_MEDIA_KIND_BD,
		      IMG_MEDIA_KIND_OTHER /* a stdio: file or block device, e.g. a USB stick */ };

struct img_media_defaults {
	char address[1024];
	char profile[80];          /* the medium as the drive names it: "DVD+R", "BD-RE" */
	enum img_media_kind kind;
	int64_t free_blocks;       /* 2048-byte blocks an image may take */
	unsigned udf_revision;     /* enum img_udf_revision: 0 for CD and stdio: targets (ISO 9660
				    * and Joliet), 1.02 for DVD, 2.50 for BD (IMAPI2's choices) */
};

/* Looks at the medium in the drive at address (as img_drive_open takes it; libburn must be
 * started, img_burn_init) and fills *out.  A first session only: errors IMG_EDRIVE (no drive,
 * no medium, a closed disc, media libburn cannot write), IMG_EUNSUPPORTED (an appendable disc:
 * its next session needs multisession), IMG_ENOMEM. */
int img_media_defaults(const char *address, struct img_media_defaults *out,
		       struct img_error *err);

#endif
