/* Boot media description: building and checking the configuration the options describe. */
#include "common/build/boot.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/grow.h"

/* El Torito's catalog: one default entry plus up to 31 further ones (libisofs's limit too). */
#define MAX_ENTRIES 32

void img_boot_config_init(struct img_boot_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->iso_mbr_part_type = -1;
}

void img_boot_config_free(struct img_boot_config *cfg)
{
	for (size_t i = 0; i < cfg->n_entries; i++) {
		free(cfg->entries[i].image_path);
		free(cfg->entries[i].cut_source);
	}
	free(cfg->entries);
	free(cfg->catalog_path);
	free(cfg->mbr_file);
	free(cfg->efi_boot_part);
	for (size_t i = 0; i < 4; i++)
		free(cfg->partitions[i].path);
	img_hfsplus_config_free(&cfg->hfsplus);
	img_platform_boot_free(&cfg->platform);
	img_boot_config_init(cfg);
}

bool img_boot_config_active(const struct img_boot_config *cfg)
{
	if (cfg->n_entries > 0 || cfg->mbr_kind != IMG_BOOT_MBR_NONE || cfg->protective_msdos ||
	    cfg->efi_boot_part != NULL || cfg->efi_boot_part_from_eltorito ||
	    cfg->partition_offset > 0 || cfg->appended_as_gpt || cfg->appended_as_apm ||
	    cfg->part_like_isohybrid || cfg->hfsplus.enabled ||
	    cfg->hfsplus.apm_block_size || cfg->hfsplus.block_size || cfg->hfsplus.has_serial ||
	    cfg->hfsplus.n_codes || cfg->hfsplus.n_blesses ||
	    img_platform_boot_active(&cfg->platform))
		return true;
	for (size_t i = 0; i < 4; i++)
		if (cfg->partitions[i].number != 0)
			return true;
	return false;
}

int img_boot_add_entry(struct img_boot_config *cfg, const char *path, bool efi,
		       struct img_error *err)
{
	if (cfg->n_entries >= MAX_ENTRIES)
		return img_error_set(err, IMG_ETOOBIG, "%s: more than %d El Torito boot entries",
				     path, MAX_ENTRIES);
	/* The array holds exactly n_entries (a handful at most): it grows by one. */
	size_t cap = cfg->n_entries;
	if (img_reserve((void **)&cfg->entries, &cap, cap + 1, sizeof(*cfg->entries)) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, NULL);
	struct img_boot_entry *e = &cfg->entries[cfg->n_entries];
	memset(e, 0, sizeof(*e));
	e->image_path = strdup(path);
	if (e->image_path == NULL)
		return img_error_set(err, IMG_ENOMEM, NULL);
	e->efi = efi;
	e->platform = -1;
	e->load_size = -1;
	e->load_seg = -1;
	/* EFI firmware loads a FAT image without emulation (UEFI 2.x, 13.3.2.1). */
	e->emul = efi ? IMG_BOOT_EMUL_NONE : IMG_BOOT_EMUL_AUTO;
	cfg->n_entries++;
	return IMG_OK;
}

struct img_boot_entry *img_boot_current(struct img_boot_config *cfg)
{
	return cfg->n_entries ? &cfg->entries[cfg->n_entries - 1] : NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int img_boot_parse_guid(const char *text, uint8_t guid[16])
{
	uint8_t raw[16];
	size_t n = 0;
	bool dashed = strchr(text, '-') != NULL;
	for (const char *p = text; *p; p++) {
		if (*p == '-')
			continue;
		int hi = hexval((unsigned char)p[0]);
		int lo = p[1] ? hexval((unsigned char)p[1]) : -1;
		if (hi < 0 || lo < 0 || n >= 16)
			return IMG_EINVAL;
		raw[n++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	if (n != 16)
		return IMG_EINVAL;
	if (!dashed) {
		/* 32 plain hex digits are the bytes as stored, as xorriso prints and reads them. */
		memcpy(guid, raw, 16);
		return IMG_OK;
	}
	/* Text form is big-endian throughout; UEFI stores the first three fields little-endian. */
	static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	for (size_t i = 0; i < 16; i++)
		guid[i] = raw[order[i]];
	return IMG_OK;
}

/* The EFI system partition's type GUID (UEFI 2.9, 5.3.3), as stored. */
static const uint8_t esp_type_guid[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					  0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};

int img_boot_set_iso_part_type(struct img_boot_config *cfg, const char *text)
{
	if (strcmp(text, "default") == 0) {
		cfg->iso_mbr_part_type = -1;
		cfg->has_iso_type_guid = false;
		return IMG_OK;
	}
	if (strlen(text) >= 32 && img_boot_parse_guid(text, cfg->iso_type_guid) == IMG_OK) {
		/* xorriso puts a matching MBR type beside the GPT type. */
		cfg->has_iso_type_guid = true;
		cfg->iso_mbr_part_type =
			memcmp(cfg->iso_type_guid, esp_type_guid, 16) == 0 ? 0xef : 0x83;
		return IMG_OK;
	}
	char *end;
	errno = 0;
	long v = strtol(text, &end, 0);
	if (errno || end == text || *end || v < 0 || v > 255)
		return IMG_EINVAL;
	cfg->iso_mbr_part_type = (int)v;
	cfg->has_iso_type_guid = false;
	return IMG_OK;
}

/* Partition type names beside numbers: xorriso 1.5.4's -append_partition knows "FAT12",
 * "FAT16" and "Linux" (spelled so, it refuses other cases); the lower-case names are
 * mkimage's own, kept for command lines written for it. */
static int named_mbr_type(const char *name)
{
	static const struct { const char *name; int type; } names[] = {
		{"FAT12", 0x01}, {"FAT16", 0x06}, {"Linux", 0x83},
		{"efi", 0xef}, {"fat", 0x0c}, {"fat12", 0x01}, {"fat16", 0x06}, {"fat32", 0x0c},
		{"linux", 0x83}, {"hfs+", 0x00}, {"0xef", 0xef},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].type;
	return -1;
}

int img_boot_add_partition(struct img_boot_config *cfg, const char *number, const char *type,
			   const char *path, struct img_error *err)
{
	char *end;
	errno = 0;
	long n = strtol(number, &end, 10);
	if (errno || *end || n < 1 || n > 4)
		return img_error_set(err, IMG_EINVAL,
				     "-append_partition: partition number '%s' is not 1..4", number);
	struct img_boot_partition *p = &cfg->partitions[n - 1];
	free(p->path);
	memset(p, 0, sizeof(*p));
	p->mbr_type = -1;

	int named = named_mbr_type(type);
	if (named >= 0) {
		p->mbr_type = named;
	} else if (strlen(type) >= 32 && img_boot_parse_guid(type, p->type_guid) == IMG_OK) {
		/* As xorriso: the GUID is the type in a GPT, the MBR entry gets 0xef for the EFI
		 * system partition's GUID, else 0x83.  A GUID alone does not make a GPT: the
		 * partition stays in the MBR, as archiso's isohybrid layout needs. */
		p->has_type_guid = true;
		p->mbr_type = memcmp(p->type_guid, esp_type_guid, 16) == 0 ? 0xef : 0x83;
	} else {
		errno = 0;
		long t = strtol(type, &end, 0);
		if (errno || *end || t < 0 || t > 255)
			return img_error_set(err, IMG_EINVAL,
					     "-append_partition: type '%s' is neither a byte, a GUID "
					     "nor a known name", type);
		p->mbr_type = (int)t;
	}
	p->path = strdup(path);
	if (p->path == NULL)
		return img_error_set(err, IMG_ENOMEM, NULL);
	p->number = (int)n;
	return IMG_OK;
}

bool img_boot_is_interval(const char *path)
{
	return path != NULL && strncmp(path, "--interval:", 11) == 0;
}

static int check_file(const char *option, const char *path, off_t min, off_t max,
		      struct img_error *err)
{
	/* Byte ranges of other files are read, and checked, through libisofs when applied. */
	if (img_boot_is_interval(path))
		return IMG_OK;
	struct stat st;
	if (stat(path, &st) != 0)
		return img_error_errno(err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno,
				       "%s %s", option, path);
	if (!S_ISREG(st.st_mode))
		return img_error_set(err, IMG_EINVAL, "%s %s: not a regular file", option, path);
	if (st.st_size < min || st.st_size > max)
		return img_error_set(err, IMG_EINVAL,
				     "%s %s: size %lld bytes, must be %lld..%lld", option, path,
				     (long long)st.st_size, (long long)min, (long long)max);
	return IMG_OK;
}

int img_boot_config_check(const struct img_boot_config *cfg, struct img_error *err)
{
	int rc;
	switch (cfg->mbr_kind) {
	case IMG_BOOT_MBR_ISOHYBRID:
		/* isohdpfx.bin is 432 bytes; a whole 512-byte MBR is accepted too. */
		if ((rc = check_file("-isohybrid-mbr", cfg->mbr_file, 432, 512, err)))
			return rc;
		break;
	case IMG_BOOT_MBR_GRUB2:
		if ((rc = check_file("--grub2-mbr", cfg->mbr_file, 432, 512, err)))
			return rc;
		break;
	case IMG_BOOT_MBR_PLAIN:
		if ((rc = check_file("-G", cfg->mbr_file, 1, 32768, err)))
			return rc;
		break;
	case IMG_BOOT_MBR_NONE:
		break;
	}
	if (cfg->mbr_kind == IMG_BOOT_MBR_ISOHYBRID) {
		if (cfg->n_entries == 0 || cfg->entries[0].efi)
			return img_error_set(err, IMG_EINVAL,
					     "-isohybrid-mbr needs an isolinux boot image (-b) as "
					     "the first El Torito entry");
	}
	for (size_t i = 0; i < 4; i++) {
		const struct img_boot_partition *p = &cfg->partitions[i];
		if (p->number && (rc = check_file("-append_partition", p->path, 1,
						  (off_t)0x7fffffff * 512, err)))
			return rc;
	}
	if (cfg->efi_boot_part &&
	    (rc = check_file("-efi-boot-part", cfg->efi_boot_part, 1, (off_t)1 << 40, err)))
		return rc;
	if (cfg->partition_offset != 0 && cfg->partition_offset < 16)
		return img_error_set(err, IMG_EINVAL,
				     "-partition_offset %u: must be 0 or at least 16",
				     cfg->partition_offset);
	if (cfg->heads_per_cyl < 0 || cfg->heads_per_cyl > 255)
		return img_error_set(err, IMG_EINVAL, "-partition_hd_cyl %d: must be 1..255",
				     cfg->heads_per_cyl);
	if (cfg->secs_per_head < 0 || cfg->secs_per_head > 63)
		return img_error_set(err, IMG_EINVAL, "-partition_sec_hd %d: must be 1..63",
				     cfg->secs_per_head);
	if (cfg->iso_mbr_part_type > 255)
		return img_error_set(err, IMG_EINVAL, "-iso_mbr_part_type %d: must be 0..255",
				     cfg->iso_mbr_part_type);
	if ((rc = img_platform_boot_check(&cfg->platform, err)))
		return rc;
	/* An MBR boot block or partition table and another machine's boot block both want the
	 * first sector (-G data may go under either: libisofs overwrites its first 512 bytes). */
	if (cfg->platform.type != IMG_SYSAREA_MBR &&
	    (cfg->mbr_kind == IMG_BOOT_MBR_ISOHYBRID || cfg->mbr_kind == IMG_BOOT_MBR_GRUB2 ||
	     cfg->protective_msdos))
		return img_error_set(err, IMG_EINVAL,
				     "%s: the first sector already holds an MBR (%s)",
				     cfg->platform.type_option,
				     cfg->mbr_kind == IMG_BOOT_MBR_ISOHYBRID ? "-isohybrid-mbr" :
				     cfg->mbr_kind == IMG_BOOT_MBR_GRUB2 ? "--grub2-mbr" :
				     "--protective-msdos-label");
	if (cfg->platform.chrp && (cfg->mbr_kind == IMG_BOOT_MBR_ISOHYBRID ||
				   cfg->mbr_kind == IMG_BOOT_MBR_GRUB2 || cfg->protective_msdos))
		return img_error_set(err, IMG_EINVAL,
				     "-chrp-boot-part: its MBR partition cannot go with -isohybrid-mbr, "
				     "--grub2-mbr or --protective-msdos-label");
	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct img_boot_entry *e = &cfg->entries[i];
		if (e->load_size == 0 || e->load_size > 65535)
			return img_error_set(err, IMG_EINVAL,
					     "%s: -boot-load-size %ld: must be 1..65535",
					     e->image_path, e->load_size);
		if (e->load_seg > 0xffff)
			return img_error_set(err, IMG_EINVAL,
					     "%s: -boot-load-seg %ld: must be 0..0xffff",
					     e->image_path, e->load_seg);
		if (e->platform > 255)
			return img_error_set(err, IMG_EINVAL, "%s: platform id %d: must be 0..255",
					     e->image_path, e->platform);
	}
	return IMG_OK;
}
