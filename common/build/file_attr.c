/* File attributes given on the command line: parsing modes and owner ids. */
#include "common/build/file_attr.h"

#include <stddef.h>

int img_file_mode_parse(const char *s, mode_t *out)
{
	/* Digits only: strtoul would also take a sign, spaces and "0x". */
	unsigned long v = 0;
	size_t n = 0;
	if (s == NULL)
		return IMG_EINVAL;
	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '7' || n >= 5)
			return IMG_EINVAL;
		v = v * 8 + (unsigned long)(s[n] - '0');
	}
	if (n == 0 || v > 07777)
		return IMG_EINVAL;
	*out = (mode_t)v;
	return IMG_OK;
}

int img_file_id_parse(const char *s, unsigned long *out)
{
	unsigned long long v = 0;
	size_t n = 0;
	if (s == NULL)
		return IMG_EINVAL;
	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 10)
			return IMG_EINVAL;
		v = v * 10 + (unsigned long long)(s[n] - '0');
	}
	if (n == 0 || v >= 4294967295ULL)
		return IMG_EINVAL;
	*out = (unsigned long)v;
	return IMG_OK;
}
