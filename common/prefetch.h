/* Reading small files ahead of libisofs's writer thread, on a thread of its own.
 *
 * libisofs reads file data on one thread, one file after the other: for many small files
 * most of its time goes to open, read and close calls while the second core idles.  A
 * prefetcher knows the order in which the data will be asked for (our sort weights fix it)
 * and reads the next files into memory meanwhile, within a memory budget; the file stream
 * (common/stream.c) then takes a file's bytes from memory instead of the disk.  Whatever was
 * not read ahead in time is read by the stream itself, so the prefetcher never changes what
 * goes into the image, only where the system calls run. */
#ifndef IMG_PREFETCH_H
#define IMG_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

struct img_prefetch;

/* Says where file i is and how big it was at walk time.  The path must stay valid until
 * img_prefetch_free. */
typedef void (*img_prefetch_file_fn)(void *ctx, size_t i, const char **path, off_t *size);

/* Creates an idle prefetcher for files 0..n-1, to be read in that order, described by
 * file(ctx, i, ...).  It keeps at most budget bytes read ahead and never reads files larger
 * than max_file (their readers read them in large pieces themselves).  Errors: IMG_ENOMEM. */
int img_prefetch_new(size_t n, img_prefetch_file_fn file, void *ctx, size_t budget,
		     size_t max_file, struct img_prefetch **out);

/* Stops the thread (if started), waits for it and frees what it read. */
void img_prefetch_free(struct img_prefetch *p);

/* Starts reading, in index order.  Errors: IMG_EINVAL (already started), IMG_ENOMEM. */
int img_prefetch_start(struct img_prefetch *p);

/* Claims file idx for the reader: when it was read ahead, returns true and hands over *buf
 * (free it) holding *len bytes: one more than the walk's size if the file
 * grew, fewer if it shrank.  Otherwise (not reached yet, failed, or claimed before) returns
 * false and the caller reads the file itself; the prefetcher then skips it.  Files before idx
 * that were read ahead and never claimed are dropped: the reader has gone past them.  Safe to
 * call from any thread, started or not. */
bool img_prefetch_take(struct img_prefetch *p, size_t idx, unsigned char **buf, size_t *len);

#endif
