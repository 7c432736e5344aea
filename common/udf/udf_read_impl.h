/* The UDF reader's internals, shared by udf_read.c (volume structures, file entries,
 * directories) and udf_partmap.c (partition maps and their tables).  Not for other files:
 * the reader's interface is udf_read.h.  "udfr" names the reader's internal functions. */
#ifndef IMG_UDF_READ_IMPL_H
#define IMG_UDF_READ_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/udf/udf_read.h"

/* Logical block sizes read: 512 to 4096 bytes (ECMA-167 3/8.4: the block size of the volume
 * space; mkudffs uses 512 on hard disks, 2048 on optical media). */
#define IMG_UDF_MAXBS 4096u

/* One extent of the metadata (or mirror) file: blocks first..first+count-1 of the metadata
 * partition are blocks lbn.. of partition reference pref (a physical or sparable map). */
struct udf_meta_ext {
	uint32_t first, count, lbn;
	uint16_t pref;
	bool recorded;
};

/* The extents of the metadata (or mirror) file in file order, next of cap in use; blocks:
 * all they cover, size: the file's information length. */
struct udf_meta_file {
	struct udf_meta_ext *ext;
	size_t next, cap;
	uint64_t blocks, size;
};

/* What a map needs beyond struct img_udf_map: its tables. */
struct udf_map_state {
	int base;                 /* metadata, virtual: the physical or sparable map below */
	struct udf_meta_file meta;
	struct udf_meta_file mirror; /* loaded when a block of meta turns out damaged */
	bool mirror_tried;
	uint32_t *spare_from, *spare_to;
	size_t nspare;
	uint32_t *vat;
	uint32_t nvat;
};

/* One read of a volume: the image, what is learnt of it, the maps' tables. */
struct udf_reader {
	struct img_source *src;
	struct img_udf_info *info;
	struct img_filetree *tree;
	struct img_error *err;
	struct udf_map_state m[IMG_UDF_MAX_MAPS];
	uint32_t bs;              /* logical block size */
	unsigned char block[IMG_UDF_MAXBS];
	uint64_t *dirs_seen;      /* byte offsets of directory ICBs met so far */
	size_t ndirs_seen, cap_seen;
	img_udf_place_visit place;  /* where structures lie, or NULL */
	void *place_ctx;
};

/* Called for each allocation descriptor: an extent of len bytes at block lbn of partition
 * reference pref, of extent type etype (0 recorded, 1 allocated, 2 unallocated); where is
 * the descriptor's byte offset, for messages. */
typedef int (*img_udfr_ad_visit)(struct udf_reader *r, void *ctx, unsigned pref, uint32_t lbn,
				 uint32_t len, unsigned etype, uint64_t where);

/* A partition descriptor (ECMA-167 3/10.5): number, first sector, length in sectors. */
struct udf_pd_entry {
	uint16_t number;
	uint32_t start, length;
};

/* ---- udf_read.c: descriptors and file entries ---- */

/* The name of a descriptor's tag identifier, for messages. */
const char *img_udfr_tag_name(unsigned id);

/* ECMA-167 3/7.2: checksum of bytes 0-15 except 4, CRC over crc_len bytes after the tag, and
 * (check_location) the recorded location.  len is how many bytes of the descriptor are in b;
 * off and what name it in messages.  IMG_ECORRUPT. */
int img_udfr_check_tag(const unsigned char *b, size_t len, uint32_t location, bool check_location,
		       uint64_t off, const char *what, struct img_error *err);

/* Checks a descriptor read as block lbn of pref: its tag identifier (want, or 0 for a file
 * entry, extended file entry or indirect entry) and its tag.  IMG_ECORRUPT. */
int img_udfr_check_desc(struct udf_reader *r, const unsigned char *b, unsigned pref, uint32_t lbn,
			uint64_t off, unsigned want);

/* Reads the ICB at block lbn of pref into r->block, following indirect entries (4/14.7,
 * strategy 4096) a bounded number of times; checks the tag, through the metadata mirror when
 * the metadata file's copy is damaged.  *pref_out, *off: where the file entry was found. */
int img_udfr_read_icb(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t where,
		      unsigned *pref_out, uint64_t *off);

/* The allocation descriptor area of the file entry in r->block (at byte off): start, length
 * and type (ICB flags & 7).  IMG_ECORRUPT when it overruns the block. */
int img_udfr_entry_ads(struct udf_reader *r, uint64_t off, size_t *start, size_t *lad, int *atype);

/* Walks allocation descriptors (ECMA-167 4/14.14.1 short_ad, type 0, in partition pref;
 * 4/14.14.2 long_ad, type 1), following "next extent of allocation descriptors" (4/12, AED
 * 4/14.5) a bounded number of times, and calls visit for each recorded or unrecorded extent.
 * Stops at visit's first error. */
int img_udfr_walk_ads(struct udf_reader *r, const unsigned char *ads, size_t len, int type,
		      unsigned pref, uint64_t where, img_udfr_ad_visit visit, void *ctx);

/* Adds the extents of the file entry in r->block (at byte off, in partition pref) to n:
 * recorded extents only, each checked to lie in the image, or the embedded data. */
int img_udfr_entry_extents(struct udf_reader *r, unsigned pref, uint64_t off, struct img_fnode *n);

/* Reads n's data (at most max bytes, and no more than the image holds) into a new buffer
 * owned by the caller.  IMG_ECORRUPT, IMG_ENOMEM. */
int img_udfr_read_data(struct udf_reader *r, const struct img_fnode *n, uint64_t max,
		       unsigned char **out, size_t *outlen);

/* Anchor, main volume descriptor sequence, maps, integrity sequence, then the maps' tables
 * (img_udfr_load_maps), into r->info.  Free with img_udfr_free whatever it returns. */
int img_udfr_open_volume(struct udf_reader *r);
void img_udfr_free(struct udf_reader *r);

/* ---- udf_partmap.c: partition maps ---- */

/* Parses the partition maps of the logical volume descriptor b at byte off (3/10.6.13-14)
 * into info->maps.  IMG_ECORRUPT, IMG_EUNSUPPORTED for other kinds of maps. */
int img_udfr_parse_maps(const unsigned char *b, uint32_t bs, uint64_t off,
			struct img_udf_info *info, struct img_error *err);

/* Gives each map its partition descriptor and, for metadata and virtual maps, the physical
 * (or sparable) map of the same partition they rest on.  IMG_ECORRUPT. */
int img_udfr_bind_maps(struct udf_reader *r, const struct udf_pd_entry *pds, int npd);

/* Loads what the maps need: sparing tables, the VAT, the metadata file's extents (its
 * mirror's when it is damaged, noted in info->metadata_problem). */
int img_udfr_load_maps(struct udf_reader *r);
void img_udfr_free_maps(struct udf_reader *r);

/* Adds each contiguous piece of len bytes from block lbn of pref to n as an extent (n may be
 * NULL: checking only), each piece checked to lie inside the image.  where: byte offset of
 * the reference, for messages. */
int img_udfr_map_range(struct udf_reader *r, unsigned pref, uint32_t lbn, uint64_t len,
		       uint64_t where, struct img_fnode *n);

/* Reads block lbn of pref into buf (one block); *off gets its byte offset in the image. */
int img_udfr_read_block(struct udf_reader *r, unsigned pref, uint32_t lbn, unsigned char *buf,
			const char *what, uint64_t where, uint64_t *off);

/* img_udfr_check_tag for a descriptor read as block lbn of pref (ECMA-167 4/7.2.1: the tag
 * location is that logical block; for a virtual partition the block below is accepted too). */
int img_udfr_check_part_tag(struct udf_reader *r, const unsigned char *b, unsigned pref,
			    uint32_t lbn, uint64_t off, const char *what);

/* Tells r->place where the recorded extents of each metadata partition's metadata file,
 * mirror file and bitmap file lie (the mirror and bitmap are loaded for this; one that cannot
 * be read is skipped, r->err left as it was).  Returns the visitor's code. */
int img_udfr_meta_places(struct udf_reader *r);

/* A descriptor read through the metadata file failed its checks (rc, detail in r->err): reads
 * block lbn through the mirror file into buf instead (UDF 2.60 2.2.13.1) and checks it (want
 * as img_udfr_check_desc), noting the damage in info->metadata_problem.  Returns rc unchanged
 * when there is no separate mirror, an error naming both copies when both fail. */
int img_udfr_meta_retry(struct udf_reader *r, unsigned pref, uint32_t lbn, unsigned char *buf,
			uint64_t *off, unsigned want, int rc);

#endif
