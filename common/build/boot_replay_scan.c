/* Reading the boot setup of an old image for boot replay: El Torito entries and the files they
 * boot, boot info tables, the system area and the partitions appended after the volume.  All of
 * it is read from an untrusted image: every offset is checked by the source or here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/base/bytes.h"
#include "common/build/boot_replay_scan.h"
#include "common/inspect/eltorito.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/sysarea.h"
#include "common/inspect/voldesc.h"

/* libisofs's constants (eltorito.h, system_area.h): where GRUB2's eltorito.img and boot.img
 * are patched with the boot image's address in 512-byte blocks plus an offset. */
#define GRUB2_ELTO_PATCH_POS (512 * 5 - 12)
#define GRUB2_ELTO_PATCH_OFFSET 5
#define GRUB2_MBR_PATCH_POS 0x1b0

#define GUID_BASIC_DATA "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
#define GUID_HFSPLUS "48465300-0000-11AA-AA11-00306543ECAC"
#define GUID_ESP "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"

/* The boot images libisofs itself would examine are at most this big (fs_image.c,
 * Libisofs_boot_image_max_sizE); larger ones are never taken for having an info table. */
#define INFO_TABLE_MAX_FILE (4096u * 1024u)

struct walk_ctx {
	struct img_replay_scan *s;
	int rc;
};

static char *node_path(const struct img_fnode *n)
{
	char buf[4096];
	if (!img_fnode_path(n, buf, sizeof(buf)))
		return NULL;
	return strdup(buf);
}

/* Names the files of the tree that start where a boot image or the catalog starts (the first
 * in tree order wins, as in libisofs's import, which also takes the first node it meets). */
static int visit(struct img_fnode *n, void *arg)
{
	struct walk_ctx *w = arg;
	struct img_replay_scan *s = w->s;
	if (n->nextents == 0 || n->link != NULL || n->children != NULL)
		return IMG_OK;
	for (size_t i = 0; i < n->nextents; i++) {
		uint64_t end = (n->extents[i].offset + n->extents[i].length + 2047) / 2048;
		if (n->extents[i].length > 0 && end > s->content_end)
			s->content_end = end;
	}
	if (n->extents[0].offset % 2048 != 0)
		return IMG_OK;
	uint64_t lba = n->extents[0].offset / 2048;
	if (s->catalog_path == NULL && s->catalog_lba != 0 && lba == s->catalog_lba) {
		if ((s->catalog_path = node_path(n)) == NULL)
			return IMG_ENOMEM;
	}
	if (n->size == 0)
		return IMG_OK;
	for (int i = 0; i < s->n_entries; i++) {
		struct img_replay_entry *e = &s->entries[i];
		if (e->path != NULL || e->lba != lba)
			continue;
		if ((e->path = node_path(n)) == NULL)
			return IMG_ENOMEM;
		e->file_size = n->size;
	}
	return IMG_OK;
}

static void note(struct img_replay_scan *s, const char *text)
{
	if (s->unsupported[0] == '\0')
		snprintf(s->unsupported, sizeof(s->unsupported), "%s", text);
}

/* Id strings and selection criteria from the raw catalog: the validation entry's id belongs to
 * the first image, a section header's to the images of its section; the selection criteria
 * are bytes 12-31 of a section entry (El Torito 1.0, 2.1, 2.3, 2.4). */
static int read_catalog_extras(struct img_source *src, struct img_replay_scan *s,
			       const struct img_boot_catalog *cat, struct img_error *err)
{
	uint64_t off = (uint64_t)s->catalog_lba * 2048, size = img_source_size(src);
	size_t len = IMG_ELTORITO_MAX_SECTORS * 2048;
	if (off >= size)
		return IMG_OK;
	if (size - off < len)
		len = (size_t)(size - off);
	unsigned char *buf = malloc(len);
	if (buf == NULL)
		return img_error_set(err, IMG_ENOMEM, "boot catalog");
	int rc = img_source_read(src, off, buf, len, "boot catalog", err);
	if (rc) {
		free(buf);
		return rc;
	}
	for (int i = 0; i < s->n_entries; i++) {
		struct img_replay_entry *e = &s->entries[i];
		const struct img_boot_entry *ce = &cat->entries[i];
		size_t at = ce->catalog_offset;
		if (at + 32 > len)
			continue;
		const unsigned char *id = NULL;
		size_t id_len = 0;
		if (ce->section == 0) {
			id = buf + 4;
			id_len = 24;
		} else {
			/* The section's header: the nearest 0x90/0x91 record before the entry. */
			for (size_t h = at; h >= 64 + 32; h -= 32) {
				if (buf[h - 32] == 0x90 || buf[h - 32] == 0x91) {
					id = buf + h - 32 + 4;
					id_len = 28;
					break;
				}
			}
			if (buf[at + 12] != 0) {
				e->has_selcrit = true;
				memcpy(e->selcrit, buf + at + 12, 20);
			}
		}
		for (size_t k = 0; id != NULL && k < id_len; k++)
			e->has_id |= id[k] != 0;
		if (e->has_id) {
			memcpy(e->id, id, id_len);
			e->id[id_len] = '\0';
		}
	}
	free(buf);
	return IMG_OK;
}

/* The checks libisofs makes on an imported boot image (fs_image.c,
 * iso_image_eval_boot_info_table): a boot info table recording this file's own PVD, LBA, size
 * and checksum; GRUB2's patched LBA; ISOLINUX's isohybrid magic after the table. */
static int examine_image(struct img_source *src, struct img_replay_entry *e,
			 const struct img_boot_entry *ce, struct img_error *err)
{
	uint64_t off = (uint64_t)e->lba * 2048;
	if (e->path == NULL) {
		/* A hidden image: as long as the old image tells. */
		static const uint64_t floppy[] = {1200 * 1024, 1440 * 1024, 2880 * 1024};
		uint64_t size = 0;
		if (ce->info_table && ce->info_table_csum_ok)
			size = ce->info_table_length;
		else if (e->emulation >= 1 && e->emulation <= 3)
			size = floppy[e->emulation - 1];
		else if (e->emulation == 0)
			size = (uint64_t)e->sector_count * 512;
		if (size > 0 && off < img_source_size(src) && size <= img_source_size(src) - off)
			e->hidden_size = size;
	}
	uint64_t file_size = e->path != NULL ? e->file_size : e->hidden_size;
	if (file_size >= 64 && file_size <= INFO_TABLE_MAX_FILE)
		e->info_table = ce->info_table && ce->info_table_csum_ok &&
				ce->info_table_length == file_size;
	if (file_size >= GRUB2_ELTO_PATCH_POS + 8) {
		unsigned char b[8];
		int rc = img_source_read(src, off + GRUB2_ELTO_PATCH_POS, b, 8, "boot image", err);
		if (rc)
			return rc;
		e->grub2_info = img_le64(b) == (uint64_t)e->lba * 4 + GRUB2_ELTO_PATCH_OFFSET;
	}
	if (e->info_table && file_size >= 68) {
		static const unsigned char magic[4] = {0xfb, 0xc0, 0x78, 0x70};
		unsigned char b[4];
		int rc = img_source_read(src, off + 64, b, 4, "boot image", err);
		if (rc)
			return rc;
		e->isohybrid_capable = memcmp(b, magic, 4) == 0;
	}
	return IMG_OK;
}

struct raw_part {
	int status, type;
	uint32_t start, count;
	int end_head, end_sector;
	uint32_t end_cyl;
};

static bool image_range(const struct img_replay_entry *e, uint64_t *first, uint64_t *blocks)
{
	uint64_t bytes = e->path != NULL ? e->file_size : (uint64_t)e->sector_count * 512;
	if (bytes == 0)
		return false;
	*first = (uint64_t)e->lba * 4;
	*blocks = (bytes + 511) / 512;
	return true;
}

static int mark_of(const char *guid)
{
	if (strcasecmp(guid, GUID_BASIC_DATA) == 0)
		return 1;
	if (strcasecmp(guid, GUID_HFSPLUS) == 0)
		return 2;
	if (strcasecmp(guid, GUID_ESP) == 0)
		return 3;
	return 0;
}

static void add_part(struct img_replay_scan *s, int number, int type, uint64_t start,
		     uint64_t count, const char *guid)
{
	if (count == 0 || start + count > s->image_bytes / 512) {
		snprintf(s->unsupported, sizeof(s->unsupported),
			 "partition %d (512-byte blocks %llu+%llu) running past the end of the "
			 "image (%llu blocks), whose bytes cannot be copied", number,
			 (unsigned long long)start, (unsigned long long)count,
			 (unsigned long long)(s->image_bytes / 512));
		return;
	}
	if (s->n_parts >= 4 || number < 1 || number > 4) {
		note(s, "an appended partition beyond the four that -append_partition can make");
		return;
	}
	struct img_replay_part *p = &s->parts[s->n_parts++];
	p->number = number;
	p->mbr_type = type;
	p->start = start;
	p->count = count;
	snprintf(p->type_guid, sizeof(p->type_guid), "%s", guid ? guid : "");
}

/* The system area as libisofs's importer classifies it (fs_image.c, iso_analyze_mbr,
 * iso_analyze_isohybrid, iso_analyze_mbr_ptable), reduced to what a replay needs. */
static int scan_system_area(struct img_source *src, struct img_replay_scan *s,
			    struct img_error *err)
{
	unsigned char *sa = malloc(32768);
	if (sa == NULL)
		return img_error_set(err, IMG_ENOMEM, "system area");
	int rc = img_source_read(src, 0, sa, 32768, "system area", err);
	if (rc) {
		free(sa);
		return rc;
	}
	bool zero = true;
	for (size_t i = 0; i < 32768 && zero; i++)
		zero = sa[i] == 0;
	if (zero) {
		free(sa);
		return IMG_OK;
	}
	s->mbr = IMG_REPLAY_MBR_PLAIN;
	bool is_mbr = sa[510] == 0x55 && sa[511] == 0xaa;
	struct raw_part parts[4];
	int nparts = 0;
	uint64_t image_size = s->iso_blocks; /* 2048-byte blocks, grown by the partitions */
	for (int i = 0; is_mbr && i < 4; i++) {
		const unsigned char *d = sa + 446 + 16 * i;
		struct raw_part *p = &parts[i];
		memset(p, 0, sizeof(*p));
		p->status = d[0];
		p->type = d[4];
		p->end_head = d[5];
		p->end_sector = d[6] & 63;
		p->end_cyl = (uint32_t)(d[6] & 0xc0) << 2 | d[7];
		p->start = img_le32(d + 8);
		p->count = img_le32(d + 12);
		if (p->count == 0)
			continue;
		nparts = i + 1;
		if (((uint64_t)p->start + p->count + 3) / 4 > image_size)
			image_size = ((uint64_t)p->start + p->count + 3) / 4;
	}
	/* A status byte other than 0x00 and 0x80 says these bytes are no partition table (GRUB's
	 * boot.img leaves code there when libisofs writes no table): nothing to replay. */
	for (int i = 0; i < nparts; i++)
		if (parts[i].count != 0 && parts[i].status != 0 && parts[i].status != 0x80)
			nparts = 0;

	if (s->n_entries > 0 && is_mbr) {
		const struct img_replay_entry *first = &s->entries[0];
		bool text = false;
		for (int i = 0; i < 426 && !text; i++)
			text = memcmp(sa + i, "isolinux", 8) == 0;
		if (first->isohybrid_capable && text && img_le32(sa + 432) / 4 == first->lba)
			s->mbr = IMG_REPLAY_MBR_ISOHYBRID;
		else if (img_le64(sa + GRUB2_MBR_PATCH_POS) / 4 - 1 == first->lba)
			s->mbr = IMG_REPLAY_MBR_GRUB2;
	}

	struct img_sysarea *sys = calloc(1, sizeof(*sys));
	if (sys == NULL) {
		free(sa);
		return img_error_set(err, IMG_ENOMEM, "system area");
	}
	rc = img_sysarea_read(src, sys, err);
	if (rc)
		goto out;
	s->gpt = sys->gpt;
	s->apm = sys->apm;

	/* Where the file system's data ends, in 512-byte blocks: the volume size, unless the
	 * files end earlier (libisofs counts appended partitions into the volume size of some
	 * images, e.g. with --protective-msdos-label). */
	uint64_t iso_end = (uint64_t)s->iso_blocks * 4;
	uint64_t content_end = s->content_end > s->catalog_lba ? s->content_end
							      : (uint64_t)s->catalog_lba + 1;
	if (s->content_end > 0 && content_end * 4 < iso_end)
		iso_end = content_end * 4;
	/* Protective label (libisofs for GRUB2, --protective-msdos-label): partition 1 from block
	 * 1 to the image's end or the next partition. */
	if (nparts >= 1 && parts[0].count > 0 && (parts[0].type == 0xee || s->mbr != IMG_REPLAY_MBR_ISOHYBRID)) {
		const struct raw_part *p = &parts[0];
		uint64_t next = 0; /* start of the next partition in use (libisofs's mbr_req[1]) */
		for (int i = 1; i < nparts && next == 0; i++)
			if (parts[i].count != 0)
				next = parts[i].start;
		if (p->start == 1 && ((uint64_t)p->count + 1 == image_size * 4 ||
				      (p->type == 0xee && (uint64_t)p->count + 1 >= image_size * 4) ||
				      (uint64_t)p->count + 1 == next))
			s->protective_label = p->type != 0xee || !sys->gpt;
		s->gpt_protective = p->type == 0xee && sys->gpt;
	}
	for (int i = 0; i < nparts; i++) {
		const struct raw_part *p = &parts[i];
		if (p->count == 0)
			continue;
		if (p->start >= iso_end && !s->gpt_protective) {
			add_part(s, i + 1, p->type, p->start, p->count, NULL);
		} else if (i == 0 && (p->start == 0 || p->start == 1)) {
			s->force_bootable = p->status == 0x80;
			if (!s->protective_label && !s->gpt_protective)
				s->iso_part_type = p->type;
		} else if (i == 0 && p->start >= 64 && p->start % 4 == 0 && p->start <= 2048) {
			/* -partition_offset: a second volume descriptor set at the partition. */
			unsigned char vd[8];
			if (img_source_read(src, ((uint64_t)p->start / 4 + 16) * 2048, vd, 8, "PVD",
					    NULL) == IMG_OK && vd[0] == 1 &&
			    memcmp(vd + 1, "CD001", 5) == 0) {
				s->partition_offset = p->start / 4;
				s->force_bootable = p->status == 0x80;
				s->iso_part_type = p->type;
			} else {
				note(s, "an MBR partition inside the ISO 9660 volume that is neither "
					"the volume nor a boot image");
			}
		} else if (p->type == 0x41 || p->type == 0x96) {
			note(s, "a PReP or CHRP partition (type 0x41 / 0x96)");
		}
	}
	if (nparts > 0) {
		/* CHS geometry and cylinder alignment (iso_analyze_mbr_ptable): the end CHS of
		 * the first partition must agree with its end LBA. */
		const struct raw_part *p = &parts[0];
		uint64_t hpc = (uint64_t)p->end_head + 1, sph = (uint64_t)p->end_sector;
		if (sph > 0 && (p->end_cyl * hpc + p->end_head) * sph + sph ==
				       (uint64_t)p->start + p->count) {
			s->heads_per_cyl = (int)hpc;
			s->secs_per_head = (int)sph;
		}
		s->cyl_align = 2;
		if (s->heads_per_cyl > 0) {
			uint64_t cyl = (uint64_t)s->heads_per_cyl * s->secs_per_head;
			int aligned = 0;
			bool after = false;
			for (int i = 0; i < nparts; i++) {
				if (parts[i].count == 0)
					continue;
				if (((uint64_t)parts[i].start + parts[i].count) % cyl != 0)
					break;
				after |= parts[i].start >= iso_end;
				aligned++;
			}
			int used = 0;
			for (int i = 0; i < nparts; i++)
				used += parts[i].count != 0;
			if (aligned == used && after)
				s->cyl_align = 3;
			else if (aligned >= 1)
				s->cyl_align = 1;
		}
	}

	/* GPT: appended partitions (after the volume), the marks of boot images, the ESP. */
	for (int i = 0; sys->gpt && i < sys->gpt_count; i++) {
		const struct img_gpt_part *g = &sys->gpt_parts[i];
		bool matched = false;
		/* libisofs's own fillers of the GPT's gaps ("Gap0", "Gap1", ...: Basic Data, read-only
		 * and required) are made again when needed. */
		if (strncmp(g->name, "Gap", 3) == 0 && g->name[3] >= '0' && g->name[3] <= '9' &&
		    mark_of(g->type_guid) == 1)
			continue;
		if (g->last_lba < g->first_lba)
			continue;
		if (g->first_lba >= iso_end) {
			if (s->gpt_protective) {
				add_part(s, g->index, mark_of(g->type_guid) == 3 ? 0xef : 0x83,
					 g->first_lba, g->last_lba - g->first_lba + 1, g->type_guid);
			} else {
				for (int k = 0; k < s->n_parts; k++)
					if (s->parts[k].start == g->first_lba)
						snprintf(s->parts[k].type_guid,
							 sizeof(s->parts[k].type_guid), "%s",
							 g->type_guid);
			}
			continue;
		}
		for (int k = 0; k < s->n_entries; k++) {
			struct img_replay_entry *e = &s->entries[k];
			uint64_t first, blocks;
			if (e->partition || !image_range(e, &first, &blocks))
				continue;
			if (g->first_lba == first && g->last_lba + 1 >= first + blocks &&
			    g->last_lba < first + blocks + 4) {
				e->gpt_mark = mark_of(g->type_guid);
				matched = true;
			}
		}
		if (!matched && g->first_lba <= 64 && s->iso_type_guid[0] == '\0')
			snprintf(s->iso_type_guid, sizeof(s->iso_type_guid), "%s", g->type_guid);
		else if (!matched && mark_of(g->type_guid) == 3)
			note(s, "a GPT EFI system partition inside the volume that is no El Torito "
				"boot image");
	}
	for (int i = 0; sys->apm && i < sys->apm_count; i++) {
		const struct img_apm_part *a = &sys->apm_parts[i];
		uint64_t bs = sys->apm_block_size ? sys->apm_block_size : 512;
		if (strcmp(a->type, "Apple_HFS") == 0 && a->start * bs < 2048 * 64 &&
		    strcmp(a->name, "HFSPLUS_Hybrid") == 0)
			note(s, "an HFS+ file system (-hfsplus)");
		for (int k = 0; k < s->n_entries; k++) {
			struct img_replay_entry *e = &s->entries[k];
			uint64_t first, blocks;
			if (!e->partition && image_range(e, &first, &blocks) &&
			    (uint64_t)a->start * bs == first * 512)
				e->apm_mark = true;
		}
	}

	/* Boot images that lie in an appended partition (memtest86+'s and lorax's EFI images). */
	for (int k = 0; k < s->n_entries; k++) {
		struct img_replay_entry *e = &s->entries[k];
		if (e->path != NULL)
			continue;
		for (int i = 0; i < s->n_parts; i++) {
			const struct img_replay_part *p = &s->parts[i];
			uint64_t first = (uint64_t)e->lba * 4;
			if (first >= p->start && first < p->start + p->count &&
			    (first - p->start) % 4 == 0) {
				e->partition = p->number;
				e->part_offset = (uint32_t)((first - p->start) / 4);
			}
		}
	}
out:
	free(sys);
	free(sa);
	return rc;
}

/* Whether the system area (the first 32 KiB) holds anything but zeros. */
static int system_area_used(struct img_source *src, bool *used, struct img_error *err)
{
	unsigned char buf[4096];
	*used = false;
	for (uint64_t off = 0; off < 32768 && !*used; off += sizeof(buf)) {
		int rc = img_source_read(src, off, buf, sizeof(buf), "system area", err);
		if (rc)
			return rc;
		for (size_t i = 0; i < sizeof(buf) && !*used; i++)
			*used = buf[i] != 0;
	}
	return IMG_OK;
}

int img_replay_scan(struct img_source *src, struct img_replay_scan *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	out->iso_part_type = -1;
	out->image_bytes = img_source_size(src);
	struct img_vdset *vds = calloc(1, sizeof(*vds));
	struct img_boot_catalog *cat = calloc(1, sizeof(*cat));
	int rc = IMG_OK;
	if (vds == NULL || cat == NULL) {
		rc = img_error_set(err, IMG_ENOMEM, "boot replay");
		goto out;
	}
	if ((rc = img_vd_read(src, vds, err)))
		goto out;
	const struct img_vd *pvd = img_vd_find(vds, IMG_VD_PRIMARY);
	out->iso_blocks = pvd->volume_space_size;
	const struct img_vd *boot = img_vd_find(vds, IMG_VD_BOOT);
	if (boot != NULL && boot->el_torito) {
		out->catalog_lba = boot->boot_catalog;
		if ((rc = img_eltorito_read(src, boot->boot_catalog, cat, err)))
			goto out;
		if (cat->count > IMG_REPLAY_MAX_ENTRIES) {
			rc = img_error_set(err, IMG_EUNSUPPORTED,
					   "boot catalog: %d entries, at most %d can be replayed",
					   cat->count, IMG_REPLAY_MAX_ENTRIES);
			goto out;
		}
		for (int i = 0; i < cat->count; i++) {
			const struct img_boot_entry *ce = &cat->entries[i];
			struct img_replay_entry *e = &out->entries[out->n_entries++];
			e->platform = ce->platform;
			e->emulation = ce->emulation;
			e->bootable = ce->bootable;
			e->load_segment = ce->load_segment;
			e->sector_count = ce->sector_count;
			e->lba = ce->load_rba;
		}
		if ((rc = read_catalog_extras(src, out, cat, err)))
			goto out;
	}
	/* An image without boot records has nothing to replay: its tree is not read here (the
	 * import reads it, and says what is wrong with it). */
	bool any = boot != NULL && boot->el_torito;
	if (!any && (rc = system_area_used(src, &any, err)))
		goto out;
	if (!any)
		goto out;
	/* The tree: which files the boot images and the catalog are, where the data ends. */
	struct img_iso_view *view = NULL;
	struct img_iso_info info;
	if ((rc = img_iso_view_open(src, IMG_VIEW_DEFAULT, &view, &info, err)))
		goto out;
	struct walk_ctx w = {out, IMG_OK};
	rc = img_iso_view_walk(view, visit, &w);
	img_iso_view_close(view);
	if (rc) {
		if (rc == IMG_ENOMEM)
			img_error_set(err, rc, "boot replay");
		goto out;
	}
	if (boot != NULL && boot->el_torito) {
		for (int i = 0; i < out->n_entries; i++)
			if ((rc = examine_image(src, &out->entries[i], &cat->entries[i], err)))
				goto out;
	}
	rc = scan_system_area(src, out, err);
out:
	free(vds);
	free(cat);
	if (rc)
		img_replay_scan_free(out);
	return rc;
}

void img_replay_scan_free(struct img_replay_scan *s)
{
	for (int i = 0; i < s->n_entries; i++) {
		free(s->entries[i].path);
		s->entries[i].path = NULL;
	}
	free(s->catalog_path);
	s->catalog_path = NULL;
}
