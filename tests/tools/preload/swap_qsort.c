/* LD_PRELOAD shim for the e2e tests: a fault in libisofs's data layout.  qsort works as
 * always, but when libisofs itself sorts an array of exactly SWAP_QSORT_N elements, the first
 * two elements (with SWAP_QSORT_AT=K: elements K and K+1) trade places afterwards.  libisofs 1.5.4 sorts its list of file contents by
 * weight with qsort (filesrc.c), so with N the number of contents the first two files' data
 * are written the other way round from what the UDF bridge expects: a test proves that the
 * bridge then fails the image instead of writing a UDF view that points at the wrong data.
 * With SWAP_QSORT_LOG=FILE each swap appends a line to FILE, so the test can tell it
 * happened. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*cmp_fn)(const void *, const void *);
typedef void (*qsort_fn)(void *, size_t, size_t, cmp_fn);

void qsort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	static qsort_fn real;
	if (real == NULL)
		real = (qsort_fn)dlsym(RTLD_NEXT, "qsort");
	real(base, n, size, cmp);
	const char *want = getenv("SWAP_QSORT_N");
	if (want == NULL || strtoul(want, NULL, 10) != n || n < 2 || size > 64)
		return;
	Dl_info info;
	if (!dladdr(__builtin_return_address(0), &info) || info.dli_fname == NULL ||
	    strstr(info.dli_fname, "libisofs") == NULL)
		return;
	const char *at = getenv("SWAP_QSORT_AT");
	size_t k = at != NULL ? strtoul(at, NULL, 10) : 0;
	if (k + 1 >= n)
		return;
	unsigned char tmp[64], *p = (unsigned char *)base + k * size;
	memcpy(tmp, p, size);
	memcpy(p, p + size, size);
	memcpy(p + size, tmp, size);
	const char *log = getenv("SWAP_QSORT_LOG");
	if (log != NULL) {
		int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (fd >= 0) {
			(void)!write(fd, "swapped\n", 8);
			close(fd);
		}
	}
}
