// SPDX-License-Identifier: GPL-2.0
/* run abi against a model of the patched KVM (ABI 2), and against broken variants of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "exitscope/reasons.h"
#include "workloads.h"

/* The checks run abi reports, in order. */
enum { CHECK_DISCOVERY, CHECK_SCOPE, CHECK_UNDEFINED, CHECK_NEVER_COUNTED, CHECK_SELF, NR_CHECKS };

/* How the modelled kernel deviates from ABI 2; all false is a correct kernel. */
static struct {
	enum exsc_isa isa;
	uint32_t info_ebx_extra;	/* bits above the ISA in the discovery EBX */
	bool version1;			/* answers as an ABI 1 kernel */
	bool undefined_reads_zero;	/* "not supported" looks like "no exits" */
	bool kvm_table_rule;		/* "undefined" follows KVM's table, not the manual */
} model;

static uint64_t cpuid_exits;

static bool model_defined(uint32_t code)
{
	if (model.kvm_table_rule)
		return reasons_name(model.isa, code) != NULL;
	return exsc_reason_defined(model.isa, code);
}

static void model_cpuid(uint32_t leaf, uint32_t subleaf, struct exsc_regs *r)
{
	cpuid_exits++;	/* every CPUID exits, and is counted before it is answered */
	memset(r, 0, sizeof(*r));
	if (leaf == EXSC_LEAF_INFO) {
		*r = (struct exsc_regs){ 2, model.isa | model.info_ebx_extra,
					 model.isa == EXSC_ISA_VMX ? 86 : 175, EXSC_SIGNATURE };
		if (model.version1)
			*r = (struct exsc_regs){ 1, model.isa, model.isa == EXSC_ISA_VMX ? 80 : 261,
						 EXSC_SIGNATURE };
		return;
	}
	if (leaf < EXSC_LEAF_CYCLES || leaf > EXSC_LEAF_REASON)
		return;
	if (!model_defined(subleaf)) {
		r->edx = model.undefined_reads_zero ? 0 : EXSC_UNDEFINED_EDX;
		return;
	}
	if (subleaf == reasons_cpuid(model.isa) && leaf != EXSC_LEAF_CYCLES)
		r->eax = (uint32_t)cpuid_exits;
}

static int reset_model(void **state)
{
	(void)state;
	memset(&model, 0, sizeof(model));
	model.isa = EXSC_ISA_SVM;
	return 0;
}

static json_t *run_abi(void)
{
	struct workload_ctx ctx;
	struct workload_args args = { 0 };
	json_t *figures = json_object();
	uint64_t exits_before = cpuid_exits;

	assert_int_equal(workload_ctx_init(&ctx, workload_find("abi"), &args), 0);
	assert_int_equal(workload_run(model_cpuid, &ctx, figures), 0);
	workload_release(&ctx);
	assert_int_equal(json_array_size(json_object_get(figures, "checks")), NR_CHECKS);
	/* Every CPUID the model saw, and no other: L0 holds L2's window to this. */
	assert_int_equal(json_integer_value(json_object_get(figures, "cpuid")),
			 cpuid_exits - exits_before);
	return figures;
}

static json_t *check_of(json_t *figures, size_t i)
{
	return json_array_get(json_object_get(figures, "checks"), i);
}

static const char *detail_string(json_t *figures, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_object_get(check_of(figures, i), "detail"),
						 key));
}

/* Only check @failing fails, and the run is not verified. */
static void assert_only_failing(json_t *figures, size_t failing)
{
	assert_true(json_is_false(json_object_get(figures, "verified")));
	for (size_t i = 0; i < NR_CHECKS; i++)
		assert_int_equal(json_is_true(json_object_get(check_of(figures, i), "pass")),
				 i != failing);
}

static void test_abi_passes_on_the_svm_model(void **state)
{
	json_t *figures;

	(void)state;
	figures = run_abi();
	assert_true(json_is_true(json_object_get(figures, "verified")));
	/* The discovery check reports what it read. */
	assert_string_equal(detail_string(figures, CHECK_DISCOVERY, "isa"), "svm");
	assert_string_equal(detail_string(figures, CHECK_SCOPE, "scope"), "vm");
	/* Discovery, 3 leaves for each of 2 undefined reasons and 1 never counted, 2 self-reads. */
	assert_int_equal(json_integer_value(json_object_get(figures, "cpuid")), 12);
	/* SVM's first undefined code is 0xA7, right after IDLE_HLT. */
	assert_int_equal(json_integer_value(json_array_get(json_object_get(json_object_get(
		check_of(figures, CHECK_UNDEFINED), "detail"), "reasons"), 0)), 0xA7);
	json_decref(figures);
}

static void test_abi_passes_on_the_vmx_model_in_host_scope(void **state)
{
	json_t *figures;

	(void)state;
	model.isa = EXSC_ISA_VMX;
	model.info_ebx_extra = EXSC_SCOPE_HOST << EXSC_INFO_SCOPE_SHIFT;
	figures = run_abi();
	assert_true(json_is_true(json_object_get(figures, "verified")));
	assert_string_equal(detail_string(figures, CHECK_DISCOVERY, "scope"), "host");
	/* The I/O SMI, which KVM's table lacks and the SDM defines. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		check_of(figures, CHECK_NEVER_COUNTED), "detail"), "reason")), 5);
	json_decref(figures);
}

static void test_abi_fails_when_undefined_reads_as_zero(void **state)
{
	json_t *figures;

	(void)state;
	model.undefined_reads_zero = true;
	figures = run_abi();
	assert_only_failing(figures, CHECK_UNDEFINED);
	json_decref(figures);
}

/* ABI 1's rule: CR1 reads, which the APM defines and KVM's table lacks, were "undefined". */
static void test_abi_fails_when_undefined_follows_kvms_table(void **state)
{
	json_t *figures;

	(void)state;
	model.kvm_table_rule = true;
	figures = run_abi();
	assert_only_failing(figures, CHECK_NEVER_COUNTED);
	json_decref(figures);
}

static void test_abi_fails_on_reserved_discovery_bits(void **state)
{
	json_t *figures;

	(void)state;
	model.info_ebx_extra = 1u << 12;
	figures = run_abi();
	assert_only_failing(figures, CHECK_SCOPE);
	json_decref(figures);
}

static void test_abi_fails_on_an_abi1_kernel(void **state)
{
	json_t *figures;

	(void)state;
	model.version1 = true;
	figures = run_abi();
	assert_true(json_is_false(json_object_get(check_of(figures, CHECK_DISCOVERY), "pass")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		check_of(figures, CHECK_DISCOVERY), "detail"), "version")), 1);
	json_decref(figures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_abi_passes_on_the_svm_model, reset_model),
		cmocka_unit_test_setup(test_abi_passes_on_the_vmx_model_in_host_scope, reset_model),
		cmocka_unit_test_setup(test_abi_fails_when_undefined_reads_as_zero, reset_model),
		cmocka_unit_test_setup(test_abi_fails_when_undefined_follows_kvms_table, reset_model),
		cmocka_unit_test_setup(test_abi_fails_on_reserved_discovery_bits, reset_model),
		cmocka_unit_test_setup(test_abi_fails_on_an_abi1_kernel, reset_model),
	};

	return cmocka_run_group_tests_name("abi-check", tests, NULL, NULL);
}
