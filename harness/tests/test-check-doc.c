// SPDX-License-Identifier: GPL-2.0
/* exitmicro check's document read back: a model kernel's grading round-trips, a broken one does not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check-doc.h"
#include "check-output.h"
#include "model-hv.h"

static struct check_window window;
static struct check_input in;
static struct check_report report;
static struct check_doc back;

/* The model graded as @map_name with 50 CPUIDs and 50 HLTs caused, as exitmicro's document. */
static json_t *graded_doc(const char *map_name, enum exsc_isa isa)
{
	const struct exsc_map *map = exsc_map_find(map_name);
	static struct check_caused caused[2];
	struct exsc_regs regs;
	json_t *doc;

	caused[0] = (struct check_caused){ .reason = reasons_cpuid(isa), .caused = 50,
					   .has_traced = true, .traced = 50 };
	caused[1] = (struct check_caused){ .reason = isa == EXSC_ISA_VMX ? 12 : 0x78, .caused = 50,
					   .has_traced = true, .traced = 50 };
	in = (struct check_input){ .map = map, .isa = isa, .cpuid = model_cpuid, .window = &window,
				   .caused = caused, .nr_caused = 2 };
	check_window_begin(map, isa, model_cpuid, &window);
	for (int i = 0; i < 50; i++)
		model_cpuid(0, 0, &regs);
	model_cause(caused[1].reason, 50);
	check_window_end(map, isa, model_cpuid, &window);
	assert_int_equal(check_grade(&in, &report), 0);
	doc = check_report_json(&in, &report);
	assert_non_null(doc);
	json_object_set_new(doc, "actions", json_pack("[s, s]", "cpuid", "hlt"));
	json_object_set_new(doc, "k", json_integer(50));
	json_object_set_new(doc, "cpuids", json_integer(1234));
	json_object_set_new(doc, "release", json_string("6.1.192"));
	json_object_set_new(doc, "seconds", json_real(1.5));
	return doc;
}

static void test_a_grading_reads_back_row_for_row(void **state)
{
	char err[200] = "";
	json_t *doc;

	(void)state;
	model_reset(exsc_map_find("b"), EXSC_ISA_SVM);
	doc = graded_doc("b", EXSC_ISA_SVM);
	assert_int_equal(check_doc_read(doc, exsc_map_find("b"), &back, err, sizeof(err)), 0);
	assert_int_equal(back.isa, EXSC_ISA_SVM);
	assert_ptr_equal(back.report.answered, exsc_map_find("b"));
	assert_int_equal(back.report.n, report.n);
	assert_true(report.n > 5);
	for (size_t i = 0; i < report.n; i++) {
		assert_string_equal(back.report.v[i].rule, report.v[i].rule);
		assert_int_equal(back.report.v[i].status, report.v[i].status);
		assert_int_equal(back.report.v[i].has_reason, report.v[i].has_reason);
		assert_int_equal(back.report.v[i].reason, report.v[i].reason);
		assert_string_equal(back.report.v[i].got, report.v[i].got);
		assert_string_equal(back.report.v[i].expected, report.v[i].expected);
	}
	assert_int_equal(check_failures(&back.report), 0);
	json_decref(doc);
}

static void test_a_failure_keeps_its_cause(void **state)
{
	char err[200] = "";
	json_t *doc;
	size_t failed = 0;

	(void)state;
	model_reset(exsc_map_find("exitscope"), EXSC_ISA_VMX);
	model.kvm_table = true;
	doc = graded_doc("exitscope", EXSC_ISA_VMX);
	assert_int_equal(check_doc_read(doc, exsc_map_find("exitscope"), &back, err, sizeof(err)), 0);
	for (size_t i = 0; i < back.report.n; i++)
		if (back.report.v[i].status == CHECK_FAIL) {
			failed++;
			assert_string_equal(back.report.v[i].cause, report.v[i].cause);
		}
	assert_true(failed > 0);
	assert_int_equal(failed, check_failures(&report));
	json_decref(doc);
}

static void test_a_stock_kernel_reads_back_as_the_gate_alone(void **state)
{
	char err[200] = "";
	json_t *doc;

	(void)state;
	model_reset(NULL, EXSC_ISA_SVM);
	doc = graded_doc("exitscope", EXSC_ISA_SVM);
	assert_int_equal(check_doc_read(doc, exsc_map_find("exitscope"), &back, err, sizeof(err)), 0);
	assert_int_equal(back.report.n, 1);
	assert_null(back.report.answered);
	assert_string_equal(back.report.v[0].got, "no map");
	/* Another map than the one asked for is refused. */
	assert_int_equal(check_doc_read(doc, exsc_map_find("a"), &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "map"));
	json_decref(doc);
}

/* Each edit of a good document that must be refused, and a word of the reason given. */
static void test_a_broken_document_is_refused(void **state)
{
	static const struct {
		const char *key, *json, *word;
	} edits[] = {
		{ "schema", "\"exitscope/check/v0\"", "schema" },
		{ "isa", "\"none\"", "isa" },
		{ "failures", "3", "failures" },
		{ "pass", "false", "pass" },
		{ "answered", "\"z\"", "answered" },
		{ "answered", "null", "gate" },
		{ "k", "0", "k" },
		{ "cpuids", "\"many\"", "cpuids" },
		{ "seconds", "-1", "seconds" },
		{ "release", "1", "release" },
		{ "actions", "[1]", "actions" },
		{ "verdicts", "[]", "verdicts" },
		{ "verdicts", "[{\"rule\": \"speed\", \"status\": \"pass\", \"expected\": \"\", "
			      "\"got\": \"\"}]", "rule" },
		{ "verdicts", "[{\"rule\": \"totals\", \"status\": \"ok\", \"expected\": \"\", "
			      "\"got\": \"\"}]", "status" },
		{ "verdicts", "[{\"rule\": \"totals\", \"status\": \"FAIL\", \"expected\": \"\", "
			      "\"got\": \"\"}]", "cause" },
		{ "verdicts", "[{\"rule\": \"totals\", \"status\": \"pass\", \"expected\": \"\", "
			      "\"got\": \"\", \"reason\": -1}]", "reason" },
		{ "verdicts", "[{\"rule\": \"totals\", \"status\": \"pass\", \"expected\": 1, "
			      "\"got\": \"\"}]", "expected" },
	};
	char err[200];

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		json_t *doc;

		model_reset(exsc_map_find("c"), EXSC_ISA_VMX);
		doc = graded_doc("c", EXSC_ISA_VMX);
		json_object_set_new(doc, edits[i].key, json_loads(edits[i].json, JSON_DECODE_ANY, NULL));
		err[0] = '\0';
		if (check_doc_read(doc, exsc_map_find("c"), &back, err, sizeof(err)) != -EINVAL)
			fail_msg("edit %zu (%s) was taken", i, edits[i].key);
		if (!strstr(err, edits[i].word))
			fail_msg("edit %zu (%s): '%s' does not say %s", i, edits[i].key, err,
				 edits[i].word);
		json_decref(doc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_grading_reads_back_row_for_row),
		cmocka_unit_test(test_a_failure_keeps_its_cause),
		cmocka_unit_test(test_a_stock_kernel_reads_back_as_the_gate_alone),
		cmocka_unit_test(test_a_broken_document_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
