/* File attributes given on the command line (mkisofs -dir-mode, -file-mode, -uid, -gid):
 * parsing their values. */
#ifndef IMG_FILE_ATTR_H
#define IMG_FILE_ATTR_H

#include <sys/types.h>

#include "common/base/error.h"

/* Permission bits written in octal as chmod(1) and mkisofs take them ("0644", "755",
 * "04755"): 1 to 5 octal digits, at most 07777.  Returns IMG_OK with *out set, or IMG_EINVAL
 * (empty, a sign, spaces, another character, or too large). */
int img_file_mode_parse(const char *s, mode_t *out);

/* A numeric user or group id in decimal, 0 to 4294967294 ((uid_t)-1 means "no change" to
 * chown(2) and cannot be recorded).  Returns IMG_OK with *out set, or IMG_EINVAL. */
int img_file_id_parse(const char *s, unsigned long *out);

#endif
