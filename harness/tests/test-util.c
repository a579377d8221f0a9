// SPDX-License-Identifier: GPL-2.0
/* util's lock, which keeps two builds of one kernel or image out of each other's way. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"

static void test_lock_is_exclusive_until_closed(void **state)
{
	char dir[] = "/tmp/exitscope-test-lock.XXXXXX", path[64];
	int first, second;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/build.lock", dir);
	first = util_lock(path, false);
	assert_true(first >= 0);
	/* flock() locks belong to an open file: a second open in this process contends too. */
	assert_int_equal(util_lock(path, false), -EWOULDBLOCK);
	close(first);
	second = util_lock(path, true);
	assert_true(second >= 0);
	close(second);
	unlink(path);
	rmdir(dir);
}

static void test_lock_in_a_missing_folder_is_an_error(void **state)
{
	(void)state;
	assert_int_equal(util_lock("/nonexistent/exitscope/build.lock", false), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_is_exclusive_until_closed),
		cmocka_unit_test(test_lock_in_a_missing_folder_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
