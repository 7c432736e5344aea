/* UDF reader (ECMA-167 3rd edition, OSTA UDF 1.02-2.60): anchor, volume descriptor sequence,
 * partition maps (physical, sparable, virtual/VAT, metadata partition with its mirror), file set
 * descriptor, file entries and file identifiers, every descriptor tag checked (checksum, CRC,
 * location).  Builds the same in-memory tree as the ISO 9660 reader. */
#ifndef IMG_UDF_READ_H
#define IMG_UDF_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"
#include "common/inspect/filetree.h"

#define IMG_UDF_MAX_DEPTH 256
#define IMG_UDF_MAX_DIR_BYTES (64u << 20)
#define IMG_UDF_MAX_AD_HOPS 256     /* allocation extent / indirect entry chains */
#define IMG_UDF_MAX_EXTENTS 65536   /* per file (and per metadata file) */
#define IMG_UDF_MAX_MAPS 4          /* partition maps in the logical volume */
#define IMG_UDF_MAX_VAT_BYTES (64u << 20)
#define IMG_UDF_NO_FILE 0xffffffffu /* metadata bitmap file location: none */

/* What a partition map (ECMA-167 3/10.7, UDF 2.60 2.2.8-2.2.10) makes of its partition. */
enum img_udf_map_kind {
	IMG_UDF_MAP_PHYSICAL,   /* type 1: blocks are the partition's blocks */
	IMG_UDF_MAP_SPARABLE,   /* type 2 "*UDF Sparable Partition": packets remapped by a table */
	IMG_UDF_MAP_VIRTUAL,    /* type 2 "*UDF Virtual Partition": blocks through the VAT */
	IMG_UDF_MAP_METADATA,   /* type 2 "*UDF Metadata Partition": blocks of the metadata file */
};

struct img_udf_map {
	enum img_udf_map_kind kind;
	unsigned type;                  /* 1 or 2 */
	uint16_t partition_number;      /* the partition descriptor it refers to */
	uint32_t partition_start, partition_length; /* that descriptor's sectors */
	/* metadata: logical blocks in the physical partition of the same number */
	uint32_t metadata_file, mirror_file, bitmap_file;
	uint32_t allocation_unit;       /* blocks */
	uint16_t alignment_unit;        /* blocks */
	bool duplicate;                 /* the mirror holds its own copy of the metadata */
	bool mirror_used;               /* the metadata file was damaged: read through the mirror */
	uint64_t metadata_size;         /* bytes of the metadata file in use */
	/* sparable */
	uint16_t packet_length;         /* blocks */
	unsigned sparing_tables;
	uint32_t sparing_table_size;    /* bytes */
	uint32_t sparing_table[4];      /* absolute sectors */
	uint32_t spared_packets;        /* remapped packets in the table in use */
	/* virtual */
	uint32_t vat_sector;            /* absolute sector of the VAT's file entry */
	uint32_t vat_entries;
};

struct img_udf_info {
	uint32_t anchor_sector;
	uint32_t block_size;
	char vrs[6];                /* "NSR02"/"NSR03" of the volume recognition sequence, or "" */
	char volume_id[100];        /* primary volume descriptor */
	char logical_volume_id[400];
	char domain[24];            /* "*OSTA UDF Compliant" */
	unsigned revision;          /* BCD-like: 0x0102, 0x0150, 0x0201 ... */
	uint16_t partition_number;  /* the first partition descriptor */
	uint32_t partition_start, partition_length;
	uint32_t vds_sector, vds_length;
	uint32_t reserve_vds_sector, reserve_vds_length; /* from the anchor at block 256 */
	uint32_t lvid_sector, lvid_length;  /* the integrity sequence extent (bytes) */
	uint32_t anchors[3];        /* blocks holding an anchor: 256, then N-256 and N-1 */
	unsigned nanchors;
	unsigned nmaps;
	struct img_udf_map maps[IMG_UDF_MAX_MAPS];
	uint32_t fsd_block;         /* file set descriptor: block and partition reference */
	uint16_t fsd_partition;
	/* Logical volume integrity descriptor (ECMA-167 3/10.10, UDF 2.2.6.4), the last one of
	 * the integrity sequence; lvid false when there is none. */
	bool lvid;
	bool lvid_closed;           /* integrity type 1 */
	uint32_t lvid_files, lvid_dirs;
	unsigned min_read_revision, min_write_revision, max_write_revision;
	/* What the metadata file could not give and the mirror file gave instead (its whole
	 * entry, or single damaged blocks), "" when the mirror was not needed. */
	char metadata_problem[1024];
	int descriptors;            /* tags verified in the volume descriptor sequence */
	uint64_t tags_verified;     /* all tags verified (with file entries and FIDs) */
	uint64_t dirs, files;       /* counted when a tree was read */
};

/* Reads the anchor at block 256 (of 2048-byte blocks, else 512, 1024 or 4096: block_size tells
 * which), the main volume descriptor sequence and the partition maps,
 * and loads what the maps need: the metadata file's extents (the mirror file's when the
 * metadata file is damaged, noted in metadata_problem), the sparing table, the VAT.
 * IMG_ENOENT when there is no anchor (no UDF), IMG_ECORRUPT with the descriptor and byte offset
 * for a bad tag checksum or CRC, a wrong tag location or an impossible length or location,
 * IMG_EUNSUPPORTED for partition maps of other kinds and blocks over 4096 bytes. */
int img_udf_read_info(struct img_source *src, struct img_udf_info *info, struct img_error *err);

/* Reads the info and then the whole file tree from the file set descriptor.  Directory loops
 * (a directory ICB met twice), looping indirect entries or allocation extent chains, depths
 * beyond IMG_UDF_MAX_DEPTH and extents past the end give IMG_ECORRUPT with the byte offset. */
int img_udf_read_tree(struct img_source *src, struct img_filetree **out, struct img_udf_info *info,
		      struct img_error *err);

/* What a place reported by img_udf_read_tree_places holds. */
enum img_udf_place_kind {
	IMG_UDF_PLACE_ENTRY,        /* a file entry or extended file entry (one block) */
	IMG_UDF_PLACE_DIRECTORY,    /* an extent of a directory's file identifier descriptors */
	IMG_UDF_PLACE_METADATA,     /* an extent of a metadata partition's metadata file */
	IMG_UDF_PLACE_MIRROR,       /* ... of its metadata mirror file */
	IMG_UDF_PLACE_BITMAP,       /* ... of its metadata bitmap file */
	IMG_UDF_PLACE_FILE_SET,     /* the file set descriptor and the terminating descriptor
				     * that follows it (ECMA-167 4/8.3.1) when there is one */
};

/* Called for each place: bytes [offset, offset+length) of the image, which the reader checked
 * lie inside it; path: the file's absolute path in the tree (entries, directories), or ""
 * (metadata files).  A return other than IMG_OK stops the reading with that code. */
typedef int (*img_udf_place_visit)(void *ctx, uint64_t offset, uint64_t length,
				   enum img_udf_place_kind kind, const char *path);

/* img_udf_read_tree that also tells visit (when not NULL) where each structure the walk reads
 * lies on the image, mapped through the partition maps: the file set descriptor, every file entry (the one an indirect
 * entry leads to), every directory extent, and the extents of each metadata partition's
 * metadata, mirror and bitmap files (a mirror or bitmap file that cannot be read is left
 * out).  Places come in the order of reading, not sorted; a file entry met twice (hard links)
 * is reported twice.  out may be NULL when only the places are wanted. */
int img_udf_read_tree_places(struct img_source *src, struct img_filetree **out,
			     struct img_udf_info *info, img_udf_place_visit visit, void *ctx,
			     struct img_error *err);

/* Result of comparing a metadata partition's mirror file with its metadata file. */
struct img_udf_mirror_check {
	uint64_t blocks;            /* blocks compared */
	uint64_t differ;            /* blocks whose contents differ */
	uint64_t first_differ;      /* the first of them (block of the metadata partition) */
	uint64_t metadata_size, mirror_size; /* bytes */
};

/* Compares, block by block, the metadata file and the mirror file of the first metadata
 * partition map whose duplicate flag is set (UDF 2.60 2.2.10: the mirror is then a copy).
 * IMG_ENOENT if there is none; IMG_ECORRUPT when either file cannot be read (detail says
 * which and where).  Differences are results, not errors. */
int img_udf_compare_mirror(struct img_source *src, struct img_udf_mirror_check *out,
			   struct img_error *err);

#endif
