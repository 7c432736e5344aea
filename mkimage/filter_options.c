/* mkimage's jigdo options (mkisofs's and xorriso's -jigdo-* spellings, as debian-cd passes
 * them) and zisofs options (-z for files mkzftree compressed, --zisofs to compress). */
#include "mkimage/filter_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/grow.h"
#include "common/cli/cli.h"
#include "common/cli/cli_options.h"
#include "mkimage/mkimage.h"

enum {
	OPT_JIGDO = 1, OPT_TEMPLATE, OPT_MAP, OPT_EXCLUDE, OPT_FORCE, OPT_MIN_SIZE,
	OPT_ALGORITHM, OPT_LIST, OPT_COMPRESS, OPT_ISO_SUMS, OPT_TEMPLATE_SUMS,
	OPT_Z, OPT_ZISOFS, OPT_ZISOFS_ONLY,
};

/* Growable list of strings. */
struct list {
	const char **v;
	size_t n, cap;
};

static struct {
	const char *jigdo, *template, *list, *algorithm, *compress, *iso_sums, *template_sums;
	const char *min_size;
	struct list map, exclude, force, zisofs_only;
	bool z, zisofs;
	bool oom;
	struct list owned; /* copies of every argument: popt reuses the one it hands over */
} F;

static void push(struct list *l, const char *s)
{
	if (img_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v), 8) != IMG_OK) {
		F.oom = true;
		return;
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static void callback(poptContext con, enum poptCallbackReason reason,
		     const struct poptOption *opt, const char *arg, const void *data)
{
	(void)con;
	(void)data;
	if (reason != POPT_CALLBACK_REASON_OPTION)
		return;
	if (arg != NULL) {
		char *copy = strdup(arg);
		push(&F.owned, copy);
		if (copy == NULL || F.oom) {
			free(copy);
			F.oom = true;
			return;
		}
		arg = copy;
	}
	switch (opt->val) {
	case OPT_JIGDO: F.jigdo = arg; break;
	case OPT_TEMPLATE: F.template = arg; break;
	case OPT_MAP: push(&F.map, arg); break;
	case OPT_EXCLUDE: push(&F.exclude, arg); break;
	case OPT_FORCE: push(&F.force, arg); break;
	case OPT_MIN_SIZE: F.min_size = arg; break;
	case OPT_ALGORITHM: F.algorithm = arg; break;
	case OPT_LIST: F.list = arg; break;
	case OPT_COMPRESS: F.compress = arg; break;
	case OPT_ISO_SUMS: F.iso_sums = arg; break;
	case OPT_TEMPLATE_SUMS: F.template_sums = arg; break;
	case OPT_Z: F.z = true; break;
	case OPT_ZISOFS: F.zisofs = true; break;
	case OPT_ZISOFS_ONLY: push(&F.zisofs_only, arg); break;
	}
}

#define ONE (POPT_ARGFLAG_ONEDASH)
#define STR (POPT_ARG_STRING | ONE)
struct poptOption mkimage_filter_options[] = {
	{ NULL, '\0', POPT_ARG_CALLBACK, (void *)callback, 0, NULL, NULL },
	{ "jigdo-jigdo", '\0', STR, NULL, OPT_JIGDO,
	  "write a .jigdo file for the image (with -jigdo-template and -checksum-list): files "
	  "found in the list are referred to by checksum instead of stored", "FILE" },
	{ "jigdo-template", '\0', STR, NULL, OPT_TEMPLATE,
	  "write the jigdo template (the image without the listed files' data)", "FILE" },
	{ "checksum-list", '\0', STR, NULL, OPT_LIST,
	  "the mirror's files: lines \"CHECKSUM  SIZE  PATH\" (md5sum or sha256sum digests as "
	  "-jigdo-checksum-algorithm says)", "FILE" },
	{ "md5-list", '\0', STR, NULL, OPT_LIST, "the same as -checksum-list", "FILE" },
	{ "jigdo-map", '\0', STR, NULL, OPT_MAP,
	  "name listed files whose path starts with FROM as TO:rest in the .jigdo", "TO=FROM" },
	{ "jigdo-exclude", '\0', STR, NULL, OPT_EXCLUDE,
	  "keep files whose disk path matches REGEX in the template", "REGEX" },
	{ "jigdo-force-checksum", '\0', STR, NULL, OPT_FORCE,
	  "fail if a file whose disk path matches REGEX is not in the checksum list", "REGEX" },
	{ "jigdo-force-md5", '\0', STR, NULL, OPT_FORCE, "the same as -jigdo-force-checksum",
	  "REGEX" },
	{ "jigdo-min-file-size", '\0', STR, NULL, OPT_MIN_SIZE,
	  "keep files smaller than N bytes in the template (libjte's default: 1024)", "N" },
	{ "jigdo-checksum-algorithm", '\0', STR, NULL, OPT_ALGORITHM,
	  "checksums of the list and the .jigdo: md5 (default, jigdo 1.x) or sha256", "ALG" },
	{ "jigdo-template-compress", '\0', STR, NULL, OPT_COMPRESS,
	  "compress the template with gzip (default) or bzip2", "ALG" },
	{ "checksum_algorithm_iso", '\0', STR, NULL, OPT_ISO_SUMS,
	  "checksums of the whole image the .jigdo records: md5,sha1,sha256,sha512 or all "
	  "(without -jigdo-jigdo there is nothing to record them in)", "LIST" },
	{ "checksum_algorithm_template", '\0', STR, NULL, OPT_TEMPLATE_SUMS,
	  "checksums of the template the .jigdo records (as -checksum_algorithm_iso)", "LIST" },
	{ "transparent-compression", 'z', POPT_ARG_NONE | ONE, NULL, OPT_Z,
	  "files compressed by mkzftree get Rock Ridge ZF entries: Linux reads them "
	  "decompressed", NULL },
	{ "zisofs", '\0', POPT_ARG_NONE, NULL, OPT_ZISOFS,
	  "compress every regular file with zisofs (where that saves a block); Linux reads "
	  "them decompressed, other systems see the compressed bytes", NULL },
	{ "zisofs-only", '\0', POPT_ARG_STRING, NULL, OPT_ZISOFS_ONLY,
	  "compress only files whose name, image path or disk path matches GLOB (repeatable)",
	  "GLOB" },
	POPT_TABLEEND
};

static int check_word(const char *option, const char *value, const char *a, const char *b)
{
	if (value == NULL || strcmp(value, a) == 0 || strcmp(value, b) == 0)
		return 0;
	img_cli_usage_error("-%s %s: want %s or %s", option, value, a, b);
	return -1;
}

int mkimage_filter_options_finish(struct mk_opts *o)
{
	if (F.oom) {
		img_cli_fail("out of memory");
		return IMG_EXIT_FAIL;
	}
	struct img_error e;
	if (img_jigdo_check_checksum_names(F.iso_sums, &e) != IMG_OK) {
		img_cli_usage_error("-checksum_algorithm_iso %s", e.detail);
		return IMG_EXIT_USAGE;
	}
	if (img_jigdo_check_checksum_names(F.template_sums, &e) != IMG_OK) {
		img_cli_usage_error("-checksum_algorithm_template %s", e.detail);
		return IMG_EXIT_USAGE;
	}
	if (check_word("jigdo-checksum-algorithm", F.algorithm, "md5", "sha256") < 0 ||
	    check_word("jigdo-template-compress", F.compress, "gzip", "bzip2") < 0)
		return IMG_EXIT_USAGE;
	long long min_size = -1;
	if (F.min_size != NULL) {
		char *end;
		errno = 0;
		min_size = strtoll(F.min_size, &end, 10);
		if (errno != 0 || end == F.min_size || *end != '\0' || min_size < 0 ||
		    min_size > 0x7fffffff) {
			img_cli_usage_error("-jigdo-min-file-size %s: want a number of bytes",
					    F.min_size);
			return IMG_EXIT_USAGE;
		}
	}
	/* Without -jigdo-jigdo the other jigdo options set up an output that is not made: a
	 * no-op, as in xorriso, and debian-cd relies on that (its Makefile hands MKISOFS_OPTS
	 * and JIGDO_OPTS together to make_disc_trees.pl, which runs mkisofs without
	 * -jigdo-jigdo).  Their values were checked all the same. */
	if (F.jigdo != NULL) {
		if (F.template == NULL || F.list == NULL) {
			img_cli_usage_error("-jigdo-jigdo needs -jigdo-template and -checksum-list "
					    "(or -md5-list)");
			return IMG_EXIT_USAGE;
		}
	}
	/* -print-size writes nothing: no jigdo files either (nor does xorriso). */
	if (F.jigdo != NULL && !o->print_size) {
		if (o->output == NULL) {
			img_cli_usage_error("-jigdo-jigdo needs -o (-o /dev/null for the jigdo "
					    "files alone)");
			return IMG_EXIT_USAGE;
		}
		if (o->udf_revision != 0) {
			img_cli_usage_error("-jigdo-jigdo: not with -udf: the UDF view's blocks are "
					    "not written through libisofs, so libjte's template would "
					    "lack them");
			return IMG_EXIT_USAGE;
		}
		o->jigdo_on = true;
		o->jigdo = (struct img_jigdo_opts){
			.jigdo_path = F.jigdo,
			.template_path = F.template,
			.image_name = o->output,
			.checksum_list = F.list,
			.map = F.map.v,
			.nmap = F.map.n,
			.exclude = F.exclude.v,
			.nexclude = F.exclude.n,
			.demand = F.force.v,
			.ndemand = F.force.n,
			.min_size = min_size,
			.algorithm = F.algorithm,
			.iso_checksums = F.iso_sums,
			.template_checksums = F.template_sums,
			.compression = F.compress,
		};
	}
	bool compress = F.zisofs || F.zisofs_only.n > 0;
	if ((F.z || compress) && !o->image.rock) {
		img_cli_usage_error("%s: needs Rock Ridge (its ZF entries tell readers that a file "
				    "is compressed): drop --no-rock",
				    F.z ? "-z" : F.zisofs ? "--zisofs" : "--zisofs-only");
		return IMG_EXIT_USAGE;
	}
	if (compress && o->udf_revision != 0) {
		img_cli_usage_error("%s: not with -udf: the UDF view would hold the compressed "
				    "bytes, which no UDF reader decompresses",
				    F.zisofs ? "--zisofs" : "--zisofs-only");
		return IMG_EXIT_USAGE;
	}
	if (compress && F.jigdo != NULL) {
		img_cli_usage_error("%s: not with -jigdo-jigdo: the image would hold compressed "
				    "data, which no checksum list of the mirror describes",
				    F.zisofs ? "--zisofs" : "--zisofs-only");
		return IMG_EXIT_USAGE;
	}
	o->image.zisofs_magic = F.z;
	o->image.zisofs_all = F.zisofs;
	o->image.zisofs_only = F.zisofs_only.v;
	o->image.n_zisofs_only = F.zisofs_only.n;
	return 0;
}

void mkimage_filter_options_free(void)
{
	free(F.map.v);
	free(F.exclude.v);
	free(F.force.v);
	free(F.zisofs_only.v);
	for (size_t i = 0; i < F.owned.n; i++)
		free((char *)F.owned.v[i]);
	free(F.owned.v);
	memset(&F, 0, sizeof(F));
}
