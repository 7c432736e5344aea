/* Growing arrays: the one place that doubles a capacity and checks the multiplication. */
#ifndef IMG_GROW_H
#define IMG_GROW_H

#include <stddef.h>

/* Room for at least one more element in *arr, an array of *cap elements of elem bytes of which
 * n are in use.  When full, the capacity doubles (to first, or 1 if first is 0, when it was
 * empty).  Returns IMG_OK, or IMG_ENOMEM (the size overflows or realloc fails) with *arr and *cap
 * unchanged.  New elements are not zeroed.  Call as
 * `img_grow((void **)&v, &cap, n, sizeof(*v), 16)`. */
int img_grow(void **arr, size_t *cap, size_t n, size_t elem, size_t first);

/* Capacity of *arr raised to at least want elements of elem bytes (exactly want when it grows).
 * Returns IMG_OK or IMG_ENOMEM, with *arr and *cap unchanged on failure. */
int img_reserve(void **arr, size_t *cap, size_t want, size_t elem);

#endif
