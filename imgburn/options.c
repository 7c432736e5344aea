/* imgburn's command line: one popt table, its help, and the checks between options. */
#include <errno.h>
#include <inttypes.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli/cli.h"
#include "imgburn/imgburn.h"

/* "BYTES", "BYTESk/m/g" (binary) or "Ns" (2048-byte sectors, as mkimage -print-size). */
static int parse_size(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	unsigned long long mul = 1;
	if (*end == 's' || *end == 'S')
		mul = 2048, end++;
	else if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end != '\0' || v > (unsigned long long)INT64_MAX / mul)
		return -1;
	*out = (int64_t)(v * mul);
	return 0;
}

/* "8", "8x", "max" */
static int parse_speed(const char *s, double *out)
{
	if (strcmp(s, "max") == 0 || strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v <= 0 || v > 1000)
		return -1;
	if (*end == 'x' || *end == 'X')
		end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

enum { OPT_SIZE = 1, OPT_SPEED, OPT_MODE, OPT_BLANK };

/* The switches and strings popt fills; the table points into it, so it lives as long. */
static struct {
	int list, info, watch, dummy, close, eject, load, padding, verify, verify_only, format;
	int force, audio, multi, msinfo, toc;
	char *dev, *cue;
} parsed;

static struct poptOption table[] = {
	{"list", 0, POPT_ARG_NONE, &parsed.list, 0, "list the recorders and their media", NULL},
	{"scanbus", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &parsed.list, 0,
	 "same as --list (cdrecord habit)", NULL},
	{"info", 0, POPT_ARG_NONE, &parsed.info, 0,
	 "describe the drive given by --dev and its media", NULL},
	{"watch", 0, POPT_ARG_NONE, &parsed.watch, 0,
	 "report drives appearing and vanishing until interrupted", NULL},
	{"toc", 0, POPT_ARG_NONE, &parsed.toc, 0,
	 "list the sessions and tracks of the media in --dev (grown images on stdio: too)", NULL},
	{"msinfo", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &parsed.msinfo, 0,
	 "print LAST,NEXT of appendable media for mkimage -C (as cdrecord -msinfo)", NULL},
	{"multi", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &parsed.multi, 0,
	 "write a new session and leave the media appendable; on stdio: and overwritable media "
	 "the session goes to NEXT and the first 64 KiB then point to it", NULL},
	{"dev", 0, POPT_ARG_STRING, &parsed.dev, 0,
	 "drive to use: /dev/sr0, stdio:FILE, a USB stick", "DEV"},
	{"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE,
	 "exact size of a stdin SOURCE (bytes, or Ns in 2048-byte sectors)", "SIZE"},
	{"speed", 0, POPT_ARG_STRING, NULL, OPT_SPEED,
	 "write speed as a multiple of 1x, or max", "N"},
	{"dummy", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &parsed.dummy, 0,
	 "simulate: everything but the laser", NULL},
	{"mode", 0, POPT_ARG_STRING, NULL, OPT_MODE,
	 "write mode: tao, sao or auto (default)", "MODE"},
	{"close", 0, POPT_ARG_NONE, &parsed.close, 0,
	 "close (finalize) the media; else leave it appendable", NULL},
	{"eject", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &parsed.eject, 0,
	 "eject the media at the end", NULL},
	{"load", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &parsed.load, 0,
	 "close the tray before starting", NULL},
	{"padding", 0, POPT_ARG_NONE, &parsed.padding, 0,
	 "append 300 KiB of zeros to the track (as cdrecord -pad)", NULL},
	{"pad", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH | POPT_ARGFLAG_DOC_HIDDEN,
	 &parsed.padding, 0, "same as --padding", NULL},
	{"verify", 0, POPT_ARG_NONE, &parsed.verify, 0,
	 "read the track back and compare its SHA-256 with what was sent", NULL},
	{"verify-only", 0, POPT_ARG_NONE, &parsed.verify_only, 0,
	 "write nothing: compare the media's first bytes with SOURCE", NULL},
	{"blank", 0, POPT_ARG_STRING, NULL, OPT_BLANK,
	 "blank rewritable media first: fast or all", "HOW"},
	{"format", 0, POPT_ARG_NONE, &parsed.format, 0,
	 "format rewritable media (DVD-RW, DVD+RW, BD-RE) first", NULL},
	{"force", 0, POPT_ARG_NONE, &parsed.force, 0,
	 "write to a block device even if it is fixed or mounted", NULL},
	{"audio", 0, POPT_ARG_NONE, &parsed.audio, 0,
	 "the arguments are WAV files: write them as CD-DA tracks", NULL},
	{"cue", 0, POPT_ARG_STRING, &parsed.cue, 0,
	 "write the session a CUE sheet describes, in SAO", "FILE"},
	{NULL, 0, POPT_ARG_INCLUDE_TABLE, img_cli_common_options, 0,
	 "Options of mkimage, imginfo and imgburn (--json: with --list, --info or a write;\n"
	 "JSON progress goes to stdout):", NULL},
	POPT_TABLEEND
};

/* One option with a value to check (--size, --speed, --mode, --blank).  Returns -1, or
 * IMG_EXIT_USAGE after saying what is wrong. */
static int parse_value(int c, const char *arg, struct imgburn_opts *o)
{
	switch (c) {
	case OPT_SIZE:
		if (parse_size(arg, &o->size) == 0)
			return -1;
		img_cli_usage_error("--size: '%s' is not a size", arg);
		return IMG_EXIT_USAGE;
	case OPT_SPEED:
		if (parse_speed(arg, &o->speed) == 0)
			return -1;
		img_cli_usage_error("--speed: '%s' is not a speed", arg);
		return IMG_EXIT_USAGE;
	case OPT_MODE:
		if (strcmp(arg, "tao") == 0)
			o->mode = MODE_TAO;
		else if (strcmp(arg, "sao") == 0 || strcmp(arg, "dao") == 0)
			o->mode = MODE_SAO;
		else if (strcmp(arg, "auto") == 0)
			o->mode = MODE_AUTO;
		else {
			img_cli_usage_error("--mode: '%s' is not tao, sao or auto", arg);
			return IMG_EXIT_USAGE;
		}
		return -1;
	case OPT_BLANK:
		if (strcmp(arg, "fast") == 0)
			o->blank = BLANK_FAST;
		else if (strcmp(arg, "all") == 0)
			o->blank = BLANK_ALL;
		else {
			img_cli_usage_error("--blank: '%s' is not fast or all", arg);
			return IMG_EXIT_USAGE;
		}
		return -1;
	}
	return -1;
}

/* --json and --progress of a job: --json with a write is its JSON progress on stdout. */
static int choose_progress(const struct img_cli_common *common, struct imgburn_opts *o)
{
	bool write = !o->list && !o->info && !o->watch && !o->msinfo && !o->toc;
	if (common->json && write) {
		if (common->progress_given && common->progress != IMG_CLI_PROGRESS_JSON) {
			img_cli_usage_error("--json with a write is --progress=json");
			return IMG_EXIT_USAGE;
		}
		struct img_cli_common c = *common;
		c.progress = IMG_CLI_PROGRESS_JSON;
		o->progress = img_cli_progress_shown(&c);
		return -1;
	}
	o->progress = img_cli_progress_shown(common);
	return -1;
}

/* The checks between options and arguments.  Returns -1, or IMG_EXIT_USAGE after saying what
 * does not go together. */
static int check_combinations(const struct imgburn_opts *o)
{
	int n = o->nargs;
	bool actions = o->list || o->info || o->watch || o->msinfo || o->toc;
	const char *msg = NULL, *arg = NULL;
	if (o->list + o->info + o->watch + o->msinfo + o->toc > 1)
		msg = "--list, --info, --watch, --msinfo and --toc go alone";
	else if ((o->list || o->watch || o->msinfo || o->toc) && n > 0)
		msg = "unexpected argument '%s'", arg = o->args[0];
	else if (o->info && !o->dev)
		msg = "--info needs --dev";
	else if ((o->msinfo || o->toc) && !o->dev)
		msg = "--msinfo and --toc need --dev";
	else if (o->multi && o->close)
		msg = "--multi leaves the media appendable: not with --close";
	else if (o->multi && (o->audio || o->cue))
		msg = "--multi writes one data session";
	else if (!actions && !o->dev)
		msg = "no drive: give --dev (see --list)";
	else if (!actions && o->audio && o->cue)
		msg = "--audio and --cue do not go together";
	else if (!actions && o->audio && n == 0)
		msg = "--audio needs WAV files";
	else if (!actions && o->cue && n > 0)
		msg = "--cue takes no SOURCE (the sheet names its files)";
	else if (!actions && !o->audio && !o->cue && n > 1)
		msg = "one SOURCE only, got '%s' too", arg = o->args[1];
	else if (!actions && !o->audio && !o->cue && n == 0 && o->blank == BLANK_NONE &&
		 !o->format && !o->eject && !o->load)
		msg = "no SOURCE (a file, or - for stdin)";
	else if (o->verify_only && (o->audio || o->cue || n != 1))
		msg = "--verify-only needs one data SOURCE";
	else if ((o->audio || o->cue) && (o->verify || o->size >= 0))
		msg = "--verify and --size are for data tracks";
	else if (o->size >= 0 && !(n == 1 && strcmp(o->args[0], "-") == 0))
		msg = "--size is for a stdin SOURCE (-)";
	else if (o->blank != BLANK_NONE && o->format)
		msg = "--blank and --format do not go together";
	if (msg == NULL)
		return -1;
	if (arg)
		img_cli_usage_error(msg, arg);
	else
		img_cli_usage_error("%s", msg);
	return IMG_EXIT_USAGE;
}

/* Copies what popt parsed into *o; the arguments are copied because the popt context is
 * freed before they are used.  Returns -1 or IMG_EXIT_FAIL (out of memory). */
static int take_values(poptContext pc, struct imgburn_opts *o)
{
	o->list = parsed.list, o->info = parsed.info, o->watch = parsed.watch;
	o->dummy = parsed.dummy, o->close = parsed.close, o->eject = parsed.eject, o->load = parsed.load;
	o->padding = parsed.padding, o->verify = parsed.verify, o->verify_only = parsed.verify_only;
	o->format = parsed.format, o->force = parsed.force, o->audio = parsed.audio;
	o->multi = parsed.multi, o->msinfo = parsed.msinfo, o->toc = parsed.toc;
	const char **rest = poptGetArgs(pc);
	int n = 0;
	while (rest && rest[n])
		n++;
	o->args = calloc((size_t)n + 1, sizeof(*o->args));
	o->dev = parsed.dev ? strdup(parsed.dev) : NULL;
	o->cue = parsed.cue ? strdup(parsed.cue) : NULL;
	bool oom = o->args == NULL || (parsed.dev && !o->dev) || (parsed.cue && !o->cue);
	for (int i = 0; i < n && !oom; i++, o->nargs++)
		oom = (o->args[i] = strdup(rest[i])) == NULL;
	if (oom) {
		img_cli_fail("out of memory");
		return IMG_EXIT_FAIL;
	}
	return -1;
}

int imgburn_parse_options(int argc, const char **argv, struct imgburn_opts *o)
{
	memset(o, 0, sizeof(*o));
	memset(&parsed, 0, sizeof(parsed));
	o->size = -1;
	img_cli_common_begin(IMG_CLI_JSON | IMG_CLI_PROGRESS);
	poptContext pc = poptGetContext("imgburn", argc, argv, table, 0);
	poptSetOtherOptionHelp(pc, "[OPTIONS] SOURCE|-   or   --list [--json]   or   "
			       "--audio A.wav...");
	int rc = -1, c = -1;
	while (rc < 0 && (c = poptGetNextOpt(pc)) > 0) {
		char *arg = poptGetOptArg(pc);
		rc = parse_value(c, arg, o);
		free(arg);
	}
	struct img_cli_common common = {0};
	if (rc < 0 && c < -1) {
		img_cli_usage_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
				    poptStrerror(c));
		rc = IMG_EXIT_USAGE;
	}
	if (rc < 0)
		rc = img_cli_common_finish(pc, &common);
	if (rc < 0)
		rc = take_values(pc, o);
	if (rc < 0)
		rc = choose_progress(&common, o);
	if (rc < 0)
		rc = check_combinations(o);
	o->json = rc < 0 && common.json && (o->list || o->info || o->watch || o->toc);
	free(parsed.dev);
	free(parsed.cue);
	poptFreeContext(pc);
	return rc;
}
