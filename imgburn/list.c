/* --list / -scanbus, --info and --watch: what recorders there are and what media they hold. */
#include <inttypes.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/burn/watch.h"
#include "common/cli/cli.h"
#include "imgburn/imgburn.h"

/* readable, and "/dev/sr0" rather than json-c's default "\/dev\/sr0" */
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
		    JSON_C_TO_STRING_NOSLASHESCAPE)

static json_object *info_json(const struct img_drive_info *in)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "address", json_object_new_string(in->address));
	json_object_object_add(o, "vendor", json_object_new_string(in->vendor));
	json_object_object_add(o, "product", json_object_new_string(in->product));
	json_object_object_add(o, "revision", json_object_new_string(in->revision));
	json_object_object_add(o, "stdio", json_object_new_boolean(in->is_stdio));
	json_object_object_add(o, "busy", json_object_new_boolean(!in->grabbed));
	json_object *profiles = json_object_new_array();
	for (int i = 0; i < in->num_profiles; i++)
		json_object_array_add(profiles, json_object_new_string(in->profiles[i]));
	json_object_object_add(o, "writes", profiles);
	json_object *modes = json_object_new_array();
	if (in->tao)
		json_object_array_add(modes, json_object_new_string("TAO"));
	if (in->sao)
		json_object_array_add(modes, json_object_new_string("SAO"));
	if (in->raw)
		json_object_array_add(modes, json_object_new_string("RAW"));
	json_object_object_add(o, "write_modes", modes);
	if (!in->grabbed) {
		json_object_object_add(o, "media", NULL);
		return o;
	}
	json_object *m = json_object_new_object();
	json_object_object_add(m, "profile", json_object_new_string(in->media_profile_name));
	json_object_object_add(m, "profile_number", json_object_new_int(in->media_profile));
	json_object_object_add(m, "state",
			       json_object_new_string(img_media_state_name(in->media_state)));
	json_object_object_add(m, "erasable", json_object_new_boolean(in->media_erasable));
	json_object_object_add(m, "capacity_blocks", in->capacity_blocks >= 0 ?
			       json_object_new_int64(in->capacity_blocks) : NULL);
	json_object_object_add(m, "free_bytes", in->free_bytes >= 0 ?
			       json_object_new_int64(in->free_bytes) : NULL);
	json_object_object_add(m, "free_blocks", in->free_bytes >= 0 ?
			       json_object_new_int64(in->free_bytes / 2048) : NULL);
	json_object *speeds = json_object_new_array();
	for (int i = 0; i < in->num_speeds; i++)
		json_object_array_add(speeds, json_object_new_int(in->write_speeds[i]));
	json_object_object_add(m, "write_speeds_kBps", speeds);
	json_object_object_add(o, "media", m);
	return o;
}

static void info_text(const struct img_drive_info *in)
{
	printf("%s: %s %s %s%s\n", in->address, in->vendor, in->product, in->revision,
	       in->is_stdio ? " (stdio pseudo-drive)" : "");
	printf("  writes:      ");
	for (int i = 0; i < in->num_profiles; i++)
		printf("%s%s", i ? ", " : "", in->profiles[i]);
	printf("%s\n", in->num_profiles ? "" : "-");
	printf("  write modes: %s%s%s\n", in->tao ? "TAO " : "", in->sao ? "SAO " : "",
	       in->raw ? "RAW" : "");
	if (!in->grabbed) {
		printf("  media:       unknown (drive busy)\n");
		return;
	}
	printf("  media:       %s, %s%s\n", in->media_profile_name[0] ? in->media_profile_name
	       : "none", img_media_state_name(in->media_state),
	       in->media_erasable ? ", erasable" : "");
	if (in->capacity_blocks >= 0)
		printf("  capacity:    %" PRId64 " blocks (%.1f MB)\n", in->capacity_blocks,
		       in->capacity_blocks * 2048 / 1e6);
	if (in->free_bytes >= 0)
		printf("  free:        %" PRId64 " blocks (%.1f MB)\n", in->free_bytes / 2048,
		       in->free_bytes / 1e6);
	if (in->num_speeds) {
		double unit = img_drive_speed_unit(in->media_profile);
		printf("  speeds:     ");
		for (int i = 0; i < in->num_speeds; i++)
			printf(" %.1fx (%d kB/s)", in->write_speeds[i] / unit, in->write_speeds[i]);
		printf("\n");
	}
}

int imgburn_list(const struct imgburn_opts *o)
{
	struct img_error err;
	img_error_clear(&err);
	if (img_burn_init(&err) != IMG_OK) {
		img_cli_error("cannot start libburn", &err);
		return IMG_EXIT_FAIL;
	}
	struct img_drive_info *infos = NULL;
	int n = 0;
	int rc = img_drive_scan(&infos, &n, &err);
	img_burn_finish();
	if (rc != IMG_OK) {
		img_cli_error("cannot list drives", &err);
		return IMG_EXIT_FAIL;
	}
	if (o->json) {
		json_object *root = json_object_new_object();
		json_object *arr = json_object_new_array();
		for (int i = 0; i < n; i++)
			json_object_array_add(arr, info_json(&infos[i]));
		json_object_object_add(root, "drives", arr);
		printf("%s\n", json_object_to_json_string_ext(root, JSON_FLAGS));
		json_object_put(root);
	} else if (n == 0) {
		printf("no optical drive found\n");
	} else {
		for (int i = 0; i < n; i++)
			info_text(&infos[i]);
	}
	free(infos);
	return IMG_EXIT_OK;
}

int imgburn_info(const struct imgburn_opts *o)
{
	struct img_error err;
	img_error_clear(&err);
	if (img_burn_init(&err) != IMG_OK) {
		img_cli_error("cannot start libburn", &err);
		return IMG_EXIT_FAIL;
	}
	struct img_drive *d = NULL;
	if (img_drive_open(o->dev, o->load, &d, &err) != IMG_OK) {
		img_cli_error("cannot open drive", &err);
		img_burn_finish();
		return IMG_EXIT_USAGE;
	}
	struct img_drive_info info;
	img_drive_get_info(d, &info);
	img_drive_close(d, o->eject);
	img_burn_finish();
	if (o->json) {
		json_object *j = info_json(&info);
		printf("%s\n", json_object_to_json_string_ext(j, JSON_FLAGS));
		json_object_put(j);
	} else {
		info_text(&info);
	}
	return IMG_EXIT_OK;
}

/* One line per event: "appeared /dev/sr1 optical (VENDOR MODEL)", or with --json one object. */
static void print_event(const struct img_watch_event *ev, bool json)
{
	const char *what = img_watch_action_name(ev->action);
	if (!json) {
		printf("%s %s %s%s%s%s\n", what, ev->devnode, ev->optical ? "optical" : "disk",
		       ev->model[0] ? " (" : "", ev->model, ev->model[0] ? ")" : "");
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "event", json_object_new_string(what));
	json_object_object_add(o, "device", json_object_new_string(ev->devnode));
	json_object_object_add(o, "optical", json_object_new_boolean(ev->optical));
	json_object_object_add(o, "model", ev->model[0] ? json_object_new_string(ev->model) : NULL);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int imgburn_watch(const struct imgburn_opts *o)
{
	struct img_error err;
	img_error_clear(&err);
	struct img_watch *w = NULL;
	if (img_watch_open(&w, &err) != IMG_OK) {
		img_cli_error("cannot watch for drives", &err);
		return IMG_EXIT_FAIL;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	img_cli_verbose("watching for drives; interrupt to stop");
	struct img_watch_event ev;
	while (!imgburn_signal) {
		/* udev's events at once; the drives' media once a second (watch.h) */
		struct pollfd p = {.fd = img_watch_fd(w), .events = POLLIN};
		if (poll(&p, 1, 1000) > 0)
			while (img_watch_next(w, &ev) > 0)
				print_event(&ev, o->json);
		while (!imgburn_signal && img_watch_check_media(w, &ev) > 0)
			print_event(&ev, o->json);
	}
	img_watch_close(w);
	return IMG_EXIT_OK;
}
