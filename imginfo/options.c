/* imginfo's popt table, help and option checks. */
#include "imginfo/options.h"

#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli/cli.h"
#include "common/cli/cli_options.h"

enum { OPT_LIST = 1, OPT_FIND, OPT_EXTRACT, OPT_CHECK, OPT_MAP, OPT_DIFF, OPT_SESSIONS };

/* What popt fills; the table points into it, so it lives as long. */
static struct {
	int force, content, session;
	char *view, *find, *extract, *dest;
	char *map;
} parsed;

static struct poptOption table[] = {
	{"list", 'l', POPT_ARG_NONE, NULL, OPT_LIST,
	 "list the file tree of one view (mode, owner, size, mtime, LBA, path)", NULL},
	{"view", '\0', POPT_ARG_STRING, &parsed.view, 0,
	 "view to list or extract: iso, joliet, rr or udf (default: rr, else "
	 "joliet, else iso)", "VIEW"},
	{"find", '\0', POPT_ARG_STRING, &parsed.find, OPT_FIND,
	 "list only entries whose name (or path, if PATTERN has a '/') matches the "
	 "shell PATTERN", "PATTERN"},
	{"extract", 'x', POPT_ARG_STRING, &parsed.extract, OPT_EXTRACT,
	 "extract the file or subtree PATH of the view", "PATH"},
	{"to", 'C', POPT_ARG_STRING, &parsed.dest, 0,
	 "directory to extract into (default: the current directory)", "DEST"},
	{"force", 'f', POPT_ARG_NONE, &parsed.force, 0, "replace existing files when extracting",
	 NULL},
	{"check", '\0', POPT_ARG_NONE, NULL, OPT_CHECK,
	 "verify MD5 tags, checksums, CRCs and that all views agree; exit 1 on problems",
	 NULL},
	{"map", '\0', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &parsed.map, OPT_MAP,
	 "draw where everything lies in the image: a line of blocks and a legend; with "
	 "=FILE.svg also as an SVG picture", "FILE.svg"},
	{"diff", '\0', POPT_ARG_NONE, NULL, OPT_DIFF,
	 "compare two images (imginfo --diff A B): structures, files of each view, differing "
	 "blocks; exit 1 when they differ", NULL},
	{"content", '\0', POPT_ARG_NONE, &parsed.content, 0,
	 "with --diff: compare the data of every file, not only where the layout says it can "
	 "differ", NULL},
	{"sessions", '\0', POPT_ARG_NONE, NULL, OPT_SESSIONS,
	 "list the sessions of a grown image (start block, size, volume id; NEXT for "
	 "mkimage -C), as xorriso -toc", NULL},
	{"session", '\0', POPT_ARG_INT, &parsed.session, 0,
	 "inspect, list, check or extract session N (1-based, as xorriso -load session N) "
	 "instead of the newest", "N"},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, img_cli_common_options, 0,
	 "Options of mkimage, imginfo and imgburn (--json: schema in imginfo(1)):", NULL},
	POPT_TABLEEND
};

/* --map's optional FILE.svg: popt also takes "--map IMAGE" as a value, which is the image
 * when no other argument follows.  Returns 0 or IMG_EXIT_USAGE. */
static int take_map(const char *map, const char **image, struct imginfo_opts *o)
{
	static char svg[4096];
	if (map == NULL)
		return 0;
	if (*image == NULL) {
		*image = map;
		return 0;
	}
	if (map[0] == '\0' || strlen(map) >= sizeof(svg)) {
		img_cli_usage_error("--map=FILE.svg: %s", map[0] ? "name too long" : "empty name");
		return IMG_EXIT_USAGE;
	}
	snprintf(svg, sizeof(svg), "%s", map);
	o->map_svg = svg;
	return 0;
}

/* The checks between options and arguments, and copies of the strings (popt's live in its
 * context; the program keeps them for its whole run).  Returns 0 or IMG_EXIT_USAGE. */
static int take_values(poptContext ctx, struct imginfo_opts *o)
{
	const char *image = poptGetArg(ctx);
	if (take_map(parsed.map, &image, o) != 0)
		return IMG_EXIT_USAGE;
	if (o->mode == MODE_DIFF) {
		const char *image2 = poptGetArg(ctx);
		if (image == NULL || image2 == NULL || poptPeekArg(ctx) != NULL) {
			img_cli_usage_error("--diff takes two images: --diff A B");
			return IMG_EXIT_USAGE;
		}
		static char keep2[4096];
		if (strlen(image2) >= sizeof(keep2)) {
			img_cli_usage_error("argument too long: %.40s...", image2);
			return IMG_EXIT_USAGE;
		}
		snprintf(keep2, sizeof(keep2), "%s", image2);
		o->image2 = keep2;
	} else if (parsed.content) {
		img_cli_usage_error("--content needs --diff");
		return IMG_EXIT_USAGE;
	}
	if (image == NULL || poptPeekArg(ctx) != NULL) {
		img_cli_usage_error(image ? "only one IMAGE, please" : "no IMAGE given");
		return IMG_EXIT_USAGE;
	}
	if (parsed.view && strcmp(parsed.view, "iso") && strcmp(parsed.view, "joliet") &&
	    strcmp(parsed.view, "rr") && strcmp(parsed.view, "udf")) {
		img_cli_usage_error("--view: unknown view '%s' (iso, joliet, rr, udf)", parsed.view);
		return IMG_EXIT_USAGE;
	}
	if (parsed.dest && o->mode != MODE_EXTRACT) {
		img_cli_usage_error("--to needs --extract");
		return IMG_EXIT_USAGE;
	}
	static char keep[5][4096];
	const char *src[5] = {image, parsed.view, parsed.find, parsed.extract, parsed.dest};
	const char **dst[5] = {&o->image, &o->view, &o->find, &o->extract, &o->dest};
	for (int i = 0; i < 5; i++) {
		if (src[i] == NULL)
			continue;
		if (strlen(src[i]) >= sizeof(keep[i])) {
			img_cli_usage_error("argument too long: %.40s...", src[i]);
			return IMG_EXIT_USAGE;
		}
		snprintf(keep[i], sizeof(keep[i]), "%s", src[i]);
		*dst[i] = keep[i];
	}
	o->force = parsed.force;
	o->content = parsed.content;
	if (parsed.session < 0 || (parsed.session > 0 && (o->mode == MODE_DIFF ||
							   o->mode == MODE_SESSIONS))) {
		img_cli_usage_error(parsed.session < 0 ? "--session: N counts from 1" :
				    "--session does not go with --diff or --sessions");
		return IMG_EXIT_USAGE;
	}
	o->session = parsed.session;
	return 0;
}

int imginfo_options(int argc, const char **argv, struct imginfo_opts *o)
{
	memset(o, 0, sizeof(*o));
	memset(&parsed, 0, sizeof(parsed));
	o->dest = ".";
	img_cli_common_begin(IMG_CLI_JSON);
	poptContext ctx = poptGetContext("imginfo", argc, argv, table, 0);
	poptSetOtherOptionHelp(ctx, "[OPTION...] IMAGE | --diff A B   (IMAGE: file, block device "
				    "or - for stdin)");
	int rc = 0, c, modes = 0;
	while ((c = poptGetNextOpt(ctx)) > 0) {
		enum imginfo_mode m = c == OPT_EXTRACT ? MODE_EXTRACT : c == OPT_CHECK ? MODE_CHECK :
				      c == OPT_MAP ? MODE_MAP : c == OPT_DIFF ? MODE_DIFF :
				      c == OPT_SESSIONS ? MODE_SESSIONS : MODE_LIST;
		/* -l and --find are one mode; each other mode option counts. */
		if (m != MODE_LIST || o->mode != MODE_LIST)
			modes++;
		o->mode = m;
	}
	struct img_cli_common common;
	if (c < -1) {
		img_cli_usage_error("%s: %s", poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
				    poptStrerror(c));
		rc = IMG_EXIT_USAGE;
	} else if ((rc = img_cli_common_finish(ctx, &common)) >= 0) {
		rc = rc == IMG_EXIT_OK ? -1 : rc; /* -1: help or version printed */
	} else if (modes > 1) {
		img_cli_usage_error("--list/--find, --extract, --check, --map, --diff and --sessions "
				    "exclude each other");
		rc = IMG_EXIT_USAGE;
	} else {
		rc = take_values(ctx, o);
		o->json = common.json;
	}
	free(parsed.view);
	free(parsed.find);
	free(parsed.extract);
	free(parsed.dest);
	free(parsed.map);
	poptFreeContext(ctx);
	return rc;
}
