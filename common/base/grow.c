/* Growing arrays: the one place that doubles a capacity and checks the multiplication. */
#include "common/base/grow.h"

#include <stdint.h>
#include <stdlib.h>

#include "common/base/error.h"

int img_reserve(void **arr, size_t *cap, size_t want, size_t elem)
{
	if (want <= *cap)
		return IMG_OK;
	if (elem != 0 && want > SIZE_MAX / elem)
		return IMG_ENOMEM;
	size_t bytes = want * elem;
	void *n = realloc(*arr, bytes != 0 ? bytes : 1);
	if (n == NULL)
		return IMG_ENOMEM;
	*arr = n;
	*cap = want;
	return IMG_OK;
}

int img_grow(void **arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return IMG_OK;
	size_t want;
	if (*cap == 0)
		want = first ? first : 1;
	else if (*cap > SIZE_MAX / 2)
		return IMG_ENOMEM;
	else
		want = *cap * 2;
	if (want <= n)
		want = n + 1;
	return img_reserve(arr, cap, want, elem);
}
