/* logind inhibitor lock through sd-bus: org.freedesktop.login1.Manager.Inhibit returns a file
 * descriptor; the lock holds until that descriptor is closed. */
#include "common/burn/inhibit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

struct img_inhibit {
	int fd;
};

int img_inhibit_take(const char *who, const char *why, struct img_inhibit **out,
		     struct img_error *err)
{
	*out = NULL;
	sd_bus *bus = NULL;
	sd_bus_error berr = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int rc = sd_bus_open_system(&bus);
	if (rc < 0)
		return img_error_errno(err, IMG_EUNSUPPORTED, -rc, "no system D-Bus");
	rc = sd_bus_call_method(bus, "org.freedesktop.login1", "/org/freedesktop/login1",
				"org.freedesktop.login1.Manager", "Inhibit", &berr, &reply, "ssss",
				"sleep:shutdown:idle", who, why, "block");
	if (rc < 0) {
		img_error_set(err, IMG_EUNSUPPORTED, "logind refused or is absent: %s",
			      berr.message ? berr.message : strerror(-rc));
		sd_bus_error_free(&berr);
		sd_bus_flush_close_unref(bus);
		return IMG_EUNSUPPORTED;
	}
	int fd = -1;
	rc = sd_bus_message_read(reply, "h", &fd);
	/* The descriptor belongs to the message: keep a duplicate of our own. */
	int mine = rc >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	if (mine < 0)
		return img_error_set(err, IMG_EUNSUPPORTED, "logind gave no lock descriptor");
	struct img_inhibit *in = malloc(sizeof(*in));
	if (in == NULL) {
		close(mine);
		return img_error_set(err, IMG_ENOMEM, "inhibitor lock");
	}
	in->fd = mine;
	*out = in;
	return IMG_OK;
}

void img_inhibit_release(struct img_inhibit *in)
{
	if (in == NULL)
		return;
	close(in->fd);
	free(in);
}
