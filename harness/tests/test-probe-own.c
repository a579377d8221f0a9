// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's own exits apart from the workload's: the split of a window and
 * of samples, the result's probe_own block and its checks, and the recorded
 * runs, whose workload windows must hold exactly what their workloads did.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exec.h"
#include "probe-own.h"
#include "result.h"
#include "run.h"
#include "util.h"

#define RUNS "tests/data/runs"

static void test_cycles_split_in_proportion(void **state)
{
	(void)state;
	assert_int_equal(probe_own_cycles(1000, 1, 4), 250);
	assert_int_equal(probe_own_cycles(1000, 4, 4), 1000);
	assert_int_equal(probe_own_cycles(1000, 1, 3), 333);
	assert_int_equal(probe_own_cycles(1000, 0, 3), 0);
	assert_int_equal(probe_own_cycles(1000, 0, 0), 0);
	/* cycles * own is far beyond 64 bits here; the share is not. */
	assert_true(probe_own_cycles(UINT64_MAX, UINT64_MAX - 1, UINT64_MAX) == UINT64_MAX - 1);
	assert_true(probe_own_cycles(UINT64_MAX, 3, 4) == UINT64_MAX / 4 * 3 + 2);
}

static json_t *svm_window(json_int_t cpuid_count)
{
	return json_pack("{s:I, s:I, s:[{s:i, s:s, s:I, s:I}, {s:i, s:s, s:i, s:i}]}", "total",
			 (json_int_t)100 + cpuid_count, "cycles", (json_int_t)1000, "by_reason",
			 "reason", 0x72, "name", "cpuid", "count", cpuid_count, "cycles",
			 (json_int_t)500, "reason", 0x7c, "name", "msr", "count", 100, "cycles", 400);
}

static json_int_t get(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static void test_split_takes_the_cpuid_row(void **state)
{
	json_t *exits = svm_window(10), *own, *row;
	char err[256] = "";

	(void)state;
	own = probe_own_split(EXSC_ISA_SVM, exits, 4, err, sizeof(err));
	assert_non_null(own);
	row = json_array_get(json_object_get(exits, "by_reason"), 0);
	assert_int_equal(get(row, "count"), 6);
	assert_int_equal(get(row, "cycles"), 300);
	assert_int_equal(get(exits, "total"), 106);
	assert_int_equal(get(exits, "cycles"), 800);
	assert_int_equal(get(own, "total"), 4);
	assert_int_equal(get(own, "cycles"), 200);
	assert_int_equal(json_array_size(json_object_get(own, "by_reason")), 1);
	row = json_array_get(json_object_get(own, "by_reason"), 0);
	assert_int_equal(get(row, "reason"), 0x72);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "cpuid");
	assert_int_equal(get(row, "count"), 4);
	assert_int_equal(get(row, "cycles"), 200);
	json_decref(own);
	json_decref(exits);
}

static void test_split_drops_a_reason_left_at_zero(void **state)
{
	json_t *exits = svm_window(10), *own;
	char err[256] = "";

	(void)state;
	own = probe_own_split(EXSC_ISA_SVM, exits, 10, err, sizeof(err));
	assert_non_null(own);
	assert_int_equal(json_array_size(json_object_get(exits, "by_reason")), 1);
	assert_int_equal(get(json_array_get(json_object_get(exits, "by_reason"), 0), "reason"),
			 0x7c);
	assert_int_equal(get(exits, "total"), 100);
	assert_int_equal(get(exits, "cycles"), 500);
	assert_int_equal(get(own, "cycles"), 500);
	json_decref(own);
	json_decref(exits);
	/* Nothing to take: the window as it was, and an empty probe_own. */
	exits = svm_window(10);
	own = probe_own_split(EXSC_ISA_SVM, exits, 0, err, sizeof(err));
	assert_non_null(own);
	assert_int_equal(get(exits, "total"), 110);
	assert_int_equal(get(json_array_get(json_object_get(exits, "by_reason"), 0), "count"), 10);
	assert_int_equal(get(own, "total"), 0);
	assert_int_equal(get(own, "cycles"), 0);
	assert_int_equal(json_array_size(json_object_get(own, "by_reason")), 0);
	json_decref(own);
	json_decref(exits);
}

/* A window with fewer CPUID exits than the probe's reads: the counters missed some. */
static void test_split_refuses_a_window_short_of_the_reads(void **state)
{
	json_t *exits = svm_window(10), *before = json_deep_copy(exits);
	char err[256] = "";

	(void)state;
	assert_null(probe_own_split(EXSC_ISA_SVM, exits, 11, err, sizeof(err)));
	assert_non_null(strstr(err, "holds 10 CPUID exit(s) and 110 in all, fewer than the "
				    "probe's own 11 reads"));
	assert_true(json_equal(exits, before));
	/* The total's cycles short of the reason's share: they stop at zero, no failure. */
	json_object_set_new(exits, "cycles", json_integer(100));
	json_decref(probe_own_split(EXSC_ISA_SVM, exits, 4, err, sizeof(err)));
	assert_int_equal(get(exits, "cycles"), 0);
	assert_int_equal(get(exits, "total"), 106);
	/* VMX's CPUID is reason 10: an SVM window has none of it. */
	assert_null(probe_own_split(EXSC_ISA_VMX, exits, 1, err, sizeof(err)));
	json_decref(before);
	json_decref(exits);
}

static void test_samples_become_the_workloads(void **state)
{
	json_t *samples = json_pack("[{s:i, s:i, s:i, s:{s:i, s:i}}, {s:i, s:i, s:i, s:{s:i, s:i}},"
				    " {s:i, s:i, s:{s:i}}]",
				    "t_ms", 0, "total", 5, "own", 2, "by_reason", "cpuid", 3, "hlt", 2,
				    "t_ms", 100, "total", 50, "own", 40, "by_reason", "cpuid", 40,
				    "hlt", 10, "t_ms", 200, "total", 60, "by_reason", "cpuid", 45);
	json_t *out, *s;

	(void)state;
	out = probe_own_samples(EXSC_ISA_SVM, samples);
	assert_non_null(out);
	assert_int_equal(json_array_size(out), 3);
	s = json_array_get(out, 0);
	assert_int_equal(get(s, "total"), 3);
	assert_int_equal(get(s, "own"), 2);
	assert_int_equal(get(json_object_get(s, "by_reason"), "cpuid"), 1);
	assert_int_equal(get(json_object_get(s, "by_reason"), "hlt"), 2);
	s = json_array_get(out, 1);
	assert_int_equal(get(s, "total"), 10);
	assert_int_equal(get(s, "own"), 40);
	assert_null(json_object_get(json_object_get(s, "by_reason"), "cpuid"));
	assert_int_equal(get(json_object_get(s, "by_reason"), "hlt"), 10);
	/* An older probe's sample says no own: it stays as it was. */
	assert_true(json_equal(json_array_get(out, 2), json_array_get(samples, 2)));
	/* The probe document is left alone. */
	assert_int_equal(get(json_array_get(samples, 0), "total"), 5);
	json_decref(out);
	json_decref(samples);
}

static json_t *assemble(const char *dir, struct run_evidence **ev)
{
	char err[512] = "";
	struct run_verdict v;
	json_t *result;

	*ev = run_evidence_read(dir);
	assert_non_null(*ev);
	result = run_assemble(dir, *ev, &v, err, sizeof(err));
	if (!result)
		fail_msg("%s: %s", dir, err);
	return result;
}

/*
 * The recorded cpuid runs: the workload window's CPUID reason is exactly the
 * N the probe checked, the probe's own reads are apart, and window and
 * probe_own add up to the probe's raw window, cycles too.
 */
static void test_recorded_cpuid_windows_are_the_workloads(void **state)
{
	const char *const runs[] = { RUNS "/cpuid.run", RUNS "/cpuid-abi2.run" };

	(void)state;
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct run_evidence *ev;
		json_t *doc = assemble(runs[i], &ev);
		const struct exit_count *raw = exit_table_find(&ev->doc.exits, 0x72);
		const struct result_reason *cpuid, *own;
		struct result_error err;
		struct result r;

		assert_int_equal(result_parse(doc, &r, &err), 0);
		assert_non_null(raw);
		assert_true(r.probe_own_present);
		assert_int_equal(result_exits_kind(&r), RESULT_EXITS_WORKLOAD);
		cpuid = result_window_find(&r.exits, 0x72);
		own = result_window_find(&r.probe_own, 0x72);
		assert_non_null(cpuid);
		assert_non_null(own);
		assert_int_equal(cpuid->count,
				 json_integer_value(json_object_get(r.workload.params, "N")));
		assert_int_equal(r.probe_own.total, r.probe_cpuid_exits);
		assert_true(r.probe_cpuid_exits > 0);
		assert_int_equal(cpuid->count + own->count, raw->count);
		assert_int_equal(cpuid->cycles + own->cycles, raw->cycles);
		assert_int_equal(r.exits.total + r.probe_own.total, ev->doc.exits.total);
		assert_int_equal(r.exits.cycles + r.probe_own.cycles, ev->doc.exits.cycles);
		result_free(&r);
		json_decref(doc);
		run_evidence_free(ev);
	}
}

/* Samples with own in the recorded run's document: the result's are the workload's, and valid. */
static void test_assembled_samples_are_the_workloads(void **state)
{
	char err[512] = "";
	struct run_evidence *ev = run_evidence_read(RUNS "/cpuid.run");
	struct run_verdict v;
	json_t *result, *samples;

	(void)state;
	assert_non_null(ev);
	samples = json_pack("[{s:i, s:i, s:i, s:{s:i, s:i}}, {s:i, s:i, s:i, s:{s:i}}]",
			    "t_ms", 0, "total", 120, "own", 112, "by_reason", "cpuid", 113, "msr", 4,
			    "t_ms", 100, "total", 900, "own", 224, "by_reason", "cpuid", 800);
	assert_int_equal(json_object_set_new(ev->probe, "samples", samples), 0);
	assert_int_equal(json_object_set_new(ev->probe, "sample_ms", json_integer(100)), 0);
	ev->doc.samples = samples;
	result = run_assemble(RUNS "/cpuid.run", ev, &v, err, sizeof(err));
	if (!result)
		fail_msg("%s", err);
	samples = json_object_get(result, "samples");
	assert_int_equal(get(json_array_get(samples, 0), "total"), 8);
	assert_int_equal(get(json_array_get(samples, 0), "own"), 112);
	assert_int_equal(get(json_object_get(json_array_get(samples, 0), "by_reason"), "cpuid"), 1);
	assert_int_equal(get(json_array_get(samples, 1), "total"), 676);
	assert_int_equal(get(json_object_get(json_array_get(samples, 1), "by_reason"), "cpuid"), 576);
	/* The probe's document keeps its own figures. */
	assert_int_equal(get(json_array_get(ev->doc.samples, 0), "total"), 120);
	json_decref(result);
	run_evidence_free(ev);
}

/* A probe document that claims more reads of its own than its window holds is not assembled. */
static void test_assembly_refuses_a_window_short_of_the_reads(void **state)
{
	char tmpl[] = "/tmp/exitscope-test-own.XXXXXX", dir[PATH_MAX], probe[PATH_MAX + 32];
	char *const cp[] = { "cp", "-r", RUNS "/cpuid.run", tmpl, NULL };
	char *const edit[] = { "sed", "-i", "s/\"probe_cpuid_exits\": 1,/\"probe_cpuid_exits\": "
			       "100002,/", probe, NULL };
	char *const rm[] = { "rm", "-rf", tmpl, NULL };
	char err[512] = "";
	struct run_evidence *ev;
	struct run_verdict v;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(exec_run(cp, NULL, NULL), 0);
	snprintf(dir, sizeof(dir), "%s/cpuid.run", tmpl);
	snprintf(probe, sizeof(probe), "%s/out/l2-probe.out", dir);
	assert_int_equal(exec_run(edit, NULL, NULL), 0);
	ev = run_evidence_read(dir);
	assert_non_null(ev);
	assert_int_equal(ev->doc.probe_cpuid_exits, 100002);
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	assert_non_null(strstr(err, "fewer than the probe's own 100002 reads"));
	assert_non_null(strstr(err, "out/l2-probe.out"));
	run_evidence_free(ev);
	assert_int_equal(exec_run(rm, NULL, NULL), 0);
}

static json_t *load(const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);

	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	return j;
}

/* @doc, broken by the caller, must be refused with an error containing @says. */
static void assert_refused(json_t *doc, const char *says)
{
	struct result_error err;

	assert_int_equal(result_validate(doc, &err), -EINVAL);
	if (!strstr(err.text, says))
		fail_msg("'%s' does not say '%s'", err.text, says);
	json_decref(doc);
}

static void test_probe_own_is_checked(void **state)
{
	json_t *doc;

	(void)state;
	doc = load(RUNS "/cpuid.json");
	json_object_set_new(doc, "probe_cpuid_exits", json_integer(2));
	assert_refused(doc, "probe_own.total is 1, but probe_cpuid_exits is 2");
	doc = load(RUNS "/cpuid.json");
	json_object_set_new(json_array_get(json_object_get(json_object_get(doc, "probe_own"),
							   "by_reason"), 0),
			    "reason", json_integer(0x7c));
	assert_refused(doc, "probe_own.by_reason holds other than the svm CPUID reason");
	doc = load(RUNS "/cpuid.json");
	json_object_set_new(json_object_get(doc, "probe_own"), "cycles", json_integer(1));
	assert_refused(doc, "probe_own's total and cycles are not its CPUID row's");
	doc = load(RUNS "/cpuid.json");
	json_object_set_new(json_object_get(doc, "probe_own"), "extra", json_integer(1));
	assert_refused(doc, "probe_own");
	/* A stock kernel's window is the histogram's: there was no probe window to split. */
	doc = load("tests/data/results/kinds/stock.json");
	json_object_set_new(doc, "probe_own", json_pack("{s:i, s:i, s:[]}", "total", 0, "cycles", 0,
							"by_reason"));
	assert_refused(doc, "probe_own is there, but a stock kernel's result has no probe window");
	/* Nor has the micro stage, which runs no probe. */
	doc = load("tests/data/results/micro/vmx.json");
	json_object_set_new(doc, "probe_own", json_pack("{s:i, s:i, s:[]}", "total", 0, "cycles", 0,
							"by_reason"));
	assert_refused(doc, "probe_own is there, but a micro stage's result has no probe window");
}

/* An older result: no probe_own, its exits the raw window; it still loads. */
static void test_an_older_result_is_raw(void **state)
{
	struct result_error err;
	struct result r;

	(void)state;
	assert_int_equal(result_load("tests/data/results/k61/cpuid.json", &r, &err), 0);
	assert_false(r.probe_own_present);
	assert_int_equal(result_exits_kind(&r), RESULT_EXITS_RAW);
	result_free(&r);
	assert_int_equal(result_load("tests/data/results/kinds/stock.json", &r, &err), 0);
	assert_int_equal(result_exits_kind(&r), RESULT_EXITS_HISTOGRAM);
	result_free(&r);
	assert_int_equal(result_load("tests/data/results/micro/vmx.json", &r, &err), 0);
	assert_int_equal(result_exits_kind(&r), RESULT_EXITS_MICRO);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycles_split_in_proportion),
		cmocka_unit_test(test_split_takes_the_cpuid_row),
		cmocka_unit_test(test_split_drops_a_reason_left_at_zero),
		cmocka_unit_test(test_split_refuses_a_window_short_of_the_reads),
		cmocka_unit_test(test_samples_become_the_workloads),
		cmocka_unit_test(test_recorded_cpuid_windows_are_the_workloads),
		cmocka_unit_test(test_assembled_samples_are_the_workloads),
		cmocka_unit_test(test_assembly_refuses_a_window_short_of_the_reads),
		cmocka_unit_test(test_probe_own_is_checked),
		cmocka_unit_test(test_an_older_result_is_raw),
	};

	return cmocka_run_group_tests_name("probe-own", tests, NULL, NULL);
}
