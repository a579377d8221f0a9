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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"

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

static void test_patches_rejects_bad_directories(void **state)
{
	char empty[] = "/tmp/exitscope-test-cmd-kernel.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(empty));
	assert_int_equal(KERNEL("build", "--patches"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--patches", ""), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--patches", "/nonexistent/exitscope"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--patches", empty), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--patches", empty, "--stock"), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--patches", empty, "--source", empty), EXIT_USAGE);
	assert_int_equal(KERNEL("build", "--patches", "a", "--patches", "b", "--patches", "c",
				"--patches", "d", "--patches", "e", "--patches", "f", "--patches", "g",
				"--patches", "h", "--patches", "i"), EXIT_USAGE);
	assert_int_equal(rmdir(empty), 0);
}

/* A checkout and a cache with a pinned source, enough for a dry run to plan a build. */
struct fake {
	char dir[64];
	char base[128], mutant[128], series[128];
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void fake_setup(struct fake *fk)
{
	char cmd[512];

	snprintf(fk->dir, sizeof(fk->dir), "/tmp/exitscope-test-cmd-kernel.XXXXXX");
	assert_non_null(mkdtemp(fk->dir));
	snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir -p root/kernel-patch/series/6.1 "
		 "root/kernel-patch/config root/scripts base mutant "
		 "cache/src/linux-source-6.1.current/tree", fk->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(fk->series, sizeof(fk->series), "%s/root/kernel-patch/series/6.1", fk->dir);
	snprintf(fk->base, sizeof(fk->base), "%s/base", fk->dir);
	snprintf(fk->mutant, sizeof(fk->mutant), "%s/mutant", fk->dir);
	write_file(fk->series, "0001-a.patch", "series\n");
	write_file(fk->base, "0001-a.patch", "series\n");
	write_file(fk->mutant, "0001-m.patch", "mutant\n");
	snprintf(cmd, sizeof(cmd), "%s/root/kernel-patch/config", fk->dir);
	write_file(cmd, "nested.config", "CONFIG_KVM=y\n");
	snprintf(cmd, sizeof(cmd), "%s/root/scripts", fk->dir);
	write_file(cmd, "kernel-cc.sh", "#!/bin/bash\nexec ccache gcc \"$@\"\n");
	snprintf(cmd, sizeof(cmd), "%s/cache/src/linux-source-6.1.current", fk->dir);
	write_file(cmd, "source.env", "PACKAGE=linux-source-6.1\nVERSION=6.1.0-1\n");
	snprintf(cmd, sizeof(cmd), "%s/root", fk->dir);
	assert_int_equal(setenv("EXITSCOPE_ROOT", cmd, 1), 0);
	snprintf(cmd, sizeof(cmd), "%s/cache", fk->dir);
	assert_int_equal(setenv("EXITSCOPE_CACHE", cmd, 1), 0);
}

static void fake_teardown(struct fake *fk, const char *cache)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fk->dir);
	assert_int_equal(system(cmd), 0);
	unsetenv("EXITSCOPE_ROOT");
	assert_int_equal(setenv("EXITSCOPE_CACHE", cache, 1), 0);
}

/* Runs a dry run with stdout in @out (the plan, and the progress lines naming the id). */
static int dry_run(char **argv, char *out, size_t size)
{
	struct capture cap;
	int r, argc = 0;

	while (argv[argc])
		argc++;
	capture_start(&cap, 1);
	r = cmd_kernel(argc, argv);
	capture_stop(&cap, out, size);
	return r;
}

#define DRY(out, ...) dry_run((char *[]){ "kernel", "build", "--dry-run", __VA_ARGS__, NULL }, \
			      out, sizeof(out))

/* The id from "kernel: building ID". */
static void id_in(const char *plan, char id[13])
{
	const char *at = strstr(plan, "kernel: building ");

	assert_non_null(at);
	snprintf(id, 13, "%s", at + strlen("kernel: building "));
}

static void test_patches_dry_run_plans_and_ids(void **state)
{
	struct fake fk = { .dir = "" };
	char series_plan[8192], base_plan[8192], mutant_plan[8192];
	char series_id[13], base_id[13], mutant_id[13];
	const char *b, *m;

	fake_setup(&fk);
	assert_int_equal(DRY(series_plan, "--series", "6.1"), 0);
	assert_int_equal(DRY(base_plan, "--patches", fk.base), 0);
	assert_int_equal(DRY(mutant_plan, "--patches", fk.base, "--patches", fk.mutant), 0);
	id_in(series_plan, series_id);
	id_in(base_plan, base_id);
	id_in(mutant_plan, mutant_id);
	/* The same patches from another directory are the same kernel; one more is another. */
	assert_string_equal(series_id, base_id);
	assert_string_not_equal(base_id, mutant_id);
	/* The plan applies the series by default, else each --patches directory in order. */
	assert_non_null(strstr(series_plan, fk.series));
	assert_null(strstr(base_plan, fk.series));
	b = strstr(mutant_plan, fk.base);
	m = strstr(mutant_plan, fk.mutant);
	assert_non_null(b);
	assert_non_null(m);
	assert_true(b < m);
	/* patch(1) runs in the tree: a relative DIR reaches it made absolute. */
	{
		char here[256], rel_plan[8192], rel_id[13];

		assert_non_null(getcwd(here, sizeof(here)));
		assert_int_equal(chdir(fk.dir), 0);
		assert_int_equal(DRY(rel_plan, "--patches", "base", "--patches", "./mutant"), 0);
		assert_int_equal(chdir(here), 0);
		id_in(rel_plan, rel_id);
		assert_string_equal(rel_id, mutant_id);
		assert_non_null(strstr(rel_plan, fk.mutant));
		assert_null(strstr(rel_plan, " ./mutant"));
	}
	fake_teardown(&fk, *state);
}

/*
 * A 6.1 tree takes nested-6.1.config after nested.config: in the merge and
 * in the id.  --config takes the named fragment alone.
 */
static void test_version_fragment_joins_merge_and_id(void **state)
{
	struct fake fk = { .dir = "" };
	char plain[8192], joined[8192], own[8192], path[512];
	char plain_id[13], joined_id[13], own_id[13];

	fake_setup(&fk);
	snprintf(path, sizeof(path), "%s/cache/src/linux-source-6.1.current/tree", fk.dir);
	write_file(path, "Makefile", "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n");
	assert_int_equal(DRY(plain, "--series", "6.1"), 0);
	snprintf(path, sizeof(path), "%s/root/kernel-patch/config", fk.dir);
	write_file(path, "nested-6.1.config", "CONFIG_BASE_FULL=y\n");
	write_file(path, "nested-6.12.config", "CONFIG_NOT_THIS=y\n");
	assert_int_equal(DRY(joined, "--series", "6.1"), 0);
	snprintf(path, sizeof(path), "%s/root/kernel-patch/config/nested.config", fk.dir);
	assert_int_equal(DRY(own, "--series", "6.1", "--config", path), 0);
	id_in(plain, plain_id);
	id_in(joined, joined_id);
	id_in(own, own_id);
	assert_string_not_equal(plain_id, joined_id);
	assert_string_equal(plain_id, own_id);
	assert_null(strstr(plain, "nested-6.1.config"));
	assert_non_null(strstr(joined, "nested.config"));
	assert_non_null(strstr(joined, "nested-6.1.config"));
	assert_null(strstr(joined, "nested-6.12.config"));
	assert_null(strstr(own, "nested-6.1.config"));
	fake_teardown(&fk, *state);
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
		cmocka_unit_test(test_patches_rejects_bad_directories),
		cmocka_unit_test(test_patches_dry_run_plans_and_ids),
		cmocka_unit_test(test_version_fragment_joins_merge_and_id),
		cmocka_unit_test(test_subcommands_take_exact_arguments),
		cmocka_unit_test(test_path_of_unknown_id),
	};

	return cmocka_run_group_tests(tests, setup_empty_cache, teardown_empty_cache);
}
