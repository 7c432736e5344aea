/* Jigdo output through libjte: its setup from the -jigdo-* options and its messages. */
#include "common/build/jigdo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libjte/libjte.h>

#include "common/build/image_ext.h"

struct img_jigdo {
	struct libjte_env *jte;
};

static const char *const checksum_names[] = { "md5", "sha1", "sha256", "sha512" };

int img_jigdo_check_checksum_names(const char *list, struct img_error *err)
{
	if (list == NULL || strcmp(list, "all") == 0)
		return IMG_OK;
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		bool known = false;
		for (size_t i = 0; i < sizeof(checksum_names) / sizeof(checksum_names[0]); i++)
			known |= strlen(checksum_names[i]) == n &&
				 strncmp(p, checksum_names[i], n) == 0;
		if (!known)
			return img_error_set(err, IMG_EINVAL, "%.*s: want md5, sha1, sha256, sha512 "
					     "(comma-separated) or all", (int)n, p);
		if (p[n] == '\0')
			return IMG_OK;
		p += n + 1;
	}
}

size_t img_jigdo_messages(void *jte_handle, char *buf, size_t len)
{
	size_t count = 0, at = buf && len ? strlen(buf) : 0;
	char *msg;
	while (jte_handle != NULL && (msg = libjte_get_next_message(jte_handle)) != NULL) {
		/* libjte ends its messages with a newline: one line is wanted. */
		size_t n = strlen(msg);
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		if (buf != NULL && len > 0 && at + 3 < len) {
			int w = snprintf(buf + at, len - at, "%s%s", at ? "; " : "", msg);
			at = w < 0 ? at : at + (size_t)w;
			if (at >= len)
				at = len - 1;
		}
		free(msg);
		count++;
	}
	return count;
}

/* A refusal by libjte: its own words, or what was refused. */
static int refused(struct img_jigdo *j, struct img_error *err, const char *what,
		   const char *value)
{
	char why[1024] = "";
	img_jigdo_messages(j->jte, why, sizeof(why));
	return img_error_set(err, IMG_EINVAL, "%s %s: %s", what, value,
			     why[0] ? why : "refused by libjte");
}

int img_jigdo_new(const struct img_jigdo_opts *o, struct img_jigdo **out,
		  struct img_error *err)
{
	if (o->jigdo_path == NULL || o->template_path == NULL || o->checksum_list == NULL)
		return img_error_set(err, IMG_EINVAL, "jigdo output needs -jigdo-jigdo, "
				     "-jigdo-template and -checksum-list (or -md5-list)");
	if (o->min_size > INT_MAX)
		return img_error_set(err, IMG_EINVAL, "-jigdo-min-file-size %lld: at most %d",
				     o->min_size, INT_MAX);
	int rc;
	if ((rc = img_jigdo_check_checksum_names(o->iso_checksums, err)) != IMG_OK ||
	    (rc = img_jigdo_check_checksum_names(o->template_checksums, err)) != IMG_OK)
		return rc;
	/* The libjte libisofs 1.5.4 was built against (its LIBJTE_VERSION in messages.c). */
	if (!libjte__is_compatible(2, 0, 0, 0))
		return img_error_set(err, IMG_EUNSUPPORTED, "libjte older than 2.0.0: no "
				     "-jigdo-checksum-algorithm sha256");
	struct img_jigdo *j = calloc(1, sizeof(*j));
	if (j == NULL || libjte_new(&j->jte, 0) <= 0) {
		free(j);
		return img_error_set(err, IMG_ENOMEM, "jigdo");
	}
	/* Its messages queued for us, never printed; and never exit() from inside it. */
	libjte_set_error_behavior(j->jte, 0, 0);
	/* libjte's setters take char *, but copy or only read what they are given. */
	rc = IMG_OK;
	if (libjte_set_outfile(j->jte, (char *)o->image_name) <= 0)
		rc = refused(j, err, "image name", o->image_name);
	/* Before the list is named: the algorithm decides how libjte reads it. */
	int size = 0;
	if (rc == IMG_OK && o->algorithm != NULL &&
	    libjte_set_checksum_algorithm(j->jte, (char *)o->algorithm, &size) <= 0)
		rc = refused(j, err, "-jigdo-checksum-algorithm", o->algorithm);
	if (rc == IMG_OK && libjte_set_jigdo_path(j->jte, (char *)o->jigdo_path) <= 0)
		rc = refused(j, err, "-jigdo-jigdo", o->jigdo_path);
	if (rc == IMG_OK && libjte_set_template_path(j->jte, (char *)o->template_path) <= 0)
		rc = refused(j, err, "-jigdo-template", o->template_path);
	if (rc == IMG_OK && libjte_set_checksum_path(j->jte, (char *)o->checksum_list) <= 0)
		rc = refused(j, err, "-checksum-list", o->checksum_list);
	if (rc == IMG_OK && o->min_size >= 0 && libjte_set_min_size(j->jte, (int)o->min_size) <= 0)
		rc = refused(j, err, "-jigdo-min-file-size", "");
	if (rc == IMG_OK && o->iso_checksums != NULL &&
	    libjte_set_checksum_iso(j->jte, (char *)o->iso_checksums) <= 0)
		rc = refused(j, err, "-checksum_algorithm_iso", o->iso_checksums);
	if (rc == IMG_OK && o->template_checksums != NULL &&
	    libjte_set_checksum_template(j->jte, (char *)o->template_checksums) <= 0)
		rc = refused(j, err, "-checksum_algorithm_template", o->template_checksums);
	if (rc == IMG_OK && o->compression != NULL &&
	    libjte_set_compression(j->jte, (char *)o->compression) <= 0)
		rc = refused(j, err, "-jigdo-template-compress", o->compression);
	for (size_t i = 0; rc == IMG_OK && i < o->nexclude; i++)
		if (libjte_add_exclude(j->jte, (char *)o->exclude[i]) <= 0)
			rc = refused(j, err, "-jigdo-exclude", o->exclude[i]);
	for (size_t i = 0; rc == IMG_OK && i < o->ndemand; i++)
		if (libjte_add_checksum_demand(j->jte, (char *)o->demand[i]) <= 0)
			rc = refused(j, err, "-jigdo-force-checksum", o->demand[i]);
	for (size_t i = 0; rc == IMG_OK && i < o->nmap; i++) {
		/* libjte splits TO=FROM at the first '=' and keeps a pair without one silently
		 * useless: say so here. */
		if (strchr(o->map[i], '=') == NULL || o->map[i][0] == '=')
			rc = img_error_set(err, IMG_EINVAL, "-jigdo-map %s: want TO=FROM "
					   "(e.g. Debian=/srv/mirror/)", o->map[i]);
		else if (libjte_add_mapping(j->jte, (char *)o->map[i]) <= 0)
			rc = refused(j, err, "-jigdo-map", o->map[i]);
	}
	if (rc != IMG_OK) {
		img_jigdo_free(j);
		return rc;
	}
	*out = j;
	return IMG_OK;
}

int img_jigdo_attach(struct img_jigdo *j, struct img_image *img)
{
	return img_image_set_jte(img, j->jte);
}

void img_jigdo_free(struct img_jigdo *j)
{
	if (j == NULL)
		return;
	if (j->jte != NULL) {
		img_jigdo_messages(j->jte, NULL, 0);
		libjte_destroy(&j->jte);
	}
	free(j);
}
