// SPDX-License-Identifier: GPL-2.0
/* output.c: which targets a command may replace, and a write that fails leaves nothing. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "output.h"
#include "util.h"

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not contain '%s'", text, part);
}

static int setup(void **state)
{
	char *dir = strdup("/tmp/exitscope-test-output.XXXXXX");

	*state = dir;
	return dir && mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", (char *)*state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *out, size_t size, const char *dir, const char *name)
{
	assert_int_equal(util_pathf(out, size, "%s/%s", dir, name), 0);
}

/* How many entries @dir holds besides . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_new_and_regular_targets_pass(void **state)
{
	char path[256], why[512];

	path_in(path, sizeof(path), *state, "new.svg");
	assert_int_equal(output_check(path, NULL, why, sizeof(why)), 0);
	assert_int_equal(util_write_atomic(path, "old", 3), 0);
	assert_int_equal(output_check(path, NULL, why, sizeof(why)), 0);
}

static void test_refuses_what_is_not_a_regular_file(void **state)
{
	const char *dir = *state;
	char fifo[256], link[256], sub[256], why[512];

	path_in(fifo, sizeof(fifo), dir, "fifo");
	path_in(link, sizeof(link), dir, "link");
	path_in(sub, sizeof(sub), dir, "sub");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(symlink("new.svg", link), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(output_check(fifo, NULL, why, sizeof(why)), -EINVAL);
	assert_contains(why, "it is a FIFO");
	assert_int_equal(output_check(link, NULL, why, sizeof(why)), -EINVAL);
	assert_contains(why, "it is a symbolic link");
	assert_int_equal(output_check(sub, NULL, why, sizeof(why)), -EINVAL);
	assert_contains(why, "it is a directory");
	assert_int_equal(output_check("/dev/null", NULL, why, sizeof(why)), -EINVAL);
	assert_contains(why, "refusing to replace /dev/null: it is a character device");
	/* The write itself checks again: nothing is written through the link. */
	assert_int_equal(output_write(link, NULL, "x", 1, why, sizeof(why)), -EINVAL);
	assert_int_equal(access(link, F_OK), -1);
}

static void test_refuses_an_input_by_any_name(void **state)
{
	const char *dir = *state;
	char input[256], hard[256], other[256], why[512];
	const char *paths[] = { other, input };
	struct output_inputs in = { paths, 2 };

	path_in(input, sizeof(input), dir, "x.json");
	path_in(hard, sizeof(hard), dir, "hard.json");
	path_in(other, sizeof(other), dir, "missing.json");
	assert_int_equal(util_write_atomic(input, "{}", 2), 0);
	assert_int_equal(link(input, hard), 0);
	assert_int_equal(output_check(input, &in, why, sizeof(why)), -EINVAL);
	assert_contains(why, "it is the input");
	assert_int_equal(output_check(hard, &in, why, sizeof(why)), -EINVAL);
	assert_int_equal(output_write(hard, &in, "[]", 2, why, sizeof(why)), -EINVAL);
}

static void test_refuses_a_missing_directory(void **state)
{
	char path[256], why[512];

	path_in(path, sizeof(path), *state, "no/such/x.svg");
	assert_int_equal(output_check(path, NULL, why, sizeof(why)), -ENOENT);
	assert_contains(why, "its directory");
	assert_int_equal(output_check("dir/", NULL, why, sizeof(why)), -EINVAL);
	assert_int_equal(output_check("", NULL, why, sizeof(why)), -EINVAL);
}

/* A write cut short (here by RLIMIT_FSIZE, as on a full disk) keeps the old file. */
static void test_failed_write_keeps_the_old_file(void **state)
{
	const char *dir = *state;
	struct rlimit old, small;
	char path[256], why[512], big[4096], *text;

	path_in(path, sizeof(path), dir, "kept.md");
	assert_int_equal(util_write_atomic(path, "old", 3), 0);
	memset(big, 'x', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	/* The soft limit only: an unprivileged process could not raise the hard one again. */
	small = (struct rlimit){ 16, old.rlim_max };
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(output_write(path, NULL, big, sizeof(big), why, sizeof(why)), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_contains(why, "cannot write");
	assert_contains(why, strerror(EFBIG));
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_string_equal(text, "old");
	free(text);
	assert_int_equal(entries(dir), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_and_regular_targets_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_regular_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refuses_an_input_by_any_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_a_missing_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_keeps_the_old_file, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
