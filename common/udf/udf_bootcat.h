/* The load addresses of an El Torito catalog that libisofs wrote, for the UDF bridge: on a
 * UDF-only image they prove where the boot images lie (udf_bridge.c, prove_boot_images). */
#ifndef IMG_UDF_BOOTCAT_H
#define IMG_UDF_BOOTCAT_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

/* Parses the catalog block blk (2048 bytes, at block sector) with the catalog reader of
 * common/inspect (eltorito.c) and gives the load RBA of each entry, in catalog order (the
 * default entry first: the order of libisofs's boot images), in lbas[0 .. *n-1]; at most max
 * of them.  Errors: IMG_ECORRUPT (detail: the byte offset), IMG_ENOMEM, IMG_ETOOBIG when the
 * catalog holds more than max entries. */
int img_udf_catalog_lbas(const uint8_t *blk, uint32_t sector, uint32_t *lbas, size_t max,
			 size_t *n, struct img_error *err);

#endif
