/* Encoders for the small on-disc structures of ECMA-167 and OSTA UDF (tags, strings, times). */
#ifndef IMG_UDF_DESC_H
#define IMG_UDF_DESC_H

#include <stddef.h>
#include <stdint.h>

/* Longest extent one allocation descriptor may describe: ECMA-167 4/14.14.1.1 keeps the length
 * in 30 bits, and UDF 2.3.10 wants every extent but the last a whole number of blocks. */
#define IMG_UDF_MAX_EXTENT 0x3FFFF800u

/* Allocation descriptor kinds, as in the ICB tag flags (ECMA-167 4/14.6.8). */
enum { IMG_UDF_AD_SHORT = 0, IMG_UDF_AD_LONG = 1, IMG_UDF_AD_EMBEDDED = 3 };

static inline void img_udf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void img_udf_put32(uint8_t *p, uint32_t v)
{
	img_udf_put16(p, (uint16_t)v);
	img_udf_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void img_udf_put64(uint8_t *p, uint64_t v)
{
	img_udf_put32(p, (uint32_t)v);
	img_udf_put32(p + 4, (uint32_t)(v >> 32));
}

/* CRC-ITU-T (x^16 + x^12 + x^5 + 1, initial 0, no reflection) over len bytes (ECMA-167 1/7.2.6). */
uint16_t img_udf_crc(const uint8_t *data, size_t len);

/* Fills the 16-byte descriptor tag at the start of desc (ECMA-167 3/7.2): identifier, version,
 * serial 1, CRC over bytes 16..len-1 of desc, location, and last the tag checksum. */
void img_udf_put_tag(uint8_t *desc, uint16_t ident, uint16_t version, uint32_t location,
		     size_t len);

/* The tag checksum: sum modulo 256 of bytes 0-3 and 5-15 of the tag (ECMA-167 3/7.2.3). */
uint8_t img_udf_tag_checksum(const uint8_t *tag);

/* Writes a 12-byte timestamp (ECMA-167 1/7.3) for sec.nsec since the epoch, as UTC with a
 * time-zone offset of 0 (type 1), so that images do not depend on the builder's zone.
 * Years outside 1..9999 are clamped. */
void img_udf_put_timestamp(uint8_t *p, int64_t sec, int32_t nsec);

/* Encodes UTF-8 (len bytes) as OSTA compressed Unicode (UDF 2.1.1): compression ID 8 when every
 * character is below U+0100, else 16 (big-endian UTF-16; characters above U+FFFF become
 * surrogate pairs).  At most cap bytes are written; when the whole name does not fit, as many
 * whole characters as fit are written and *truncated is set (when not NULL).
 * Returns the number of bytes written (0 for an empty name), or -1 for invalid UTF-8. */
int img_udf_cs0_encode(const char *utf8, size_t len, uint8_t *out, size_t cap, int *truncated);

/* True when utf8 (len bytes) is valid UTF-8 without NUL (no overlongs, no surrogates). */
int img_udf_utf8_valid(const char *utf8, size_t len);

/* Fills a dstring field of size bytes (ECMA-167 1/7.2.12) with utf8, cut to whole characters
 * that fit; the last byte holds the length used.  Invalid UTF-8 leaves the field empty. */
void img_udf_put_dstring(uint8_t *field, size_t size, const char *utf8);

/* The 64-byte charspec "OSTA Compressed Unicode" (UDF 2.1.2). */
void img_udf_put_charspec(uint8_t *p);

/* An entity identifier (ECMA-167 1/7.4): flags 0, ident (at most 23 bytes), 8-byte suffix. */
void img_udf_put_regid(uint8_t *p, const char *ident, const uint8_t suffix[8]);

/* Number of allocation descriptors needed for an extent of bytes, each at most max bytes. */
uint64_t img_udf_ad_count(uint64_t bytes, uint32_t max);

/* Writes allocation descriptors (short_ad 8 bytes or long_ad 16 bytes, ECMA-167 4/14.14) for
 * one contiguous extent of bytes starting at partition block `block`, split into pieces of at
 * most max bytes (a multiple of the block size).  partref and uid go into long_ads (uid into
 * the UDF unique ID of ADImpUse, UDF 2.3.4.3).  Returns the bytes written, or 0 when they do
 * not fit in room. */
size_t img_udf_put_ads(uint8_t *out, size_t room, int type, uint16_t partref, uint32_t block,
		       uint64_t bytes, uint32_t max);

/* A long_ad naming one block (an ICB): length 2048, block, partition, and the UDF unique ID
 * (low 32 bits) in its implementation use when uid_in_ad is set (UDF 2.00+, 2.3.4.3). */
void img_udf_put_icb(uint8_t *p, uint32_t block, uint16_t partref, uint64_t uid, int uid_in_ad);

#endif
