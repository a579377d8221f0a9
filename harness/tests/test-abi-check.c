// SPDX-License-Identifier: GPL-2.0
/* run abi against a model of the patched KVM, and against broken variants of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "exitscope/reasons.h"
#include "workloads.h"

static uint64_t cpuid_exits;
static bool undefined_reads_zero;	/* the bug: "not supported" looks like "no exits" */

static void model_cpuid(uint32_t leaf, uint32_t subleaf, struct exsc_regs *r)
{
	cpuid_exits++;	/* every CPUID exits, and is counted before it is answered */
	memset(r, 0, sizeof(*r));
	if (leaf == EXSC_LEAF_INFO) {
		*r = (struct exsc_regs){ 1, EXSC_ISA_SVM, 261, EXSC_SIGNATURE };
		return;
	}
	if (leaf < EXSC_LEAF_CYCLES || leaf > EXSC_LEAF_REASON)
		return;
	if (!reasons_name(EXSC_ISA_SVM, subleaf)) {
		r->edx = undefined_reads_zero ? 0 : 0xFFFFFFFFu;
		return;
	}
	if (subleaf == reasons_cpuid(EXSC_ISA_SVM) && leaf != EXSC_LEAF_CYCLES)
		r->eax = (uint32_t)cpuid_exits;
}

static json_t *run_abi(void)
{
	struct workload_ctx ctx;
	struct workload_args args = { 0 };
	json_t *figures = json_object();

	assert_int_equal(workload_ctx_init(&ctx, workload_find("abi"), &args), 0);
	assert_int_equal(workload_run(model_cpuid, &ctx, figures), 0);
	workload_release(&ctx);
	return figures;
}

static void test_abi_passes_on_the_model(void **state)
{
	json_t *figures;

	(void)state;
	undefined_reads_zero = false;
	figures = run_abi();
	assert_true(json_is_true(json_object_get(figures, "verified")));
	/* discovery, undefined, never counted (SVM has VMGEXIT sub-codes), self-count */
	assert_int_equal(json_array_size(json_object_get(figures, "checks")), 4);
	/* The discovery check reports what it read. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_array_get(json_object_get(figures, "checks"), 0), "detail"), "isa")), "svm");
	json_decref(figures);
}

static void test_abi_fails_when_undefined_reads_as_zero(void **state)
{
	json_t *figures, *check;

	(void)state;
	undefined_reads_zero = true;
	figures = run_abi();
	assert_true(json_is_false(json_object_get(figures, "verified")));
	check = json_array_get(json_object_get(figures, "checks"), 1);
	assert_true(json_is_false(json_object_get(check, "pass")));
	json_decref(figures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi_passes_on_the_model),
		cmocka_unit_test(test_abi_fails_when_undefined_reads_as_zero),
	};

	return cmocka_run_group_tests_name("abi-check", tests, NULL, NULL);
}
