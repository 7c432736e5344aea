/* Block device facts through libudev and /proc/self/mountinfo. */
#include "common/burn/blockdev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libudev.h>

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

bool img_udev_is_optical(struct udev_device *dev)
{
	const char *cd = udev_device_get_property_value(dev, "ID_CDROM");
	return (cd && strcmp(cd, "1") == 0) || major(udev_device_get_devnum(dev)) == 11;
}

void img_udev_model(struct udev_device *disk, char *out, size_t n)
{
	const char *vendor = udev_device_get_sysattr_value(disk, "device/vendor");
	const char *model = udev_device_get_sysattr_value(disk, "device/model");
	if (model == NULL)
		model = udev_device_get_property_value(disk, "ID_MODEL");
	if (vendor == NULL)
		vendor = udev_device_get_property_value(disk, "ID_VENDOR");
	char buf[256];
	snprintf(buf, sizeof(buf), "%s %s", vendor ? vendor : "", model ? model : "");
	/* sysfs pads SCSI strings with spaces */
	char *s = buf, *e;
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
		*--e = '\0';
	copy(out, n, s);
}

/* Is any of the device numbers mounted?  Fills the first mount point found. */
static void find_mount(const dev_t *devs, int ndev, char *out, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	out[0] = '\0';
	if (f == NULL)
		return;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." (proc(5)) */
		unsigned maj, mnr;
		char point[1024];
		if (sscanf(line, "%*d %*d %u:%u %*s %1023s", &maj, &mnr, point) != 3)
			continue;
		for (int i = 0; i < ndev; i++)
			if (major(devs[i]) == maj && minor(devs[i]) == mnr) {
				copy(out, n, point);
				fclose(f);
				return;
			}
	}
	fclose(f);
}

int img_blockdev_probe(const char *path, struct img_blockdev_info *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	struct stat st;
	if (stat(path, &st) != 0)
		return img_error_errno(err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno, "%s",
				       path);
	if (!S_ISBLK(st.st_mode))
		return img_error_set(err, IMG_EINVAL, "%s: not a block device", path);
	struct udev *udev = udev_new();
	if (udev == NULL)
		return img_error_set(err, IMG_ENOMEM, "udev");
	struct udev_device *dev = udev_device_new_from_devnum(udev, 'b', st.st_rdev);
	if (dev == NULL) {
		udev_unref(udev);
		return img_error_errno(err, IMG_EIO, errno, "%s: no sysfs entry", path);
	}
	/* A partition's removable flag and model live on its disk. */
	struct udev_device *disk = dev;
	const char *devtype = udev_device_get_devtype(dev);
	if (devtype && strcmp(devtype, "partition") == 0) {
		struct udev_device *parent =
			udev_device_get_parent_with_subsystem_devtype(dev, "block", "disk");
		if (parent)
			disk = parent;
	}
	const char *size = udev_device_get_sysattr_value(dev, "size");
	if (size)
		out->size = strtoll(size, NULL, 10) * 512; /* sysfs counts 512-byte sectors */
	img_udev_model(disk, out->model, sizeof(out->model));
	const char *rem = udev_device_get_sysattr_value(disk, "removable");
	const char *bus = udev_device_get_property_value(disk, "ID_BUS");
	out->removable = (rem && rem[0] == '1') || (bus && (strcmp(bus, "usb") == 0 ||
							     strcmp(bus, "mmc") == 0));
	out->optical = img_udev_is_optical(disk);

	/* The device itself and, for a whole disk, every partition on it. */
	dev_t devs[128];
	int ndev = 0;
	devs[ndev++] = st.st_rdev;
	struct udev_enumerate *en = udev_enumerate_new(udev);
	if (en && disk == dev) {
		udev_enumerate_add_match_parent(en, dev);
		udev_enumerate_add_match_subsystem(en, "block");
		udev_enumerate_scan_devices(en);
		struct udev_list_entry *e;
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
			struct udev_device *c =
				udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
			if (c == NULL)
				continue;
			if (ndev < 128 && udev_device_get_devnum(c) != st.st_rdev)
				devs[ndev++] = udev_device_get_devnum(c);
			udev_device_unref(c);
		}
	}
	if (en)
		udev_enumerate_unref(en);
	find_mount(devs, ndev, out->mounted, sizeof(out->mounted));
	udev_device_unref(dev);
	udev_unref(udev);
	return IMG_OK;
}
