// SPDX-License-Identifier: GPL-2.0
/* plot.c: sample rates, the data files and script it writes, and gnuplot's SVG. */
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

#include "plot.h"
#include "util.h"

#define DATA "tests/data/results/"

struct fixture {
	char dir[64];
	struct result results[3];
	size_t nr;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *paths[] = { DATA "k61/idle.json", DATA "k612/idle.json",
				DATA "k61/cpuid.json" };
	struct result_error err;

	if (!f)
		return -1;
	*state = f;	/* teardown frees it, also after a failure here */
	snprintf(f->dir, sizeof(f->dir), "/tmp/exitscope-test-plot.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	for (f->nr = 0; f->nr < 3; f->nr++)
		if (result_load(paths[f->nr], &f->results[f->nr], &err))
			return -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	for (size_t i = 0; i < f->nr; i++)
		result_free(&f->results[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static char *read_in(const struct fixture *f, const char *name)
{
	char path[128], *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	return text;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not contain '%s'", text, part);
}

static void test_sample_rates(void **state)
{
	struct fixture *f = *state;
	double t_s[16], rate[16];
	char why[256];

	assert_int_equal(plot_sample_rates(&f->results[0], t_s, rate, why, sizeof(why)), 10);
	assert_float_equal(t_s[0], 1.0, 1e-9);
	assert_float_equal(t_s[9], 10.0, 1e-9);
	/* 11867 exits over 10 s, the first interval 40 above the mean */
	assert_float_equal(rate[0], 1226.0, 1e-6);
	assert_int_equal(plot_sample_rates(&f->results[2], t_s, rate, why, sizeof(why)), 0);
}

static void test_sample_rates_not_cumulative(void **state)
{
	struct fixture *f = *state;
	json_t *sample = json_array_get(f->results[0].samples, 5);
	json_int_t saved = json_integer_value(json_object_get(sample, "total"));
	double t_s[16], rate[16];
	char why[256];

	json_object_set_new(sample, "total", json_integer(10));
	assert_int_equal(plot_sample_rates(&f->results[0], t_s, rate, why, sizeof(why)), -EINVAL);
	assert_contains(why, "k61/idle.json: samples[5] goes back");
	json_object_set_new(sample, "total", json_integer(saved));
}

static void test_write_files(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 3, .svg = "unused.svg" };
	struct result_error err;
	struct result own;
	char why[256], *text;

	assert_int_equal(plot_write(f->results, 2, &opts, f->dir, why, sizeof(why)), 0);
	text = read_in(f, "reasons.dat");
	assert_string_equal(text, "\"msr (0x7c)\" 124 5120 3210 78438400 49177200\n"
				  "\"interrupt (0x60)\" 96 2630 2611 56229400 55823180\n"
				  "\"hlt (0x78)\" 120 2488 2502 5235747200 5265208800\n");
	free(text);
	text = read_in(f, "chart.gp");
	assert_contains(text, "set terminal svg size 960,1080");
	assert_contains(text, "set multiplot layout 3,1 title 'exitscope idle'");
	assert_contains(text, "plot 'reasons.dat' using 3:xtic(1) title '6.1.192 (3f9a1c07d2e4)', "
			      "'reasons.dat' using 4 title '6.12.117 (b81e64a0c93d)'");
	assert_contains(text, "'reasons.dat' using 5:xtic(1)");
	assert_contains(text, "plot 'samples-0.dat' using 1:2 title '6.1.192 (3f9a1c07d2e4)', "
			      "'samples-1.dat' using 1:2");
	/* Older results: their windows include the probe's reads, and the titles say so. */
	assert_contains(text, "set title 'exits by reason, workload window (log scale); an older "
			      "result includes the probe reads'\n");
	assert_contains(text, "set title 'exits per second between samples (all reasons; an older "
			      "result includes the probe reads)'\n");
	free(text);
	/* A result with the probe's own reads apart. */
	assert_int_equal(result_load("tests/data/runs/cpuid.json", &own, &err), 0);
	assert_int_equal(plot_write(&own, 1, &opts, f->dir, why, sizeof(why)), 0);
	result_free(&own);
	text = read_in(f, "chart.gp");
	assert_contains(text, "set title 'exits by reason, workload window (log scale); the probe "
			      "reads apart'\n");
	free(text);
	text = read_in(f, "samples-1.dat");
	assert_contains(text, "1.000 909.0\n");
	free(text);
}

/* A micro guest's result has no boot window and no samples: its bars alone. */
static void test_write_micro(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 2, .svg = "unused.svg" };
	struct result_error err;
	struct result r;
	char why[256], *text;

	assert_int_equal(result_load(DATA "micro/vmx.json", &r, &err), 0);
	assert_false(r.boot_present);
	assert_int_equal(plot_write(&r, 1, &opts, f->dir, why, sizeof(why)), 0);
	result_free(&r);
	text = read_in(f, "reasons.dat");
	assert_string_equal(text, "\"IO_INSTRUCTION (30)\" 30 2024 9776880\n"
				  "\"CPUID (10)\" 10 1096 2531760\n");
	free(text);
	text = read_in(f, "chart.gp");
	assert_null(strstr(text, "samples-0.dat"));
	free(text);
}

static void test_write_mixed_scenarios_without_samples(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 10, .svg = "unused.svg" };
	char why[256], *text;

	/* the cpuid result alone: no samples, so two charts */
	assert_int_equal(plot_write(&f->results[2], 1, &opts, f->dir, why, sizeof(why)), 0);
	text = read_in(f, "chart.gp");
	assert_contains(text, "layout 2,1 title 'exitscope cpuid'");
	assert_null(strstr(text, "samples-"));
	free(text);
	assert_int_equal(plot_write(&f->results[1], 2, &opts, f->dir, why, sizeof(why)), 0);
	text = read_in(f, "chart.gp");
	assert_contains(text, "title 'idle 6.12.117 (b81e64a0c93d)'");
	assert_contains(text, "title 'cpuid 6.1.192 (3f9a1c07d2e4)'");
	free(text);
}

static void test_write_refuses_mixed_isas(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 10, .svg = "unused.svg" };
	struct result pair[2] = { f->results[0] };
	struct result_error err;
	char why[256];

	(void)state;
	assert_int_equal(result_load(DATA "vmx/cpuid.json", &pair[1], &err), 0);
	assert_int_equal(plot_write(pair, 2, &opts, f->dir, why, sizeof(why)), -EINVAL);
	assert_contains(why, "is svm and tests/data/results/vmx/cpuid.json is vmx");
	result_free(&pair[1]);
}

static void test_chart_svg(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 10 };
	char svg[128], why[256], *text;
	int r;

	snprintf(svg, sizeof(svg), "%s/chart-out.svg", f->dir);
	opts.svg = svg;
	r = plot_chart(f->results, 2, &opts, why, sizeof(why));
	if (r == -ENOENT)
		skip();	/* no gnuplot here: cli.bats checks the message */
	assert_int_equal(r, 0);
	assert_int_equal(util_read_file(svg, &text, NULL), 0);
	assert_contains(text, "<svg");
	assert_contains(text, "exits per second between samples");
	free(text);
}

/* A stock kernel's result has exits but no cycles: no cycles panel, which gnuplot cannot draw. */
static void test_write_stock_without_cycles(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 10, .svg = "unused.svg" };
	struct result_error err;
	struct result stock;
	char why[256], *text;

	assert_int_equal(result_load(DATA "kinds/stock.json", &stock, &err), 0);
	assert_int_equal(plot_write(&stock, 1, &opts, f->dir, why, sizeof(why)), 0);
	text = read_in(f, "chart.gp");
	assert_contains(text, "set multiplot layout 1,1");
	assert_contains(text, "no cycles recorded");
	assert_null(strstr(text, "TSC cycles"));
	free(text);
	result_free(&stock);
}

/* Every kind of result run writes is drawn, and plot leaves no directory behind. */
static void test_chart_every_kind(void **state)
{
	const char *paths[] = { DATA "kinds/stock.json", DATA "kinds/one-reason.json",
				DATA "vmx/cpuid.json", DATA "k61/idle.json", DATA "k61/cpuid.json",
				DATA "micro/vmx.json", DATA "micro/svm.json" };
	struct fixture *f = *state;
	char tmp[128], svg[160], why[512], *saved = getenv("TMPDIR");
	struct plot_opts opts = { .top = 10, .svg = svg };

	snprintf(tmp, sizeof(tmp), "%s/tmp", f->dir);
	assert_int_equal(util_mkdirs(tmp), 0);
	saved = saved ? strdup(saved) : NULL;
	setenv("TMPDIR", tmp, 1);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct result_error err;
		struct result r;
		int ret;

		assert_int_equal(result_load(paths[i], &r, &err), 0);
		snprintf(svg, sizeof(svg), "%s/kind-%zu.svg", f->dir, i);
		ret = plot_chart(&r, 1, &opts, why, sizeof(why));
		result_free(&r);
		if (ret == -ENOENT)
			break;	/* no gnuplot */
		if (ret)
			fail_msg("%s: %s", paths[i], why);
	}
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	/* rmdir fails on a directory that still holds an exitscope-plot.* */
	assert_int_equal(rmdir(tmp), 0);
}

static void test_chart_without_gnuplot(void **state)
{
	struct fixture *f = *state;
	struct plot_opts opts = { .top = 10, .svg = "/nonexistent/never.svg" };
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), why[256];

	assert_non_null(path);
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(plot_chart(f->results, 1, &opts, why, sizeof(why)), -ENOENT);
	setenv("PATH", path, 1);
	free(path);
	assert_string_equal(why, "gnuplot not found: apt-get install gnuplot-nox");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_rates),
		cmocka_unit_test(test_sample_rates_not_cumulative),
		cmocka_unit_test(test_write_files),
		cmocka_unit_test(test_write_micro),
		cmocka_unit_test(test_write_mixed_scenarios_without_samples),
		cmocka_unit_test(test_write_refuses_mixed_isas),
		cmocka_unit_test(test_write_stock_without_cycles),
		cmocka_unit_test(test_chart_svg),
		cmocka_unit_test(test_chart_every_kind),
		cmocka_unit_test(test_chart_without_gnuplot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
