/* Boot blocks of other machines (MIPS, SPARC, HP-PA, Alpha, PowerPC) through libisofs. */
#include "common/build/platform_boot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/build/boot.h"
#include "common/build/image_ext.h"

void img_platform_boot_free(struct img_platform_boot *p)
{
	for (size_t i = 0; i < p->n_mips; i++)
		free(p->mips[i]);
	free(p->sparc_label);
	for (size_t i = 0; i < IMG_PLATFORM_SPARC_PARTS; i++)
		free(p->sparc_parts[i]);
	free(p->sparc_core);
	for (size_t i = 0; i < IMG_HPPA_N; i++)
		free(p->hppa[i]);
	free(p->alpha_boot);
	free(p->prep_part);
	memset(p, 0, sizeof(*p));
}

bool img_platform_boot_active(const struct img_platform_boot *p)
{
	return p->type != IMG_SYSAREA_MBR || p->chrp || p->prep_part != NULL ||
	       p->sparc_core != NULL;
}

static const char *type_name(enum img_sysarea_type t)
{
	static const char *const names[] = {
		"an MBR", "a MIPS volume header", "a DEC MIPS boot block", "a SUN disk label",
		"an HP-PA PALO header", "an HP-PA PALO header", "a DEC Alpha boot sector",
	};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "another boot block";
}

int img_platform_boot_set_type(struct img_platform_boot *p, enum img_sysarea_type type,
			       const char *option, struct img_error *err)
{
	bool hppa = type == IMG_SYSAREA_HPPA4 || type == IMG_SYSAREA_HPPA5;
	bool was_hppa = p->type == IMG_SYSAREA_HPPA4 || p->type == IMG_SYSAREA_HPPA5;
	/* The first sector holds one machine's boot block: xorriso refuses a second one too. */
	if (p->type != IMG_SYSAREA_MBR && p->type != type && !(hppa && was_hppa))
		return img_error_set(err, IMG_EINVAL,
				     "%s: the first sector already holds %s (%s)", option,
				     type_name(p->type), p->type_option);
	if (!(hppa && was_hppa))
		p->type = type;
	p->type_option = option;
	return IMG_OK;
}

static int copy_string(char **slot, const char *text, struct img_error *err)
{
	char *copy = strdup(text);
	if (copy == NULL)
		return img_error_set(err, IMG_ENOMEM, NULL);
	free(*slot);
	*slot = copy;
	return IMG_OK;
}

int img_platform_boot_add_mips(struct img_platform_boot *p, bool little_endian,
			       const char *path, struct img_error *err)
{
	const char *option = little_endian ? "-mipsel-boot" : "-mips-boot";
	enum img_sysarea_type type = little_endian ? IMG_SYSAREA_MIPSEL : IMG_SYSAREA_MIPS;
	int rc = img_platform_boot_set_type(p, type, option, err);
	if (rc)
		return rc;
	/* A DEC boot block names one file (xorriso: "already a boot image file registered"). */
	if (little_endian && p->n_mips > 0)
		return img_error_set(err, IMG_EINVAL, "-mipsel-boot %s: a DEC boot block holds one "
				     "boot file (%s is given already)", path, p->mips[0]);
	if (p->n_mips >= IMG_PLATFORM_MIPS_FILES)
		return img_error_set(err, IMG_EINVAL, "-mips-boot %s: a MIPS volume header lists "
				     "at most %d files", path, IMG_PLATFORM_MIPS_FILES);
	if ((rc = copy_string(&p->mips[p->n_mips], path, err)))
		return rc;
	p->n_mips++;
	return IMG_OK;
}

int img_platform_boot_set_sparc(struct img_platform_boot *p, const char *list,
				struct img_error *err)
{
	int rc = img_platform_boot_set_type(p, IMG_SYSAREA_SPARC, "-sparc-boot", err);
	if (rc)
		return rc;
	size_t part = 0;
	const char *s = list;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		if (n == 3 && strncmp(s, "...", 3) == 0) {
			/* The rest of the partitions repeat the one before (libisofs: ""). */
			for (; part < IMG_PLATFORM_SPARC_PARTS; part++)
				if ((rc = copy_string(&p->sparc_parts[part], "", err)))
					return rc;
		} else {
			if (part >= IMG_PLATFORM_SPARC_PARTS)
				return img_error_set(err, IMG_EINVAL, "-sparc-boot %s: more than %d "
						     "boot images (partitions 2..8)", list,
						     IMG_PLATFORM_SPARC_PARTS);
			/* An empty name leaves its partition out, as with xorriso. */
			if (n > 0) {
				char *copy = strndup(s, n);
				if (copy == NULL)
					return img_error_set(err, IMG_ENOMEM, NULL);
				free(p->sparc_parts[part]);
				p->sparc_parts[part] = copy;
			}
			part++;
		}
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return IMG_OK;
}

int img_platform_boot_set_hppa(struct img_platform_boot *p, const char *name,
			       const char *value, struct img_error *err)
{
	static const struct { const char *name; int slot; } names[] = {
		{"cmdline", IMG_HPPA_CMDLINE}, {"bootloader", IMG_HPPA_BOOTLOADER},
		{"kernel-32", IMG_HPPA_KERNEL32}, {"kernel-64", IMG_HPPA_KERNEL64},
		{"ramdisk", IMG_HPPA_RAMDISK},
	};
	int rc;
	if (strcmp(name, "hdrversion") == 0) {
		enum img_sysarea_type t;
		if (strcmp(value, "4") == 0)
			t = IMG_SYSAREA_HPPA4;
		else if (strcmp(value, "5") == 0)
			t = IMG_SYSAREA_HPPA5;
		else
			return img_error_set(err, IMG_EINVAL, "-hppa-hdrversion %s: want 4 or 5",
					     value);
		if ((rc = img_platform_boot_set_type(p, t, "-hppa-hdrversion", err)))
			return rc;
		p->type = t;
		return IMG_OK;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) != 0)
			continue;
		/* PALO's command line field is 127 bytes (libisofs's limit). */
		if (names[i].slot == IMG_HPPA_CMDLINE && strlen(value) > 127)
			return img_error_set(err, IMG_EINVAL, "-hppa-cmdline: longer than 127 "
					     "characters");
		if ((rc = img_platform_boot_set_type(p, p->type == IMG_SYSAREA_HPPA4
						     ? IMG_SYSAREA_HPPA4 : IMG_SYSAREA_HPPA5,
						     "-hppa-*", err)))
			return rc;
		return copy_string(&p->hppa[names[i].slot], value, err);
	}
	return img_error_set(err, IMG_EINVAL, "-hppa-%s: not an HP-PA boot parameter", name);
}

int img_platform_boot_check(const struct img_platform_boot *p, struct img_error *err)
{
	static const char *const opts[IMG_HPPA_N] = {
		"-hppa-cmdline", "-hppa-bootloader", "-hppa-kernel-32", "-hppa-kernel-64",
		"-hppa-ramdisk",
	};
	if (p->type == IMG_SYSAREA_HPPA4 || p->type == IMG_SYSAREA_HPPA5) {
		/* libisofs writes a PALO header only from all five. */
		for (size_t i = 0; i < IMG_HPPA_N; i++)
			if (p->hppa[i] == NULL)
				return img_error_set(err, IMG_EINVAL, "HP-PA boot: %s is missing "
						     "(PALO needs -hppa-cmdline, -hppa-bootloader, "
						     "-hppa-kernel-32, -hppa-kernel-64 and "
						     "-hppa-ramdisk)", opts[i]);
	}
	/* libisofs writes GRUB's core address only after a SUN disk label. */
	if (p->sparc_core != NULL && p->type != IMG_SYSAREA_SPARC)
		return img_error_set(err, IMG_EINVAL, "--grub2-sparc-core: it is recorded in a SUN "
				     "disk label, which needs -sparc-boot (-B) or -sparc-label");
	if (p->chrp && p->type != IMG_SYSAREA_MBR)
		return img_error_set(err, IMG_EINVAL, "-chrp-boot-part: the first sector already "
				     "holds %s (%s)", type_name(p->type), p->type_option);
	if (p->prep_part != NULL && !img_boot_is_interval(p->prep_part)) {
		struct stat st;
		if (stat(p->prep_part, &st) != 0)
			return img_error_errno(err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno,
					       "-prep-boot-part %s", p->prep_part);
		if (!S_ISREG(st.st_mode))
			return img_error_set(err, IMG_EINVAL, "-prep-boot-part %s: not a regular "
					     "file", p->prep_part);
	}
	return IMG_OK;
}

/* The regular file at image path, for the option named. */
static int file_at(struct img_image *img, const char *option, const char *path, IsoNode **node)
{
	*node = NULL;
	if (iso_tree_path_to_node(img_image_isofs(img), path, node) != 1 || *node == NULL)
		return img_error_set(img_image_err(img), IMG_ENOENT, "%s %s: not in the image",
				     option, path);
	if (iso_node_get_type(*node) != LIBISO_FILE)
		return img_error_set(img_image_err(img), IMG_EINVAL,
				     "%s %s: not a regular file", option, path);
	return IMG_OK;
}

/* libisofs wants absolute image paths; the options take them with or without the slash. */
static char *absolute(const char *path)
{
	size_t n = strlen(path);
	char *abs = malloc(n + 2);
	if (abs != NULL)
		snprintf(abs, n + 2, "%s%s", path[0] == '/' ? "" : "/", path);
	return abs;
}

static int checked_path(struct img_image *img, const char *option, const char *path,
			char **abs)
{
	*abs = absolute(path);
	if (*abs == NULL)
		return img_error_set(img_image_err(img), IMG_ENOMEM, NULL);
	IsoNode *node;
	int rc = file_at(img, option, *abs, &node);
	if (rc) {
		free(*abs);
		*abs = NULL;
	}
	return rc;
}

static int apply_hppa(struct img_image *img, const struct img_platform_boot *p)
{
	static const char *const opts[IMG_HPPA_N] = {
		"-hppa-cmdline", "-hppa-bootloader", "-hppa-kernel-32", "-hppa-kernel-64",
		"-hppa-ramdisk",
	};
	char *v[IMG_HPPA_N] = {NULL};
	int rc = IMG_OK;
	v[IMG_HPPA_CMDLINE] = strdup(p->hppa[IMG_HPPA_CMDLINE]);
	if (v[IMG_HPPA_CMDLINE] == NULL)
		rc = img_error_set(img_image_err(img), IMG_ENOMEM, NULL);
	for (size_t i = 1; i < IMG_HPPA_N && rc == IMG_OK; i++)
		rc = checked_path(img, opts[i], p->hppa[i], &v[i]);
	if (rc == IMG_OK) {
		int ret = iso_image_set_hppa_palo(img_image_isofs(img), v[0], v[1], v[2], v[3],
						  v[4], 0);
		if (ret < 0)
			rc = img_image_isofs_error(img, ret, "HP-PA boot");
	}
	for (size_t i = 0; i < IMG_HPPA_N; i++)
		free(v[i]);
	return rc;
}

int img_platform_boot_apply(struct img_image *img, const struct img_platform_boot *p,
			    int *options)
{
	IsoImage *iso = img_image_isofs(img);
	IsoWriteOpts *w = img_image_write_opts(img);
	int rc, ret;
	*options = (int)p->type << 2;
	if (p->chrp)
		*options |= 1 << 10; /* MBR sub type 1: CHRP, one partition of type 0x96 */
	for (size_t i = 0; i < p->n_mips; i++) {
		char *abs;
		if ((rc = checked_path(img, p->type == IMG_SYSAREA_MIPSEL ? "-mipsel-boot"
									  : "-mips-boot",
				       p->mips[i], &abs)))
			return rc;
		ret = iso_image_add_mips_boot_file(iso, abs, 0);
		free(abs);
		if (ret < 0)
			return img_image_isofs_error(img, ret, p->mips[i]);
	}
	if (p->type == IMG_SYSAREA_SPARC) {
		if (p->sparc_label != NULL) {
			char *label = strdup(p->sparc_label);
			if (label == NULL)
				return img_error_set(img_image_err(img), IMG_ENOMEM, NULL);
			ret = iso_write_opts_set_disc_label(w, label);
			free(label);
			if (ret < 0)
				return img_image_isofs_error(img, ret, "-sparc-label");
		}
		for (int i = 0; i < IMG_PLATFORM_SPARC_PARTS; i++) {
			if (p->sparc_parts[i] == NULL)
				continue;
			bool iv = img_boot_is_interval(p->sparc_parts[i]);
			char *path = strdup(p->sparc_parts[i] + (iv ? 11 : 0));
			if (path == NULL)
				return img_error_set(img_image_err(img), IMG_ENOMEM, NULL);
			/* The partition type byte is ignored with a SUN disk label. */
			ret = iso_write_opts_set_partition_img(w, i + 2, 0, path, iv ? 1 : 0);
			free(path);
			if (ret < 0)
				return img_image_isofs_error(img, ret, "-sparc-boot");
		}
	}
	if (p->sparc_core != NULL) {
		char *abs;
		if ((rc = checked_path(img, "--grub2-sparc-core", p->sparc_core, &abs)))
			return rc;
		IsoNode *node = NULL;
		iso_tree_path_to_node(iso, abs, &node);
		free(abs);
		if ((ret = iso_image_set_sparc_core(iso, (IsoFile *)node, 0)) < 0)
			return img_image_isofs_error(img, ret, "--grub2-sparc-core");
	}
	if ((p->type == IMG_SYSAREA_HPPA4 || p->type == IMG_SYSAREA_HPPA5) &&
	    (rc = apply_hppa(img, p)))
		return rc;
	if (p->alpha_boot != NULL) {
		char *abs;
		if ((rc = checked_path(img, "-alpha-boot", p->alpha_boot, &abs)))
			return rc;
		ret = iso_image_set_alpha_boot(iso, abs, 0);
		free(abs);
		if (ret < 0)
			return img_image_isofs_error(img, ret, "-alpha-boot");
	}
	if (p->prep_part != NULL) {
		bool iv = img_boot_is_interval(p->prep_part);
		char *path = strdup(iv ? p->prep_part + 11 : p->prep_part);
		if (path == NULL)
			return img_error_set(img_image_err(img), IMG_ENOMEM, NULL);
		ret = iso_write_opts_set_prep_img(w, path, iv ? 1 : 0);
		free(path);
		if (ret < 0)
			return img_image_isofs_error(img, ret, "-prep-boot-part");
	}
	return IMG_OK;
}
