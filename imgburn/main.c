/* imgburn: enumerate recorders and write any stream to disc (or stdio: target) with libburn. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/libversion.h"
#include "common/cli/cli.h"
#include "imgburn/imgburn.h"

volatile sig_atomic_t imgburn_signal;

static void on_signal(int sig)
{
	imgburn_signal = sig;
}

/* SIGINT/SIGTERM/SIGHUP only set a flag: the job loop cancels through libburn and releases
 * the drive.  No SA_RESTART, so a blocking wait returns to look at the flag. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void free_options(struct imgburn_opts *o)
{
	for (int i = 0; i < o->nargs; i++)
		free((void *)o->args[i]);
	free(o->args);
	free((void *)o->dev);
	free((void *)o->cue);
}

int main(int argc, char **argv)
{
	img_cli_init(argv[0]);
	struct imgburn_opts o;
	int rc = imgburn_parse_options(argc, (const char **)argv, &o);
	if (rc >= 0) {
		free_options(&o);
		return rc;
	}
	bool compatible;
	struct img_error err = {0};
	rc = img_libburn_check(&compatible, &err);
	if ((rc = img_cli_libs_verdict(rc, compatible, &err)) >= 0) {
		free_options(&o);
		return rc;
	}
	catch_signals();
	if (o.list)
		rc = imgburn_list(&o);
	else if (o.info)
		rc = imgburn_info(&o);
	else if (o.watch)
		rc = imgburn_watch(&o);
	else if (o.msinfo)
		rc = imgburn_msinfo(&o);
	else if (o.toc)
		rc = imgburn_toc(&o);
	else
		rc = imgburn_burn(&o);
	free_options(&o);
	return rc;
}
