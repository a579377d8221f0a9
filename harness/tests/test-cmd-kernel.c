// SPDX-License-Identifier: GPL-2.0
/*
 * `exitscope kernel` option parsing: every malformed command line is exit 2
 * before anything is fetched, configured or built.  The cache points at an
 * empty directory so that a parse that wrongly succeeded could not find a
 * kernel to report either.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd.h"

#define KERNEL(...) run_kernel((char *[]){ "kernel", __VA_ARGS__, NULL })

static int run_kernel(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cmd_kernel(argc, argv);
}

static int setup_empty_cache(void **state)
{
	static char dir[] = "/tmp/exitscope-test-cmd-kernel.XXXXXX";

	if (!mkdtemp(dir))
		return -1;
	*state = dir;
	return setenv("EXITSCOPE_CACHE", dir, 1);
}

static int teardown_empty_cache(void **state)
{
	return rmdir(*state) == 0 ? 0 : -1;
}

static void test_build_rejects_unknown_option(void **state)
{
	(void)state;
	assert_int_equal(KERNEL("build", "--bogus"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "-j8"), EXIT_USAGE);
}

static void test_build_rejects_missing_argument(void **state)
{
	(void)state;
	assert_int_equal(KERNEL("build", "--series"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--source"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--config"), EXIT_USAGE);
}

static void test_build_rejects_unknown_series(void **state)
{
	(void)state;
	assert_int_equal(KERNEL("build", "--series", "5.10"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--series", "6.1.0"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--series", ""), EXIT_USAGE);
}

static void test_build_rejects_stray_words_and_conflicts(void **state)
{
	(void)state;
	assert_int_equal(KERNEL("build", "6.1"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--stock", "--source", "/nonexistent"), EXIT_USAGE);
}

static void test_subcommands_take_exact_arguments(void **state)
{
	(void)state;
	assert_int_equal(run_kernel((char *[]){ "kernel", NULL }), EXIT_USAGE);
	assert_int_equal(KERNEL("bild"), EXIT_USAGE);
	assert_int_equal(KERNEL("list", "extra"), EXIT_USAGE);
	assert_int_equal(KERNEL("path"), EXIT_USAGE);
	assert_int_equal(KERNEL("path", "a", "b"), EXIT_USAGE);
}

static void test_path_of_unknown_id(void **state)
{
	(void)state;
	assert_int_equal(KERNEL("path", "000000000000"), EXIT_USAGE);
	assert_int_equal(KERNEL("path", "../kernels"), EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_rejects_unknown_option),
		cmocka_unit_test(test_build_rejects_missing_argument),
		cmocka_unit_test(test_build_rejects_unknown_series),
		cmocka_unit_test(test_build_rejects_stray_words_and_conflicts),
		cmocka_unit_test(test_subcommands_take_exact_arguments),
		cmocka_unit_test(test_path_of_unknown_id),
	};

	return cmocka_run_group_tests(tests, setup_empty_cache, teardown_empty_cache);
}
