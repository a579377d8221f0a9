// SPDX-License-Identifier: GPL-2.0
/* Exit windows: the one builder, the delta, and the strict parser's refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exitscope/reasons.h"
#include "window.h"

#define SVM_CPUID	0x72
#define SVM_HLT		0x78
#define SVM_UNDEFINED	0x12345	/* no SVM exit code */

static char err[256];

static json_t *entry(json_t *window, size_t i)
{
	return json_array_get(json_object_get(window, "by_reason"), i);
}

static json_int_t int_at(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static const char *str_at(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void test_build_leaves_out_zero_counts(void **state)
{
	struct exit_table t = { .n = 0 };
	json_t *w;

	(void)state;
	assert_int_equal(exit_table_add(&t, SVM_HLT, 3, 300), 0);
	assert_int_equal(exit_table_add(&t, SVM_CPUID, 0, 0), 0);
	assert_int_equal(exit_table_add(&t, SVM_UNDEFINED, 2, 20), 0);
	t.total = 5;
	t.cycles = 320;
	w = window_json(EXSC_ISA_SVM, &t);
	assert_int_equal(int_at(w, "total"), 5);
	assert_int_equal(int_at(w, "cycles"), 320);
	assert_int_equal(json_array_size(json_object_get(w, "by_reason")), 2);
	/* In table order, named as the ISA names them. */
	assert_int_equal(int_at(entry(w, 0), "reason"), SVM_HLT);
	assert_string_equal(str_at(entry(w, 0), "name"), reasons_name(EXSC_ISA_SVM, SVM_HLT));
	assert_int_equal(int_at(entry(w, 0), "count"), 3);
	assert_int_equal(int_at(entry(w, 0), "cycles"), 300);
	assert_null(reasons_name(EXSC_ISA_SVM, SVM_UNDEFINED));
	assert_string_equal(str_at(entry(w, 1), "name"), "unknown");
	json_decref(w);
}

static void test_delta_counts_from_zero_and_drops_the_unmoved(void **state)
{
	struct exit_table before = { .n = 0 }, after = { .n = 0 };
	json_t *w;

	(void)state;
	exit_table_add(&before, SVM_CPUID, 10, 1000);
	exit_table_add(&before, SVM_HLT, 4, 400);
	before.total = 14;
	before.cycles = 1400;
	exit_table_add(&after, SVM_CPUID, 15, 1600);
	exit_table_add(&after, SVM_HLT, 4, 400);
	exit_table_add(&after, SVM_UNDEFINED, 1, 7);	/* absent before */
	after.total = 20;
	after.cycles = 2007;
	w = window_delta_json(EXSC_ISA_SVM, &before, &after);
	assert_int_equal(int_at(w, "total"), 6);
	assert_int_equal(int_at(w, "cycles"), 607);
	assert_int_equal(json_array_size(json_object_get(w, "by_reason")), 2);
	assert_int_equal(int_at(entry(w, 0), "reason"), SVM_CPUID);
	assert_int_equal(int_at(entry(w, 0), "count"), 5);
	assert_int_equal(int_at(entry(w, 0), "cycles"), 600);
	assert_int_equal(int_at(entry(w, 1), "reason"), SVM_UNDEFINED);
	assert_int_equal(int_at(entry(w, 1), "count"), 1);
	json_decref(w);
}

static void test_parse_reads_back_what_was_built(void **state)
{
	struct exit_table t = { .n = 0 }, back;
	json_t *w;

	(void)state;
	exit_table_add(&t, SVM_HLT, 0x100000000ULL, 0x7FFFFFFFFFFFFFFFULL);
	exit_table_add(&t, SVM_CPUID, 1, 2);
	t.total = 0x100000001ULL;
	t.cycles = 9;
	w = window_json(EXSC_ISA_SVM, &t);
	assert_int_equal(window_parse(w, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.total, 0x100000001ULL);
	assert_int_equal(back.cycles, 9);
	assert_int_equal(back.v[0].reason, SVM_HLT);
	assert_int_equal(back.v[0].count, 0x100000000ULL);
	assert_int_equal(back.v[0].cycles, 0x7FFFFFFFFFFFFFFFULL);
	assert_non_null(exit_table_find(&back, SVM_CPUID));
	assert_null(exit_table_find(&back, SVM_UNDEFINED));
	assert_int_equal(window_check_names(w, EXSC_ISA_SVM, err, sizeof(err)), 0);
	json_decref(w);
}

/* @text must be refused with -EINVAL and an error that contains @says. */
static void assert_refused(const char *text, int expected, const char *says)
{
	json_t *w = json_loads(text, 0, NULL);
	struct exit_table *t = malloc(sizeof(*t));

	assert_non_null(w);
	assert_non_null(t);
	err[0] = '\0';
	assert_int_equal(window_parse(w, t, err, sizeof(err)), expected);
	if (!strstr(err, says))
		fail_msg("\"%s\" does not say \"%s\"", err, says);
	free(t);
	json_decref(w);
}

static void test_parse_refuses_what_is_wrong(void **state)
{
	(void)state;
	assert_refused("{\"cycles\": 0, \"by_reason\": []}", -EINVAL, "total");
	assert_refused("{\"total\": 0, \"cycles\": 0, \"by_reason\": [], \"extra\": 1}", -EINVAL,
		       "extra");
	assert_refused("{\"total\": \"5\", \"cycles\": 0, \"by_reason\": []}", -EINVAL,
		       "total is a string");
	assert_refused("{\"total\": -1, \"cycles\": 0, \"by_reason\": []}", -EINVAL,
		       "total is negative (-1)");
	assert_refused("{\"total\": 0, \"cycles\": 0.5, \"by_reason\": []}", -EINVAL, "cycles is a real");
	assert_refused("{\"total\": 0, \"cycles\": 0, \"by_reason\": {}}", -EINVAL,
		       "by_reason is an object");
	assert_refused("[]", -EINVAL, "an array, not an object");
	assert_refused("{\"total\": 1, \"cycles\": 0, \"by_reason\": [7]}", -EINVAL,
		       "by_reason[0] is an integer");
	assert_refused("{\"total\": 1, \"cycles\": 0, \"by_reason\": [{\"reason\": 114, "
		       "\"name\": \"cpuid\", \"count\": -3, \"cycles\": 0}]}", -EINVAL,
		       "by_reason[0].count is negative (-3)");
	assert_refused("{\"total\": 1, \"cycles\": 0, \"by_reason\": [{\"reason\": 114, "
		       "\"name\": \"cpuid\", \"count\": 1}]}", -EINVAL, "by_reason[0]: ");
	assert_refused("{\"total\": 1, \"cycles\": 0, \"by_reason\": [{\"reason\": 114, "
		       "\"name\": 114, \"count\": 1, \"cycles\": 0}]}", -EINVAL,
		       "by_reason[0].name is an integer");
	assert_refused("{\"total\": 1, \"cycles\": 0, \"by_reason\": [{\"reason\": 4294967296, "
		       "\"name\": \"x\", \"count\": 1, \"cycles\": 0}]}", -EINVAL,
		       "by_reason[0].reason is 4294967296");
	assert_refused("{\"total\": 2, \"cycles\": 0, \"by_reason\": ["
		       "{\"reason\": 114, \"name\": \"cpuid\", \"count\": 1, \"cycles\": 0},"
		       "{\"reason\": 114, \"name\": \"cpuid\", \"count\": 1, \"cycles\": 0}]}",
		       -EINVAL, "by_reason[1]: reason 114 is listed twice");
}

static void test_parse_refuses_more_reasons_than_a_table_holds(void **state)
{
	json_t *w = json_pack("{s:i, s:i, s:[]}", "total", 0, "cycles", 0, "by_reason");
	struct exit_table *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	for (int i = 0; i <= EXIT_TABLE_MAX; i++)
		json_array_append_new(json_object_get(w, "by_reason"),
				      json_pack("{s:i, s:s, s:i, s:i}", "reason", i, "name", "x",
						"count", 1, "cycles", 0));
	assert_int_equal(window_parse(w, t, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "more than 512"));
	json_array_remove(json_object_get(w, "by_reason"), 0);
	assert_int_equal(window_parse(w, t, err, sizeof(err)), 0);
	assert_int_equal(t->n, EXIT_TABLE_MAX);
	free(t);
	json_decref(w);
}

static void test_names_are_the_isas(void **state)
{
	json_t *w = json_pack("{s:i, s:i, s:[{s:i, s:s, s:i, s:i}]}", "total", 1, "cycles", 0,
			      "by_reason", "reason", SVM_UNDEFINED, "name", "?", "count", 1,
			      "cycles", 0);

	(void)state;
	assert_int_equal(window_check_names(w, EXSC_ISA_SVM, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "by_reason[0].name is \"?\""));
	assert_non_null(strstr(err, "\"unknown\""));
	json_object_set_new(json_array_get(json_object_get(w, "by_reason"), 0), "name",
			    json_string("unknown"));
	assert_int_equal(window_check_names(w, EXSC_ISA_SVM, err, sizeof(err)), 0);
	/* The same reason number under the other ISA has the other ISA's name. */
	json_object_set_new(json_array_get(json_object_get(w, "by_reason"), 0), "reason",
			    json_integer(10));
	json_object_set_new(json_array_get(json_object_get(w, "by_reason"), 0), "name",
			    json_string("CPUID"));
	assert_int_equal(window_check_names(w, EXSC_ISA_VMX, err, sizeof(err)), 0);
	assert_int_equal(window_check_names(w, EXSC_ISA_SVM, err, sizeof(err)), -EINVAL);
	json_decref(w);
}

static void test_a_table_has_room_for_so_many(void **state)
{
	struct exit_table *t = calloc(1, sizeof(*t));

	(void)state;
	assert_non_null(t);
	for (uint32_t i = 0; i < EXIT_TABLE_MAX; i++)
		assert_int_equal(exit_table_add(t, i, i, 0), 0);
	assert_int_equal(exit_table_add(t, EXIT_TABLE_MAX, 1, 0), -E2BIG);
	assert_int_equal(exit_table_find(t, 300)->count, 300);
	free(t);
}

/* A window from two readings of the same counters: what happened in between, or nothing when they went down. */
static void test_since_subtracts_an_earlier_reading(void **state)
{
	static struct exit_table before, now;

	(void)state;
	exit_table_add(&before, 10, 5, 50);
	exit_table_add(&before, 30, 0, 0);
	before.total = 5;
	before.cycles = 50;
	exit_table_add(&now, 30, 2, 20);
	exit_table_add(&now, 10, 12, 150);
	exit_table_add(&now, 48, 1, 1);
	now.total = 15;
	now.cycles = 171;
	assert_int_equal(exit_table_since(&now, &before), 0);
	assert_int_equal(exit_table_find(&now, 10)->count, 7);
	assert_int_equal(exit_table_find(&now, 10)->cycles, 100);
	assert_int_equal(exit_table_find(&now, 30)->count, 2);
	assert_int_equal(exit_table_find(&now, 48)->count, 1);
	assert_int_equal(now.total, 10);
	assert_int_equal(now.cycles, 121);
	/* A count that went down: reason 10 is 7 now, 8 before. */
	before.v[0].count = 8;
	assert_int_equal(exit_table_since(&now, &before), -ERANGE);
	/* A reason counted before and gone now is not the same counters. */
	memset(&now, 0, sizeof(now));
	now.total = 9;
	now.cycles = 99;
	assert_int_equal(exit_table_since(&now, &before), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_leaves_out_zero_counts),
		cmocka_unit_test(test_delta_counts_from_zero_and_drops_the_unmoved),
		cmocka_unit_test(test_parse_reads_back_what_was_built),
		cmocka_unit_test(test_parse_refuses_what_is_wrong),
		cmocka_unit_test(test_parse_refuses_more_reasons_than_a_table_holds),
		cmocka_unit_test(test_names_are_the_isas),
		cmocka_unit_test(test_a_table_has_room_for_so_many),
		cmocka_unit_test(test_since_subtracts_an_earlier_reading),
	};

	return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}
