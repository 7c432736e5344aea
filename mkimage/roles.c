/* The names mkimage answers to and xorriso's native commands (roles.h). */
#include "mkimage/roles.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkimage/refused_options.h"

enum mk_role_name mk_role_name_of(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;
	base = base ? base + 1 : (argv0 ? argv0 : "");
	static const struct { const char *name; enum mk_role_name role; } names[] = {
		{ "genisoimage", MK_NAME_GENISOIMAGE },
		{ "mkisofs", MK_NAME_MKISOFS },
		{ "xorrisofs", MK_NAME_XORRISOFS },
		{ "xorriso", MK_NAME_XORRISO },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(base, names[i].name) == 0)
			return names[i].role;
	return MK_NAME_MKIMAGE;
}

/* -boot_image any KEY=VALUE and the -as mkisofs option that means the same (xorriso(1),
 * -boot_image; xorrisofs(1) names each twin).  value: the option takes VALUE; else only
 * KEY=only (or the bare KEY when only is NULL) is accepted. */
static const struct boot_key {
	const char *key, *option;
	bool value;
	const char *only;
} boot_keys[] = {
	{ "gpt_disk_guid", "--gpt-disk-guid", true, NULL },
	{ "next", "-eltorito-alt-boot", false, NULL },
	{ "bin_path", "-b", true, NULL },
	{ "efi_path", "-e", true, NULL },
	{ "cat_path", "-c", true, NULL },
	{ "cat_hidden", "--boot-catalog-hide", false, "on" },
	{ "boot_info_table", "-boot-info-table", false, "on" },
	{ "grub2_boot_info", "--grub2-boot-info", false, "on" },
	{ "emul_type", "-no-emul-boot", false, "no_emulation" },
	{ "emul_type", "-hard-disk-boot", false, "hard_disk" },
	{ "platform_id", "-eltorito-platform", true, NULL },
	{ "id_string", "-eltorito-id", true, NULL },
	{ "sel_crit", "-eltorito-selcrit", true, NULL },
	{ "system_area", "-G", true, NULL },
	{ "grub2_mbr", "--grub2-mbr", true, NULL },
	{ "partition_offset", "-partition_offset", true, NULL },
	{ "partition_hd_cyl", "-partition_hd_cyl", true, NULL },
	{ "partition_sec_hd", "-partition_sec_hd", true, NULL },
	{ "partition_cyl_align", "-partition_cyl_align", true, NULL },
	{ "mbr_force_bootable", "--mbr-force-bootable", false, "on" },
	{ "iso_mbr_part_type", "-iso_mbr_part_type", true, NULL },
	{ "appended_part_as", "-appended_part_as_gpt", false, "gpt" },
	{ "efi_boot_part", "-efi-boot-part", true, NULL },
};

/* xorriso's message severities, lowest first (xorriso(1), -report_about). */
static const char *const severities[] = {
	"ALL", "DEBUG", "UPDATE", "NOTE", "HINT", "WARNING", "SORRY", "MISHAP", "FAILURE",
	"FATAL", "ABORT", "NEVER",
};

static int severity(const char *s)
{
	for (size_t i = 0; i < sizeof(severities) / sizeof(severities[0]); i++) {
		const char *a = severities[i], *b = s;
		while (*a && *b && *a == toupper((unsigned char)*b))
			a++, b++;
		if (*a == '\0' && *b == '\0')
			return (int)i;
	}
	return -1;
}

struct reader {
	int argc, i, n;
	const char **in, **out;
	struct mk_role_line *line; /* its pool holds the words we make */
	char *why;
	size_t why_len;
};

/* A word made from fmt into the line's pool, or NULL when the pool is full. */
static const char *make_word(struct reader *r, const char *fmt, const char *a, const char *b)
{
	struct mk_role_line *l = r->line;
	size_t room = sizeof(l->pool) - l->pool_used;
	int n = snprintf(l->pool + l->pool_used, room, fmt, a, b);
	if (n < 0 || (size_t)n >= room)
		return NULL;
	const char *w = l->pool + l->pool_used;
	l->pool_used += (size_t)n + 1;
	return w;
}

static enum mk_role_verdict need(struct reader *r, int count, const char *what)
{
	if (r->i + count < r->argc)
		return MK_ROLE_OK;
	snprintf(r->why, r->why_len, "%s needs %d argument%s: %s", r->in[r->i], count,
		 count > 1 ? "s" : "", what);
	return MK_ROLE_USAGE;
}

/* xorriso counts load_size in bytes (default 2048), -boot-load-size in 512-byte sectors. */
static enum mk_role_verdict load_size(struct reader *r, const char *spec, const char *value)
{
	char *end;
	unsigned long bytes = strtoul(value, &end, 10);
	if (*value < '0' || *value > '9' || *end || bytes == 0 || bytes % 512 || bytes > 33552384) {
		snprintf(r->why, r->why_len, "-boot_image %s: not supported: mkimage takes a "
			 "load_size in bytes, a multiple of 512 (not \"full\")", spec);
		return MK_ROLE_REFUSED;
	}
	char sectors[16];
	snprintf(sectors, sizeof(sectors), "%lu", bytes / 512);
	const char *w = make_word(r, "%s%s", sectors, "");
	if (w == NULL) {
		snprintf(r->why, r->why_len, "-boot_image: too many of them");
		return MK_ROLE_USAGE;
	}
	r->out[r->n++] = "-boot-load-size";
	r->out[r->n++] = w;
	return MK_ROLE_OK;
}

/* -boot_image isolinux dir=/DIR: xorriso(1) says it bundles bin_path=/DIR/isolinux.bin,
 * cat_path=/DIR/boot.cat, load_size=2048 and boot_info_table=on.  Five words in place of
 * three: the caller made room. */
static enum mk_role_verdict isolinux_dir(struct reader *r, const char *dir)
{
	const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	const char *bin = make_word(r, "%s%sisolinux.bin", dir, sep);
	const char *cat = bin ? make_word(r, "%s%sboot.cat", dir, sep) : NULL;
	if (cat == NULL) {
		snprintf(r->why, r->why_len, "-boot_image isolinux dir=%s: too long", dir);
		return MK_ROLE_USAGE;
	}
	r->out[r->n++] = "-b";
	r->out[r->n++] = bin;
	r->out[r->n++] = "-c";
	r->out[r->n++] = cat;
	r->out[r->n++] = "-no-emul-boot";
	r->out[r->n++] = "-boot-load-size";
	r->out[r->n++] = "4";
	r->out[r->n++] = "-boot-info-table";
	return MK_ROLE_OK;
}

static enum mk_role_verdict boot_image(struct reader *r)
{
	enum mk_role_verdict v = need(r, 2, "any|isolinux|grub KEY=VALUE");
	if (v != MK_ROLE_OK)
		return v;
	const char *form = r->in[r->i + 1], *spec = r->in[r->i + 2];
	bool isolinux = strcmp(form, "isolinux") == 0;
	if (strcmp(form, "any") != 0 && !isolinux && strcmp(form, "grub") != 0) {
		snprintf(r->why, r->why_len, "-boot_image %s: not supported: the types are any, "
			 "isolinux and grub", form);
		return MK_ROLE_REFUSED;
	}
	char full[300];
	snprintf(full, sizeof(full), "%s %s", form, spec);
	const char *eq = strchr(spec, '=');
	size_t klen = eq ? (size_t)(eq - spec) : strlen(spec);
	r->i += 2;
	if (strncmp(spec, "load_size=", 10) == 0)
		return load_size(r, full, eq + 1);
	/* Types isolinux and grub mean the same as any for every key but these (xorriso(1)). */
	if (isolinux && strncmp(spec, "dir=", 4) == 0)
		return isolinux_dir(r, eq + 1);
	if (isolinux && strncmp(spec, "system_area=", 12) == 0) {
		/* "implies partition_table=on": the isohybrid MBR of -isohybrid-mbr. */
		r->out[r->n++] = "-isohybrid-mbr";
		r->out[r->n++] = eq + 1;
		return MK_ROLE_OK;
	}
	static const struct { const char *spec, *option; } entries[] = {
		{ "partition_entry=gpt_basdat", "-isohybrid-gpt-basdat" },
		{ "partition_entry=gpt_hfsplus", "-isohybrid-gpt-hfsplus" },
		{ "partition_entry=apm_hfsplus", "-isohybrid-apm-hfsplus" },
	};
	for (size_t k = 0; isolinux && k < sizeof(entries) / sizeof(entries[0]); k++)
		if (strcmp(spec, entries[k].spec) == 0) {
			r->out[r->n++] = entries[k].option;
			return MK_ROLE_OK;
		}
	if (strcmp(spec, "gpt_disk_guid=volume_date_uuid") == 0) {
		r->out[r->n++] = "--gpt-disk-guid";
		r->out[r->n++] = "modification-date"; /* mkimage's name for the same GUID */
		return MK_ROLE_OK;
	}
	for (size_t k = 0; k < sizeof(boot_keys) / sizeof(boot_keys[0]); k++) {
		const struct boot_key *b = &boot_keys[k];
		if (strlen(b->key) != klen || strncmp(b->key, spec, klen) != 0)
			continue;
		if (b->value && eq != NULL) {
			r->out[r->n++] = b->option;
			r->out[r->n++] = eq + 1;
			return MK_ROLE_OK;
		}
		if (!b->value && ((b->only == NULL && eq == NULL) ||
				  (b->only != NULL && eq != NULL && strcmp(eq + 1, b->only) == 0))) {
			r->out[r->n++] = b->option;
			return MK_ROLE_OK;
		}
	}
	snprintf(r->why, r->why_len, "-boot_image %s: not supported: no -as mkisofs twin that "
		 "mkimage implements", full);
	return MK_ROLE_REFUSED;
}

/* One native command at r->i; advances r->i past its arguments' last word. */
static enum mk_role_verdict native(struct reader *r)
{
	const char *a = r->in[r->i];
	if (strcmp(a, "-no_rc") == 0)
		return MK_ROLE_OK; /* mkimage reads no startup files: really nothing to skip */
	if (strcmp(a, "-report_about") == 0) {
		enum mk_role_verdict v = need(r, 1, "a severity (ALL ... NEVER)");
		if (v != MK_ROLE_OK)
			return v;
		int s = severity(r->in[r->i + 1]);
		if (s < 0) {
			snprintf(r->why, r->why_len, "-report_about %s: want ALL, DEBUG, UPDATE, "
				 "NOTE, HINT, WARNING, SORRY, MISHAP, FAILURE, FATAL, ABORT or "
				 "NEVER", r->in[r->i + 1]);
			return MK_ROLE_USAGE;
		}
		/* xorriso's progress messages are UPDATEs; above that, no progress line.
		 * Errors and warnings are always shown, as xorriso shows its FAILUREs. */
		if (s > 2)
			r->out[r->n++] = "-quiet";
		r->i++;
		return MK_ROLE_OK;
	}
	if (strcmp(a, "-boot_image") == 0)
		return boot_image(r);
	if (strcmp(a, "-help") == 0 || strcmp(a, "-version") == 0) {
		r->out[r->n++] = a;
		return MK_ROLE_OK;
	}
	/* mkimage takes -volume_date KIND TIME as an option in every role (options.c). */
	if (strcmp(a, "-volume_date") == 0) {
		enum mk_role_verdict v = need(r, 2, "c|m|x|f|uuid|all_file_dates TIME");
		if (v != MK_ROLE_OK)
			return v;
		for (int k = 0; k < 3; k++)
			r->out[r->n++] = r->in[r->i + k];
		r->i += 2;
		return MK_ROLE_OK;
	}
	static const char *const devices[] = { "-dev", "-indev", "-outdev", "-load", "-drive_class",
					       "-commit", "-grow_blindly", "-rollback" };
	for (size_t k = 0; k < sizeof(devices) / sizeof(devices[0]); k++)
		if (strcmp(a, devices[k]) == 0) {
			snprintf(r->why, r->why_len, "%s: native xorriso command not supported: "
				 "remastering is issue 16", a);
			return MK_ROLE_REFUSED;
		}
	snprintf(r->why, r->why_len, "%s: native xorriso command not supported (mkimage takes "
		 "-no_rc, -report_about, -boot_image, -volume_date, then -as mkisofs ...)", a);
	return MK_ROLE_REFUSED;
}

/* "-as NAME" at r->i: the role it asks for. */
static enum mk_role_verdict as(struct reader *r, enum mk_role genisoimage_role,
			       enum mk_role *role)
{
	enum mk_role_verdict v = need(r, 1, "mkisofs or genisoimage");
	if (v != MK_ROLE_OK)
		return v;
	const char *name = r->in[r->i + 1];
	if (strcmp(name, "mkisofs") == 0 || strcmp(name, "xorrisofs") == 0)
		*role = MK_ROLE_XORRISOFS;
	else if (strcmp(name, "genisoimage") == 0)
		*role = genisoimage_role;
	else {
		snprintf(r->why, r->why_len, "-as %s: not supported: mkimage takes -as mkisofs "
			 "and -as genisoimage", name);
		return MK_ROLE_REFUSED;
	}
	r->i++;
	return MK_ROLE_OK;
}

enum mk_role_verdict mk_role_read(int argc, const char **argv, struct mk_role_line *out,
				  char *why, size_t why_len)
{
	memset(out, 0, sizeof(*out));
	struct reader r = { .argc = argc, .in = argv, .line = out, .why = why,
			    .why_len = why_len };
	/* A translation makes at most 8 words from 3 (-boot_image isolinux dir=); argv[0] may
	 * be missing (argc 0) and still gets a word, then the NULL. */
	r.out = malloc((size_t)(3 * argc + 2) * sizeof(char *));
	if (r.out == NULL) {
		snprintf(why, why_len, "out of memory");
		return MK_ROLE_USAGE;
	}
	r.out[r.n++] = argc > 0 ? argv[0] : "mkimage";
	out->argv = r.out;
	enum mk_role_verdict v = MK_ROLE_OK;
	switch (mk_role_name_of(argc > 0 ? argv[0] : NULL)) {
	case MK_NAME_GENISOIMAGE:
	case MK_NAME_MKISOFS:
		out->role = MK_ROLE_GENISOIMAGE;
		r.i = 1;
		break;
	case MK_NAME_XORRISOFS:
		out->role = MK_ROLE_XORRISOFS;
		r.i = 1;
		break;
	case MK_NAME_MKIMAGE:
		out->role = MK_ROLE_MKIMAGE;
		r.i = 1;
		if (argc > 1 && strcmp(argv[1], "-as") == 0) {
			if ((v = as(&r, MK_ROLE_GENISOIMAGE, &out->role)) != MK_ROLE_OK)
				return v;
			r.i++;
		}
		break;
	case MK_NAME_XORRISO:
		/* Native commands, -as mkisofs ARGS, and after a "--" that ends them (as in
		 * xorriso) native commands again. */
		out->role = MK_ROLE_XORRISOFS;
		bool seen_as = false, in_as = false;
		for (r.i = 1; r.i < argc; r.i++) {
			const char *a = argv[r.i];
			if (in_as) {
				if (strcmp(a, "--") == 0)
					in_as = false;
				else
					r.out[r.n++] = a;
				continue;
			}
			if (strcmp(a, "-as") == 0) {
				/* xorriso -as genisoimage is xorriso's emulation too. */
				if ((v = as(&r, MK_ROLE_XORRISOFS, &out->role)) != MK_ROLE_OK)
					return v;
				if (seen_as) {
					snprintf(why, why_len, "-as: given twice: mkimage makes one "
						 "image per run");
					return MK_ROLE_USAGE;
				}
				seen_as = in_as = true;
				continue;
			}
			if ((v = native(&r)) != MK_ROLE_OK)
				return v;
		}
		bool info = false;
		for (int k = 1; k < r.n; k++)
			info |= strcmp(r.out[k], "-help") == 0 || strcmp(r.out[k], "-version") == 0;
		if (!seen_as && !info) {
			snprintf(why, why_len, "as xorriso, mkimage needs -as mkisofs ARGS after the "
				 "native commands");
			return MK_ROLE_USAGE;
		}
		r.i = argc;
		break;
	}
	for (; r.i < argc; r.i++)
		r.out[r.n++] = argv[r.i];
	r.out[r.n] = NULL;
	out->argc = r.n;
	out->usage_name = out->role == MK_ROLE_GENISOIMAGE ? "genisoimage"
			  : out->role == MK_ROLE_XORRISOFS ? "xorriso -as mkisofs" : "mkimage";
	return MK_ROLE_OK;
}

void mk_role_line_free(struct mk_role_line *l)
{
	free(l->argv);
	memset(l, 0, sizeof(*l));
}

/* -help in a role: the options as the original lists them, one dash, with those mkimage
 * refuses at the end. */
static void print_option(const struct poptOption *o)
{
	char left[96];
	int n = 0;
	if (o->shortName && o->longName)
		n = snprintf(left, sizeof(left), "-%c, -%s", o->shortName, o->longName);
	else if (o->longName)
		n = snprintf(left, sizeof(left), "-%s", o->longName);
	else
		n = snprintf(left, sizeof(left), "-%c", o->shortName);
	unsigned type = o->argInfo & POPT_ARG_MASK;
	if (type != POPT_ARG_NONE && type != POPT_ARG_VAL && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argDescrip ? o->argDescrip : "ARG");
	printf("  %-28s%s%s\n", left, strlen(left) > 28 ? "\n                              " : "",
	       o->descrip ? o->descrip : "");
}

static void print_options(const struct poptOption *t)
{
	for (; t->longName || t->shortName || t->arg; t++) {
		unsigned type = t->argInfo & POPT_ARG_MASK;
		if (type == POPT_ARG_INCLUDE_TABLE)
			print_options(t->arg);
		else if (type != POPT_ARG_CALLBACK && type != POPT_ARG_INTL_DOMAIN &&
			 !(t->argInfo & POPT_ARGFLAG_DOC_HIDDEN))
			print_option(t);
	}
}

void mk_role_print_help(const struct mk_role_line *line, const struct poptOption *t)
{
	printf("Usage: %s [options] file...\n", line->usage_name);
	printf("Note: this is mkimage answering as %s (%s defaults); see mkimage(1)\n",
	       line->usage_name, line->role == MK_ROLE_GENISOIMAGE ? "genisoimage's"
	       : "xorriso -as mkisofs's");
	printf("Options:\n");
	print_options(t);
	printf("Refused (mkimage: -NAME: not supported: REASON):\n");
	for (const struct mk_refused_option *r = mk_refused_options; r->name; r++)
		printf("  -%-27s%s\n", r->name, r->reason);
}

/* The defaults of the original a role stands for, measured on Debian 12's genisoimage 1.1.11
 * and xorriso 1.5.4 (mkimage(1), Compatibility, lists them):
 *                   genisoimage              xorriso -as mkisofs
 *   Rock Ridge      off (-R, -r)             on
 *   Joliet          off (-J)                 off
 *   ISO level       1                        1
 *   padding         150 blocks (-no-pad: 0)  150 blocks (-no-pad: 0)
 *   volume id       CDROM                    ISOIMAGE
 *   system id       LINUX                    (empty)
 *   Joliet names    no ";1"                  no ";1"
 *   directory names a dot kept (.disk)       a dot kept
 *   Rock Ridge      RRIP_1991A (1.10)        RRIP_1991A (1.10)
 *   volume id case  as given (-V cidata)     as given
 *   no -o           image to stdout          image to stdout
 * Volume and file dates are the clock's and the files' in all three (SOURCE_DATE_EPOCH
 * applies as in mkimage's own role).  mkimage's role keeps its own defaults: level 3, Rock
 * Ridge and Joliet, no padding, volume id CDROM, -o required. */
void mk_role_defaults(enum mk_role role, struct img_image_opts *image, const char **output)
{
	if (role == MK_ROLE_MKIMAGE)
		return;
	image->iso_level = 1;
	image->allow_dir_id_ext = true; /* ".disk", "install.amd" keep their dot */
	image->rrip_1_10 = true;
	image->joliet = false;
	image->rock = role == MK_ROLE_XORRISOFS;
	image->volid = role == MK_ROLE_XORRISOFS ? "ISOIMAGE" : "CDROM";
	image->sysid = role == MK_ROLE_GENISOIMAGE ? "LINUX" : NULL;
	image->pad_blocks = 150;
	image->joliet_no_version = true;
	image->ids_as_given = true;
	image->volset = ""; /* libisofs would repeat the volume id there; both leave it empty */
	*output = "-";
}
