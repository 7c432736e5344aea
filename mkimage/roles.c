/* The names mkimage answers to and xorriso's native commands (roles.h). */
#include "mkimage/roles.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* What the native commands said so far, for the checks that need the whole line. */
struct native_state {
	bool image;          /* a command of xorriso's image model (-indev, -map, ...) was seen */
	bool indev, outdev;  /* -indev, -outdev given */
	bool load;           /* -load session N given */
	bool dev;            /* -dev given (growing: --grow) */
	bool boot;           /* -boot_image any replay or discard said what becomes of the boot */
	bool committed;      /* -commit seen: only -end may follow */
	bool ended;          /* -end seen: nothing may follow */
	const char **added;  /* image paths -map and -update put in (mk_role_line.made owns them) */
	size_t nadded, added_cap;
	const char **dated;  /* paths of -alter_date[_r] */
	size_t ndated, dated_cap;
};

struct reader {
	int argc, i, n;
	const char **in, **out;
	struct mk_role_line *line; /* owns the words we make */
	char *why;
	size_t why_len;
	struct native_state nat;
};

/* Keeps w (malloc'd) in the line, which frees it with the line; NULL when out of memory. */
static const char *keep_word(struct reader *r, char *w)
{
	struct mk_role_line *l = r->line;
	if (w == NULL)
		return NULL;
	if (l->nmade == l->made_cap) {
		size_t cap = l->made_cap ? 2 * l->made_cap : 16;
		char **v = realloc(l->made, cap * sizeof(*v));
		if (v == NULL) {
			free(w);
			return NULL;
		}
		l->made = v;
		l->made_cap = cap;
	}
	l->made[l->nmade++] = w;
	return w;
}

/* A word made from fmt, or NULL when out of memory. */
static const char *make_word(struct reader *r, const char *fmt, const char *a, const char *b)
{
	int n = snprintf(NULL, 0, fmt, a, b);
	if (n < 0)
		return NULL;
	char *w = malloc((size_t)n + 1);
	if (w != NULL)
		snprintf(w, (size_t)n + 1, fmt, a, b);
	return keep_word(r, w);
}

static enum mk_role_verdict out_of_memory(struct reader *r)
{
	snprintf(r->why, r->why_len, "out of memory");
	return MK_ROLE_USAGE;
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
	if (w == NULL)
		return out_of_memory(r);
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
	if (cat == NULL)
		return out_of_memory(r);
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

/* -boot_image any replay|discard: what becomes of the loaded image's boot setup, as
 * mkimage --boot says it.  replay: El Torito, system area and appended partitions as the old
 * image had them (xorriso runs what -report_el_torito cmd proposes).  discard: xorriso drops
 * El Torito and keeps the loaded system area's bytes unaltered (with the old image's partition
 * tables in them); mkimage writes none of it (--boot keep-none): mkimage(1) says so. */
static enum mk_role_verdict boot_fate(struct reader *r, const char *full, bool replay)
{
	if (replay && !r->nat.indev) {
		/* xorriso replays what is loaded when the command runs: nothing, before -indev. */
		snprintf(r->why, r->why_len, "-boot_image %s: give -indev first (there is no "
			 "image to replay the boot setup of)", full);
		return MK_ROLE_USAGE;
	}
	r->nat.image = true;
	r->i += 2;
	if (!r->nat.indev)
		return MK_ROLE_OK; /* discard with nothing loaded: nothing to discard */
	r->nat.boot = true;
	r->out[r->n++] = "--boot";
	r->out[r->n++] = replay ? "replay" : "keep-none";
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
	if (strcmp(spec, "replay") == 0 || strcmp(spec, "discard") == 0)
		return boot_fate(r, full, strcmp(spec, "replay") == 0);
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

/* ---- xorriso's image model: -indev, -outdev, -map, -update, -rm, -alter_date, ... ---- */

/* path as an absolute image path: relative to -cd, which is / (mkimage takes no -cd); "." and
 * ".." and repeated or trailing slashes resolved as xorriso resolves them.  NULL when out of
 * memory. */
static const char *image_path(struct reader *r, const char *path)
{
	size_t len = strlen(path);
	char *w = malloc(len + 2);
	if (w == NULL)
		return keep_word(r, NULL);
	size_t n = 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *e = p + strcspn(p, "/");
		size_t cl = (size_t)(e - p);
		if (cl == 0 || (cl == 1 && p[0] == '.')) {
			/* nothing */
		} else if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && w[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash; "/.." is "/" */
		} else {
			w[n++] = '/';
			memcpy(w + n, p, cl);
			n += cl;
		}
		p = e;
	}
	if (n == 0)
		w[n++] = '/';
	w[n] = '\0';
	return keep_word(r, w);
}

/* a and b (absolute, normalised) are the same path or one lies below the other. */
static bool overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > lb) {
		const char *t = a;
		a = b;
		b = t;
		size_t tl = la;
		la = lb;
		lb = tl;
	}
	if (strncmp(a, b, la) != 0)
		return false;
	return la == lb || strcmp(a, "/") == 0 || b[la] == '/';
}

static bool remember(const char ***v, size_t *n, size_t *cap, const char *w)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		const char **nv = realloc((void *)*v, c * sizeof(**v));
		if (nv == NULL)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = w;
	return true;
}

/* "IMAGE=DISK" for -graft-points, '=' and '\' escaped (common/build/tree.c unescapes). */
static const char *graft_word(struct reader *r, const char *image, const char *disk)
{
	size_t len = 2 * (strlen(image) + strlen(disk)) + 2;
	char *w = malloc(len);
	if (w == NULL)
		return keep_word(r, NULL);
	size_t n = 0;
	for (int half = 0; half < 2; half++) {
		for (const char *p = half ? disk : image; *p; p++) {
			if (*p == '=' || *p == '\\')
				w[n++] = '\\';
			w[n++] = *p;
		}
		if (half == 0)
			w[n++] = '=';
	}
	w[n] = '\0';
	return keep_word(r, w);
}

/* The words of a variable-length list ([***] in xorriso(1)): up to the list delimiter "--"
 * or the end of the arguments.  Sets *count; r->i is left on the "--" (or the last word). */
static int list_words(struct reader *r, int first, int *count)
{
	int k = first;
	while (k < r->argc && strcmp(r->in[k], "--") != 0)
		k++;
	*count = k - first;
	r->i = k < r->argc ? k : r->argc - 1;
	return first;
}

/* xorriso expands wildcards in iso_rr_path lists (-iso_rr_pattern on, its default). */
static enum mk_role_verdict no_pattern(struct reader *r, const char *cmd, const char *path)
{
	if (strpbrk(path, "*?[") == NULL)
		return MK_ROLE_OK;
	snprintf(r->why, r->why_len, "%s %s: not supported: mkimage expands no wildcards in "
		 "image paths (name the files)", cmd, path);
	return MK_ROLE_REFUSED;
}

/* What a command that changes the tree must not collide with: mkimage removes before it adds
 * and dates the finished tree, where xorriso does each in turn.  Refused where the order would
 * change the result. */
static enum mk_role_verdict order_check(struct reader *r, const char *cmd, const char *path,
					bool adds)
{
	for (size_t k = 0; k < r->nat.nadded; k++)
		if (!adds && overlap(r->nat.added[k], path)) {
			snprintf(r->why, r->why_len, "%s %s: not supported after -map or -update of "
				 "%s: mkimage removes before it adds (give the removal first)", cmd,
				 path, r->nat.added[k]);
			return MK_ROLE_REFUSED;
		}
	for (size_t k = 0; k < r->nat.ndated; k++)
		if (adds && overlap(r->nat.dated[k], path)) {
			snprintf(r->why, r->why_len, "%s %s: not supported after -alter_date of %s: "
				 "mkimage sets the dates of the finished tree (give -alter_date last)",
				 cmd, path, r->nat.dated[k]);
			return MK_ROLE_REFUSED;
		}
	return MK_ROLE_OK;
}

/* -indev ADDR, -outdev ADDR.  xorriso loads the image of -indev and writes the result to
 * -outdev as a new image (modifying).  -dev ADDR, both at once, is xorriso's growing: a new
 * session appended to ADDR, which this job does not do (mkimage --grow does). */
static enum mk_role_verdict device(struct reader *r, const char *cmd)
{
	enum mk_role_verdict v = need(r, 1, "a drive address (a file, or stdio:PATH)");
	if (v != MK_ROLE_OK)
		return v;
	const char *addr = r->in[++r->i];
	bool dev = strcmp(cmd, "-dev") == 0;
	bool in = strcmp(cmd, "-indev") == 0, out = !in && !dev;
	if (dev) {
		/* Growing in place: mkimage --grow, which writes the new session at the end of
		 * ADDR and then its head (libisoburn's layout, as xorriso -dev on a file or a
		 * block device).  A drive is for imgburn. */
		if (r->nat.dev || r->nat.indev || r->nat.outdev) {
			snprintf(r->why, r->why_len, "-dev %s: with another -dev, -indev or -outdev: "
				 "mkimage grows one image or makes one from another", addr);
			return MK_ROLE_USAGE;
		}
		if (strncmp(addr, "mmc:", 4) == 0 ||
		    (strncmp(addr, "/dev/sr", 7) == 0 || strncmp(addr, "/dev/scd", 8) == 0)) {
			snprintf(r->why, r->why_len, "-dev %s: not supported: mkimage grows image "
				 "files and block devices (an optical drive: mkimage -M ... | "
				 "imgburn --multi)", addr);
			return MK_ROLE_REFUSED;
		}
		if (addr[0] == '\0' || strcmp(addr, "stdio:") == 0) {
			snprintf(r->why, r->why_len, "-dev \"%s\": not supported: mkimage makes one "
				 "image per run (nothing to give up)", addr);
			return MK_ROLE_REFUSED;
		}
		if (r->nat.nadded > 0 || r->nat.ndated > 0) {
			snprintf(r->why, r->why_len, "-dev %s: after changes to the image: xorriso "
				 "refuses that too (give -dev first)", addr);
			return MK_ROLE_USAGE;
		}
		r->nat.image = r->nat.dev = true;
		r->out[r->n++] = "--grow";
		r->out[r->n++] = strncmp(addr, "stdio:", 6) == 0 ? addr + 6 : addr;
		return MK_ROLE_OK;
	}
	if (r->nat.dev) {
		snprintf(r->why, r->why_len, "%s %s: after -dev: mkimage grows one image or makes "
			 "one from another", cmd, addr);
		return MK_ROLE_USAGE;
	}
	if (strncmp(addr, "mmc:", 4) == 0 || (strncmp(addr, "/dev/", 5) == 0 && out)) {
		snprintf(r->why, r->why_len, "%s %s: not supported: mkimage writes image files "
			 "(give stdio:PATH, or pipe the image into imgburn)", cmd, addr);
		return MK_ROLE_REFUSED;
	}
	if (addr[0] == '\0') {
		snprintf(r->why, r->why_len, "%s \"\": not supported: mkimage makes one image "
			 "per run (nothing to give up)", cmd);
		return MK_ROLE_REFUSED;
	}
	if ((in && r->nat.indev) || (out && r->nat.outdev)) {
		snprintf(r->why, r->why_len, "%s %s: a second %s drive: mkimage makes one image "
			 "per run", cmd, addr, in ? "input" : "output");
		return MK_ROLE_USAGE;
	}
	if (in && (r->nat.nadded > 0 || r->nat.ndated > 0)) {
		/* xorriso: "only allowed as long as no changes are pending". */
		snprintf(r->why, r->why_len, "%s %s: after changes to the image: xorriso refuses "
			 "that too (give %s first)", cmd, addr, cmd);
		return MK_ROLE_USAGE;
	}
	r->nat.image = true;
	if (in) {
		r->nat.indev = true;
		r->out[r->n++] = "--indev";
		r->out[r->n++] = addr;
	}
	if (out) {
		r->nat.outdev = true;
		r->out[r->n++] = "-o";
		r->out[r->n++] = strncmp(addr, "stdio:", 6) == 0 ? addr + 6 : addr;
	}
	return MK_ROLE_OK;
}

/* -map DISK IMAGE and -update DISK IMAGE: a graft point.  -update makes IMAGE a copy of DISK
 * where they differ: mkimage puts DISK in either way (a file that matched comes out the same),
 * and like xorriso deletes IMAGE when DISK does not exist.  A directory for -update is refused:
 * xorriso then updates the existing directory's attributes only. */
static enum mk_role_verdict map(struct reader *r, const char *cmd)
{
	enum mk_role_verdict v = need(r, 2, "DISK_PATH ISO_RR_PATH");
	if (v != MK_ROLE_OK)
		return v;
	const char *disk = r->in[r->i + 1];
	const char *image = image_path(r, r->in[r->i + 2]);
	if (image == NULL)
		return out_of_memory(r);
	r->i += 2;
	r->nat.image = true;
	struct stat st;
	if (strcmp(cmd, "-update") == 0) {
		if (lstat(disk, &st) != 0 && errno == ENOENT) {
			if ((v = order_check(r, cmd, image, false)) != MK_ROLE_OK)
				return v;
			r->out[r->n++] = "--rm-r";
			r->out[r->n++] = image;
			return MK_ROLE_OK;
		}
		if (stat(disk, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(r->why, r->why_len, "-update %s %s: not supported for a directory "
				 "(xorriso updates only its attributes then): use -map", disk,
				 image);
			return MK_ROLE_REFUSED;
		}
	}
	if (strcmp(image, "/") == 0 && !(stat(disk, &st) == 0 && S_ISDIR(st.st_mode))) {
		snprintf(r->why, r->why_len, "%s %s /: only a directory can be the root", cmd, disk);
		return MK_ROLE_USAGE;
	}
	if ((v = order_check(r, cmd, image, true)) != MK_ROLE_OK)
		return v;
	const char *g = graft_word(r, image, disk);
	if (g == NULL || !remember(&r->nat.added, &r->nat.nadded, &r->nat.added_cap, image))
		return out_of_memory(r);
	if (!r->line->grafts)
		r->out[r->n++] = "-graft-points";
	r->out[r->n++] = g;
	r->line->grafts++;
	return MK_ROLE_OK;
}

/* -rm PATH... and -rm_r PATH... [--]. */
static enum mk_role_verdict rm(struct reader *r, const char *cmd)
{
	int count, first = list_words(r, r->i + 1, &count);
	r->nat.image = true;
	for (int k = 0; k < count; k++) {
		const char *arg = r->in[first + k];
		enum mk_role_verdict v = no_pattern(r, cmd, arg);
		if (v != MK_ROLE_OK)
			return v;
		const char *path = image_path(r, arg);
		if (path == NULL)
			return out_of_memory(r);
		if (strcmp(path, "/") == 0) {
			snprintf(r->why, r->why_len, "%s %s: the root cannot be removed", cmd, arg);
			return MK_ROLE_USAGE;
		}
		if ((v = order_check(r, cmd, path, false)) != MK_ROLE_OK)
			return v;
		r->out[r->n++] = strcmp(cmd, "-rm") == 0 ? "--rm" : "--rm-r";
		r->out[r->n++] = path;
	}
	return MK_ROLE_OK;
}

/* -alter_date TYPE TIME PATH... and -alter_date_r (the trees below too): mkimage's option of
 * the same name, one path each (mkimage/options.c reads it, common/build/alter_date.c does
 * it).  TIME as =SECONDS or YYYYMMDDhhmmsscc (UTC), the forms of -volume_date; xorriso's
 * other forms (relative, local time, date(1)'s) are refused. */
static enum mk_role_verdict alter_date(struct reader *r, const char *cmd)
{
	enum mk_role_verdict v = need(r, 2, "TYPE TIME ISO_RR_PATH...");
	if (v != MK_ROLE_OK)
		return v;
	const char *type = r->in[r->i + 1], *time = r->in[r->i + 2];
	static const char *const types[] = { "a", "m", "b", "a-c", "m-c", "b-c", "c" };
	bool known = false;
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		known |= strcmp(type, types[k]) == 0;
	if (!known) {
		snprintf(r->why, r->why_len, "%s %s: want a, m, b, a-c, m-c, b-c or c", cmd, type);
		return MK_ROLE_USAGE;
	}
	bool epoch = time[0] == '=' && time[1] != '\0' && strspn(time + 1, "0123456789") ==
		     strlen(time + 1);
	bool ecma = strlen(time) == 16 && strspn(time, "0123456789") == 16;
	if (!epoch && !ecma) {
		snprintf(r->why, r->why_len, "%s %s %s: not supported: mkimage takes =SECONDS or "
			 "YYYYMMDDhhmmsscc (UTC)", cmd, type, time);
		return MK_ROLE_REFUSED;
	}
	int count, first = list_words(r, r->i + 3, &count);
	r->nat.image = true;
	for (int k = 0; k < count; k++) {
		const char *arg = r->in[first + k];
		if ((v = no_pattern(r, cmd, arg)) != MK_ROLE_OK)
			return v;
		const char *path = image_path(r, arg);
		if (path == NULL ||
		    !remember(&r->nat.dated, &r->nat.ndated, &r->nat.dated_cap, path))
			return out_of_memory(r);
		r->out[r->n++] = cmd;
		r->out[r->n++] = type;
		r->out[r->n++] = time;
		r->out[r->n++] = path;
	}
	return MK_ROLE_OK;
}

/* -compliance RULE[:RULE...]: the rules with an -as mkisofs twin that mkimage implements, and
 * those that are mkimage's way already; the others (the _off forms, strict, clear, default,
 * ...) are refused by name. */
static enum mk_role_verdict compliance(struct reader *r)
{
	enum mk_role_verdict v = need(r, 1, "RULE[:RULE...]");
	if (v != MK_ROLE_OK)
		return v;
	const char *rules = r->in[++r->i];
	static const struct { const char *rule, *option; } twins[] = {
		{ "omit_version", "-N" },
		{ "no_force_dots", "-d" },
		{ "lowercase", "-allow-lowercase" },
		{ "7bit_ascii", "-relaxed-filenames" },
		{ "long_names", "-max-iso9660-filenames" },
		{ "joliet_long_names", "-joliet-long" },
		/* mkimage's way already (common/build/image.c), the default of xorriso's too */
		{ "only_iso_version", NULL },
		{ "deep_paths", NULL },
		{ "no_j_force_dots", NULL },
		{ "always_gmt", NULL },
		{ "old_rr", NULL },
		{ "aaip_susp_1_10", NULL },
		{ "rec_mtime", NULL },
		{ "joliet_utf16", NULL },
		{ "no_emul_toc", NULL },
	};
	for (const char *p = rules; *p;) {
		size_t len = strcspn(p, ":");
		const char *rule = keep_word(r, strndup(p, len));
		if (rule == NULL)
			return out_of_memory(r);
		p += len + (p[len] == ':');
		if (len == 0)
			continue;
		bool done = false;
		if (strncmp(rule, "iso_9660_level=", 15) == 0 &&
		    (strcmp(rule + 15, "1") == 0 || strcmp(rule + 15, "2") == 0 ||
		     strcmp(rule + 15, "3") == 0)) {
			r->out[r->n++] = "-iso-level";
			r->out[r->n++] = rule + 15;
			done = true;
		}
		for (size_t k = 0; !done && k < sizeof(twins) / sizeof(twins[0]); k++)
			if (strcmp(rule, twins[k].rule) == 0) {
				if (twins[k].option != NULL)
					r->out[r->n++] = twins[k].option;
				done = true;
			}
		if (!done) {
			snprintf(r->why, r->why_len, "-compliance %s: not supported: mkimage takes "
				 "iso_9660_level=1|2|3, omit_version, no_force_dots, lowercase, "
				 "7bit_ascii, long_names, joliet_long_names and its defaults "
				 "(only_iso_version, deep_paths, no_j_force_dots, always_gmt, old_rr, "
				 "aaip_susp_1_10, rec_mtime, joliet_utf16, no_emul_toc)", rule);
			return MK_ROLE_REFUSED;
		}
	}
	return MK_ROLE_OK;
}

/* -joliet on|off, -rockridge on|off. */
static enum mk_role_verdict on_off(struct reader *r, const char *cmd, const char *on,
				   const char *off)
{
	enum mk_role_verdict v = need(r, 1, "on or off");
	if (v != MK_ROLE_OK)
		return v;
	const char *a = r->in[++r->i];
	if (strcmp(a, "on") != 0 && strcmp(a, "off") != 0) {
		snprintf(r->why, r->why_len, "%s %s: want on or off", cmd, a);
		return MK_ROLE_USAGE;
	}
	r->out[r->n++] = strcmp(a, "on") == 0 ? on : off;
	return MK_ROLE_OK;
}

/* The commands of xorriso's image model; MK_ROLE_OK with *taken false for any other. */
static enum mk_role_verdict image_command(struct reader *r, bool *taken)
{
	const char *a = r->in[r->i];
	*taken = true;
	if (strcmp(a, "-indev") == 0 || strcmp(a, "-outdev") == 0 || strcmp(a, "-dev") == 0)
		return device(r, a);
	if (strcmp(a, "-map") == 0 || strcmp(a, "-update") == 0)
		return map(r, a);
	if (strcmp(a, "-rm") == 0 || strcmp(a, "-rm_r") == 0)
		return rm(r, a);
	if (strcmp(a, "-alter_date") == 0 || strcmp(a, "-alter_date_r") == 0)
		return alter_date(r, a);
	if (strcmp(a, "-compliance") == 0)
		return compliance(r);
	if (strcmp(a, "-joliet") == 0)
		return on_off(r, a, "-J", "--no-joliet");
	if (strcmp(a, "-rockridge") == 0)
		return on_off(r, a, "-R", "--no-rock");
	if (strcmp(a, "-volid") == 0) {
		enum mk_role_verdict v = need(r, 1, "a volume id");
		if (v != MK_ROLE_OK)
			return v;
		r->out[r->n++] = "-V";
		r->out[r->n++] = r->in[++r->i];
		return MK_ROLE_OK;
	}
	if (strcmp(a, "-append_partition") == 0) {
		enum mk_role_verdict v = need(r, 3, "NUMBER TYPE DISK_PATH");
		if (v != MK_ROLE_OK)
			return v;
		for (int k = 0; k < 4; k++)
			r->out[r->n++] = r->in[r->i + k];
		r->i += 3;
		return MK_ROLE_OK;
	}
	if (strcmp(a, "-pkt_output") == 0) {
		enum mk_role_verdict v = need(r, 1, "on or off");
		if (v != MK_ROLE_OK)
			return v;
		const char *m = r->in[++r->i];
		if (strcmp(m, "on") != 0 && strcmp(m, "off") != 0) {
			snprintf(r->why, r->why_len, "-pkt_output %s: want on or off", m);
			return MK_ROLE_USAGE;
		}
		r->line->pkt_output = strcmp(m, "on") == 0;
		return MK_ROLE_OK;
	}
	if (strcmp(a, "-find") == 0) {
		/* Fedora's mkksiso lists the old image with -indev ISO -pkt_output on -find.
		 * A start path, no tests or actions (-name, -exec, ...). */
		int count, first = list_words(r, r->i + 1, &count);
		if (count > 1) {
			snprintf(r->why, r->why_len, "-find %s %s: not supported: mkimage lists the "
				 "tree below one path, without tests or actions", r->in[first],
				 r->in[first + 1]);
			return MK_ROLE_REFUSED;
		}
		if (!r->nat.indev) {
			snprintf(r->why, r->why_len, "-find: give -indev first (there is no image "
				 "to list)");
			return MK_ROLE_USAGE;
		}
		r->line->find = count == 1 ? r->in[first] : ".";
		if ((r->line->find_start = image_path(r, r->line->find)) == NULL)
			return out_of_memory(r);
		return MK_ROLE_OK;
	}
	if (strcmp(a, "-load") == 0) {
		/* -load session N: which session of the -indev image xorriso loads (its -toc
		 * numbers), before or after -indev as in xorriso; other addressings (lba,
		 * sbsector, track, volid) are not taken. */
		enum mk_role_verdict v = need(r, 2, "session N");
		if (v != MK_ROLE_OK)
			return v;
		const char *kind = r->in[r->i + 1], *n = r->in[r->i + 2];
		if (strcmp(kind, "session") != 0) {
			snprintf(r->why, r->why_len, "-load %s: not supported: mkimage loads by "
				 "session number only (-load session N)", kind);
			return MK_ROLE_REFUSED;
		}
		if (n[0] < '1' || n[0] > '9' || strspn(n, "0123456789") != strlen(n) ||
		    strlen(n) > 9) {
			snprintf(r->why, r->why_len, "-load session %s: want a session number "
				 "(1, 2, ...)", n);
			return MK_ROLE_USAGE;
		}
		if (r->nat.load) {
			snprintf(r->why, r->why_len, "-load session %s: given twice: mkimage "
				 "loads one session", n);
			return MK_ROLE_USAGE;
		}
		r->nat.load = true;
		r->out[r->n++] = "--session";
		r->out[r->n++] = n;
		r->i += 2;
		return MK_ROLE_OK;
	}
	if (strcmp(a, "-commit") == 0 || strcmp(a, "-end") == 0) {
		/* xorriso writes at -commit, -end and the end of the arguments alike. */
		r->nat.committed = true;
		r->nat.ended = strcmp(a, "-end") == 0;
		return MK_ROLE_OK;
	}
	*taken = false;
	return MK_ROLE_OK;
}

/* One native command at r->i; advances r->i past its arguments' last word. */
static enum mk_role_verdict native(struct reader *r)
{
	const char *a = r->in[r->i];
	if (r->nat.ended) {
		snprintf(r->why, r->why_len, "%s: after -end: xorriso would not run it", a);
		return MK_ROLE_USAGE;
	}
	if (r->nat.committed && strcmp(a, "-end") != 0) {
		snprintf(r->why, r->why_len, "%s: after -commit: not supported: mkimage makes one "
			 "image per run", a);
		return MK_ROLE_REFUSED;
	}
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
	bool taken;
	enum mk_role_verdict v = image_command(r, &taken);
	if (taken)
		return v;
	snprintf(r->why, r->why_len, "%s: native xorriso command not supported (mkimage takes "
		 "-no_rc, -report_about, -boot_image, -volume_date, -indev, -outdev, -map, "
		 "-update, -rm, -rm_r, -volid, -joliet, -rockridge, -append_partition, "
		 "-alter_date, -alter_date_r, -compliance, -load session, -commit, -end, "
		 "-pkt_output, -find, "
		 "then -as mkisofs ...)",
		 a);
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

/* Room for the translated line: a word becomes at most 8 (-boot_image isolinux dir= makes 8
 * from 3; -dev 4 from 2; each path of -alter_date 4), a -compliance word 2 per rule; then
 * argv[0] (a word even when argc is 0), the --boot of -indev and the NULL. */
static size_t out_room(int argc, const char **argv)
{
	size_t n = 4;
	for (int i = 0; i < argc; i++) {
		n += 8;
		for (const char *p = argv[i]; *p; p++)
			n += 2 * (*p == ':');
	}
	return n;
}

static enum mk_role_verdict xorriso_line(struct reader *r, struct mk_role_line *out)
{
	/* Native commands, -as mkisofs ARGS, and after a "--" that ends them (as in xorriso)
	 * native commands again. */
	enum mk_role_verdict v;
	bool seen_as = false, in_as = false;
	for (r->i = 1; r->i < r->argc; r->i++) {
		const char *a = r->in[r->i];
		if (in_as) {
			if (strcmp(a, "--") == 0) {
				in_as = false;
			} else {
				r->out[r->n++] = a;
				out->as_graft_points |= strcmp(a, "-graft-points") == 0 ||
							strcmp(a, "--graft-points") == 0;
			}
			continue;
		}
		if (strcmp(a, "-as") == 0) {
			if (r->nat.committed) {
				snprintf(r->why, r->why_len, "-as: after -commit or -end: not "
					 "supported: mkimage makes one image per run");
				return MK_ROLE_REFUSED;
			}
			/* xorriso -as genisoimage is xorriso's emulation too. */
			if ((v = as(r, MK_ROLE_XORRISOFS, &out->role)) != MK_ROLE_OK)
				return v;
			if (seen_as) {
				snprintf(r->why, r->why_len, "-as: given twice: mkimage makes one "
					 "image per run");
				return MK_ROLE_USAGE;
			}
			seen_as = in_as = true;
			continue;
		}
		if ((v = native(r)) != MK_ROLE_OK)
			return v;
	}
	bool info = false;
	for (int k = 1; k < r->n; k++)
		info |= strcmp(r->out[k], "-help") == 0 || strcmp(r->out[k], "-version") == 0;
	/* A listing takes -indev OLD and -quiet (-report_about), nothing that makes an image. */
	bool makes = seen_as || r->nat.outdev || r->nat.dev;
	for (int k = 1; k < r->n; k++) {
		if (strcmp(r->out[k], "--indev") == 0)
			k++;
		else if (strcmp(r->out[k], "-quiet") != 0)
			makes = true;
	}
	if (r->line->find != NULL && makes) {
		snprintf(r->why, r->why_len, "-find: not supported with changes or an output: "
			 "mkimage lists an image or writes one");
		return MK_ROLE_REFUSED;
	}
	if (!seen_as && !info && !r->nat.outdev && !r->nat.dev && r->line->find == NULL) {
		snprintf(r->why, r->why_len, "as xorriso, mkimage needs -outdev or -as mkisofs ARGS "
			 "after the native commands");
		return MK_ROLE_USAGE;
	}
	if (r->nat.image) {
		/* xorriso's own defaults, not those of its -as mkisofs (mk_role_defaults). */
		out->role = MK_ROLE_XORRISO;
		/* xorriso pads by libisofs's tail blocks only under -as mkisofs (its -pad);
		 * growing (-dev) leaves libburn's padding past the session, unused. */
		out->burn_padding = !seen_as && (r->nat.outdev || r->nat.dev);
		/* Without -boot_image any replay xorriso drops a loaded image's El Torito boot
		 * (and keeps its system area's bytes: mkimage(1)). */
		if (r->nat.indev && !r->nat.boot) {
			r->out[r->n++] = "--boot";
			r->out[r->n++] = "keep-none";
		}
	}
	return MK_ROLE_OK;
}

static enum mk_role_verdict read_roles(struct reader *r, struct mk_role_line *out)
{
	int argc = r->argc;
	const char **argv = r->in;
	r->out = malloc(out_room(argc, argv) * sizeof(char *));
	if (r->out == NULL)
		return out_of_memory(r);
	r->out[r->n++] = argc > 0 ? argv[0] : "mkimage";
	out->argv = r->out;
	enum mk_role_verdict v = MK_ROLE_OK;
	switch (mk_role_name_of(argc > 0 ? argv[0] : NULL)) {
	case MK_NAME_GENISOIMAGE:
	case MK_NAME_MKISOFS:
		out->role = MK_ROLE_GENISOIMAGE;
		r->i = 1;
		break;
	case MK_NAME_XORRISOFS:
		out->role = MK_ROLE_XORRISOFS;
		r->i = 1;
		break;
	case MK_NAME_MKIMAGE:
		out->role = MK_ROLE_MKIMAGE;
		r->i = 1;
		if (argc > 1 && strcmp(argv[1], "-as") == 0) {
			if ((v = as(r, MK_ROLE_GENISOIMAGE, &out->role)) != MK_ROLE_OK)
				return v;
			r->i++;
		}
		break;
	case MK_NAME_XORRISO:
		out->role = MK_ROLE_XORRISOFS;
		if ((v = xorriso_line(r, out)) != MK_ROLE_OK)
			return v;
		r->i = argc;
		break;
	}
	for (; r->i < argc; r->i++)
		r->out[r->n++] = argv[r->i];
	r->out[r->n] = NULL;
	out->argc = r->n;
	out->usage_name = out->role == MK_ROLE_GENISOIMAGE ? "genisoimage"
			  : out->role == MK_ROLE_XORRISOFS ? "xorriso -as mkisofs"
			  : out->role == MK_ROLE_XORRISO ? "xorriso" : "mkimage";
	return MK_ROLE_OK;
}

enum mk_role_verdict mk_role_read(int argc, const char **argv, struct mk_role_line *out,
				  char *why, size_t why_len)
{
	memset(out, 0, sizeof(*out));
	struct reader r = { .argc = argc, .in = argv, .line = out, .why = why,
			    .why_len = why_len };
	enum mk_role_verdict v = read_roles(&r, out);
	free((void *)r.nat.added);
	free((void *)r.nat.dated);
	return v;
}

void mk_role_line_free(struct mk_role_line *l)
{
	free(l->argv);
	for (size_t i = 0; i < l->nmade; i++)
		free(l->made[i]);
	free(l->made);
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
	image->rock = role != MK_ROLE_GENISOIMAGE;
	image->volid = role == MK_ROLE_GENISOIMAGE ? "CDROM" : "ISOIMAGE";
	image->sysid = role == MK_ROLE_GENISOIMAGE ? "LINUX" : NULL;
	image->pad_blocks = 150;
	image->joliet_no_version = true;
	image->ids_as_given = true;
	image->volset = ""; /* libisofs would repeat the volume id there; both leave it empty */
	*output = "-";
	if (role == MK_ROLE_XORRISO) {
		/* xorriso's own defaults (its base_obj.c: iso_level 3; -compliance's default has
		 * no allow_dir_id_ext): its -as mkisofs sets level 1 and allow_dir_id_ext only at
		 * the first pathspec it reads (emulators.c; options.c does the same). */
		image->iso_level = 3;
		image->allow_dir_id_ext = false;
	}
}
