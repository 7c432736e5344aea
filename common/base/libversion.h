/* The libisofs and libburn versions this code was made and tested for, and the checks that the
 * libraries loaded at run time are those (the build checks the installed ones: Makefile). */
#ifndef IMG_LIBVERSION_H
#define IMG_LIBVERSION_H

#include <stdbool.h>

#include "common/base/error.h"

/* libisofs and libburn 1.5.4, Debian 12's: see common/base/isofs_libversion.c for what depends
 * on it. */
enum { IMG_LIBS_MAJOR = 1, IMG_LIBS_MINOR = 5, IMG_LIBS_MICRO = 4 };

struct img_version {
	int major, minor, micro;
};

/* Compares the version of library name found at run time with the one the code was made
 * for.  IMG_OK when they are equal.  Else IMG_EUNSUPPORTED with err saying "NAME X.Y.Z is
 * installed; this build was made and tested for A.B.C", and *compatible telling whether the
 * library promises the API of want (same major, and not older): a build made with
 * ALLOW_UNTESTED_LIBS=1 may go on then, with a warning. */
int img_lib_version_check(const char *name, struct img_version have, struct img_version want,
			  bool *compatible, struct img_error *err);

/* The check for libisofs as loaded (iso_lib_version, iso_lib_is_compatible), for the programs
 * that use it (mkimage, imginfo).  Returns as img_lib_version_check.  In
 * common/base/isofs_libversion.c, which lists what the code relies on in libisofs 1.5.4. */
int img_libisofs_check(bool *compatible, struct img_error *err);

/* The same for libburn (burn_version), for imgburn.  In common/burn/burn_libversion.c, so that
 * a program checking libisofs alone does not load libburn. */
int img_libburn_check(bool *compatible, struct img_error *err);

#endif
