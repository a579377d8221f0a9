// SPDX-License-Identifier: GPL-2.0
/*
 * Result files of the micro stage (tests/data/results/micro/): the "micro"
 * block, its verdicts held to its numbers, a result without a boot window,
 * and the L0 emulators host.accel may name.
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

#include "result.h"

#define MICRO "tests/data/results/micro/"

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not contain '%s'", text, part);
}

static json_t *load(const char *name)
{
	char path[128];
	json_error_t jerr;
	json_t *doc;

	snprintf(path, sizeof(path), MICRO "%s", name);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fail_msg("%s: %s", path, jerr.text);
	return doc;
}

static json_t *micro_of(json_t *doc)
{
	return json_object_get(doc, "micro");
}

static json_t *reason_of(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(micro_of(doc), "reasons"), i);
}

static void assert_invalid(json_t *doc, const char *message)
{
	struct result_error err;

	assert_int_equal(result_validate(doc, &err), -EINVAL);
	assert_contains(err.text, message);
	json_decref(doc);
}

static void test_load_vmx(void **state)
{
	const struct result_micro_reason *row;
	struct result_error err;
	struct result r;

	(void)state;
	assert_int_equal(result_load(MICRO "vmx.json", &r, &err), 0);
	assert_string_equal(r.host.accel, "bochs");
	assert_int_equal(r.isa, EXSC_ISA_VMX);
	assert_false(r.boot_present);
	assert_int_equal(r.boot.nr, 0);
	assert_null(r.boot.by_reason);
	assert_true(r.micro.present);
	assert_true(r.micro.exact);
	assert_int_equal(r.micro.k, 1000);
	assert_int_equal(r.micro.nr_reasons, 8);
	assert_int_equal(r.micro.nr_exact, 8);
	row = &r.micro.reasons[3];
	assert_string_equal(row->action, "pio-out");
	assert_int_equal(row->reason, 30);
	assert_string_equal(row->name, "IO_INSTRUCTION");
	assert_int_equal(row->caused, 1000);
	assert_int_equal(row->traced, 1000);
	assert_int_equal(row->cycles, 4790000);
	assert_int_equal(r.micro.nr_unsupported, 2);
	assert_string_equal(r.micro.unsupported[1].action, "rdtsc");
	assert_true(r.micro.unsupported[1].has_reason);
	assert_int_equal(r.micro.unsupported[1].reason, 16);
	assert_int_equal(r.micro.nr_errors, 0);
	/* pio-in and pio-out share IO_INSTRUCTION: one row in the exits window */
	assert_int_equal(result_window_find(&r.exits, 30)->count, 2024);
	result_free(&r);
}

static void test_load_svm_inexact(void **state)
{
	struct result_error err;
	struct result r;

	(void)state;
	assert_int_equal(result_load(MICRO "svm.json", &r, &err), 0);
	assert_int_equal(r.isa, EXSC_ISA_SVM);
	assert_false(r.micro.exact);
	assert_int_equal(r.micro.nr_exact, 7);
	assert_false(r.micro.reasons[5].exact);
	assert_int_equal(r.micro.reasons[5].traced, 0);
	assert_false(r.micro.unsupported[1].has_reason);
	assert_null(r.micro.unsupported[1].name);
	result_free(&r);
	assert_int_equal(result_load(MICRO "vmx-inexact.json", &r, &err), 0);
	assert_int_equal(r.micro.nr_errors, 1);
	assert_string_equal(r.micro.errors[0].action, "hypercall");
	result_free(&r);
}

/* A result of the usual stages has neither micro nor, now, needs boot. */
static void test_boot_optional(void **state)
{
	struct result_error err;
	struct result r;
	json_t *doc = json_load_file("tests/data/results/k612/cpuid.json", 0, NULL);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(result_parse(doc, &r, &err), 0);
	assert_true(r.boot_present);
	assert_false(r.micro.present);
	result_free(&r);
	json_object_del(doc, "boot");
	assert_int_equal(result_parse(doc, &r, &err), 0);
	assert_false(r.boot_present);
	assert_int_equal(r.boot.total, 0);
	result_free(&r);
	json_object_set_new(doc, "boot", json_null());
	assert_invalid(doc, "boot: Expected object, got null");
}

static void test_accel(void **state)
{
	struct result_error err;
	json_t *doc = load("svm.json");

	(void)state;
	json_object_set_new(json_object_get(doc, "host"), "accel", json_string("kvm"));
	assert_int_equal(result_validate(doc, &err), 0);
	json_object_set_new(json_object_get(doc, "host"), "accel", json_string("bogus"));
	assert_invalid(doc, "host.accel is 'bogus', not kvm, tcg or bochs");
}

/* Each reason's exact is what its four numbers say, both ways. */
static void test_reason_exact_held_to_numbers(void **state)
{
	struct result_error err;
	json_t *doc;

	(void)state;
	doc = load("vmx.json");
	json_object_set_new(reason_of(doc, 2), "exact", json_false());
	assert_invalid(doc, "micro.reasons[2].exact is false, but caused 1000, cpuid 1000, "
		       "debugfs 1000, traced 1000 are all equal");
	doc = load("svm.json");
	json_object_set_new(reason_of(doc, 5), "exact", json_true());
	assert_invalid(doc, "micro.reasons[5].exact is true, but caused 1000, cpuid 1000, "
		       "debugfs 1000, traced 0 are not all equal");
	/* Negative counts are data (a kernel counting less than the guest's own exits). */
	doc = load("svm.json");
	json_object_set_new(reason_of(doc, 5), "traced", json_integer(-3));
	assert_int_equal(result_validate(doc, &err), 0);
	json_decref(doc);
}

static void test_block_exact_held_to_entries(void **state)
{
	json_t *doc;

	(void)state;
	doc = load("svm.json");
	json_object_set_new(micro_of(doc), "exact", json_true());
	assert_invalid(doc, "micro.exact is true, but 7 of 8 reasons are exact with 0 error(s)");
	doc = load("vmx.json");
	json_object_set_new(micro_of(doc), "exact", json_false());
	assert_invalid(doc, "micro.exact is false, but 8 of 8 reasons are exact");
	doc = load("vmx.json");
	json_array_append_new(json_object_get(micro_of(doc), "errors"),
			      json_pack("{s:s, s:s}", "action", "ud", "error", "no exit"));
	assert_invalid(doc, "micro.exact is true, but 8 of 8 reasons are exact with 1 error(s)");
	doc = load("vmx.json");
	json_array_clear(json_object_get(micro_of(doc), "reasons"));
	assert_invalid(doc, "micro.exact is true, but 0 of 0 reasons are exact");
}

static void test_block_strict(void **state)
{
	json_t *doc;

	(void)state;
	doc = load("vmx.json");
	json_object_del(reason_of(doc, 0), "debugfs");
	assert_invalid(doc, "micro.reasons[0]: Object item not found: debugfs");
	doc = load("vmx.json");
	json_object_set_new(reason_of(doc, 1), "note", json_string("x"));
	assert_invalid(doc, "micro.reasons[1]: 1 object item(s) left unpacked: note");
	doc = load("vmx.json");
	json_object_set_new(micro_of(doc), "seconds", json_real(1.5));
	assert_invalid(doc, "micro: 1 object item(s) left unpacked: seconds");
	doc = load("vmx.json");
	json_object_del(micro_of(doc), "unsupported");
	assert_invalid(doc, "micro: Object item not found: unsupported");
	doc = load("vmx.json");
	json_object_set_new(reason_of(doc, 0), "cpuid", json_string("1000"));
	assert_invalid(doc, "micro.reasons[0]: Expected integer, got string");
	doc = load("vmx.json");
	json_object_set_new(reason_of(doc, 0), "caused", json_integer(-1));
	assert_invalid(doc, "micro.reasons[0].caused is negative (-1)");
	doc = load("vmx.json");
	json_object_set_new(micro_of(doc), "k", json_integer(0));
	assert_invalid(doc, "micro.k is 0, at least 1 expected");
	doc = load("vmx.json");
	json_object_set_new(micro_of(doc), "errors", json_object());
	assert_invalid(doc, "micro.errors is not an array");
}

static void test_notes_strict(void **state)
{
	json_t *doc, *unsupported;

	(void)state;
	doc = load("vmx.json");
	unsupported = json_array_get(json_object_get(micro_of(doc), "unsupported"), 0);
	json_object_del(unsupported, "why");
	assert_invalid(doc, "micro.unsupported[0]: Object item not found: why");
	doc = load("vmx.json");
	unsupported = json_array_get(json_object_get(micro_of(doc), "unsupported"), 1);
	json_object_set_new(unsupported, "reason", json_integer(-16));
	assert_invalid(doc, "micro.unsupported[1]: reason -16 is not a 32-bit exit code");
	doc = load("vmx-inexact.json");
	json_object_set_new(json_array_get(json_object_get(micro_of(doc), "errors"), 0), "why",
			    json_string("x"));
	assert_invalid(doc, "micro.errors[0]: 1 object item(s) left unpacked: why");
	doc = load("vmx.json");
	json_array_append(json_object_get(micro_of(doc), "reasons"), reason_of(doc, 0));
	assert_invalid(doc, "micro.reasons lists action 'cpuid' twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_vmx),
		cmocka_unit_test(test_load_svm_inexact),
		cmocka_unit_test(test_boot_optional),
		cmocka_unit_test(test_accel),
		cmocka_unit_test(test_reason_exact_held_to_numbers),
		cmocka_unit_test(test_block_exact_held_to_entries),
		cmocka_unit_test(test_block_strict),
		cmocka_unit_test(test_notes_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
