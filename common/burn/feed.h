/* The input feed of a recorder: our own reader thread that fills a ring buffer from a file or
 * pipe, hashes what it reads and holds the stream to its declared size, and a consumer side that
 * takes exact-sized blocks out of the ring (libburn's writer thread, through drive.c). */
#ifndef IMG_FEED_H
#define IMG_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/digest.h"
#include "common/base/error.h"

/* The sizes drive.c uses: an 8 MiB ring filled in 1 MiB reads, enough to ride over pipe stalls
 * (xorriso's fifo default is 4 MiB). */
#define IMG_FEED_RING_SIZE (8u * 1024 * 1024)
#define IMG_FEED_READ_CHUNK (1024u * 1024)

/* How the input stream ended; IMG_FEED_OK while it runs and after a clean end. */
enum img_feed_status {
	IMG_FEED_OK,
	IMG_FEED_SHORT,    /* end of input before the declared size */
	IMG_FEED_LONG,     /* more input after the declared size */
	IMG_FEED_IOERR,    /* read(2) failed, or the ring could not be allocated */
	IMG_FEED_CANCELED
};

struct img_feed;

/* A feed over fd (not owned; kept open by the caller until img_feed_free).  declared is the exact
 * byte count the stream must have, or -1 for "until end of input".  hash: keep the SHA-256 of the
 * bytes read.  ring_size is the ring's capacity and chunk the most the reader asks of read(2) at
 * once; the reader waits for a whole chunk of room before reading.  Nothing is allocated for the
 * ring and no thread runs until the first img_feed_read.
 * Errors: IMG_EINVAL (chunk 0 or larger than ring_size), IMG_ENOMEM. */
int img_feed_new(int fd, int64_t declared, bool hash, size_t ring_size, size_t chunk,
		 struct img_feed **out, struct img_error *err);

/* Consumer side: copies exactly size bytes into buf, waiting for them (size may exceed the ring:
 * it is then filled in parts), or fewer at the end of the stream; 0 once everything was
 * delivered.  The bytes that complete a declared size are held back
 * until the reader knows whether the stream goes on, so that a longer stream fails instead of
 * being cut silently.  Returns -1 when the stream failed (see img_feed_status).  The first call
 * starts the reader thread; the call that drains the ended stream stops it and frees the ring.
 * One consumer thread only. */
ssize_t img_feed_read(struct img_feed *f, unsigned char *buf, size_t size);

/* Stops the feed from any thread (not a signal handler): the reader leaves its read within
 * ~200 ms even when a pipe's producer stalls, and a waiting img_feed_read returns -1. */
void img_feed_cancel(struct img_feed *f);

/* Stops the reader thread if it runs and frees f.  Safe on NULL.  No img_feed_read may be
 * running. */
void img_feed_free(struct img_feed *f);

/* Bytes handed to the consumer so far (safe from any thread). */
int64_t img_feed_delivered(const struct img_feed *f);

/* Bytes read from the input so far: the delivered ones plus those still in the ring. */
int64_t img_feed_taken(struct img_feed *f);

/* The ring's capacity and the bytes waiting in it, for fill-level displays. */
void img_feed_fill(struct img_feed *f, size_t *size, size_t *used);

/* How the stream stands; *err_no (may be NULL) gets the errno of a read error. */
enum img_feed_status img_feed_status(struct img_feed *f, int *err_no);

/* The SHA-256 of the bytes read, once the stream has ended (img_feed_read returned 0).  Returns
 * false when the feed does not hash or was already asked. */
bool img_feed_sha256(struct img_feed *f, unsigned char md[IMG_SHA256_LEN]);

#endif
