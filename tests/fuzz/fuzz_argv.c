/* libFuzzer target for mkimage's command-line front end: the roles and xorriso's native
 * commands (mkimage/roles.c), the multi-argument joiner (argv_join.c) and the strict option
 * scan (option_scan.c) over any words.  The first byte picks the name mkimage is called by;
 * the rest is NUL-separated words.  Build: clang -fsanitize=fuzzer,address,undefined -I.
 * $(pkg-config --cflags popt) tests/fuzz/fuzz_argv.c -lpopt -o fuzz_argv */
#include <popt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mkimage/argv_join.c"
#include "mkimage/option_scan.c"
#include "mkimage/refused_options.c"
#include "mkimage/roles.c"

static char *out_file;
static struct poptOption sub[] = {
	{ "no-emul-boot", '\0', POPT_ARG_NONE | POPT_ARGFLAG_ONEDASH, NULL, 1, NULL, NULL },
	{ "append_partition", '\0', POPT_ARG_STRING | POPT_ARGFLAG_ONEDASH, NULL, 2, NULL, NULL },
	{ "eltorito-boot", 'b', POPT_ARG_STRING, NULL, 3, NULL, NULL },
	POPT_TABLEEND
};
static struct poptOption table[] = {
	{ "output", 'o', POPT_ARG_STRING, &out_file, 0, NULL, NULL },
	{ "joliet", 'J', POPT_ARG_NONE, NULL, 4, NULL, NULL },
	{ "rock", 'R', POPT_ARG_NONE, NULL, 5, NULL, NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, 6, NULL, NULL },
	{ "volume_date", 0, POPT_ARG_ARGV, NULL, 7, NULL, NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, sub, 0, NULL, NULL },
	POPT_TABLEEND
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "mkimage", "/usr/bin/genisoimage", "mkisofs",
					     "xorrisofs", "/x/xorriso" };
	if (size < 1 || size > 4096)
		return 0;
	/* Words: exact-size copies, so that ASan sees a read past any of them. */
	const char *argv[65];
	char *words[64];
	int argc = 0;
	argv[argc++] = names[data[0] % 5];
	size_t i = 1;
	while (i < size && argc < 65) {
		size_t len = strnlen((const char *)data + i, size - i);
		char *w = malloc(len + 1);
		if (w == NULL)
			break;
		memcpy(w, data + i, len);
		w[len] = '\0';
		words[argc - 1] = w;
		argv[argc++] = w;
		i += len + 1;
	}
	char why[1024];
	struct mk_role_line *line = calloc(1, sizeof(*line));
	if (line != NULL && mk_role_read(argc, argv, line, why, sizeof(why)) == MK_ROLE_OK) {
		/* What the front end promises: at most three words for each one given, all of
		 * them strings, the last a NULL. */
		if (line->argc > 3 * argc + 1 || line->argv[line->argc] != NULL)
			abort();
		const char **joined;
		int jc;
		if (mk_argv_join(line->argc, line->argv, &joined, &jc, why, sizeof(why)) == 0) {
			if (jc > line->argc || joined[jc] != NULL)
				abort();
			char *pool;
			mk_scan_argv(table, jc, joined, data[0] & 8, &pool, why, sizeof(why));
			for (int k = 0; k < jc; k++)
				(void)strlen(joined[k]);
			free(pool);
			free(joined);
		}
	}
	if (line != NULL)
		mk_role_line_free(line);
	free(line);
	for (int k = 0; k < argc - 1; k++)
		free(words[k]);
	return 0;
}
