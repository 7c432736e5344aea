/* mkimage called as osirrox (or as xorriso with -osirrox on): the extraction commands Fedora's
 * mkksiso runs to copy an ISO's configuration files out before it edits them (lorax
 * src/pylorax/cmdline/mkksiso.py, ExtractISOFiles):
 *   osirrox -indev ISO -chmod_r u+rwx / -- -extract SRC DST ... -rollback_end
 * The commands run in order, as xorriso runs them: -chmod_r changes the modes of the tree in
 * memory (never the image), -extract copies SRC to the disk path DST through the safe
 * extraction of imginfo -x (common/inspect/extract.c: nothing written outside DST's
 * directory, whatever names the image holds), -rollback_end ends the run. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cli/cli.h"
#include "common/inspect/extract.h"
#include "common/inspect/filetree.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/source.h"
#include "mkimage/mkimage.h"
#include "mkimage/roles.h"

struct osx {
	const char *indev;
	struct img_source *src;
	struct img_filetree *tree;
	bool on;   /* -osirrox on (implied by the name osirrox) */
};

static int refuse(const char *what)
{
	img_cli_usage_error("%s: not supported as osirrox (mkimage takes -indev, -osirrox on, "
			    "-chmod_r u+rwx PATH... --, -extract SRC DST, -rollback_end, -end, "
			    "-no_rc, -report_about)", what);
	return IMG_EXIT_USAGE;
}

/* Loads the tree of -indev (Rock Ridge, else Joliet, else ISO 9660 names) once. */
static int load(struct osx *x, const char *cmd)
{
	if (x->tree != NULL)
		return -1;
	if (x->indev == NULL) {
		img_cli_usage_error("%s: give -indev first (there is no image to read)", cmd);
		return IMG_EXIT_USAGE;
	}
	const char *path = strncmp(x->indev, "stdio:", 6) == 0 ? x->indev + 6 : x->indev;
	struct img_error e = {0};
	struct img_iso_info info;
	if (img_source_open(path, NULL, &x->src, &e) != IMG_OK ||
	    img_iso_read_tree(x->src, IMG_VIEW_DEFAULT, &x->tree, &info, &e) != IMG_OK) {
		img_cli_error("cannot read the image", &e);
		return IMG_EXIT_USAGE;
	}
	return -1;
}

static int add_user_rwx(struct img_fnode *n, void *arg)
{
	(void)arg;
	if (!S_ISLNK(n->mode))
		n->mode |= S_IRWXU;
	return IMG_OK;
}

/* -chmod_r u+rwx PATH... [--]: the words from *i on; *i ends on the last one taken. */
static int chmod_r(struct osx *x, int argc, const char **argv, int *i)
{
	if (*i + 1 >= argc)
		return refuse("-chmod_r without a mode");
	const char *mode = argv[++*i];
	if (strcmp(mode, "u+rwx") != 0) {
		char what[128];
		snprintf(what, sizeof(what), "-chmod_r %.60s", mode);
		return refuse(what);
	}
	int rc = load(x, "-chmod_r");
	if (rc >= 0)
		return rc;
	while (*i + 1 < argc && strcmp(argv[*i + 1], "--") != 0) {
		const char *p = argv[++*i];
		struct img_fnode *n;
		if (img_filetree_lookup(x->tree, p, &n) != IMG_OK) {
			img_cli_fail("-chmod_r: %s: not in the image", p);
			return IMG_EXIT_FAIL;
		}
		img_filetree_walk(n, add_user_rwx, NULL);
	}
	if (*i + 1 < argc)
		++*i; /* the "--" */
	return -1;
}

/* Makes the directories of path that do not exist (as xorriso does for -extract's DST). */
static int make_parents(const char *dir)
{
	char *p = strdup(dir);
	if (p == NULL)
		return ENOMEM;
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		bool end = *s == '\0';
		if (*s != '/' && !end)
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = errno;
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return rc;
}

/* -extract SRC DST: SRC of the image becomes the disk path DST.  DST's last name must be
 * SRC's (the extraction names what it creates after the image); "/" fills DST. */
static int extract(struct osx *x, const char *srcpath, const char *dst)
{
	int rc = load(x, "-extract");
	if (rc >= 0)
		return rc;
	struct img_fnode *n;
	if (img_filetree_lookup(x->tree, srcpath, &n) != IMG_OK) {
		img_cli_fail("-extract %s: not in the image", srcpath);
		return IMG_EXIT_FAIL;
	}
	char *dir = strdup(dst);
	if (dir == NULL) {
		img_cli_fail("out of memory");
		return IMG_EXIT_FAIL;
	}
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	const char *target = dir;
	if (n->parent != NULL) {
		char *slash = strrchr(dir, '/');
		const char *base = slash ? slash + 1 : dir;
		if (strcmp(base, n->name) != 0) {
			img_cli_usage_error("-extract %s %s: not supported: mkimage extracts under "
					    "the image's name (give .../%s)", srcpath, dst, n->name);
			free(dir);
			return IMG_EXIT_USAGE;
		}
		if (slash == NULL)
			target = ".";
		else if (slash == dir)
			target = "/";
		else
			*slash = '\0';
	}
	int e = strcmp(target, ".") == 0 || strcmp(target, "/") == 0 ? 0 : make_parents(target);
	if (e != 0) {
		img_cli_fail("-extract %s: cannot create %s: %s", srcpath, target, strerror(e));
		free(dir);
		return IMG_EXIT_FAIL;
	}
	struct img_extract_stats st;
	struct img_error err = {0};
	/* xorriso's default -overwrite nondir: files are replaced, directories merged. */
	if (img_extract(x->src, n, target, true, &st, &err) != IMG_OK) {
		img_cli_error("-extract", &err);
		free(dir);
		return IMG_EXIT_FAIL;
	}
	free(dir);
	return -1;
}

/* Whether argv is an extraction line: the name osirrox, or xorriso with -osirrox or -extract
 * among its commands (-extract without -osirrox on is then refused as xorriso refuses it). */
static bool is_osirrox(int argc, const char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 ? argv[0] : "");
	if (strcmp(base, "osirrox") == 0)
		return true;
	if (mk_role_name_of(argc > 0 ? argv[0] : NULL) != MK_NAME_XORRISO)
		return false;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-osirrox") == 0 || strcmp(argv[i], "-extract") == 0)
			return true;
	return false;
}

int mk_osirrox_main(int argc, const char **argv)
{
	if (!is_osirrox(argc, argv))
		return -1;
	const char *base = strrchr(argv[0], '/');
	struct osx x = { .on = strcmp(base ? base + 1 : argv[0], "osirrox") == 0 };
	int rc = -1;
	bool ended = false;
	for (int i = 1; i < argc && rc < 0; i++) {
		const char *a = argv[i];
		if (ended) {
			rc = refuse(a);
		} else if (strcmp(a, "-osirrox") == 0) {
			if (i + 1 >= argc || strncmp(argv[i + 1], "on", 2) != 0 ||
			    (argv[i + 1][2] != '\0' && argv[i + 1][2] != ':'))
				rc = refuse(i + 1 < argc ? argv[i + 1] : "-osirrox");
			x.on = true;
			i++;
		} else if (strcmp(a, "-indev") == 0) {
			if (i + 1 >= argc || x.indev != NULL)
				rc = refuse(i + 1 < argc ? "a second -indev" : "-indev without a path");
			else
				x.indev = argv[++i];
		} else if (strcmp(a, "-no_rc") == 0) {
			/* no startup files are read */
		} else if (strcmp(a, "-report_about") == 0 && i + 1 < argc) {
			i++;
		} else if (strcmp(a, "-chmod_r") == 0) {
			rc = chmod_r(&x, argc, argv, &i);
		} else if (strcmp(a, "-extract") == 0) {
			if (!x.on) {
				img_cli_usage_error("-extract: give -osirrox on first (xorriso "
						    "refuses to extract without it)");
				rc = IMG_EXIT_USAGE;
			} else if (i + 2 >= argc) {
				rc = refuse("-extract without SRC and DST");
			} else {
				rc = extract(&x, argv[i + 1], argv[i + 2]);
				i += 2;
			}
		} else if (strcmp(a, "-rollback_end") == 0 || strcmp(a, "-end") == 0 ||
			   strcmp(a, "-rollback") == 0) {
			/* nothing was changed on any medium: ending and rolling back are one */
			ended = strcmp(a, "-rollback") != 0;
		} else {
			rc = refuse(a);
		}
	}
	img_filetree_free(x.tree);
	img_source_close(x.src);
	return rc < 0 ? IMG_EXIT_OK : rc;
}
