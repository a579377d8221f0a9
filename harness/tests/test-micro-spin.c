// SPDX-License-Identifier: GPL-2.0
/* exitmicro spin's pure half: its arguments, its VM's names, its count and its document. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../micro/spin.h"
#include "../micro/views.h"

static void test_seconds_are_digits_within_a_day(void **state)
{
	static const char *const bad[] = { "0", "86401", "-1", "+5", "1.5", "5s", " 5", "", "0x10" };
	unsigned int s = 7;

	(void)state;
	assert_int_equal(micro_spin_parse_seconds("1", &s), 0);
	assert_int_equal(s, 1);
	assert_int_equal(micro_spin_parse_seconds("86400", &s), 0);
	assert_int_equal(s, 86400);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(micro_spin_parse_seconds(bad[i], &s), -EINVAL);
		assert_int_equal(s, 86400);
	}
}

static void test_the_vm_is_named_as_kvm_names_its_debugfs_directory(void **state)
{
	static char deep[PATH_MAX];
	struct micro_spin s = { .debugfs = "/sys/kernel/debug" };

	(void)state;
	assert_int_equal(micro_spin_paths(&s, 36, 4), 0);
	assert_string_equal(s.vm, "36-4");
	assert_string_equal(s.path, "/sys/kernel/debug/kvm/36-4/exitscope");
	memset(deep, 'd', sizeof(deep) - 1);
	s.debugfs = deep;
	assert_int_equal(micro_spin_paths(&s, 36, 4), -ENAMETOOLONG);
}

/* guest.S: the discovery read, the warm-up's CPUID, and two reads around each batch. */
static void test_exact_is_the_batches_and_the_guests_own_reads(void **state)
{
	struct micro_spin s = { .batches = 37, .own_cpuid = 76, .cpuid = 37076 };

	(void)state;
	assert_int_equal(MICRO_SPIN_OWN_DISCOVERED + MICRO_SPIN_OWN_READY +
			 37 * MICRO_SPIN_OWN_BATCH, 76);
	assert_int_equal(micro_spin_unsettled_max(&s), 0);
	assert_true(micro_spin_exact(&s));
	s.cpuid = 37077;	/* one CPUID of another VM */
	assert_false(micro_spin_exact(&s));
	s.cpuid = 37075;	/* one of its own missing */
	assert_false(micro_spin_exact(&s));
	s = (struct micro_spin){ .batches = 0, .own_cpuid = 2, .cpuid = 2 };
	assert_true(micro_spin_exact(&s));
}

/* A lost VM's unfinished batch is unknown: at most a whole one with its two reads. */
static void test_a_lost_vm_bounds_what_it_did_not_finish(void **state)
{
	/* Two VMs: the first lost after 10 batches, the second ran 27. */
	struct micro_spin s = { .batches = 37, .own_cpuid = 2 + 20 + 2 + 54, .lost = 1 };

	(void)state;
	assert_int_equal(micro_spin_unsettled_max(&s), 1002);
	s.cpuid = 37078;	/* lost before its batch's first read */
	assert_true(micro_spin_exact(&s));
	s.cpuid = 37078 + 1002;	/* lost right before DONE */
	assert_true(micro_spin_exact(&s));
	s.cpuid++;
	assert_false(micro_spin_exact(&s));
	s.cpuid = 37077;
	assert_false(micro_spin_exact(&s));
}

static void test_count_reads_the_recorded_per_vm_file(void **state)
{
	char *text;
	uint64_t n = 0;

	(void)state;
	assert_int_equal(micro_file_read("tests/data/micro/spin-vm-svm.txt", &text), 0);
	assert_int_equal(micro_spin_count(text, EXSC_ISA_SVM, &n), 0);
	assert_int_equal(n, 27140);
	/* Under VMX the CPUID reason is 10, which this SVM file calls write_cr10. */
	assert_int_equal(micro_spin_count(text, EXSC_ISA_VMX, &n), 0);
	assert_int_equal(n, 0);
	free(text);
}

static void test_count_refuses_what_is_not_a_counters_file(void **state)
{
	uint64_t n = 5;

	(void)state;
	assert_int_equal(micro_spin_count("unpatched\n", EXSC_ISA_SVM, &n), -EINVAL);
	assert_int_equal(micro_spin_count("124 msr 1 2\ntotal all 1 2\n", EXSC_ISA_SVM, &n),
			 -EBADMSG);
	assert_int_equal(micro_spin_count("10 CPUID 12 34\ntotal all 12 34\n", EXSC_ISA_VMX, &n), 0);
	assert_int_equal(n, 12);
}

static void test_document_has_every_figure(void **state)
{
	struct micro_spin s = { .batches = 37, .own_cpuid = 76, .cpuid = 37076, .lost = 1,
				.seconds_spun = 3.5, .vm = "36-4" };
	json_t *doc = micro_spin_doc(&s);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(json_object_size(doc), 8);
	assert_int_equal(json_integer_value(json_object_get(doc, "cpuid")), 37076);
	assert_int_equal(json_integer_value(json_object_get(doc, "batches")), 37);
	assert_int_equal(json_integer_value(json_object_get(doc, "batches_cpuid")), 37000);
	assert_int_equal(json_integer_value(json_object_get(doc, "own_cpuid")), 76);
	assert_int_equal(json_integer_value(json_object_get(doc, "lost")), 1);
	assert_int_equal(json_integer_value(json_object_get(doc, "lost_cpuid_max")), 1002);
	assert_true(json_real_value(json_object_get(doc, "seconds")) == 3.5);
	assert_string_equal(json_string_value(json_object_get(doc, "vm")), "36-4");
	json_decref(doc);
	s.batches = (uint64_t)INT64_MAX / MICRO_SPIN_BATCH + 1;
	assert_null(micro_spin_doc(&s));
	s = (struct micro_spin){ .cpuid = (uint64_t)INT64_MAX + 1, .vm = "1-2" };
	assert_null(micro_spin_doc(&s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds_are_digits_within_a_day),
		cmocka_unit_test(test_the_vm_is_named_as_kvm_names_its_debugfs_directory),
		cmocka_unit_test(test_exact_is_the_batches_and_the_guests_own_reads),
		cmocka_unit_test(test_a_lost_vm_bounds_what_it_did_not_finish),
		cmocka_unit_test(test_count_reads_the_recorded_per_vm_file),
		cmocka_unit_test(test_count_refuses_what_is_not_a_counters_file),
		cmocka_unit_test(test_document_has_every_figure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
