/* Error codes of the library, and the detail string each object keeps beside its last error. */
#ifndef IMG_ERROR_H
#define IMG_ERROR_H

#include <stddef.h>

/* Every library function returns one of these (0 is success).  Keep the numbers stable:
 * programs map them to exit codes and tests may match on the text of img_strerror(). */
enum img_err {
	IMG_OK = 0,
	IMG_ENOMEM,      /* out of memory */
	IMG_EINVAL,      /* bad argument or option value */
	IMG_ENOENT,      /* a named file or path does not exist */
	IMG_EIO,         /* read or write error (errno in the detail) */
	IMG_ENOSPC,      /* output device full */
	IMG_EPIPE,       /* output closed by the reader */
	IMG_ECHANGED,    /* an input changed while it was read */
	IMG_ELOOP,       /* symlink or directory loop */
	IMG_ECOLLISION,  /* two names became one */
	IMG_ECORRUPT,    /* input image is malformed (offset in the detail) */
	IMG_EUNSUPPORTED,/* valid but not supported */
	IMG_ETOOBIG,     /* does not fit (media, format limit) */
	IMG_ECANCELED,   /* interrupted by a signal or the user */
	IMG_EISOFS,      /* libisofs reported an error */
	IMG_EBURN,       /* libburn reported an error */
	IMG_EDRIVE,      /* no drive, or the drive refused */
	IMG_EEXIST,      /* would overwrite something without being told to */
	IMG_EMISMATCH,   /* verification found different data */
	IMG_ERR_COUNT
};

/* One short sentence for an error code; never NULL. */
const char *img_strerror(int err);

/* The last error of an object: its code and what it concerned (path, offset, library message). */
struct img_error {
	int code;
	char detail[1024];
};

/* Records code and a printf-style detail in e (e may be NULL); returns code, so that callers
 * can write `return img_error_set(&x->err, IMG_EIO, "%s: %s", path, strerror(errno));`. */
int img_error_set(struct img_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like img_error_set, with strerror(errnum) appended to the detail after ": ". */
int img_error_errno(struct img_error *e, int code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Maps an errno value from a failed write to IMG_ENOSPC, IMG_EPIPE or IMG_EIO. */
int img_error_from_write_errno(int errnum);

void img_error_clear(struct img_error *e);

#endif
