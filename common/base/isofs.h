/* The one place that includes libisofs and libburn: their headers need <stdint.h> first, and
 * libisofs declares struct burn_source itself unless libburn's header came before it.
 * Only the .c files of common/ include this; program code never sees libisofs or libburn types. */
#ifndef IMG_ISOFS_H
#define IMG_ISOFS_H

#include <stdint.h>
#include <stdio.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#endif
