/* The multi-argument option joiner: "-append_partition 2 0xef efi.img" becomes
 * "-append_partition" "2\x1f0xef\x1fefi.img", which popt then hands to one callback. */
#include "mkimage/argv_join.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Add an option here, and popt gets its arguments as one, MK_ARGV_JOIN_SEP between them.
 * -hide-hfsplus takes one argument and needs no joining. */
const struct mk_join_option mk_join_options[] = {
	{ "append_partition", 3, "N TYPE FILE" },
	{ "hfsplus-file-creator-type", 3, "CREATOR TYPE ISO_RR_PATH" },
	{ "hfs-bless-by", 2, "BLESS_TYPE ISO_RR_PATH" },
	{ "sort-weight", 2, "NUMBER FILE" },
	{ "volume_date", 2, "c|m|x|f|uuid|all_file_dates TIME" }, /* xorriso's native command */
	{ "alter_date", 3, "TYPE TIME ISO_PATH" },               /* xorriso's too, one path */
	{ "alter_date_r", 3, "TYPE TIME ISO_PATH" },
	{ NULL, 0, NULL },
};

const struct mk_join_option *mk_join_find(const char *a)
{
	if (a[0] != '-')
		return NULL;
	const char *name = a + (a[1] == '-' ? 2 : 1);
	for (const struct mk_join_option *j = mk_join_options; j->name; j++)
		if (strcmp(name, j->name) == 0)
			return j;
	return NULL;
}

int mk_argv_join(int argc, const char **argv, const char ***out, int *new_argc, char *why,
		 size_t why_len)
{
	*out = NULL;
	/* One block: the pointer array, then the joined strings (never longer than the
	 * arguments they join). */
	size_t bytes = (size_t)(argc + 1) * sizeof(char *);
	for (int i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	const char **v = malloc(bytes);
	if (v == NULL) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	char *pool = (char *)(v + argc + 1);
	const char *pool_end = (const char *)v + bytes;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < argc)
				v[n++] = argv[i++];
			break;
		}
		const struct mk_join_option *j = i > 0 ? mk_join_find(a) : NULL;
		if (j == NULL) {
			v[n++] = a;
			continue;
		}
		if (i + j->nargs >= argc) {
			snprintf(why, why_len, "%s needs %d arguments: %s", a, j->nargs,
				 j->args);
			free(v);
			return -1;
		}
		v[n++] = a;
		v[n++] = pool;
		for (int k = 1; k <= j->nargs; k++) {
			size_t len = strlen(argv[i + k]);
			if (len + 1 > (size_t)(pool_end - pool)) { /* cannot happen: counted above */
				snprintf(why, why_len, "out of memory");
				free(v);
				return -1;
			}
			memcpy(pool, argv[i + k], len);
			pool += len;
			*pool++ = k < j->nargs ? MK_ARGV_JOIN_SEP : '\0';
		}
		i += j->nargs;
	}
	v[n] = NULL;
	*new_argc = n;
	*out = v;
	return 0;
}
