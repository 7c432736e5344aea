/* Boot replay: the boot configuration that gives a new image the El Torito entries, boot info
 * tables, system area and appended partitions of an old one (xorriso's
 * "-boot_image any replay"), updated for the new addresses by libisofs when it writes. */
#ifndef IMG_BOOT_REPLAY_H
#define IMG_BOOT_REPLAY_H

#include "common/base/error.h"
#include "common/build/boot.h"
#include "common/inspect/source.h"

/* Reads the boot setup of the old image open as src and fills cfg (initialised by the caller
 * with img_boot_config_init; freed with img_boot_config_free, also after an error) so that
 * img_image_set_boot reproduces it in an image whose tree holds the old tree's files:
 * - each El Torito entry (platform, emulation, load segment and size, bootable flag, id string,
 *   selection criteria, boot info table, GRUB2 boot info, isohybrid GPT/APM marks), pointing
 *   at the file of the old tree that starts at the entry's block, or at the appended
 *   partition it lies in (an EFI image in partition 2: memtest86+, lorax);
 * - the catalog's path (hidden when no file of the tree is the catalog);
 * - the system area: ISOLINUX isohybrid MBR, GRUB2 MBR, or other bytes, copied from the old
 *   image's first 32 KiB with its partition tables zeroed (libisofs writes new ones), the
 *   protective label, active flag, type of the ISO's MBR partition, cylinder alignment,
 *   partition offset, the EFI system partition of the GPT, appended partitions (copied from
 *   the old image's byte range) with their MBR and GPT types.
 * A source with a session selected (img_source_select_session) replays that session: its
 * system area is copied from its own head.
 * old_path names the old image for these byte ranges (libisofs reads them when it writes);
 * "stdio:" before it is dropped.  NULL (a pipe) is refused when a byte range is needed.
 * Errors: IMG_EUNSUPPORTED with a sentence saying what cannot be replayed (a boot image that is
 * no file and lies in no appended partition, an HFS+ file system, a PReP/CHRP partition, a
 * GPT or APM that libisofs would not make again, ...); the parsers' IMG_ECORRUPT with the byte
 * offset; IMG_EIO; IMG_ENOMEM. */
int img_boot_replay(struct img_source *src, const char *old_path, struct img_boot_config *cfg,
		    struct img_error *err);

#endif
