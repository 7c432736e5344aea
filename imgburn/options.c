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

enum { OPT_SIZE = 1, OPT_SPEED, OPT_MODE, OPT_BLANK, OPT_PROGRESS, OPT_VERSION, OPT_HELP,
       OPT_VERBOSE };

int imgburn_parse_options(int argc, const char **argv, struct imgburn_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = -1;
	o->progress = PROGRESS_AUTO;
	int list = 0, json = 0, info = 0, watch = 0, dummy = 0, close = 0, eject = 0, load = 0;
	int padding = 0, verify = 0, verify_only = 0, format = 0, force = 0, audio = 0;
	char *dev = NULL, *cue = NULL;

	struct poptOption table[] = {
		{"list", 0, POPT_ARG_NONE, &list, 0,
		 "list the recorders and their media", NULL},
		{"scanbus", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &list, 0,
		 "same as --list (cdrecord habit)", NULL},
		{"json", 0, POPT_ARG_NONE, &json, 0,
		 "with --list or --info: print JSON", NULL},
		{"info", 0, POPT_ARG_NONE, &info, 0,
		 "describe the drive given by --dev and its media", NULL},
		{"watch", 0, POPT_ARG_NONE, &watch, 0,
		 "report drives appearing and vanishing until interrupted", NULL},
		{"dev", 0, POPT_ARG_STRING, &dev, 0,
		 "drive to use: /dev/sr0, stdio:FILE, a USB stick", "DEV"},
		{"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE,
		 "exact size of a stdin SOURCE (bytes, or Ns in 2048-byte sectors)", "SIZE"},
		{"speed", 0, POPT_ARG_STRING, NULL, OPT_SPEED,
		 "write speed as a multiple of 1x, or max", "N"},
		{"dummy", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &dummy, 0,
		 "simulate: everything but the laser", NULL},
		{"mode", 0, POPT_ARG_STRING, NULL, OPT_MODE,
		 "write mode: tao, sao or auto (default)", "MODE"},
		{"close", 0, POPT_ARG_NONE, &close, 0,
		 "close (finalize) the media; else leave it appendable", NULL},
		{"eject", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &eject, 0,
		 "eject the media at the end", NULL},
		{"load", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, &load, 0,
		 "close the tray before starting", NULL},
		{"padding", 0, POPT_ARG_NONE, &padding, 0,
		 "append 300 KiB of zeros to the track (as cdrecord -pad)", NULL},
		{"pad", 0, POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH | POPT_ARGFLAG_DOC_HIDDEN,
		 &padding, 0, "same as --padding", NULL},
		{"verify", 0, POPT_ARG_NONE, &verify, 0,
		 "read the track back and compare its SHA-256 with what was sent", NULL},
		{"verify-only", 0, POPT_ARG_NONE, &verify_only, 0,
		 "write nothing: compare the media's first bytes with SOURCE", NULL},
		{"blank", 0, POPT_ARG_STRING, NULL, OPT_BLANK,
		 "blank rewritable media first: fast or all", "HOW"},
		{"format", 0, POPT_ARG_NONE, &format, 0,
		 "format rewritable media (DVD-RW, DVD+RW, BD-RE) first", NULL},
		{"force", 0, POPT_ARG_NONE, &force, 0,
		 "write to a block device even if it is fixed or mounted", NULL},
		{"audio", 0, POPT_ARG_NONE, &audio, 0,
		 "the arguments are WAV files: write them as CD-DA tracks", NULL},
		{"cue", 0, POPT_ARG_STRING, &cue, 0,
		 "write the session a CUE sheet describes, in SAO", "FILE"},
		{"progress", 0, POPT_ARG_STRING, NULL, OPT_PROGRESS,
		 "progress output: auto, bar, json or none", "HOW"},
		{"verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
		 "say what drive, media and tracks were found", NULL},
		{"version", 0, POPT_ARG_NONE, NULL, OPT_VERSION, "print the version", NULL},
		{"help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, "show this help", NULL},
		POPT_TABLEEND
	};

	poptContext pc = poptGetContext("imgburn", argc, argv, table, 0);
	poptSetOtherOptionHelp(pc, "[OPTIONS] SOURCE|-   or   --list [--json]   or   "
			       "--audio A.wav...");
	int rc = -1, c;
	int verbose = 0;
	while ((c = poptGetNextOpt(pc)) > 0) {
		const char *arg = poptGetOptArg(pc);
		switch (c) {
		case OPT_SIZE:
			if (parse_size(arg, &o->size) != 0) {
				img_cli_usage_error("--size: '%s' is not a size", arg);
				rc = IMG_EXIT_USAGE;
			}
			break;
		case OPT_SPEED:
			if (parse_speed(arg, &o->speed) != 0) {
				img_cli_usage_error("--speed: '%s' is not a speed", arg);
				rc = IMG_EXIT_USAGE;
			}
			break;
		case OPT_MODE:
			if (strcmp(arg, "tao") == 0)
				o->mode = MODE_TAO;
			else if (strcmp(arg, "sao") == 0 || strcmp(arg, "dao") == 0)
				o->mode = MODE_SAO;
			else if (strcmp(arg, "auto") == 0)
				o->mode = MODE_AUTO;
			else {
				img_cli_usage_error("--mode: '%s' is not tao, sao or auto", arg);
				rc = IMG_EXIT_USAGE;
			}
			break;
		case OPT_BLANK:
			if (strcmp(arg, "fast") == 0)
				o->blank = BLANK_FAST;
			else if (strcmp(arg, "all") == 0)
				o->blank = BLANK_ALL;
			else {
				img_cli_usage_error("--blank: '%s' is not fast or all", arg);
				rc = IMG_EXIT_USAGE;
			}
			break;
		case OPT_PROGRESS:
			if (strcmp(arg, "auto") == 0)
				o->progress = PROGRESS_AUTO;
			else if (strcmp(arg, "bar") == 0)
				o->progress = PROGRESS_BAR;
			else if (strcmp(arg, "json") == 0)
				o->progress = PROGRESS_JSON;
			else if (strcmp(arg, "none") == 0)
				o->progress = PROGRESS_NONE;
			else {
				img_cli_usage_error("--progress: '%s' is not auto, bar, json or none",
						    arg);
				rc = IMG_EXIT_USAGE;
			}
			break;
		case OPT_VERBOSE:
			verbose++;
			break;
		case OPT_VERSION:
			printf("imgburn %s\n", IMG_VERSION);
			rc = IMG_EXIT_OK;
			break;
		case OPT_HELP:
			poptPrintHelp(pc, stdout, 0);
			rc = IMG_EXIT_OK;
			break;
		}
		free((void *)arg);
		if (rc >= 0)
			goto out;
	}
	if (c < -1) {
		img_cli_usage_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
				    poptStrerror(c));
		rc = IMG_EXIT_USAGE;
		goto out;
	}
	img_cli_set_verbose(verbose);
	o->list = list, o->json = json, o->info = info, o->watch = watch;
	o->dummy = dummy, o->close = close, o->eject = eject, o->load = load;
	o->padding = padding, o->verify = verify, o->verify_only = verify_only;
	o->format = format, o->force = force, o->audio = audio;

	/* Arguments are copied: the popt context is freed before they are used. */
	const char **rest = poptGetArgs(pc);
	int n = 0;
	while (rest && rest[n])
		n++;
	o->args = calloc((size_t)n + 1, sizeof(*o->args));
	if (o->args == NULL) {
		img_cli_fail("out of memory");
		rc = IMG_EXIT_FAIL;
		goto out;
	}
	for (int i = 0; i < n; i++)
		o->args[i] = strdup(rest[i]);
	o->nargs = n;
	o->dev = dev ? strdup(dev) : NULL;
	o->cue = cue ? strdup(cue) : NULL;

	int actions = list + info + watch;
	if (actions > 1) {
		img_cli_usage_error("--list, --info and --watch go alone");
		rc = IMG_EXIT_USAGE;
	} else if (json && !list && !info) {
		img_cli_usage_error("--json goes with --list or --info");
		rc = IMG_EXIT_USAGE;
	} else if ((list || watch) && n > 0) {
		img_cli_usage_error("unexpected argument '%s'", o->args[0]);
		rc = IMG_EXIT_USAGE;
	} else if (info && !dev) {
		img_cli_usage_error("--info needs --dev");
		rc = IMG_EXIT_USAGE;
	} else if (!actions && !dev) {
		img_cli_usage_error("no drive: give --dev (see --list)");
		rc = IMG_EXIT_USAGE;
	} else if (!actions && audio && cue) {
		img_cli_usage_error("--audio and --cue do not go together");
		rc = IMG_EXIT_USAGE;
	} else if (!actions && audio && n == 0) {
		img_cli_usage_error("--audio needs WAV files");
		rc = IMG_EXIT_USAGE;
	} else if (!actions && cue && n > 0) {
		img_cli_usage_error("--cue takes no SOURCE (the sheet names its files)");
		rc = IMG_EXIT_USAGE;
	} else if (!actions && !audio && !cue && n > 1) {
		img_cli_usage_error("one SOURCE only, got '%s' too", o->args[1]);
		rc = IMG_EXIT_USAGE;
	} else if (!actions && !audio && !cue && n == 0 && o->blank == BLANK_NONE && !format &&
		   !eject && !load) {
		img_cli_usage_error("no SOURCE (a file, or - for stdin)");
		rc = IMG_EXIT_USAGE;
	} else if (verify_only && (audio || cue || n != 1)) {
		img_cli_usage_error("--verify-only needs one data SOURCE");
		rc = IMG_EXIT_USAGE;
	} else if ((audio || cue) && (verify || o->size >= 0)) {
		img_cli_usage_error("--verify and --size are for data tracks");
		rc = IMG_EXIT_USAGE;
	} else if (o->size >= 0 && !(n == 1 && strcmp(o->args[0], "-") == 0)) {
		img_cli_usage_error("--size is for a stdin SOURCE (-)");
		rc = IMG_EXIT_USAGE;
	} else if (o->blank != BLANK_NONE && format) {
		img_cli_usage_error("--blank and --format do not go together");
		rc = IMG_EXIT_USAGE;
	}
out:
	free(dev);
	free(cue);
	poptFreeContext(pc);
	return rc;
}
