/* The libburn version check (see common/base/libversion.h). */
#include "common/base/isofs.h"
#include "common/base/libversion.h"

/* libburn 1.5.4 is what the drive code was tested with: how it pads tracks and paces its fifo
 * (common/burn/drive.c turns both off or around) was seen with that version. */
int img_libburn_check(bool *compatible, struct img_error *err)
{
	struct img_version have;
	burn_version(&have.major, &have.minor, &have.micro);
	struct img_version want = {IMG_LIBS_MAJOR, IMG_LIBS_MINOR, IMG_LIBS_MICRO};
	return img_lib_version_check("libburn", have, want, compatible, err);
}
