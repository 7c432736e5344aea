/* Error codes, their messages, and the detail string kept with them. */
#include "common/base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[IMG_ERR_COUNT] = {
	[IMG_OK] = "success",
	[IMG_ENOMEM] = "out of memory",
	[IMG_EINVAL] = "invalid argument",
	[IMG_ENOENT] = "no such file or directory",
	[IMG_EIO] = "input/output error",
	[IMG_ENOSPC] = "no space left on output",
	[IMG_EPIPE] = "output closed by reader",
	[IMG_ECHANGED] = "input changed while being read",
	[IMG_ELOOP] = "loop in file tree",
	[IMG_ECOLLISION] = "name collision",
	[IMG_ECORRUPT] = "malformed image",
	[IMG_EUNSUPPORTED] = "not supported",
	[IMG_ETOOBIG] = "does not fit",
	[IMG_ECANCELED] = "interrupted",
	[IMG_EISOFS] = "ISO image library error",
	[IMG_EBURN] = "burning library error",
	[IMG_EDRIVE] = "drive error",
	[IMG_EEXIST] = "would overwrite existing file",
	[IMG_EMISMATCH] = "data differs",
};

const char *img_strerror(int err)
{
	if (err < 0 || err >= IMG_ERR_COUNT || messages[err] == NULL)
		return "unknown error";
	return messages[err];
}

static void set_detail(struct img_error *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	if (fmt == NULL) {
		e->detail[0] = '\0';
		return;
	}
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
}

int img_error_set(struct img_error *e, int code, const char *fmt, ...)
{
	if (e == NULL)
		return code;
	va_list ap;
	va_start(ap, fmt);
	set_detail(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int img_error_errno(struct img_error *e, int code, int errnum, const char *fmt, ...)
{
	if (e == NULL)
		return code;
	va_list ap;
	va_start(ap, fmt);
	set_detail(e, code, fmt, ap);
	va_end(ap);
	size_t len = strlen(e->detail);
	snprintf(e->detail + len, sizeof(e->detail) - len, "%s%s",
		 len ? ": " : "", strerror(errnum));
	return code;
}

int img_error_from_write_errno(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return IMG_ENOSPC;
	case EPIPE:
		return IMG_EPIPE;
	default:
		return IMG_EIO;
	}
}

void img_error_clear(struct img_error *e)
{
	if (e == NULL)
		return;
	e->code = IMG_OK;
	e->detail[0] = '\0';
}
