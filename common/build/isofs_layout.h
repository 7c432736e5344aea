/* Where libisofs puts things in the session it writes: the one place of common/ that knows
 * (and relies on) the data layout of libisofs 1.5.4. */
#ifndef IMG_ISOFS_LAYOUT_H
#define IMG_ISOFS_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/isofs.h"

/* Blocks 0..31 (system area 0..15, volume descriptors from 16) that libisofs fills in the
 * overwrite buffer (iso_write_opts_set_overwrite_buf) when its session starts elsewhere
 * (iso_write_opts_set_ms_block); -partition_offset adds the partition's own blocks. */
#define IMG_ISOFS_OVERWRITE_BLOCKS 32u

/* The El Torito boot catalog is one block whatever the number of entries (libisofs's
 * catalog stream; a validation entry, a default one and 31 more with section headers fill at
 * most 2048 bytes, El Torito 1.0 section 2). */
#define IMG_ISOFS_CATALOG_BLOCKS 1u

/* libisofs's file data area, as iso_image_create_burn_source laid it out. */
struct img_isofs_data {
	uint32_t data_start;    /* iso_write_opts_get_data_start(): absolute block */
	uint32_t empty_block;   /* the block every empty file and symlink points at */
	uint32_t catalog;       /* the El Torito catalog's block, 0 without El Torito */
	uint32_t first_content; /* the first file content (the heaviest sort weight first) */
	IsoFile *moved;         /* the one file whose content lies before data_start (the EFI
				 * boot image that is also the GPT's ESP), or NULL */
	uint32_t moved_lba;     /* where it lies (it ends at data_start) */
};

/* Fills *out for the burn source just created from iso and w.  esp_from_eltorito: the write
 * options say "-efi-boot-part --efi-boot-image" (libisofs offers no getter for it).
 * Returns IMG_OK, or IMG_EISOFS when libisofs gives no data start or no EFI boot image. */
int img_isofs_data_layout(IsoImage *iso, IsoWriteOpts *w, bool esp_from_eltorito,
			  struct img_isofs_data *out);

/* Blocks a file of size bytes takes in libisofs's data area. */
uint64_t img_isofs_blocks(uint64_t size);

#endif
