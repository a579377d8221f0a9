// SPDX-License-Identifier: GPL-2.0
/* exitmicro cost's pure half: medians, the modes' names and the document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../micro/cost.h"
#include "cost-doc.h"

static void test_median_is_the_lower_middle_of_the_sorted_values(void **state)
{
	static const uint64_t odd[] = { 9, 1, 5 }, even[] = { 40, 10, 30, 20 }, one[] = { 7 };

	(void)state;
	assert_int_equal(micro_cost_median(odd, 3), 5);
	assert_int_equal(micro_cost_median(even, 4), 20);
	assert_int_equal(micro_cost_median(one, 1), 7);
	assert_int_equal(micro_cost_median(odd, 0), 0);
	/* Sorting a copy: the caller's order is its record of the windows. */
	assert_int_equal(odd[0], 9);
}

static void test_modes_have_the_names_the_document_uses(void **state)
{
	(void)state;
	assert_string_equal(micro_cost_mode_name(MICRO_COST_PLAIN), "plain");
	assert_string_equal(micro_cost_mode_name(MICRO_COST_EVENT), "event");
	assert_string_equal(micro_cost_mode_name(MICRO_COST_HIST), "hist");
	assert_string_equal(micro_cost_mode_name(MICRO_COST_MODES), "?");
}

static struct micro_cost three_windows(void)
{
	struct micro_cost c = { .n = 1000, .windows = 3, .exitscope = true, .isa = EXSC_ISA_VMX,
				.release = "6.1.192" };
	static const uint64_t ticks[MICRO_COST_MODES][3] = {
		{ 861000, 860000, 870000 }, { 1504000, 1504000, 1504000 }, { 1686000, 1690000, 1680000 },
	};

	for (int m = 0; m < MICRO_COST_MODES; m++)
		memcpy(c.ticks[m], ticks[m], sizeof(ticks[m]));
	return c;
}

static double per_exit(json_t *doc, const char *mode, const char *which)
{
	json_t *m = json_object_get(json_object_get(doc, "modes"), mode);

	return json_real_value(json_object_get(json_object_get(m, "per_exit"), which));
}

static void test_document_gives_ticks_and_per_exit_figures_of_each_mode(void **state)
{
	struct micro_cost c = three_windows();
	json_t *doc = micro_cost_doc(&c), *ticks;

	(void)state;
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), MICRO_COST_SCHEMA);
	assert_int_equal(json_integer_value(json_object_get(doc, "n")), 1000);
	assert_int_equal(json_integer_value(json_object_get(doc, "windows")), 3);
	assert_true(json_is_true(json_object_get(doc, "exitscope")));
	assert_string_equal(json_string_value(json_object_get(doc, "isa")), "vmx");
	assert_string_equal(json_string_value(json_object_get(doc, "release")), "6.1.192");
	assert_int_equal(json_object_size(json_object_get(doc, "modes")), MICRO_COST_MODES);
	ticks = json_object_get(json_object_get(json_object_get(doc, "modes"), "plain"), "ticks");
	assert_int_equal(json_array_size(ticks), 3);
	assert_int_equal(json_integer_value(json_array_get(ticks, 2)), 870000);
	assert_true(per_exit(doc, "plain", "median") == 861.0);
	assert_true(per_exit(doc, "plain", "min") == 860.0);
	assert_true(per_exit(doc, "plain", "max") == 870.0);
	assert_true(per_exit(doc, "event", "median") == 1504.0);
	assert_true(per_exit(doc, "hist", "median") == 1686.0);
	json_decref(doc);
}

static void test_document_refuses_what_it_cannot_state(void **state)
{
	struct micro_cost c = three_windows();

	(void)state;
	c.n = 0;
	assert_null(micro_cost_doc(&c));
	c = three_windows();
	c.windows = 0;
	assert_null(micro_cost_doc(&c));
	c.windows = MICRO_COST_WINDOWS_MAX + 1;
	assert_null(micro_cost_doc(&c));
	c = three_windows();
	c.ticks[MICRO_COST_HIST][1] = (uint64_t)INT64_MAX + 1;
	assert_null(micro_cost_doc(&c));
}

static void test_the_readers_check_passes_the_writers_document(void **state)
{
	struct micro_cost c = three_windows();
	json_t *doc = micro_cost_doc(&c);
	char err[256] = "";

	(void)state;
	assert_int_equal(cost_doc_check(doc, err, sizeof(err)), 0);
	assert_true(cost_doc_per_exit(doc, "hist") == 1686.0);
	c.exitscope = false;
	c.isa = EXSC_ISA_NONE;
	json_decref(doc);
	doc = micro_cost_doc(&c);
	assert_int_equal(cost_doc_check(doc, err, sizeof(err)), 0);
	json_decref(doc);
}

/* Each edit breaks one promise of the document; the check must name it. */
static void test_the_check_refuses_each_broken_promise(void **state)
{
	static const struct {
		const char *path, *json, *names;
	} edits[] = {
		{ "schema", "\"exitscope/micro/v1\"", "schema" },
		{ "n", "0", "n is 0" },
		{ "windows", "2", "ticks has 3 entries" },
		{ "clock", "\"wall\"", "clock" },
		{ "isa", "\"arm\"", "isa" },
		{ "extra", "1", "extra" },
		{ "modes.hist", "null", "modes is not" },
		{ "modes.event.ticks", "[1, 2, -3]", "ticks[2]" },
		{ "modes.plain.per_exit.median", "870.0", "per_exit" },
		{ "modes.plain.per_exit.min", "861", "per_exit" },
	};
	struct micro_cost c = three_windows();
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		json_t *doc = micro_cost_doc(&c), *parent = doc, *value = json_loads(edits[i].json,
										   JSON_DECODE_ANY, NULL);
		char path[64], *key, *next;

		snprintf(path, sizeof(path), "%s", edits[i].path);
		for (key = path; (next = strchr(key, '.')); key = next + 1) {
			*next = '\0';
			parent = json_object_get(parent, key);
		}
		if (json_is_null(value))
			json_object_del(parent, key);
		else
			json_object_set(parent, key, value);
		json_decref(value);
		err[0] = '\0';
		assert_int_not_equal(cost_doc_check(doc, err, sizeof(err)), 0);
		if (!strstr(err, edits[i].names))
			fail_msg("edit %s: '%s' does not name '%s'", edits[i].path, err, edits[i].names);
		json_decref(doc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_is_the_lower_middle_of_the_sorted_values),
		cmocka_unit_test(test_modes_have_the_names_the_document_uses),
		cmocka_unit_test(test_document_gives_ticks_and_per_exit_figures_of_each_mode),
		cmocka_unit_test(test_document_refuses_what_it_cannot_state),
		cmocka_unit_test(test_the_readers_check_passes_the_writers_document),
		cmocka_unit_test(test_the_check_refuses_each_broken_promise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
