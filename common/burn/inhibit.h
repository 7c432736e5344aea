/* Keeps the machine awake during a burn: a logind inhibitor lock taken over D-Bus (sd-bus). */
#ifndef IMG_INHIBIT_H
#define IMG_INHIBIT_H

#include "common/base/error.h"

struct img_inhibit;

/* Asks logind for a "block" lock on sleep, shutdown and idle, naming who and why.  *out is
 * NULL when no lock was taken.  Errors: IMG_EUNSUPPORTED (no system bus or no logind: the
 * caller goes on and says so), IMG_EDRIVE is never returned; IMG_ENOMEM. */
int img_inhibit_take(const char *who, const char *why, struct img_inhibit **out,
		     struct img_error *err);

/* Releases the lock (closing the fd logind gave us).  Safe on NULL. */
void img_inhibit_release(struct img_inhibit *in);

#endif
