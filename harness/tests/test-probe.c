// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's snapshots and deltas against a model hypervisor: a fake CPUID
 * that counts its own exits the way the patched KVM does (the exit is counted
 * before the leaf is answered).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exitscope/reasons.h"
#include "probe.h"
#include "document.h"
#include "probe-doc.h"
#include "sampler.h"

#define SVM_CPUID 0x72
#define SVM_HLT 0x78
#define SVM_NR_CODES 0x401

static uint64_t model_count[SVM_NR_CODES];
static uint64_t model_total;

static void model_exit(uint32_t code)
{
	model_count[code]++;
	model_total++;
}

/* Locked, because run --samples reads from a second thread. */
static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;

static void model_answer(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out)
{
	uint64_t count;

	model_exit(SVM_CPUID);
	*out = (struct exsc_regs){ 0, 0, 0, 0 };
	if (leaf == EXSC_LEAF_INFO) {
		*out = (struct exsc_regs){ 1, EXSC_ISA_SVM, 261, EXSC_SIGNATURE };
		return;
	}
	if (leaf != EXSC_LEAF_REASON && leaf != EXSC_LEAF_TOTAL)
		return;
	if (leaf == EXSC_LEAF_REASON && !reasons_name(EXSC_ISA_SVM, subleaf)) {
		out->edx = EXSC_UNDEFINED_EDX;
		return;
	}
	count = leaf == EXSC_LEAF_TOTAL ? model_total
		: subleaf < SVM_NR_CODES ? model_count[subleaf] : 0;
	out->eax = (uint32_t)count;
	out->edx = (uint32_t)(count >> 32);
	out->ecx = (uint32_t)(count * 100);	/* 100 cycles per exit */
	out->ebx = (uint32_t)((count * 100) >> 32);
}

static void model_cpuid(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out)
{
	pthread_mutex_lock(&model_lock);
	model_answer(leaf, subleaf, out);
	pthread_mutex_unlock(&model_lock);
}

static int model_reset(void **state)
{
	(void)state;
	memset(model_count, 0, sizeof(model_count));
	model_total = 0;
	return 0;
}

static json_int_t reason_count(json_t *exits, uint32_t code)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(exits, "by_reason"), i, r)
		if (json_integer_value(json_object_get(r, "reason")) == code)
			return json_integer_value(json_object_get(r, "count"));
	return -1;
}

static void test_detect_reads_the_info_leaf(void **state)
{
	struct exsc_info info;

	(void)state;
	assert_int_equal(probe_detect(model_cpuid, &info), 0);
	assert_int_equal(info.isa, EXSC_ISA_SVM);
}

static void test_cpuid_loop_is_exactly_n_plus_the_probes_own(void **state)
{
	struct probe_snapshot before, after;
	struct exsc_regs regs;
	json_t *exits;

	(void)state;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &before);
	for (int i = 0; i < 1000; i++)
		model_cpuid(0, 0, &regs);
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &after);
	exits = probe_delta_json(EXSC_ISA_SVM, &before, &after);
	/* 1000 from the loop, 1 from the after-snapshot's first read. */
	assert_int_equal(reason_count(exits, SVM_CPUID), 1001);
	json_decref(exits);
}

static void test_delta_keeps_only_reasons_that_moved(void **state)
{
	struct probe_snapshot before, after;
	json_t *exits;

	(void)state;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &before);
	for (int i = 0; i < 7; i++)
		model_exit(SVM_HLT);
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &after);
	exits = probe_delta_json(EXSC_ISA_SVM, &before, &after);
	assert_int_equal(reason_count(exits, SVM_HLT), 7);
	assert_int_equal(json_array_size(json_object_get(exits, "by_reason")), 2);
	/*
	 * The total covers the per-reason window: the HLTs and the one CPUID exit
	 * of after's first read, not the snapshots' other reads of the total
	 * leaf's raw delta.  So it equals the sum of the reasons.
	 */
	assert_int_equal(json_integer_value(json_object_get(exits, "total")),
			 7 + PROBE_WINDOW_CPUID_EXITS);
	json_decref(exits);
}

static void test_counters_beyond_32_bits(void **state)
{
	struct probe_snapshot before, after;
	json_t *exits;

	(void)state;
	model_count[SVM_HLT] = 0xFFFFFFF0ULL;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &before);
	model_count[SVM_HLT] += 0x20;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &after);
	exits = probe_delta_json(EXSC_ISA_SVM, &before, &after);
	assert_int_equal(reason_count(exits, SVM_HLT), 0x20);
	json_decref(exits);
}

static void test_snapshot_executes_what_it_says(void **state)
{
	struct probe_snapshot s;
	uint64_t before = model_count[SVM_CPUID];

	(void)state;
	assert_int_equal(probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &s),
			 probe_snapshot_reads(EXSC_ISA_SVM));
	assert_int_equal(model_count[SVM_CPUID] - before, probe_snapshot_reads(EXSC_ISA_SVM));
}

/* It reads what the manual defines, not what the build host's headers name. */
static void test_snapshot_reads_every_defined_reason(void **state)
{
	struct probe_snapshot s;
	bool read_cr1 = false, vmgexit_ghcb = false;

	(void)state;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &s);
	assert_int_equal(s.nr, EXSC_SVM_SLOTS);
	for (size_t i = 0; i < s.nr; i++) {
		read_cr1 |= s.code[i] == 0x001;
		vmgexit_ghcb |= s.code[i] == 0x80000001u;
	}
	assert_true(read_cr1);
	assert_false(vmgexit_ghcb);
	probe_snapshot_take(model_cpuid, EXSC_ISA_VMX, &s);
	assert_int_equal(s.nr, 80);
	assert_int_equal(s.code[s.nr - 1], 85);
}

/*
 * The sampler's reads are CPUID exits inside the window: with them in
 * probe_cpuid_exits, the CPUID delta is still the loop plus the probe's own.
 */
static void test_sampler_reads_are_in_probe_cpuid_exits(void **state)
{
	struct probe_snapshot before, after;
	struct probe_sampler sampler;
	struct exsc_regs regs;
	json_t *exits;

	(void)state;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &before);
	assert_int_equal(sampler_init(&sampler, model_cpuid, EXSC_ISA_SVM, &before, 1), 0);
	for (int i = 0; i < 1000; i++) {
		if (i % 250 == 0)
			sampler_take(&sampler);
		model_cpuid(0, 0, &regs);
	}
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &after);
	exits = probe_delta_json(EXSC_ISA_SVM, &before, &after);
	assert_int_equal(sampler.reads, 4 * probe_snapshot_reads(EXSC_ISA_SVM));
	assert_int_equal(reason_count(exits, SVM_CPUID),
			 1000 + probe_window_cpuid_exits(sampler.reads));
	json_decref(exits);
	sampler_destroy(&sampler);
}

/* A sample is {t_ms, total, by_reason: {name: count}}, deltas from the window's start. */
static void test_sample_names_the_reasons_that_moved(void **state)
{
	struct probe_snapshot before;
	struct probe_sampler sampler;
	json_t *sample;

	(void)state;
	probe_snapshot_take(model_cpuid, EXSC_ISA_SVM, &before);
	assert_int_equal(sampler_init(&sampler, model_cpuid, EXSC_ISA_SVM, &before, 1000), 0);
	for (int i = 0; i < 5; i++)
		model_exit(SVM_HLT);
	sampler_take(&sampler);
	sample = json_array_get(sampler.samples, 0);
	assert_non_null(sample);
	assert_true(json_integer_value(json_object_get(sample, "t_ms")) >= 0);
	/* As the window counts: the HLTs and the probe's own, before's last read to this first. */
	assert_int_equal(json_integer_value(json_object_get(sample, "total")), 5 + 1);
	assert_int_equal(json_integer_value(json_object_get(sample, "own")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sample, "by_reason"),
							    "hlt")), 5);
	/* before's last read to the sample's first: that one read. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sample, "by_reason"),
							    "cpuid")), 1);
	assert_int_equal(json_object_size(json_object_get(sample, "by_reason")), 2);
	/* A second sample's own: the first's reads too; total - own is the HLTs alone. */
	for (int i = 0; i < 3; i++)
		model_exit(SVM_HLT);
	sampler_take(&sampler);
	sample = json_array_get(sampler.samples, 1);
	assert_int_equal(json_integer_value(json_object_get(sample, "own")),
			 1 + probe_snapshot_reads(EXSC_ISA_SVM));
	assert_int_equal(json_integer_value(json_object_get(sample, "total")) -
			 json_integer_value(json_object_get(sample, "own")), 8);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sample, "by_reason"),
							    "cpuid")),
			 json_integer_value(json_object_get(sample, "own")));
	sampler_destroy(&sampler);
}

/* The same through run --samples, with the sampling thread racing the loop. */
static void test_run_with_samples_stays_exact(void **state)
{
	const struct workload *w = workload_find("cpuid");
	const struct workload_args args = { .n = 200000 };
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };
	struct workload_ctx ctx;
	struct probe_doc *parsed;
	json_t *doc, *samples;
	json_int_t own;
	char err[256];

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, w, &args), 0);
	assert_int_equal(probe_run_doc(model_cpuid, probe_clock_hw, &info, &ctx, 1, &doc), 0);
	samples = json_object_get(doc, "samples");
	/* One sample when the thread starts and one after it stops, at least. */
	assert_true(json_array_size(samples) >= 2);
	own = json_integer_value(json_object_get(doc, "probe_cpuid_exits"));
	assert_int_equal(own, 1 + json_array_size(samples) * probe_snapshot_reads(EXSC_ISA_SVM));
	assert_true(json_is_true(json_object_get(doc, "cpuid_exact")));
	assert_int_equal(reason_count(json_object_get(doc, "exits"), SVM_CPUID), 200000 + own);
	assert_int_equal(json_integer_value(json_object_get(doc, "sample_ms")), 1);
	assert_true(probe_run_passed(doc));
	/* What the sampling thread adds passes the validator the probe writes through. */
	parsed = malloc(sizeof(*parsed));
	assert_non_null(parsed);
	if (probe_doc_parse(doc, parsed, err, sizeof(err)))
		fail_msg("invalid document: %s", err);
	assert_ptr_equal(parsed->samples, samples);
	free(parsed);
	json_decref(doc);
	workload_release(&ctx);
}

/* A run without --samples has neither samples nor the sampler's reads. */
static void test_run_without_samples(void **state)
{
	const struct workload *w = workload_find("cpuid");
	const struct workload_args args = { .n = 10 };
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };
	struct workload_ctx ctx;
	json_t *doc;

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, w, &args), 0);
	assert_int_equal(probe_run_doc(model_cpuid, probe_clock_hw, &info, &ctx, 0, &doc), 0);
	assert_null(json_object_get(doc, "samples"));
	assert_int_equal(json_integer_value(json_object_get(doc, "probe_cpuid_exits")),
			 PROBE_WINDOW_CPUID_EXITS);
	assert_true(json_is_true(json_object_get(doc, "cpuid_exact")));
	json_decref(doc);
	workload_release(&ctx);
}

/*
 * run --repeat 3: the document is the first window's, as one run writes it,
 * and "repeat" holds three windows, each exactly N CPUIDs and the probe's
 * own read, which the validator the probe writes through accepts.
 */
static void test_run_repeated_windows_are_each_exact(void **state)
{
	const struct workload *w = workload_find("cpuid");
	const struct workload_args args = { .n = 1000 };
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };
	struct workload_ctx ctx;
	struct probe_doc *parsed = malloc(sizeof(*parsed));
	json_t *doc, *windows, *win;
	char err[256];
	size_t i;

	(void)state;
	assert_non_null(parsed);
	assert_int_equal(workload_ctx_init(&ctx, w, &args), 0);
	assert_int_equal(probe_run_doc_repeat(model_cpuid, probe_clock_hw, &info, &ctx, 0, 3, &doc),
			 0);
	windows = json_object_get(json_object_get(doc, "repeat"), "windows");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "repeat"), "n")), 3);
	assert_int_equal(json_array_size(windows), 3);
	json_array_foreach(windows, i, win) {
		assert_int_equal(reason_count(json_object_get(win, "exits"), SVM_CPUID),
				 1000 + PROBE_WINDOW_CPUID_EXITS);
		assert_true(json_is_true(json_object_get(win, "cpuid_exact")));
	}
	assert_true(json_equal(json_object_get(json_array_get(windows, 0), "exits"),
			       json_object_get(doc, "exits")));
	assert_true(json_is_true(json_object_get(doc, "cpuid_exact")));
	assert_true(probe_run_passed(doc));
	if (probe_doc_parse(doc, parsed, err, sizeof(err)))
		fail_msg("invalid document: %s", err);
	assert_int_equal(parsed->repeat_n, 3);
	/* A third window that was not exact makes the whole run inexact: the validator says so. */
	json_object_set_new(json_array_get(windows, 2), "cpuid_exact", json_false());
	assert_int_equal(probe_doc_parse(doc, parsed, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cpuid_exact is true, but not every window is exact"));
	free(parsed);
	json_decref(doc);
	workload_release(&ctx);
}

/*
 * --repeat with --samples: each window is sampled alike, so each counts its
 * own sampler's reads in its probe_cpuid_exits and stays exact; the samples
 * kept are the first window's.
 */
static void test_run_repeated_with_samples(void **state)
{
	const struct workload *w = workload_find("cpuid");
	const struct workload_args args = { .n = 50000 };
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };
	struct probe_doc *parsed = malloc(sizeof(*parsed));
	struct workload_ctx ctx;
	json_t *doc, *win;
	char err[256];
	size_t i;

	(void)state;
	assert_non_null(parsed);
	assert_int_equal(workload_ctx_init(&ctx, w, &args), 0);
	assert_int_equal(probe_run_doc_repeat(model_cpuid, probe_clock_hw, &info, &ctx, 1, 2, &doc),
			 0);
	json_array_foreach(json_object_get(json_object_get(doc, "repeat"), "windows"), i, win) {
		json_int_t own = json_integer_value(json_object_get(win, "probe_cpuid_exits"));

		/* At least two samples a window, each a whole snapshot, and the closing read. */
		assert_true(own >= 1 + 2 * (json_int_t)probe_snapshot_reads(EXSC_ISA_SVM));
		assert_int_equal(reason_count(json_object_get(win, "exits"), SVM_CPUID), 50000 + own);
		assert_true(json_is_true(json_object_get(win, "cpuid_exact")));
	}
	assert_int_equal(json_integer_value(json_object_get(doc, "probe_cpuid_exits")),
			 1 + json_array_size(json_object_get(doc, "samples")) *
				     probe_snapshot_reads(EXSC_ISA_SVM));
	if (probe_doc_parse(doc, parsed, err, sizeof(err)))
		fail_msg("invalid document: %s", err);
	free(parsed);
	json_decref(doc);
	workload_release(&ctx);
}

/* --repeat 1 writes exactly what a run without it writes: no "repeat". */
static void test_run_repeat_one_is_one_run(void **state)
{
	const struct workload *w = workload_find("cpuid");
	const struct workload_args args = { .n = 10 };
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };
	struct workload_ctx ctx;
	json_t *one, *plain;

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, w, &args), 0);
	assert_int_equal(probe_run_doc_repeat(model_cpuid, probe_clock_hw, &info, &ctx, 0, 1, &one),
			 0);
	model_reset(NULL);
	assert_int_equal(probe_run_doc(model_cpuid, probe_clock_hw, &info, &ctx, 0, &plain), 0);
	assert_null(json_object_get(one, "repeat"));
	/* The clocks differ between two runs; everything else is the same document. */
	json_object_del(one, "window");
	json_object_del(plain, "window");
	assert_true(json_equal(one, plain));
	json_decref(one);
	json_decref(plain);
	workload_release(&ctx);
}

/* A CPUID from elsewhere in the window breaks exactness, and the run says so. */
static int workload_one_too_many(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	struct exsc_regs regs;

	(void)figures;
	for (unsigned long i = 0; i <= ctx->args.n; i++)
		cpuid(0, 0, &regs);
	return 0;
}

static void test_run_reports_an_inexact_cpuid_count(void **state)
{
	const struct workload w = { .name = "cpuid", .param = "N", .run = workload_one_too_many };
	const struct workload_args args = { .n = 10 };
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };
	struct workload_ctx ctx;
	json_t *doc;

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, &w, &args), 0);
	assert_int_equal(probe_run_doc(model_cpuid, probe_clock_hw, &info, &ctx, 0, &doc), 0);
	assert_true(json_is_false(json_object_get(doc, "cpuid_exact")));
	assert_false(probe_run_passed(doc));
	json_decref(doc);
	workload_release(&ctx);
}

static void test_emit_frames_the_document(void **state)
{
	char path[] = "/tmp/exitscope-test-probe-XXXXXX";
	char text[256] = "";
	json_t *doc = json_pack("{s:i}", "x", 1);
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(probe_emit(doc, path), 0);
	f = fdopen(fd, "r");
	assert_non_null(f);
	assert_int_equal(fread(text, 1, sizeof(text) - 1, f) > 0, 1);
	fclose(f);
	remove(path);
	json_decref(doc);
	assert_string_equal(text, "EXITSCOPE-BEGIN\n{\n  \"x\": 1\n}\nEXITSCOPE-END\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_detect_reads_the_info_leaf, model_reset),
		cmocka_unit_test_setup(test_cpuid_loop_is_exactly_n_plus_the_probes_own, model_reset),
		cmocka_unit_test_setup(test_delta_keeps_only_reasons_that_moved, model_reset),
		cmocka_unit_test_setup(test_counters_beyond_32_bits, model_reset),
		cmocka_unit_test_setup(test_snapshot_executes_what_it_says, model_reset),
		cmocka_unit_test_setup(test_snapshot_reads_every_defined_reason, model_reset),
		cmocka_unit_test_setup(test_sampler_reads_are_in_probe_cpuid_exits, model_reset),
		cmocka_unit_test_setup(test_sample_names_the_reasons_that_moved, model_reset),
		cmocka_unit_test_setup(test_run_with_samples_stays_exact, model_reset),
		cmocka_unit_test_setup(test_run_without_samples, model_reset),
		cmocka_unit_test_setup(test_run_reports_an_inexact_cpuid_count, model_reset),
		cmocka_unit_test_setup(test_run_repeated_windows_are_each_exact, model_reset),
		cmocka_unit_test_setup(test_run_repeat_one_is_one_run, model_reset),
		cmocka_unit_test_setup(test_run_repeated_with_samples, model_reset),
		cmocka_unit_test(test_emit_frames_the_document),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
