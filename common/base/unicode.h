/* Text encoding shared by the image parsers (volume descriptors, GPT names, UDF names). */
#ifndef IMG_UNICODE_H
#define IMG_UNICODE_H

#include <stddef.h>

/* Appends the code point c (up to U+FFFF) to out as UTF-8 if it fits in size bytes with room
 * left for the terminating NUL (which the caller writes); returns the new length, or len
 * unchanged when it does not fit. */
size_t img_utf8_append(char *out, size_t len, size_t size, unsigned c);

#endif
