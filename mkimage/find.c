/* mkimage called as xorriso with -indev OLD [-pkt_output on] -find [PATH]: OLD's tree listed as
 * xorriso lists it, which is how Fedora's mkksiso learns the files and the volume id of the ISO
 * it remasters (its GetISODetails reads "Volume id" from stderr and the "R:1:" lines). */
#include <stdio.h>
#include <string.h>

#include "common/cli/cli.h"
#include "common/inspect/filetree.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/source.h"
#include "common/inspect/voldesc.h"
#include "mkimage/mkimage.h"

/* s quoted as xorriso's Text_shellsafe quotes it: in single quotes, a quote as '"'"'. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\"'\"'", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

struct listing {
	const char *start;   /* absolute, normalised: "/" or "/a/b" */
	const char *shown;   /* how the start is written: the -find argument as given */
	bool pkt;
	size_t listed;
};

static int list_node(struct img_fnode *n, void *arg)
{
	struct listing *l = arg;
	char path[4096];
	if (!img_fnode_path(n, path, sizeof(path)))
		return IMG_OK; /* deeper than any path xorriso would print either */
	size_t sl = strlen(l->start);
	bool root = strcmp(l->start, "/") == 0;
	if (!root && (strncmp(path, l->start, sl) != 0 || (path[sl] != '\0' && path[sl] != '/')))
		return IMG_OK;
	/* xorriso prints the start as given and what lies below it appended: ".", "./d". */
	char shown[4200];
	const char *rest = root ? path + 1 : path + sl + (path[sl] == '/');
	if (*rest == '\0')
		snprintf(shown, sizeof(shown), "%s", l->shown);
	else
		snprintf(shown, sizeof(shown), "%s%s%s", l->shown,
			 l->shown[strlen(l->shown) - 1] == '/' ? "" : "/", rest);
	l->listed++;
	if (l->pkt)
		fputs("R:1: ", stdout);
	put_quoted(stdout, shown);
	fputc('\n', stdout);
	return IMG_OK;
}

int mk_xorriso_find(const struct mk_opts *o)
{
	const char *path = strncmp(o->indev, "stdio:", 6) == 0 ? o->indev + 6 : o->indev;
	struct img_error e = {0};
	struct img_source *src = NULL;
	struct img_vdset set;
	if (img_source_open(path, NULL, &src, &e) != IMG_OK || img_vd_read(src, &set, &e) != IMG_OK) {
		img_source_close(src);
		img_cli_error("cannot read the image", &e);
		return IMG_EXIT_USAGE;
	}
	const struct img_vd *pvd = img_vd_find(&set, IMG_VD_PRIMARY);
	/* xorriso's account of the medium goes to stderr; mkksiso reads only this line of it. */
	fputs("Volume id    : ", stderr);
	put_quoted(stderr, pvd ? pvd->volume_id : "");
	fputc('\n', stderr);
	struct img_iso_view *v = NULL;
	struct img_iso_info info;
	if (img_iso_view_open(src, IMG_VIEW_DEFAULT, &v, &info, &e) != IMG_OK) {
		img_source_close(src);
		img_cli_error("cannot read the image", &e);
		return e.code == IMG_ENOMEM ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
	}
	struct listing l = { o->xorriso_find_start, o->xorriso_find, o->xorriso_pkt_output, 0 };
	int rc = img_iso_view_walk(v, list_node, &l);
	img_iso_view_close(v);
	img_source_close(src);
	if (rc != IMG_OK) {
		img_cli_fail("cannot list the image: %s", img_strerror(rc));
		return IMG_EXIT_FAIL;
	}
	if (fflush(stdout) != 0)
		return IMG_EXIT_FAIL;
	if (l.listed == 0) {
		img_cli_fail("-find %s: not in the image", o->xorriso_find);
		return IMG_EXIT_USAGE;
	}
	return IMG_EXIT_OK;
}
