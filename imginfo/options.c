/* imginfo's popt table, help and option checks. */
#include "imginfo/options.h"

#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli/cli.h"

enum { OPT_HELP = 1, OPT_VERSION, OPT_LIST, OPT_FIND, OPT_EXTRACT, OPT_CHECK };

int imginfo_options(int argc, const char **argv, struct imginfo_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->dest = ".";
	int force = 0, json = 0;
	char *view = NULL, *find = NULL, *extract = NULL, *dest = NULL;
	struct poptOption table[] = {
		{"list", 'l', POPT_ARG_NONE, NULL, OPT_LIST,
		 "list the file tree of one view (mode, owner, size, mtime, LBA, path)", NULL},
		{"view", '\0', POPT_ARG_STRING, &view, 0,
		 "view to list or extract: iso, joliet, rr or udf (default: rr, else "
		 "joliet, else iso)", "VIEW"},
		{"find", '\0', POPT_ARG_STRING, &find, OPT_FIND,
		 "list only entries whose name (or path, if PATTERN has a '/') matches the "
		 "shell PATTERN", "PATTERN"},
		{"extract", 'x', POPT_ARG_STRING, &extract, OPT_EXTRACT,
		 "extract the file or subtree PATH of the view", "PATH"},
		{"to", 'C', POPT_ARG_STRING, &dest, 0,
		 "directory to extract into (default: the current directory)", "DEST"},
		{"force", 'f', POPT_ARG_NONE, &force, 0, "replace existing files when extracting",
		 NULL},
		{"check", '\0', POPT_ARG_NONE, NULL, OPT_CHECK,
		 "verify MD5 tags, checksums, CRCs and that all views agree; exit 1 on problems",
		 NULL},
		{"json", '\0', POPT_ARG_NONE, &json, 0, "print JSON (schema in imginfo(1))", NULL},
		{"verbose", 'v', POPT_ARG_NONE, NULL, 'v', "say more on stderr", NULL},
		{"version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION, "print the version and exit",
		 NULL},
		{"help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, "show this help and exit", NULL},
		POPT_TABLEEND
	};
	poptContext ctx = poptGetContext("imginfo", argc, argv, table, 0);
	poptSetOtherOptionHelp(ctx, "[OPTION...] IMAGE   (IMAGE: file, block device or - for "
				    "stdin)");
	int rc = 0, c, modes = 0;
	while ((c = poptGetNextOpt(ctx)) > 0) {
		switch (c) {
		case OPT_HELP:
			poptPrintHelp(ctx, stdout, 0);
			rc = -1;
			goto out;
		case OPT_VERSION:
			printf("imginfo %s\n", IMG_VERSION);
			rc = -1;
			goto out;
		case OPT_LIST:
		case OPT_FIND:
			if (o->mode != MODE_LIST)
				modes++;
			o->mode = MODE_LIST;
			break;
		case OPT_EXTRACT:
			modes++;
			o->mode = MODE_EXTRACT;
			break;
		case OPT_CHECK:
			modes++;
			o->mode = MODE_CHECK;
			break;
		case 'v':
			o->verbose++;
			break;
		}
	}
	if (c < -1) {
		img_cli_usage_error("%s: %s", poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
				    poptStrerror(c));
		rc = IMG_EXIT_USAGE;
		goto out;
	}
	if (modes > 1) {
		img_cli_usage_error("--list/--find, --extract and --check exclude each other");
		rc = IMG_EXIT_USAGE;
		goto out;
	}
	const char *image = poptGetArg(ctx);
	if (image == NULL || poptPeekArg(ctx) != NULL) {
		img_cli_usage_error(image ? "only one IMAGE, please" : "no IMAGE given");
		rc = IMG_EXIT_USAGE;
		goto out;
	}
	if (view && strcmp(view, "iso") && strcmp(view, "joliet") && strcmp(view, "rr") &&
	    strcmp(view, "udf")) {
		img_cli_usage_error("--view: unknown view '%s' (iso, joliet, rr, udf)", view);
		rc = IMG_EXIT_USAGE;
		goto out;
	}
	if (dest && o->mode != MODE_EXTRACT) {
		img_cli_usage_error("--to needs --extract");
		rc = IMG_EXIT_USAGE;
		goto out;
	}
	/* popt strings live in its context; the program keeps them for its whole run. */
	static char keep[4][4096];
	const char *src[4] = {image, view, find, extract};
	const char **dst[4] = {&o->image, &o->view, &o->find, &o->extract};
	for (int i = 0; i < 4; i++) {
		if (src[i] == NULL)
			continue;
		if (strlen(src[i]) >= sizeof(keep[i])) {
			img_cli_usage_error("argument too long: %.40s...", src[i]);
			rc = IMG_EXIT_USAGE;
			goto out;
		}
		snprintf(keep[i], sizeof(keep[i]), "%s", src[i]);
		*dst[i] = keep[i];
	}
	if (dest) {
		static char keep_dest[4096];
		snprintf(keep_dest, sizeof(keep_dest), "%s", dest);
		o->dest = keep_dest;
	}
	o->force = force;
	o->json = json;
out:
	free(view);
	free(find);
	free(extract);
	free(dest);
	poptFreeContext(ctx);
	return rc;
}
