// SPDX-License-Identifier: GPL-2.0
/*
 * util's lock, which keeps two builds of one kernel or image out of each
 * other's way, its growing text, and its test for a directory.
 */
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

/* A growing text stays NUL-terminated through many appends, and keeps every byte. */
static void test_buf_grows_and_keeps_its_text(void **state)
{
	struct util_buf b = { 0 };
	char line[100];

	(void)state;
	assert_int_equal(util_buf_add(&b, "", 0), 0);
	assert_string_equal(b.text, "");
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(line, sizeof(line), "line %d\n", i);

		assert_int_equal(util_buf_add(&b, line, (size_t)n), 0);
	}
	assert_int_equal(strlen(b.text), b.len);
	assert_true(b.cap > b.len);
	assert_int_equal(strncmp(b.text, "line 0\nline 1\n", 14), 0);
	assert_non_null(strstr(b.text, "\nline 999\n"));
	free(b.text);
}

/* A directory, a link to one, a file and nothing: only the first two are directories. */
static void test_is_dir_follows_links_and_refuses_files(void **state)
{
	char dir[] = "/tmp/exitscope-test-dir.XXXXXX", file[64], link[64];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(symlink(dir, link), 0);
	assert_true(util_is_dir(dir));
	assert_true(util_is_dir(link));
	assert_false(util_is_dir(file));
	assert_false(util_is_dir("/nonexistent/exitscope"));
	unlink(link);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_keeps_its_text),
		cmocka_unit_test(test_lock_is_exclusive_until_closed),
		cmocka_unit_test(test_lock_in_a_missing_folder_is_an_error),
		cmocka_unit_test(test_is_dir_follows_links_and_refuses_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
