/* LD_PRELOAD shim for the e2e tests: pthread_create fails (EAGAIN) for every thread whose
 * start routine lies in the program itself, and works for the shared libraries' own threads
 * (libisofs's writer thread), so that a test can run the program's code down its "no thread
 * could be made" path without a test hook in the library.  With NO_PROGRAM_THREADS_LOG=FILE,
 * each refusal appends one line to FILE: the test can tell that the path was taken. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

struct range {
	uintptr_t lo, hi;
};

/* The first object dl_iterate_phdr reports is the program: its loaded segments. */
static int find_program(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct range *r = arg;
	r->lo = UINTPTR_MAX;
	r->hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (lo < r->lo)
			r->lo = lo;
		if (hi > r->hi)
			r->hi = hi;
	}
	return 1; /* stop after the program */
}

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	static create_fn real;
	if (real == NULL)
		real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
	struct range prog;
	dl_iterate_phdr(find_program, &prog);
	uintptr_t at = (uintptr_t)start;
	if (at >= prog.lo && at < prog.hi) {
		const char *log = getenv("NO_PROGRAM_THREADS_LOG");
		if (log != NULL) {
			int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
			if (fd >= 0) {
				static const char line[] = "pthread_create refused\n";
				ssize_t w = write(fd, line, sizeof(line) - 1);
				(void)w;
				close(fd);
			}
		}
		return EAGAIN;
	}
	if (real == NULL)
		return ENOSYS;
	return real(th, attr, start, arg);
}
