/* The load addresses of an El Torito catalog, through common/inspect's catalog reader (a file
 * of its own: eltorito.h and build/boot.h both name a struct img_boot_entry). */
#include "common/udf/udf_bootcat.h"

#include <stdlib.h>

#include "common/inspect/eltorito.h"

int img_udf_catalog_lbas(const uint8_t *blk, uint32_t sector, uint32_t *lbas, size_t max,
			 size_t *n, struct img_error *err)
{
	*n = 0;
	/* About 60 KB: not on the stack. */
	struct img_boot_catalog *cat = malloc(sizeof(*cat));
	if (cat == NULL)
		return img_error_set(err, IMG_ENOMEM, "El Torito catalog");
	int rc = img_eltorito_parse(blk, 2048, sector, cat, err);
	if (rc == IMG_OK && cat->count > 0 && (size_t)cat->count > max)
		rc = img_error_set(err, IMG_ETOOBIG, "El Torito catalog at block %u: %d entries",
				   sector, cat->count);
	for (int i = 0; rc == IMG_OK && i < cat->count; i++)
		lbas[(*n)++] = cat->entries[i].load_rba;
	free(cat);
	return rc;
}
