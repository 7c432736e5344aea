/* Jigdo output (a .jigdo file and a .template beside the image, as debian-cd publishes its
 * images) through libjte, the Jigdo Template Engine that libisofs 1.5.4 is linked with: libisofs
 * shows libjte every byte it writes and every file it starts, libjte writes the two files. */
#ifndef IMG_JIGDO_H
#define IMG_JIGDO_H

#include <stddef.h>

#include "common/base/error.h"
#include "common/build/image.h"

struct img_jigdo;

/* What mkisofs's and xorriso's -jigdo-* options say.  The strings must outlive the jigdo. */
struct img_jigdo_opts {
	const char *jigdo_path;        /* -jigdo-jigdo FILE: the .jigdo written */
	const char *template_path;     /* -jigdo-template FILE: the .template written */
	const char *image_name;        /* "Filename=" of the .jigdo's [Image]: the output as given */
	const char *checksum_list;     /* -checksum-list / -md5-list FILE: the mirror's files */
	const char *const *map;        /* -jigdo-map TO=FROM: disk path prefix FROM -> "TO:" */
	size_t nmap;
	const char *const *exclude;    /* -jigdo-exclude REGEX: such files stay in the template */
	size_t nexclude;
	const char *const *demand;     /* -jigdo-force-checksum REGEX: must be in the list */
	size_t ndemand;
	long long min_size;            /* -jigdo-min-file-size: smaller files stay in the template;
					* -1: libjte's default */
	const char *algorithm;         /* -jigdo-checksum-algorithm md5|sha256; NULL: md5 */
	const char *iso_checksums;     /* -checksum_algorithm_iso LIST; NULL: libjte's default */
	const char *template_checksums;/* -checksum_algorithm_template LIST; NULL: default */
	const char *compression;       /* -jigdo-template-compress gzip|bzip2; NULL: gzip */
};

/* Checks a list of image checksum names as -checksum_algorithm_iso takes it: "all" or names
 * out of md5, sha1, sha256, sha512 separated by commas.  Errors: IMG_EINVAL naming the word. */
int img_jigdo_check_checksum_names(const char *list, struct img_error *err);

/* Sets up libjte as o says (nothing is written yet: libisofs starts the files when the image
 * starts).  Errors: IMG_EINVAL (a value libjte refuses: a bad regular expression, an unknown
 * algorithm; the detail has libjte's words), IMG_EUNSUPPORTED (libjte too old), IMG_ENOMEM. */
int img_jigdo_new(const struct img_jigdo_opts *o, struct img_jigdo **out, struct img_error *err);

/* Has img write the jigdo files along with the image (img_image_set_jte): call before the
 * image is started, keep j until the image is freed.  Errors: those of img_image_set_jte. */
int img_jigdo_attach(struct img_jigdo *j, struct img_image *img);

/* Frees j (after the image it was attached to). */
void img_jigdo_free(struct img_jigdo *j);

/* Appends libjte's pending messages to buf ("; "-separated, within len); returns how many. */
size_t img_jigdo_messages(void *jte_handle, char *buf, size_t len);

#endif
