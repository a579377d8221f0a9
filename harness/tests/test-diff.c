// SPDX-License-Identifier: GPL-2.0
/* diff.c: deltas, ratios, the threshold and min-count verdict, provenance and pairing. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"

#define DATA "tests/data/results/"

static const struct diff_opts defaults = { DIFF_DEFAULT_THRESHOLD_PCT, DIFF_DEFAULT_MIN_COUNT };

static struct diff_row row_of(uint64_t a, uint64_t b, const struct diff_opts *opts)
{
	struct diff_row row = { .a = a, .b = b };

	diff_row_compute(&row, opts);
	return row;
}

static void test_row_delta_and_ratio(void **state)
{
	struct diff_row row;

	(void)state;
	row = row_of(4210, 2631, &defaults);
	assert_int_equal(row.delta, -1579);
	assert_float_equal(row.ratio, 2631.0 / 4210.0, 1e-12);
	assert_float_equal(row.change_pct, 1579.0 * 100 / 4210, 1e-9);
	assert_true(row.moved);
	row = row_of(1000001, 1000001, &defaults);
	assert_int_equal(row.delta, 0);
	assert_float_equal(row.ratio, 1.0, 0);
	assert_false(row.moved);
}

static void test_row_one_side_zero(void **state)
{
	struct diff_row row;

	(void)state;
	row = row_of(0, 500, &defaults);
	assert_int_equal(row.delta, 500);
	assert_true(isnan(row.ratio));
	assert_true(isinf(row.change_pct));
	assert_true(row.moved);
	row = row_of(500, 0, &defaults);
	assert_float_equal(row.ratio, 0.0, 0);
	assert_float_equal(row.change_pct, 100.0, 0);
	assert_true(row.moved);
	row = row_of(0, 0, &defaults);
	assert_float_equal(row.change_pct, 0.0, 0);
	assert_false(row.moved);
}

static void test_row_threshold_is_exclusive(void **state)
{
	struct diff_opts opts = { 10.0, 0 };

	(void)state;
	assert_false(row_of(1000, 1100, &opts).moved);	/* exactly 10 % */
	assert_true(row_of(1000, 1101, &opts).moved);
	assert_false(row_of(1000, 900, &opts).moved);
	assert_true(row_of(1000, 899, &opts).moved);
	opts.threshold_pct = 0;
	assert_true(row_of(1000, 1001, &opts).moved);
	assert_false(row_of(1000, 1000, &opts).moved);
}

static void test_row_min_count(void **state)
{
	struct diff_opts opts = { 10.0, 100 };
	struct diff_row row;

	(void)state;
	row = row_of(41, 99, &opts);	/* both below: noise, however large the ratio */
	assert_true(row.ignored);
	assert_false(row.moved);
	row = row_of(41, 100, &opts);	/* one side reaches it: judged */
	assert_false(row.ignored);
	assert_true(row.moved);
	row = row_of(0, 4, &opts);
	assert_true(row.ignored);
	opts.min_count = 0;
	assert_true(row_of(0, 4, &opts).moved);
}

static void test_row_extremes(void **state)
{
	struct diff_opts opts = { 10.0, 0 };
	struct diff_row row;

	(void)state;
	row = row_of(INT64_MAX, 0, &opts);
	assert_true(row.delta == -INT64_MAX);
	row = row_of(0, INT64_MAX, &opts);
	assert_true(row.delta == INT64_MAX);
}

static struct result_reason svm_a[] = {
	{ 0x60, "interrupt", 2514, 53749320 }, { 0x72, "cpuid", 1000001, 9816009816 },
	{ 0x77, "pause", 12, 72120 }, { 0x7c, "msr", 4210, 64497200 },
};

static struct result_reason svm_b[] = {
	{ 0x8d, "xsetbv", 4, 44800 }, { 0x7c, "msr", 2631, 40306920 },
	{ 0x72, "cpuid", 1000001, 9816009816 }, { 0x60, "interrupt", 2470, 52808600 },
};

static void test_windows_union_and_order(void **state)
{
	struct result_window a = { 1006737, 9934328456, 4, svm_a };
	struct result_window b = { 1005106, 9909169936, 4, svm_b };
	struct diff_window d;

	(void)state;
	assert_int_equal(diff_windows(&a, &b, &defaults, &d), 0);
	assert_int_equal(d.nr, 5);
	assert_int_equal(d.rows[0].reason, 0x60);
	assert_int_equal(d.rows[0].presence, DIFF_IN_BOTH);
	assert_int_equal(d.rows[2].reason, 0x77);
	assert_int_equal(d.rows[2].presence, DIFF_ONLY_A);
	assert_int_equal(d.rows[2].b, 0);
	assert_true(d.rows[2].ignored);
	assert_int_equal(d.rows[4].reason, 0x8d);
	assert_int_equal(d.rows[4].presence, DIFF_ONLY_B);
	assert_string_equal(d.rows[4].name, "xsetbv");
	assert_int_equal(d.rows[4].cycles_b, 44800);
	assert_int_equal(d.nr_moved, 1);	/* msr -37.5 % */
	assert_true(d.rows[3].moved);
	assert_int_equal(d.total.delta, -1631);
	assert_false(d.total.moved);
	assert_true(d.moved);
	diff_window_free(&d);
}

static void test_windows_total_alone_can_move(void **state)
{
	struct result_reason none[1];
	struct result_window a = { 1000, 0, 0, none }, b = { 1500, 0, 0, none };
	struct diff_window d;

	(void)state;
	assert_int_equal(diff_windows(&a, &b, &defaults, &d), 0);
	assert_int_equal(d.nr, 0);
	assert_int_equal(d.nr_moved, 0);
	assert_true(d.total.moved);
	assert_true(d.moved);
	diff_window_free(&d);
}

static void test_windows_of_fixtures(void **state)
{
	struct result_error err;
	struct result a, b, rerun;
	struct diff_window d;

	(void)state;
	assert_int_equal(result_load(DATA "k61/cpuid.json", &a, &err), 0);
	assert_int_equal(result_load(DATA "k612/cpuid.json", &b, &err), 0);
	assert_int_equal(result_load(DATA "k61-rerun/cpuid.json", &rerun, &err), 0);
	assert_int_equal(diff_windows(&a.exits, &b.exits, &defaults, &d), 0);
	assert_int_equal(d.nr, 9);
	assert_int_equal(d.nr_moved, 2);	/* vintr and msr */
	assert_true(d.moved);
	diff_window_free(&d);
	/* hlt 41 -> 57 is +39 % but below 100 on both sides */
	assert_int_equal(diff_windows(&a.exits, &rerun.exits, &defaults, &d), 0);
	assert_false(d.moved);
	diff_window_free(&d);
	result_free(&a);
	result_free(&b);
	result_free(&rerun);
}

static const struct diff_field *field_named(const struct diff_provenance *p, const char *name)
{
	for (size_t i = 0; i < p->nr; i++)
		if (!strcmp(p->fields[i].field, name))
			return &p->fields[i];
	return NULL;
}

static void test_provenance(void **state)
{
	struct result_error err;
	struct result a, b, params;
	struct diff_provenance p;

	(void)state;
	assert_int_equal(result_load(DATA "k61/cpuid.json", &a, &err), 0);
	assert_int_equal(result_load(DATA "k612/cpuid.json", &b, &err), 0);
	assert_int_equal(result_load(DATA "params/cpuid.json", &params, &err), 0);
	assert_int_equal(diff_provenance(&a, &b, &p), 0);
	assert_string_equal(field_named(&p, "kernel.release")->a, "6.1.192");
	assert_string_equal(field_named(&p, "kernel.release")->b, "6.12.117");
	assert_non_null(field_named(&p, "kernel.patch_sha256"));
	assert_non_null(field_named(&p, "kernel.config_sha256"));
	assert_null(field_named(&p, "host.accel"));
	assert_null(field_named(&p, "l1.isa"));
	assert_null(field_named(&p, "workload.params"));
	diff_provenance_free(&p);
	assert_int_equal(diff_provenance(&b, &params, &p), 0);
	assert_int_equal(p.nr, 1);
	assert_string_equal(p.fields[0].field, "workload.params");
	assert_string_equal(p.fields[0].a, "{\"N\":1000000}");
	assert_string_equal(p.fields[0].b, "{\"N\":2000000}");
	diff_provenance_free(&p);
	result_free(&a);
	result_free(&b);
	result_free(&params);
}

/* Which L0 ran and whether L1's ring ran are provenance: the ring's writes are inside the cycles. */
static void test_provenance_of_l0_and_trace(void **state)
{
	struct result_error err;
	struct result a, b;
	struct diff_provenance p;

	(void)state;
	assert_int_equal(result_load(DATA "k61/cpuid.json", &a, &err), 0);
	assert_int_equal(result_load(DATA "k61/cpuid.json", &b, &err), 0);
	assert_int_equal(diff_provenance(&a, &b, &p), 0);
	assert_int_equal(p.nr, 0);
	diff_provenance_free(&p);
	a.host.trace = 0;
	b.host.trace = 1;
	b.host.l0 = "built";
	assert_int_equal(diff_provenance(&a, &b, &p), 0);
	assert_int_equal(p.nr, 2);
	assert_string_equal(field_named(&p, "host.trace")->a, "off");
	assert_non_null(strstr(field_named(&p, "host.trace")->b, "cycles"));
	assert_string_equal(field_named(&p, "host.l0")->a, "not recorded");
	assert_string_equal(field_named(&p, "host.l0")->b, "built");
	diff_provenance_free(&p);
	b.host.l0 = NULL;
	result_free(&a);
	result_free(&b);
}

static void test_comparable(void **state)
{
	struct result_error err;
	struct result a, b, vmx, params, idle;
	char why[256];

	(void)state;
	assert_int_equal(result_load(DATA "k61/cpuid.json", &a, &err), 0);
	assert_int_equal(result_load(DATA "k612/cpuid.json", &b, &err), 0);
	assert_int_equal(result_load(DATA "vmx/cpuid.json", &vmx, &err), 0);
	assert_int_equal(result_load(DATA "params/cpuid.json", &params, &err), 0);
	assert_int_equal(result_load(DATA "k612/idle.json", &idle, &err), 0);
	assert_true(diff_comparable(&a, &b, why, sizeof(why)));
	assert_false(diff_comparable(&a, &vmx, why, sizeof(why)));
	assert_string_equal(why, "different ISAs (svm, vmx): a reason number names another exit");
	assert_false(diff_comparable(&a, &params, why, sizeof(why)));
	assert_string_equal(why, "different parameters of workload cpuid ({\"N\":1000000}, "
				 "{\"N\":2000000})");
	assert_false(diff_comparable(&b, &idle, why, sizeof(why)));
	assert_string_equal(why, "different workloads (cpuid, idle)");
	result_free(&a);
	result_free(&b);
	result_free(&vmx);
	result_free(&params);
	result_free(&idle);
}

static void test_pair_names(void **state)
{
	const char *a[] = { "pio.json", "cpuid.json", "idle.json" };
	const char *b[] = { "idle.json", "boot.json", "cpuid.json" };
	struct diff_pair pairs[6];

	(void)state;
	assert_int_equal(diff_pair_names(a, 3, b, 3, pairs), 4);
	assert_null(pairs[0].a);
	assert_string_equal(pairs[0].b, "boot.json");
	assert_string_equal(pairs[1].a, "cpuid.json");
	assert_string_equal(pairs[1].b, "cpuid.json");
	assert_string_equal(pairs[2].a, "idle.json");
	assert_string_equal(pairs[2].b, "idle.json");
	assert_string_equal(pairs[3].a, "pio.json");
	assert_null(pairs[3].b);
	assert_int_equal(diff_pair_names(a, 3, NULL, 0, pairs), 3);
	assert_null(pairs[2].b);
	assert_int_equal(diff_pair_names(NULL, 0, NULL, 0, pairs), 0);
}

static void test_worst_exit_code(void **state)
{
	(void)state;
	assert_int_equal(diff_worst(0, 0), 0);
	assert_int_equal(diff_worst(0, 1), 1);
	assert_int_equal(diff_worst(2, 1), 2);
	assert_int_equal(diff_worst(1, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_delta_and_ratio),
		cmocka_unit_test(test_row_one_side_zero),
		cmocka_unit_test(test_row_threshold_is_exclusive),
		cmocka_unit_test(test_row_min_count),
		cmocka_unit_test(test_row_extremes),
		cmocka_unit_test(test_windows_union_and_order),
		cmocka_unit_test(test_windows_total_alone_can_move),
		cmocka_unit_test(test_windows_of_fixtures),
		cmocka_unit_test(test_provenance),
		cmocka_unit_test(test_provenance_of_l0_and_trace),
		cmocka_unit_test(test_comparable),
		cmocka_unit_test(test_pair_names),
		cmocka_unit_test(test_worst_exit_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
