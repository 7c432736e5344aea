/* SHA-256 of a byte stream, through OpenSSL's EVP interface (used to verify written media). */
#ifndef IMG_DIGEST_H
#define IMG_DIGEST_H

#include <stddef.h>

#include "common/base/error.h"

#define IMG_SHA256_LEN 32
#define IMG_SHA256_HEX_LEN 65 /* 64 hex digits and the terminating NUL */

struct img_sha256;

/* Starts a new hash in *out (free with img_sha256_free).
 * Errors: IMG_ENOMEM, IMG_EUNSUPPORTED (OpenSSL offers no SHA-256). */
int img_sha256_new(struct img_sha256 **out, struct img_error *err);

/* Adds len bytes; returns IMG_OK, or IMG_EINVAL after img_sha256_final. */
int img_sha256_update(struct img_sha256 *h, const void *data, size_t len);

/* Finishes the hash into md; the object may then only be freed. */
int img_sha256_final(struct img_sha256 *h, unsigned char md[IMG_SHA256_LEN]);

void img_sha256_free(struct img_sha256 *h);

/* Lower-case hex form of a digest. */
void img_sha256_hex(const unsigned char md[IMG_SHA256_LEN], char hex[IMG_SHA256_HEX_LEN]);

#endif
