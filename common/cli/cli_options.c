/* The options the three programs share: one popt sub-table, its callback and the checks. */
#include "common/cli/cli_options.h"

#include <stdio.h>
#include <string.h>

#include "common/cli/cli.h"

enum { OPT_JSON = 1, OPT_QUIET, OPT_VERBOSE, OPT_PROGRESS, OPT_VERSION, OPT_HELP };

/* What the callback met; popt calls it with no room for a result, so it is kept here and
 * judged by img_cli_common_finish. */
static struct {
	unsigned features;
	struct img_cli_common got;
	bool version, help;
	char bad[256];       /* the first problem, as a usage-error message */
} state;

static void note_bad(const char *fmt, const char *arg)
{
	if (state.bad[0] == '\0')
		snprintf(state.bad, sizeof(state.bad), fmt, arg);
}

static void set_progress(const char *arg)
{
	static const struct {
		const char *name;
		enum img_cli_progress value;
	} words[] = {
		{"auto", IMG_CLI_PROGRESS_AUTO}, {"always", IMG_CLI_PROGRESS_ALWAYS},
		{"never", IMG_CLI_PROGRESS_NEVER}, {"json", IMG_CLI_PROGRESS_JSON},
		/* imgburn's spellings before the three programs shared one vocabulary */
		{"bar", IMG_CLI_PROGRESS_ALWAYS}, {"none", IMG_CLI_PROGRESS_NEVER},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(arg, words[i].name) == 0) {
			state.got.progress = words[i].value;
			state.got.progress_given = true;
			return;
		}
	}
	note_bad("--progress=%s: want auto, always, never or json", arg);
}

static void callback(poptContext con, enum poptCallbackReason reason,
		     const struct poptOption *opt, const char *arg, const void *data)
{
	(void)con;
	(void)data;
	if (reason != POPT_CALLBACK_REASON_OPTION)
		return;
	switch (opt->val) {
	case OPT_JSON:
		state.got.json = true;
		if (!(state.features & IMG_CLI_JSON))
			note_bad((state.features & IMG_CLI_PROGRESS) ?
				 "--json: %s has no JSON report (JSON progress lines: "
				 "--progress=json)" : "--json: %s has no JSON report",
				 img_cli_prog());
		break;
	case OPT_QUIET: state.got.quiet = true; break;
	case OPT_VERBOSE: state.got.verbose++; break;
	case OPT_PROGRESS:
		if (!(state.features & IMG_CLI_PROGRESS))
			note_bad("--progress: %s shows no progress", img_cli_prog());
		else
			set_progress(arg ? arg : "");
		break;
	case OPT_VERSION: state.version = true; break;
	case OPT_HELP: state.help = true; break;
	}
}

struct poptOption img_cli_common_options[] = {
	{NULL, '\0', POPT_ARG_CALLBACK, (void *)callback, 0, NULL, NULL},
	{"json", '\0', POPT_ARG_NONE, NULL, OPT_JSON,
	 "print the report on stdout as JSON", NULL},
	{"quiet", 'q', POPT_ARG_NONE, NULL, OPT_QUIET,
	 "no progress and no -v messages (errors and warnings still show)", NULL},
	{"verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
	 "say more on stderr", NULL},
	{"progress", '\0', POPT_ARG_STRING, NULL, OPT_PROGRESS,
	 "progress: auto (a line on stderr when it is a terminal; default), always, never, "
	 "or json (one JSON object a line)", "WHEN"},
	{"version", '\0', POPT_ARG_NONE, NULL, OPT_VERSION,
	 "print the program's name and version and exit", NULL},
	{"help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, "show this help and exit", NULL},
	POPT_TABLEEND
};

/* The entry of the table called name. */
static struct poptOption *entry(const char *name)
{
	for (struct poptOption *o = img_cli_common_options; o->argInfo || o->longName; o++)
		if (o->longName && strcmp(o->longName, name) == 0)
			return o;
	return NULL;
}

void img_cli_common_begin(unsigned features)
{
	memset(&state, 0, sizeof(state));
	state.features = features;
	struct poptOption *json = entry("json"), *progress = entry("progress");
	struct poptOption *quiet = entry("quiet");
	json->argInfo = (json->argInfo & ~(unsigned)POPT_ARGFLAG_DOC_HIDDEN) |
			((features & IMG_CLI_JSON) ? 0 : POPT_ARGFLAG_DOC_HIDDEN);
	progress->argInfo = (progress->argInfo & ~(unsigned)POPT_ARGFLAG_DOC_HIDDEN) |
			    ((features & IMG_CLI_PROGRESS) ? 0 : POPT_ARGFLAG_DOC_HIDDEN);
	quiet->argInfo = (quiet->argInfo & ~(unsigned)POPT_ARGFLAG_ONEDASH) |
			 ((features & IMG_CLI_MKISOFS) ? POPT_ARGFLAG_ONEDASH : 0);
}

int img_cli_common_finish(poptContext con, struct img_cli_common *out)
{
	if (state.help) {
		poptPrintHelp(con, stdout, 0);
		return IMG_EXIT_OK;
	}
	if (state.version) {
		printf("%s %s\n", img_cli_prog(), IMG_VERSION);
		return IMG_EXIT_OK;
	}
	if (state.bad[0]) {
		img_cli_usage_error("%s", state.bad);
		return IMG_EXIT_USAGE;
	}
	*out = state.got;
	img_cli_set_verbose(out->quiet ? 0 : out->verbose);
	img_cli_set_quiet(out->quiet);
	return -1;
}

enum img_cli_progress img_cli_progress_shown(const struct img_cli_common *c)
{
	enum img_cli_progress p = c->progress;
	if (c->quiet && p != IMG_CLI_PROGRESS_JSON)
		p = IMG_CLI_PROGRESS_NEVER;
	if (p == IMG_CLI_PROGRESS_AUTO)
		p = img_cli_stderr_is_tty() ? IMG_CLI_PROGRESS_ALWAYS : IMG_CLI_PROGRESS_NEVER;
	return p;
}
