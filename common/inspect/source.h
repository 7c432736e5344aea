/* An image opened for inspection: a regular file, a block device or stdin, read at offsets.
 * Everything read through it is untrusted; reads past the end fail instead of returning
 * short data, so parsers need only check the error code. */
#ifndef IMG_SOURCE_H
#define IMG_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

struct img_source;

/* Opens path for reading ("-" is stdin).  A pipe or other unseekable input is spooled to an
 * unlinked temporary file in tmpdir (NULL: /tmp) with a fixed 64 KiB buffer, so memory stays
 * bounded whatever the image size.  Errors: IMG_ENOENT, IMG_EIO, IMG_ENOMEM, IMG_EUNSUPPORTED
 * (a directory); err gets the path and the system message. */
int img_source_open(const char *path, const char *tmpdir, struct img_source **out,
		    struct img_error *err);

/* Wraps a caller-owned buffer (fuzzing and unit tests); buf must outlive the source. */
int img_source_from_memory(const void *buf, size_t len, struct img_source **out);

/* Size of the image in bytes. */
uint64_t img_source_size(const struct img_source *s);

/* "file", "block device", "stdin" or "memory". */
const char *img_source_kind(const struct img_source *s);

/* Reads exactly len bytes at off.  IMG_ECORRUPT with "WHAT: ... at byte OFF" in err when the
 * range lies past the end of the image, IMG_EIO on a read error.  what names the structure. */
int img_source_read(struct img_source *s, uint64_t off, void *buf, size_t len,
		    const char *what, struct img_error *err);

/* Makes the source read as one older session of a grown image (common/inspect/sessions.h):
 * the first 64 KiB (system area and volume descriptors) are read from head_off, where that
 * session's own copy lies, and the image ends at end (the session's end; every address inside
 * a session is absolute, so nothing else moves).  Errors: IMG_EINVAL when the head does not
 * lie inside the image. */
#define IMG_SOURCE_HEAD_BYTES 65536u
int img_source_select_session(struct img_source *s, uint64_t head_off, uint64_t end,
			      struct img_error *err);

/* The byte offset given to img_source_select_session, 0 when none was selected. */
uint64_t img_source_session_start(const struct img_source *s);

void img_source_close(struct img_source *s);

#endif
