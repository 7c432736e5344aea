/* Comparing two images in their own terms (imginfo --diff): volume descriptor, boot catalog,
 * MBR/GPT/APM and UDF descriptor fields, the files of each view, and the byte ranges no
 * structure claims, returned as a list of differences.  Nothing is printed here. */
#ifndef IMG_DIFF_H
#define IMG_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"

enum img_diff_kind {
	IMG_DIFF_FIELD,     /* a field of a structure: where names it, field says which */
	IMG_DIFF_ADDED,     /* a file only in image B (where: its path in view) */
	IMG_DIFF_REMOVED,   /* a file only in image A */
	IMG_DIFF_CONTENT,   /* a file's data differ; offset: first differing byte of the file */
	IMG_DIFF_METADATA,  /* a file's type, mode, owner, times, size, link target, PX serial,
			     * link count or recorded MD5 (field says which) */
	IMG_DIFF_PLACEMENT, /* a file's extents (field "extent") */
	IMG_DIFF_RANGE,     /* blocks offset .. end-1 differ and no structure we know claims
			     * them (or, field "unexplained", they differ and no field did) */
};

/* One difference.  area is a static string: "image", "volume descriptors", "boot catalog",
 * "mbr", "gpt", "apm", "udf", or a view ("iso", "joliet", "rr", "udf") for file differences,
 * "blocks" for ranges.  where (structure name or file path), field, a and b (the values in
 * image A and B, NULL when a side has none) belong to the result. */
struct img_diff_item {
	enum img_diff_kind kind;
	const char *area;
	char *where;
	char *field;
	char *a, *b;
	uint64_t offset;   /* CONTENT: byte in the file; RANGE: first 2048-byte block */
	uint64_t end;      /* RANGE: the block after the last */
};

struct img_diff_result {
	struct img_diff_item *items;
	size_t count, cap;
	bool identical;         /* the two images are byte for byte the same */
	uint64_t blocks_differ; /* 2048-byte blocks at the same offset whose bytes differ */
	uint64_t bytes_read;    /* file data read for the per-file comparison (both images) */
	/* Whether image A [0] and B [1] hold an ISO 9660 volume descriptor set or a UDF volume
	 * (set only when the images are not identical); the caller decides whether comparing
	 * something else is an error. */
	bool recognized[2];
};

struct img_diff_opts {
	bool content;   /* compare the data of every file pair, not only where the block sweep,
			 * the sizes or the extents say they can differ */
	unsigned views; /* bit (1 << enum img_view) for each view whose files are compared;
			 * 0: all four (iso, joliet, rr, udf) */
};

/* Compares a with b and fills *out (zeroed first; free it with img_diff_result_free, also
 * after an error).  First one sequential pass over the blocks both images have (like cmp)
 * marks the blocks that differ; if none do and the sizes agree, the images are identical and
 * nothing else is read.  Then the structures are compared field by field, the files of each
 * view matched by path, and a file's data is read only when --content asks or its extents,
 * its size or a differing block under it say the data can differ.  A structure that one image
 * has and the other lacks, or that cannot be read in one of them, is a FIELD difference, not
 * an error.  Errors: IMG_EIO (a read failed, detail says which image and where), IMG_ENOMEM. */
int img_diff_images(struct img_source *a, struct img_source *b, const struct img_diff_opts *opts,
		    struct img_diff_result *out, struct img_error *err);

void img_diff_result_free(struct img_diff_result *r);

/* "field", "added", "removed", "content", "metadata", "placement" or "range". */
const char *img_diff_kind_name(enum img_diff_kind k);

#endif
