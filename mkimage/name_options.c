/* mkimage's ISO 9660 name and file-attribute options: the spellings of genisoimage and
 * xorriso -as mkisofs, mapped onto img_image_opts as xorriso maps them onto libisofs. */
#include "mkimage/name_options.h"

#include <errno.h>
#include <grp.h>
#include <iconv.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/file_attr.h"
#include "common/cli/cli.h"

enum {
	OPT_FULL_NAMES = 1, OPT_MAX_NAMES, OPT_UNTRANSLATED, OPT_UNTRANSLATED_LEN, OPT_DEEP,
	OPT_OMIT_VERSION, OPT_OMIT_PERIOD, OPT_LEADING_DOTS, OPT_LOWERCASE, OPT_MULTIDOT,
	OPT_RELAXED, OPT_NO_TRANSLATE, OPT_NO_DIR_EXT, OPT_LEVEL, OPT_IN_CS, OPT_OUT_CS, OPT_J_CS,
	OPT_DIR_MODE, OPT_FILE_MODE, OPT_NEW_DIR_MODE, OPT_UID, OPT_GID,
};

static struct img_image_opts *target;
static bool full_names;           /* -l seen: level 2 at least, wherever -iso-level stands */
static bool level_given;          /* -iso-level 1, 2 or 3 seen */
static char ignored[64];          /* the first option that xorriso, too, leaves to libisofs */
static char problem[600];         /* the first error met while parsing */
/* Copies: popt's argument pointers do not outlive the callback. */
static char in_cs[64], out_cs[64];

void mkimage_name_options_bind(struct img_image_opts *image)
{
	target = image;
	full_names = false;
	level_given = false;
	ignored[0] = problem[0] = '\0';
}

static void complain(const char *option, const char *arg, const char *want)
{
	if (problem[0] == '\0')
		snprintf(problem, sizeof(problem), "-%s %s: %s", option, arg, want);
}

bool mkimage_parse_mode(const char *arg, mode_t *out)
{
	return img_file_mode_parse(arg, out) == IMG_OK;
}

bool mkimage_parse_id(const char *arg, bool want_group, unsigned long *out)
{
	if (img_file_id_parse(arg, out) == IMG_OK)
		return true;
	/* mkisofs takes numbers only; xorriso also takes names, which scripts may pass. */
	if (arg[0] == '\0')
		return false;
	if (want_group) {
		struct group *g = getgrnam(arg);
		if (g == NULL)
			return false;
		*out = (unsigned long)g->gr_gid;
	} else {
		struct passwd *p = getpwnam(arg);
		if (p == NULL)
			return false;
		*out = (unsigned long)p->pw_uid;
	}
	return true;
}

/* A charset name for iconv: "default" is ISO-8859-1, as in mkisofs and xorriso. */
static void set_charset(const char *option, const char *arg, char *buf, size_t len,
			const char **slot)
{
	if (strcmp(arg, "default") == 0)
		arg = "ISO-8859-1";
	iconv_t from = arg[0] && strlen(arg) < len ? iconv_open("UTF-8", arg) : (iconv_t)-1;
	iconv_t to = arg[0] && strlen(arg) < len ? iconv_open(arg, "UTF-8") : (iconv_t)-1;
	if (from != (iconv_t)-1)
		iconv_close(from);
	if (to != (iconv_t)-1)
		iconv_close(to);
	/* libisofs converts with iconv: a name iconv does not know would fail the write. */
	if (from == (iconv_t)-1 || to == (iconv_t)-1) {
		complain(option, arg, "not a character set iconv knows (iconv -l lists them)");
		return;
	}
	snprintf(buf, len, "%s", arg);
	*slot = buf;
}

static void set_level(const char *arg)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > 4) {
		complain("iso-level", arg, "want 1, 2, 3 or 4");
		return;
	}
	/* Level 4 is ISO 9660:1999 (mkisofs's "version 2"): its own tree beside the ECMA-119
	 * one, which is level 3 unless -iso-level 1..3 said otherwise (xorriso: do_iso1999
	 * with its own default level, 3; finish applies that). */
	if (v == 4) {
		target->iso1999 = true;
	} else {
		target->iso_level = (int)v;
		level_given = true;
	}
}

static void set_mode(const char *option, const char *arg, bool *have, mode_t *slot)
{
	if (!mkimage_parse_mode(arg, slot)) {
		complain(option, arg, "want octal permission bits, 0 to 7777 (e.g. 0644)");
		return;
	}
	*have = true;
}

static void callback(poptContext con, enum poptCallbackReason reason,
		     const struct poptOption *opt, const char *arg, const void *data)
{
	(void)con;
	(void)data;
	if (reason != POPT_CALLBACK_REASON_OPTION || target == NULL)
		return;
	struct img_image_opts *o = target;
	unsigned long id;
	switch (opt->val) {
	case OPT_FULL_NAMES:
		full_names = true;
		break;
	case OPT_MAX_NAMES:
		o->max_37_chars = true;
		break;
	case OPT_UNTRANSLATED:
		/* xorriso: "no_force_dots:long_paths:long_names:omit_version:full_ascii:
		 * lowercase" (genisoimage's -U likewise forces -l -d -N and the rest). */
		o->no_force_dots = true;
		o->longer_paths = true;
		o->max_37_chars = true;
		o->omit_version = true;
		o->allow_full_ascii = true;
		o->allow_lowercase = true;
		break;
	case OPT_UNTRANSLATED_LEN: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || v > 96)
			complain("untranslated_name_len", arg, "want 0 (off) to 96");
		else
			o->untranslated_name_len = (int)v;
		break;
	}
	case OPT_DEEP:
		/* -D: we never relocate deep directories (image.c keeps them in place, as
		 * xorriso does by default), so this asks for what always happens. */
		break;
	case OPT_OMIT_VERSION:
		o->omit_version = true;
		break;
	case OPT_OMIT_PERIOD:
		o->no_force_dots = true;
		break;
	case OPT_LEADING_DOTS:
	case OPT_MULTIDOT:
	case OPT_NO_TRANSLATE:
		/* genisoimage keeps leading dots, extra dots or '~' '-' '#' in ISO 9660 names
		 * with these; libisofs has no rule for any of them alone, and xorriso -as mkisofs
		 * accepts and ignores them.  Names come out as xorriso writes them; the
		 * warning (in finish) says so and names the libisofs rule that keeps them. */
		if (ignored[0] == '\0')
			snprintf(ignored, sizeof(ignored), "%s", opt->longName);
		break;
	case OPT_LOWERCASE:
		o->allow_lowercase = true;
		break;
	case OPT_RELAXED:
		o->allow_7bit_ascii = true;
		break;
	case OPT_NO_DIR_EXT:
		o->allow_dir_id_ext = false;
		break;
	case OPT_LEVEL:
		set_level(arg);
		break;
	case OPT_IN_CS:
		set_charset("input-charset", arg, in_cs, sizeof(in_cs), &o->input_charset);
		break;
	case OPT_J_CS:
		/* genisoimage: "the same as -input-charset CHARSET -J". */
		set_charset("jcharset", arg, in_cs, sizeof(in_cs), &o->input_charset);
		o->joliet = true;
		break;
	case OPT_OUT_CS:
		set_charset("output-charset", arg, out_cs, sizeof(out_cs), &o->output_charset);
		break;
	case OPT_DIR_MODE:
		set_mode("dir-mode", arg, &o->have_dir_mode, &o->dir_mode);
		break;
	case OPT_FILE_MODE:
		set_mode("file-mode", arg, &o->have_file_mode, &o->file_mode);
		break;
	case OPT_NEW_DIR_MODE:
		set_mode("new-dir-mode", arg, &o->have_new_dir_mode, &o->new_dir_mode);
		break;
	case OPT_UID:
		if (mkimage_parse_id(arg, false, &id)) {
			o->uid = (uid_t)id;
			o->have_uid = true;
		} else {
			complain("uid", arg, "want a user id (0 to 4294967294) or a user name");
		}
		break;
	case OPT_GID:
		if (mkimage_parse_id(arg, true, &id)) {
			o->gid = (gid_t)id;
			o->have_gid = true;
		} else {
			complain("gid", arg, "want a group id (0 to 4294967294) or a group name");
		}
		break;
	}
}

int mkimage_name_options_finish(void)
{
	if (problem[0] != '\0') {
		img_cli_usage_error("%s", problem);
		return IMG_EXIT_USAGE;
	}
	/* -l: 31-character names, i.e. level 2 unless -iso-level asked for 3 (xorriso raises
	 * the level to 2 wherever -l stands; level 4 keeps the ECMA-119 level as it is). */
	if (target != NULL && target->iso1999 && !level_given)
		target->iso_level = 3;
	if (full_names && target != NULL && target->iso_level < 2)
		target->iso_level = 2;
	/* Shown unless -quiet, as xorriso's "Ignored option" message. */
	if (ignored[0] != '\0')
		img_cli_info("-%s: ISO 9660 names are written as xorriso -as mkisofs writes them "
			     "(libisofs has no such rule alone; -relaxed-filenames keeps dots and "
			     "other 7-bit characters, Rock Ridge and Joliet keep the full names)",
			     ignored);
	return 0;
}

#define ONE (POPT_ARGFLAG_ONEDASH)

struct poptOption mkimage_name_options[] = {
	{NULL, '\0', POPT_ARG_CALLBACK, (void *)callback, 0, NULL, NULL},
	{"iso-level", '\0', POPT_ARG_STRING | ONE, NULL, OPT_LEVEL,
	 "ISO9660 level 1 (8.3 names), 2 (31 characters) or 3 (default: files over 4 GiB "
	 "too); 4 adds an ISO 9660:1999 tree (names up to 207 bytes)", "N"},
	{"full-iso9660-filenames", 'l', POPT_ARG_NONE | ONE, NULL, OPT_FULL_NAMES,
	 "ISO9660 names up to 31 characters (level 2 at least)", NULL},
	{"max-iso9660-filenames", '\0', POPT_ARG_NONE | ONE, NULL, OPT_MAX_NAMES,
	 "ISO9660 names up to 37 characters, without ;1 (violates ISO9660)", NULL},
	{"untranslated-filenames", 'U', POPT_ARG_NONE | ONE, NULL, OPT_UNTRANSLATED,
	 "ISO9660 names as they are, up to 37 characters (-d -N -allow-lowercase and any "
	 "byte but /; violates ISO9660)", NULL},
	{"untranslated_name_len", '\0', POPT_ARG_STRING | ONE, NULL, OPT_UNTRANSLATED_LEN,
	 "ISO9660 names untranslated up to LEN (1..96) characters; a longer one fails "
	 "(0: off)", "LEN"},
	{"disable-deep-relocation", 'D', POPT_ARG_NONE | ONE, NULL, OPT_DEEP,
	 "keep directories deeper than 8 levels in place (always so)", NULL},
	{"omit-version-number", 'N', POPT_ARG_NONE | ONE, NULL, OPT_OMIT_VERSION,
	 "no ;1 after ISO9660 and Joliet file names (violates ISO9660)", NULL},
	{"omit-period", 'd', POPT_ARG_NONE | ONE, NULL, OPT_OMIT_PERIOD,
	 "no . added to ISO9660 file names without one (violates ISO9660)", NULL},
	{"allow-leading-dots", 'L', POPT_ARG_NONE | ONE, NULL, OPT_LEADING_DOTS,
	 "accepted: names as xorriso -as mkisofs writes them (see -relaxed-filenames)", NULL},
	{"ldots", '\0', POPT_ARG_NONE | ONE, NULL, OPT_LEADING_DOTS,
	 "as -allow-leading-dots", NULL},
	{"allow-multidot", '\0', POPT_ARG_NONE | ONE, NULL, OPT_MULTIDOT,
	 "accepted: names as xorriso -as mkisofs writes them (see -relaxed-filenames)", NULL},
	{"no-iso-translate", '\0', POPT_ARG_NONE | ONE, NULL, OPT_NO_TRANSLATE,
	 "accepted: names as xorriso -as mkisofs writes them (see -relaxed-filenames)", NULL},
	{"allow-lowercase", '\0', POPT_ARG_NONE | ONE, NULL, OPT_LOWERCASE,
	 "keep lower case in ISO9660 names (violates ISO9660)", NULL},
	{"relaxed-filenames", '\0', POPT_ARG_NONE | ONE, NULL, OPT_RELAXED,
	 "keep 7-bit ASCII in ISO9660 names, lower case upper-cased (violates ISO9660)", NULL},
	{"disallow_dir_id_ext", '\0', POPT_ARG_NONE | ONE, NULL, OPT_NO_DIR_EXT,
	 "no dot in ISO9660 directory names (the default here)", NULL},
	{"input-charset", '\0', POPT_ARG_STRING | ONE, NULL, OPT_IN_CS,
	 "character set of the file names on disk (default UTF-8)", "CHARSET"},
	{"output-charset", '\0', POPT_ARG_STRING | ONE, NULL, OPT_OUT_CS,
	 "character set of Rock Ridge names (default: the input charset)", "CHARSET"},
	{"jcharset", '\0', POPT_ARG_STRING | ONE, NULL, OPT_J_CS,
	 "as -input-charset CHARSET -J (a genisoimage option)", "CHARSET"},
	{"dir-mode", '\0', POPT_ARG_STRING | ONE, NULL, OPT_DIR_MODE,
	 "Rock Ridge permissions of every directory (octal)", "MODE"},
	{"file-mode", '\0', POPT_ARG_STRING | ONE, NULL, OPT_FILE_MODE,
	 "Rock Ridge permissions of every regular file (octal)", "MODE"},
	{"new-dir-mode", '\0', POPT_ARG_STRING | ONE, NULL, OPT_NEW_DIR_MODE,
	 "permissions of directories no PATH supplied (graft-point parents; default 0755)",
	 "MODE"},
	{"uid", '\0', POPT_ARG_STRING | ONE, NULL, OPT_UID,
	 "Rock Ridge owner of every entry", "UID"},
	{"gid", '\0', POPT_ARG_STRING | ONE, NULL, OPT_GID,
	 "Rock Ridge group of every entry", "GID"},
	POPT_TABLEEND
};
