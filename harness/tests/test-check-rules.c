// SPDX-License-Identifier: GPL-2.0
/*
 * The grader against model kernels (model-hv.h): one that answers each map
 * correctly passes every rule on both ISAs; each usual mistake fails the rule
 * that names it; a kernel of another map, or of none, gets one verdict.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check-output.h"
#include "check-rules.h"
#include "exitscope/exit.h"
#include "model-hv.h"

#define ROUND_TRIP 1000u	/* the guest's TSC per CPUID round trip the tests claim */

static const struct check_caused vmx_caused[] = {
	{ 10, 1000, true, 1000 },	/* CPUID */
	{ 12, 100, true, 100 },		/* HLT */
	{ 30, 50, true, 50 },		/* IO_INSTRUCTION */
	{ 32, 40, true, 40 },		/* MSR_WRITE: the fastpath's */
	{ 33, 5, true, 5 },		/* INVALID_STATE: a failed VM-entry, bit 31 */
	{ 48, 20, true, 20 },		/* EPT_VIOLATION */
};

static const struct check_caused svm_caused[] = {
	{ 0x072, 1000, true, 1000 },	/* cpuid */
	{ 0x078, 100, true, 100 },	/* hlt */
	{ 0x07B, 50, true, 50 },	/* io */
	{ 0x07C, 40, true, 40 },	/* msr: the fastpath's */
	{ 0x400, 20, true, 20 },	/* npf */
	{ 0xFFFFFFFF, 3, true, 3 },	/* invalid_guest_state */
};

#define NR_CAUSED (sizeof(vmx_caused) / sizeof(vmx_caused[0]))
_Static_assert(sizeof(svm_caused) == sizeof(vmx_caused), "as many caused reasons per ISA");

struct run {
	struct check_window window;
	struct check_input in;
	struct check_report report;
	uint64_t pair;		/* the pair_cycles run_grade() hands the grader */
};

static void run_set_pair(struct run *run, uint64_t cycles)
{
	run->pair = cycles;
}

/* Causes @caused in the model between the two snapshots. */
static void run_cause(const struct check_caused *caused, size_t n)
{
	uint32_t cpuid = reasons_cpuid(model.isa);

	for (size_t k = 0; k < n; k++) {
		struct exsc_regs regs;

		if (caused[k].reason != cpuid) {
			model_cause(caused[k].reason, caused[k].caused);
			continue;
		}
		for (uint64_t i = 0; i < caused[k].caused; i++)
			model_cpuid(0, 0, &regs);
	}
}

/* The model (reset and set up by the caller) graded as @map_name; check_grade()'s status. */
static int run_grade(struct run *run, const char *map_name)
{
	const struct exsc_map *map = exsc_map_find(map_name);
	bool vmx = model.isa == EXSC_ISA_VMX;
	int slot = model_slot(reasons_cpuid(model.isa));

	run->in = (struct check_input){
		.map = map, .isa = model.isa, .cpuid = model_cpuid, .window = &run->window,
		.caused = vmx ? vmx_caused : svm_caused,
		/* Both tables hold one row per caused reason, as many on either ISA. */
		.nr_caused = NR_CAUSED,
		.has_cpuid_before = true, .cpuid_before = model.count[slot],
		.round_trip_cycles = ROUND_TRIP, .pair_cycles = run->pair,
	};
	check_window_begin(map, model.isa, model_cpuid, &run->window);
	run_cause(run->in.caused, run->in.nr_caused);
	check_window_end(map, model.isa, model_cpuid, &run->window);
	return check_grade(&run->in, &run->report);
}

static const struct check_verdict *find(const struct check_report *r, const char *rule,
					enum check_status status)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].rule, rule) && r->v[i].status == status)
			return &r->v[i];
	return NULL;
}

static void print_failures(const struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].status == CHECK_FAIL)
			print_message("  %s %u: expected %s, got %s\n", r->v[i].rule, r->v[i].reason,
				      r->v[i].expected, r->v[i].got);
}

static struct run *run_new(void)
{
	struct run *run = calloc(1, sizeof(*run));

	assert_non_null(run);
	return run;
}

/* Every map, both ISAs: a correct kernel fails nothing, and the rules ran. */
static void test_correct_kernels_pass_every_rule(void **state)
{
	static const enum exsc_isa isas[] = { EXSC_ISA_VMX, EXSC_ISA_SVM };
	struct run *run = run_new();

	(void)state;
	for (int m = 0; m < EXSC_MAP_COUNT; m++) {
		for (size_t i = 0; i < 2; i++) {
			const struct exsc_map *map = exsc_map_get((enum exsc_map_id)m);

			model_reset(map, isas[i]);
			assert_int_equal(run_grade(run, map->name), 0);
			print_failures(&run->report);
			assert_int_equal(check_failures(&run->report), 0);
			assert_ptr_equal(run->report.answered, map);
			assert_non_null(find(&run->report, CHECK_RULE_SELF, CHECK_PASS));
			assert_non_null(find(&run->report, CHECK_RULE_SPAN, CHECK_PASS));
			assert_non_null(find(&run->report, CHECK_RULE_UNDEFINED, CHECK_PASS));
			assert_non_null(find(&run->report, CHECK_RULE_DEFINED, CHECK_PASS));
			assert_non_null(find(&run->report, CHECK_RULE_NOT_ENABLED, CHECK_PASS));
			assert_non_null(find(&run->report, CHECK_RULE_TOTALS, CHECK_PASS));
			assert_non_null(find(&run->report, CHECK_RULE_CYCLES, CHECK_PASS));
			/* Nothing near 2^32: the wrap is not exercised, and says so. */
			assert_non_null(find(&run->report, CHECK_RULE_WRAP, CHECK_SKIP));
			assert_int_equal(check_exit_code(&run->report), EXIT_OK);
		}
	}
	free(run);
}

/* A count that passes 2^32 in the window: a correct kernel wraps (32-bit) or carries (64-bit). */
static void test_correct_kernels_pass_the_wrap(void **state)
{
	struct run *run = run_new();

	(void)state;
	for (int m = 0; m < EXSC_MAP_COUNT; m++) {
		model_reset(exsc_map_get((enum exsc_map_id)m), EXSC_ISA_VMX);
		model.count[12] = UINT32_MAX - 10;
		assert_int_equal(run_grade(run, model.map->name), 0);
		print_failures(&run->report);
		assert_int_equal(check_failures(&run->report), 0);
		assert_non_null(find(&run->report, CHECK_RULE_WRAP, CHECK_PASS));
	}
	free(run);
}

/* The failed rows of @run are all of rule @rule (or of @also), at least one of @rule. */
static const struct check_verdict *only_fails(const struct run *run, const char *rule,
					       const char *also)
{
	const struct check_verdict *v = find(&run->report, rule, CHECK_FAIL);

	print_failures(&run->report);
	assert_non_null(v);
	for (size_t i = 0; i < run->report.n; i++)
		if (run->report.v[i].status == CHECK_FAIL)
			assert_true(!strcmp(run->report.v[i].rule, rule) ||
				    (also && !strcmp(run->report.v[i].rule, also)));
	assert_int_equal(check_exit_code(&run->report), EXIT_MEASURED_FAILED);
	return v;
}

static void test_fastpath_exits_missed(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("c"), EXSC_ISA_VMX);
	model.fastpath_missed = true;
	assert_int_equal(run_grade(run, "c"), 0);
	v = only_fails(run, CHECK_RULE_COUNT, NULL);
	assert_int_equal(v->reason, 32);
	assert_string_equal(v->got, "counted 0");
	assert_non_null(strstr(v->cause, "fastpath"));
	model_reset(exsc_map_find("b"), EXSC_ISA_SVM);
	model.fastpath_missed = true;
	assert_int_equal(run_grade(run, "b"), 0);
	assert_int_equal(only_fails(run, CHECK_RULE_COUNT, NULL)->reason, 0x7C);
	free(run);
}

static void test_full_exit_reason_indexing(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("b"), EXSC_ISA_VMX);
	model.full_reason = true;
	assert_int_equal(run_grade(run, "b"), 0);
	v = only_fails(run, CHECK_RULE_COUNT, NULL);
	assert_int_equal(v->reason, 33);
	assert_non_null(strstr(v->cause, "basic reason"));
	free(run);
}

/* KVM's table lacks reasons the SDM defines, among them the never-enabled ones. */
static void test_undefined_from_kvms_table(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	model.kvm_table = true;
	assert_int_equal(run_grade(run, "a"), 0);
	v = only_fails(run, CHECK_RULE_DEFINED, CHECK_RULE_NOT_ENABLED);
	assert_true(v->has_reason);
	assert_int_equal(v->reason, 5);
	assert_non_null(strstr(v->cause, "KVM's"));
	assert_non_null(strstr(find(&run->report, CHECK_RULE_NOT_ENABLED, CHECK_FAIL)->cause,
			       "no such reason"));
	free(run);
}

static void test_no_self_count(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("exitscope"), EXSC_ISA_VMX);
	model.no_self_count = true;
	assert_int_equal(run_grade(run, "exitscope"), 0);
	v = only_fails(run, CHECK_RULE_SELF, NULL);
	assert_string_equal(v->got, "0");
	assert_non_null(strstr(v->cause, "before the CPUID is answered"));
	free(run);
}

static void test_cycles_zero(void **state)
{
	struct run *run = run_new();

	(void)state;
	model_reset(exsc_map_find("b"), EXSC_ISA_VMX);
	model.cycles_zero = true;
	assert_int_equal(run_grade(run, "b"), 0);
	/* No cycles at all is also far too few per exit. */
	only_fails(run, CHECK_RULE_CYCLES, CHECK_RULE_SPAN);
	free(run);
}

static void test_cycles_around_the_handler_only(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("c"), EXSC_ISA_SVM);
	model.handler_only = true;
	assert_int_equal(run_grade(run, "c"), 0);
	v = only_fails(run, CHECK_RULE_SPAN, NULL);
	assert_string_equal(v->got, "20 per exit");
	assert_non_null(find(&run->report, CHECK_RULE_CYCLES, CHECK_PASS));
	/* Map A has no per-reason cycles: the totals' are judged. */
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	model.handler_only = true;
	assert_int_equal(run_grade(run, "a"), 0);
	only_fails(run, CHECK_RULE_SPAN, NULL);
	free(run);
}

/*
 * One CPUID exit's charge, where the harness read it, is judged instead of
 * the window's average, which exits to userspace can lift above the bar.
 */
static void test_span_of_one_exit(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	/* The handler-only model's window average (20 of 1000) fails on its own ... */
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	model.handler_only = true;
	assert_int_equal(run_grade(run, "a"), 0);
	assert_non_null(find(&run->report, CHECK_RULE_SPAN, CHECK_FAIL));
	/* ... a correct model's passes, and one exit's charge of 190 is what is judged then. */
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	run_set_pair(run, 190);
	assert_int_equal(run_grade(run, "a"), 0);
	v = only_fails(run, CHECK_RULE_SPAN, NULL);
	assert_string_equal(v->got, "190 for one exit");
	assert_string_equal(v->expected, ">= 20% of the guest's 1000 per CPUID");
	assert_int_equal(v->reason, 10);
	/* At the bar it passes; one exit's charge also lifts a diluted average. */
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	run_set_pair(run, 200);
	assert_int_equal(run_grade(run, "a"), 0);
	v = find(&run->report, CHECK_RULE_SPAN, CHECK_PASS);
	assert_non_null(v);
	assert_string_equal(v->got, "200 for one exit");
	model_reset(exsc_map_find("c"), EXSC_ISA_SVM);
	model.handler_only = true;
	run_set_pair(run, 900);
	assert_int_equal(run_grade(run, "c"), 0);
	assert_non_null(find(&run->report, CHECK_RULE_SPAN, CHECK_PASS));
	free(run);
}

/*
 * SVM's bar is higher than VMX's: under QEMU TCG a timer around the handler
 * sees up to three tenths of a round trip, a correct kernel a half.
 */
static void test_span_bar_of_svm(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("a"), EXSC_ISA_SVM);
	run_set_pair(run, 300);
	assert_int_equal(run_grade(run, "a"), 0);
	v = only_fails(run, CHECK_RULE_SPAN, NULL);
	assert_string_equal(v->expected, ">= 40% of the guest's 1000 per CPUID");
	assert_int_equal(v->reason, 0x72);
	model_reset(exsc_map_find("a"), EXSC_ISA_SVM);
	run_set_pair(run, 400);
	assert_int_equal(run_grade(run, "a"), 0);
	assert_non_null(find(&run->report, CHECK_RULE_SPAN, CHECK_PASS));
	/* The same 300 is above VMX's bar. */
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	run_set_pair(run, 300);
	assert_int_equal(run_grade(run, "a"), 0);
	assert_non_null(find(&run->report, CHECK_RULE_SPAN, CHECK_PASS));
	free(run);
}

/* Updates lost to a race (counters shared between CPUs without care): counts fall short. */
static void test_lost_updates(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("a"), EXSC_ISA_SVM);
	model.lost_updates = true;
	assert_int_equal(run_grade(run, "a"), 0);
	v = only_fails(run, CHECK_RULE_COUNT, NULL);
	assert_int_equal(v->reason, 0x72);
	/* Every short reason, the fastpath's among them, is blamed on the race. */
	for (size_t i = 0; i < run->report.n; i++)
		if (run->report.v[i].status == CHECK_FAIL)
			assert_non_null(strstr(run->report.v[i].cause, "per-CPU"));
	free(run);
}

/* A 32-bit field that saturates: the wrap rule, and the count of that reason, fail. */
static void test_32_bit_wrap_missing(void **state)
{
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("c"), EXSC_ISA_VMX);
	model.saturate = true;
	model.count[12] = UINT32_MAX - 10;
	assert_int_equal(run_grade(run, "c"), 0);
	v = only_fails(run, CHECK_RULE_WRAP, CHECK_RULE_COUNT);
	assert_int_equal(v->reason, 12);
	assert_non_null(strstr(v->cause, "saturate"));
	v = find(&run->report, CHECK_RULE_COUNT, CHECK_FAIL);
	assert_int_equal(v->reason, 12);
	assert_non_null(strstr(v->cause, "0xFFFFFFFF"));
	free(run);
}

/* B's kernel graded as C: one verdict naming B, not a wall of failures. */
static void test_another_map_gets_one_verdict(void **state)
{
	struct run *run = run_new();
	json_t *doc;

	(void)state;
	model_reset(exsc_map_find("b"), EXSC_ISA_VMX);
	assert_int_equal(run_grade(run, "c"), 0);
	assert_int_equal(run->report.n, 1);
	assert_string_equal(run->report.v[0].rule, CHECK_RULE_MAP);
	assert_int_equal(run->report.v[0].status, CHECK_FAIL);
	assert_string_equal(run->report.v[0].got, "map b");
	assert_ptr_equal(run->report.answered, exsc_map_find("b"));
	doc = check_report_json(&run->in, &run->report);
	assert_string_equal(json_string_value(json_object_get(doc, "map")), "c");
	assert_string_equal(json_string_value(json_object_get(doc, "answered")), "b");
	assert_int_equal(json_integer_value(json_object_get(doc, "failures")), 1);
	json_decref(doc);
	/* And the other way round, and map A's kernel asked for exitscope's. */
	model_reset(exsc_map_find("c"), EXSC_ISA_SVM);
	assert_int_equal(run_grade(run, "b"), 0);
	assert_int_equal(run->report.n, 1);
	assert_string_equal(run->report.v[0].got, "map c");
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	assert_int_equal(run_grade(run, "exitscope"), 0);
	assert_int_equal(run->report.n, 1);
	assert_string_equal(run->report.v[0].got, "map a");
	free(run);
}

/* A stock kernel, answering zeros or the highest basic leaf: no map at all. */
static void test_stock_kernel_gets_the_no_map_verdict(void **state)
{
	struct run *run = run_new();

	(void)state;
	for (int constant = 0; constant < 2; constant++) {
		model_reset(NULL, EXSC_ISA_VMX);
		model.stock_constant = constant;
		assert_int_equal(run_grade(run, "a"), 0);
		assert_int_equal(run->report.n, 1);
		assert_string_equal(run->report.v[0].rule, CHECK_RULE_MAP);
		assert_string_equal(run->report.v[0].got, "no map");
		assert_null(run->report.answered);
		assert_non_null(strstr(run->report.v[0].cause, "stock"));
	}
	free(run);
}

/* The same window graded again with other caused and traced counts of its one reason. */
static int regrade(struct run *run, struct check_caused *caused, uint64_t n, bool has_traced,
		   uint64_t traced)
{
	caused->caused = n;
	caused->has_traced = has_traced;
	caused->traced = traced;
	return check_grade(&run->in, &run->report);
}

/* Background exits the tracepoint saw too are no failure; a tracepoint short of the caused is. */
static void test_tracepoint_is_the_reference(void **state)
{
	struct check_caused caused[] = { { 12, 100, true, 103 } };
	struct run *run = run_new();
	const struct check_verdict *v;

	(void)state;
	model_reset(exsc_map_find("b"), EXSC_ISA_VMX);
	run->in = (struct check_input){ .map = model.map, .isa = EXSC_ISA_VMX,
					.cpuid = model_cpuid, .window = &run->window,
					.caused = caused, .nr_caused = 1 };
	check_window_begin(model.map, EXSC_ISA_VMX, model_cpuid, &run->window);
	model_cause(12, 103);
	check_window_end(model.map, EXSC_ISA_VMX, model_cpuid, &run->window);
	assert_int_equal(check_grade(&run->in, &run->report), 0);
	assert_non_null(find(&run->report, CHECK_RULE_COUNT, CHECK_PASS));
	/* Not exercised without an anchor or a timed round trip. */
	assert_non_null(find(&run->report, CHECK_RULE_SELF, CHECK_SKIP));
	assert_non_null(find(&run->report, CHECK_RULE_SPAN, CHECK_SKIP));
	assert_int_equal(regrade(run, caused, 100, true, 90), 0);
	v = find(&run->report, CHECK_RULE_COUNT, CHECK_FAIL);
	assert_non_null(v);
	assert_non_null(strstr(v->cause, "harness"));
	assert_int_equal(regrade(run, caused, 103, false, 0), 0);
	assert_int_equal(check_failures(&run->report), 0);
	free(run);
}

static void test_bad_input_is_refused(void **state)
{
	static const struct check_caused undefined[] = { { 35, 1, false, 0 } };
	struct run *run = run_new();

	(void)state;
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	run->in = (struct check_input){ .map = model.map, .isa = EXSC_ISA_VMX,
					.cpuid = model_cpuid, .window = &run->window,
					.caused = undefined, .nr_caused = 1 };
	assert_int_equal(check_grade(&run->in, &run->report), -EINVAL);
	run->in.nr_caused = CHECK_MAX_REASONS + 1;
	assert_int_equal(check_grade(&run->in, &run->report), -EINVAL);
	run->in.nr_caused = 0;
	run->in.isa = EXSC_ISA_NONE;
	assert_int_equal(check_grade(&run->in, &run->report), -EINVAL);
	free(run);
}

static bool has_code(const uint32_t *codes, size_t n, uint32_t code)
{
	for (size_t i = 0; i < n; i++)
		if (codes[i] == code)
			return true;
	return false;
}

static void test_sweep_covers_the_ecx_range(void **state)
{
	uint32_t codes[CHECK_SWEEP_MAX];
	size_t n;

	(void)state;
	n = check_sweep_codes(EXSC_ISA_VMX, codes, CHECK_SWEEP_MAX);
	assert_true(n <= CHECK_SWEEP_MAX);
	for (uint32_t c = 0; c < 256; c++)
		assert_true(has_code(codes, n, c));
	assert_true(has_code(codes, n, 0xFFFF));
	assert_true(has_code(codes, n, 0x10000));
	assert_true(has_code(codes, n, 0x80000021u));
	assert_true(has_code(codes, n, 0xFFFFFFFFu));
	n = check_sweep_codes(EXSC_ISA_SVM, codes, CHECK_SWEEP_MAX);
	assert_true(n <= CHECK_SWEEP_MAX);
	for (uint32_t c = 0; c < 0x500; c++)
		assert_true(has_code(codes, n, c));
	assert_true(has_code(codes, n, 0x80000001u));
	assert_true(has_code(codes, n, 0xF0000000u));
	assert_true(has_code(codes, n, 0xFFFFFFFCu));
	assert_true(has_code(codes, n, 0xFFFFFFFBu));
}

/* The JSON and the table carry each verdict, and the failures' causes. */
static void test_output_json_and_table(void **state)
{
	struct run *run = run_new();
	json_t *doc, *rows, *bad = NULL;
	char *text = NULL;
	size_t size = 0, i;
	FILE *out;

	(void)state;
	model_reset(exsc_map_find("c"), EXSC_ISA_VMX);
	model.fastpath_missed = true;
	assert_int_equal(run_grade(run, "c"), 0);
	doc = check_report_json(&run->in, &run->report);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), CHECK_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "answered")), "c");
	assert_true(json_is_false(json_object_get(doc, "pass")));
	assert_int_equal(json_integer_value(json_object_get(doc, "failures")), 1);
	rows = json_object_get(doc, "verdicts");
	assert_int_equal(json_array_size(rows), run->report.n);
	json_array_foreach(rows, i, bad)
		if (!strcmp(json_string_value(json_object_get(bad, "status")), "FAIL"))
			break;
	assert_int_equal(json_integer_value(json_object_get(bad, "reason")), 32);
	assert_string_equal(json_string_value(json_object_get(bad, "name")), "MSR_WRITE");
	assert_non_null(strstr(json_string_value(json_object_get(bad, "cause")), "fastpath"));
	assert_null(json_object_get(json_array_get(rows, 0), "cause"));
	json_decref(doc);

	out = open_memstream(&text, &size);
	assert_non_null(out);
	check_table_print(out, &run->in, &run->report);
	fclose(out);
	assert_non_null(strstr(text, "32 MSR_WRITE"));
	assert_non_null(strstr(text, "  cause: "));
	assert_non_null(strstr(text, "1 of "));
	free(text);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_correct_kernels_pass_every_rule),
		cmocka_unit_test(test_correct_kernels_pass_the_wrap),
		cmocka_unit_test(test_fastpath_exits_missed),
		cmocka_unit_test(test_full_exit_reason_indexing),
		cmocka_unit_test(test_undefined_from_kvms_table),
		cmocka_unit_test(test_no_self_count),
		cmocka_unit_test(test_cycles_zero),
		cmocka_unit_test(test_cycles_around_the_handler_only),
		cmocka_unit_test(test_span_of_one_exit),
		cmocka_unit_test(test_span_bar_of_svm),
		cmocka_unit_test(test_lost_updates),
		cmocka_unit_test(test_32_bit_wrap_missing),
		cmocka_unit_test(test_another_map_gets_one_verdict),
		cmocka_unit_test(test_stock_kernel_gets_the_no_map_verdict),
		cmocka_unit_test(test_tracepoint_is_the_reference),
		cmocka_unit_test(test_bad_input_is_refused),
		cmocka_unit_test(test_sweep_covers_the_ecx_range),
		cmocka_unit_test(test_output_json_and_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
