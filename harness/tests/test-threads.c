// SPDX-License-Identifier: GPL-2.0
/*
 * threads.c: /proc stat lines with awkward names, and snapshots of this test
 * process itself with a thread of known name parked in a known system call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "threads.h"
#include "util.h"

static void test_parse_comm_with_spaces_and_parens(void **state)
{
	/* utime 100, stime 23 are fields 14 and 15. */
	const char *vcpu = "4242 (CPU 0/TCG) S 1 4200 4200 0 -1 4194560 10 0 0 0 100 23 0 0 20 0 5";
	const char *odd = "7 (a) b (c) R 1 2 3 4 5 6 7 8 9 10 11 12 0 0";
	struct thread_stat st;

	(void)state;
	assert_int_equal(thread_stat_parse(vcpu, &st), 0);
	assert_int_equal(st.tid, 4242);
	assert_string_equal(st.comm, "CPU 0/TCG");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.cpu_ticks, 123);
	assert_int_equal(thread_stat_parse(odd, &st), 0);
	assert_string_equal(st.comm, "a) b (c");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.cpu_ticks, 11 + 12);
}

static void test_parse_rejects_what_is_not_a_stat_line(void **state)
{
	struct thread_stat st;

	(void)state;
	assert_int_equal(thread_stat_parse("", &st), -EINVAL);
	assert_int_equal(thread_stat_parse("12 no-parentheses S 1 2", &st), -EINVAL);
	assert_int_equal(thread_stat_parse("12 (short) S 1 2 3", &st), -EINVAL);
	assert_int_equal(thread_stat_parse("(no tid) S 1 2 3 4 5 6 7 8 9 10 11 12", &st), -EINVAL);
}

static void *park_in_read(void *arg)
{
	char byte;
	int fd = *(int *)arg;

	pthread_setname_np(pthread_self(), "exsc-parked");
	return read(fd, &byte, 1) < 0 ? NULL : arg;
}

/* The parked thread's state and system call in this process's snapshot. */
static bool parked_line(char *state, char call[32])
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	bool found = false;
	int tid;
	unsigned long long ticks;
	char comm[64];

	assert_non_null(mem);
	assert_int_equal(threads_snapshot(getpid(), mem), 0);
	fclose(mem);
	for (line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save))
		found = sscanf(line, "%d %c %llu %31s %63[^\n]", &tid, state, &ticks, call, comm) == 5 &&
			!strcmp(comm, "exsc-parked");
	free(text);
	return found;
}

static void test_snapshot_shows_a_parked_thread_by_name(void **state)
{
	char thread_state = 0, call[32] = "";
	pthread_t parked;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pthread_create(&parked, NULL, park_in_read, &fds[0]), 0);
	/* Asleep (S) in read(2), system call 0 on x86-64, once it got there. */
	for (int i = 0; i < 500 && !(thread_state == 'S' && !strcmp(call, "0")); i++) {
		if (!parked_line(&thread_state, call))
			thread_state = 0;
		usleep(10 * 1000);
	}
	assert_int_equal(thread_state, 'S');
	assert_string_equal(call, "0");
	assert_int_equal(write(fds[1], "x", 1), 1);
	pthread_join(parked, NULL);
	close(fds[0]);
	close(fds[1]);
}

static void test_dump_writes_each_sample_or_nothing(void **state)
{
	char path[] = "/tmp/exitscope-test-threads-XXXXXX";
	char *text = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(threads_dump(getpid(), path, 2, 10), 0);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_non_null(strstr(text, "# at 0.0 s\n"));
	assert_non_null(strstr(strstr(text, "# at 0.0 s\n") + 1, "# at "));
	assert_non_null(strstr(text, "test-threads"));
	free(text);
	unlink(path);
	/* No such process: an error, and no file. */
	assert_int_equal(threads_dump(0x7ffffff0, path, 2, 10), -ENOENT);
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_comm_with_spaces_and_parens),
		cmocka_unit_test(test_parse_rejects_what_is_not_a_stat_line),
		cmocka_unit_test(test_snapshot_shows_a_parked_thread_by_name),
		cmocka_unit_test(test_dump_writes_each_sample_or_nothing),
	};

	return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
