/* mkimage's boot options: the spellings of genisoimage and xorriso -as mkisofs, in order. */
#include "mkimage/boot_options.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/base/grow.h"
#include "common/cli/cli.h"
#include "mkimage/argv_join.h"

/* Option values; the callback switches on them. */
enum {
	OPT_B = 1, OPT_C, OPT_E, OPT_EFI_BOOT, OPT_NO_EMUL, OPT_HARD_DISK, OPT_NO_BOOT,
	OPT_LOAD_SIZE, OPT_LOAD_SEG, OPT_INFO_TABLE, OPT_GRUB2_INFO, OPT_ALT_BOOT, OPT_PLATFORM,
	OPT_ELTORITO_ID, OPT_SELCRIT, OPT_ISOHYBRID_MBR, OPT_GPT_BASDAT, OPT_GPT_HFSPLUS,
	OPT_APM_HFSPLUS, OPT_PART_OFFSET, OPT_APPEND_PART, OPT_APPENDED_AS_GPT, OPT_PROTECTIVE,
	OPT_EMBEDDED, OPT_EFI_BOOT_PART, OPT_GRUB2_MBR, OPT_ISO_MBR_TYPE, OPT_FORCE_BOOTABLE,
	OPT_CYL_ALIGN, OPT_HD_CYL, OPT_SEC_HD, OPT_GPT_GUID, OPT_PRESET, OPT_MOD_DATE,
	OPT_CAT_HIDE, OPT_HFSPLUS, OPT_APM_BLOCK, OPT_HFSP_BLOCK, OPT_HFSP_SERIAL, OPT_HFS_CODE,
	OPT_HFS_BLESS_BY, OPT_HFS_BLESS, OPT_SORT_WEIGHT, OPT_SORT_LIST, OPT_SORT_PATTERNS,
	OPT_CHRP, OPT_PREP, OPT_SPARC_BOOT, OPT_SPARC_LABEL, OPT_SPARC_CORE, OPT_MIPS, OPT_MIPSEL,
	OPT_HPPA, OPT_ALPHA, OPT_HIDE_HFSPLUS, OPT_HIDE_HFSPLUS_LIST, OPT_APPENDED_AS_APM,
	OPT_PART_LIKE_ISOHYBRID,
};

/* Separates the three arguments of -append_partition once joined into one (argv_join.c). */
#define JOIN_SEP MK_ARGV_JOIN_SEP

static struct img_boot_config *target;
static bool entry_open;        /* -b/-e since the last -eltorito-alt-boot */
/* Entry options given before the -b or -e they belong to ("-no-emul-boot -b IMG", buildroot's
 * and Yocto's order): genisoimage and xorriso apply them to the entry that the next -b or -e
 * starts, so they wait here until it does. */
#define MAX_PENDING 32
static struct pending { int val; const char *name; char *arg; } pending[MAX_PENDING];
static size_t npending;
static void apply_pending(void);
static void drop_pending(void);
static char problem[1200];     /* the first error met while parsing */
/* Copies: popt's argument pointers do not outlive the callback. */
static char preset_buf[16], modification_date_buf[17];
static const char *preset;
static const char *modification_date;
/* --sort-weight and its list forms, in command-line order (applied after the tree is built,
 * as xorriso does, so that a later one overrides an earlier one). */
static struct mkimage_sort_weight *weights;
static size_t n_weights;
static void complain(const char *fmt, const char *a, const char *b);

/* -hide-hfsplus globs and -hide-hfsplus-list files, for the tree walk. */
static char **hide_hfsplus, **hide_hfsplus_lists;
static size_t n_hide_hfsplus, n_hide_hfsplus_lists;

void mkimage_boot_options_bind(struct img_boot_config *cfg)
{
	target = cfg;
	entry_open = false;
	drop_pending();
	problem[0] = '\0';
	preset = NULL;
	modification_date = NULL;
	mkimage_boot_lists_free();
}

static void free_strings(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void push_string(char ***v, size_t *n, const char *arg)
{
	size_t cap = *n;
	char *copy = strdup(arg);
	/* One slot more than the strings: the array stays NULL-terminated. */
	if (copy == NULL || img_reserve((void **)v, &cap, cap + 2, sizeof(**v))) {
		free(copy);
		complain("%s%s", "out of memory", "");
		return;
	}
	(*v)[(*n)++] = copy;
	(*v)[*n] = NULL;
}

const char *const *mkimage_boot_hide_hfsplus(size_t *n)
{
	*n = n_hide_hfsplus;
	return (const char *const *)hide_hfsplus;
}

const char *const *mkimage_boot_hide_hfsplus_lists(size_t *n)
{
	*n = n_hide_hfsplus_lists;
	return (const char *const *)hide_hfsplus_lists;
}

void mkimage_boot_lists_free(void)
{
	free_strings(&hide_hfsplus, &n_hide_hfsplus);
	free_strings(&hide_hfsplus_lists, &n_hide_hfsplus_lists);
	for (size_t i = 0; i < n_weights; i++)
		free(weights[i].arg);
	free(weights);
	weights = NULL;
	n_weights = 0;
}

const struct mkimage_sort_weight *mkimage_boot_sort_weights(size_t *n)
{
	*n = n_weights;
	return weights;
}

const char *mkimage_boot_modification_date(void)
{
	return modification_date;
}

static void complain(const char *fmt, const char *a, const char *b)
{
	if (problem[0] == '\0')
		snprintf(problem, sizeof(problem), fmt, a, b);
}

static bool parse_long(const char *option, const char *arg, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 0);
	if (errno || end == arg || *end || v < min || v > max) {
		char range[64];
		snprintf(range, sizeof(range), "%ld..%ld", min, max);
		if (problem[0] == '\0')
			snprintf(problem, sizeof(problem), "%s: '%s' is not a number in %s", option,
				 arg, range);
		return false;
	}
	*out = v;
	return true;
}

/* -b and -e replace the image of an open entry (as mkisofs does when -b is repeated) or start
 * a new one after -eltorito-alt-boot. */
static void start_entry(const char *arg, bool efi)
{
	struct img_boot_entry *cur = img_boot_current(target);
	if (entry_open && cur != NULL) {
		char *copy = strdup(arg);
		if (copy == NULL) {
			complain("%s%s", "out of memory", "");
			return;
		}
		free(cur->image_path);
		cur->image_path = copy;
		cur->efi = efi;
		if (efi)
			cur->emul = IMG_BOOT_EMUL_NONE;
		return;
	}
	struct img_error err = {0};
	if (img_boot_add_entry(target, arg, efi, &err) != IMG_OK)
		complain("%s%s", err.detail, "");
	entry_open = true;
	apply_pending();
}

/* The open entry, or NULL after keeping the option for the next one (pending). */
static struct img_boot_entry *entry_for(int val, const char *option, const char *arg)
{
	struct img_boot_entry *cur = entry_open ? img_boot_current(target) : NULL;
	if (cur != NULL)
		return cur;
	if (npending == MAX_PENDING) {
		complain("more than %s boot image options before a -b or -e%s", "32", "");
		return NULL;
	}
	char *copy = arg ? strdup(arg) : NULL;
	if (arg != NULL && copy == NULL) {
		complain("%s%s", "out of memory", "");
		return NULL;
	}
	pending[npending++] = (struct pending){val, option, copy};
	return NULL;
}

static int parse_platform(const char *arg)
{
	static const struct { const char *name; int id; } names[] = {
		{"x86", 0x00}, {"PPC", 0x01}, {"Mac", 0x02}, {"efi", 0xef},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(arg, names[i].name) == 0)
			return names[i].id;
	long v;
	if (parse_long("-eltorito-platform", arg, 0, 255, &v))
		return (int)v;
	return -1;
}

static void parse_selcrit(struct img_boot_entry *e, const char *arg)
{
	/* 20 bytes as 40 hex digits at most (El Torito 1.0, 2.4: criteria type + 19 bytes). */
	size_t len = strlen(arg);
	if (len == 0 || len > 40 || len % 2) {
		complain("-eltorito-selcrit: '%s' is not 1..20 bytes in hex%s", arg, "");
		return;
	}
	memset(e->selcrit, 0, sizeof(e->selcrit));
	for (size_t i = 0; i < len; i += 2) {
		char byte[3] = {arg[i], arg[i + 1], 0};
		char *end;
		unsigned long v = strtoul(byte, &end, 16);
		if (*end) {
			complain("-eltorito-selcrit: '%s' is not hex%s", arg, "");
			return;
		}
		e->selcrit[i / 2] = (uint8_t)v;
	}
	e->has_selcrit = true;
}

static void set_string(char **slot, const char *arg)
{
	char *copy = strdup(arg);
	if (copy == NULL) {
		complain("%s%s", "out of memory", "");
		return;
	}
	free(*slot);
	*slot = copy;
}

static void set_mbr(enum img_boot_mbr_kind kind, const char *arg)
{
	target->mbr_kind = kind;
	set_string(&target->mbr_file, arg);
}

/* Splits a joined multi-argument value into its n parts (pointers into copy, a strdup the
 * caller frees); false after complaining when the count is wrong. */
static bool split_joined(const char *option, const char *joined, int n, char **copy,
			 char *parts[3])
{
	*copy = strdup(joined);
	if (*copy == NULL) {
		complain("%s%s", "out of memory", "");
		return false;
	}
	char *p = *copy;
	for (int i = 0; i < n; i++) {
		parts[i] = p;
		char *sep = strchr(p, JOIN_SEP);
		if ((sep == NULL) != (i == n - 1)) {
			complain("%s: wrong number of arguments%s", option, "");
			return false;
		}
		if (sep != NULL) {
			*sep = '\0';
			p = sep + 1;
		}
	}
	return true;
}

static void append_partition(const char *joined)
{
	char *copy, *a[3];
	if (split_joined("-append_partition", joined, 3, &copy, a)) {
		struct img_error err = {0};
		if (img_boot_add_partition(target, a[0], a[1], a[2], &err) != IMG_OK)
			complain("%s%s", err.detail, "");
	}
	free(copy);
}

static void add_weight(enum mkimage_sort_weight_kind kind, int weight, const char *arg)
{
	size_t cap = n_weights;
	char *copy = strdup(arg);
	if (copy == NULL || img_reserve((void **)&weights, &cap, cap + 1, sizeof(*weights))) {
		free(copy);
		complain("%s%s", "out of memory", "");
		return;
	}
	weights[n_weights++] = (struct mkimage_sort_weight){.kind = kind, .weight = weight,
							     .arg = copy};
}

static void sort_weight(const char *joined)
{
	char *copy, *a[3];
	if (split_joined("--sort-weight", joined, 2, &copy, a)) {
		char *end;
		errno = 0;
		long w = strtol(a[0], &end, 10);
		if (errno || end == a[0] || *end || w < INT_MIN || w > INT_MAX)
			complain("--sort-weight: '%s' is not a whole number%s", a[0], "");
		else
			add_weight(MKIMAGE_SORT_WEIGHT_ONE, (int)w, a[1]);
	}
	free(copy);
}

/* HFS+ and the Apple Partition Map.  Returns whether val was one of those options. */
static bool hfsplus_option(int val, const char *arg)
{
	struct img_hfsplus_config *h = &target->hfsplus;
	struct img_error err = {0};
	char *copy = NULL, *a[3];
	int bs;
	switch (val) {
	case OPT_HFSPLUS:
		h->enabled = true;
		return true;
	case OPT_APM_BLOCK:
	case OPT_HFSP_BLOCK:
		if (img_hfsplus_parse_block_size(arg, &bs) != IMG_OK)
			complain("%s: '%s' is not 0, 512 or 2048", val == OPT_APM_BLOCK
				 ? "-apm-block-size" : "-hfsplus-block-size", arg);
		else if (val == OPT_APM_BLOCK)
			h->apm_block_size = bs;
		else
			h->block_size = bs;
		return true;
	case OPT_HFSP_SERIAL:
		if (img_hfsplus_parse_serial(arg, h->serial) != IMG_OK)
			complain("-hfsplus-serial-no: '%s' is not 16 hex digits%s", arg, "");
		else
			h->has_serial = true;
		return true;
	case OPT_HFS_CODE:
		if (split_joined("-hfsplus-file-creator-type", arg, 3, &copy, a) &&
		    img_hfsplus_add_code(h, a[0], a[1], a[2], &err) != IMG_OK)
			complain("%s%s", err.detail, "");
		free(copy);
		return true;
	case OPT_HFS_BLESS_BY:
		if (split_joined("-hfs-bless-by", arg, 2, &copy, a) &&
		    img_hfsplus_add_bless(h, a[0], a[1], false, &err) != IMG_OK)
			complain("%s%s", err.detail, "");
		free(copy);
		return true;
	case OPT_HFS_BLESS:
		if (img_hfsplus_add_bless(h, "p", arg, true, &err) != IMG_OK)
			complain("%s%s", err.detail, "");
		return true;
	case OPT_HIDE_HFSPLUS:
		push_string(&hide_hfsplus, &n_hide_hfsplus, arg);
		return true;
	case OPT_HIDE_HFSPLUS_LIST:
		push_string(&hide_hfsplus_lists, &n_hide_hfsplus_lists, arg);
		return true;
	}
	return false;
}

/* Other machines' boot blocks, CHRP and PReP.  Returns whether val was one of them. */
static bool platform_option(int val, const char *name, const char *arg)
{
	struct img_platform_boot *p = &target->platform;
	struct img_error err = {0};
	int rc = IMG_OK;
	switch (val) {
	case OPT_CHRP:
		p->chrp = true;
		break;
	case OPT_PREP:
		set_string(&p->prep_part, arg);
		break;
	case OPT_SPARC_BOOT:
		rc = img_platform_boot_set_sparc(p, arg, &err);
		break;
	case OPT_SPARC_LABEL:
		/* As xorriso's -sparc-label: it also makes the first sector a SUN disk label. */
		rc = img_platform_boot_set_type(p, IMG_SYSAREA_SPARC, "-sparc-label", &err);
		if (rc == IMG_OK)
			set_string(&p->sparc_label, arg);
		break;
	case OPT_SPARC_CORE:
		set_string(&p->sparc_core, arg);
		break;
	case OPT_MIPS:
	case OPT_MIPSEL:
		rc = img_platform_boot_add_mips(p, val == OPT_MIPSEL, arg, &err);
		break;
	case OPT_HPPA:
		/* popt's long name is "hppa-NAME". */
		rc = img_platform_boot_set_hppa(p, name + 5, arg, &err);
		break;
	case OPT_ALPHA:
		rc = img_platform_boot_set_type(p, IMG_SYSAREA_ALPHA, "-alpha-boot", &err);
		if (rc == IMG_OK)
			set_string(&p->alpha_boot, arg);
		break;
	default:
		return false;
	}
	if (rc != IMG_OK)
		complain("%s%s", err.detail, "");
	return true;
}

static void entry_option(int val, const char *name, const char *arg)
{
	struct img_boot_entry *e = entry_for(val, name, arg);
	long v;
	if (e == NULL)
		return;
	switch (val) {
	case OPT_NO_EMUL:
		e->emul = IMG_BOOT_EMUL_NONE;
		break;
	case OPT_HARD_DISK:
		e->emul = IMG_BOOT_EMUL_HARD_DISK;
		break;
	case OPT_NO_BOOT:
		e->not_bootable = true;
		break;
	case OPT_LOAD_SIZE:
		if (parse_long("-boot-load-size", arg, 1, 65535, &v))
			e->load_size = v;
		break;
	case OPT_LOAD_SEG:
		if (parse_long("-boot-load-seg", arg, 0, 0xffff, &v))
			e->load_seg = v;
		break;
	case OPT_INFO_TABLE:
		e->info_table = true;
		break;
	case OPT_GRUB2_INFO:
		e->grub2_info = true;
		break;
	case OPT_PLATFORM:
		e->platform = parse_platform(arg);
		break;
	case OPT_ELTORITO_ID:
		if (strlen(arg) > 28)
			complain("-eltorito-id: '%s' is longer than 28 characters%s", arg, "");
		snprintf(e->id_string, sizeof(e->id_string), "%s", arg);
		e->has_id = true;
		break;
	case OPT_SELCRIT:
		parse_selcrit(e, arg);
		break;
	/* xorriso marks the boot image being defined (archiso: isolinux.bin, not its EFI entry). */
	case OPT_GPT_BASDAT:
		e->isohybrid_gpt = 1;
		break;
	case OPT_GPT_HFSPLUS:
		e->isohybrid_gpt = 2;
		break;
	case OPT_APM_HFSPLUS:
		e->isohybrid_apm = true;
		break;
	}
}

static void apply_pending(void)
{
	size_t n = npending;
	npending = 0;
	for (size_t i = 0; i < n; i++) {
		entry_option(pending[i].val, pending[i].name, pending[i].arg);
		free(pending[i].arg);
	}
}

static void drop_pending(void)
{
	for (size_t i = 0; i < npending; i++)
		free(pending[i].arg);
	npending = 0;
}

/* -b, -e, --efi-boot, -eltorito-alt-boot, -c: where El Torito entries start and end, and the
 * catalog.  Returns whether val was one of them. */
static bool catalog_option(int val, const char *arg)
{
	switch (val) {
	case OPT_B:
		start_entry(arg, false);
		return true;
	case OPT_E:
		start_entry(arg, true);
		return true;
	case OPT_EFI_BOOT:
		/* xorriso: -eltorito-alt-boot -e IMG -no-emul-boot -eltorito-alt-boot */
		entry_open = false;
		start_entry(arg, true);
		entry_open = false;
		return true;
	case OPT_ALT_BOOT:
		entry_open = false;
		return true;
	case OPT_C:
		set_string(&target->catalog_path, arg);
		return true;
	case OPT_CAT_HIDE:
		target->catalog_hidden = true;
		return true;
	}
	return false;
}

/* The MBR, GPT and APM of a hybrid image, and the partitions appended to it.  Returns whether
 * val was one of those options. */
static bool system_area_option(int val, const char *arg)
{
	switch (val) {
	case OPT_ISOHYBRID_MBR:
		set_mbr(IMG_BOOT_MBR_ISOHYBRID, arg);
		return true;
	case OPT_GRUB2_MBR:
		set_mbr(IMG_BOOT_MBR_GRUB2, arg);
		return true;
	case OPT_EMBEDDED:
		set_mbr(IMG_BOOT_MBR_PLAIN, arg);
		return true;
	case OPT_APPEND_PART:
		append_partition(arg);
		return true;
	case OPT_APPENDED_AS_GPT:
		target->appended_as_gpt = true;
		return true;
	case OPT_APPENDED_AS_APM:
		target->appended_as_apm = true;
		return true;
	case OPT_PART_LIKE_ISOHYBRID:
		target->part_like_isohybrid = true;
		return true;
	case OPT_PROTECTIVE:
		target->protective_msdos = true;
		return true;
	case OPT_EFI_BOOT_PART:
		if (strcmp(arg, "--efi-boot-image") == 0) {
			target->efi_boot_part_from_eltorito = true;
		} else {
			target->efi_boot_part_from_eltorito = false;
			set_string(&target->efi_boot_part, arg);
		}
		return true;
	case OPT_ISO_MBR_TYPE:
		if (img_boot_set_iso_part_type(target, arg) != IMG_OK)
			complain("-iso_mbr_part_type: '%s' is not 0..255, a GPT type GUID or "
				 "default%s", arg, "");
		return true;
	case OPT_FORCE_BOOTABLE:
		target->mbr_force_bootable = true;
		return true;
	case OPT_GPT_GUID:
		target->has_gpt_guid = false;
		target->gpt_guid_from_date = false;
		if (strcmp(arg, "modification-date") == 0)
			target->gpt_guid_from_date = true;
		else if (strcmp(arg, "random") != 0) {
			if (img_boot_parse_guid(arg, target->gpt_guid) != IMG_OK)
				complain("--gpt-disk-guid: '%s' is not a GUID, 'random' or "
					 "'modification-date'%s", arg, "");
			else
				target->has_gpt_guid = true;
		}
		return true;
	}
	return false;
}

/* Where partitions start and the disk geometry their MBR entries claim.  Returns whether
 * val was one of those options. */
static bool geometry_option(int val, const char *arg)
{
	long v;
	switch (val) {
	case OPT_PART_OFFSET:
		if (parse_long("-partition_offset", arg, 0, 0x7fffffff, &v))
			target->partition_offset = (unsigned)v;
		return true;
	case OPT_CYL_ALIGN:
		if (strcmp(arg, "auto") == 0)
			target->cyl_align = IMG_BOOT_CYL_AUTO;
		else if (strcmp(arg, "on") == 0)
			target->cyl_align = IMG_BOOT_CYL_ON;
		else if (strcmp(arg, "off") == 0)
			target->cyl_align = IMG_BOOT_CYL_OFF;
		else if (strcmp(arg, "all") == 0)
			target->cyl_align = IMG_BOOT_CYL_ALL;
		else
			complain("-partition_cyl_align: '%s' is not auto, on, off or all%s", arg, "");
		return true;
	case OPT_HD_CYL:
		if (parse_long("-partition_hd_cyl", arg, 1, 255, &v))
			target->heads_per_cyl = (int)v;
		return true;
	case OPT_SEC_HD:
		if (parse_long("-partition_sec_hd", arg, 1, 63, &v))
			target->secs_per_head = (int)v;
		return true;
	}
	return false;
}

/* popt calls this for each boot option, in command-line order (entries depend on it). */
static void callback(poptContext con, enum poptCallbackReason reason,
		     const struct poptOption *opt, const char *arg, const void *data)
{
	(void)con;
	(void)data;
	if (reason != POPT_CALLBACK_REASON_OPTION || target == NULL)
		return;
	if (catalog_option(opt->val, arg) || system_area_option(opt->val, arg) ||
	    geometry_option(opt->val, arg) || hfsplus_option(opt->val, arg) ||
	    platform_option(opt->val, opt->longName ? opt->longName : "", arg))
		return;
	switch (opt->val) {
	case OPT_SORT_WEIGHT:
		sort_weight(arg);
		break;
	case OPT_SORT_LIST:
		add_weight(MKIMAGE_SORT_WEIGHT_LIST, 0, arg);
		break;
	case OPT_SORT_PATTERNS:
		add_weight(MKIMAGE_SORT_WEIGHT_PATTERNS, 0, arg);
		break;
	case OPT_PRESET:
		if (strcmp(arg, "bios") && strcmp(arg, "uefi") && strcmp(arg, "bios+uefi"))
			complain("--boot-preset: '%s' is not bios, uefi or bios+uefi%s", arg, "");
		snprintf(preset_buf, sizeof(preset_buf), "%s", arg);
		preset = preset_buf;
		break;
	case OPT_MOD_DATE: {
		size_t n = strlen(arg);
		if (n != 16 || strspn(arg, "0123456789") != 16)
			complain("--modification-date: '%s' is not YYYYMMDDhhmmsscc%s", arg, "");
		snprintf(modification_date_buf, sizeof(modification_date_buf), "%s", arg);
		modification_date = modification_date_buf;
		break;
	}
	default:
		entry_option(opt->val, opt->longName ? opt->longName : "option", arg);
		break;
	}
}

#define ONE (POPT_ARGFLAG_ONEDASH)
struct poptOption mkimage_boot_options[] = {
	{NULL, '\0', POPT_ARG_CALLBACK, (void *)callback, 0, NULL, NULL},
	{"eltorito-boot", 'b', POPT_ARG_STRING | ONE, NULL, OPT_B,
	 "El Torito BIOS boot image (path in the image); starts an entry", "IMG"},
	{"eltorito-catalog", 'c', POPT_ARG_STRING | ONE, NULL, OPT_C,
	 "boot catalog path in the image (default /boot.catalog)", "CAT"},
	{"boot-catalog-hide", '\0', POPT_ARG_NONE, NULL, OPT_CAT_HIDE,
	 "the boot catalog is in no directory tree (as -hide naming it)", NULL},
	{NULL, 'e', POPT_ARG_STRING, NULL, OPT_E,
	 "El Torito EFI boot image (a FAT image in the image, or "
	 "--interval:appended_partition_N:all::); starts an entry", "IMG"},
	{"efi-boot", '\0', POPT_ARG_STRING, NULL, OPT_EFI_BOOT,
	 "an EFI entry of its own (as -eltorito-alt-boot -e IMG -no-emul-boot -eltorito-alt-boot)",
	 "IMG"},
	{"no-emul-boot", '\0', POPT_ARG_NONE | ONE, NULL, OPT_NO_EMUL,
	 "the entry's image is loaded without emulation", NULL},
	{"hard-disk-boot", '\0', POPT_ARG_NONE | ONE, NULL, OPT_HARD_DISK,
	 "the entry's image emulates a hard disk (it starts with an MBR)", NULL},
	{"no-boot", '\0', POPT_ARG_NONE | ONE, NULL, OPT_NO_BOOT,
	 "mark the entry not bootable", NULL},
	{"boot-load-size", '\0', POPT_ARG_STRING | ONE, NULL, OPT_LOAD_SIZE,
	 "512-byte sectors the firmware loads (default 4 without emulation; the whole image "
	 "for EFI)", "N"},
	{"boot-load-seg", '\0', POPT_ARG_STRING | ONE, NULL, OPT_LOAD_SEG,
	 "load segment (default 0x07C0)", "SEG"},
	{"boot-info-table", '\0', POPT_ARG_NONE | ONE, NULL, OPT_INFO_TABLE,
	 "patch a boot info table into bytes 8..63 of the entry's image (isolinux)", NULL},
	{"grub2-boot-info", '\0', POPT_ARG_NONE | ONE, NULL, OPT_GRUB2_INFO,
	 "patch the image's LBA into byte 1012 of the entry's image (GRUB2 eltorito.img)", NULL},
	{"eltorito-alt-boot", '\0', POPT_ARG_NONE | ONE, NULL, OPT_ALT_BOOT,
	 "end the current entry; the next -b or -e starts another", NULL},
	{"eltorito-platform", '\0', POPT_ARG_STRING | ONE, NULL, OPT_PLATFORM,
	 "platform of the entry: x86, efi, PPC, Mac or a number", "ID"},
	{"eltorito-id", '\0', POPT_ARG_STRING | ONE, NULL, OPT_ELTORITO_ID,
	 "id string of the entry's section (up to 28 characters)", "TEXT"},
	{"eltorito-selcrit", '\0', POPT_ARG_STRING | ONE, NULL, OPT_SELCRIT,
	 "selection criteria of the entry (up to 20 bytes in hex)", "HEX"},
	{"isohybrid-mbr", '\0', POPT_ARG_STRING | ONE, NULL, OPT_ISOHYBRID_MBR,
	 "isolinux hybrid MBR (isohdpfx.bin) for USB boot", "FILE"},
	{"isohybrid-gpt-basdat", '\0', POPT_ARG_NONE | ONE, NULL, OPT_GPT_BASDAT,
	 "list EFI boot images in a GPT as Basic Data partitions", NULL},
	{"isohybrid-gpt-hfsplus", '\0', POPT_ARG_NONE | ONE, NULL, OPT_GPT_HFSPLUS,
	 "list EFI boot images in a GPT as HFS+ partitions", NULL},
	{"isohybrid-apm-hfsplus", '\0', POPT_ARG_NONE | ONE, NULL, OPT_APM_HFSPLUS,
	 "list EFI boot images in an Apple Partition Map", NULL},
	{"partition_offset", '\0', POPT_ARG_STRING | ONE, NULL, OPT_PART_OFFSET,
	 "start a mountable partition N 2 KiB blocks in (0, or 16 and more)", "N"},
	{"append_partition", '\0', POPT_ARG_STRING | ONE, NULL, OPT_APPEND_PART,
	 "append FILE as partition N (1..4) of TYPE (0xef, a GUID, efi, fat, linux)",
	 "N TYPE FILE"},
	{"appended_part_as_gpt", '\0', POPT_ARG_NONE | ONE, NULL, OPT_APPENDED_AS_GPT,
	 "list appended partitions in a GPT rather than the MBR", NULL},
	{"appended_part_as_apm", '\0', POPT_ARG_NONE | ONE, NULL, OPT_APPENDED_AS_APM,
	 "list appended partitions in an Apple Partition Map too", NULL},
	{"part_like_isohybrid", '\0', POPT_ARG_NONE | ONE, NULL, OPT_PART_LIKE_ISOHYBRID,
	 "-isohybrid-gpt-* and -isohybrid-apm-hfsplus without an isohybrid MBR", NULL},
	{"protective-msdos-label", '\0', POPT_ARG_NONE | ONE, NULL, OPT_PROTECTIVE,
	 "an MBR partition from block 1 to the end of the image", NULL},
	{"embedded-boot", 'G', POPT_ARG_STRING | ONE, NULL, OPT_EMBEDDED,
	 "copy FILE (up to 32 KiB) into the system area as it is", "FILE"},
	{"generic-boot", '\0', POPT_ARG_STRING | ONE, NULL, OPT_EMBEDDED,
	 "as -G", "FILE"},
	{"efi-boot-part", '\0', POPT_ARG_STRING | ONE, NULL, OPT_EFI_BOOT_PART,
	 "an EFI system partition in the GPT from FILE, or --efi-boot-image for the EFI entry's "
	 "image (stored once)", "FILE"},
	{"grub2-mbr", '\0', POPT_ARG_STRING | ONE, NULL, OPT_GRUB2_MBR,
	 "GRUB2 boot.img as MBR, patched with the first boot image's address", "FILE"},
	{"iso_mbr_part_type", '\0', POPT_ARG_STRING | ONE, NULL, OPT_ISO_MBR_TYPE,
	 "MBR partition type (0..255) of the partition that holds the ISO file system, or its "
	 "GPT type GUID, or default", "TYPE"},
	{"mbr-force-bootable", '\0', POPT_ARG_NONE | ONE, NULL, OPT_FORCE_BOOTABLE,
	 "mark an MBR partition active even where none would be", NULL},
	{"partition_cyl_align", '\0', POPT_ARG_STRING | ONE, NULL, OPT_CYL_ALIGN,
	 "pad the image to a cylinder boundary: auto, on, off or all", "MODE"},
	{"partition_hd_cyl", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HD_CYL,
	 "heads per cylinder of the partition table geometry (1..255)", "N"},
	{"partition_sec_hd", '\0', POPT_ARG_STRING | ONE, NULL, OPT_SEC_HD,
	 "sectors per head of the partition table geometry (1..63)", "N"},
	{"gpt-disk-guid", '\0', POPT_ARG_STRING | ONE, NULL, OPT_GPT_GUID,
	 "GPT disk GUID: a GUID, random or modification-date (the default with "
	 "SOURCE_DATE_EPOCH)", "GUID"},
	{"gpt_disk_guid", '\0', POPT_ARG_STRING, NULL, OPT_GPT_GUID,
	 "as --gpt-disk-guid (xorriso's spelling)", "GUID"},
	{"hfsplus", '\0', POPT_ARG_NONE | ONE, NULL, OPT_HFSPLUS,
	 "an HFS+ view of the tree for Macs, listed in an Apple Partition Map", NULL},
	{"apm-block-size", '\0', POPT_ARG_STRING | ONE, NULL, OPT_APM_BLOCK,
	 "block size of the Apple Partition Map: 512 or 2048 (0: libisofs's choice)", "N"},
	{"hfsplus-block-size", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HFSP_BLOCK,
	 "allocation block size of HFS+: 512 or 2048 (0: libisofs's choice)", "N"},
	{"hfsplus-serial-no", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HFSP_SERIAL,
	 "HFS+ serial number, 16 hex digits (default: from the volume date when reproducible, "
	 "else random)", "HEX"},
	{"hfsplus-file-creator-type", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HFS_CODE,
	 "HFS+ creator code C and type code T (4 characters each) of the file at PATH in the "
	 "image", "C T PATH"},
	{"hfs-bless-by", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HFS_BLESS_BY,
	 "give PATH in the image the HFS+ blessing KIND: ppc_bootdir, intel_bootfile, show_folder, "
	 "os9_folder or osx_folder (or p, i, s, 9, x)", "KIND PATH"},
	{"hfs-bless", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HFS_BLESS,
	 "bless (ppc_bootdir) the directory that stems from disk directory DIR", "DIR"},
	{"hide-hfsplus", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HIDE_HFSPLUS,
	 "hide matches of GLOB (name, disk or image path) from the HFS+ view", "GLOB"},
	{"hide-hfsplus-list", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HIDE_HFSPLUS_LIST,
	 "read -hide-hfsplus GLOBs from FILE, one per line", "FILE"},
	{"sort-weight", '\0', POPT_ARG_STRING, NULL, OPT_SORT_WEIGHT,
	 "weight of the file at PATH in the image, or of all files below it (heavier data "
	 "first; later ones override)", "WEIGHT PATH"},
	{"sort-weight-list", '\0', POPT_ARG_STRING, NULL, OPT_SORT_LIST,
	 "--sort-weight for each line \"WEIGHT PATH\" of FILE", "FILE"},
	{"sort-weight-patterns", '\0', POPT_ARG_STRING, NULL, OPT_SORT_PATTERNS,
	 "as --sort-weight-list, PATH being a pattern over image paths", "FILE"},
	{"chrp-boot-part", '\0', POPT_ARG_NONE | ONE, NULL, OPT_CHRP,
	 "an MBR partition of type 0x96 over the ISO file system (CHRP PowerPC)", NULL},
	{"chrp-boot", '\0', POPT_ARG_NONE | ONE, NULL, OPT_CHRP,
	 "as -chrp-boot-part", NULL},
	{"prep-boot-part", '\0', POPT_ARG_STRING | ONE, NULL, OPT_PREP,
	 "a PReP boot partition (PowerPC) from FILE, in the MBR", "FILE"},
	{"sparc-boot", 'B', POPT_ARG_STRING | ONE, NULL, OPT_SPARC_BOOT,
	 "SUN disk label with the comma-separated FILEs as partitions 2..8 (... repeats the "
	 "one before)", "FILES"},
	{"sparc-label", '\0', POPT_ARG_STRING | ONE, NULL, OPT_SPARC_LABEL,
	 "text of the SUN disk label (up to 128 characters)", "TEXT"},
	{"grub2-sparc-core", '\0', POPT_ARG_STRING, NULL, OPT_SPARC_CORE,
	 "address and size of GRUB's core.img at PATH in the image after the SUN disk label",
	 "PATH"},
	{"mips-boot", '\0', POPT_ARG_STRING | ONE, NULL, OPT_MIPS,
	 "SGI MIPS volume header listing the boot file at PATH in the image (up to 15)",
	 "PATH"},
	{"mipsel-boot", '\0', POPT_ARG_STRING | ONE, NULL, OPT_MIPSEL,
	 "DECstation (little-endian MIPS) boot block for the boot file at PATH in the image",
	 "PATH"},
	{"hppa-cmdline", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HPPA,
	 "HP-PA PALO: kernel command line (with -hppa-bootloader, -hppa-kernel-32, "
	 "-hppa-kernel-64 and -hppa-ramdisk)", "TEXT"},
	{"hppa-bootloader", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HPPA,
	 "HP-PA PALO: the boot loader at PATH in the image", "PATH"},
	{"hppa-kernel-32", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HPPA,
	 "HP-PA PALO: the 32-bit kernel at PATH in the image", "PATH"},
	{"hppa-kernel-64", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HPPA,
	 "HP-PA PALO: the 64-bit kernel at PATH in the image", "PATH"},
	{"hppa-ramdisk", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HPPA,
	 "HP-PA PALO: the RAM disk at PATH in the image", "PATH"},
	{"hppa-hdrversion", '\0', POPT_ARG_STRING | ONE, NULL, OPT_HPPA,
	 "HP-PA PALO header version: 4 or 5 (default)", "N"},
	{"alpha-boot", '\0', POPT_ARG_STRING | ONE, NULL, OPT_ALPHA,
	 "DEC Alpha SRM boot sector for the boot loader at PATH in the image", "PATH"},
	{"boot-preset", '\0', POPT_ARG_STRING, NULL, OPT_PRESET,
	 "usual settings for the boot images given: bios (no emulation, load size 4, info "
	 "table), uefi (EFI image also as GPT EFI system partition), or bios+uefi", "KIND"},
	{"modification-date", '\0', POPT_ARG_STRING | ONE, NULL, OPT_MOD_DATE,
	 "volume dates as YYYYMMDDhhmmsscc (UTC), as xorriso reports them", "DATE"},
	POPT_TABLEEND
};

static void apply_preset(void)
{
	bool bios = strstr(preset, "bios") != NULL;
	bool uefi = strstr(preset, "uefi") != NULL;
	bool have_bios = false, have_efi = false;
	for (size_t i = 0; i < target->n_entries; i++) {
		struct img_boot_entry *e = &target->entries[i];
		if (e->efi) {
			have_efi = true;
			continue;
		}
		have_bios = true;
		if (!bios)
			continue;
		if (e->emul == IMG_BOOT_EMUL_AUTO)
			e->emul = IMG_BOOT_EMUL_NONE;
		if (e->load_size < 0)
			e->load_size = 4;
		e->info_table = true;
	}
	if (bios && !have_bios)
		complain("--boot-preset %s needs a BIOS boot image (-b)%s", preset, "");
	if (uefi && !have_efi)
		complain("--boot-preset %s needs an EFI boot image (-e)%s", preset, "");
	bool has_esp = target->efi_boot_part || target->efi_boot_part_from_eltorito ||
		       target->gpt_basdat || target->gpt_hfsplus;
	for (size_t i = 0; i < target->n_entries; i++)
		has_esp |= target->entries[i].efi && target->entries[i].isohybrid_gpt != 0;
	if (uefi && !has_esp) {
		/* The EFI image becomes the GPT's EFI system partition, stored once; with an
		 * isohybrid MBR libisofs wants it the isohybrid way (a GPT entry per image). */
		if (target->mbr_kind == IMG_BOOT_MBR_ISOHYBRID)
			target->gpt_basdat = true;
		else
			target->efi_boot_part_from_eltorito = true;
	}
}

int mkimage_boot_options_finish(void)
{
	/* xorriso ignores them without a word (a line ending in "-eltorito-alt-boot
	 * -no-emul-boot -isohybrid-gpt-basdat", as some guides write it); say so at least. */
	for (size_t i = 0; i < npending; i++)
		img_cli_warn("-%s: no -b or -e follows it: ignored, as xorriso does",
			     pending[i].name);
	drop_pending();
	if (problem[0] == '\0' && preset != NULL)
		apply_preset();
	if (problem[0] != '\0') {
		img_cli_usage_error("%s", problem);
		return IMG_EXIT_USAGE;
	}
	return 0;
}
