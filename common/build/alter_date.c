/* xorriso's -alter_date[_r] on libisofs's tree (alter_date.h). */
#include "common/build/alter_date.h"

#include <string.h>

#include "common/base/isofs.h"
#include "common/build/image_ext.h"

int img_date_change_type(const char *type, unsigned *which)
{
	static const struct { const char *type; unsigned which; } types[] = {
		{ "a", IMG_DATE_ATIME | IMG_DATE_CTIME_NOW },
		{ "m", IMG_DATE_MTIME | IMG_DATE_CTIME_NOW },
		{ "b", IMG_DATE_ATIME | IMG_DATE_MTIME | IMG_DATE_CTIME_NOW },
		{ "a-c", IMG_DATE_ATIME },
		{ "m-c", IMG_DATE_MTIME },
		{ "b-c", IMG_DATE_ATIME | IMG_DATE_MTIME },
		{ "c", IMG_DATE_CTIME },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].type) == 0) {
			*which = types[i].which;
			return 0;
		}
	return -1;
}

static void set_dates(IsoNode *node, const struct img_date_change *c, time_t now)
{
	if (c->which & IMG_DATE_ATIME)
		iso_node_set_atime(node, c->time);
	if (c->which & IMG_DATE_MTIME)
		iso_node_set_mtime(node, c->time);
	if (c->which & IMG_DATE_CTIME)
		iso_node_set_ctime(node, c->time);
	else if (c->which & IMG_DATE_CTIME_NOW)
		iso_node_set_ctime(node, now);
}

/* The tree below dir, depth first.  Directories cannot loop in libisofs's tree (a node has
 * one parent), so the depth is the image's, which libisofs bounds. */
static int alter_below(IsoDir *dir, const struct img_date_change *c, time_t now,
		       struct img_error *err)
{
	IsoDirIter *it;
	int ret = iso_dir_get_children(dir, &it);
	if (ret < 0)
		return img_error_set(err, IMG_EISOFS, "%s: %s", c->path, iso_error_to_msg(ret));
	IsoNode *node;
	int rc = IMG_OK;
	while (rc == IMG_OK && iso_dir_iter_next(it, &node) == 1) {
		/* libisofs gives the catalog its dates when it writes the image; xorriso(1):
		 * "This command does not persistently apply to the boot catalog". */
		if (iso_node_get_type(node) == LIBISO_BOOT)
			continue;
		set_dates(node, c, now);
		if (iso_node_get_type(node) == LIBISO_DIR)
			rc = alter_below((IsoDir *)node, c, now, err);
	}
	iso_dir_iter_free(it);
	return rc;
}

int img_image_alter_dates(struct img_image *img, const struct img_date_change *c, time_t now)
{
	IsoImage *image = img_image_isofs(img);
	struct img_error *err = img_image_err(img);
	IsoNode *node = NULL;
	int ret = iso_tree_path_to_node(image, c->path, &node);
	if (ret < 0)
		return img_error_set(err, IMG_EISOFS, "%s: %s", c->path, iso_error_to_msg(ret));
	if (ret == 0 || node == NULL)
		return img_error_set(err, IMG_ENOENT, "%s: not in the image", c->path);
	if (iso_node_get_type(node) != LIBISO_BOOT)
		set_dates(node, c, now);
	if (c->recursive && iso_node_get_type(node) == LIBISO_DIR)
		return alter_below((IsoDir *)node, c, now, err);
	return IMG_OK;
}
