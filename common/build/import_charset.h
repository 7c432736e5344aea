/* Imported names in the charset of the names on disk: libisofs keeps every name of a tree in
 * one charset (its "local" one, which -input-charset sets) and converts from it to Joliet's
 * UTF-16 and the Rock Ridge output charset; the names of an old image are UTF-8. */
#ifndef IMG_IMPORT_CHARSET_H
#define IMG_IMPORT_CHARSET_H

#include "common/build/image_ext.h"

/* Converts the names (and symlink targets) of every node below root from UTF-8 to charset
 * (iconv's name).  A name that is not valid UTF-8 is left as it is: its bytes are taken to be
 * in charset already (an old image written from such names).  Errors (on the image's error,
 * naming the old image old_name and the path): IMG_EINVAL (a name or link target that charset
 * cannot hold, or charset unknown to iconv), IMG_EISOFS (libisofs refused the converted name:
 * two names that become one), IMG_ENOMEM. */
int img_import_names_to_charset(struct img_image *img, IsoDir *root, const char *charset,
				const char *old_name);

/* Whether charset names UTF-8 (then nothing needs converting). */
bool img_charset_is_utf8(const char *charset);

#endif
