/* The tools of the checks in common/inspect/check.c: MD5 of image ranges and files, and
 * agreement between the views of one image on each file's size and extents.  Findings are
 * collected as messages. */
#ifndef IMG_VERIFY_H
#define IMG_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/inspect/source.h"
#include "common/inspect/filetree.h"

/* Problem messages found by a check, in order. */
struct img_problems {
	char **msg;
	size_t count, cap;
};

/* Appends one formatted message.  IMG_ENOMEM. */
int img_problems_add(struct img_problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void img_problems_free(struct img_problems *p);

/* MD5 of len bytes at off (OpenSSL libcrypto).  Read errors as img_source_read. */
int img_md5_range(struct img_source *src, uint64_t off, uint64_t len, unsigned char out[16],
		  struct img_error *err);

/* MD5 of a file's data (its size, read from its extents). */
int img_md5_node(struct img_source *src, const struct img_fnode *n, unsigned char out[16],
		 struct img_error *err);

/* Compares every non-empty regular file of view b with view a by the byte offset of its
 * data: the file must exist in the other view with the same size and extents.  Messages
 * name both views and the paths; at most max_msgs are added, *mismatches counts them all. */
int img_verify_views(const struct img_filetree *a, const char *aname, const struct img_filetree *b,
		     const char *bname, struct img_problems *out, size_t max_msgs,
		     size_t *mismatches);

/* Files of one view whose data no file of the other view holds. */
struct img_view_only {
	size_t count;
	char first[1024];      /* the path of the first of them in data order ("" if none) */
};

/* As img_verify_views, but a file that only one of the two views holds is no mismatch: it is
 * counted in *only_a (a file of a) or *only_b (of b) and gets no message.  Writers leave files
 * out of one view on purpose (mkisofs and xorriso -hide, -hide-joliet, -hide-udf; genisoimage
 * gives the El Torito boot catalog no data in UDF), so only files that both views hold, with
 * other sizes or extents, are mismatches here. */
int img_verify_views_shared(const struct img_filetree *a, const char *aname,
			    const struct img_filetree *b, const char *bname,
			    struct img_problems *out, size_t max_msgs, size_t *mismatches,
			    struct img_view_only *only_a, struct img_view_only *only_b);

void img_md5_hex(const unsigned char md5[16], char out[33]);

#endif
