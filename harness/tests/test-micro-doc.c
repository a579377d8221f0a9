// SPDX-License-Identifier: GPL-2.0
/*
 * exitmicro's document as a run reads it (src/micro-doc.c): a real VMX
 * document from the micro stage under Bochs, the same with one thing
 * wrong, and what the writer (micro/document.c) emits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../micro/document.h"
#include "micro-doc.h"

#define VMX_DOC "tests/data/micro/reasons-vmx.json"

static json_t *load_doc(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(VMX_DOC, 0, &jerr);

	assert_non_null(doc);
	return doc;
}

static json_t *first_reason(json_t *doc)
{
	return json_array_get(json_object_get(doc, "reasons"), 0);
}

static void test_a_real_document_checks(void **state)
{
	json_t *doc = load_doc();
	enum exsc_isa isa = EXSC_ISA_NONE;
	char err[256] = "";

	(void)state;
	assert_int_equal(micro_doc_check(doc, &isa, err, sizeof(err)), 0);
	assert_int_equal(isa, EXSC_ISA_VMX);
	assert_int_equal(micro_doc_own_cpuid(doc), 2 * json_array_size(json_object_get(doc, "reasons")));
	json_decref(doc);
}

/* Each change makes the document lie or break its shape; the check must say so. */
static void test_a_document_that_lies_is_refused(void **state)
{
	static const char *const keys[] = { "debugfs", "cpuid", "traced" };
	char err[256];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		json_t *doc = load_doc();

		/* One view one short, "exact" left true. */
		json_object_set_new(first_reason(doc), keys[i], json_integer(999));
		assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "\"exact\" is true"));
		/* Honest about that reason, but the document still claims all exact. */
		json_object_set_new(first_reason(doc), "exact", json_false());
		assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -EINVAL);
		json_object_set_new(doc, "exact", json_false());
		assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), 0);
		json_decref(doc);
	}
}

static void test_a_document_of_another_shape_is_refused(void **state)
{
	json_t *doc = load_doc();
	char err[256];

	(void)state;
	json_object_del(first_reason(doc), "cycles");
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cycles"));
	json_decref(doc);
	doc = load_doc();
	json_object_set_new(first_reason(doc), "extra", json_true());
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -EINVAL);
	json_decref(doc);
	doc = load_doc();
	json_object_set_new(doc, "isa", json_string("arm"));
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -EINVAL);
	json_object_set_new(doc, "schema", json_string("exitscope/probe/v1"));
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -ENOMSG);
	json_decref(doc);
}

/* Two actions share a reason (port in and out): the window sums them. */
static void test_tables_sum_actions_of_one_reason(void **state)
{
	static struct exit_table counted, traced;
	json_t *doc = load_doc(), *entry;
	uint64_t io_cycles = 0, n = 0;
	const struct exit_count *io;
	size_t i;

	(void)state;
	json_array_foreach(json_object_get(doc, "reasons"), i, entry) {
		n += (uint64_t)json_integer_value(json_object_get(entry, "caused"));
		if (json_integer_value(json_object_get(entry, "reason")) == 30)
			io_cycles += (uint64_t)json_integer_value(json_object_get(entry, "cycles"));
	}
	assert_int_equal(micro_doc_tables(doc, &counted, &traced), 0);
	io = exit_table_find(&counted, 30);
	assert_non_null(io);
	assert_int_equal(io->count, 2000);
	assert_int_equal(io->cycles, io_cycles);
	assert_int_equal(exit_table_find(&traced, 30)->count, 2000);
	assert_int_equal(counted.total, n);
	assert_int_equal(traced.total, n);
	/* A kernel that counted fewer than the guest's own exits reads as zero. */
	json_object_set_new(first_reason(doc), "debugfs", json_integer(-2));
	json_object_set_new(first_reason(doc), "exact", json_false());
	assert_int_equal(micro_doc_tables(doc, &counted, &traced), 0);
	assert_int_equal(exit_table_find(&counted, 10)->count, 0);
	json_decref(doc);
}

static void test_the_result_block_keeps_the_four_views(void **state)
{
	json_t *doc = load_doc(), *block = micro_doc_result(doc), *entry;

	(void)state;
	assert_non_null(block);
	assert_true(json_is_true(json_object_get(block, "exact")));
	assert_int_equal(json_integer_value(json_object_get(block, "k")), 1000);
	assert_int_equal(json_array_size(json_object_get(block, "reasons")),
			 json_array_size(json_object_get(doc, "reasons")));
	entry = json_array_get(json_object_get(block, "reasons"), 0);
	assert_int_equal(json_object_size(entry), 9);
	assert_null(json_object_get(entry, "own_exits"));
	assert_int_equal(json_integer_value(json_object_get(entry, "cycles")),
			 json_integer_value(json_object_get(first_reason(doc), "cycles")));
	assert_true(json_equal(json_object_get(block, "unsupported"),
			       json_object_get(doc, "unsupported")));
	json_decref(block);
	json_decref(doc);
}

/* The writer's document passes the reader's check: one format, two ends. */
static void test_the_writer_satisfies_the_check(void **state)
{
	const struct exsc_info info = { .isa = EXSC_ISA_SVM, .abi_version = 2 };
	struct micro_result r = { .action = "cpuid", .reason = 0x72, .caused = 5,
				  .verdict = { .cpuid = 5, .debugfs = 5, .traced = 5, .exact = true,
					       .cycles = 77 },
				  .seconds = 0.5 };
	json_t *doc = micro_doc_new(&info, 5, "6.1.0");
	char err[256] = "";

	(void)state;
	assert_int_equal(micro_doc_add_result(doc, &r, NULL), 0);
	assert_int_equal(micro_doc_add_unsupported(doc, "vmxon", -1, "SVM has no VMXON"), 0);
	assert_true(micro_doc_finish(doc, 1.0));
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), 0);
	assert_int_equal(micro_doc_add_error(doc, "hlt", "timed out"), 0);
	/* An error after the verdict makes the stored "exact" a lie. */
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), -EINVAL);
	micro_doc_finish(doc, 1.0);
	assert_int_equal(micro_doc_check(doc, NULL, err, sizeof(err)), 0);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_real_document_checks),
		cmocka_unit_test(test_a_document_that_lies_is_refused),
		cmocka_unit_test(test_a_document_of_another_shape_is_refused),
		cmocka_unit_test(test_tables_sum_actions_of_one_reason),
		cmocka_unit_test(test_the_result_block_keeps_the_four_views),
		cmocka_unit_test(test_the_writer_satisfies_the_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
