/* ISO 9660 volume descriptor set (ECMA-119 8), the UDF Volume Recognition Sequence that
 * follows it (ECMA-167 2/9) and the Rock Ridge signature of the root directory (SUSP 5.3). */
#ifndef IMG_VOLDESC_H
#define IMG_VOLDESC_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

#define IMG_ISO_SECTOR 2048u
/* The set starts at sector 16 (ECMA-119 6.2.1); we stop looking after this many. */
#define IMG_VD_MAX 64

enum img_vd_kind {
	IMG_VD_BOOT,          /* boot record (type 0) */
	IMG_VD_PRIMARY,       /* type 1 */
	IMG_VD_JOLIET,        /* type 2 with a UCS-2 escape sequence */
	IMG_VD_ISO1999,       /* type 2 version 2: ISO 9660:1999 enhanced descriptor */
	IMG_VD_SUPPLEMENTARY, /* other type 2 */
	IMG_VD_PARTITION,     /* type 3 */
	IMG_VD_TERMINATOR,    /* type 255 */
	IMG_VD_UNKNOWN
};

/* One descriptor; strings are UTF-8 with trailing blanks removed, dates are
 * "YYYY-MM-DDTHH:MM:SS.cc+HH:MM" or "" when unset (ECMA-119 8.4.26.1). */
struct img_vd {
	uint32_t sector;
	int type, version;
	enum img_vd_kind kind;
	char system_id[100], volume_id[100];
	char volume_set_id[400], publisher_id[400], preparer_id[400], application_id[400];
	char copyright_file[120], abstract_file[120], biblio_file[120];
	uint32_t volume_space_size, path_table_size;
	uint32_t path_table_l, path_table_l_opt;   /* sectors of the type L path tables */
	uint32_t path_table_m, path_table_m_opt;   /* and of the type M ones (0: none) */
	uint16_t set_size, seq_number, block_size;
	uint32_t root_extent, root_size;
	char created[32], modified[32], expires[32], effective[32];
	int file_structure_version;
	int joliet_level;           /* 1..3 for Joliet, else 0 */
	char boot_system_id[40];    /* boot records */
	bool el_torito;
	uint32_t boot_catalog;      /* sector of the El Torito catalog */
};

struct img_vdset {
	struct img_vd vd[IMG_VD_MAX];
	int count;
	/* UDF Volume Recognition Sequence after the terminator ("" if none):
	 * "NSR02" means UDF 1.02/1.50, "NSR03" UDF 2.00 and later. */
	char udf_nsr[6];
	bool udf_bea;
};

/* Reads the descriptor set from sector 16 to the terminator, then the VRS.  Only the first
 * count entries of out->vd are set.
 * IMG_ECORRUPT (with the sector and byte offset in err) when there is no primary descriptor,
 * no terminator within IMG_VD_MAX sectors, or a descriptor is malformed; read errors as
 * img_source_read. */
int img_vd_read(struct img_source *src, struct img_vdset *out, struct img_error *err);

/* Parses one 2048-byte descriptor found at sector.  IMG_ECORRUPT if it lacks "CD001". */
int img_vd_parse(const unsigned char *buf, uint32_t sector, struct img_vd *out,
		 struct img_error *err);

/* The first descriptor of a kind, or NULL. */
const struct img_vd *img_vd_find(const struct img_vdset *set, enum img_vd_kind kind);
const char *img_vd_kind_name(enum img_vd_kind kind);

/* Looks for Rock Ridge on the root directory of pvd: the SUSP SP entry and the ER entry,
 * following continuation areas (a bounded number of them).  Writes "1.10" (RRIP_1991A),
 * "1.12" (IEEE_P1282 / IEEE_1282) or "" into version (16 bytes).  Malformed entries give
 * IMG_ECORRUPT with their byte offset. */
int img_vd_rock_ridge(struct img_source *src, const struct img_vd *pvd, char version[16],
		      struct img_error *err);

#endif
