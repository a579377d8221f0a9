// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads' own figures, run on the host against stand-ins for their
 * devices: a regular file for /dev/port (pwrite at the same offset).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "workloads.h"

/* A stand-in device: a file of @size zero bytes, open read-write. */
static int stand_in(size_t size)
{
	char path[] = "/tmp/exitscope-test-workloads-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static void test_pio_writes_port_0x80(void **state)
{
	int fd = stand_in(0x100);
	unsigned char value = 0;

	(void)state;
	assert_int_equal(workload_pio_writes(fd, 3), 0);
	assert_int_equal(pread(fd, &value, 1, 0x80), 1);
	assert_int_equal(value, 2);	/* the last of 0, 1, 2 */
	close(fd);
}

static void test_every_workload_is_listed(void **state)
{
	static const char *const names[] = { "cpuid", "idle", "pio" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct workload *w = workload_find(names[i]);

		assert_non_null(w);
		assert_true(w->min <= w->fallback && w->fallback <= w->max);
		assert_true(!w->setup || w->hint);
	}
	assert_null(workload_find("boot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pio_writes_port_0x80),
		cmocka_unit_test(test_every_workload_is_listed),
	};

	return cmocka_run_group_tests_name("workloads", tests, NULL, NULL);
}
