/* imginfo --sessions, and --session N for the other views. */
#ifndef IMGINFO_SESSIONS_H
#define IMGINFO_SESSIONS_H

#include "common/inspect/source.h"
#include "imginfo/options.h"

/* Prints the sessions of the image (text or JSON); returns the exit code. */
int imginfo_sessions(struct img_source *src, const struct imginfo_opts *o);

/* With --session N: makes src read as session N.  Returns -1 to go on, else the exit code
 * after saying what is wrong. */
int imginfo_select_session(struct img_source *src, const struct imginfo_opts *o);

#endif
