// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "exec.h"
#include "util.h"

static void test_run_logs_stdout_and_stderr(void **state)
{
	char log[] = "/tmp/exitscope-test-exec-XXXXXX";
	char *const argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	char *text;
	int fd = mkstemp(log);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(exec_run(argv, NULL, log), 3);
	assert_int_equal(util_read_file(log, &text, NULL), 0);
	assert_string_equal(text, "out\nerr\n");
	free(text);
	unlink(log);
}

static void test_run_in_a_directory(void **state)
{
	char *const argv[] = { "sh", "-c", "test \"$(pwd)\" = /tmp", NULL };

	(void)state;
	assert_int_equal(exec_run(argv, "/tmp", NULL), 0);
}

static void test_missing_program(void **state)
{
	char *const argv[] = { "exitscope-no-such-program", NULL };
	char out[16];

	(void)state;
	assert_int_equal(exec_run(argv, NULL, NULL), -ENOENT);
	assert_int_equal(exec_output(argv, out, sizeof(out)), -ENOENT);
}

static void test_output_keeps_all_lines_but_the_last_newline(void **state)
{
	char *const argv[] = { "printf", "a\\nb\\n", NULL };
	char *const long_argv[] = { "sh", "-c", "seq 1 100000", NULL };
	char out[64];

	(void)state;
	assert_int_equal(exec_output(argv, out, sizeof(out)), 0);
	assert_string_equal(out, "a\nb");
	/* More output than fits: the start is kept and the program still finishes. */
	assert_int_equal(exec_output(long_argv, out, 8) >= 0, 1);
	assert_string_equal(out, "1\n2\n3\n4");
}

static void test_first_line_or_failure(void **state)
{
	char *const two_lines[] = { "printf", "QEMU 10.0.2\\nCopyright\\n", NULL };
	char *const failing[] = { "sh", "-c", "echo partial; exit 3", NULL };
	char *const missing[] = { "exitscope-no-such-program", NULL };
	char line[64];

	(void)state;
	assert_true(exec_first_line(two_lines, line, sizeof(line)));
	assert_string_equal(line, "QEMU 10.0.2");
	/* A program that fails gives no line to report, whatever it printed. */
	assert_false(exec_first_line(failing, line, sizeof(line)));
	assert_false(exec_first_line(missing, line, sizeof(line)));
}

static void test_dry_run_prints_and_runs_nothing(void **state)
{
	char *const argv[] = { "sh", "-c", "touch /tmp/exitscope-test-exec-dry", NULL };

	(void)state;
	unlink("/tmp/exitscope-test-exec-dry");
	exec_dry_run = 1;
	assert_int_equal(exec_run(argv, NULL, NULL), 0);
	exec_dry_run = 0;
	assert_int_equal(access("/tmp/exitscope-test-exec-dry", F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_logs_stdout_and_stderr),
		cmocka_unit_test(test_run_in_a_directory),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_output_keeps_all_lines_but_the_last_newline),
		cmocka_unit_test(test_first_line_or_failure),
		cmocka_unit_test(test_dry_run_prints_and_runs_nothing),
	};

	return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
