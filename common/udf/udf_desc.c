/* Encoders for the small on-disc structures of ECMA-167 and OSTA UDF (tags, strings, times). */
#include "common/udf/udf_desc.h"

#include <pthread.h>
#include <string.h>

/* CRC-ITU-T table for polynomial 0x1021, most significant bit first (ECMA-167 1/7.2.6). */
static const uint16_t crc_table[256] = {
	0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7,
	0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
	0x1231, 0x0210, 0x3273, 0x2252, 0x52b5, 0x4294, 0x72f7, 0x62d6,
	0x9339, 0x8318, 0xb37b, 0xa35a, 0xd3bd, 0xc39c, 0xf3ff, 0xe3de,
	0x2462, 0x3443, 0x0420, 0x1401, 0x64e6, 0x74c7, 0x44a4, 0x5485,
	0xa56a, 0xb54b, 0x8528, 0x9509, 0xe5ee, 0xf5cf, 0xc5ac, 0xd58d,
	0x3653, 0x2672, 0x1611, 0x0630, 0x76d7, 0x66f6, 0x5695, 0x46b4,
	0xb75b, 0xa77a, 0x9719, 0x8738, 0xf7df, 0xe7fe, 0xd79d, 0xc7bc,
	0x48c4, 0x58e5, 0x6886, 0x78a7, 0x0840, 0x1861, 0x2802, 0x3823,
	0xc9cc, 0xd9ed, 0xe98e, 0xf9af, 0x8948, 0x9969, 0xa90a, 0xb92b,
	0x5af5, 0x4ad4, 0x7ab7, 0x6a96, 0x1a71, 0x0a50, 0x3a33, 0x2a12,
	0xdbfd, 0xcbdc, 0xfbbf, 0xeb9e, 0x9b79, 0x8b58, 0xbb3b, 0xab1a,
	0x6ca6, 0x7c87, 0x4ce4, 0x5cc5, 0x2c22, 0x3c03, 0x0c60, 0x1c41,
	0xedae, 0xfd8f, 0xcdec, 0xddcd, 0xad2a, 0xbd0b, 0x8d68, 0x9d49,
	0x7e97, 0x6eb6, 0x5ed5, 0x4ef4, 0x3e13, 0x2e32, 0x1e51, 0x0e70,
	0xff9f, 0xefbe, 0xdfdd, 0xcffc, 0xbf1b, 0xaf3a, 0x9f59, 0x8f78,
	0x9188, 0x81a9, 0xb1ca, 0xa1eb, 0xd10c, 0xc12d, 0xf14e, 0xe16f,
	0x1080, 0x00a1, 0x30c2, 0x20e3, 0x5004, 0x4025, 0x7046, 0x6067,
	0x83b9, 0x9398, 0xa3fb, 0xb3da, 0xc33d, 0xd31c, 0xe37f, 0xf35e,
	0x02b1, 0x1290, 0x22f3, 0x32d2, 0x4235, 0x5214, 0x6277, 0x7256,
	0xb5ea, 0xa5cb, 0x95a8, 0x8589, 0xf56e, 0xe54f, 0xd52c, 0xc50d,
	0x34e2, 0x24c3, 0x14a0, 0x0481, 0x7466, 0x6447, 0x5424, 0x4405,
	0xa7db, 0xb7fa, 0x8799, 0x97b8, 0xe75f, 0xf77e, 0xc71d, 0xd73c,
	0x26d3, 0x36f2, 0x0691, 0x16b0, 0x6657, 0x7676, 0x4615, 0x5634,
	0xd94c, 0xc96d, 0xf90e, 0xe92f, 0x99c8, 0x89e9, 0xb98a, 0xa9ab,
	0x5844, 0x4865, 0x7806, 0x6827, 0x18c0, 0x08e1, 0x3882, 0x28a3,
	0xcb7d, 0xdb5c, 0xeb3f, 0xfb1e, 0x8bf9, 0x9bd8, 0xabbb, 0xbb9a,
	0x4a75, 0x5a54, 0x6a37, 0x7a16, 0x0af1, 0x1ad0, 0x2ab3, 0x3a92,
	0xfd2e, 0xed0f, 0xdd6c, 0xcd4d, 0xbdaa, 0xad8b, 0x9de8, 0x8dc9,
	0x7c26, 0x6c07, 0x5c64, 0x4c45, 0x3ca2, 0x2c83, 0x1ce0, 0x0cc1,
	0xef1f, 0xff3e, 0xcf5d, 0xdf7c, 0xaf9b, 0xbfba, 0x8fd9, 0x9ff8,
	0x6e17, 0x7e36, 0x4e55, 0x5e74, 0x2e93, 0x3eb2, 0x0ed1, 0x1ef0,
};

/* Slicing by 8: crc_slice[k][b] is the CRC of byte b followed by k zero bytes, so that eight
 * input bytes cost eight independent table look-ups instead of a chain of eight.  Every File
 * Entry and FID tag has its CRC computed: this is most of the CPU time of encoding them. */
static uint16_t crc_slice[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (unsigned b = 0; b < 256; b++) {
		uint16_t c = crc_table[b];
		crc_slice[0][b] = c;
		for (int k = 1; k < 8; k++) {
			c = (uint16_t)((c << 8) ^ crc_table[c >> 8]);
			crc_slice[k][b] = c;
		}
	}
}

uint16_t img_udf_crc(const uint8_t *data, size_t len)
{
	uint16_t crc = 0;
	size_t i = 0;
	if (len >= 16) {
		pthread_once(&crc_once, crc_init);
		for (; i + 8 <= len; i += 8) {
			const uint8_t *p = data + i;
			crc = crc_slice[7][p[0] ^ (crc >> 8)] ^ crc_slice[6][p[1] ^ (crc & 0xff)] ^
			      crc_slice[5][p[2]] ^ crc_slice[4][p[3]] ^ crc_slice[3][p[4]] ^
			      crc_slice[2][p[5]] ^ crc_slice[1][p[6]] ^ crc_slice[0][p[7]];
		}
	}
	for (; i < len; i++)
		crc = (uint16_t)((crc << 8) ^ crc_table[((crc >> 8) ^ data[i]) & 0xff]);
	return crc;
}

uint8_t img_udf_tag_checksum(const uint8_t *tag)
{
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += tag[i];
	return (uint8_t)sum;
}

void img_udf_put_tag(uint8_t *desc, uint16_t ident, uint16_t version, uint32_t location,
		     size_t len)
{
	img_udf_put16(desc, ident);
	img_udf_put16(desc + 2, version);
	desc[4] = 0;
	desc[5] = 0;
	img_udf_put16(desc + 6, 1);
	img_udf_put16(desc + 8, img_udf_crc(desc + 16, len - 16));
	img_udf_put16(desc + 10, (uint16_t)(len - 16));
	img_udf_put32(desc + 12, location);
	desc[4] = img_udf_tag_checksum(desc);
}

void img_udf_put_timestamp(uint8_t *p, int64_t sec, int32_t nsec)
{
	/* Normalise so that 0 <= nsec < 1e9 (times before 1970 arrive with negative sec). */
	sec += nsec / 1000000000;
	nsec %= 1000000000;
	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	/* Clamp to years 1..9999, which the 16-bit year field and the conversion below hold. */
	const int64_t min = -62135596800LL, max = 253402300799LL;
	if (sec < min) {
		sec = min;
		nsec = 0;
	} else if (sec > max) {
		sec = max;
		nsec = 999999999;
	}
	/* UTC date of the proleptic Gregorian calendar, computed here rather than by gmtime_r:
	 * glibc takes a lock and consults the time-zone data on every call (leap seconds of
	 * "right/" zones included), which cost more than the rest of a File Entry. */
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	unsigned sod = (unsigned)(sec - days * 86400);
	days += 719468; /* from 0000-03-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned mday = doy - (153 * mp + 2) / 5 + 1, mon = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = (int64_t)yoe + era * 400 + (mon <= 2);
	/* Type 1 (local time) with offset 0 minutes: ECMA-167 1/7.3.1. */
	img_udf_put16(p, 0x1000);
	img_udf_put16(p + 2, (uint16_t)year);
	p[4] = (uint8_t)mon;
	p[5] = (uint8_t)mday;
	p[6] = (uint8_t)(sod / 3600);
	p[7] = (uint8_t)(sod / 60 % 60);
	p[8] = (uint8_t)(sod % 60);
	p[9] = (uint8_t)(nsec / 10000000);
	p[10] = (uint8_t)(nsec / 100000 % 100);
	p[11] = (uint8_t)(nsec / 1000 % 100);
}

/* Decodes one UTF-8 character at s[*i], advancing *i; returns -1 for malformed input
 * (overlong forms, surrogates, values above U+10FFFF, NUL). */
static int32_t utf8_next(const uint8_t *s, size_t len, size_t *i)
{
	uint8_t c = s[*i];
	uint32_t cp, min;
	int n;
	if (c == 0)
		return -1;
	if (c < 0x80) {
		(*i)++;
		return c;
	} else if ((c & 0xe0) == 0xc0) {
		cp = c & 0x1f;
		n = 1;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		cp = c & 0x0f;
		n = 2;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		cp = c & 0x07;
		n = 3;
		min = 0x10000;
	} else {
		return -1;
	}
	if (len - *i <= (size_t)n)
		return -1;
	for (int k = 1; k <= n; k++) {
		uint8_t d = s[*i + k];
		if ((d & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (d & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*i += (size_t)n + 1;
	return (int32_t)cp;
}

int img_udf_utf8_valid(const char *utf8, size_t len)
{
	const uint8_t *s = (const uint8_t *)utf8;
	for (size_t i = 0; i < len;)
		if (utf8_next(s, len, &i) < 0)
			return 0;
	return 1;
}

int img_udf_cs0_encode(const char *utf8, size_t len, uint8_t *out, size_t cap, int *truncated)
{
	const uint8_t *s = (const uint8_t *)utf8;
	int wide = 0;
	if (truncated != NULL)
		*truncated = 0;
	/* Plain ASCII (most names): the 8-bit form is the bytes themselves. */
	size_t ascii = 0;
	while (ascii < len && s[ascii] >= 0x01 && s[ascii] < 0x80)
		ascii++;
	if (ascii == len && len > 0 && cap >= len + 1) {
		out[0] = 8;
		memcpy(out + 1, s, len);
		return (int)len + 1;
	}
	for (size_t i = 0; i < len;) {
		int32_t cp = utf8_next(s, len, &i);
		if (cp < 0)
			return -1;
		if (cp > 0xff)
			wide = 1;
	}
	if (len == 0 || cap < 1)
		return 0;
	size_t o = 0;
	out[o++] = wide ? 16 : 8;
	for (size_t i = 0; i < len;) {
		uint32_t cp = (uint32_t)utf8_next(s, len, &i);
		size_t need = !wide ? 1 : cp > 0xffff ? 4 : 2;
		if (o + need > cap) {
			if (truncated != NULL)
				*truncated = 1;
			break;
		}
		if (!wide) {
			out[o++] = (uint8_t)cp;
		} else if (cp > 0xffff) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | v >> 10), lo = (uint16_t)(0xdc00 | (v & 0x3ff));
			out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)hi;
			out[o++] = (uint8_t)(lo >> 8);
			out[o++] = (uint8_t)lo;
		} else {
			out[o++] = (uint8_t)(cp >> 8);
			out[o++] = (uint8_t)cp;
		}
	}
	/* A lone compression ID (nothing fitted) is no name at all. */
	return o == 1 ? 0 : (int)o;
}

void img_udf_put_dstring(uint8_t *field, size_t size, const char *utf8)
{
	memset(field, 0, size);
	int n = img_udf_cs0_encode(utf8, strlen(utf8), field, size - 1, NULL);
	if (n <= 0) {
		memset(field, 0, size);
		return;
	}
	field[size - 1] = (uint8_t)n;
}

void img_udf_put_charspec(uint8_t *p)
{
	static const char osta[] = "OSTA Compressed Unicode";
	memset(p, 0, 64);
	p[0] = 0; /* CS0 */
	memcpy(p + 1, osta, sizeof(osta) - 1);
}

void img_udf_put_regid(uint8_t *p, const char *ident, const uint8_t suffix[8])
{
	memset(p, 0, 32);
	size_t n = strlen(ident);
	memcpy(p + 1, ident, n > 23 ? 23 : n);
	if (suffix != NULL)
		memcpy(p + 24, suffix, 8);
}

uint64_t img_udf_ad_count(uint64_t bytes, uint32_t max)
{
	return (bytes + max - 1) / max;
}

size_t img_udf_put_ads(uint8_t *out, size_t room, int type, uint16_t partref, uint32_t block,
		       uint64_t bytes, uint32_t max)
{
	size_t adlen = type == IMG_UDF_AD_LONG ? 16 : 8;
	uint64_t count = img_udf_ad_count(bytes, max);
	if (count > room / adlen)
		return 0;
	size_t o = 0;
	while (bytes > 0) {
		uint32_t len = bytes > max ? max : (uint32_t)bytes;
		memset(out + o, 0, adlen);
		/* Extent type 0 in the top two bits: recorded and allocated. */
		img_udf_put32(out + o, len);
		img_udf_put32(out + o + 4, block);
		if (type == IMG_UDF_AD_LONG)
			img_udf_put16(out + o + 8, partref);
		o += adlen;
		bytes -= len;
		block += len / 2048;
	}
	return o;
}

void img_udf_put_icb(uint8_t *p, uint32_t block, uint16_t partref, uint64_t uid, int uid_in_ad)
{
	memset(p, 0, 16);
	img_udf_put32(p, 2048);
	img_udf_put32(p + 4, block);
	img_udf_put16(p + 8, partref);
	if (uid_in_ad)
		img_udf_put32(p + 12, (uint32_t)uid);
}
