/* Rock Ridge PX serial numbers ("inode numbers", RRIP 1.12 4.1.1) that depend on the image's
 * content alone: each node of libisofs's tree gets its number from us, in path order. */
#ifndef IMG_ISOFS_INO_H
#define IMG_ISOFS_INO_H

#include <stdbool.h>

#include "common/base/error.h"
#include "common/base/isofs.h"

/* Gives every node of iso's tree (the root, directories, files, symlinks, special files and
 * the El Torito catalog node, hidden ones too) an explicit image inode number, replacing any
 * it had: 1 for the root, then in the tree's own path order (a directory's children in
 * libisofs's name order, depth first), where the files libisofs takes for one hard-link family
 * (iso_node_cmp_ino() == 0: same stream identity and same properties) share the number of the
 * first of them.  libisofs 1.5.4 writes these numbers as the PX serials (isofs_ino.c says why
 * and how).  Call it after the last change to the tree and before each
 * iso_image_create_burn_source.
 * Errors: IMG_ENOMEM; IMG_EISOFS when libisofs's way to attach the numbers could not be found
 * (isofs_ino.c) or the tree has more than 2^32 - 1 entries; a detail goes to err.
 * keep_families: the numbers the nodes have now (those libisofs gave the nodes it imported
 * from an old image: its PX serials) decide the families, not stream identity alone, so that
 * the old image's hard links stay hard links; nodes without a number are families by stream
 * identity, as without it. */
int img_isofs_number_nodes(IsoImage *iso, bool keep_families, struct img_error *err);

/* Gives node the explicit image inode number ino (replacing any), so that
 * img_isofs_number_nodes with keep_families takes the nodes of one number for one hard-link
 * family when their properties agree.  The number itself is not written (number_nodes gives
 * the final ones).  Returns false when libisofs's way to attach it was not found or memory ran
 * out. */
bool img_isofs_set_ino(IsoNode *node, ino_t ino);

#endif
