/* Drives and media coming and going, as IMAPI2's device added/removed events: the udev (or
 * kernel) monitor for block disks, and a look at each optical drive's tray. */
#ifndef IMG_WATCH_H
#define IMG_WATCH_H

#include <stdbool.h>

#include "common/base/error.h"

struct img_watch;

enum img_watch_action {
	IMG_WATCH_ADDED,     /* a disk appeared (an optical drive plugged in, a loop attached) */
	IMG_WATCH_REMOVED,   /* a disk vanished */
	IMG_WATCH_CHANGED,   /* another change of a disk that is not an optical drive */
	IMG_WATCH_MEDIA_IN,  /* an optical drive now holds a medium */
	IMG_WATCH_MEDIA_OUT, /* an optical drive no longer holds one (taken out, tray open) */
};

struct img_watch_event {
	enum img_watch_action action;
	bool optical;
	char devnode[256];
	char model[128];
};

/* "appeared", "vanished", "changed", "media-in", "media-out": how imgburn --watch names them. */
const char *img_watch_action_name(enum img_watch_action a);

/* Opens a udev monitor on block disks and notes which optical drives hold a medium.
 * Errors: IMG_EUNSUPPORTED (no udev netlink), IMG_ENOMEM. */
int img_watch_open(struct img_watch **out, struct img_error *err);
/* Descriptor to poll for readability. */
int img_watch_fd(const struct img_watch *w);
/* Takes one pending udev event: 1 and *ev filled, 0 when none (or not one to report).  A
 * change of an optical drive is reported as MEDIA_IN or MEDIA_OUT, or not at all when its
 * medium is as it was. */
int img_watch_next(struct img_watch *w, struct img_watch_event *ev);
/* Asks each optical drive whether it holds a medium (the kernel sends TEST UNIT READY): 1 and
 * *ev for the first whose answer changed since the last look, 0 when none did.  Call it about
 * once a second: without udisks or the kernel's media polling (block.events_dfl_poll_msecs) no
 * udev event says that a medium was taken out or put in. */
int img_watch_check_media(struct img_watch *w, struct img_watch_event *ev);
void img_watch_close(struct img_watch *w);

#endif
