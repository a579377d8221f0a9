// SPDX-License-Identifier: GPL-2.0
/*
 * `exitscope show` and `exitscope diff` end to end on the fixtures: exit
 * codes, the one-line errors, and golden files for the tables (input A,
 * input B, expected output, as jq's tests do).  After an intended change
 * of the output, EXITSCOPE_UPDATE_GOLDEN=1 rewrites the golden files; the
 * git diff of them is then the review of the change.
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
#include <jansson.h>

#include "capture.h"
#include "cmd.h"
#include "util.h"

#define DATA "tests/data/results/"
#define MICRO DATA "micro/"
#define GOLDEN "tests/data/golden/"

struct captured {
	int status;
	char *out;
	char *err;
};

#define CAPTURED_MAX (1 << 16)

/* Runs a command with stdout and stderr each in a temporary file. */
static struct captured run_cmd(int (*cmd)(int, char **), char **argv)
{
	struct capture out, err;
	struct captured c = { .out = malloc(CAPTURED_MAX), .err = malloc(CAPTURED_MAX) };
	int argc = 0;

	while (argv[argc])
		argc++;
	assert_non_null(c.out);
	assert_non_null(c.err);
	capture_start(&out, 1);
	capture_start(&err, 2);
	c.status = cmd(argc, argv);
	capture_stop(&out, c.out, CAPTURED_MAX);
	capture_stop(&err, c.err, CAPTURED_MAX);
	return c;
}

#define DIFF(...) run_cmd(cmd_diff, (char *[]){ "diff", __VA_ARGS__, NULL })
#define SHOW(...) run_cmd(cmd_show, (char *[]){ "show", __VA_ARGS__, NULL })

static void captured_free(struct captured *c)
{
	free(c->out);
	free(c->err);
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not contain '%s'", text, part);
}

static void assert_golden(const char *text, const char *name)
{
	char path[256], *expected;

	snprintf(path, sizeof(path), GOLDEN "%s", name);
	if (getenv("EXITSCOPE_UPDATE_GOLDEN"))
		assert_int_equal(util_write_atomic(path, text, strlen(text)), 0);
	assert_int_equal(util_read_file(path, &expected, NULL), 0);
	if (strcmp(text, expected))
		fail_msg("output differs from %s; got:\n%s", path, text);
	free(expected);
}

static void test_show_golden(void **state)
{
	struct captured c = SHOW(DATA "k61/cpuid.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_string_equal(c.err, "");
	assert_golden(c.out, "show-k61-cpuid.txt");
	/* An older result: its window includes the probe's own read, and show says so. */
	assert_contains(c.out, "exits in the workload window (includes the probe's own reads: an "
			       "older result)\n");
	assert_contains(c.out, "\nprobe     1 CPUID exit(s) of its own, in the table (an older "
			       "result)\n");
	captured_free(&c);
}

/* A result with the probe's own reads apart: the table is the workload's, one line the probe's. */
static void test_show_workload_window(void **state)
{
	struct captured c = SHOW("tests/data/runs/cpuid.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_string_equal(c.err, "");
	assert_golden(c.out, "show-run-cpuid.txt");
	assert_contains(c.out, "exits in the workload window (the probe's own reads apart)\n");
	/* N = 100000 CPUIDs, exactly: the probe's own read is not among them. */
	assert_contains(c.out, "\n    0x72  cpuid                          100000   96.71%");
	assert_contains(c.out, "\nprobe     its own reads: 0x72 cpuid 1 exit(s), 123985 cycles "
			       "(apart from the table)\n");
	captured_free(&c);
}

/*
 * A run of cpuid --repeat 3: the table says its counts are medians and gives
 * each reason's min-max over the windows; diff against a run of one window
 * judges against that spread and says which reasons are within noise.
 */
static void test_show_and_diff_a_repeated_run(void **state)
{
	struct captured c = SHOW("tests/data/runs/cpuid-repeat.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_string_equal(c.err, "");
	assert_golden(c.out, "show-run-cpuid-repeat.txt");
	assert_contains(c.out, "median of the windows\n");
	assert_contains(c.out, "\n    0x72  cpuid                          100000");
	assert_contains(c.out, "100000-100000\n");
	assert_contains(c.out, "\nrepeat    3 windows in one L2 boot");
	captured_free(&c);
	c = DIFF("tests/data/runs/cpuid-abi2.json", "tests/data/runs/cpuid-repeat.json");
	assert_golden(c.out, "diff-run-cpuid-repeat.txt");
	assert_contains(c.out, "spread    A 1 window, B 3 windows");
	captured_free(&c);
	c = DIFF("--json", "tests/data/runs/cpuid-abi2.json", "tests/data/runs/cpuid-repeat.json");
	assert_golden(c.out, "diff-run-cpuid-repeat.json");
	captured_free(&c);
	/* Against itself nothing moved, and nothing is within noise either: equal medians. */
	c = DIFF("tests/data/runs/cpuid-repeat.json", "tests/data/runs/cpuid-repeat.json");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "unchanged: nothing changed by more than 10%");
	assert_null(strstr(c.out, "within noise ("));
	captured_free(&c);
}

/* The recorded run with a VM beside L2: one line says what each view counted. */
static void test_show_neighbor(void **state)
{
	struct captured c = SHOW("tests/data/runs/abi-neighbor.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "\nneighbor  a VM beside L2: CPUID 3422281 in its own view, 12 in "
			"L2's workload window, 3427979 in the host view: isolated\n");
	captured_free(&c);
	c = SHOW(DATA "k61/cpuid.json");
	assert_null(strstr(c.out, "neighbor"));
	captured_free(&c);
}

/* The micro guest's table; no boot line, since the micro stage boots no L2. */
static void test_show_micro(void **state)
{
	struct captured c = SHOW(MICRO "vmx.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_string_equal(c.err, "");
	assert_golden(c.out, "show-micro-vmx.txt");
	assert_null(strstr(c.out, "boot "));
	captured_free(&c);
	c = SHOW(MICRO "svm.json");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "\nmicro guest: K=1000, 8 action(s), 1 of 8 not exact: NOT exact\n");
	assert_contains(c.out, "  wrmsr        0x7c msr                     1000     1000     1000"
			       "        0        10880  NO\n");
	assert_contains(c.out, "not caused here:\n  invlpg (0x79 invlpg): KVM intercepts INVLPG "
			       "only without EPT/NPT\n  vmxon: a VMX instruction");
	captured_free(&c);
	c = SHOW(MICRO "vmx-inexact.json");
	assert_contains(c.out, "1 of 8 not exact, 1 error(s): NOT exact\n");
	assert_contains(c.out, "errors:\n  hypercall: KVM_RUN: the guest stopped");
	captured_free(&c);
	/* An ordinary result has no micro table. */
	c = SHOW(DATA "k61/cpuid.json");
	assert_null(strstr(c.out, "micro guest"));
	captured_free(&c);
}

/*
 * --timeline: each event by the clocks that saw it, the gap by the first
 * clock shared with an earlier event, and the window by L2's clocks.
 * Without it, one line of the window's length beside the usual table.
 */
static void test_show_timeline(void **state)
{
	struct captured c = SHOW("--timeline", DATA "timeline/cpuid.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_string_equal(c.err, "");
	assert_golden(c.out, "show-timeline-cpuid.txt");
	/* L2's events by L2's uptime, the gap by L2's clock; the column fits cloud-init's names. */
	assert_contains(c.out, "\n  l2-running                          21.500      19.41          -      "
			       "2.500 L0\n  l2-userspace                             -          -      "
			       "61.52          -\n");
	assert_contains(c.out, "\n  cloud-init-modules-final-start           -          -     309.50"
			       "       7.75 L2\n  probe-start                              -          -"
			       "     401.37      91.87 L2\n  probe-end                                -"
			       "          -     414.81      13.44 L2\n  l2-off                             "
			       "474.000     471.90          -    452.500 L0\n");
	assert_contains(c.out, "\nwindow    12.750000 s (wall, L2's CLOCK_MONOTONIC), TSC delta "
			       "31875000000 (L2's TSC: virtual under nesting)\n");
	assert_null(strstr(c.out, "exits in the workload window"));
	captured_free(&c);
	c = SHOW(DATA "timeline/cpuid.json");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "\nrun       started 2026-11-29T11:02:05Z, 476.1 s\n"
			       "window    12.750000 s (wall, in L2)\n\nexits in the workload window");
	assert_null(strstr(c.out, "l0-start"));
	captured_free(&c);
	/* An older result's: L1's uptimes from its status.log, gaps by them; no window. */
	c = SHOW("tests/data/runs/reasons-svm.json", "--timeline");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "\n  start                     -       1.15          -          -\n"
			       "  done                      -       5.59          -       4.44 L1\n"
			       "window    not measured");
	captured_free(&c);
	c = SHOW("--timeline", DATA "k61/cpuid.json");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "\ntimeline  none recorded: an older result\n");
	captured_free(&c);
	c = SHOW(DATA "k61/cpuid.json");
	assert_null(strstr(c.out, "window    "));
	captured_free(&c);
	c = SHOW("--timeline");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "usage: exitscope show [--timeline] RESULT.json");
	captured_free(&c);
}

static void test_show_bad_input(void **state)
{
	struct captured c = SHOW(DATA "bad/truncated.json");

	(void)state;
	assert_int_equal(c.status, EXIT_USAGE);
	assert_string_equal(c.out, "");
	assert_contains(c.err, "truncated.json: line 88 column 14: not valid JSON");
	captured_free(&c);
	c = run_cmd(cmd_show, (char *[]){ "show", NULL });
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "usage: exitscope show");
	captured_free(&c);
}

static void test_diff_golden_kernels(void **state)
{
	struct captured c = DIFF(DATA "k61/cpuid.json", DATA "k612/cpuid.json");

	(void)state;
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_golden(c.out, "diff-k61-k612-cpuid.txt");
	captured_free(&c);
	c = DIFF("--json", DATA "k61/cpuid.json", DATA "k612/cpuid.json");
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_golden(c.out, "diff-k61-k612-cpuid.json");
	captured_free(&c);
}

/*
 * One run's result as an older exitscope wrote it (the probe's own read in
 * the window) against the same run's now: the header says which side is
 * raw, and the CPUID row differs by exactly that read.
 */
static void test_diff_older_against_workload(void **state)
{
	struct captured c = DIFF(DATA "raw/cpuid.json", "tests/data/runs/cpuid.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_golden(c.out, "diff-raw-workload-cpuid.txt");
	assert_contains(c.out, "exits                 raw (includes the probe's own reads: an older "
			       "result) -> workload (the probe's own reads apart)\n");
	assert_contains(c.out, "\n    0x72  cpuid                          100001       100000"
			       "           -1     1.00\n");
	captured_free(&c);
	c = DIFF("--json", DATA "raw/cpuid.json", "tests/data/runs/cpuid.json");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "\"exits\": {");
	captured_free(&c);
	/* Two older results: nothing between them to say. */
	c = DIFF(DATA "k61/cpuid.json", DATA "k61-rerun/cpuid.json");
	assert_null(strstr(c.out, "exits  "));
	captured_free(&c);
}

static void test_diff_unchanged_rerun(void **state)
{
	struct captured c = DIFF(DATA "k61/cpuid.json", DATA "k61-rerun/cpuid.json");

	(void)state;
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "unchanged: nothing changed by more than 10%");
	captured_free(&c);
	/* hlt 41 -> 57 counts once the minimum is lowered */
	c = DIFF("--min-count", "10", DATA "k61/cpuid.json", DATA "k61-rerun/cpuid.json");
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_contains(c.out, "hlt                                41           57          +16"
			       "     1.39  moved +39.0%");
	captured_free(&c);
}

static void test_diff_threshold(void **state)
{
	struct captured c = DIFF("--threshold", "70", DATA "k61/cpuid.json",
				 DATA "k612/cpuid.json");

	(void)state;
	assert_int_equal(c.status, 0);	/* vintr -61.9 % is the largest move */
	captured_free(&c);
	c = DIFF("--threshold=61", DATA "k61/cpuid.json", DATA "k612/cpuid.json");
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_contains(c.out, "moved: 1 of 9 reasons changed by more than 61%");
	captured_free(&c);
	c = DIFF("--threshold", "0", DATA "k61/cpuid.json", DATA "k61/cpuid.json");
	assert_int_equal(c.status, 0);
	captured_free(&c);
}

static void test_diff_refuses_incomparable(void **state)
{
	struct captured c = DIFF(DATA "k61/cpuid.json", DATA "vmx/cpuid.json");

	(void)state;
	assert_int_equal(c.status, EXIT_USAGE);
	assert_string_equal(c.out, "");
	assert_contains(c.err, "are not comparable: different ISAs (svm, vmx)");
	assert_contains(c.err, "--force compares them anyway");
	captured_free(&c);
	c = DIFF(DATA "k612/cpuid.json", DATA "params/cpuid.json");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "different parameters of workload cpuid");
	captured_free(&c);
	c = DIFF(DATA "k612/cpuid.json", DATA "k612/idle.json");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "different workloads (cpuid, idle)");
	captured_free(&c);
	c = DIFF("--force", DATA "k612/cpuid.json", DATA "params/cpuid.json");
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_contains(c.out, "workload.params       {\"N\":1000000} -> {\"N\":2000000}");
	captured_free(&c);
}

/* Per action: an exactness that changed, an action in one result only. */
static void test_diff_micro(void **state)
{
	struct captured c = DIFF(MICRO "vmx.json", MICRO "vmx-inexact.json");

	(void)state;
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_golden(c.out, "diff-micro-vmx.txt");
	captured_free(&c);
	c = DIFF("--json", MICRO "vmx.json", MICRO "vmx-inexact.json");
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_golden(c.out, "diff-micro-vmx.json");
	captured_free(&c);
	c = DIFF(MICRO "vmx.json", MICRO "vmx.json");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "micro guest: 8 action(s), each as exact in B as in A\n");
	captured_free(&c);
	c = DIFF(MICRO "vmx.json", MICRO "svm.json");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "different ISAs (vmx, svm)");
	captured_free(&c);
}

/* An exactness change alone, with every count the same, is a move: exit 1. */
static void test_diff_micro_exactness_alone(void **state)
{
	char path[] = "/tmp/exitscope-test-micro.XXXXXX";
	json_t *doc = json_load_file(MICRO "vmx.json", 0, NULL), *micro, *wrmsr;
	struct captured c;
	int fd = mkstemp(path);

	(void)state;
	assert_non_null(doc);
	assert_true(fd >= 0);
	micro = json_object_get(doc, "micro");
	wrmsr = json_array_get(json_object_get(micro, "reasons"), 5);
	json_object_set_new(wrmsr, "traced", json_integer(1001));
	json_object_set_new(wrmsr, "exact", json_false());
	json_object_set_new(micro, "exact", json_false());
	assert_int_equal(json_dumpfd(doc, fd, JSON_SORT_KEYS), 0);
	close(fd);
	json_decref(doc);
	c = DIFF(MICRO "vmx.json", path);
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_contains(c.out, "unchanged: nothing changed by more than 10%");
	assert_contains(c.out, "micro guest: 1 of 8 action(s) moved");
	assert_contains(c.out, "  wrmsr        32 MSR_WRITE             1000     1000 yes       1000"
			       "     1000 NO     exact in A only\n");
	captured_free(&c);
	unlink(path);
}

static const char *const bad_files[] = {
	"truncated.json", "schema-v2.json", "not-json.json", "missing-key.json",
	"missing-nested-key.json", "wrong-type.json", "negative-count.json",
	"unknown-key.json", "probe-output.json", "no-such-file.json",
};

/* Either side bad: exit 2, nothing on stdout, the file named on stderr. */
static void test_diff_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		char path[128];
		struct captured c;

		snprintf(path, sizeof(path), DATA "bad/%s", bad_files[i]);
		c = DIFF(DATA "k612/cpuid.json", path);
		assert_int_equal(c.status, EXIT_USAGE);
		assert_string_equal(c.out, "");
		assert_contains(c.err, path);
		captured_free(&c);
		c = DIFF(path, DATA "k612/cpuid.json");
		assert_int_equal(c.status, EXIT_USAGE);
		assert_contains(c.err, path);
		captured_free(&c);
	}
}

static void test_diff_directories(void **state)
{
	struct captured c = DIFF(DATA "k61", DATA "k612");

	(void)state;
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	assert_golden(c.out, "diff-k61-k612-dirs.txt");
	captured_free(&c);
	/* a directory against itself: unchanged, and pio pairs with itself */
	c = DIFF(DATA "k61", DATA "k61/");
	assert_int_equal(c.status, 0);
	assert_contains(c.out, "== pio");
	captured_free(&c);
	/* the bad folder: every pair fails, the worst is 2 */
	c = DIFF(DATA "bad", DATA "bad");
	assert_int_equal(c.status, EXIT_USAGE);
	captured_free(&c);
}

static void test_diff_directories_json(void **state)
{
	struct captured c = DIFF("--json", DATA "k61", DATA "k612");
	json_error_t jerr;
	json_t *doc;

	(void)state;
	assert_int_equal(c.status, EXIT_MEASURED_FAILED);
	doc = json_loads(c.out, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "exit")), 1);
	assert_int_equal(json_array_size(json_object_get(doc, "pairs")), 3);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(doc, "pairs"), 2), "error")),
			    "only in A");
	json_decref(doc);
	captured_free(&c);
}

static void test_diff_usage_errors(void **state)
{
	struct captured c = DIFF(DATA "k61/cpuid.json");

	(void)state;
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "needs two results or two directories");
	captured_free(&c);
	c = DIFF("--threshold", "-5", "a", "b");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "--threshold needs PCT, a number from 0 to 1000000 (digits, an "
			       "optional fraction), not '-5'");
	captured_free(&c);
	c = DIFF("--min-count", "1.5", "a", "b");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "--min-count needs N, a whole number from 0 to 9223372036854775807");
	captured_free(&c);
	c = DIFF("--bogus", "a", "b");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "unknown option '--bogus'");
	captured_free(&c);
	c = DIFF(DATA "k61", DATA "k612/cpuid.json");
	assert_int_equal(c.status, EXIT_USAGE);
	assert_contains(c.err, "is a directory and");
	captured_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_golden),
		cmocka_unit_test(test_show_workload_window),
		cmocka_unit_test(test_show_neighbor),
		cmocka_unit_test(test_show_micro),
		cmocka_unit_test(test_show_timeline),
		cmocka_unit_test(test_show_bad_input),
		cmocka_unit_test(test_diff_golden_kernels),
		cmocka_unit_test(test_diff_older_against_workload),
		cmocka_unit_test(test_diff_unchanged_rerun),
		cmocka_unit_test(test_diff_threshold),
		cmocka_unit_test(test_diff_refuses_incomparable),
		cmocka_unit_test(test_diff_micro),
		cmocka_unit_test(test_diff_micro_exactness_alone),
		cmocka_unit_test(test_diff_bad_inputs),
		cmocka_unit_test(test_diff_directories),
		cmocka_unit_test(test_diff_directories_json),
		cmocka_unit_test(test_diff_usage_errors),
		cmocka_unit_test(test_show_and_diff_a_repeated_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
