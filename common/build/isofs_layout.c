/* Where libisofs 1.5.4 puts things in the session it writes: the one place that knows.
 *
 * Observed on libisofs 1.5.4 (Debian 12) by dumping images of mkimage and xorriso, with and
 * without El Torito, UDF, MD5s, GPT, -partition_offset and a hidden catalog, and relied on by
 * image.c (the progress report's current file: nothing else depends on it there) and the UDF
 * bridge (each file's extent, checked against the directory records before any file data
 * goes out, so that a libisofs laying out otherwise fails the write instead of misplacing a
 * UDF file):
 * - iso_write_opts_get_data_start() names the block that every empty file and symlink points
 *   at (one zero block, see iso_write_opts_set_old_empty); nothing else goes there.
 * - With El Torito, the next block holds the boot catalog, even when it is hidden.
 * - Then come the file contents, one extent each (sections of a large file contiguously), in
 *   descending sort weight (iso_write_opts_set_sort_files), each rounded up to whole blocks.
 * - With "-efi-boot-part --efi-boot-image" (iso_write_opts_set_efi_bootp), the first El
 *   Torito boot image of the EFI platform (0xEF) is the GPT's EFI system partition: libisofs
 *   writes it after the directories, right before data_start, and nowhere else.
 * Other libisofs 1.5.4 behaviour the UDF bridge relies on is checked where it is used: the
 * overwrite buffer is
 * filled inside iso_image_create_burn_source and its descriptor set ends with a terminator
 * (udf_bridge.c); every directory comes after the one that lists it and a file's sections
 * are contiguous (udf_isoscan.c); the relocated superblock checksum tag sits right after the
 * terminator (udf_md5.c); the system area copy at the session's start is sized from the
 * session, and libisofs fails the write when a GPT entry ends past that (fit_stream_gpt in
 * udf_bridge.c). */
#include "common/build/isofs_layout.h"

#include <stdlib.h>

#include "common/base/error.h"

#define BLOCK 2048u

uint64_t img_isofs_blocks(uint64_t size)
{
	return (size + BLOCK - 1) / BLOCK;
}

/* The file of the first EFI El Torito entry (El Torito 1.0 section 2.2, platform 0xEF). */
static IsoFile *first_efi_image(IsoImage *iso)
{
	int n = 0;
	ElToritoBootImage **boots = NULL;
	IsoFile **nodes = NULL;
	IsoFile *efi = NULL;
	if (iso_image_get_all_boot_imgs(iso, &n, &boots, &nodes, 0) != 1)
		return NULL;
	for (int i = 0; i < n && efi == NULL; i++)
		if (el_torito_get_boot_platform_id(boots[i]) == 0xEF)
			efi = nodes[i];
	free(boots);
	free(nodes);
	return efi;
}

int img_isofs_data_layout(IsoImage *iso, IsoWriteOpts *w, bool esp_from_eltorito,
			  struct img_isofs_data *out)
{
	*out = (struct img_isofs_data){0};
	uint32_t start = 0;
	if (iso_write_opts_get_data_start(w, &start, 0) < 0 || start == 0)
		return IMG_EISOFS;
	out->data_start = start;
	out->empty_block = start;
	uint32_t next = start + 1;
	if (iso_image_get_boot_image(iso, NULL, NULL, NULL) == 1) {
		out->catalog = next;
		next += IMG_ISOFS_CATALOG_BLOCKS;
	}
	out->first_content = next;
	if (esp_from_eltorito) {
		IsoFile *efi = first_efi_image(iso);
		if (efi == NULL)
			return IMG_EISOFS;
		uint64_t blocks = img_isofs_blocks((uint64_t)iso_file_get_size(efi));
		if (blocks > start)
			return IMG_EISOFS;
		out->moved = efi;
		out->moved_lba = start - (uint32_t)blocks;
	}
	return IMG_OK;
}
