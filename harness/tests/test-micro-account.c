// SPDX-License-Identifier: GPL-2.0
/* The micro guest's own-exit bookkeeping and its per-reason verdict. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../micro/account.h"

/* A leaf 0x4FFFFFFE answer for @count exits (cycles do not matter here). */
static struct exsc_regs leaf(uint64_t count)
{
	return (struct exsc_regs){ (uint32_t)count, 7, 9, (uint32_t)(count >> 32) };
}

static void test_own_exits_follow_the_guest_sequence(void **state)
{
	struct micro_own own;

	(void)state;
	micro_own_exits(EXSC_ISA_VMX, 10, &own);	/* CPUID */
	assert_int_equal(own.warmup, 1);
	assert_int_equal(own.window, 2);
	assert_int_equal(own.cpuid, 1);
	micro_own_exits(EXSC_ISA_SVM, 0x7b, &own);	/* io */
	assert_int_equal(own.warmup, 2);
	assert_int_equal(own.window, 1);
	assert_int_equal(own.cpuid, 0);
	micro_own_exits(EXSC_ISA_SVM, 0x7c, &own);	/* msr: the warm-up's read */
	assert_int_equal(own.warmup, 1);
	assert_int_equal(own.window, 0);
	micro_own_exits(EXSC_ISA_VMX, 32, &own);	/* MSR_WRITE: none */
	assert_int_equal(own.warmup + own.window + own.cpuid, 0);
	/* 10 is VMX's CPUID, not SVM's. */
	micro_own_exits(EXSC_ISA_SVM, 10, &own);
	assert_int_equal(own.warmup + own.window + own.cpuid, 0);
}

static void test_exact_when_every_view_counts_k(void **state)
{
	/* 1000 CPUIDs on SVM: the guest's reads add 1 to its view, 2 to L1's. */
	struct micro_sample s = {
		.caused = 1000, .cpuid_before = leaf(5000), .cpuid_after = leaf(6001),
		.debugfs_before = 4999, .debugfs_after = 6001,
		.traced_before = 40, .traced_after = 1042,
	};
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_verdict(EXSC_ISA_SVM, 0x72, &s, &v), 0);
	assert_int_equal(v.cpuid, 1000);
	assert_int_equal(v.debugfs, 1000);
	assert_int_equal(v.traced, 1000);
	assert_true(v.exact);
}

static void test_one_lost_exit_in_any_view_is_not_exact(void **state)
{
	struct micro_sample s = {
		.caused = 1000, .cpuid_before = leaf(1), .cpuid_after = leaf(1001),
		.debugfs_before = 0, .debugfs_after = 1001,	/* the DONE write: + 1 */
		.traced_before = 0, .traced_after = 1000,
	};
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 30, &s, &v), 0);
	assert_int_equal(v.cpuid, 1000);
	assert_int_equal(v.debugfs, 1000);
	assert_int_equal(v.traced, 999);
	assert_false(v.exact);
	s.traced_after = 1001;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 30, &s, &v), 0);
	assert_true(v.exact);
	s.cpuid_after = leaf(1002);	/* one exit too many inside the guest's view */
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 30, &s, &v), 0);
	assert_false(v.exact);
}

static void test_counts_cross_32_bits(void **state)
{
	struct micro_sample s = {
		.caused = 3, .cpuid_before = leaf(0xFFFFFFFEull), .cpuid_after = leaf(0x100000001ull),
		.debugfs_before = 0xFFFFFFFEull, .debugfs_after = 0x100000001ull,
		.traced_before = 1, .traced_after = 4,
	};
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), 0);
	assert_true(v.exact);
}

static void test_undefined_reason_and_backwards_views(void **state)
{
	struct micro_sample s = {
		.caused = 1, .cpuid_before = { 0, 0, 0, EXSC_UNDEFINED_EDX },
		.cpuid_after = leaf(1),
	};
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 5, &s, &v), -ENOENT);
	s.cpuid_before = leaf(0);
	s.debugfs_before = 9;
	s.debugfs_after = 8;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), -ERANGE);
	s.debugfs_after = 10;
	s.caused = (uint64_t)INT64_MAX + 1;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), -ERANGE);
}

static void test_warmup_decides_only_beyond_own_exits(void **state)
{
	(void)state;
	assert_false(micro_warmup_exited(EXSC_ISA_VMX, 54, 0));	/* WBINVD not intercepted */
	assert_true(micro_warmup_exited(EXSC_ISA_VMX, 54, 1));
	/* io: DISCOVERED and READY are the guest's own. */
	assert_false(micro_warmup_exited(EXSC_ISA_SVM, 0x7b, 2));
	assert_true(micro_warmup_exited(EXSC_ISA_SVM, 0x7b, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_exits_follow_the_guest_sequence),
		cmocka_unit_test(test_exact_when_every_view_counts_k),
		cmocka_unit_test(test_one_lost_exit_in_any_view_is_not_exact),
		cmocka_unit_test(test_counts_cross_32_bits),
		cmocka_unit_test(test_undefined_reason_and_backwards_views),
		cmocka_unit_test(test_warmup_decides_only_beyond_own_exits),
	};

	return cmocka_run_group_tests_name("micro-account", tests, NULL, NULL);
}
