/* Generates the benchmark trees of `make bench`: same names, sizes and bytes on every run.
 * Usage: gentree small|mixed|big|huge DIR SCALE
 *   small  100,000 files of 0-10 KiB (about 500 MB) in directories of 500
 *   mixed  about 3 GB: 20,000 small files, 2,000 of 64 KiB-1 MiB, 20 of 40-110 MB
 *   big    one 5 GiB file
 *   huge   about 25 GB: the mixed tree's files plus four sparse files of 4.5-6 GiB (21 GiB
 *          in all, holes except a 1 MiB piece of content at the start and at the end), for
 *          `BENCH_BIG=1 make bench`; only the mixed part takes disk space (about 3 GB)
 * SCALE (0 < SCALE <= 1) multiplies counts and the big file's size, for quick runs.
 * Content comes from a pseudo-random pool at file-dependent offsets: not sparse, not
 * compressible, nothing repeats inside a file of up to 8 MiB. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POOL (8u << 20)
#define PIECE (1u << 20)

static unsigned char *pool;
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1du;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "gentree: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("cannot create", path);
}

static void make_file(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("cannot create", path);
	uint64_t off = next() % POOL;
	while (size > 0) {
		size_t n = size < PIECE ? (size_t)size : PIECE;
		if (off + n > POOL)
			off = next() % (POOL - n);
		ssize_t w = write(fd, pool + off, n);
		if (w < 0)
			die("cannot write", path);
		size -= (uint64_t)w;
		off += (uint64_t)w;
	}
	if (close(fd) < 0)
		die("cannot write", path);
}

/* a sparse file of size bytes: a hole between two 1 MiB pieces of content */
static void make_sparse(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("cannot create", path);
	if (ftruncate(fd, (off_t)size) < 0)
		die("cannot size", path);
	uint64_t piece = size < 2 * (uint64_t)PIECE ? size / 2 : PIECE;
	if (pwrite(fd, pool + next() % (POOL - PIECE), piece, 0) != (ssize_t)piece ||
	    pwrite(fd, pool + next() % (POOL - PIECE), piece, (off_t)(size - piece)) !=
		    (ssize_t)piece)
		die("cannot write", path);
	if (close(fd) < 0)
		die("cannot write", path);
}

/* count files of min..max bytes, per_dir in each directory named <prefix><n> */
static void make_files(const char *top, const char *prefix, long count, uint64_t min,
		       uint64_t max, long per_dir)
{
	char path[4096];
	for (long i = 0; i < count; i++) {
		if (i % per_dir == 0) {
			snprintf(path, sizeof(path), "%s/%s%04ld", top, prefix, i / per_dir);
			make_dir(path);
		}
		snprintf(path, sizeof(path), "%s/%s%04ld/file-%06ld.dat", top, prefix,
			 i / per_dir, i);
		make_file(path, min + next() % (max - min + 1));
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: gentree small|mixed|big|huge DIR SCALE\n");
		return 2;
	}
	double scale = strtod(argv[3], NULL);
	if (!(scale > 0 && scale <= 1)) {
		fprintf(stderr, "gentree: SCALE must be in (0, 1]\n");
		return 2;
	}
	pool = malloc(POOL);
	if (pool == NULL)
		return 1;
	for (size_t i = 0; i < POOL; i += 8) {
		uint64_t x = next();
		memcpy(pool + i, &x, 8);
	}
	const char *top = argv[2];
	make_dir(top);
#define N(x) ((long)((x) * scale) > 0 ? (long)((x) * scale) : 1)
	if (strcmp(argv[1], "small") == 0) {
		make_files(top, "d", N(100000), 0, 10240, 500);
	} else if (strcmp(argv[1], "mixed") == 0 || strcmp(argv[1], "huge") == 0) {
		make_files(top, "small", N(20000), 0, 16384, 1000);
		make_files(top, "medium", N(2000), 65536, 1048576, 200);
		make_files(top, "large", N(20), 40000000, 110000000, 10);
		if (strcmp(argv[1], "huge") == 0) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/sparse", top);
			make_dir(path);
			/* 4.5, 5, 5.5 and 6 GiB: each over 4 GiB, so several extents per file */
			for (int i = 0; i < 4; i++) {
				snprintf(path, sizeof(path), "%s/sparse/sparse-%d.bin", top, i);
				make_sparse(path, (uint64_t)((double)((9ull + (uint64_t)i) << 29) *
							 scale));
			}
		}
	} else if (strcmp(argv[1], "big") == 0) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/big.bin", top);
		make_file(path, (uint64_t)((double)(5ull << 30) * scale));
	} else {
		fprintf(stderr, "gentree: unknown tree '%s'\n", argv[1]);
		return 2;
	}
	return 0;
}
