/* mkimage's options: the popt table (mkisofs single-dash spellings and GNU long forms), its
 * help text, and checks of the values. */
#include <errno.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/burn/drive.h"
#include "common/burn/media.h"
#include "common/cli/cli.h"
#include "common/cli/cli_options.h"
#include "common/udf/udf.h"
#include "common/udf/udf_bridge.h"
#include "mkimage/argv_join.h"
#include "mkimage/boot_options.h"
#include "mkimage/filter_options.h"
#include "mkimage/mkimage.h"
#include "mkimage/option_scan.h"
#include "mkimage/roles.h"
#include "mkimage/name_options.h"

enum {
	OPT_ROCK = 1, OPT_NO_ROCK, OPT_RATIONAL, OPT_JOLIET, OPT_NO_JOLIET, OPT_JOLIET_LONG,
	OPT_GRAFT, OPT_FOLLOW, OPT_PRINT_SIZE, OPT_REPRODUCIBLE, OPT_UDF, OPT_UDF_ONLY, OPT_MD5, OPT_NO_MD5,
	OPT_ALLOW_LIMITED_SIZE, OPT_PAD, OPT_NO_PAD, OPT_NOOP,
};

/* What popt allocated for us, freed at the end (the ASan run checks for leaks). */
struct opt_state {
	poptContext con;
	char *output, *volid, *volset, *publisher, *preparer, *appid, *sysid, *sort;
	char *udf_rev, *media, *fs;
	bool fs_udf;                  /* --fs names udf */
	int udf_no_symlinks;          /* -no-udf-symlinks (popt sets an int) */
	char *prev, *cparams, *grow; /* -M, -C, --grow */
	char **exclude, **exclude_lists, **path_lists, **hide, **hide_joliet;
	char **hide_lists, **hide_joliet_lists, **hide_udf, **hide_udf_lists;
	char *abstract, *biblio, *copyright, *log_file, *file_dates;
	char *indev, *boot_mode;      /* --indev, --boot */
	int session;                  /* --session (0: not given) */
	char **rm, **rm_r;            /* --rm, --rm-r */
	char **volume_dates;          /* -volume_date KIND TIME, joined (argv_join.c) */
	char **alter_dates, **alter_dates_r; /* -alter_date[_r] TYPE TIME PATH, joined */
	struct img_date_change *date_changes;
	struct mk_role_line line;     /* argv as the role reads it (roles.c) */
	const char **argv;            /* line.argv with multi-argument options joined */
	char *scan_pool;              /* --NAME words made for popt (option_scan.c) */
	struct img_boot_config boot;
};

#define ONE POPT_ARGFLAG_ONEDASH

static void free_argv(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void mk_options_free(void *state)
{
	struct opt_state *s = state;
	if (s == NULL)
		return;
	if (s->con)
		poptFreeContext(s->con);
	free(s->argv);
	free(s->scan_pool);
	mk_role_line_free(&s->line);
	img_boot_config_free(&s->boot);
	mkimage_boot_lists_free();
	mkimage_filter_options_free();
	free(s->output);
	free(s->volid);
	free(s->volset);
	free(s->publisher);
	free(s->preparer);
	free(s->appid);
	free(s->sysid);
	free(s->sort);
	free(s->udf_rev);
	free(s->fs);
	free(s->media);
	free_argv(s->exclude);
	free_argv(s->exclude_lists);
	free_argv(s->path_lists);
	free_argv(s->hide);
	free_argv(s->hide_joliet);
	free_argv(s->hide_lists);
	free_argv(s->hide_joliet_lists);
	free_argv(s->hide_udf);
	free_argv(s->hide_udf_lists);
	free(s->abstract);
	free(s->biblio);
	free(s->copyright);
	free(s->log_file);
	free(s->file_dates);
	free_argv(s->volume_dates);
	free_argv(s->alter_dates);
	free_argv(s->alter_dates_r);
	free(s->date_changes);
	free(s->indev);
	free(s->boot_mode);
	free_argv(s->rm);
	free_argv(s->rm_r);
	free(s->prev);
	free(s->cparams);
	free(s->grow);
	memset(s, 0, sizeof(*s));
}

static int parse_epoch(struct mk_opts *o)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e == NULL || e[0] == '\0')
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(e, &end, 10);
	/* reproducible-builds.org: a decimal count of seconds since 1970; anything else is an
	 * error, not something to guess around. */
	if (errno != 0 || *end != '\0' || v < 0 || e[0] < '0' || e[0] > '9') {
		img_cli_usage_error("SOURCE_DATE_EPOCH=%s: want a number of seconds since 1970", e);
		return -1;
	}
	o->image.have_epoch = true;
	o->image.epoch = v;
	return 0;
}

/* A TIME of --set_all_file_dates and -volume_date: =SECONDS, or the 16-digit form of
 * --modification-date (centiseconds optional), UTC.  Returns 0 with *out set, or -1. */
static int parse_time(const char *v, long long *out)
{
	char *end;
	errno = 0;
	if (v[0] == '=') {
		long long n = strtoll(v + 1, &end, 10);
		if (errno == 0 && end != v + 1 && *end == '\0' && v[1] >= '0' && v[1] <= '9') {
			*out = n;
			return 0;
		}
	} else if (strlen(v) == 14 || strlen(v) == 16) {
		int f[6];
		bool digits = true;
		for (const char *p = v; *p; p++)
			digits &= *p >= '0' && *p <= '9';
		if (digits && sscanf(v, "%4d%2d%2d%2d%2d%2d", &f[0], &f[1], &f[2], &f[3], &f[4],
				     &f[5]) == 6 && f[1] >= 1 && f[1] <= 12 && f[2] >= 1 &&
		    f[2] <= 31 && f[3] < 24 && f[4] < 60 && f[5] < 61) {
			/* Days since 1970 of a proleptic Gregorian date (the civil-from-days
			 * inverse; timegm is not POSIX). */
			long long y = f[0] - (f[1] <= 2), era = (y >= 0 ? y : y - 399) / 400;
			long long yoe = y - era * 400, mp = (f[1] + 9) % 12;
			long long doy = (153 * mp + 2) / 5 + f[2] - 1;
			long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
			long long days = era * 146097 + doe - 719468;
			*out = days * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
			return 0;
		}
	}
	return -1;
}

static int parse_file_dates(const char *v, struct img_image_opts *io)
{
	if (parse_time(v, &io->file_dates) < 0) {
		img_cli_usage_error("--set_all_file_dates %s: want =SECONDS (since 1970) or "
				    "YYYYMMDDhhmmss[cc] (UTC)", v);
		return -1;
	}
	io->have_file_dates = true;
	return 0;
}

/* -volume_date KIND TIME (joined by argv_join.c), as xorriso's native command. */
static int parse_volume_date(const char *joined, struct img_image_opts *io)
{
	const char *sep = strchr(joined, MK_ARGV_JOIN_SEP);
	if (sep == NULL) /* --volume_date=X: one word, not two */
		sep = joined + strlen(joined);
	size_t klen = (size_t)(sep - joined);
	const char *v = *sep ? sep + 1 : "";
	static const char kinds[] = "cmxf";
	if (klen == 1 && strchr(kinds, joined[0]) != NULL) {
		int k = (int)(strchr(kinds, joined[0]) - kinds);
		long long t;
		/* libisofs takes 0 for "not set": 1970-01-01 00:00:00 cannot be written. */
		if (parse_time(v, &t) < 0 || t <= 0) {
			img_cli_usage_error("-volume_date %c %s: want =SECONDS (since 1970, not 0) "
					    "or YYYYMMDDhhmmss[cc] (UTC)", joined[0], v);
			return -1;
		}
		io->have_vol_time[k] = true;
		io->vol_time[k] = t;
		return 0;
	}
	if (klen == 4 && strncmp(joined, "uuid", 4) == 0) {
		if (strlen(v) != 16 || strspn(v, "0123456789") != 16) {
			img_cli_usage_error("-volume_date uuid %s: want YYYYMMDDhhmmsscc", v);
			return -1;
		}
		io->modification_date = v;
		return 0;
	}
	if (klen == 14 && strncmp(joined, "all_file_dates", 14) == 0)
		return parse_file_dates(v, io);
	img_cli_usage_error("-volume_date %.*s: want c, m, x, f, uuid or all_file_dates", (int)klen,
			    joined);
	return -1;
}

/* -alter_date[_r] TYPE TIME PATH (joined by argv_join.c), as xorriso's native commands,
 * one path each: into o->date_changes, -alter_date's before -alter_date_r's (roles.c keeps
 * xorriso's lines to those whose order does not matter). */
static int parse_date_changes(struct opt_state *s, struct mk_opts *o)
{
	size_t n = 0;
	for (char **v = s->alter_dates; v && *v; v++)
		n++;
	for (char **v = s->alter_dates_r; v && *v; v++)
		n++;
	if (n == 0)
		return 0;
	if ((s->date_changes = calloc(n, sizeof(*s->date_changes))) == NULL) {
		img_cli_fail("out of memory");
		return -1;
	}
	for (int r = 0; r < 2; r++)
		for (char **v = r ? s->alter_dates_r : s->alter_dates; v && *v; v++) {
			const char *name = r ? "-alter_date_r" : "-alter_date";
			char *type = *v, *time = strchr(type, MK_ARGV_JOIN_SEP);
			char *path = time ? strchr(time + 1, MK_ARGV_JOIN_SEP) : NULL;
			if (path == NULL) { /* --alter_date=X: one word, not three */
				img_cli_usage_error("%s needs 3 arguments: TYPE TIME ISO_PATH", name);
				return -1;
			}
			*time++ = '\0';
			*path++ = '\0';
			struct img_date_change *c = &s->date_changes[o->ndate_changes++];
			long long t;
			if (img_date_change_type(type, &c->which) < 0) {
				img_cli_usage_error("%s %s: want a, m, b, a-c, m-c, b-c or c", name,
						    type);
				return -1;
			}
			if (parse_time(time, &t) < 0) {
				img_cli_usage_error("%s %s %s: want =SECONDS (since 1970) or "
						    "YYYYMMDDhhmmss[cc] (UTC)", name, type, time);
				return -1;
			}
			if (path[0] != '/') {
				img_cli_usage_error("%s %s %s %s: want an absolute image path", name,
						    type, time, path);
				return -1;
			}
			c->time = (time_t)t;
			c->path = path;
			c->recursive = r == 1;
		}
	o->date_changes = s->date_changes;
	return 0;
}

/* Whether the option name is among the words of the line, in one of its spellings (-NAME,
 * --NAME, -NAME=X, --NAME=X). */
static bool line_has(const struct opt_state *s, const char *name)
{
	size_t len = strlen(name);
	for (int i = 1; i < s->line.argc; i++) {
		const char *w = s->line.argv[i];
		if (w[0] != '-')
			continue;
		w += w[1] == '-' ? 2 : 1;
		if (strncmp(w, name, len) == 0 && (w[len] == '\0' || w[len] == '='))
			return true;
	}
	return false;
}

/* Pathspecs after -as mkisofs with xorriso's native image commands: at the first one xorriso's
 * emulation turns to mkisofs's defaults (its emulators.c): ISO level 1 unless a level was given
 * (-iso-level, or -compliance iso_9660_level), a dot allowed in directory names unless
 * -disallow_dir_id_ext.  The graft points of -map are read with -graft-points, which the -as
 * arguments may not have asked for: a pathspec that would read differently then is refused. */
static int as_pathspecs(const struct opt_state *s, struct mk_opts *o)
{
	if (o->ndate_changes > 0) {
		/* xorriso dates what is there when -alter_date runs; mkimage dates the end. */
		img_cli_usage_error("%s: a pathspec after -as mkisofs with -alter_date: not "
				    "supported (give it as -map DISK_PATH ISO_PATH before "
				    "-alter_date)", o->paths[s->line.grafts]);
		return -1;
	}
	for (size_t i = (size_t)s->line.grafts; i < o->npaths; i++)
		if (s->line.grafts > 0 && !s->line.as_graft_points &&
		    strpbrk(o->paths[i], "=\\") != NULL) {
			img_cli_usage_error("%s: a pathspec with '=' or '\\' after -as mkisofs without "
					    "-graft-points, with -map or -update: not supported (give "
					    "it as -map DISK_PATH ISO_PATH)", o->paths[i]);
			return -1;
		}
	if (!line_has(s, "iso-level"))
		o->image.iso_level = 1;
	if (!line_has(s, "disallow_dir_id_ext"))
		o->image.allow_dir_id_ext = true;
	return 0;
}

/* What --media chooses, as IMAPI2's ChooseImageDefaultsForMediaType does (file systems and
 * UDF revision), with the capacity of the common recordable disc of that kind in 2048-byte
 * blocks: CD-R 80 min, DVD±R, DVD+R DL, BD-R single and dual layer. */
static const struct media {
	const char *name, *label;
	unsigned udf;
	unsigned long long blocks;
} media_table[] = {
	{ "cd", "a CD-R (80 min)", 0, 360000 },
	{ "dvd", "a DVD-R", IMG_UDF_REV_102, 2298496 },
	{ "dvd-dl", "a DVD-R DL", IMG_UDF_REV_102, 4171712 },
	{ "bd", "a BD-R", IMG_UDF_REV_250, 12219392 },
	{ "bd-dl", "a BD-R DL", IMG_UDF_REV_250, 24438784 },
};

const char *mk_media_label(const char *name)
{
	for (size_t i = 0; i < sizeof(media_table) / sizeof(media_table[0]); i++)
		if (name != NULL && strcmp(name, media_table[i].name) == 0)
			return media_table[i].label;
	return name;
}

/* --media=DEV (a device path or a stdio: address): the medium loaded there chooses the file
 * systems and the room, as IMAPI2's ChooseImageDefaults(recorder) does (common/burn/media.c). */
static int media_from_drive(struct mk_opts *o, const char *dev)
{
	static char label[1200];
	struct img_error err = {0};
	struct img_media_defaults m;
	int rc = img_burn_init(&err);
	if (rc == IMG_OK) {
		rc = img_media_defaults(dev, &m, &err);
		img_burn_finish();
	}
	if (rc != IMG_OK) {
		img_cli_error("--media", &err);
		return -1;
	}
	snprintf(label, sizeof(label), "the %s in %s", m.profile, dev);
	o->media = label;
	o->capacity = (unsigned long long)m.free_blocks;
	o->udf_revision = m.udf_revision;
	char rev[16] = "";
	if (m.udf_revision)
		snprintf(rev, sizeof(rev), ", UDF %x.%02x", m.udf_revision >> 8,
			 m.udf_revision & 0xff);
	img_cli_verbose("--media %s: %s with %lld blocks free: ISO 9660%s%s", dev, m.profile,
			(long long)m.free_blocks, o->image.joliet ? ", Joliet" : "", rev);
	return 0;
}

/* --fs LIST (IMAPI2's FileSystemsToCreate): iso, joliet and udf, comma-separated.  The
 * ISO 9660 volume descriptors are always written; without iso in the list its tree holds only
 * the README of --udf-only (and so does Joliet's, if asked).  It says everything -J, -udf and
 * --udf-only say, so it takes none of them. */
static int parse_fs(struct mk_opts *o, struct opt_state *s, bool udf)
{
	const char *list = s->fs;
	if (udf || o->image.udf_only || o->joliet_given) {
		img_cli_usage_error("--fs %s says which file systems to write: drop -J, -joliet-long, "
				    "--no-joliet, -udf and --udf-only", list);
		return -1;
	}
	bool iso = false, joliet = false, u = false;
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (n == 3 && strncmp(p, "iso", 3) == 0)
			iso = true;
		else if (n == 6 && strncmp(p, "joliet", 6) == 0)
			joliet = true;
		else if (n == 3 && strncmp(p, "udf", 3) == 0)
			u = true;
		else {
			img_cli_usage_error("--fs %s: want a comma list of iso, joliet and udf", list);
			return -1;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	if (!iso && !u) {
		img_cli_usage_error("--fs %s: Joliet needs iso or udf beside it (an ISO9660 tree, or "
				    "a UDF one with the README in the others)", list);
		return -1;
	}
	o->image.joliet = joliet;
	o->joliet_given = true;
	o->image.udf_only = !iso;
	s->fs_udf = u;
	return 0;
}

/* -udf / --udf-rev / --media: an explicit UDF choice overrides the media's default. */
static int parse_udf_media(struct mk_opts *o, const struct opt_state *s, bool udf)
{
	unsigned rev = 0;
	if (s->udf_rev != NULL && img_udf_parse_revision(s->udf_rev, &rev) != IMG_OK) {
		img_cli_usage_error("--udf-rev %s: want 1.02, 1.50, 2.01, 2.50 or 2.60",
				    s->udf_rev);
		return -1;
	}
	if (s->media != NULL && (s->media[0] == '/' || strncmp(s->media, "stdio:", 6) == 0)) {
		if (media_from_drive(o, s->media) < 0)
			return -1;
	} else if (s->media != NULL) {
		const struct media *m = NULL;
		for (size_t i = 0; i < sizeof(media_table) / sizeof(media_table[0]); i++)
			if (strcmp(s->media, media_table[i].name) == 0)
				m = &media_table[i];
		if (m == NULL) {
			img_cli_usage_error("--media %s: want cd, dvd, dvd-dl, bd, bd-dl, or a drive "
					    "(/dev/sr0, stdio:FILE)", s->media);
			return -1;
		}
		o->media = m->name;
		o->capacity = m->blocks;
		o->udf_revision = m->udf;
	}
	if (rev != 0)
		o->udf_revision = rev;
	else if (udf && o->udf_revision == 0)
		o->udf_revision = IMG_UDF_REV_102;
	if (s->fs != NULL && !s->fs_udf)
		o->udf_revision = 0; /* --fs without udf: none, whatever --media says */
	return 0;
}

/* popt keeps pointers to the table and the values for the life of the context. */
static struct opt_state S;

/* A block number of -C: digits only, below 2^32. */
static bool parse_block(const char *v, const char *end, uint32_t *out)
{
	unsigned long long n = 0;
	if (v == end)
		return false;
	for (const char *p = v; p < end; p++) {
		if (*p < '0' || *p > '9' || n > UINT32_MAX / 10)
			return false;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n > UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

/* -M, -C and --grow: which go together, and what they do not go with (UDF, jigdo). */
static int parse_sessions(struct mk_opts *o, const struct opt_state *s)
{
	o->prev = s->prev;
	o->grow = s->grow;
	if (s->cparams != NULL) {
		const char *comma = strchr(s->cparams, ',');
		if (comma == NULL || !parse_block(s->cparams, comma, &o->c_last) ||
		    !parse_block(comma + 1, comma + strlen(comma), &o->c_next)) {
			img_cli_usage_error("-C %s: want LAST,NEXT (two block numbers, as "
					    "cdrecord -msinfo prints them)", s->cparams);
			return -1;
		}
		o->have_c = true;
	}
	if (o->prev != NULL && !o->have_c) {
		img_cli_usage_error("-M needs -C LAST,NEXT: where the session to continue starts "
				    "and where the new one will be written (imgburn --msinfo, "
				    "cdrecord -msinfo)");
		return -1;
	}
	if (o->grow != NULL && (o->prev != NULL || o->have_c || s->output != NULL)) {
		img_cli_usage_error("--grow IMAGE writes into IMAGE: it goes with neither -o, -M "
				    "nor -C");
		return -1;
	}
	if (o->prev == NULL && !o->have_c && o->grow == NULL)
		return 0;
	const char *opt = o->grow ? "--grow" : o->prev ? "-M" : "-C";
	if (o->udf_revision != 0) {
		/* UDF readers find the file system through anchors at block 256 and at the end
		 * of the medium (ECMA-167 3/8.4.2.1) in the first session: a later session
		 * cannot move them without overwriting the older one, and a UDF multisession
		 * (a VAT, UDF 2.60 2.2.11) is not what the bridge writes. */
		img_cli_usage_error("%s cannot go with a UDF view: UDF readers look for it at "
				    "block 256 of the first session, which a new session cannot "
				    "move without overwriting the older one", opt);
		return -1;
	}
	if (o->jigdo_on) {
		img_cli_usage_error("%s cannot go with jigdo: a template of one session "
				    "describes no image", opt);
		return -1;
	}
	return 0;
}

static struct poptOption table[] = {
	{ "output", 'o', POPT_ARG_STRING, &S.output, 0,
	  "write the image to FILE; - is stdout (never a terminal)", "FILE" },
	{ "volid", 'V', POPT_ARG_STRING, &S.volid, 0,
	  "volume id (default CDROM)", "ID" },
	{ "volset", 0, POPT_ARG_STRING | ONE, &S.volset, 0, "volume set id", "ID" },
	{ "publisher", 'P', POPT_ARG_STRING | ONE, &S.publisher, 0, "publisher id", "ID" },
	{ "preparer", 'p', POPT_ARG_STRING | ONE, &S.preparer, 0, "data preparer id",
	  "ID" },
	{ "appid", 'A', POPT_ARG_STRING | ONE, &S.appid, 0, "application id", "ID" },
	{ "sysid", 0, POPT_ARG_STRING | ONE, &S.sysid, 0, "system id", "ID" },
	{ "abstract", 0, POPT_ARG_STRING | ONE, &S.abstract, 0,
	  "abstract file id: the name of a file in the root (written in d-characters)", "FILE" },
	{ "biblio", 0, POPT_ARG_STRING | ONE, &S.biblio, 0,
	  "bibliographic file id: the name of a file in the root", "FILE" },
	{ "copyright", 0, POPT_ARG_STRING | ONE, &S.copyright, 0,
	  "copyright file id: the name of a file in the root", "FILE" },
	{ "rock", 'R', POPT_ARG_NONE | ONE, NULL, OPT_ROCK,
	  "Rock Ridge: POSIX names, modes, owners, links (default on)", NULL },
	{ "no-rock", 0, POPT_ARG_NONE, NULL, OPT_NO_ROCK, "no Rock Ridge", NULL },
	{ "norock", 0, POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_NO_ROCK,
	  "xorriso -as mkisofs's spelling of --no-rock", NULL },
	{ "rational-rock", 'r', POPT_ARG_NONE | ONE, NULL, OPT_RATIONAL,
	  "Rock Ridge with owners 0 and modes a+r,a-w (a+x where any x)", NULL },
	{ "joliet", 'J', POPT_ARG_NONE | ONE, NULL, OPT_JOLIET,
	  "Joliet names for Windows (default on)", NULL },
	{ "no-joliet", 0, POPT_ARG_NONE, NULL, OPT_NO_JOLIET, "no Joliet tree", NULL },
	{ "joliet-long", 0, POPT_ARG_NONE | ONE, NULL, OPT_JOLIET_LONG,
	  "Joliet names up to 103 characters instead of 64", NULL },
	{ "graft-points", 0, POPT_ARG_NONE | ONE, NULL, OPT_GRAFT,
	  "PATH arguments may be /in/image=/on/disk (\\= for a literal =)", NULL },
	{ "path-list", 0, POPT_ARG_ARGV | ONE, &S.path_lists, 0,
	  "read more PATH arguments from FILE, one per line", "FILE" },
	{ "exclude", 'm', POPT_ARG_ARGV | ONE, &S.exclude, 0,
	  "leave out entries whose name or disk path matches GLOB", "GLOB" },
	{ "old-exclude", 'x', POPT_ARG_ARGV | ONE, &S.exclude, 0, "the same as -m", "GLOB" },
	{ "exclude-list", 0, POPT_ARG_ARGV | ONE, &S.exclude_lists, 0,
	  "read -m GLOBs from FILE, one per line", "FILE" },
	{ "follow-links", 'f', POPT_ARG_NONE | ONE, NULL, OPT_FOLLOW,
	  "store what symlinks point to instead of the links (loops are errors)", NULL },
	{ "hide", 0, POPT_ARG_ARGV | ONE, &S.hide, 0,
	  "hide matches of GLOB (name, disk or image path) from ISO9660 and Rock Ridge",
	  "GLOB" },
	{ "hide-joliet", 0, POPT_ARG_ARGV | ONE, &S.hide_joliet, 0,
	  "hide matches of GLOB from the Joliet tree", "GLOB" },
	{ "hide-list", 0, POPT_ARG_ARGV | ONE, &S.hide_lists, 0,
	  "read -hide GLOBs from FILE, one per line", "FILE" },
	{ "hide-joliet-list", 0, POPT_ARG_ARGV | ONE, &S.hide_joliet_lists, 0,
	  "read -hide-joliet GLOBs from FILE, one per line", "FILE" },
	{ "hide-udf", 0, POPT_ARG_ARGV | ONE, &S.hide_udf, 0,
	  "hide matches of GLOB from the UDF view (cdrtools mkisofs; implies -udf)", "GLOB" },
	{ "hide-udf-list", 0, POPT_ARG_ARGV | ONE, &S.hide_udf_lists, 0,
	  "read -hide-udf GLOBs from FILE, one per line (implies -udf)", "FILE" },
	{ "sort", 0, POPT_ARG_STRING | ONE, &S.sort, 0,
	  "place file data by weight: lines \"DISKPATH-OR-GLOB WEIGHT\", heavier first",
	  "FILE" },
	{ "print-size", 0, POPT_ARG_NONE | ONE, NULL, OPT_PRINT_SIZE,
	  "print the image size in 2048-byte blocks and exit (reads no file content); with "
	  "-M, -C or --grow the new session's size", NULL },
	{ "prev-session", 'M', POPT_ARG_STRING | ONE, &S.prev, 0,
	  "a new session after the one of IMAGE (file, device or stdio:PATH) that -C names: "
	  "keeps its files (refers to their data), adds PATHs, writes only the new session",
	  "IMAGE" },
	{ "cdrecord-params", 'C', POPT_ARG_STRING | ONE, &S.cparams, 0,
	  "LAST,NEXT as cdrecord -msinfo prints them: the session to continue starts at block "
	  "LAST, the new one will be written at block NEXT", "LAST,NEXT" },
	{ "grow", 0, POPT_ARG_STRING, &S.grow, 0,
	  "add a session to IMAGE in place (a file or an overwritable medium: DVD+RW, BD-RE, "
	  "USB stick), after its data, and rewrite its first 64 KiB to point at it", "IMAGE" },
	{ "reproducible", 0, POPT_ARG_NONE, NULL, OPT_REPRODUCIBLE,
	  "like -r, and volume dates from the newest file when SOURCE_DATE_EPOCH is unset",
	  NULL },
	{ "udf", 0, POPT_ARG_NONE | ONE, NULL, OPT_UDF,
	  "add a UDF view over the same file data (a UDF bridge; revision 1.02 unless "
	  "--udf-rev says otherwise)", NULL },
	{ "UDF", 0, POPT_ARG_NONE | ONE, NULL, OPT_UDF,
	  "cdrtools mkisofs's spelling of -udf (a UDF view; its -udf also applies -r)", NULL },
	{ "allow-limited-size", 0, POPT_ARG_NONE | ONE, NULL, OPT_ALLOW_LIMITED_SIZE,
	  "genisoimage: allow files of 4 GiB or more (implies -udf; UDF holds their size, the "
	  "ISO9660 tree multi-extent records at level 2 or 3; refused at level 1)", NULL },
	{ "udf-only", 0, POPT_ARG_NONE | ONE, NULL, OPT_UDF_ONLY,
	  "every file in the UDF view only; the ISO9660 (and Joliet) tree holds just a "
	  "README.TXT saying the disc needs a UDF reader (implies -udf)", NULL },
	{ "udf-symlinks", 0, POPT_ARG_VAL | ONE, &S.udf_no_symlinks, 0,
	  "symbolic links in the UDF view (the default; cdrtools mkisofs's spelling)", NULL },
	{ "no-udf-symlinks", 0, POPT_ARG_VAL | ONE, &S.udf_no_symlinks, 1,
	  "leave symbolic links out of the UDF view (cdrtools mkisofs: for readers that refuse "
	  "them, such as 7-Zip)", NULL },
	{ "fs", 0, POPT_ARG_STRING, &S.fs, 0,
	  "the file systems to write, as IMAPI2 names them: a comma list of iso, joliet, udf "
	  "(udf without iso: --udf-only)", "LIST" },
	{ "udf-rev", 0, POPT_ARG_STRING, &S.udf_rev, 0,
	  "UDF revision: 1.02 (default), 1.50, 2.01, 2.50 (Blu-ray) or 2.60; implies -udf",
	  "REV" },
	{ "media", 0, POPT_ARG_STRING, &S.media, 0,
	  "defaults for the target and a capacity check: cd (ISO9660+Joliet, 360,000 blocks), "
	  "dvd (+UDF 1.02, 2,298,496), dvd-dl (4,171,712), bd (+UDF 2.50, 12,219,392), "
	  "bd-dl (24,438,784); or a drive (/dev/sr0, stdio:FILE): from the medium in it",
	  "MEDIA|DEV" },
	{ "pad", 0, POPT_ARG_NONE | ONE, NULL, OPT_PAD,
	  "add 150 zero blocks (300 KiB) after the image (the default of genisoimage and "
	  "xorriso -as mkisofs)", NULL },
	{ "no-pad", 0, POPT_ARG_NONE | ONE, NULL, OPT_NO_PAD,
	  "no padding (mkimage's default)", NULL },
	{ "set_all_file_dates", 0, POPT_ARG_STRING, &S.file_dates, 0,
	  "every file's times: =SECONDS since 1970 or YYYYMMDDhhmmss[cc] (UTC)", "TIME" },
	{ "volume_date", 0, POPT_ARG_ARGV | ONE, &S.volume_dates, 0,
	  "as xorriso's native command: KIND c, m, x or f (volume creation, modification, "
	  "expiration, effective date), uuid (as --modification-date) or all_file_dates (as "
	  "--set_all_file_dates); TIME =SECONDS or YYYYMMDDhhmmss[cc] (UTC)", "KIND TIME" },
	{ "alter_date", 0, POPT_ARG_ARGV | ONE, &S.alter_dates, 0,
	  "as xorriso's native command, one path: set dates of ISO_PATH; TYPE a (access), m "
	  "(modification), b (both; these three set the change time to now), a-c, m-c, b-c "
	  "(without), c (change time); TIME =SECONDS or YYYYMMDDhhmmss[cc] (UTC)",
	  "TYPE TIME ISO_PATH" },
	{ "alter_date_r", 0, POPT_ARG_ARGV | ONE, &S.alter_dates_r, 0,
	  "the same for ISO_PATH and everything below it", "TYPE TIME ISO_PATH" },
	{ "indev", 0, POPT_ARG_STRING, &S.indev, 0,
	  "remaster: start from the tree of the ISO 9660 image OLD (a file, a block device or "
	  "stdio:PATH); PATHs are added on top (a directory merges, anything else of the same "
	  "name is replaced), --rm and --rm-r remove; unchanged file data is read from OLD",
	  "OLD" },
	{ "session", 0, POPT_ARG_INT | ONE, &S.session, 0,
	  "with --indev: start from session N of OLD (1 the oldest, as xorriso -toc, -load "
	  "session N and imginfo --sessions number them) instead of the newest", "N" },
	{ "rm", 0, POPT_ARG_ARGV, &S.rm, 0,
	  "with --indev: remove PATH (a file, a symlink or an empty directory) of the old image",
	  "PATH" },
	{ "rm-r", 0, POPT_ARG_ARGV, &S.rm_r, 0,
	  "with --indev: remove PATH of the old image with everything below it", "PATH" },
	{ "boot", 0, POPT_ARG_STRING, &S.boot_mode, 0,
	  "with --indev, -M or --grow: replay (the default) makes the old image's boot records "
	  "again for the new addresses; keep-none drops them (El Torito, system area, appended "
	  "partitions)",
	  "replay|keep-none" },
	{ "log-file", 0, POPT_ARG_STRING | ONE, &S.log_file, 0,
	  "write messages to FILE instead of stderr", "FILE" },
	/* No-ops, each truly one for us: */
	{ "cache-inodes", 0, POPT_ARG_NONE | ONE, NULL, OPT_NOOP,
	  "accepted: mkimage always finds hard links by device and inode", NULL },
	{ "hardlinks", 0, POPT_ARG_NONE, NULL, OPT_NOOP,
	  "accepted: hard links are always recorded (with Rock Ridge)", NULL },
	{ "joliet-utf16", 0, POPT_ARG_NONE | ONE, NULL, OPT_NOOP,
	  "accepted: Joliet names are always UTF-16", NULL },
	{ "no-emul-toc", 0, POPT_ARG_NONE, NULL, OPT_NOOP,
	  "accepted: images of -o never get xorriso's multisession table of contents "
	  "emulation (only --grow writes that layout)", NULL },
	{ "no_rc", 0, POPT_ARG_NONE, NULL, OPT_NOOP,
	  "accepted: mkimage reads no startup files", NULL },
	{ "gui", 0, POPT_ARG_NONE | ONE, NULL, OPT_NOOP,
	  "accepted: it only changes how often the originals report progress", NULL },
	{ "md5", 0, POPT_ARG_NONE, NULL, OPT_MD5,
	  "record MD5s of the session and of every file, for imginfo --check and xorriso "
	  "-check_md5 (slower: libisofs hashes every data byte twice)", NULL },
	{ "no-md5", 0, POPT_ARG_NONE, NULL, OPT_NO_MD5,
	  "record no MD5s (the default)", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, mkimage_name_options, 0,
	  "ISO9660 names and file attributes (mkisofs spellings):", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, mkimage_boot_options, 0,
	  "Boot media (El Torito entries: -b or -e starts one, -eltorito-alt-boot ends it;\n"
	  "hybrid MBR/GPT for USB sticks):", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, mkimage_filter_options, 0,
	  "Jigdo (as debian-cd makes it) and zisofs compression:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, img_cli_common_options, 0,
	  "Options of mkimage, imginfo and imgburn (-quiet also with one dash; progress\n"
	  "goes to stderr, stdout may be the image):", NULL },
	POPT_TABLEEND
};


/* --indev, --rm, --rm-r and --boot.  Returns -1 after a usage error it reported. */
static int parse_indev(struct mk_opts *o, struct opt_state *s)
{
	/* -M and --grow continue an old image too (their own checks: parse_sessions). */
	bool old = s->prev != NULL || s->grow != NULL;
	if (s->indev == NULL && !old) {
		if (s->rm != NULL || s->rm_r != NULL || s->boot_mode != NULL || s->session != 0) {
			img_cli_usage_error("%s needs --indev", s->rm ? "--rm" : s->rm_r ? "--rm-r"
								 : s->boot_mode ? "--boot" : "--session");
			return -1;
		}
		return 0;
	}
	if (s->indev != NULL && (s->indev[0] == '\0' || strcmp(s->indev, "stdio:") == 0)) {
		img_cli_usage_error("--indev: empty path");
		return -1;
	}
	if (s->indev != NULL && old) {
		img_cli_usage_error("--indev makes a new image from an old one; -M and --grow "
				    "make a new session: give one of them");
		return -1;
	}
	if (s->session != 0 && (s->indev == NULL || s->session < 0)) {
		img_cli_usage_error(s->session < 0 ? "--session: N counts from 1"
						   : "--session needs --indev (-M and --grow continue the "
						     "newest session)");
		return -1;
	}
	o->indev = s->indev;
	o->indev_session = s->session;
	o->rm = (const char **)s->rm;
	o->rm_r = (const char **)s->rm_r;
	if (s->boot_mode == NULL || strcmp(s->boot_mode, "replay") == 0) {
		o->boot_keep_none = false;
	} else if (strcmp(s->boot_mode, "keep-none") == 0) {
		o->boot_keep_none = true;
	} else {
		img_cli_usage_error("--boot %s: want replay or keep-none", s->boot_mode);
		return -1;
	}
	/* The old image's ids stay unless given here (the defaults of a new image, such as
	 * volume id CDROM, would replace them otherwise).  The role's own default volume id
	 * is kept for the first session of a blank --grow target (xorriso -dev: ISOIMAGE). */
	o->blank_volid = o->image.volid;
	o->image.volid = s->volid;
	o->image.volset = s->volset;
	o->image.sysid = s->sysid;
	return 0;
}

int mk_options_parse(int argc, const char **argv, struct mk_opts *o, void **state)
{
	struct opt_state *s = &S;
	*state = s;
	memset(o, 0, sizeof(*o));
	img_image_opts_default(&o->image);

	char why[1024];
	enum mk_role_verdict rv = mk_role_read(argc, argv, &s->line, why, sizeof(why));
	if (rv == MK_ROLE_USAGE) {
		img_cli_usage_error("%s", why);
		return IMG_EXIT_USAGE;
	}
	if (rv == MK_ROLE_REFUSED) {
		img_cli_fail("%s", why);
		return IMG_EXIT_USAGE;
	}
	enum mk_role role = s->line.role;
	mk_role_defaults(role, &o->image, &o->output);
	img_boot_config_init(&s->boot);
	mkimage_boot_options_bind(&s->boot);
	mkimage_name_options_bind(&o->image);
	int joined_argc;
	if (mk_argv_join(s->line.argc, s->line.argv, &s->argv, &joined_argc, why,
			 sizeof(why)) != 0) {
		img_cli_usage_error("%s", why);
		return IMG_EXIT_USAGE;
	}
	if (role != MK_ROLE_MKIMAGE) {
		for (int i = 1; i < joined_argc && strcmp(s->argv[i], "--") != 0; i++)
			if (strcmp(s->argv[i], "-help") == 0 || strcmp(s->argv[i], "--help") == 0) {
				mk_role_print_help(&s->line, table);
				return IMG_EXIT_OK;
			}
	}
	switch (mk_scan_argv(table, joined_argc, s->argv, role != MK_ROLE_MKIMAGE, &s->scan_pool,
			     why, sizeof(why))) {
	case MK_SCAN_OK:
		break;
	case MK_SCAN_USAGE:
		img_cli_usage_error("%s", why);
		return IMG_EXIT_USAGE;
	case MK_SCAN_REFUSED:
		img_cli_fail("%s", why);
		return IMG_EXIT_USAGE;
	}
	img_cli_common_begin(IMG_CLI_PROGRESS | IMG_CLI_MKISOFS);
	s->con = poptGetContext("mkimage", joined_argc, s->argv, table, 0);
	poptSetOtherOptionHelp(s->con,
		"[OPTIONS] -o OUTPUT PATH...\n"
		"Builds an ISO9660 image (level 3, Rock Ridge and Joliet by default) from PATHs.\n"
		"Reproducible: entries sorted by name; SOURCE_DATE_EPOCH sets the volume dates\n"
		"and clamps newer file times.  Exit: 0 ok, 1 failed, 2 usage or unreadable input.");
	int c;
	bool udf = false, allow_limited_size = false;
	/* Native xorriso writes Joliet only when told (-joliet on), whatever the old image had. */
	o->joliet_given = role == MK_ROLE_XORRISO;
	while ((c = poptGetNextOpt(s->con)) > 0) {
		switch (c) {
		case OPT_ROCK: o->image.rock = true; break;
		case OPT_NO_ROCK: o->image.rock = false; break;
		case OPT_RATIONAL:
			o->image.rock = true;
			o->image.rationalize = true;
			break;
		case OPT_JOLIET: o->image.joliet = true; o->joliet_given = true; break;
		case OPT_NO_JOLIET: o->image.joliet = false; o->joliet_given = true; break;
		case OPT_JOLIET_LONG:
			o->joliet_given = true;
			o->image.joliet = true;
			o->image.joliet_long = true;
			break;
		case OPT_GRAFT: o->graft_points = true; break;
		case OPT_FOLLOW: o->follow = true; break;
		case OPT_PRINT_SIZE: o->print_size = true; break;
		case OPT_MD5: o->image.md5 = true; break;
		case OPT_NO_MD5: o->image.md5 = false; break;
		case OPT_REPRODUCIBLE:
			o->reproducible = true;
			o->image.rationalize = true;
			break;
		case OPT_UDF_ONLY: o->image.udf_only = true; break;
		case OPT_UDF: udf = true; break;
		case OPT_ALLOW_LIMITED_SIZE: udf = allow_limited_size = true; break;
		case OPT_PAD: o->image.pad_blocks = 150; o->pad_given = true; break;
		case OPT_NO_PAD: o->image.pad_blocks = 0; o->pad_given = true; break;
		case OPT_NOOP: break;
		}
	}
	if (c < -1) {
		img_cli_usage_error("%s: %s", poptBadOption(s->con, POPT_BADOPTION_NOALIAS),
				    poptStrerror(c));
		return IMG_EXIT_USAGE;
	}
	struct img_cli_common common;
	int rc = img_cli_common_finish(s->con, &common);
	if (rc >= 0)
		return rc;
	o->progress = img_cli_progress_shown(&common);
	if (mkimage_boot_options_finish() != 0 || mkimage_name_options_finish() != 0)
		return IMG_EXIT_USAGE;
	o->boot = &s->boot;
	o->image.modification_date = mkimage_boot_modification_date();
	if (s->output)
		o->output = s->output;
	if (s->volid)
		o->image.volid = s->volid;
	if (s->volset)
		o->image.volset = s->volset;
	o->image.publisher = s->publisher;
	o->image.preparer = s->preparer;
	o->image.appid = s->appid;
	if (s->sysid)
		o->image.sysid = s->sysid;
	o->sort_file = s->sort;
	o->exclude = (const char **)s->exclude;
	o->exclude_lists = (const char **)s->exclude_lists;
	o->path_lists = (const char **)s->path_lists;
	o->hide = (const char **)s->hide;
	o->hide_joliet = (const char **)s->hide_joliet;
	o->hide_lists = (const char **)s->hide_lists;
	o->hide_joliet_lists = (const char **)s->hide_joliet_lists;
	o->hide_udf = (const char **)s->hide_udf;
	o->hide_udf_lists = (const char **)s->hide_udf_lists;
	o->image.abstract = s->abstract;
	o->image.biblio = s->biblio;
	o->image.copyright = s->copyright;
	if (s->file_dates != NULL && parse_file_dates(s->file_dates, &o->image) < 0)
		return IMG_EXIT_USAGE;
	for (char **v = s->volume_dates; v && *v; v++)
		if (parse_volume_date(*v, &o->image) < 0)
			return IMG_EXIT_USAGE;
	if (parse_date_changes(s, o) < 0)
		return IMG_EXIT_USAGE;
	o->paths = poptGetArgs(s->con);
	for (o->npaths = 0; o->paths && o->paths[o->npaths]; o->npaths++)
		;
	if (role == MK_ROLE_XORRISO && o->npaths > (size_t)s->line.grafts &&
	    as_pathspecs(s, o) < 0)
		return IMG_EXIT_USAGE;
	if (parse_indev(o, s) < 0)
		return IMG_EXIT_USAGE;
	/* xorriso's replay runs -report_el_torito cmd, whose -volume_date uuid is the old image's
	 * modification date (then the new image's volume dates and GPT GUIDs). */
	/* xorriso -as mkisofs -M applies -r, -uid, -gid, -file-mode and -dir-mode to the old
	 * session's files as well; genisoimage -M (and mkimage's own role) to the added ones
	 * only (measured with xorriso 1.5.4 and genisoimage 1.1.11). */
	o->attrs_on_old = role == MK_ROLE_XORRISOFS || role == MK_ROLE_XORRISO;
	o->xorriso_find = s->line.find;
	o->xorriso_find_start = s->line.find_start;
	o->xorriso_pkt_output = s->line.pkt_output;
	o->xorriso_burn_padding = s->line.burn_padding && !o->pad_given;
	o->xorriso_replay = role == MK_ROLE_XORRISO && s->boot_mode != NULL &&
				strcmp(s->boot_mode, "replay") == 0;
	if (o->npaths == 0 && o->path_lists == NULL && o->indev == NULL && s->prev == NULL &&
	    s->grow == NULL) {
		img_cli_usage_error("no PATH to put in the image");
		return IMG_EXIT_USAGE;
	}
	if (o->output == NULL && !o->print_size && s->grow == NULL) {
		img_cli_usage_error("no output: give -o FILE (or -o - for stdout)");
		return IMG_EXIT_USAGE;
	}
	if (s->fs != NULL && parse_fs(o, s, udf) < 0)
		return IMG_EXIT_USAGE;
	/* cdrtools mkisofs: -hide-udf asks for UDF too. */
	udf = udf || s->fs_udf || o->image.udf_only || s->hide_udf != NULL ||
	      s->hide_udf_lists != NULL;
	/* genisoimage's -allow-limited-size lets files of 4 GiB or more in (and implies -udf):
	 * their UDF entries hold the full size, their ISO 9660 records a size cut to 32 bits.
	 * libisofs writes no such record; it writes them whole as multi-extent files at level 3
	 * and refuses them below.  Levels 2 and 3 name and place everything else alike (libisofs
	 * 1.5.4 tests level 3 only for that size check), so level 2 becomes 3; level 1 stays
	 * (level 3 would change its 8.3 names) and such a file is refused there. */
	if (allow_limited_size && o->image.iso_level == 2)
		o->image.iso_level = 3;
	/* The UDF view of a remastered image comes from libisofs's tree, in which --udf-only
	 * hides every entry from the other trees: -hide could not be told apart there. */
	if (o->indev != NULL && o->image.udf_only && (o->hide != NULL || o->hide_lists != NULL)) {
		img_cli_usage_error("-hide with --indev and --udf-only: not supported (--rm takes "
				    "entries out)");
		return IMG_EXIT_USAGE;
	}
	/* The UDF view of a remastered image is built from libisofs's tree, which keeps no mark
	 * of ours. */
	if (o->indev != NULL && (o->hide_udf != NULL || o->hide_udf_lists != NULL)) {
		img_cli_usage_error("-hide-udf with --indev: not supported");
		return IMG_EXIT_USAGE;
	}
	o->image.udf_no_symlinks = s->udf_no_symlinks != 0;
	if (parse_epoch(o) < 0)
		return IMG_EXIT_USAGE;
	if (parse_udf_media(o, s, udf) < 0)
		return IMG_EXIT_USAGE;
	if (o->ndate_changes > 0 && o->udf_revision != 0) {
		/* The UDF view takes its dates from the walk, before -alter_date changes them. */
		img_cli_usage_error("-alter_date: not supported with a UDF view");
		return IMG_EXIT_USAGE;
	}
	if (mkimage_filter_options_finish(o) != 0)
		return IMG_EXIT_USAGE;
	if (o->indev != NULL && o->jigdo_on) {
		/* libjte matches files of the image by their disk names: the old image's files
		 * have none. */
		img_cli_usage_error("jigdo with --indev: not supported (the old image's files have "
				    "no disk names for the .jigdo)");
		return IMG_EXIT_USAGE;
	}
	if (parse_sessions(o, s) < 0)
		return IMG_EXIT_USAGE;
	if (o->image.md5 && !o->image.rock) {
		/* Readers find the checksum array and tags through AAIP records, which live in
		 * Rock Ridge's SUSP area: without them xorriso reports an MD5 mismatch. */
		img_cli_usage_error("--md5 needs Rock Ridge (drop --no-rock)");
		return IMG_EXIT_USAGE;
	}
	if (s->log_file != NULL) {
		/* genisoimage and xorriso: every message, warnings and errors included, goes to
		 * the log file from here on; usage errors, all found by now, stay on stderr. */
		FILE *f = fopen(s->log_file, "w");
		if (f == NULL) {
			img_cli_usage_error("-log-file %s: %s", s->log_file, strerror(errno));
			return IMG_EXIT_USAGE;
		}
		fflush(stderr);
		if (dup2(fileno(f), STDERR_FILENO) < 0) {
			img_cli_usage_error("-log-file %s: %s", s->log_file, strerror(errno));
			fclose(f);
			return IMG_EXIT_USAGE;
		}
		fclose(f);
	}
	return -1;
}
