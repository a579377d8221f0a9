// SPDX-License-Identifier: GPL-2.0
/*
 * diff's verdict with run --repeat's spread (diff_spread_apply()): a reason
 * over the threshold moved only when each side's count lies outside the
 * other side's min-max; otherwise it is within noise.  Without a spread on
 * either side the threshold's verdict stands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"

static const struct diff_opts defaults = { DIFF_DEFAULT_THRESHOLD_PCT, DIFF_DEFAULT_MIN_COUNT };

#define HLT 0x78
#define NPF 0x400

/*
 * A result whose exits hold HLT @hlt and whose total is @total; with @spread
 * (@n windows) HLT's windows ranged over [@lo, @hi] and the total over
 * [@total - @total / 4, @total + @total / 4].  NPF is in no window of it.
 */
struct side {
	struct result r;
	struct result_reason rows[1];
	struct result_spread spread[1];
};

static void side_make(struct side *s, uint64_t hlt, uint64_t total, bool spread, uint64_t lo,
		      uint64_t hi)
{
	memset(s, 0, sizeof(*s));
	s->rows[0] = (struct result_reason){ HLT, "hlt", hlt, 0 };
	s->r.exits = (struct result_window){ total, 0, 1, s->rows };
	s->r.repeat.present = spread;
	if (!spread)
		return;
	s->spread[0] = (struct result_spread){ HLT, "hlt", hlt, lo, hi };
	s->r.repeat.n = 5;
	s->r.repeat.nr_spread = 1;
	s->r.repeat.spread = s->spread;
	s->r.repeat.total = (struct result_spread){ 0, "total", total, total - total / 4,
						    total + total / 4 };
}

/* diff of @a and @b with the spread applied; returns the HLT row. */
static struct diff_row judged(struct side *a, struct side *b, struct diff_window *d, bool *spread)
{
	assert_int_equal(diff_windows(&a->r.exits, &b->r.exits, &defaults, d), 0);
	*spread = diff_spread_apply(d, &a->r, &b->r);
	assert_int_equal(d->nr, 1);
	return d->rows[0];
}

/* A's windows 1200-2000 around 1645; B one window of 1900: 15 % over, but inside A's noise. */
static void test_one_side_inside_the_spread_is_noise(void **state)
{
	struct side a, b;
	struct diff_window d;
	struct diff_row row;
	bool spread;

	(void)state;
	side_make(&a, 1645, 5000, true, 1200, 2000);
	side_make(&b, 1900, 5000, false, 0, 0);
	row = judged(&a, &b, &d, &spread);
	assert_true(spread);
	assert_true(row.within_noise);
	assert_false(row.moved);
	assert_true(row.spread_a);
	assert_false(row.spread_b);
	assert_true(row.min_a == 1200 && row.max_a == 2000);
	assert_true(row.min_b == 1900 && row.max_b == 1900);
	assert_int_equal(d.nr_moved, 0);
	assert_false(d.moved);
	diff_window_free(&d);
}

/* The same A, B at 2500: outside A's range, and A's 1645 is not B's: moved. */
static void test_one_side_outside_the_spread_moved(void **state)
{
	struct side a, b;
	struct diff_window d;
	struct diff_row row;
	bool spread;

	(void)state;
	side_make(&a, 1645, 5000, true, 1200, 2000);
	side_make(&b, 2500, 5000, false, 0, 0);
	row = judged(&a, &b, &d, &spread);
	assert_false(row.within_noise);
	assert_true(row.moved);
	assert_true(d.moved);
	/* The spread on B's side instead: judged the same from the other end. */
	diff_window_free(&d);
	row = judged(&b, &a, &d, &spread);
	assert_true(spread);
	assert_true(row.moved);
	assert_true(row.spread_b && !row.spread_a);
	diff_window_free(&d);
}

/* Both sides with windows: moved only when each median is outside the other's range. */
static void test_both_sides_need_to_be_outside(void **state)
{
	struct side a, b;
	struct diff_window d;
	struct diff_row row;
	bool spread;

	(void)state;
	side_make(&a, 1645, 5000, true, 1200, 2000);
	/* B's median 2100 is above A's max, but A's 1645 is inside B's 1500-3000. */
	side_make(&b, 2100, 5000, true, 1500, 3000);
	row = judged(&a, &b, &d, &spread);
	assert_true(row.within_noise);
	assert_false(row.moved);
	diff_window_free(&d);
	side_make(&b, 2500, 5000, true, 2100, 3000);
	row = judged(&a, &b, &d, &spread);
	assert_false(row.within_noise);
	assert_true(row.moved);
	diff_window_free(&d);
}

/* Under the threshold stays unjudged by the spread: not moved, and not "within noise". */
static void test_under_the_threshold_is_not_noise(void **state)
{
	struct side a, b;
	struct diff_window d;
	struct diff_row row;
	bool spread;

	(void)state;
	side_make(&a, 1645, 5000, true, 1645, 1645);
	side_make(&b, 1700, 5000, false, 0, 0);
	row = judged(&a, &b, &d, &spread);
	assert_false(row.moved);
	assert_false(row.within_noise);
	diff_window_free(&d);
}

/* A reason in no window of the repeated side ranges over 0-0 there: a new one moved. */
static void test_reason_in_no_window_is_zero_width(void **state)
{
	struct side a, b;
	struct result_reason rows[2] = { { HLT, "hlt", 1645, 0 }, { NPF, "npf", 1025, 0 } };
	struct diff_window d;

	(void)state;
	side_make(&a, 1645, 5000, true, 1600, 1700);
	side_make(&b, 1645, 5000, false, 0, 0);
	b.r.exits.by_reason = rows;
	b.r.exits.nr = 2;
	assert_int_equal(diff_windows(&a.r.exits, &b.r.exits, &defaults, &d), 0);
	assert_true(diff_spread_apply(&d, &a.r, &b.r));
	assert_int_equal(d.rows[1].reason, NPF);
	assert_true(d.rows[1].spread_a);
	assert_true(d.rows[1].min_a == 0 && d.rows[1].max_a == 0);
	assert_true(d.rows[1].moved);
	assert_false(d.rows[0].moved);
	assert_int_equal(d.nr_moved, 1);
	diff_window_free(&d);
}

/* The total is judged against the totals' spread like a reason. */
static void test_total_inside_its_spread(void **state)
{
	struct side a, b;
	struct diff_window d;
	bool spread;

	(void)state;
	side_make(&a, 1645, 1000, true, 1645, 1645);	/* totals 750-1250 */
	side_make(&b, 1645, 1200, false, 0, 0);
	(void)judged(&a, &b, &d, &spread);
	assert_true(d.total.within_noise);
	assert_false(d.total.moved);
	assert_false(d.moved);
	diff_window_free(&d);
	side_make(&b, 1645, 1300, false, 0, 0);
	(void)judged(&a, &b, &d, &spread);
	assert_true(d.total.moved);
	assert_true(d.moved);
	diff_window_free(&d);
}

/* Neither side with windows: diff_windows()'s verdict stands, nothing of spread set. */
static void test_no_spread_leaves_the_verdict(void **state)
{
	struct side a, b;
	struct diff_window d;
	struct diff_row row;
	bool spread;

	(void)state;
	side_make(&a, 1645, 5000, false, 0, 0);
	side_make(&b, 1900, 5000, false, 0, 0);
	row = judged(&a, &b, &d, &spread);
	assert_false(spread);
	assert_true(row.moved);
	assert_false(row.within_noise || row.spread_a || row.spread_b);
	assert_int_equal(d.nr_moved, 1);
	diff_window_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_side_inside_the_spread_is_noise),
		cmocka_unit_test(test_one_side_outside_the_spread_moved),
		cmocka_unit_test(test_both_sides_need_to_be_outside),
		cmocka_unit_test(test_under_the_threshold_is_not_noise),
		cmocka_unit_test(test_reason_in_no_window_is_zero_width),
		cmocka_unit_test(test_total_inside_its_spread),
		cmocka_unit_test(test_no_spread_leaves_the_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
