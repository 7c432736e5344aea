/* Little- and big-endian fields of on-disc structures (ECMA-119 7.2-7.3, MBR, GPT, UDF, WAV). */
#ifndef IMG_BYTES_H
#define IMG_BYTES_H

#include <stdint.h>

static inline uint16_t img_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t img_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t img_le64(const unsigned char *p)
{
	return (uint64_t)img_le32(p) | (uint64_t)img_le32(p + 4) << 32;
}

static inline uint32_t img_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#endif
