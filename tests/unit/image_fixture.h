/* A temporary source tree for the suites that read images made by other tools (xorriso,
 * genisoimage): two files and a 2048-byte boot image under DIR/src, made per test as a Check
 * fixture (tcase_add_checked_fixture(tc, make_tree, remove_tree)). */
#ifndef IMG_UNIT_IMAGE_FIXTURE_H
#define IMG_UNIT_IMAGE_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static char dir[64];

static inline void make_tree(void)
{
	snprintf(dir, sizeof(dir), "/tmp/unit-image.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p src/sub; printf 'hello world\\n' >src/hello.txt;"
		 "head -c 70000 /dev/urandom >src/sub/big.bin;"
		 "head -c 2048 /dev/urandom >src/boot.img", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static inline void remove_tree(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Runs "TOOL ARGS -o DIR/NAME DIR/src" and returns the image's path (static storage). */
static inline const char *fixture_image(const char *name, const char *tool_and_args)
{
	static char path[256];
	char cmd[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "cd %s && %s -o %s src >/dev/null 2>&1", dir, tool_and_args,
		 path);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	return path;
}

#endif
