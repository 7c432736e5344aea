/* libFuzzer target: zisofs decoding (img_zisofs_decode, what imginfo -x runs on a compressed
 * file's stored bytes).  The input is the stored data; the uncompressed size is the one its
 * header claims (else nothing is decoded).  Checked: every read is inside the input, the output
 * never exceeds the size and, on success, is exactly the size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/bytes.h"
#include "common/inspect/zisofs_read.h"

struct mem {
	const uint8_t *data;
	size_t len;
	uint64_t written, size;
};

static int mem_read(void *arg, uint64_t off, void *buf, size_t len, struct img_error *err)
{
	struct mem *m = arg;
	if (off > m->len || len > m->len - off)
		abort(); /* the decoder must keep its reads within the stored length */
	memcpy(buf, m->data + off, len);
	(void)err;
	return IMG_OK;
}

static int mem_write(void *arg, const void *buf, size_t len, struct img_error *err)
{
	struct mem *m = arg;
	(void)buf;
	(void)err;
	m->written += len;
	if (m->written > m->size)
		abort();
	return IMG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < IMG_ZISOFS_HEADER)
		return 0;
	struct mem m = {.data = data, .len = size, .size = img_le32(data + 8)};
	struct img_error err;
	int rc = img_zisofs_decode(mem_read, &m, size, m.size, mem_write, &m, "fuzz", &err);
	if (rc == IMG_OK && m.written != m.size)
		abort();
	return 0;
}
