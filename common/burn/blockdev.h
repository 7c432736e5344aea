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

/* Drives appearing and vanishing, from the udev monitor. */
struct img_watch;

enum img_watch_action { IMG_WATCH_ADDED, IMG_WATCH_REMOVED, IMG_WATCH_CHANGED };

struct img_watch_event {
	enum img_watch_action action; /* CHANGED: media inserted or removed, loop attached... */
	bool optical;
	char devnode[256];
	char model[128];
};

/* Opens a udev monitor on block disks.  Errors: IMG_EUNSUPPORTED (no udev netlink). */
int img_watch_open(struct img_watch **out, struct img_error *err);
/* Descriptor to poll for readability. */
int img_watch_fd(const struct img_watch *w);
/* Takes one pending event: 1 and *ev filled, 0 when none (or not a disk). */
int img_watch_next(struct img_watch *w, struct img_watch_event *ev);
void img_watch_close(struct img_watch *w);

#endif
