/* The fixture of the suites that write through libburn to a stdio: pseudo-drive: a fresh
 * directory per test, TARGET inside it and its drive address ADR ("stdio:TARGET"), libburn
 * started and stopped around each test (tcase_add_checked_fixture(tc, setup, teardown)). */
#ifndef IMG_UNIT_DRIVE_FIXTURE_H
#define IMG_UNIT_DRIVE_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/burn/drive.h"

static char dir[64];
static char target[256], adr[300];

static inline void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/unit-drive.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/out.bin", dir);
	snprintf(adr, sizeof(adr), "stdio:%s", target);
	struct img_error e;
	ck_assert_int_eq(img_burn_init(&e), IMG_OK);
}

static inline void teardown(void)
{
	img_burn_finish();
	unlink(target);
	rmdir(target); /* when a test made it a directory */
	rmdir(dir);
}

#endif
