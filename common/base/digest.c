/* SHA-256 of a byte stream through OpenSSL EVP. */
#include "common/base/digest.h"

#include <stdbool.h>
#include <stdlib.h>

#include <openssl/evp.h>

struct img_sha256 {
	EVP_MD_CTX *ctx;
	bool finished;
};

int img_sha256_new(struct img_sha256 **out, struct img_error *err)
{
	*out = NULL;
	struct img_sha256 *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return img_error_set(err, IMG_ENOMEM, "SHA-256 context");
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL) {
		free(h);
		return img_error_set(err, IMG_ENOMEM, "SHA-256 context");
	}
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		img_sha256_free(h);
		return img_error_set(err, IMG_EUNSUPPORTED, "OpenSSL has no SHA-256");
	}
	*out = h;
	return IMG_OK;
}

int img_sha256_update(struct img_sha256 *h, const void *data, size_t len)
{
	if (h->finished)
		return IMG_EINVAL;
	if (len == 0)
		return IMG_OK;
	return EVP_DigestUpdate(h->ctx, data, len) == 1 ? IMG_OK : IMG_EINVAL;
}

int img_sha256_final(struct img_sha256 *h, unsigned char md[IMG_SHA256_LEN])
{
	unsigned int n = 0;
	if (h->finished)
		return IMG_EINVAL;
	h->finished = true;
	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != IMG_SHA256_LEN)
		return IMG_EINVAL;
	return IMG_OK;
}

void img_sha256_free(struct img_sha256 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void img_sha256_hex(const unsigned char md[IMG_SHA256_LEN], char hex[IMG_SHA256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < IMG_SHA256_LEN; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * IMG_SHA256_LEN] = '\0';
}
