// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ticker.h"

/* kbuild's quiet lines: one "  CC " per object, whatever else the log holds. */
static void test_counts_prefixed_lines(void **state)
{
	(void)state;
	assert_int_equal(ticker_count_lines("  CC      init/main.o\n  AS      head.o\n"
					    "  CC      kernel/fork.o\n  LD      vmlinux\n  CC      x.o", "  CC "), 3);
	assert_int_equal(ticker_count_lines("", "  CC "), 0);
	assert_int_equal(ticker_count_lines("x  CC a\n CC b\n", "  CC "), 0);
}

/* A tick counts what the log gained after the start, not what it held before. */
static void test_ticks_count_only_new_lines(void **state)
{
	char log[] = "/tmp/exitscope-test-ticker.XXXXXX", out[] = "/tmp/exitscope-test-ticker-out.XXXXXX";
	int fd = mkstemp(log), out_fd = mkstemp(out), saved;
	struct ticker *t;
	char text[4096] = "";

	(void)state;
	assert_true(fd >= 0 && out_fd >= 0);
	assert_int_equal(write(fd, "  CC old.o\n", 11), 11);
	fflush(stdout);
	saved = dup(1);
	dup2(out_fd, 1);
	t = ticker_start("kernel", "objects compiled", log, "  CC ", 1);
	assert_non_null(t);
	assert_int_equal(write(fd, "  CC a.o\n  LD b\n  CC c.o\n", 25), 25);
	/* progress() flushes each line: wait for the first tick, however loaded the host. */
	for (int waited = 0; waited < 60 && !strstr(text, "so far"); waited++) {
		FILE *f;

		sleep(1);
		f = fopen(out, "r");
		assert_non_null(f);
		text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
		fclose(f);
	}
	ticker_stop(t);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	assert_non_null(strstr(text, "kernel: objects compiled: 2 so far"));
	assert_null(strstr(text, ": 3 so far"));
	close(fd);
	close(out_fd);
	unlink(log);
	unlink(out);
}

/* Stopping at once prints nothing, and a NULL ticker is a no-op. */
static void test_stop_before_a_tick_is_silent(void **state)
{
	(void)state;
	ticker_stop(ticker_start("kernel", "objects compiled", "/nonexistent", "  CC ", 60));
	ticker_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_prefixed_lines),
		cmocka_unit_test(test_ticks_count_only_new_lines),
		cmocka_unit_test(test_stop_before_a_tick_is_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
