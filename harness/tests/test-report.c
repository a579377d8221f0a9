// SPDX-License-Identifier: GPL-2.0
/* report.c's facts, and `exitscope report` on copies of the fixtures. */
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

#include "check-output.h"
#include "cmd.h"
#include "exitscope/reasons.h"
#include "report.h"
#include "util.h"

#define DATA "tests/data/results/"

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not contain '%s'", text, part);
}

static void facts_of(const char *path, struct result *r, struct report_facts *f)
{
	struct result_error err;
	char why[256];

	assert_int_equal(result_load(path, r, &err), 0);
	assert_int_equal(report_facts(r, f, why, sizeof(why)), 0);
}

static void test_facts_without_samples(void **state)
{
	struct report_facts f;
	struct result r;
	size_t nr_svm;

	(void)state;
	facts_of(DATA "k61/cpuid.json", &r, &f);
	assert_int_equal(f.total, 1008738);
	assert_int_equal(f.window, REPORT_WINDOW_RUN);
	assert_float_equal(f.seconds, 151.4, 1e-9);
	assert_float_equal(f.per_second, 1008738 / 151.4, 1e-6);
	assert_int_equal(f.most->reason, 0x72);
	assert_int_equal(f.nr_least, 1);
	assert_int_equal(f.least[0]->reason, 0x77);
	/* The APM's 175 codes, not the build host's table. */
	nr_svm = EXSC_SVM_SLOTS;
	assert_int_equal(f.nr_defined, nr_svm);
	assert_int_equal(f.nr_defined_zero, nr_svm - 8);
	assert_int_equal(f.nr_undefined_seen, 0);
	assert_int_equal(f.nr_intervals, 0);
	result_free(&r);
}

static void test_facts_with_samples(void **state)
{
	struct report_facts f;
	struct result r;

	(void)state;
	facts_of(DATA "k612/idle.json", &r, &f);
	assert_int_equal(f.window, REPORT_WINDOW_SAMPLES);
	assert_float_equal(f.seconds, 10.0, 1e-9);
	assert_float_equal(f.per_second, 921.9, 1e-6);
	assert_int_equal(f.nr_intervals, 10);
	assert_float_equal(f.rate_min, 900.0, 1e-6);
	assert_float_equal(f.rate_max, 951.0, 1e-6);
	assert_float_equal(f.rate_mean, 921.9, 1e-6);
	assert_int_equal(f.most->reason, 0x7c);
	result_free(&r);
}

/* The workload's own seconds when there are no samples; ties for the least. */
static void test_facts_figures_and_ties(void **state)
{
	struct result_reason rows[] = {
		{ 0x60, "interrupt", 7, 0 }, { 0x64, "vintr", 0, 0 }, { 0x78, "hlt", 7, 0 },
		{ 0x7c, "msr", 30, 0 }, { 0x1234, "?", 7, 0 },
	};
	struct result r = {
		.isa = EXSC_ISA_SVM,
		.duration_s = 99,
		.exits = { 51, 0, 5, rows },
		.workload = { .figures = json_pack("{s:i}", "seconds", 3) },
	};
	struct report_facts f;
	char why[64];

	(void)state;
	assert_int_equal(report_facts(&r, &f, why, sizeof(why)), 0);
	assert_int_equal(f.window, REPORT_WINDOW_FIGURES);
	assert_float_equal(f.per_second, 17.0, 1e-9);
	assert_int_equal(f.most->reason, 0x7c);
	assert_int_equal(f.nr_least, 3);
	assert_int_equal(f.nr_least_ties, 3);
	assert_int_equal(f.least[0]->reason, 0x60);
	assert_int_equal(f.nr_undefined_seen, 1);
	assert_int_equal(f.nr_defined - f.nr_defined_zero, 3);	/* vintr's 0 is a zero */
	json_decref(r.workload.figures);
}

/*
 * The window's own length by L2's clock, when the probe measured it: before
 * the samples' span (within the window) and the run's duration (with boot).
 */
static void test_facts_from_the_window(void **state)
{
	struct report_facts f;
	struct result r;
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	json_t *samples;
	char why[256];

	(void)state;
	facts_of(DATA "timeline/cpuid.json", &r, &f);
	assert_int_equal(f.window, REPORT_WINDOW_WALL);
	assert_float_equal(f.seconds, 12.75, 1e-12);
	assert_float_equal(f.per_second, (double)r.exits.total / 12.75, 1e-9);
	report_write_scenario(out, &(struct report_entry){ &r, &f, "cpuid", NULL, NULL });
	fclose(out);
	assert_contains(text, "- exits per second: 8109.8 over the workload window, 12.750 s (its "
			      "wall time in L2)\n");
	free(text);
	/* Samples span less than the window: the window's length still wins. */
	samples = json_pack("[{s:i, s:i}, {s:i, s:i}]", "t_ms", 0, "total", 0, "t_ms", 2000,
			    "total", 50);
	r.samples = samples;
	r.nr_samples = 2;
	assert_int_equal(report_facts(&r, &f, why, sizeof(why)), 0);
	assert_int_equal(f.window, REPORT_WINDOW_WALL);
	/* Without the window, what report did before: here the samples' span. */
	r.timeline.window_present = false;
	assert_int_equal(report_facts(&r, &f, why, sizeof(why)), 0);
	assert_int_equal(f.window, REPORT_WINDOW_SAMPLES);
	assert_float_equal(f.seconds, 2.0, 1e-12);
	r.samples = NULL;
	r.nr_samples = 0;
	json_decref(samples);
	result_free(&r);
}

static void test_section_text(void **state)
{
	struct report_facts f;
	struct result r;
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	facts_of(DATA "k61/idle.json", &r, &f);
	report_write_scenario(out, &(struct report_entry){ &r, &f, "idle", "idle.svg", NULL });
	fclose(out);
	assert_contains(text, "## idle\n");
	assert_contains(text, "- exits per second: 1186.7 over 10.0 s (the span of the samples)");
	assert_contains(text, "- least frequent (non-zero): cpuid (0x72): 1 (the probe's own read)");
	assert_contains(text, "- rate between samples: 1155 to 1226 exits/s, mean 1187, over 10");
	assert_contains(text, "- oracle (kvm_exit hist): differs on 1 reason(s), all explained");
	assert_contains(text, "![idle: exits and cycles by reason](idle.svg)");
	free(text);
	result_free(&r);
}

/* A micro guest's result: one line for its verdict, and no boot window needed. */
static void test_section_micro(void **state)
{
	struct report_facts f;
	struct result r;
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	facts_of(DATA "micro/svm.json", &r, &f);
	assert_false(r.boot_present);
	assert_int_equal(f.window, REPORT_WINDOW_FIGURES);
	report_write_scenario(out, &(struct report_entry){ &r, &f, "micro", NULL, NULL });
	result_free(&r);
	facts_of(DATA "micro/vmx-inexact.json", &r, &f);
	report_write_scenario(out, &(struct report_entry){ &r, &f, "micro-b", NULL, NULL });
	result_free(&r);
	facts_of(DATA "micro/vmx.json", &r, &f);
	report_write_scenario(out, &(struct report_entry){ &r, &f, "micro-a", NULL, NULL });
	result_free(&r);
	fclose(out);
	assert_contains(text, "- micro guest: 7 of 8 caused reasons exact (K=1000); not exact: "
			      "wrmsr\n");
	assert_contains(text, "- micro guest: 7 of 8 caused reasons exact (K=1000); not exact: "
			      "wrmsr; 1 action(s) failed\n");
	assert_contains(text, "- micro guest: 8 of 8 caused reasons exact (K=1000)\n");
	free(text);
	facts_of(DATA "k61/idle.json", &r, &f);
	out = open_memstream(&text, &len);
	report_write_scenario(out, &(struct report_entry){ &r, &f, "idle", NULL, NULL });
	fclose(out);
	assert_null(strstr(text, "micro guest"));
	free(text);
	result_free(&r);
}

static int run_report(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cmd_report(argc, argv);
}

/* A scratch folder with copies of @files; the caller removes it. */
static void scratch_with(char *dir, const char *const *files)
{
	char cmd[512];

	strcpy(dir, "/tmp/exitscope-test-report.XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; files[i]; i++) {
		snprintf(cmd, sizeof(cmd), "cp %s %s/", files[i], dir);
		assert_int_equal(system(cmd), 0);
	}
}

static void scratch_remove(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_report_golden(void **state)
{
	char *text, *expected, out[] = "/tmp/exitscope-test-report-k61.md";

	(void)state;
	assert_int_equal(run_report((char *[]){ "report", "--no-charts", DATA "k61", "-o", out,
						NULL }), 0);
	assert_int_equal(util_read_file(out, &text, NULL), 0);
	if (getenv("EXITSCOPE_UPDATE_GOLDEN"))
		assert_int_equal(util_write_atomic("tests/data/golden/report-k61.md", text,
						   strlen(text)), 0);
	assert_int_equal(util_read_file("tests/data/golden/report-k61.md", &expected, NULL), 0);
	assert_string_equal(text, expected);
	free(text);
	free(expected);
	unlink(out);
}

static void test_report_with_charts(void **state)
{
	const char *files[] = { DATA "k612/idle.json", DATA "k612/cpuid.json", NULL };
	char dir[64], path[128], *text;
	int r;

	(void)state;
	scratch_with(dir, files);
	snprintf(path, sizeof(path), "%s/REPORT.md", dir);
	r = run_report((char *[]){ "report", dir, "-o", path, "--top", "5", NULL });
	if (r == EXIT_ENVIRONMENT) {
		scratch_remove(dir);
		skip();	/* no gnuplot */
	}
	assert_int_equal(r, 0);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_contains(text, "![idle: exits and cycles by reason](idle.svg)");
	free(text);
	snprintf(path, sizeof(path), "%s/idle.svg", dir);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_contains(text, "<svg");
	free(text);
	scratch_remove(dir);
}

/* exitscope check's verdicts beside the results are neither read nor called unreadable. */
static void test_report_skips_check_verdicts(void **state)
{
	const char *files[] = { DATA "k612/idle.json", NULL };
	char dir[64], path[128], cmd[512], *text;

	(void)state;
	scratch_with(dir, files);
	snprintf(cmd, sizeof(cmd), "printf '{\"schema\": \"%s\"}' > %s/check-b.json", CHECK_SCHEMA,
		 dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/REPORT.md", dir);
	assert_int_equal(run_report((char *[]){ "report", "--no-charts", dir, "-o", path, NULL }), 0);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_null(strstr(text, "check-b.json"));
	free(text);
	/* The same document under another name is still no result, and said so. */
	snprintf(cmd, sizeof(cmd), "cp %s/check-b.json %s/other.json", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(run_report((char *[]){ "report", "--no-charts", dir, "-o", path, NULL }),
			 EXIT_USAGE);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_contains(text, "other.json");
	free(text);
	scratch_remove(dir);
}

/* Every stored reference folder: a report and a chart per result, stock.json included. */
static void test_report_every_reference(void **state)
{
	static const char *const folders[] = { "6.1-svm-tcg", "6.12-svm-tcg" };
	char dir[64], path[128], cmd[256], *text;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		int r;

		strcpy(dir, "/tmp/exitscope-test-report.XXXXXX");
		assert_non_null(mkdtemp(dir));
		snprintf(cmd, sizeof(cmd), "cp ../results/reference/%s/*.json %s/", folders[i], dir);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/REPORT.md", dir);
		r = run_report((char *[]){ "report", dir, "-o", path, NULL });
		if (r == EXIT_ENVIRONMENT && !access("/usr/bin/gnuplot", X_OK))
			fail_msg("report of %s failed with gnuplot installed", folders[i]);
		if (r == EXIT_ENVIRONMENT) {
			scratch_remove(dir);
			skip();	/* no gnuplot */
		}
		assert_int_equal(r, 0);
		assert_int_equal(util_read_file(path, &text, NULL), 0);
		assert_null(strstr(text, "not drawn"));
		free(text);
		snprintf(cmd, sizeof(cmd), "test $(ls %s/*.svg | wc -l) = $(ls %s/*.json | wc -l)",
			 dir, dir);
		assert_int_equal(system(cmd), 0);
		scratch_remove(dir);
	}
}

/* Two results of one scenario: a chart and a section each, never one shared. */
static void test_report_same_scenario_twice(void **state)
{
	const char *files[] = { DATA "k61/cpuid.json", NULL };
	char dir[64], path[160], cmd[256], *text;

	(void)state;
	scratch_with(dir, files);
	snprintf(cmd, sizeof(cmd), "cp %s %s/cpuid-rerun.json", DATA "k61-rerun/cpuid.json", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/REPORT.md", dir);
	if (run_report((char *[]){ "report", dir, "-o", path, NULL }) == EXIT_ENVIRONMENT) {
		scratch_remove(dir);
		skip();	/* no gnuplot */
	}
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_contains(text, "| [cpuid-rerun](#cpuid-rerun) | 1008797 (raw) |");
	assert_contains(text, "| [cpuid](#cpuid) | 1008738 (raw) |");
	assert_contains(text, "## cpuid-rerun\n\nScenario cpuid, from cpuid-rerun.json.");
	assert_contains(text, "](cpuid-rerun.svg)");
	assert_contains(text, "](cpuid.svg)");
	free(text);
	snprintf(cmd, sizeof(cmd), "! cmp -s %s/cpuid.svg %s/cpuid-rerun.svg", dir, dir);
	assert_int_equal(system(cmd), 0);
	scratch_remove(dir);
}

/* Without gnuplot the report is still written, and says which charts are missing. */
static void test_report_names_missing_charts(void **state)
{
	const char *files[] = { DATA "k61/cpuid.json", DATA "k61/idle.json", NULL };
	char *path_env = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	char dir[64], path[160], *text;
	int r;

	(void)state;
	assert_non_null(path_env);
	scratch_with(dir, files);
	snprintf(path, sizeof(path), "%s/REPORT.md", dir);
	setenv("PATH", "/nonexistent", 1);
	r = run_report((char *[]){ "report", dir, "-o", path, NULL });
	setenv("PATH", path_env, 1);
	free(path_env);
	assert_int_equal(r, EXIT_ENVIRONMENT);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_contains(text, "## idle");
	assert_contains(text, "- chart: not drawn: gnuplot not found: apt-get install gnuplot-nox");
	assert_null(strstr(text, ".svg)"));
	free(text);
	scratch_remove(dir);
}

static void test_anchor(void **state)
{
	char anchor[64];

	(void)state;
	report_anchor("cpuid-Rerun 2 (old)", anchor, sizeof(anchor));
	assert_string_equal(anchor, "cpuid-rerun-2-old");
}

static void test_report_bad_files(void **state)
{
	const char *files[] = { DATA "k61/cpuid.json", DATA "bad/truncated.json", NULL };
	char dir[64], path[128], *text;

	(void)state;
	scratch_with(dir, files);
	snprintf(path, sizeof(path), "%s/REPORT.md", dir);
	assert_int_equal(run_report((char *[]){ "report", "--no-charts", dir, "-o", path, NULL }),
			 EXIT_USAGE);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	assert_contains(text, "## Files not read\n\n- ");
	assert_contains(text, "truncated.json: line 88 column 14: not valid JSON");
	free(text);
	scratch_remove(dir);
	assert_int_equal(run_report((char *[]){ "report", DATA "bad", "-o", path, NULL }),
			 EXIT_USAGE);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(run_report((char *[]){ "report", DATA "k61", NULL }), EXIT_USAGE);
	assert_int_equal(run_report((char *[]){ "report", "-o", path, "--top", "0", DATA "k61",
						NULL }), EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_facts_without_samples),
		cmocka_unit_test(test_facts_with_samples),
		cmocka_unit_test(test_facts_figures_and_ties),
		cmocka_unit_test(test_facts_from_the_window),
		cmocka_unit_test(test_section_text),
		cmocka_unit_test(test_section_micro),
		cmocka_unit_test(test_report_golden),
		cmocka_unit_test(test_report_with_charts),
		cmocka_unit_test(test_report_skips_check_verdicts),
		cmocka_unit_test(test_report_every_reference),
		cmocka_unit_test(test_report_same_scenario_twice),
		cmocka_unit_test(test_report_names_missing_charts),
		cmocka_unit_test(test_anchor),
		cmocka_unit_test(test_report_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
