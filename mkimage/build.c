/* mkimage's job: walk the sources, lay out the image, write it with progress. */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/grow.h"
#include "common/cli/cli.h"
#include "common/build/appendable.h"
#include "common/build/boot_replay.h"
#include "common/build/image.h"
#include "common/build/import.h"
#include "common/build/jigdo.h"
#include "common/base/progress.h"
#include "common/build/tree.h"
#include "common/udf/udf_bridge.h"
#include "common/build/writer.h"
#include "common/inspect/sessions.h"
#include "common/inspect/source.h"
#include "common/inspect/voldesc.h"
#include "mkimage/boot_options.h"
#include "mkimage/mkimage.h"

/* Growable arrays of borrowed strings, for the globs and paths gathered from options and
 * list files. */
struct strv {
	const char **v;
	size_t n, cap;
};

static int strv_push(struct strv *s, const char *x)
{
	if (img_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), 16) != IMG_OK)
		return -1;
	s->v[s->n++] = x;
	return 0;
}

/* Everything a build holds, so one cleanup frees it on every path. */
struct job {
	const struct mk_opts *o;
	struct strv exclude, paths, hide, hide_joliet; /* hide*: NULL-terminated once gathered */
	struct strv hide_hfsplus, hide_udf;
	char ***lists;         /* list files read (owners of the strings in exclude/paths) */
	size_t nlists, lists_cap;
	struct img_sort_rule *sort;
	size_t nsort;
	struct img_tree *tree;
	struct img_image *image;
	struct img_jigdo *jigdo;     /* freed after the image it is attached to */
	struct img_writer *writer;
	struct img_append *append;   /* --grow's target */
	struct img_progress *progress;
	enum img_cli_progress show;
	long long epoch;       /* the image's epoch as img_image_new got it */
	bool replay;                 /* --indev's boot setup replayed (replay_boot) */
	struct img_boot_config replay_boot;
	bool replay_unreadable;      /* its reader failed on the old image: said after the import,
				      * whose message on an image it cannot read comes first */
	struct img_error replay_err;
	uint32_t prev_end;           /* -M: the end of the session at LAST (img_append_check_prev) */
	/* --indev's session: where it starts and (--session N) its own head and end, for
	 * every reader of the old image (select_indev_session) */
	uint32_t indev_start, indev_head;
	uint64_t indev_end;
	bool indev_selected;
};

static void job_free(struct job *j)
{
	img_writer_free(j->writer);
	img_image_free(j->image);
	img_append_free(j->append);
	img_jigdo_free(j->jigdo);
	img_tree_free(j->tree);
	img_progress_free(j->progress);
	if (j->replay)
		img_boot_config_free(&j->replay_boot);
	img_sort_rules_free(j->sort, j->nsort);
	for (size_t i = 0; i < j->nlists; i++)
		img_lines_free(j->lists[i]);
	free(j->lists);
	free(j->exclude.v);
	free(j->hide_hfsplus.v);
	free(j->hide_udf.v);
	free(j->paths.v);
	free(j->hide.v);
	free(j->hide_joliet.v);
}

/* Reads a list file and appends its lines to dst (which borrows them). */
static int read_list(struct job *j, const char *path, struct strv *dst, const char *what)
{
	char **lines;
	size_t n;
	struct img_error e;
	if (img_read_lines(path, &lines, &n, &e) != IMG_OK) {
		img_cli_error(what, &e);
		return IMG_EXIT_USAGE;
	}
	if (img_grow((void **)&j->lists, &j->lists_cap, j->nlists, sizeof(*j->lists), 4) != IMG_OK) {
		img_lines_free(lines);
		img_cli_fail("out of memory");
		return IMG_EXIT_FAIL;
	}
	j->lists[j->nlists++] = lines;
	for (size_t i = 0; i < n && dst; i++) {
		if (strv_push(dst, lines[i]) < 0) {
			img_cli_fail("out of memory");
			return IMG_EXIT_FAIL;
		}
	}
	return -1;
}

static void on_note(void *arg, enum img_note_kind kind, const char *text)
{
	(void)arg;
	if (kind == IMG_NOTE_WARN)
		img_cli_warn("%s", text);
	else
		img_cli_verbose("%s", text);
}

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct job *j = arg;
	if (j->show == IMG_CLI_PROGRESS_NEVER)
		return;
	double now = img_progress_now();
	if (j->progress == NULL) {
		/* The first call (done 0) brings the total libisofs laid out. */
		double interval = j->show == IMG_CLI_PROGRESS_JSON ? 0.5 : 0.25;
		if (img_progress_new(total, now, interval, &j->progress) != IMG_OK)
			return;
	}
	if (!img_progress_update(j->progress, done, now))
		return;
	char line[8192];
	if (j->show == IMG_CLI_PROGRESS_JSON) {
		char file[4096];
		int known = img_image_file_at(j->image, done > 0 ? done - 1 : 0, file, sizeof(file));
		if (img_progress_json(j->progress, known ? file : NULL, line, sizeof(line)) == IMG_OK)
			img_cli_status_line(line);
	} else {
		img_progress_text(j->progress, line, sizeof(line));
		img_cli_progress_line(line);
	}
}

/* Collects options and list files into the tree walk's settings. */
static int gather(struct job *j, struct img_tree_opts *t)
{
	const struct mk_opts *o = j->o;
	int rc;
	for (const char **p = o->exclude; p && *p; p++)
		if (strv_push(&j->exclude, *p) < 0)
			goto oom;
	for (const char **p = o->exclude_lists; p && *p; p++)
		if ((rc = read_list(j, *p, &j->exclude, "exclude list")) >= 0)
			return rc;
	for (size_t i = 0; i < o->npaths; i++)
		if (strv_push(&j->paths, o->paths[i]) < 0)
			goto oom;
	for (const char **p = o->path_lists; p && *p; p++)
		if ((rc = read_list(j, *p, &j->paths, "path list")) >= 0)
			return rc;
	if (o->sort_file) {
		if ((rc = read_list(j, o->sort_file, NULL, "sort file")) >= 0)
			return rc;
		char **lines = j->lists[j->nlists - 1];
		size_t n = 0;
		while (lines[n])
			n++;
		struct img_error e;
		if (img_sort_rules_parse(lines, n, &j->sort, &e) != IMG_OK) {
			img_cli_error(o->sort_file, &e);
			return IMG_EXIT_USAGE;
		}
		j->nsort = n;
	}
	for (const char **p = o->hide; p && *p; p++)
		if (strv_push(&j->hide, *p) < 0)
			goto oom;
	for (const char **p = o->hide_lists; p && *p; p++)
		if ((rc = read_list(j, *p, &j->hide, "hide list")) >= 0)
			return rc;
	for (const char **p = o->hide_joliet; p && *p; p++)
		if (strv_push(&j->hide_joliet, *p) < 0)
			goto oom;
	for (const char **p = o->hide_joliet_lists; p && *p; p++)
		if ((rc = read_list(j, *p, &j->hide_joliet, "hide-joliet list")) >= 0)
			return rc;
	size_t nhide = j->hide.n, nhidej = j->hide_joliet.n;
	if (strv_push(&j->hide, NULL) < 0 || strv_push(&j->hide_joliet, NULL) < 0)
		goto oom;
	size_t nh;
	const char *const *hh = mkimage_boot_hide_hfsplus(&nh);
	for (size_t i = 0; i < nh; i++)
		if (strv_push(&j->hide_hfsplus, hh[i]) < 0)
			goto oom;
	hh = mkimage_boot_hide_hfsplus_lists(&nh);
	for (size_t i = 0; i < nh; i++)
		if ((rc = read_list(j, hh[i], &j->hide_hfsplus, "hide-hfsplus list")) >= 0)
			return rc;
	for (const char **p = o->hide_udf; p && *p; p++)
		if (strv_push(&j->hide_udf, *p) < 0)
			goto oom;
	for (const char **p = o->hide_udf_lists; p && *p; p++)
		if ((rc = read_list(j, *p, &j->hide_udf, "hide-udf list")) >= 0)
			return rc;
	*t = (struct img_tree_opts){
		.follow_symlinks = o->follow,
		.exclude = j->exclude.v,
		.n_exclude = j->exclude.n,
		.hide = nhide ? j->hide.v : NULL,
		.n_hide = nhide,
		.hide_joliet = nhidej ? j->hide_joliet.v : NULL,
		.n_hide_joliet = nhidej,
		.hide_hfsplus = j->hide_hfsplus.v,
		.n_hide_hfsplus = j->hide_hfsplus.n,
		.hide_udf = j->hide_udf.v,
		.n_hide_udf = j->hide_udf.n,
		.sort = j->sort,
		.n_sort = j->nsort,
		.output = o->output ? o->output : o->grow, /* --grow's IMAGE is not an input */
	};
	return -1;
oom:
	img_cli_fail("out of memory");
	return IMG_EXIT_FAIL;
}

/* One "WEIGHT PATH" line of a --sort-weight-list / -patterns file (the first blank ends the
 * weight, as with xorriso). */
static int weigh_line(struct job *j, const char *file, size_t lineno, const char *line,
		      bool pattern)
{
	const char *sep = line + strcspn(line, " \t");
	char *end;
	errno = 0;
	long w = strtol(line, &end, 10);
	if (*sep == '\0' || end != sep || end == line || errno || w < INT_MIN || w > INT_MAX) {
		img_cli_usage_error("%s line %zu: want \"WEIGHT PATH\": %s", file, lineno, line);
		return IMG_EXIT_USAGE;
	}
	size_t matched;
	if (img_tree_set_weight(j->tree, sep + 1, pattern, (int)w, &matched) != IMG_OK) {
		img_cli_error(file, img_tree_error(j->tree));
		return IMG_EXIT_USAGE;
	}
	return -1;
}

/* Each --sort-weight over the finished tree, in command-line order, after the list files (as
 * xorriso applies them): a later one overrides an earlier one. */
static int apply_sort_weights(struct job *j)
{
	size_t n;
	const struct mkimage_sort_weight *sw = mkimage_boot_sort_weights(&n);
	for (size_t i = 0; i < n; i++) {
		size_t matched;
		if (sw[i].kind == MKIMAGE_SORT_WEIGHT_ONE &&
		    img_tree_set_weight(j->tree, sw[i].arg, false, sw[i].weight,
					&matched) != IMG_OK) {
			img_cli_error("--sort-weight", img_tree_error(j->tree));
			return IMG_EXIT_USAGE;
		}
	}
	return -1;
}

/* --sort-weight-list and --sort-weight-patterns over the finished tree, in command-line order
 * (xorriso reads only the last such file; we read them all). */
static int apply_sort_weight_lists(struct job *j)
{
	size_t n;
	const struct mkimage_sort_weight *sw = mkimage_boot_sort_weights(&n);
	for (size_t i = 0; i < n; i++) {
		if (sw[i].kind == MKIMAGE_SORT_WEIGHT_ONE)
			continue;
		char **lines;
		size_t count;
		struct img_error e;
		if (img_read_lines(sw[i].arg, &lines, &count, &e) != IMG_OK) {
			img_cli_error("sort weight list", &e);
			return IMG_EXIT_USAGE;
		}
		int rc = -1;
		for (size_t l = 0; l < count && rc < 0; l++)
			rc = weigh_line(j, sw[i].arg, l + 1, lines[l],
					sw[i].kind == MKIMAGE_SORT_WEIGHT_PATTERNS);
		img_lines_free(lines);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

static int walk(struct job *j)
{
	const struct mk_opts *o = j->o;
	struct img_tree_opts topts;
	int rc = gather(j, &topts);
	if (rc >= 0)
		return rc;
	struct img_error e;
	if (img_tree_new(&topts, &j->tree, &e) != IMG_OK) {
		img_cli_error("cannot start", &e);
		return IMG_EXIT_FAIL;
	}
	for (size_t i = 0; i < j->paths.n; i++) {
		const char *p = j->paths.v[i];
		rc = o->graft_points ? img_tree_add_graft(j->tree, p) : img_tree_add(j->tree, NULL, p);
		if (rc != IMG_OK) {
			img_cli_error("cannot add", img_tree_error(j->tree));
			return rc == IMG_ENOMEM ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
		}
	}
	if (img_tree_finish(j->tree) != IMG_OK) {
		img_cli_error("cannot add", img_tree_error(j->tree));
		return IMG_EXIT_USAGE;
	}
	if ((rc = apply_sort_weight_lists(j)) >= 0 || (rc = apply_sort_weights(j)) >= 0)
		return rc;
	img_cli_verbose("%zu entries found", img_tree_count(j->tree));
	return -1;
}

/* -hide (-hide-joliet: list) names the boot catalog like any other entry: by name or by path
 * in the image. */
static bool catalog_hidden(const struct strv *list, const char *catalog)
{
	if (list->n <= 1)
		return false;
	const char *path = catalog ? catalog : "/boot.catalog";
	const char *rel = path[0] == '/' ? path + 1 : path;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (const char **g = list->v; *g; g++)
		if (fnmatch(*g, rel, 0) == 0 || fnmatch(*g, path, 0) == 0 ||
		    fnmatch(*g, base, 0) == 0)
			return true;
	return false;
}

/* -alter_date[_r]: on the finished tree, as xorriso runs them after the commands that fill
 * it (roles.c refuses lines where that order would differ).  "now" (the change time of types
 * a, m and b) is SOURCE_DATE_EPOCH's when it is set, as xorriso's -iso_nowtime. */
static int apply_date_changes(struct job *j)
{
	/* Returns -1 to go on, else the exit code. */
	const struct mk_opts *o = j->o;
	time_t now = o->image.have_epoch ? (time_t)o->image.epoch : time(NULL);
	for (size_t i = 0; i < o->ndate_changes; i++)
		if (img_image_alter_dates(j->image, &o->date_changes[i], now) != IMG_OK) {
			const struct img_error *e = img_image_error(j->image);
			img_cli_error(o->date_changes[i].recursive ? "-alter_date_r" : "-alter_date",
				      e);
			/* A path that is not in the image is the line's fault. */
			return e->code == IMG_ENOENT ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
		}
	return -1;
}

/* "stdio:PATH" names PATH, as in xorriso. */
static const char *indev_file(const char *indev)
{
	return strncmp(indev, "stdio:", 6) == 0 ? indev + 6 : indev;
}

/* The old image a build continues or remasters, as the command line named it. */
static const char *old_name(const struct mk_opts *o)
{
	return o->indev ? o->indev : o->grow ? o->grow : o->prev;
}

/* The output must not be the old image (same file, by device and inode, or the same block
 * device under two names): the new image reads unchanged data from the old one while it is
 * written, and a failure would leave neither.  Nothing has been touched when this refuses. */
static int check_not_indev(const struct mk_opts *o)
{
	if (o->output == NULL || strcmp(o->output, "-") == 0)
		return -1;
	struct stat in, out;
	if (stat(indev_file(o->indev), &in) != 0 || stat(o->output, &out) != 0)
		return -1; /* a missing OLD is reported by the import; a missing output is new */
	bool same_dev = S_ISBLK(in.st_mode) && S_ISBLK(out.st_mode) && in.st_rdev == out.st_rdev;
	if ((in.st_dev == out.st_dev && in.st_ino == out.st_ino) || same_dev) {
		img_cli_fail("-o %s is the --indev image %s: write the new image to another "
			     "file (the old one is read while the new one is written)",
			     o->output, o->indev);
		return IMG_EXIT_USAGE;
	}
	return -1;
}

/* --session N: finds session N of --indev (common/inspect/sessions.c, xorriso's numbers). */
static int select_indev_session(struct job *j)
{
	const struct mk_opts *o = j->o;
	if (o->indev_session == 0)
		return -1;
	struct img_error e = {0};
	struct img_source *src = NULL;
	if (img_source_open(indev_file(o->indev), NULL, &src, &e) != IMG_OK) {
		img_cli_error("cannot read the old image", &e);
		return IMG_EXIT_USAGE;
	}
	struct img_session_toc t;
	int rc = -1;
	if (img_sessions_scan(src, &t, &e) != IMG_OK) {
		img_cli_error("cannot read the old image's sessions", &e);
		rc = IMG_EXIT_USAGE;
	} else {
		if (t.state != IMG_SESSIONS_APPENDABLE) {
			img_cli_fail("%s: --session %d: no ISO 9660 sessions found", o->indev,
				     o->indev_session);
			rc = IMG_EXIT_USAGE;
		} else if (img_session_head(&t, o->indev_session, &j->indev_head, &j->indev_end,
					    &e) != IMG_OK) {
			img_cli_fail("%s: --session %d: %s", o->indev, o->indev_session, e.detail);
			rc = IMG_EXIT_USAGE;
		} else {
			j->indev_start = t.sessions[o->indev_session - 1].start;
			j->indev_selected = true;
		}
		img_sessions_free(&t);
	}
	img_source_close(src);
	return rc;
}

/* Opens --indev for reading, as the session it names (select_indev_session). */
static int open_indev(const struct job *j, struct img_source **src, struct img_error *e)
{
	*src = NULL;
	int rc = img_source_open(indev_file(j->o->indev), NULL, src, e);
	if (rc == IMG_OK && j->indev_selected)
		rc = img_source_select_session(*src, (uint64_t)j->indev_head * 2048, j->indev_end,
					       e);
	if (rc != IMG_OK) {
		img_source_close(*src);
		*src = NULL;
	}
	return rc;
}

/* --boot replay: the old image's El Torito entries, system area and appended partitions,
 * read again from its bytes (boot_replay.c), to be applied once the tree is complete.  name is
 * the old image as the command line gave it, path the file; a session that does not start at
 * block 0 (-M's LAST) is read as that session: its own system area and descriptors from
 * head_block on, the image ending at end_block (0: at the file's end).  --grow reads the
 * target as it is: its first 64 KiB are the newest session's (absolute addresses). */
static int replay_boot(struct job *j, const char *name, const char *path, uint32_t head_block,
		       uint32_t end_block)
{
	struct img_error e = {0};
	struct img_source *src = NULL;
	img_boot_config_init(&j->replay_boot);
	j->replay = true;
	if (img_source_open(path, NULL, &src, &e) != IMG_OK ||
	    ((head_block != 0 || end_block != 0) &&
	     img_source_select_session(src, (uint64_t)head_block * 2048,
				       end_block ? (uint64_t)end_block * 2048 : UINT64_MAX,
				       &e) != IMG_OK)) {
		img_source_close(src);
		j->replay_unreadable = true;
		j->replay_err = e;
		return -1;
	}
	int rc = img_boot_replay(src, path, &j->replay_boot, &e);
	img_source_close(src);
	if (rc == IMG_ECORRUPT || rc == IMG_EIO) {
		j->replay_unreadable = true;
		j->replay_err = e;
		return -1;
	}
	if (rc != IMG_OK) {
		img_cli_fail("%s: %s; use --boot keep-none to drop the boot setup%s", name,
			     e.detail[0] ? e.detail : img_strerror(rc),
			     j->o->indev ? "" : " (nothing was written)");
		return IMG_EXIT_FAIL;
	}
	return -1;
}

/* --indev: the old image's tree into the new image, then --rm and --rm-r. */
static int import_old(struct job *j, const char *path, uint32_t start)
{
	const struct mk_opts *o = j->o;
	/* libisofs's own copy of the old boot catalog and system area always goes: a replay sets
	 * them again from the old image's bytes (a catalog cannot be made twice). */
	struct img_import_opts io = {
		.path = path,
		.start_block = start,
		.drop_boot = true,
		.joliet_as_old = !o->joliet_given,
		.attrs_on_old = o->attrs_on_old,
	};
	if (img_image_import(j->image, &io) != IMG_OK) {
		const struct img_error *e = img_image_error(j->image);
		img_cli_error("cannot read the old image", e);
		return e->code == IMG_ENOENT || e->code == IMG_ECORRUPT || e->code == IMG_EIO
			       ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
	}
	if (j->replay_unreadable) {
		img_cli_fail("%s: boot replay: %s; use --boot keep-none to drop the boot setup",
			     old_name(o), j->replay_err.detail[0] ? j->replay_err.detail
							     : img_strerror(j->replay_err.code));
		return IMG_EXIT_USAGE;
	}
	const struct img_import_info *in = img_image_import_info(j->image);
	if (o->reproducible && !o->image.have_epoch && in->have_mtime &&
	    in->mtime > j->epoch) {
		/* --reproducible without SOURCE_DATE_EPOCH: the newest of the added files and
		 * the old image's modification date stands in for the date. */
		if (img_image_set_epoch(j->image, in->mtime) != IMG_OK) {
			img_cli_error("cannot create image", img_image_error(j->image));
			return IMG_EXIT_FAIL;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		const char **v = pass == 0 ? o->rm : o->rm_r;
		for (; v != NULL && *v != NULL; v++) {
			if (img_image_remove_path(j->image, *v, pass == 1) != IMG_OK) {
				img_cli_error(pass == 0 ? "--rm" : "--rm-r", img_image_error(j->image));
				return IMG_EXIT_USAGE;
			}
		}
	}
	return -1;
}

/* --grow: opens the target (before its boot setup is read for the replay), says what it holds
 * and refuses one with a UDF view. */
static int open_grow_target(struct job *j, struct img_image_opts *io)
{
	const struct mk_opts *o = j->o;
	struct img_error e;
	/* Opened first: a blank target's first session takes the defaults of ids that an old
	 * image would otherwise give (options.c leaves them NULL for that). */
	if (img_append_open(o->grow, !o->print_size, &j->append, &e) != IMG_OK) {
		img_cli_error("cannot grow", &e);
		return e.code == IMG_ENOMEM ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
	}
	const struct img_append_layout *l = img_append_layout(j->append);
	if (l->kind == IMG_APPEND_BLANK) {
		struct img_image_opts def;
		img_image_opts_default(&def);
		io->volid = io->volid ? io->volid : o->blank_volid ? o->blank_volid : def.volid;
		io->volset = io->volset ? io->volset : def.volset;
		io->sysid = io->sysid ? io->sysid : def.sysid;
		img_cli_verbose("%s is blank: the first session goes at block %u", o->grow,
				l->next);
		return -1;
	}
	img_cli_verbose("%s: %u session%s found, the newest at block %u, ending at block %u; "
			"the new one goes at block %u", o->grow, l->sessions,
			l->sessions == 1 ? "" : "s", l->newest, l->end, l->next);
	if (l->udf) {
		img_cli_fail("cannot grow %s: it has a UDF view, which a new ISO 9660 session "
			     "would leave showing the old files to UDF readers (make a new image "
			     "with --indev instead)", o->grow);
		return IMG_EXIT_USAGE;
	}
	if (l->kind == IMG_APPEND_PLAIN)
		img_cli_warn("%s has one session at block 0: its own volume descriptors are "
			     "overwritten by the new head, so readers will list the grown image as "
			     "one session (as with xorriso)", o->grow);
	if (l->chain_broken)
		img_cli_warn("%s: the chain of session superblocks is broken; the new session "
			     "continues the one the first 64 KiB name", o->grow);
	return -1;
}

/* A replay into a new session (--grow, -M) copies bytes of the old image while the session is
 * written (appended partitions, hidden boot images, the system area): none of them may lie
 * where the session goes, which on a grown file is the same file. */
static int check_replay_fits(struct job *j)
{
	const struct mk_opts *o = j->o;
	uint32_t next = o->grow ? img_append_layout(j->append)->next : o->c_next;
	char what[384];
	if (img_append_replay_overlap(&j->replay_boot, next, what, sizeof(what))) {
		img_cli_fail("%s: boot replay: %s: it cannot be carried into a new session; use "
			     "--boot keep-none to drop the boot setup (nothing was written)",
			     old_name(o), what);
		return IMG_EXIT_FAIL;
	}
	return -1;
}

/* -M PREV -C LAST,NEXT: not -o PREV, and a session at LAST that NEXT comes after (its end in
 * j->prev_end).  Before anything is read for the boot replay. */
static int check_prev_session(struct job *j)
{
	const struct mk_opts *o = j->o;
	/* -o PREV would replace the old image by the new session alone. */
	struct stat in, out;
	const char *prev = strncmp(o->prev, "stdio:", 6) == 0 ? o->prev + 6 : o->prev;
	if (o->output != NULL && strcmp(o->output, "-") != 0 && stat(prev, &in) == 0 &&
	    stat(o->output, &out) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
		img_cli_fail("-o %s is the -M image: the new session goes to another file "
			     "(or -o -), then to NEXT of the old image (or use --grow)",
			     o->output);
		return IMG_EXIT_USAGE;
	}
	struct img_error e;
	if (img_append_check_prev(o->prev, o->c_last, o->c_next, &j->prev_end, &e) != IMG_OK) {
		img_cli_error("-M", &e);
		return IMG_EXIT_USAGE;
	}
	return -1;
}

/* -M/-C and --grow: the older session the new one continues, and the new one's place. */
static int setup_session(struct job *j)
{
	const struct mk_opts *o = j->o;
	int rc;
	if (o->grow != NULL) {
		const struct img_append_layout *l = img_append_layout(j->append);
		/* The head names the newest session with absolute addresses: reading from
		 * its own start or from block 0 gives the same tree. */
		if (l->kind != IMG_APPEND_BLANK &&
		    (rc = import_old(j, img_append_path(j->append), l->newest)) >= 0)
			return rc;
		if (img_append_setup(j->append, j->image) != IMG_OK) {
			img_cli_error("cannot grow", img_image_error(j->image));
			return IMG_EXIT_FAIL;
		}
		return -1;
	}
	if (o->prev != NULL && (rc = import_old(j, o->prev, o->c_last)) >= 0)
		return rc;
	if (o->have_c && img_append_session_at(j->image, o->c_next, o->prev != NULL) != IMG_OK) {
		img_cli_error("-C", img_image_error(j->image));
		return IMG_EXIT_FAIL;
	}
	return -1;
}

/* The old image's volume modification date as YYYYMMDDhhmmsscc into io->modification_date,
 * as xorriso's replay proposes it (-volume_date uuid: the PVD's digits, its time zone byte
 * left out, as xorriso leaves it out). */
static int old_volume_date(struct job *j, struct img_image_opts *io)
{
	static char date[17];
	struct img_error e = {0};
	struct img_source *src = NULL;
	struct img_vdset set;
	if (open_indev(j, &src, &e) != IMG_OK || img_vd_read(src, &set, &e) != IMG_OK) {
		img_source_close(src);
		img_cli_error("cannot read the old image", &e);
		return IMG_EXIT_USAGE;
	}
	img_source_close(src);
	const struct img_vd *pvd = img_vd_find(&set, IMG_VD_PRIMARY);
	size_t n = 0;
	/* "YYYY-MM-DDTHH:MM:SS.cc+HH:MM" (voldesc.h): its first 16 digits */
	for (const char *p = pvd ? pvd->modified : ""; *p && n < 16; p++)
		if (*p >= '0' && *p <= '9')
			date[n++] = *p;
	date[n] = '\0';
	if (n == 16) /* an unset date ("") proposes nothing */
		io->modification_date = date;
	return -1;
}

/* Whether the command line's boot setup is nothing but -append_partition: then, as xorriso,
 * it goes on top of -boot_image any replay (mkksiso replays the old image and replaces its
 * EFI partition: xorriso's later -append_partition replaces the one the replay proposed). */
static bool only_appended_partitions(const struct img_boot_config *cfg)
{
	struct img_boot_config rest = *cfg;
	memset(rest.partitions, 0, sizeof(rest.partitions));
	return !img_boot_config_active(&rest);
}

/* The command line's -append_partition N over slot N of the replayed boot setup. */
static int replace_appended_partitions(struct job *j)
{
	const struct img_boot_config *own = j->o->boot;
	for (size_t i = 0; own != NULL && i < 4; i++) {
		const struct img_boot_partition *p = &own->partitions[i];
		if (p->number == 0)
			continue;
		struct img_boot_partition *slot = &j->replay_boot.partitions[i];
		char *path = strdup(p->path);
		if (path == NULL) {
			img_cli_fail("out of memory");
			return IMG_EXIT_FAIL;
		}
		free(slot->path);
		*slot = *p;
		slot->path = path;
	}
	return -1;
}

static int make_image(struct job *j)
{
	const struct mk_opts *o = j->o;
	struct img_image_opts io = o->image;
	if (o->reproducible && !io.have_epoch) {
		/* No clock in a --reproducible image: the newest file stands in for the date. */
		io.have_epoch = true;
		io.epoch = (long long)img_tree_newest_mtime(j->tree);
	}
	/* Boot options on the command line make the boot setup anew instead of a replay. */
	bool own_boot = o->boot != NULL && img_boot_config_active(o->boot) &&
			!(o->xorriso_replay && only_appended_partitions(o->boot));
	if (own_boot && o->xorriso_replay) {
		/* xorriso would change the replayed setup; mkimage makes one or the other. */
		img_cli_usage_error("-boot_image any replay: not supported with other boot "
				    "options (but -append_partition): mkimage replays the old boot "
				    "setup or makes a new one");
		return IMG_EXIT_USAGE;
	}
	int rc;
	struct img_error e;
	if (o->grow != NULL && (rc = open_grow_target(j, &io)) >= 0)
		return rc;
	if (o->prev != NULL && (rc = check_prev_session(j)) >= 0)
		return rc;
	if (o->indev != NULL && (rc = select_indev_session(j)) >= 0)
		return rc;
	/* The setup replayed: the old image's (--indev), the session a new one continues
	 * (--grow: the target as its head names the newest session; -M: the session at LAST),
	 * unless the target is blank or the command line makes a boot setup of its own. */
	bool replay = !o->boot_keep_none && !own_boot &&
		      (o->indev != NULL || o->prev != NULL ||
		       (o->grow != NULL && img_append_layout(j->append)->kind != IMG_APPEND_BLANK));
	if (replay) {
		rc = o->indev ? replay_boot(j, o->indev, indev_file(o->indev),
					    j->indev_selected ? j->indev_head : 0,
					    j->indev_selected ? (uint32_t)(j->indev_end / 2048) : 0)
		     : o->grow ? replay_boot(j, o->grow, img_append_path(j->append), 0, 0)
			       : replay_boot(j, o->prev, indev_file(o->prev), o->c_last,
					     j->prev_end);
		if (rc >= 0 || (rc = replace_appended_partitions(j)) >= 0)
			return rc;
		if (o->xorriso_replay && io.modification_date == NULL && !j->replay_unreadable &&
		    (rc = old_volume_date(j, &io)) >= 0)
			return rc;
		if (o->indev == NULL && !j->replay_unreadable &&
		    (rc = check_replay_fits(j)) >= 0)
			return rc;
		/* A bootable CD pads as xorriso does (300 KiB): GRUB's CD driver reads ahead and
		 * fails on a file in the last blocks of an image that ends right after it. */
		if (j->replay_boot.n_entries > 0 && !o->pad_given && io.pad_blocks == 0)
			io.pad_blocks = 150;
	}
	/* xorriso's native commands have libburn pad after the whole image (write_image), not
	 * libisofs inside it: tail blocks would lie between the ISO and its appended
	 * partitions' end, where a GPT gets a "Gap1" entry for them. */
	if (o->xorriso_burn_padding)
		io.pad_blocks = 0;
	j->epoch = io.epoch;
	if (img_image_new(&io, on_note, j, &j->image, &e) != IMG_OK) {
		img_cli_error("cannot create image", &e);
		return e.code == IMG_EINVAL ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
	}
	if (o->indev != NULL && (rc = import_old(j, o->indev, j->indev_start)) >= 0)
		return rc;
	if ((rc = setup_session(j)) >= 0)
		return rc;
	if (o->jigdo_on) {
		if (img_jigdo_new(&o->jigdo, &j->jigdo, &e) != IMG_OK) {
			img_cli_error("cannot set up jigdo", &e);
			return e.code == IMG_EINVAL ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
		}
		if (img_jigdo_attach(j->jigdo, j->image) != IMG_OK) {
			img_cli_error("cannot set up jigdo", img_image_error(j->image));
			return IMG_EXIT_FAIL;
		}
	}
	/* Said before the tree goes in, the UDF tree is built alongside libisofs's. */
	const struct img_boot_config *boot_cfg =
		j->replay && img_boot_config_active(&j->replay_boot) ? &j->replay_boot : o->boot;
	if (o->udf_revision != 0 &&
	    img_image_plan_udf(j->image, o->udf_revision, boot_cfg) != IMG_OK) {
		img_cli_error("cannot add the UDF view", img_image_error(j->image));
		return IMG_EXIT_FAIL;
	}
	if (img_image_add_tree(j->image, j->tree) != IMG_OK) {
		img_cli_error("cannot build image", img_image_error(j->image));
		return IMG_EXIT_FAIL;
	}
	rc = apply_date_changes(j);
	if (rc >= 0)
		return rc;
	if (boot_cfg != NULL && img_boot_config_active(boot_cfg)) {
		struct img_boot_config boot = *boot_cfg;
		boot.catalog_hidden = boot.catalog_hidden || catalog_hidden(&j->hide, boot.catalog_path);
		const struct img_import_info *old = img_image_import_info(j->image);
		boot.catalog_hidden_joliet = boot.catalog_hidden_joliet ||
					     catalog_hidden(&j->hide_joliet, boot.catalog_path) ||
					     (j->replay && old != NULL && old->catalog_joliet_hidden);
		if (img_image_set_boot(j->image, &boot) != IMG_OK) {
			const struct img_error *be = img_image_error(j->image);
			/* A replayed boot image the command line removed (--rm) is named here. */
			img_cli_error(j->replay ? "cannot replay the old image's boot setup"
						: "cannot make boot media", be);
			/* Naming a file that is missing or unfit is a matter of the input. */
			return be->code == IMG_EISOFS || be->code == IMG_ENOMEM ? IMG_EXIT_FAIL
										: IMG_EXIT_USAGE;
		}
	}
	if (o->udf_revision != 0 && img_image_add_udf(j->image, o->udf_revision) != IMG_OK) {
		const struct img_error *ue = img_image_error(j->image);
		img_cli_error("cannot add the UDF view", ue);
		/* A name UDF cannot hold, or an option it does not go with, is the input's fault. */
		return ue->code == IMG_EINVAL || ue->code == IMG_ECOLLISION ||
		       ue->code == IMG_EUNSUPPORTED ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
	}
	/* libisofs, the file streams and the UDF view hold all they need now: our walk's tree
	 * (a third of the memory for 100,000 small files) can go before libisofs lays out the
	 * image and allocates its own per-file records, which then reuse its memory. */
	img_image_forget_tree(j->image);
	img_tree_free(j->tree);
	j->tree = NULL;
	return -1;
}

/* --media: the laid-out image must fit the disc (no file content is read to know). */
static int check_capacity(struct job *j)
{
	const struct mk_opts *o = j->o;
	uint64_t blocks;
	if (img_image_size(j->image, &blocks) != IMG_OK) {
		img_cli_error("cannot lay out image", img_image_error(j->image));
		return IMG_EXIT_FAIL;
	}
	if (blocks <= o->capacity)
		return -1;
	unsigned long long over = blocks - o->capacity;
	img_cli_fail("image does not fit %s: %llu blocks (%llu bytes) for %llu (%llu bytes): "
		     "%llu blocks (%llu bytes) too many", mk_media_label(o->media),
		     (unsigned long long)blocks, (unsigned long long)blocks * IMG_BLOCK_SIZE,
		     o->capacity, o->capacity * IMG_BLOCK_SIZE, over, over * IMG_BLOCK_SIZE);
	return IMG_EXIT_FAIL;
}

/* --grow: the session goes into the target after its data, then the head. */
static int grow_image(struct job *j)
{
	struct img_error e;
	j->show = j->o->progress;
	if (img_append_write(j->append, j->image, on_progress, j, &e) != IMG_OK) {
		img_cli_progress_done();
		img_cli_error("session not written", &e);
		return IMG_EXIT_FAIL;
	}
	img_cli_progress_done();
	return IMG_EXIT_OK;
}

static int write_image(struct job *j)
{
	const struct mk_opts *o = j->o;
	struct img_error e;
	if (j->append != NULL)
		return grow_image(j);
	if (img_writer_open(o->output, &j->writer, &e) != IMG_OK) {
		img_cli_error("cannot write image", &e);
		return e.code == IMG_EINVAL ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
	}
	j->show = o->progress;
	/* libburn's padding of a native xorriso's stdio: target: 300 KiB, then up to 32
	 * blocks (measured with xorriso 1.5.4: -padding 0 gives a multiple of 64 KiB too). */
	if (o->xorriso_burn_padding)
		img_writer_set_padding(j->writer, 150, 32);
	if (img_writer_run(j->writer, j->image, on_progress, j, &e) != IMG_OK ||
	    img_writer_commit(j->writer, &e) != IMG_OK) {
		img_cli_progress_done();
		img_cli_error("image not written", &e);
		/* libjte opened (and truncated) them when the image started: what it wrote
		 * since describes no image, like the temporary file the writer removes. */
		if (o->jigdo_on) {
			unlink(o->jigdo.jigdo_path);
			unlink(o->jigdo.template_path);
		}
		return IMG_EXIT_FAIL;
	}
	img_cli_progress_done();
	return IMG_EXIT_OK;
}

int mk_build(const struct mk_opts *o)
{
	struct job j = { .o = o };
	int rc = o->indev != NULL ? check_not_indev(o) : -1;
	if (rc < 0)
		rc = walk(&j);
	if (rc < 0)
		rc = make_image(&j);
	if (rc < 0 && o->capacity != 0)
		rc = check_capacity(&j);
	if (rc < 0 && o->print_size) {
		uint64_t blocks;
		if (img_image_size(j.image, &blocks) != IMG_OK) {
			img_cli_error("cannot lay out image", img_image_error(j.image));
			rc = IMG_EXIT_FAIL;
		} else {
			printf("%llu\n", (unsigned long long)blocks);
			rc = fflush(stdout) == 0 ? IMG_EXIT_OK : IMG_EXIT_FAIL;
		}
	}
	if (rc < 0)
		rc = write_image(&j);
	job_free(&j);
	return rc;
}
