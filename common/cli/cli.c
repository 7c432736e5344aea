/* Terminal side of the programs: messages, usage errors and the progress line. */
#include "common/cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name = "img";
static int verbosity;
static bool quiet;
static bool progress_shown;

void img_cli_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');
	prog_name = slash ? slash + 1 : prog;
}

const char *img_cli_prog(void)
{
	return prog_name;
}

void img_cli_set_verbose(int level)
{
	verbosity = level;
}

int img_cli_verbosity(void)
{
	return verbosity;
}

bool img_cli_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO) == 1;
}

static void clear_progress(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}

static void vmessage(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	clear_progress();
	fprintf(stderr, "%s: %s", prog_name, prefix);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", suffix);
}

void img_cli_error(const char *what, const struct img_error *e)
{
	clear_progress();
	if (e == NULL)
		fprintf(stderr, "%s: %s\n", prog_name, what);
	else if (e->detail[0] != '\0')
		fprintf(stderr, "%s: %s: %s\n", prog_name, what, e->detail);
	else
		fprintf(stderr, "%s: %s: %s\n", prog_name, what, img_strerror(e->code));
}

void img_cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("", fmt, ap, "");
	va_end(ap);
}

void img_cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap, "");
	va_end(ap);
}

void img_cli_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vmessage("", fmt, ap, "");
	va_end(ap);
}

void img_cli_set_quiet(bool q)
{
	quiet = q;
}

void img_cli_verbose(const char *fmt, ...)
{
	if (verbosity <= 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vmessage("", fmt, ap, "");
	va_end(ap);
}

void img_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("", fmt, ap, " (try --help)");
	va_end(ap);
}

void img_cli_progress_line(const char *text)
{
	fprintf(stderr, "\r%s\033[K", text);
	fflush(stderr);
	progress_shown = true;
}

void img_cli_progress_done(void)
{
	if (progress_shown) {
		fputc('\n', stderr);
		progress_shown = false;
	}
}

void img_cli_status_line(const char *text)
{
	clear_progress();
	fprintf(stderr, "%s\n", text);
	fflush(stderr);
}

int img_cli_libs_verdict(int rc, bool compatible, const struct img_error *err)
{
	if (rc == IMG_OK)
		return -1;
#ifdef IMG_ALLOW_UNTESTED_LIBS
	if (compatible) {
		img_cli_warn("%s", err->detail);
		return -1;
	}
#else
	(void)compatible;
#endif
	clear_progress();
	fprintf(stderr, "%s: %s; refusing to run (a build made with `make ALLOW_UNTESTED_LIBS=1` "
		"runs with an API-compatible version)\n", prog_name, err->detail);
	return IMG_EXIT_USAGE;
}
