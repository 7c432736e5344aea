/* zisofs: files stored compressed with a Rock Ridge ZF entry, which Linux's isofs decompresses
 * when reading (libisofs's zisofs filter and its recognition of mkzftree's output). */
#ifndef IMG_ZISOFS_H
#define IMG_ZISOFS_H

#include <stdbool.h>

#include "common/base/error.h"
#include "common/base/isofs.h"
#include "common/build/image.h"

/* Whether o asks for anything zisofs. */
bool img_zisofs_wanted(const struct img_image_opts *o);

/* Checks that libisofs can compress (it was built with zlib).  Errors: IMG_EUNSUPPORTED. */
int img_zisofs_available(struct img_error *err);

/* Applies o's zisofs choices to the file node f of the image path ipath (name is its last
 * component, disk its disk path): with zisofs_magic a file that already is zisofs (mkzftree's
 * output, by its header, which this reads) is marked for a ZF entry; else, when zisofs_all or
 * one of zisofs_only matches name, ipath or disk, libisofs's compression filter is put on it,
 * unless compression saves no 2048-byte block (the whole file is read and compressed here to
 * know).  *compressed tells whether a filter was put on (the file's size in the image changed).
 * Errors: IMG_EIO (the file could not be read), IMG_EISOFS; the detail names disk. */
int img_zisofs_apply(IsoFile *f, const struct img_image_opts *o, const char *name,
		     const char *ipath, const char *disk, bool *compressed, struct img_error *err);

#endif
