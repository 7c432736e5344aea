/* Reading zisofs (version 1) file data, as Linux's isofs does for a Rock Ridge file with a ZF
 * entry (mkzftree, mkimage --zisofs, xorriso -set_filter --zisofs): a 16-byte header (magic,
 * uncompressed size, header size / 4, log2 of the block size), a table of block pointers, then
 * one zlib stream per block. */
#ifndef IMG_ZISOFS_READ_H
#define IMG_ZISOFS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

#define IMG_ZISOFS_HEADER 16

/* Whether head (the first IMG_ZISOFS_HEADER stored bytes of a file) starts zisofs data of a file
 * of size bytes: the magic and the uncompressed size match. */
bool img_zisofs_is_header(const unsigned char head[IMG_ZISOFS_HEADER], uint64_t size);

/* Reads len bytes at offset off of the stored data into buf; returns IMG_OK or an error set in
 * err. */
typedef int (*img_zisofs_read_fn)(void *arg, uint64_t off, void *buf, size_t len,
				  struct img_error *err);
/* Takes the next len decompressed bytes; returns IMG_OK or an error set in err. */
typedef int (*img_zisofs_write_fn)(void *arg, const void *buf, size_t len,
				   struct img_error *err);

/* Decompresses stored bytes of zisofs data (hostile: every pointer and length is checked) into
 * exactly size bytes handed to wr.  what names the file in messages.  Errors: IMG_ECORRUPT (bad
 * header, pointer outside the data or out of order, a block that does not inflate to its
 * length; the detail says which block), IMG_ENOMEM, or what rd and wr return. */
int img_zisofs_decode(img_zisofs_read_fn rd, void *rarg, uint64_t stored, uint64_t size,
		      img_zisofs_write_fn wr, void *warg, const char *what,
		      struct img_error *err);

#endif
