// SPDX-License-Identifier: GPL-2.0
/* The micro guest's action table and its JSON document. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../micro/actions.h"
#include "../micro/document.h"
#include "exitscope/reasons.h"

static const struct micro_host usual = { .tdp = true, .mmio_caching = true, .xsave = true };

static void test_every_action_is_named_by_the_isa_tables(void **state)
{
	static const enum exsc_isa isas[] = { EXSC_ISA_VMX, EXSC_ISA_SVM };
	size_t nr, caused[2] = { 0, 0 };
	const struct micro_action *a = micro_actions(&nr);
	struct micro_cause c;

	(void)state;
	for (size_t i = 0; i < nr; i++) {
		assert_ptr_equal(micro_action_find(a[i].name), &a[i]);
		for (int k = 0; k < 2; k++) {
			int r = micro_action_cause(&a[i], isas[k], &usual, &c);

			if (r == -EOPNOTSUPP) {
				assert_non_null(c.unsupported);
				continue;
			}
			assert_int_equal(r, 0);
			/* A reason the kernel's table lacks would read as undefined by CPUID. */
			assert_non_null(reasons_name(isas[k], c.reason));
			assert_true(c.op < MICRO_OP_COUNT);
			caused[k]++;
		}
	}
	/* At least the list the micro guest promises on each ISA. */
	assert_true(caused[0] >= 30);
	assert_true(caused[1] >= 30);
	assert_null(micro_action_find("nope"));
}

static void test_host_facts_move_reasons(void **state)
{
	const struct micro_action *mmio = micro_action_find("mmio-read");
	struct micro_host host = usual;
	struct micro_cause c;

	(void)state;
	assert_int_equal(micro_action_cause(mmio, EXSC_ISA_VMX, &host, &c), 0);
	assert_int_equal(c.reason, 49);		/* EPT_MISCONFIG: an MMIO SPTE */
	host.mmio_caching = false;
	assert_int_equal(micro_action_cause(mmio, EXSC_ISA_VMX, &host, &c), 0);
	assert_int_equal(c.reason, 48);		/* EPT_VIOLATION every time */
	assert_int_equal(micro_action_cause(mmio, EXSC_ISA_SVM, &host, &c), 0);
	assert_int_equal(c.reason, 0x400);
	assert_int_equal(micro_action_cause(micro_action_find("invlpg"), EXSC_ISA_SVM, &usual, &c),
			 -EOPNOTSUPP);
	host.tdp = false;
	assert_int_equal(micro_action_cause(micro_action_find("invlpg"), EXSC_ISA_SVM, &host, &c),
			 0);
	assert_int_equal(micro_action_cause(mmio, EXSC_ISA_SVM, &host, &c), -EOPNOTSUPP);
	host.xsave = false;
	assert_int_equal(micro_action_cause(micro_action_find("xsetbv"), EXSC_ISA_VMX, &host, &c),
			 -EOPNOTSUPP);
	assert_int_equal(micro_action_cause(mmio, EXSC_ISA_NONE, &host, &c), -EINVAL);
	/* The hypercall instruction is the ISA's own. */
	assert_int_equal(micro_action_cause(micro_action_find("hypercall"), EXSC_ISA_VMX, &usual,
					    &c), 0);
	assert_int_equal(c.op, MICRO_OP_VMCALL);
	assert_int_equal(micro_action_cause(micro_action_find("hypercall"), EXSC_ISA_SVM, &usual,
					    &c), 0);
	assert_int_equal(c.op, MICRO_OP_VMMCALL);
}

static json_t *new_doc(void)
{
	const struct exsc_info info = { 1, EXSC_ISA_SVM, 261, EXSC_SCOPE_HOST, NULL };

	return micro_doc_new(&info, 1000, "6.1.192");
}

static const struct micro_result cpuid_exact = {
	.action = "cpuid", .reason = 0x72, .caused = 1000,
	.verdict = { .cpuid = 1000, .debugfs = 1000, .traced = 1000, .exact = true,
		     .cycles = 0x123456789ll },
	.seconds = 0.5,
};

static void test_document_of_an_exact_run(void **state)
{
	json_t *doc = new_doc(), *entry;
	json_t *others = json_pack("{s:i}", "interrupt", 3);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(micro_doc_add_result(doc, &cpuid_exact, others), 0);
	assert_int_equal(micro_doc_add_unsupported(doc, "vmxon", -1, "VMX only"), 0);
	assert_int_equal(micro_doc_add_unsupported(doc, "stgi", 0x84, "vgif"), 0);
	assert_true(micro_doc_finish(doc, 2.5));
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), MICRO_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "isa")), "svm");
	entry = json_array_get(json_object_get(doc, "reasons"), 0);
	assert_string_equal(json_string_value(json_object_get(entry, "name")), "cpuid");
	assert_int_equal(json_integer_value(json_object_get(entry, "caused")), 1000);
	assert_int_equal(json_integer_value(json_object_get(entry, "traced")), 1000);
	assert_true(json_is_integer(json_object_get(entry, "cycles")));
	assert_true(json_integer_value(json_object_get(entry, "cycles")) == 0x123456789ll);
	/* The own exits it subtracted are in the document, to check by hand. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(entry, "own_exits"),
							    "window")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(entry, "window_others"),
							    "interrupt")), 3);
	entry = json_array_get(json_object_get(doc, "unsupported"), 0);
	assert_null(json_object_get(entry, "reason"));
	entry = json_array_get(json_object_get(doc, "unsupported"), 1);
	assert_string_equal(json_string_value(json_object_get(entry, "name")), "stgi");
	json_decref(doc);
}

static void test_document_verdicts(void **state)
{
	struct micro_result off = cpuid_exact;
	json_t *doc = new_doc();

	(void)state;
	/* Nothing caused is no success. */
	assert_false(micro_doc_finish(doc, 0));
	assert_int_equal(micro_doc_add_result(doc, &cpuid_exact, NULL), 0);
	assert_true(micro_doc_finish(doc, 0));
	off.verdict.traced = 999;
	off.verdict.exact = false;
	assert_int_equal(micro_doc_add_result(doc, &off, NULL), 0);
	assert_false(micro_doc_finish(doc, 0));
	assert_false(json_is_true(json_object_get(doc, "exact")));
	json_decref(doc);

	doc = new_doc();
	assert_int_equal(micro_doc_add_result(doc, &cpuid_exact, NULL), 0);
	assert_int_equal(micro_doc_add_error(doc, "hlt", "timed out after 600 s before DONE"), 0);
	assert_false(micro_doc_finish(doc, 0));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_action_is_named_by_the_isa_tables),
		cmocka_unit_test(test_host_facts_move_reasons),
		cmocka_unit_test(test_document_of_an_exact_run),
		cmocka_unit_test(test_document_verdicts),
	};

	return cmocka_run_group_tests_name("micro-document", tests, NULL, NULL);
}
