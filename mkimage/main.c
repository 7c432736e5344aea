/* mkimage: build an ISO9660 image with Rock Ridge and Joliet from directory trees. */
#include <signal.h>
#include <string.h>

#include "common/base/libversion.h"
#include "common/cli/cli.h"
#include "common/build/writer.h"
#include "mkimage/mkimage.h"

static void on_signal(int sig)
{
	(void)sig;
	img_writer_request_cancel();
}

int main(int argc, char **argv)
{
	img_cli_init("mkimage");
	int rc = mk_osirrox_main(argc, (const char **)argv);
	if (rc >= 0)
		return rc;
	struct mk_opts o;
	void *state = NULL;
	rc = mk_options_parse(argc, (const char **)argv, &o, &state);
	if (rc >= 0) {
		mk_options_free(state);
		return rc;
	}
	bool compatible;
	struct img_error err = {0};
	rc = img_libisofs_check(&compatible, &err);
	if ((rc = img_cli_libs_verdict(rc, compatible, &err)) >= 0) {
		mk_options_free(state);
		return rc;
	}
	/* SIGINT/SIGTERM: stop writing and remove the temporary file (the writer checks the
	 * flag).  A closed pipe and a file-size limit become write errors we report. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	rc = o.xorriso_find != NULL ? mk_xorriso_find(&o) : mk_build(&o);
	mk_options_free(state);
	return rc;
}
