// SPDX-License-Identifier: GPL-2.0
/* exitmicro check's plan: which actions the window causes, and its caused rows. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../micro/check.h"
#include "exitscope/reasons.h"

static const struct micro_host host = { .tdp = true, .mmio_caching = true, .xsave = true };

static bool planned(const struct micro_check_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->action[i]->name, name))
			return true;
	return false;
}

static void test_isa_comes_from_the_vendor(void **state)
{
	(void)state;
	assert_int_equal(micro_check_isa("GenuineIntel"), EXSC_ISA_VMX);
	assert_int_equal(micro_check_isa("AuthenticAMD"), EXSC_ISA_SVM);
	assert_int_equal(micro_check_isa("HygonGenuine"), EXSC_ISA_SVM);
	assert_int_equal(micro_check_isa("CentaurHauls"), EXSC_ISA_NONE);
}

static void test_plan_keeps_what_always_exits_but_port_io(void **state)
{
	static struct micro_check_plan plan;

	(void)state;
	assert_int_equal(micro_check_plan(EXSC_ISA_VMX, &host, 0, &plan), 0);
	assert_true(planned(&plan, "cpuid"));
	assert_true(planned(&plan, "hlt"));
	assert_true(planned(&plan, "vmxon"));
	/* The protocol's own reason, a conditional one, one that needs setup, one SVM only. */
	assert_false(planned(&plan, "pio-in"));
	assert_false(planned(&plan, "pio-out"));
	assert_false(planned(&plan, "wbinvd"));
	assert_false(planned(&plan, "dr-read"));
	assert_false(planned(&plan, "vmrun"));
	for (size_t i = 0; i < plan.n; i++)
		assert_int_not_equal(plan.cause[i].reason, 30);
	assert_int_equal(micro_check_plan(EXSC_ISA_SVM, &host, 0, &plan), 0);
	assert_true(planned(&plan, "vmrun"));
	assert_true(planned(&plan, "wbinvd"));
	assert_false(planned(&plan, "vmxon"));
	assert_false(planned(&plan, "cr0-write"));
	for (size_t i = 0; i < plan.n; i++)
		assert_int_not_equal(plan.cause[i].reason, 0x7b);
	assert_int_equal(micro_check_plan(EXSC_ISA_NONE, &host, 0, &plan), -EINVAL);
	assert_int_equal(plan.n, 0);
}

static void test_plan_adds_the_lapic_vms_and_the_hosts_actions(void **state)
{
	static struct micro_check_plan plan;
	struct micro_host vmx_host = host;
	size_t msr_writes = 0;

	(void)state;
	/* With host-wide counters the second VM's fastpath WRMSRs join; never other setups. */
	assert_int_equal(micro_check_plan(EXSC_ISA_VMX, &host, ~0u, &plan), 0);
	assert_true(planned(&plan, "tsc-deadline"));
	assert_true(planned(&plan, "x2apic-icr"));
	assert_false(planned(&plan, "dr-read"));
	assert_false(planned(&plan, "int3"));
	assert_false(planned(&plan, "entry-fail"));
	for (size_t i = 0; i < plan.n; i++)
		msr_writes += plan.cause[i].reason == 32;
	assert_int_equal(msr_writes, 3);
	assert_int_equal(micro_check_plan(EXSC_ISA_VMX, &host, 0, &plan), 0);
	assert_false(planned(&plan, "tsc-deadline"));
	/* A failed VM-entry, the host's own action, only where the CPU checks the state. */
	vmx_host.unrestricted_guest = true;
	assert_int_equal(micro_check_plan(EXSC_ISA_VMX, &vmx_host, 0, &plan), 0);
	assert_string_equal(plan.action[plan.n - 1]->name, "entry-fail");
	assert_int_equal(plan.cause[plan.n - 1].reason, 33);
	assert_int_equal(plan.cause[plan.n - 1].op, MICRO_CHECK_OP_ENTRY_FAIL);
	assert_int_equal(micro_check_plan(EXSC_ISA_SVM, &vmx_host, ~0u, &plan), 0);
	assert_false(planned(&plan, "entry-fail"));
	assert_true(planned(&plan, "x2apic-icr"));
}

static void test_caused_rows_merge_a_reason_and_take_the_histogram(void **state)
{
	static struct micro_check_plan plan;
	static struct micro_view before, after;
	struct check_caused rows[CHECK_MAX_REASONS];
	size_t n, msr = 0, found = 0;

	(void)state;
	assert_int_equal(micro_check_plan(EXSC_ISA_SVM, &host, 0, &plan), 0);
	/* rdmsr and wrmsr are both SVM's msr (0x7c); the histogram saw 210 of them, 20 before. */
	before.n = 1;
	before.v[0] = (struct micro_view_entry){ .reason = 0x7c, .count = 20 };
	after.n = 2;
	after.v[0] = (struct micro_view_entry){ .reason = 0x7c, .count = 230 };
	after.v[1] = (struct micro_view_entry){ .reason = 0x72, .count = 99 };
	n = micro_check_caused(EXSC_ISA_SVM, &plan, 100, &before, &after, rows, CHECK_MAX_REASONS);
	assert_true(n > 2 && n < plan.n);
	for (size_t i = 0; i < n; i++) {
		assert_true(rows[i].has_traced);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(rows[i].reason, rows[j].reason);
		if (rows[i].reason == 0x7c) {
			msr = i;
			found++;
		}
	}
	assert_int_equal(found, 1);
	assert_int_equal(rows[msr].caused, 200);
	assert_int_equal(rows[msr].traced, 210);
	assert_int_equal(rows[0].reason, 0x72);	/* cpuid comes first */
	assert_int_equal(rows[0].traced, 99);
	assert_int_equal(rows[0].caused, 100);
	/* A full table drops new reasons, never merges them wrongly. */
	assert_int_equal(micro_check_caused(EXSC_ISA_SVM, &plan, 1, &before, &after, rows, 1), 1);
	assert_int_equal(rows[0].caused, 1);
}

static void test_vmx_histogram_keys_are_masked_to_the_basic_reason(void **state)
{
	static struct micro_check_plan plan;
	static struct micro_view before, after;
	struct check_caused rows[CHECK_MAX_REASONS];

	(void)state;
	assert_int_equal(micro_check_plan(EXSC_ISA_VMX, &host, 0, &plan), 0);
	before.n = 0;
	after.n = 2;
	after.v[0] = (struct micro_view_entry){ .reason = 10, .count = 7 };
	after.v[1] = (struct micro_view_entry){ .reason = 0x0800000a, .count = 3 };
	assert_true(micro_check_caused(EXSC_ISA_VMX, &plan, 5, &before, &after, rows,
				       CHECK_MAX_REASONS) > 0);
	assert_int_equal(rows[0].reason, 10);
	assert_int_equal(rows[0].traced, 10);
}

static void test_warmup_cpuids_count_the_cpuid_action(void **state)
{
	static struct micro_check_plan plan;

	(void)state;
	assert_int_equal(micro_check_plan(EXSC_ISA_VMX, &host, 0, &plan), 0);
	assert_int_equal(micro_check_warmup_cpuids(EXSC_ISA_VMX, &plan), 1);
	plan.n = 0;
	assert_int_equal(micro_check_warmup_cpuids(EXSC_ISA_VMX, &plan), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isa_comes_from_the_vendor),
		cmocka_unit_test(test_plan_keeps_what_always_exits_but_port_io),
		cmocka_unit_test(test_plan_adds_the_lapic_vms_and_the_hosts_actions),
		cmocka_unit_test(test_caused_rows_merge_a_reason_and_take_the_histogram),
		cmocka_unit_test(test_vmx_histogram_keys_are_masked_to_the_basic_reason),
		cmocka_unit_test(test_warmup_cpuids_count_the_cpuid_action),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
