/* Drives and media coming and going: a udev monitor on block disks, and each optical drive's
 * tray asked (CDROM_DRIVE_STATUS) for the media events that udev gives only when something
 * polls the drives. */
#include "common/burn/watch.h"

#include <fcntl.h>
#include <limits.h> /* (linux/cdrom.h: CDSL_CURRENT is INT_MAX) */
#include <linux/cdrom.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libudev.h>

#include "common/base/grow.h"
#include "common/burn/blockdev.h"

struct drive {
	char devnode[256];
	char model[128];
	bool loaded;
};

struct img_watch {
	struct udev *udev;
	struct udev_monitor *mon;
	struct drive *drives;       /* the optical drives seen, and whether they held a medium */
	size_t n, cap;
};

const char *img_watch_action_name(enum img_watch_action a)
{
	static const char *const names[] = {"appeared", "vanished", "changed", "media-in",
					    "media-out"};
	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "changed";
}

/* Whether the drive at devnode holds a medium: 1 yes, 0 no (empty, tray open), -1 the drive
 * does not say now (busy writing, "becoming ready", cannot be opened): then nothing changed as
 * far as we know.  O_NONBLOCK: an empty drive opens, and no tray is closed by opening it; not
 * O_EXCL, which would make a burn starting meanwhile find the drive busy. */
static int media_loaded(const char *devnode)
{
	int fd = open(devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int st = ioctl(fd, CDROM_DRIVE_STATUS, CDSL_CURRENT);
	close(fd);
	return st == CDS_DISC_OK ? 1 : st == CDS_NO_DISC || st == CDS_TRAY_OPEN ? 0 : -1;
}

/* Notes the drive's medium as now seen; true when that is news. */
static bool media_news(struct drive *d)
{
	int now = media_loaded(d->devnode);
	if (now < 0 || (now == 1) == d->loaded)
		return false;
	d->loaded = now == 1;
	return true;
}

static struct drive *find(struct img_watch *w, const char *devnode)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->drives[i].devnode, devnode) == 0)
			return &w->drives[i];
	return NULL;
}

static struct drive *track(struct img_watch *w, const char *devnode, const char *model)
{
	struct drive *d = find(w, devnode);
	if (d != NULL)
		return d;
	if (img_grow((void **)&w->drives, &w->cap, w->n, sizeof(*w->drives), 4) != IMG_OK)
		return NULL;
	d = &w->drives[w->n++];
	snprintf(d->devnode, sizeof(d->devnode), "%s", devnode);
	snprintf(d->model, sizeof(d->model), "%s", model);
	d->loaded = media_loaded(devnode) == 1;
	return d;
}

static void untrack(struct img_watch *w, const char *devnode)
{
	struct drive *d = find(w, devnode);
	if (d != NULL)
		*d = w->drives[--w->n];
}

/* The optical drives there are now, with their media. */
static int track_present(struct img_watch *w, struct img_error *err)
{
	struct udev_enumerate *en = udev_enumerate_new(w->udev);
	if (en == NULL || udev_enumerate_add_match_subsystem(en, "block") < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		udev_enumerate_unref(en);
		return img_error_set(err, IMG_EUNSUPPORTED, "cannot list block devices");
	}
	int rc = IMG_OK;
	struct udev_list_entry *e;
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct udev_device *dev =
			udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(e));
		if (dev == NULL)
			continue;
		const char *node = udev_device_get_devnode(dev);
		if (node && img_udev_is_optical(dev)) {
			char model[128];
			img_udev_model(dev, model, sizeof(model));
			if (track(w, node, model) == NULL)
				rc = img_error_set(err, IMG_ENOMEM, "drive list");
		}
		udev_device_unref(dev);
	}
	udev_enumerate_unref(en);
	return rc;
}

int img_watch_open(struct img_watch **out, struct img_error *err)
{
	*out = NULL;
	struct img_watch *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return img_error_set(err, IMG_ENOMEM, "udev monitor");
	w->udev = udev_new();
	/* Events processed by udevd carry its properties (ID_CDROM, models); without a running
	 * udevd (containers, minimal systems) listen to the kernel's own uevents instead. */
	bool udevd = access("/run/udev/control", F_OK) == 0;
	if (w->udev)
		w->mon = udev_monitor_new_from_netlink(w->udev, udevd ? "udev" : "kernel");
	if (w->mon == NULL || udev_monitor_filter_add_match_subsystem_devtype(w->mon, "block",
									      "disk") < 0 ||
	    udev_monitor_enable_receiving(w->mon) < 0) {
		img_watch_close(w);
		return img_error_set(err, IMG_EUNSUPPORTED, "cannot listen to udev events");
	}
	/* after the monitor listens: a drive plugged in between is not missed */
	int rc = track_present(w, err);
	if (rc != IMG_OK) {
		img_watch_close(w);
		return rc;
	}
	*out = w;
	return IMG_OK;
}

int img_watch_fd(const struct img_watch *w)
{
	return udev_monitor_get_fd(w->mon);
}

static void fill(struct img_watch_event *ev, enum img_watch_action a, bool optical,
		 const char *devnode, const char *model)
{
	ev->action = a;
	ev->optical = optical;
	snprintf(ev->devnode, sizeof(ev->devnode), "%s", devnode);
	snprintf(ev->model, sizeof(ev->model), "%s", model);
}

int img_watch_next(struct img_watch *w, struct img_watch_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	struct udev_device *dev = udev_monitor_receive_device(w->mon);
	if (dev == NULL)
		return 0;
	const char *action = udev_device_get_action(dev);
	const char *node = udev_device_get_devnode(dev);
	int rc = 0;
	if (action != NULL && node != NULL) {
		bool optical = img_udev_is_optical(dev);
		char model[128];
		img_udev_model(dev, model, sizeof(model));
		if (strcmp(action, "add") == 0) {
			if (optical)
				track(w, node, model);
			fill(ev, IMG_WATCH_ADDED, optical, node, model);
			rc = 1;
		} else if (strcmp(action, "remove") == 0) {
			/* (sysfs is gone: the model is the one noted when it came) */
			struct drive *d = find(w, node);
			fill(ev, IMG_WATCH_REMOVED, optical || d != NULL, node, d ? d->model : model);
			untrack(w, node);
			rc = 1;
		} else if (strcmp(action, "change") == 0 && !optical) {
			fill(ev, IMG_WATCH_CHANGED, false, node, model);
			rc = 1;
		} else if (strcmp(action, "change") == 0) {
			struct drive *d = find(w, node);
			if (d == NULL) {
				track(w, node, model); /* (seen for the first time: no news) */
			} else if (media_news(d)) {
				fill(ev, d->loaded ? IMG_WATCH_MEDIA_IN : IMG_WATCH_MEDIA_OUT, true,
				     node, d->model);
				rc = 1;
			}
		}
	}
	udev_device_unref(dev);
	return rc;
}

int img_watch_check_media(struct img_watch *w, struct img_watch_event *ev)
{
	for (size_t i = 0; i < w->n; i++) {
		struct drive *d = &w->drives[i];
		if (!media_news(d))
			continue;
		memset(ev, 0, sizeof(*ev));
		fill(ev, d->loaded ? IMG_WATCH_MEDIA_IN : IMG_WATCH_MEDIA_OUT, true, d->devnode,
		     d->model);
		return 1;
	}
	return 0;
}

void img_watch_close(struct img_watch *w)
{
	if (w == NULL)
		return;
	if (w->mon)
		udev_monitor_unref(w->mon);
	if (w->udev)
		udev_unref(w->udev);
	free(w->drives);
	free(w);
}
