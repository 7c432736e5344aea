/* The libisofs version check (see common/base/libversion.h). */
#include "common/base/isofs.h"
#include "common/base/libversion.h"

/* The code relies on libisofs 1.5.4 behaving as it does, beyond its API, in these places
 * (each marked "1.5.4" in a comment there):
 * - common/build/image.c: an image whose layout would change after libisofs computed it is
 *   refused first, as 1.5.4 then writes a damaged image ("image end address mismatch");
 * - common/build/image.c and common/udf/udf_bridge.c: 1.5.4 puts one block of zeros at the
 *   start of the data area, the extent of every empty file and symlink, and the UDF view
 *   points its empty files there too;
 * - common/build/stream.c: 1.5.4 calls a stream class's cmp_ino without a NULL check;
 * - common/build/isofs_ino.c: 1.5.4 writes a node's explicit image inode number (an xinfo of
 *   its internal iso_px_ino_xinfo_func, whose address we learn from a node it imports) as
 *   the Rock Ridge PX serial, and otherwise numbers directories and symlinks in the order of
 *   their node addresses (match_hardlinks in ecma119_tree.c);
 * - common/inspect/iso_read.c: 1.5.4 crashes in iso_image_get_bootcat() after loading a
 *   damaged catalog, so the catalog is checked by our own parser first;
 * - common/udf/udf_md5.c and common/udf/udf_bridge.c: where 1.5.4 writes the checksum tags
 *   (three in its stream) and the system area (twice: in the overwrite buffer and in the
 *   stream), which the UDF bridge patches and hashes in step with it.
 * None of this is promised by libisofs's API, so another version is refused, at build time by
 * the Makefile and at run time by the programs, unless the build was made with
 * ALLOW_UNTESTED_LIBS=1 (then an API-compatible version only gets a warning). */
int img_libisofs_check(bool *compatible, struct img_error *err)
{
	struct img_version have;
	iso_lib_version(&have.major, &have.minor, &have.micro);
	struct img_version want = {IMG_LIBS_MAJOR, IMG_LIBS_MINOR, IMG_LIBS_MICRO};
	int rc = img_lib_version_check("libisofs", have, want, compatible, err);
	/* libisofs's own word on the API, in case its version numbers say more than it does */
	if (!iso_lib_is_compatible(want.major, want.minor, want.micro))
		*compatible = false;
	return rc;
}
