/* Boot replay: turning the boot setup read from an old image (boot_replay_scan.c) into the
 * boot configuration that img_image_set_boot applies to the new image. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/boot_replay.h"
#include "common/build/boot_replay_scan.h"

static const char *platform_name(int platform)
{
	switch (platform) {
	case IMG_BOOT_PLATFORM_X86: return "BIOS";
	case IMG_BOOT_PLATFORM_PPC: return "PowerPC";
	case IMG_BOOT_PLATFORM_MAC: return "Mac";
	case IMG_BOOT_PLATFORM_EFI: return "UEFI";
	default: return "unknown platform";
	}
}

static int need_path(const char *old_path, const char *what, struct img_error *err)
{
	if (old_path != NULL)
		return IMG_OK;
	return img_error_set(err, IMG_EUNSUPPORTED,
			     "boot replay: %s must be copied from the old image, which a pipe "
			     "cannot be read for again: give the old image as a file or device",
			     what);
}

/* xorriso's --interval: source of bytes FIRST..LAST (512-byte blocks) of the old image,
 * zeroing what libisofs writes anew. */
static char *interval(const char *old_path, uint64_t first, uint64_t last, const char *zero)
{
	size_t len = strlen(old_path) + 128;
	char *s = malloc(len);
	if (s != NULL)
		snprintf(s, len, "--interval:local_fs:%llud-%llud:%s:%s", (unsigned long long)first,
			 (unsigned long long)last, zero, old_path);
	return s;
}

static int replay_entry(const struct img_replay_entry *e, int index, const char *old_path,
			struct img_boot_config *cfg, struct img_error *err)
{
	char part_path[128];
	const char *path = e->path;
	bool efi = e->platform == IMG_BOOT_PLATFORM_EFI;
	if (path == NULL && e->partition != 0) {
		/* libisofs boots the whole appended partition: the image must start it. */
		if (e->part_offset != 0)
			return img_error_set(err, IMG_EUNSUPPORTED,
					     "boot replay: El Torito entry %d (%s) starts %u blocks "
					     "into appended partition %d; only a boot image that "
					     "is the whole partition can be replayed", index,
					     platform_name(e->platform), e->part_offset,
					     e->partition);
		snprintf(part_path, sizeof(part_path),
			 "--interval:appended_partition_%d_start_%us_size_%ud:all::", e->partition,
			 e->lba, (unsigned)e->sector_count);
		path = part_path;
	}
	char hidden_path[64];
	bool hidden = path == NULL;
	if (hidden) {
		/* Hidden in the old image: copied from its bytes, hidden again. */
		if (e->hidden_size == 0 || e->emulation == 4)
			return img_error_set(err, IMG_EUNSUPPORTED,
					     "boot replay: El Torito entry %d (%s) boots block %u, "
					     "which is no file of the old image's tree and lies in "
					     "no appended partition (hidden), and whose length "
					     "the old image does not tell (hard-disk emulation, "
					     "or no boot info table and no load size)", index,
					     platform_name(e->platform), e->lba);
		int rc = need_path(old_path, "a hidden boot image", err);
		if (rc)
			return rc;
		snprintf(hidden_path, sizeof(hidden_path), "/.boot-replay-%d.img", index);
		path = hidden_path;
	}
	int rc = img_boot_add_entry(cfg, path, efi, err);
	if (rc)
		return rc;
	struct img_boot_entry *b = img_boot_current(cfg);
	if (hidden) {
		/* libisofs's local file system takes absolute paths only. */
		if ((b->cut_source = realpath(old_path, NULL)) == NULL)
			return img_error_errno(err, IMG_EIO, errno, "%s", old_path);
		b->cut_offset = (uint64_t)e->lba * 2048;
		b->cut_size = e->hidden_size;
	}
	switch (e->emulation) {
	case 0: b->emul = IMG_BOOT_EMUL_NONE; break;
	case 1: case 2: case 3: b->emul = IMG_BOOT_EMUL_FLOPPY; break;
	case 4: b->emul = IMG_BOOT_EMUL_HARD_DISK; break;
	default:
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "boot replay: El Torito entry %d: unknown emulation %d", index,
				     e->emulation);
	}
	b->platform = e->platform;
	b->load_seg = e->load_segment != 0 ? e->load_segment : -1;
	/* An EFI entry that loaded its whole file loads the whole new file (xorriso's full
	 * load); every other count stays what the old catalog said. */
	if (efi && e->path != NULL && (uint64_t)e->sector_count == (e->file_size + 511) / 512)
		b->load_size = -1;
	else
		b->load_size = e->sector_count;
	b->not_bootable = !e->bootable;
	b->info_table = e->info_table;
	b->grub2_info = e->grub2_info;
	if (e->has_id) {
		b->has_id = true;
		memcpy(b->id_string, e->id, sizeof(b->id_string));
	}
	if (e->has_selcrit) {
		b->has_selcrit = true;
		memcpy(b->selcrit, e->selcrit, sizeof(b->selcrit));
	}
	if (e->gpt_mark == 1 || e->gpt_mark == 2)
		b->isohybrid_gpt = e->gpt_mark;
	else if (e->gpt_mark == 3 && efi && e->path != NULL)
		cfg->efi_boot_part_from_eltorito = true;
	b->isohybrid_apm = e->apm_mark;
	return IMG_OK;
}

/* base: the 512-byte block where the replayed session's own system area lies (0, or an older
 * session's start in a grown image: img_source_select_session). */
static int replay(const struct img_replay_scan *s, const char *old_path, uint64_t base,
		  struct img_boot_config *cfg, struct img_error *err)
{
	if (s->unsupported[0])
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "boot replay: the old image has %s, which cannot be replayed",
				     s->unsupported);
	for (int i = 0; i < s->n_entries; i++) {
		int rc = replay_entry(&s->entries[i], i + 1, old_path, cfg, err);
		if (rc)
			return rc;
	}
	if (s->n_entries > 0) {
		if (s->catalog_path != NULL) {
			if ((cfg->catalog_path = strdup(s->catalog_path)) == NULL)
				return img_error_set(err, IMG_ENOMEM, NULL);
		} else {
			cfg->catalog_hidden = true;
		}
	}

	if (s->mbr != IMG_REPLAY_MBR_NONE) {
		int rc = need_path(old_path, "the system area", err);
		if (rc)
			return rc;
		char zero[64];
		snprintf(zero, sizeof(zero), "zero_mbrpt%s%s", s->gpt ? ",zero_gpt" : "",
			 s->apm ? ",zero_apm" : "");
		if ((cfg->mbr_file = interval(old_path, base, base + 63, zero)) == NULL)
			return img_error_set(err, IMG_ENOMEM, NULL);
		cfg->mbr_kind = s->mbr == IMG_REPLAY_MBR_ISOHYBRID ? IMG_BOOT_MBR_ISOHYBRID
			      : s->mbr == IMG_REPLAY_MBR_GRUB2   ? IMG_BOOT_MBR_GRUB2
								 : IMG_BOOT_MBR_PLAIN;
	}
	cfg->protective_msdos = s->protective_label;
	cfg->mbr_force_bootable = s->force_bootable;
	cfg->iso_mbr_part_type = s->iso_part_type;
	static const enum img_boot_cyl_align cyl[] = {
		IMG_BOOT_CYL_AUTO, IMG_BOOT_CYL_ON, IMG_BOOT_CYL_OFF, IMG_BOOT_CYL_ALL,
	};
	if (s->cyl_align >= 0 && s->cyl_align <= 3)
		cfg->cyl_align = cyl[s->cyl_align];
	cfg->partition_offset = s->partition_offset;
	/* The GPT type of the ISO's own entry (-iso_mbr_part_type GUID), as the old GPT has it. */
	if (s->gpt && s->iso_type_guid[0] &&
	    img_boot_parse_guid(s->iso_type_guid, cfg->iso_type_guid) == IMG_OK)
		cfg->has_iso_type_guid = true;
	cfg->heads_per_cyl = s->heads_per_cyl;
	cfg->secs_per_head = s->secs_per_head;

	bool marks = cfg->efi_boot_part_from_eltorito;
	bool apm_marks = false;
	for (size_t i = 0; i < cfg->n_entries; i++) {
		marks |= cfg->entries[i].isohybrid_gpt != 0;
		apm_marks |= cfg->entries[i].isohybrid_apm;
	}
	for (int i = 0; i < s->n_parts; i++) {
		const struct img_replay_part *p = &s->parts[i];
		char what[64];
		snprintf(what, sizeof(what), "appended partition %d", p->number);
		int rc = need_path(old_path, what, err);
		if (rc)
			return rc;
		struct img_boot_partition *bp = &cfg->partitions[p->number - 1];
		if (bp->number != 0)
			return img_error_set(err, IMG_EUNSUPPORTED,
					     "boot replay: partition %d is listed twice", p->number);
		bp->number = p->number;
		bp->mbr_type = p->mbr_type;
		if (p->type_guid[0] && img_boot_parse_guid(p->type_guid, bp->type_guid) == IMG_OK)
			bp->has_type_guid = true;
		if ((bp->path = interval(old_path, p->start, p->start + p->count - 1, "")) == NULL)
			return img_error_set(err, IMG_ENOMEM, NULL);
	}
	cfg->appended_as_gpt = s->gpt_protective && s->n_parts > 0;
	if (s->gpt && !marks && !cfg->appended_as_gpt)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "boot replay: the old image has a GPT that lists no boot image "
				     "and no appended partition, which cannot be replayed");
	if (s->apm && !apm_marks)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "boot replay: the old image has an Apple Partition Map that "
				     "marks no boot image, which cannot be replayed");
	return IMG_OK;
}

int img_boot_replay(struct img_source *src, const char *old_path, struct img_boot_config *cfg,
		    struct img_error *err)
{
	if (old_path != NULL && strncmp(old_path, "stdio:", 6) == 0)
		old_path += 6;
	struct img_replay_scan *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return img_error_set(err, IMG_ENOMEM, "boot replay");
	int rc = img_replay_scan(src, s, err);
	if (rc == IMG_OK) {
		rc = replay(s, old_path, img_source_session_start(src) / 512, cfg, err);
		img_replay_scan_free(s);
	}
	free(s);
	return rc;
}
