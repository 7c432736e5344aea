/* Facts about a block device before imgburn overwrites it: size, model, removable, mounted. */
#ifndef IMG_BLOCKDEV_H
#define IMG_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"

struct img_blockdev_info {
	int64_t size;          /* bytes */
	char model[128];       /* vendor and model as udev/sysfs give them, or "" */
	bool removable;        /* sysfs "removable" of the whole disk, or a USB/MMC bus */
	bool optical;          /* a CD/DVD/BD drive (udev ID_CDROM, or SCSI major 11) */
	char mounted[1024];    /* a mount point of the device or one of its partitions, or "" */
};

/* Describes the block device at path.  Returns IMG_OK and fills *out; IMG_EINVAL (detail says
 * so) when path is not a block device; IMG_ENOENT when it does not exist. */
int img_blockdev_probe(const char *path, struct img_blockdev_info *out, struct img_error *err);

/* What udev (or sysfs) says of a block device: whether it is a CD/DVD/BD drive (udev's ID_CDROM,
 * or SCSI major 11 where no udevd runs), and "VENDOR MODEL" without the padding. */
struct udev_device;
bool img_udev_is_optical(struct udev_device *dev);
void img_udev_model(struct udev_device *disk, char *out, size_t n);

#endif
