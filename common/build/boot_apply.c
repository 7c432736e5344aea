/* Applying a boot configuration to a libisofs image: El Torito catalog, system area, partitions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/build/boot.h"
#include "common/build/image_ext.h"

/* Floppy emulation sizes (El Torito 1.0, 2.2: media types 1, 2, 3). */
static const off_t floppy_sizes[] = {1200 * 1024, 1440 * 1024, 2880 * 1024};

static int isofs_error(struct img_error *err, int rc, const char *what, const char *path)
{
	return img_error_set(err, IMG_EISOFS, "%s%s%s: %s", what, path ? " " : "",
			     path ? path : "", iso_error_to_msg(rc));
}

/* Reads up to len bytes from the start of the file node at path in the image tree. */
static int read_node_head(IsoImage *image, const char *path, uint8_t *buf, size_t len,
			  off_t *size, struct img_error *err)
{
	IsoNode *node = NULL;
	if (iso_tree_path_to_node(image, path, &node) != 1 || node == NULL)
		return img_error_set(err, IMG_ENOENT, "boot image %s: not in the image tree", path);
	if (iso_node_get_type(node) != LIBISO_FILE)
		return img_error_set(err, IMG_EINVAL, "boot image %s: not a regular file", path);
	IsoStream *stream = iso_file_get_stream((IsoFile *)node);
	*size = (off_t)iso_stream_get_size(stream);
	memset(buf, 0, len);
	int rc = iso_stream_open(stream);
	if (rc < 0)
		return img_error_set(err, IMG_EIO, "boot image %s: %s", path, iso_error_to_msg(rc));
	size_t got = 0;
	while (got < len) {
		rc = iso_stream_read(stream, buf + got, len - got);
		if (rc <= 0)
			break;
		got += (size_t)rc;
	}
	iso_stream_close(stream);
	if (rc < 0)
		return img_error_set(err, IMG_EIO, "boot image %s: %s", path, iso_error_to_msg(rc));
	return IMG_OK;
}

/* A FAT boot sector: 0x55AA at 510 and a FAT type string where FAT12/16 (offset 54) or FAT32
 * (offset 82) keep it, or at least a sane bytes-per-sector field (Microsoft FAT spec, BPB). */
static bool looks_like_fat(const uint8_t *b)
{
	if (b[510] != 0x55 || b[511] != 0xaa)
		return false;
	if (memcmp(b + 54, "FAT", 3) == 0 || memcmp(b + 82, "FAT", 3) == 0)
		return true;
	unsigned bps = b[11] | b[12] << 8;
	return bps == 512 || bps == 1024 || bps == 2048 || bps == 4096;
}

static int check_entry_image(IsoImage *image, const struct img_boot_entry *e,
			     enum eltorito_boot_media_type *type, struct img_error *err)
{
	uint8_t head[512];
	off_t size = 0;
	if (img_boot_is_interval(e->image_path)) {
		/* A range of an appended partition: libisofs checks it when it writes. */
		if (e->emul != IMG_BOOT_EMUL_NONE)
			return img_error_set(err, IMG_EINVAL,
					     "%s: an appended partition can only be booted "
					     "without emulation", e->image_path);
		*type = ELTORITO_NO_EMUL;
		return IMG_OK;
	}
	int rc = read_node_head(image, e->image_path, head, sizeof(head), &size, err);
	if (rc)
		return rc;

	switch (e->emul) {
	case IMG_BOOT_EMUL_NONE:
		*type = ELTORITO_NO_EMUL;
		break;
	case IMG_BOOT_EMUL_HARD_DISK:
		/* The image must start with an MBR holding one partition (El Torito 1.0, 2.2). */
		if (size < 512 || head[510] != 0x55 || head[511] != 0xaa)
			return img_error_set(err, IMG_EINVAL,
					     "boot image %s: -hard-disk-boot needs an image that "
					     "starts with a master boot record", e->image_path);
		*type = ELTORITO_HARD_DISC_EMUL;
		break;
	case IMG_BOOT_EMUL_AUTO:
	case IMG_BOOT_EMUL_FLOPPY: {
		bool ok = false;
		for (size_t i = 0; i < sizeof(floppy_sizes) / sizeof(floppy_sizes[0]); i++)
			ok |= size == floppy_sizes[i];
		if (!ok)
			return img_error_set(err, IMG_EINVAL,
					     "boot image %s: %lld bytes is not a floppy size "
					     "(1200, 1440 or 2880 KiB); use -no-emul-boot or "
					     "-hard-disk-boot", e->image_path, (long long)size);
		*type = ELTORITO_FLOPPY_EMUL;
		break;
	}
	}
	if (e->info_table && size < 64)
		return img_error_set(err, IMG_EINVAL,
				     "boot image %s: %lld bytes is too small for -boot-info-table "
				     "(the table lies in bytes 8..63)", e->image_path, (long long)size);
	if (e->grub2_info && size < 1024)
		return img_error_set(err, IMG_EINVAL,
				     "boot image %s: %lld bytes is too small for --grub2-boot-info "
				     "(patched at byte 1012)", e->image_path, (long long)size);
	if (e->efi && !looks_like_fat(head))
		return img_error_set(err, IMG_EINVAL,
				     "EFI boot image %s: not a FAT file system image", e->image_path);
	return IMG_OK;
}

/* The isohybrid GPT and APM entries of a boot image (el_torito_set_isolinux_options bits 2-7:
 * 1 Basic Data, 2 HFS+; bit 8: APM): those given with the entry itself, as xorriso marks the
 * image its -isohybrid-* options come with, else the configuration's for EFI images. */
static int isohybrid_marks(const struct img_boot_config *cfg, const struct img_boot_entry *e,
			   int platform)
{
	bool efi = e->efi || platform == IMG_BOOT_PLATFORM_EFI;
	int gpt = e->isohybrid_gpt;
	if (gpt == 0 && efi)
		gpt = cfg->gpt_basdat ? 1 : cfg->gpt_hfsplus ? 2 : 0;
	bool apm = e->isohybrid_apm || (efi && cfg->apm_hfsplus);
	return gpt << 2 | (apm ? 1 << 8 : 0);
}

static int apply_entry(const struct img_boot_config *cfg, const struct img_boot_entry *e,
		       ElToritoBootImage *boot, struct img_error *err)
{
	int platform = e->platform >= 0 ? e->platform
					: (e->efi ? IMG_BOOT_PLATFORM_EFI : IMG_BOOT_PLATFORM_X86);
	int rc = el_torito_set_boot_platform_id(boot, (uint8_t)platform);
	if (rc < 0)
		return isofs_error(err, rc, "El Torito platform of", e->image_path);
	if (e->load_seg >= 0)
		el_torito_set_load_seg(boot, (short)e->load_seg);
	if (e->load_size > 0) {
		el_torito_set_load_size(boot, (short)e->load_size);
	} else if (e->efi || platform == IMG_BOOT_PLATFORM_EFI) {
		/* As xorriso does: the EFI entry announces the whole image, not 0. */
		el_torito_set_full_load(boot, 1);
	} else if (e->emul == IMG_BOOT_EMUL_NONE) {
		el_torito_set_load_size(boot, 4); /* mkisofs's default: one CD sector */
	}
	if (e->not_bootable)
		el_torito_set_no_bootable(boot);
	if (e->has_id) {
		uint8_t id[28] = {0};
		memcpy(id, e->id_string, strnlen(e->id_string, sizeof(id)));
		if ((rc = el_torito_set_id_string(boot, id)) < 0)
			return isofs_error(err, rc, "-eltorito-id for", e->image_path);
	}
	if (e->has_selcrit) {
		uint8_t crit[20];
		memcpy(crit, e->selcrit, sizeof(crit));
		if ((rc = el_torito_set_selection_crit(boot, crit)) < 0)
			return isofs_error(err, rc, "-eltorito-selcrit for", e->image_path);
	}

	int options = 0;
	if (e->info_table)
		options |= 1;
	if (e->grub2_info)
		options |= 1 << 9;
	options |= isohybrid_marks(cfg, e, platform);
	if (options && (rc = el_torito_set_isolinux_options(boot, options, 0)) < 0)
		return isofs_error(err, rc, "boot options of", e->image_path);
	return IMG_OK;
}

bool img_boot_catalog_path(const struct img_boot_config *cfg, char *buf, size_t len)
{
	if (cfg == NULL || cfg->n_entries == 0)
		return false;
	const char *catalog = cfg->catalog_path ? cfg->catalog_path : "/boot.catalog";
	int n = snprintf(buf, len, "%s%s", catalog[0] == '/' ? "" : "/", catalog);
	return n > 0 && (size_t)n < len;
}

/* A replayed boot image that was hidden in the old image: a node in the root, made from the
 * old image's bytes, hidden from every view (libisofs still writes a boot image's data). */
static int add_cut_out_image(IsoImage *image, const struct img_boot_entry *e,
			     struct img_error *err)
{
	const char *name = e->image_path[0] == '/' ? e->image_path + 1 : e->image_path;
	if (name[0] == '\0' || strchr(name, '/') != NULL)
		return img_error_set(err, IMG_EINVAL, "hidden boot image %s: not a name in the root",
				     e->image_path);
	if (e->cut_size == 0 || e->cut_size > (uint64_t)INT32_MAX)
		return img_error_set(err, IMG_EINVAL, "hidden boot image %s: %llu bytes",
				     e->image_path, (unsigned long long)e->cut_size);
	IsoNode *node = NULL;
	int rc = iso_tree_add_new_cut_out_node(image, iso_image_get_root(image), name,
					       e->cut_source, (off_t)e->cut_offset,
					       (off_t)e->cut_size, &node);
	if (rc == (int)ISO_NODE_NAME_NOT_UNIQUE)
		return img_error_set(err, IMG_ECOLLISION, "hidden boot image %s: a file of that "
				     "name is in the tree", e->image_path);
	if (rc < 0)
		return isofs_error(err, rc, "hidden boot image from", e->cut_source);
	iso_node_set_hidden(node, LIBISO_HIDE_ON_RR | LIBISO_HIDE_ON_JOLIET | LIBISO_HIDE_ON_1999 |
					  LIBISO_HIDE_ON_HFSPLUS | LIBISO_HIDE_ON_FAT |
					  LIBISO_HIDE_BUT_WRITE);
	return IMG_OK;
}

/* hide_catalog: --boot-catalog-hide, or a UDF-only image, whose ISO9660 and Joliet trees
 * list only the README (the UDF bridge decides whether its UDF view lists the catalog). */
static int apply_eltorito(const struct img_boot_config *cfg, IsoImage *image, bool hide_catalog,
			  struct img_error *err)
{
	char catalog_abs[4096];
	if (!img_boot_catalog_path(cfg, catalog_abs, sizeof(catalog_abs)))
		return img_error_set(err, IMG_EINVAL, "boot catalog path too long");

	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct img_boot_entry *e = &cfg->entries[i];
		enum eltorito_boot_media_type type = ELTORITO_NO_EMUL;
		int rc;
		if (e->cut_source != NULL && (rc = add_cut_out_image(image, e, err)))
			return rc;
		rc = check_entry_image(image, e, &type, err);
		if (rc)
			return rc;
		ElToritoBootImage *boot = NULL;
		if (i == 0) {
			rc = iso_image_set_boot_image(image, e->image_path, type, catalog_abs, &boot);
			if (rc == (int)ISO_NODE_NAME_NOT_UNIQUE)
				return img_error_set(err, IMG_ECOLLISION,
						     "boot catalog %s: a file of that name is in "
						     "the tree", catalog_abs);
			if (rc == (int)ISO_NODE_DOESNT_EXIST)
				return img_error_set(err, IMG_ENOENT,
						     "boot catalog %s: its directory is not in the "
						     "tree", catalog_abs);
		} else {
			rc = iso_image_add_boot_image(image, e->image_path, type, 0, &boot);
		}
		if (rc < 0)
			return isofs_error(err, rc, "El Torito entry", e->image_path);
		if ((rc = apply_entry(cfg, e, boot, err)))
			return rc;
	}
	if (hide_catalog) {
		int rc = iso_image_set_boot_catalog_hidden(
			image, LIBISO_HIDE_ON_RR | LIBISO_HIDE_ON_JOLIET | LIBISO_HIDE_ON_1999);
		if (rc < 0)
			return isofs_error(err, rc, "hiding boot catalog", catalog_abs);
	} else if (cfg->catalog_hidden_joliet) {
		int rc = iso_image_set_boot_catalog_hidden(image, LIBISO_HIDE_ON_JOLIET);
		if (rc < 0)
			return isofs_error(err, rc, "hiding boot catalog", catalog_abs);
	}
	return IMG_OK;
}

/* Reads an --interval: byte range (through libisofs's interval reader) into area. */
static int load_interval(IsoImage *image, const char *path, char *area, size_t max,
			 struct img_error *err)
{
	struct iso_interval_reader *ivr = NULL;
	off_t count = 0;
	char *spec = strdup(path + 11);
	if (spec == NULL)
		return img_error_set(err, IMG_ENOMEM, NULL);
	int rc = iso_interval_reader_new(image, spec, &ivr, &count, 0);
	free(spec);
	if (rc < 0)
		return isofs_error(err, rc, "reading", path);
	if (count <= 0 || (size_t)count > max) {
		iso_interval_reader_destroy(&ivr, 0);
		return img_error_set(err, IMG_EINVAL, "%s: %lld bytes, must be 1..%zu", path,
				     (long long)count, max);
	}
	uint8_t block[2048];
	size_t done = 0;
	while (done < (size_t)count) {
		int fill = 0;
		rc = iso_interval_reader_read(ivr, block, &fill, 0);
		if (rc < 0) {
			iso_interval_reader_destroy(&ivr, 0);
			return isofs_error(err, rc, "reading", path);
		}
		size_t n = (size_t)fill;
		if (n > (size_t)count - done)
			n = (size_t)count - done;
		memcpy(area + done, block, n);
		done += n;
		if (fill < 2048)
			break;
	}
	iso_interval_reader_destroy(&ivr, 0);
	return IMG_OK;
}

static int load_mbr(IsoImage *image, const char *path, char *area, size_t max,
		    struct img_error *err)
{
	if (img_boot_is_interval(path))
		/* A system area taken from an image being remastered may be 32 KiB long. */
		return load_interval(image, path, area, 32768, err);
	(void)max;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return img_error_errno(err, errno == ENOENT ? IMG_ENOENT : IMG_EIO, errno, "%s",
				       path);
	size_t got = fread(area, 1, max, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || got == 0)
		return img_error_set(err, IMG_EIO, "%s: cannot read", path);
	return IMG_OK;
}

/* libisofs takes --interval: sources without the prefix and with flag bit0 (libisofs.h,
 * "interval reader"). */
static int set_partition_img(IsoWriteOpts *opts, int number, uint8_t type, const char *path)
{
	bool iv = img_boot_is_interval(path);
	char *p = strdup(iv ? path + 11 : path);
	if (p == NULL)
		return ISO_OUT_OF_MEM;
	int rc = iso_write_opts_set_partition_img(opts, number, type, p, iv ? 1 : 0);
	free(p);
	return rc;
}

static int set_efi_bootp(IsoWriteOpts *opts, const char *path)
{
	bool iv = img_boot_is_interval(path);
	char *p = strdup(iv ? path + 11 : path);
	if (p == NULL)
		return ISO_OUT_OF_MEM;
	int rc = iso_write_opts_set_efi_bootp(opts, p, iv ? 1 : 0);
	free(p);
	return rc;
}

static int apply_system_area(const struct img_boot_config *cfg, IsoImage *image,
			     IsoWriteOpts *opts, bool reproducible, int platform_options,
			     struct img_error *err)
{
	int rc;
	int options = platform_options;
	char *area = NULL;

	if (cfg->mbr_kind != IMG_BOOT_MBR_NONE) {
		area = calloc(1, 32768);
		if (area == NULL)
			return img_error_set(err, IMG_ENOMEM, NULL);
		size_t max = cfg->mbr_kind == IMG_BOOT_MBR_PLAIN ? 32768 : 512;
		if ((rc = load_mbr(image, cfg->mbr_file, area, max, err))) {
			free(area);
			return rc;
		}
	}
	if (cfg->mbr_kind == IMG_BOOT_MBR_ISOHYBRID)
		options |= 1 << 1;
	if (cfg->protective_msdos)
		options |= 1 << 0;
	if (cfg->mbr_kind == IMG_BOOT_MBR_GRUB2)
		options |= 1 << 14;
	if (cfg->mbr_force_bootable)
		options |= 1 << 15;
	static const int cyl_bits[] = {
		[IMG_BOOT_CYL_AUTO] = 0, [IMG_BOOT_CYL_ON] = 1,
		[IMG_BOOT_CYL_OFF] = 2, [IMG_BOOT_CYL_ALL] = 3,
	};
	options |= cyl_bits[cfg->cyl_align] << 8;

	if (area != NULL || options != 0) {
		rc = iso_write_opts_set_system_area(opts, area, options, 0);
		free(area);
		if (rc < 0)
			return isofs_error(err, rc, "system area", cfg->mbr_file);
	}
	/* The geometry goes with the offset in libisofs's call: -partition_hd_cyl and
	 * -partition_sec_hd apply without -partition_offset too, as in xorriso. */
	if ((cfg->partition_offset || cfg->heads_per_cyl > 0 || cfg->secs_per_head > 0) &&
	    (rc = iso_write_opts_set_part_offset(opts, cfg->partition_offset, cfg->secs_per_head,
						 cfg->heads_per_cyl)) < 0)
		return isofs_error(err, rc, "-partition_offset", NULL);
	if (cfg->iso_mbr_part_type >= 0 &&
	    (rc = iso_write_opts_set_iso_mbr_part_type(opts, cfg->iso_mbr_part_type)) < 0)
		return isofs_error(err, rc, "-iso_mbr_part_type", NULL);
	if (cfg->has_iso_type_guid) {
		uint8_t guid[16];
		memcpy(guid, cfg->iso_type_guid, sizeof(guid));
		if ((rc = iso_write_opts_set_iso_type_guid(opts, guid, 1)) < 0)
			return isofs_error(err, rc, "-iso_mbr_part_type", NULL);
	}

	if (cfg->appended_as_gpt && (rc = iso_write_opts_set_appended_as_gpt(opts, 1)) < 0)
		return isofs_error(err, rc, "-appended_part_as_gpt", NULL);
	if (cfg->appended_as_apm && (rc = iso_write_opts_set_appended_as_apm(opts, 1)) < 0)
		return isofs_error(err, rc, "-appended_part_as_apm", NULL);
	if (cfg->part_like_isohybrid &&
	    (rc = iso_write_opts_set_part_like_isohybrid(opts, 1)) < 0)
		return isofs_error(err, rc, "-part_like_isohybrid", NULL);
	bool any_gpt = cfg->appended_as_gpt || cfg->gpt_basdat || cfg->gpt_hfsplus ||
		       cfg->efi_boot_part != NULL || cfg->efi_boot_part_from_eltorito;
	for (size_t i = 0; i < cfg->n_entries; i++)
		any_gpt |= cfg->entries[i].isohybrid_gpt != 0;
	for (int i = 0; i < 4; i++) {
		const struct img_boot_partition *p = &cfg->partitions[i];
		if (p->number == 0)
			continue;
		int mbr_type = p->mbr_type >= 0 ? p->mbr_type : 0x00;
		rc = set_partition_img(opts, p->number, (uint8_t)mbr_type, p->path);
		if (rc < 0)
			return isofs_error(err, rc, "-append_partition", p->path);
		/* The GUID types the partition in a GPT if there is one (xorriso does not make
		 * one for it: archiso's isohybrid MBR keeps the ESP as MBR partition 2). */
		if (p->has_type_guid) {
			uint8_t guid[16];
			memcpy(guid, p->type_guid, sizeof(guid));
			if ((rc = iso_write_opts_set_part_type_guid(opts, p->number, guid, 1)) < 0)
				return isofs_error(err, rc, "-append_partition type", p->path);
		}
	}
	if (cfg->efi_boot_part_from_eltorito) {
		/* xorriso's "-efi-boot-part --efi-boot-image": the ESP is the first EFI entry. */
		const char *efi = NULL;
		for (size_t i = 0; i < cfg->n_entries && efi == NULL; i++)
			if (cfg->entries[i].efi)
				efi = cfg->entries[i].image_path;
		if (efi == NULL)
			return img_error_set(err, IMG_EINVAL,
					     "-efi-boot-part --efi-boot-image needs an EFI boot "
					     "entry (-e)");
		if ((rc = set_efi_bootp(opts, "--efi-boot-image")) < 0)
			return isofs_error(err, rc, "-efi-boot-part", efi);
	} else if (cfg->efi_boot_part != NULL) {
		if ((rc = set_efi_bootp(opts, cfg->efi_boot_part)) < 0)
			return isofs_error(err, rc, "-efi-boot-part", cfg->efi_boot_part);
	}

	if (cfg->has_gpt_guid) {
		uint8_t guid[16];
		memcpy(guid, cfg->gpt_guid, sizeof(guid));
		if ((rc = iso_write_opts_set_gpt_guid(opts, guid, 1)) < 0)
			return isofs_error(err, rc, "--gpt-disk-guid", NULL);
	} else if ((cfg->gpt_guid_from_date || reproducible) && any_gpt) {
		/* Derived from the vol_uuid given to iso_write_opts_set_pvd_times. */
		if ((rc = iso_write_opts_set_gpt_guid(opts, NULL, 2)) < 0)
			return isofs_error(err, rc, "--gpt-disk-guid", NULL);
	}
	return IMG_OK;
}

/* A reproducible image gets an HFS+ serial number from its volume time instead of libisofs's
 * random one: the PVD's creation time as libisofs writes it (YYYYMMDDhhmmsscc), packed as
 * BCD into 8 bytes, unless -hfsplus-serial-no gave one. */
static void reproducible_serial(const struct img_image_opts *o, struct img_hfsplus_config *h)
{
	char digits[32] = "0000000000000000";
	if (o->modification_date != NULL) {
		snprintf(digits, sizeof(digits), "%s", o->modification_date);
	} else {
		time_t t = (time_t)o->epoch;
		struct tm tm;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(digits, sizeof(digits), "%Y%m%d%H%M%S00", &tm) != 16)
			snprintf(digits, sizeof(digits), "%016lld", o->epoch);
	}
	for (size_t i = 0; i < 8; i++)
		h->serial[i] = (uint8_t)((digits[2 * i] & 0xf) << 4 | (digits[2 * i + 1] & 0xf));
	h->has_serial = true;
}

static int boot_apply(struct img_image *img, const struct img_boot_config *cfg,
		      bool reproducible)
{
	IsoImage *image = img_image_isofs(img);
	IsoWriteOpts *opts = img_image_write_opts(img);
	struct img_error *err = img_image_err(img);
	int rc = img_boot_config_check(cfg, err);
	if (rc)
		return rc;
	bool hide_catalog = cfg->catalog_hidden || img_image_opts(img)->udf_only;
	if (cfg->n_entries && (rc = apply_eltorito(cfg, image, hide_catalog, err)))
		return rc;
	struct img_hfsplus_config hfs = cfg->hfsplus;
	if (hfs.enabled && !hfs.has_serial && reproducible)
		reproducible_serial(img_image_opts(img), &hfs);
	if ((rc = img_hfsplus_apply(img, &hfs)))
		return rc;
	int platform_options = 0;
	if ((rc = img_platform_boot_apply(img, &cfg->platform, &platform_options)))
		return rc;
	return apply_system_area(cfg, image, opts, reproducible, platform_options, err);
}

/* A tree copied out of a bootable image holds its old catalog as a file: the new catalog takes
 * its place, as with mkisofs and xorriso, and the user is told.  *replaced is set when it did. */
static int replace_old_catalog(struct img_image *img, const char *abs, bool *replaced)
{
	IsoNode *node = NULL;
	*replaced = false;
	if (iso_tree_path_to_node(img_image_isofs(img), abs, &node) != 1 || node == NULL)
		return IMG_OK;
	if (iso_node_get_type(node) != LIBISO_FILE)
		return img_error_set(img_image_err(img), IMG_ECOLLISION,
				     "boot catalog %s: a directory or link of that name is in the "
				     "tree", abs);
	int rc = iso_node_remove(node);
	if (rc < 0)
		return isofs_error(img_image_err(img), rc, "replacing old boot catalog", abs);
	*replaced = true;
	img_image_note(img, IMG_NOTE_WARN, "%s from the tree replaced by the new boot catalog",
		       abs);
	return IMG_OK;
}

int img_image_set_boot(struct img_image *img, const struct img_boot_config *cfg)
{
	struct img_image_boot rec = *img_image_boot(img);
	char abs[4096];
	if (cfg->n_entries > 0) {
		if (!img_boot_catalog_path(cfg, abs, sizeof(abs)))
			return img_error_set(img_image_err(img), IMG_EINVAL,
					     "boot catalog path too long");
		bool replaced;
		int rc = replace_old_catalog(img, abs, &replaced);
		if (rc)
			return rc;
		/* An extension (the UDF bridge) lists the catalog node libisofs makes, and leaves
		 * the replaced file out (its data is no longer written). */
		if (replaced)
			rec.replaced_catalog = abs;
		rec.catalog_path = abs;
		rec.catalog_hidden = cfg->catalog_hidden;
	}
	const struct img_image_opts *o = img_image_opts(img);
	bool reproducible = o->have_epoch || o->modification_date != NULL;
	rec.part_offset = cfg->partition_offset;
	rec.set = true;
	rec.esp_in_session = cfg->efi_boot_part_from_eltorito;
	rec.hfsplus = cfg->hfsplus.enabled;
	int rc = img_image_record_boot(img, &rec);
	if (rc)
		return rc;
	return boot_apply(img, cfg, reproducible);
}
