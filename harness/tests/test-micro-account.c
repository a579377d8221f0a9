// SPDX-License-Identifier: GPL-2.0
/* The micro guest's own-exit bookkeeping and its per-reason verdict. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../micro/account.h"
#include "../micro/views.h"

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
		.cycles_before = 7000000, .cycles_after = 9500123,
	};
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_verdict(EXSC_ISA_SVM, 0x72, &s, &v), 0);
	assert_int_equal(v.cpuid, 1000);
	assert_int_equal(v.debugfs, 1000);
	assert_int_equal(v.traced, 1000);
	assert_true(v.exact);
	/* The window's cycles as they are: the guest's own two CPUIDs stay in. */
	assert_int_equal(v.cycles, 2500123);
}

static void test_cycles_cross_32_bits_and_do_not_judge(void **state)
{
	struct micro_sample s = {
		.caused = 3, .cpuid_before = leaf(0), .cpuid_after = leaf(3),
		.debugfs_before = 0, .debugfs_after = 3, .traced_before = 0, .traced_after = 3,
		.cycles_before = 0xFFFFFF00ull, .cycles_after = 0x300000000ull,
	};
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), 0);
	assert_true(v.cycles == 0x300000000ll - 0xFFFFFF00ll);
	assert_true(v.exact);
	/* No cycles at all (a read that lagged) is still exact: cycles are not a count. */
	s.cycles_after = s.cycles_before;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), 0);
	assert_int_equal(v.cycles, 0);
	assert_true(v.exact);
	/* Cycles that went backwards are a view that went backwards. */
	s.cycles_after = s.cycles_before - 1;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), -ERANGE);
	s.cycles_before = 0;
	s.cycles_after = (uint64_t)INT64_MAX + 1;
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 12, &s, &v), -ERANGE);
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

static const char hist_ready[] =
	"# trigger info: hist:name=" MICRO_HIST_NAME ":keys=exit_reason\n"
	"{ exit_reason:         10 } hitcount:          7\n"
	"{ exit_reason:         30 } hitcount:          4\n";
static const char hist_done[] =
	"# trigger info: hist:name=" MICRO_HIST_NAME ":keys=exit_reason\n"
	"{ exit_reason:         10 } hitcount:        508\n"
	"{ exit_reason: 2147483658 } hitcount:          1\n"
	"{ exit_reason:         30 } hitcount:          5\n";

/* From the files' text at READY and DONE to the verdict, as a VMX run of 500 CPUIDs reads them. */
static void test_window_from_the_views_text(void **state)
{
	static struct micro_views ready, done;
	struct micro_sample s = { .caused = 500, .cpuid_before = leaf(100), .cpuid_after = leaf(601) };
	struct micro_verdict v;

	(void)state;
	assert_int_equal(micro_view_parse_counters("10 CPUID 100 40000\n30 IO_INSTRUCTION 4 900000\n"
						   "total all 104 940000\n", &ready.counters), 0);
	assert_int_equal(micro_view_parse_counters("10 CPUID 602 290500\n30 IO_INSTRUCTION 5 "
						   "1900000\ntotal all 607 2190500\n",
						   &done.counters), 0);
	assert_int_equal(micro_view_parse_hist(hist_ready, &ready.hist), 0);
	assert_int_equal(micro_view_parse_hist(hist_done, &done.hist), 0);
	micro_sample_views(&s, EXSC_ISA_VMX, 10, &ready, &done);
	assert_int_equal(micro_verdict(EXSC_ISA_VMX, 10, &s, &v), 0);
	assert_int_equal(v.debugfs, 500);
	/* The failed entry's full reason (bit 31) is CPUID's too. */
	assert_int_equal(v.traced, 500);
	assert_true(v.exact);
	/* CPUID's cycles only: not the port's, not the total's. */
	assert_int_equal(v.cycles, 250500);
	micro_sample_views(&s, EXSC_ISA_VMX, 30, &ready, &done);
	assert_int_equal(s.cycles_after - s.cycles_before, 1000000);
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
		cmocka_unit_test(test_cycles_cross_32_bits_and_do_not_judge),
		cmocka_unit_test(test_window_from_the_views_text),
		cmocka_unit_test(test_undefined_reason_and_backwards_views),
		cmocka_unit_test(test_warmup_decides_only_beyond_own_exits),
	};

	return cmocka_run_group_tests_name("micro-account", tests, NULL, NULL);
}
