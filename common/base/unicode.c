/* Text encoding shared by the image parsers. */
#include "common/base/unicode.h"

#include <string.h>

size_t img_utf8_append(char *out, size_t len, size_t size, unsigned c)
{
	unsigned char b[3];
	size_t n;
	if (c < 0x80) {
		b[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xc0 | c >> 6);
		b[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else {
		b[0] = (unsigned char)(0xe0 | (c >> 12 & 0x0f));
		b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	}
	if (len + n >= size)
		return len;
	memcpy(out + len, b, n);
	return len + n;
}
