/* Writing an image to its output: a temporary file beside OUTPUT renamed into place on
 * success (removed on failure or cancel), or stdout.  One pass, so pipes work. */
#ifndef IMG_WRITER_H
#define IMG_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/error.h"
#include "common/build/image.h"

struct img_writer;

/* Called once with done 0 when the size is known, then after each chunk written: bytes
 * done so far and the stream's total. */
typedef void (*img_writer_progress_fn)(void *arg, uint64_t done, uint64_t total);

/* Prepares output: "-" is stdout (refused when it is a terminal: IMG_EINVAL), anything else
 * a regular file that is created as a temporary file in the same directory, so that the
 * rename at the end is atomic and a failed run leaves OUTPUT as it was.  Errors: IMG_EINVAL,
 * IMG_EIO / IMG_ENOENT (cannot create the temporary file, detail names it).  output must
 * outlive w (messages name it). */
int img_writer_open(const char *output, struct img_writer **out, struct img_error *err);

/* Pulls the whole image (img_image_start must not have been called) and writes it.  Returns
 * IMG_ECANCELED after img_writer_request_cancel(), IMG_ENOSPC / IMG_EPIPE / IMG_EIO for write
 * errors, or the image's read error (img_image_error has the detail, as has err). */
int img_writer_run(struct img_writer *w, struct img_image *img, img_writer_progress_fn fn,
		   void *arg, struct img_error *err);

/* Zeros after the image, as libburn pads the track of xorriso's native commands written to a
 * stdio: target (outside the image: no partition table or volume size counts them):
 * pad_blocks blocks of 2048 bytes, then more up to a multiple of align_blocks blocks of the
 * whole output (0 or 1: no rounding).  img_writer_run writes them after the image and counts
 * them in its progress total.  None unless set. */
void img_writer_set_padding(struct img_writer *w, uint32_t pad_blocks, uint32_t align_blocks);

/* Makes the output final: closes the temporary file and renames it to OUTPUT.  Errors:
 * IMG_EIO, IMG_ENOSPC (a delayed write error reported by close). */
int img_writer_commit(struct img_writer *w, struct img_error *err);

/* Removes the temporary file (if not committed) and frees w. */
void img_writer_free(struct img_writer *w);

/* Asks a running img_writer_run to stop.  Async-signal-safe: meant for SIGINT/SIGTERM
 * handlers.  Also makes a later img_writer_run stop at once. */
void img_writer_request_cancel(void);
bool img_writer_cancel_requested(void);

#endif
