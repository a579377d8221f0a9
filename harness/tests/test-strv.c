// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "strv.h"

static void test_strv_grows_and_terminates(void **state)
{
	struct strv sv = { 0 };

	(void)state;
	for (int i = 0; i < 100; i++)
		assert_int_equal(strv_addf(&sv, "arg%d", i), 0);
	assert_int_equal(sv.n, 100);
	assert_string_equal(sv.v[0], "arg0");
	assert_string_equal(sv.v[99], "arg99");
	assert_null(sv.v[100]);
	strv_free(&sv);
	assert_null(sv.v);
}

static void test_strv_join(void **state)
{
	static const char *const words[] = { "qemu", "-m", "512", NULL };
	struct strv sv = { 0 };
	char *line;

	(void)state;
	assert_int_equal(strv_addv(&sv, words), 0);
	line = strv_join(&sv);
	assert_string_equal(line, "qemu -m 512");
	free(line);
	strv_free(&sv);
}

static void test_strv_join_empty(void **state)
{
	struct strv sv = { 0 };
	char *line = strv_join(&sv);

	(void)state;
	assert_string_equal(line, "");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strv_grows_and_terminates),
		cmocka_unit_test(test_strv_join),
		cmocka_unit_test(test_strv_join_empty),
	};

	return cmocka_run_group_tests_name("strv", tests, NULL, NULL);
}
