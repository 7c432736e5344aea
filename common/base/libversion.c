/* The comparison of a library version loaded at run time with the one the code relies on.
 * (Each library's own check is in a file of its own, so that a program loads only its own:
 * isofs_libversion.c, common/burn/burn_libversion.c.) */
#include "common/base/libversion.h"

#include "common/base/error.h"

int img_lib_version_check(const char *name, struct img_version have, struct img_version want,
			  bool *compatible, struct img_error *err)
{
	bool same = have.major == want.major && have.minor == want.minor &&
		    have.micro == want.micro;
	/* libisofs and libburn keep the API within a major version and add to it with each
	 * minor or micro one (their iso_lib_is_compatible and burn_version comments). */
	*compatible = have.major == want.major &&
		      (have.minor > want.minor ||
		       (have.minor == want.minor && have.micro >= want.micro));
	if (same)
		return IMG_OK;
	return img_error_set(err, IMG_EUNSUPPORTED, "%s %d.%d.%d is installed; this build was made "
			     "and tested for %d.%d.%d%s", name, have.major, have.minor, have.micro,
			     want.major, want.minor, want.micro,
			     *compatible ? " (its API is compatible, its behaviour may differ)" :
			     " (its API is not compatible)");
}
