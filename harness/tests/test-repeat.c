// SPDX-License-Identifier: GPL-2.0
/*
 * run --repeat N's arithmetic (repeat.c: each reason's median, min and max
 * over the windows) and the result's "repeat" block in the one validator
 * (result-repeat.c): a block whose numbers follow from its windows passes,
 * and each way of breaking that is refused with the field named.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "repeat.h"
#include "result-parse.h"
#include "result.h"

#define RUN_RESULT "tests/data/runs/cpuid-abi2.json"

static void test_median_odd_even_and_extremes(void **state)
{
	uint64_t odd[] = { 5, 1, 3 }, even[] = { 10, 1, 4, 7 }, one[] = { 42 };
	uint64_t halves[] = { 2, 3 }, big[] = { UINT64_MAX, UINT64_MAX - 1 };

	(void)state;
	assert_int_equal(repeat_median(odd, 3), 3);
	/* Sorted in place: min and max are the ends. */
	assert_int_equal(odd[0], 1);
	assert_int_equal(odd[2], 5);
	assert_int_equal(repeat_median(even, 4), 5);	/* (4 + 7) / 2, rounded down */
	assert_int_equal(repeat_median(one, 1), 42);
	assert_int_equal(repeat_median(halves, 2), 2);
	/* The mean of two values near the top of 64 bits, without overflow. */
	assert_true(repeat_median(big, 2) == UINT64_MAX - 1);
}

/* Three windows by hand: {reason, count, cycles} rows, and totals. */
static struct result_reason w0[] = { { 114, "cpuid", 1000, 50 }, { 96, "interrupt", 2, 9 } };
static struct result_reason w1[] = { { 114, "cpuid", 1000, 70 }, { 124, "msr", 6, 30 } };
static struct result_reason w2[] = { { 114, "cpuid", 1000, 60 }, { 96, "interrupt", 5, 3 },
				     { 124, "msr", 1, 10 } };

static const struct result_window hand[] = {
	{ 1004, 59, 2, w0 }, { 1007, 100, 2, w1 }, { 1010, 73, 3, w2 },
};

static void test_summary_of_three_windows(void **state)
{
	struct repeat_summary s;

	(void)state;
	assert_int_equal(repeat_summarize(hand, 3, &s), 0);
	assert_int_equal(s.nr, 3);
	/* By reason number; a window without a reason counts 0 for it. */
	assert_int_equal(s.rows[0].reason, 96);
	assert_int_equal(s.rows[0].median, 2);
	assert_int_equal(s.rows[0].min, 0);
	assert_int_equal(s.rows[0].max, 5);
	assert_int_equal(s.row_cycles[0], 3);
	assert_int_equal(s.rows[1].reason, 114);
	assert_true(s.rows[1].median == 1000 && s.rows[1].min == 1000 && s.rows[1].max == 1000);
	assert_int_equal(s.row_cycles[1], 60);
	assert_string_equal(s.rows[2].name, "msr");
	assert_true(s.rows[2].median == 1 && s.rows[2].min == 0 && s.rows[2].max == 6);
	assert_true(s.total.median == 1007 && s.total.min == 1004 && s.total.max == 1010);
	assert_int_equal(s.cycles, 73);
	repeat_summary_free(&s);
	/* One window has no spread; more than the probe measures is refused too. */
	assert_int_equal(repeat_summarize(hand, 1, &s), -EINVAL);
	assert_int_equal(repeat_summarize(hand, REPEAT_MAX + 1, &s), -EINVAL);
}

/* The median window leaves out a reason whose median is 0, and keeps its spread. */
static void test_median_window_leaves_out_zero_medians(void **state)
{
	static struct result_reason a[] = { { 123, "io", 40, 1 } };
	const struct result_window w[] = { { 41, 1, 1, a }, { 1, 0, 0, NULL }, { 2, 0, 0, NULL } };
	struct repeat_summary s;
	json_t *exits, *spread;

	(void)state;
	assert_int_equal(repeat_summarize(w, 3, &s), 0);
	exits = repeat_exits_json(&s);
	spread = repeat_spread_json(&s);
	assert_int_equal(json_array_size(json_object_get(exits, "by_reason")), 0);
	assert_int_equal(json_integer_value(json_object_get(exits, "total")), 2);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(spread, "by_reason"), 0), "max")), 40);
	json_decref(exits);
	json_decref(spread);
	repeat_summary_free(&s);
}

/* A window like the recorded run's @exits, with @irq interrupts and @extra_total more in all. */
static json_t *window_like(json_t *exits, json_int_t irq, json_int_t extra_total)
{
	json_t *w = json_deep_copy(exits), *row;
	size_t i;

	json_array_foreach(json_object_get(w, "by_reason"), i, row)
		if (!strcmp(json_string_value(json_object_get(row, "name")), "interrupt"))
			json_object_set_new(row, "count", json_integer(irq));
	json_object_set_new(w, "total",
			    json_integer(json_integer_value(json_object_get(w, "total")) +
					 extra_total));
	return w;
}

/*
 * The recorded run's result with a repeat block of three windows, its
 * interrupts 1645, 1200 and 2000, built as the writer builds it: the
 * windows through the validator's parser, then repeat_summarize().
 */
static json_t *repeated_result(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(RUN_RESULT, 0, &jerr), *exits, *windows;
	struct result_window w[3] = { { 0 } };
	struct result_error err;
	struct repeat_summary s;
	struct result r;

	assert_non_null(doc);
	exits = json_object_get(doc, "exits");
	windows = json_pack("[o, o, o]", json_deep_copy(exits), window_like(exits, 1200, -445),
			    window_like(exits, 2000, 355));
	assert_int_equal(result_parse(doc, &r, &err), 0);
	result_free(&r);
	for (size_t i = 0; i < 3; i++) {
		struct result_error e;

		assert_int_equal(result_parse_window(json_array_get(windows, i), "w", &w[i], &e), 0);
	}
	assert_int_equal(repeat_summarize(w, 3, &s), 0);
	json_object_set_new(doc, "exits", repeat_exits_json(&s));
	json_object_set_new(doc, "repeat", json_pack("{s:i, s:o, s:o}", "n", 3, "windows", windows,
						     "spread", repeat_spread_json(&s)));
	repeat_summary_free(&s);
	for (size_t i = 0; i < 3; i++)
		free(w[i].by_reason);
	return doc;
}

static void test_validator_accepts_a_repeated_result(void **state)
{
	json_t *doc = repeated_result();
	struct result_error err;
	const struct result_spread *sp;
	struct result_spread zero;
	struct result r;

	(void)state;
	if (result_parse(doc, &r, &err))
		fail_msg("refused: %s", err.text);
	assert_true(r.repeat.present);
	assert_int_equal(r.repeat.n, 3);
	assert_int_equal(result_window_find(&r.exits, 96)->count, 1645);
	sp = result_spread_find(&r, 96, &zero);
	assert_true(sp->median == 1645 && sp->min == 1200 && sp->max == 2000);
	sp = result_spread_find(&r, 114, &zero);
	assert_true(sp->min == 100000 && sp->max == 100000);
	/* A reason no window has is a spread of zero, not "no spread". */
	sp = result_spread_find(&r, 0x7b0, &zero);
	assert_ptr_equal(sp, &zero);
	assert_true(sp->median == 0 && sp->max == 0);
	assert_int_equal(r.repeat.total.min, 107150 - 445);
	result_free(&r);
	json_decref(doc);
}

/* Applies @edit to a valid repeated result; the validator must name @part. */
static void assert_refused(void (*edit)(json_t *doc), const char *part)
{
	json_t *doc = repeated_result();
	struct result_error err;

	edit(doc);
	assert_int_equal(result_validate(doc, &err), -EINVAL);
	if (!strstr(err.text, part))
		fail_msg("'%s' does not name '%s'", err.text, part);
	json_decref(doc);
}

static json_t *repeat_of(json_t *doc)
{
	return json_object_get(doc, "repeat");
}

static void edit_n_one(json_t *doc)
{
	json_object_set_new(repeat_of(doc), "n", json_integer(1));
}

static void edit_n_not_windows(json_t *doc)
{
	json_object_set_new(repeat_of(doc), "n", json_integer(4));
}

static void edit_spread_max(json_t *doc)
{
	json_t *row = json_array_get(json_object_get(json_object_get(repeat_of(doc), "spread"),
						     "by_reason"), 0);

	json_object_set_new(row, "max", json_integer(1999));
}

static void edit_spread_missing_row(json_t *doc)
{
	json_array_remove(json_object_get(json_object_get(repeat_of(doc), "spread"), "by_reason"), 0);
}

static void edit_exits_not_median(json_t *doc)
{
	json_t *row = json_array_get(json_object_get(json_object_get(doc, "exits"), "by_reason"), 0);

	json_object_set_new(row, "count", json_integer(1200));
}

static void edit_exits_total(json_t *doc)
{
	json_object_set_new(json_object_get(doc, "exits"), "total", json_integer(107151));
}

static void edit_window_negative(json_t *doc)
{
	json_t *w = json_array_get(json_object_get(repeat_of(doc), "windows"), 1);

	json_object_set_new(w, "total", json_integer(-1));
}

static void edit_window_sum_above_total(json_t *doc)
{
	json_t *w = json_array_get(json_object_get(repeat_of(doc), "windows"), 2);

	json_object_set_new(w, "total", json_integer(1000));
}

static void edit_unknown_key(json_t *doc)
{
	json_object_set_new(repeat_of(doc), "mean", json_integer(1));
}

static void edit_stock(json_t *doc)
{
	json_object_set_new(json_object_get(doc, "kernel"), "stock", json_true());
	/* What a stock kernel's result lacks, so that the repeat block is what is refused. */
	json_object_del(doc, "probe_own");
	json_object_del(doc, "boot");
	json_object_del(doc, "timeline");
}

static void test_validator_refuses_broken_blocks(void **state)
{
	(void)state;
	assert_refused(edit_n_one, "repeat.n is 1, not 2 to 100");
	assert_refused(edit_n_not_windows, "repeat.windows holds 3, but repeat.n is 4");
	assert_refused(edit_spread_max, "repeat.spread.by_reason[0] is median 1645, min 1200, "
				       "max 1999, but the windows give 1645, 1200, 2000");
	assert_refused(edit_spread_missing_row, "repeat.spread.by_reason holds 5 reasons, but the "
						"windows have 6");
	assert_refused(edit_exits_not_median, "exits has reason 96 at 1200, but the windows' median "
					      "is 1645");
	assert_refused(edit_exits_total, "exits.total and cycles are 107151");
	assert_refused(edit_window_negative, "repeat.windows[1].total is negative");
	assert_refused(edit_window_sum_above_total, "repeat.windows[2].total is 1000, but its "
						    "reasons add up to");
	assert_refused(edit_unknown_key, "repeat: ");
	assert_refused(edit_stock, "repeat is there, but a stock kernel's result has no probe "
				   "windows");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_odd_even_and_extremes),
		cmocka_unit_test(test_summary_of_three_windows),
		cmocka_unit_test(test_median_window_leaves_out_zero_medians),
		cmocka_unit_test(test_validator_accepts_a_repeated_result),
		cmocka_unit_test(test_validator_refuses_broken_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
