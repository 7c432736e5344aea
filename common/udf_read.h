/* UDF reader (ECMA-167 3rd edition, OSTA UDF 1.02-2.01): anchor, volume descriptor sequence,
 * file set descriptor, file entries and file identifiers, every descriptor tag checked
 * (checksum, CRC, location).  Builds the same in-memory tree as the ISO 9660 reader. */
#ifndef IMG_UDF_READ_H
#define IMG_UDF_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/inspect.h"
#include "common/filetree.h"

#define IMG_UDF_MAX_DEPTH 256
#define IMG_UDF_MAX_DIR_BYTES (64u << 20)
#define IMG_UDF_MAX_AD_HOPS 256     /* allocation extent / indirect entry chains */
#define IMG_UDF_MAX_EXTENTS 65536   /* per file */

struct img_udf_info {
	uint32_t anchor_sector;
	uint32_t block_size;
	char volume_id[100];        /* primary volume descriptor */
	char logical_volume_id[400];
	char domain[24];            /* "*OSTA UDF Compliant" */
	unsigned revision;          /* BCD-like: 0x0102, 0x0150, 0x0201 ... */
	uint16_t partition_number;
	uint32_t partition_start, partition_length;
	uint32_t vds_sector, vds_length;
	int descriptors;            /* tags verified in the volume descriptor sequence */
	uint64_t tags_verified;     /* all tags verified (with file entries and FIDs) */
	uint64_t dirs, files;       /* counted when a tree was read */
};

/* Reads the anchor at sector 256 and the main volume descriptor sequence.  IMG_ENOENT when
 * there is no anchor (no UDF), IMG_ECORRUPT with the descriptor and byte offset for a bad tag
 * checksum or CRC, a wrong tag location or an impossible length, IMG_EUNSUPPORTED for
 * partition maps other than type 1 (metadata partitions of UDF 2.50). */
int img_udf_read_info(struct img_source *src, struct img_udf_info *info, struct img_error *err);

/* Reads the info and then the whole file tree from the file set descriptor.  Directory loops
 * (a directory ICB met twice), looping indirect entries or allocation extent chains, depths
 * beyond IMG_UDF_MAX_DEPTH and extents past the end give IMG_ECORRUPT with the byte offset. */
int img_udf_read_tree(struct img_source *src, struct img_filetree **out, struct img_udf_info *info,
		      struct img_error *err);

#endif
