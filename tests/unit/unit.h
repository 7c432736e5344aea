/* Shared main() for the Check unit-test programs: one suite per file, one program per suite. */
#ifndef IMG_UNIT_H
#define IMG_UNIT_H

#include <check.h>
#include <stdlib.h>

#define UNIT_MAIN(suite_fn)                                        \
	int main(void)                                             \
	{                                                          \
		SRunner *sr = srunner_create(suite_fn());          \
		srunner_run_all(sr, CK_NORMAL);                    \
		int failed = srunner_ntests_failed(sr);            \
		srunner_free(sr);                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;       \
	}

#endif
