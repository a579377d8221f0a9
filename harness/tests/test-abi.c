// SPDX-License-Identifier: GPL-2.0
/* Decoding recorded register tuples of the exitscope CPUID leaves. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "exitscope/abi.h"
#include "exitscope/reasons.h"

/* ABI 1 kernels still read: EBX is the ISA alone, and every counter is the host's. */
static void test_info_of_abi1_svm_kernel(void **state)
{
	const struct exsc_regs regs = { 1, 2, 261, 0x43535845 };
	const struct exsc_regs scope_bits = { 1, 0x102, 261, 0x43535845 };
	struct exsc_info info;
	enum exsc_scope scope = EXSC_SCOPE_VM;

	(void)state;
	assert_int_equal(exsc_decode_info(&regs, &info), 0);
	assert_int_equal(info.abi_version, 1);
	assert_int_equal(info.isa, EXSC_ISA_SVM);
	assert_int_equal(info.nr_slots, 261);
	assert_int_equal(exsc_decode_scope(&regs, &scope), 0);
	assert_int_equal(scope, EXSC_SCOPE_HOST);
	/* Version 1 had no scope bits: anything above the ISA is not version 1. */
	assert_int_equal(exsc_decode_info(&scope_bits, &info), -EPROTO);
}

static void test_info_of_abi2_kernels(void **state)
{
	const struct exsc_regs vmx_vm = { 2, 0x001, 86, 0x43535845 };
	const struct exsc_regs svm_host = { 2, 0x102, 175, 0x43535845 };
	struct exsc_info info;
	enum exsc_scope scope = EXSC_SCOPE_HOST;

	(void)state;
	assert_int_equal(exsc_decode_info(&vmx_vm, &info), 0);
	assert_int_equal(info.abi_version, 2);
	assert_int_equal(info.isa, EXSC_ISA_VMX);
	assert_int_equal(info.nr_slots, EXSC_VMX_SLOTS);
	assert_int_equal(exsc_decode_scope(&vmx_vm, &scope), 0);
	assert_int_equal(scope, EXSC_SCOPE_VM);
	assert_int_equal(exsc_decode_info(&svm_host, &info), 0);
	assert_int_equal(info.isa, EXSC_ISA_SVM);
	assert_int_equal(info.nr_slots, EXSC_SVM_SLOTS);
	assert_int_equal(exsc_decode_scope(&svm_host, &scope), 0);
	assert_int_equal(scope, EXSC_SCOPE_HOST);
	assert_string_equal(exsc_scope_name(scope), "host");
	assert_string_equal(exsc_scope_name(EXSC_SCOPE_VM), "vm");
}

static void test_abi2_unknowns_are_refused(void **state)
{
	const struct exsc_regs scope3 = { 2, 0x302, 175, 0x43535845 };
	const struct exsc_regs isa7 = { 2, 0x107, 175, 0x43535845 };
	const struct exsc_regs version3 = { 3, 0x002, 175, 0x43535845 };
	const struct exsc_regs reserved = { 2, 0x1001, 86, 0x43535845 };
	struct exsc_info info;
	enum exsc_scope scope;

	(void)state;
	assert_int_equal(exsc_decode_scope(&scope3, &scope), -EPROTO);
	assert_int_equal(exsc_decode_info(&scope3, &info), -EPROTO);
	assert_int_equal(exsc_decode_info(&isa7, &info), -EPROTO);
	assert_int_equal(exsc_decode_info(&version3, &info), -EPROTO);
	/* What was read is kept, so a caller can say which version it met. */
	assert_int_equal(info.abi_version, 3);
	/* Reserved bits are the kernel's to fill later; the decoder does not judge them. */
	assert_int_equal(exsc_decode_info(&reserved, &info), 0);
	assert_int_equal(info.isa, EXSC_ISA_VMX);
}

/* ABI 2 defines reasons by the manuals (kernel-patch/ABI.md, "What each ECX gets"). */
static void test_defined_reasons_follow_the_manuals(void **state)
{
	static const uint32_t vmx_defined[] = { 0, 5, 6, 11, 17, 34, 36, 41, 43, 65, 70, 72, 81,
						84, 85 };
	static const uint32_t vmx_undefined[] = { 35, 38, 42, 71, 82, 83, 86, 0xFFFFFFFF };
	static const uint32_t svm_defined[] = { 0x000, 0x001, 0x05F, 0x072, 0x08C, 0x0A6, 0x400,
						0x403, 0xFFFFFFFC, 0xFFFFFFFF };
	static const uint32_t svm_undefined[] = { 0x0A7, 0x3FF, 0x404, 0x80000001, 0x8000FFFD,
						  0xF0000000, 0xFFFFFFFB };

	(void)state;
	for (size_t i = 0; i < sizeof(vmx_defined) / sizeof(vmx_defined[0]); i++)
		assert_true(exsc_reason_defined(EXSC_ISA_VMX, vmx_defined[i]));
	for (size_t i = 0; i < sizeof(vmx_undefined) / sizeof(vmx_undefined[0]); i++)
		assert_false(exsc_reason_defined(EXSC_ISA_VMX, vmx_undefined[i]));
	for (size_t i = 0; i < sizeof(svm_defined) / sizeof(svm_defined[0]); i++)
		assert_true(exsc_reason_defined(EXSC_ISA_SVM, svm_defined[i]));
	for (size_t i = 0; i < sizeof(svm_undefined) / sizeof(svm_undefined[0]); i++)
		assert_false(exsc_reason_defined(EXSC_ISA_SVM, svm_undefined[i]));
	assert_false(exsc_reason_defined(EXSC_ISA_NONE, 0));
}

/* Counting the defined codes gives the slot counts the discovery leaf announces. */
static void test_defined_reasons_count_as_announced(void **state)
{
	uint32_t vmx = 0, svm = 0;

	(void)state;
	for (uint32_t code = 0; code < 0x1000; code++) {
		vmx += exsc_reason_defined(EXSC_ISA_VMX, code);
		svm += exsc_reason_defined(EXSC_ISA_SVM, code);
	}
	for (uint32_t code = 0xFFFFFF00; code != 0; code++)
		svm += exsc_reason_defined(EXSC_ISA_SVM, code);
	assert_int_equal(vmx, 80);	/* 86 slots, six of them undefined */
	assert_int_equal(svm, EXSC_SVM_SLOTS);
}

/* The list is the defined codes in slot order, and it says how many there are when cut short. */
static void test_defined_reasons_listed_in_slot_order(void **state)
{
	uint32_t codes[EXSC_SVM_SLOTS + 1];
	uint32_t few[3];

	(void)state;
	assert_int_equal(exsc_defined_reasons(EXSC_ISA_VMX, codes, EXSC_SVM_SLOTS), 80);
	assert_int_equal(codes[0], 0);
	assert_int_equal(codes[35], 36);	/* 35 is not defined */
	assert_int_equal(codes[79], 85);
	assert_int_equal(exsc_defined_reasons(EXSC_ISA_SVM, codes, EXSC_SVM_SLOTS + 1),
			 EXSC_SVM_SLOTS);
	assert_int_equal(codes[0xA6], 0x0A6);
	assert_int_equal(codes[167], 0x400);
	assert_int_equal(codes[171], 0xFFFFFFFC);
	assert_int_equal(codes[174], 0xFFFFFFFF);
	assert_int_equal(exsc_defined_reasons(EXSC_ISA_SVM, few, 3), EXSC_SVM_SLOTS);
	assert_int_equal(few[2], 2);
	assert_int_equal(exsc_defined_reasons(EXSC_ISA_NONE, few, 3), 0);
}

/*
 * Every reason of KVM's own tables is one the manual defines, except SVM's
 * vmgexit_* GHCB codes (bit 31 set), which ABI 2 answers as undefined.
 */
static void test_kvms_reasons_are_defined(void **state)
{
	const struct exsc_reason *table;
	size_t nr;

	(void)state;
	table = reasons_table(EXSC_ISA_VMX, &nr);
	for (size_t i = 0; i < nr; i++)
		assert_true(exsc_reason_defined(EXSC_ISA_VMX, table[i].code));
	table = reasons_table(EXSC_ISA_SVM, &nr);
	for (size_t i = 0; i < nr; i++) {
		bool ghcb = table[i].code >= 0x80000000u && table[i].code < 0xFFFFFFFCu;

		assert_int_equal(exsc_reason_defined(EXSC_ISA_SVM, table[i].code), !ghcb);
	}
}

static void test_unpatched_kernel_is_not_trusted(void **state)
{
	/* KVM answers an unknown hypervisor leaf with zeros; some hosts echo the leaf. */
	const struct exsc_regs zeros = { 0, 0, 0, 0 };
	const struct exsc_regs echo = { 0x4FFFFFFB, 0, 0, 0 };
	const struct exsc_regs bad_isa = { 1, 7, 10, 0x43535845 };
	struct exsc_info info;

	(void)state;
	assert_int_equal(exsc_decode_info(&zeros, &info), -ENODEV);
	assert_int_equal(exsc_decode_info(&echo, &info), -ENODEV);
	assert_int_equal(exsc_decode_info(&bad_isa, &info), -EPROTO);
}

static void test_counter_halves_combine_to_64_bits(void **state)
{
	/* count = EDX:EAX, cycles = EBX:ECX */
	const struct exsc_regs regs = { 0x00000002, 0x00000010, 0x80000000, 0x00000001 };
	struct exsc_counter c;

	(void)state;
	assert_int_equal(exsc_decode_counter(&regs, &c), 0);
	assert_true(c.count == 0x100000002ULL);
	assert_true(c.cycles == 0x1080000000ULL);
}

static void test_undefined_and_unhandled_reasons(void **state)
{
	const struct exsc_regs undefined = { 0, 0, 0, 0xFFFFFFFF };
	const struct exsc_regs unhandled = { 0, 0, 0, 0 };
	struct exsc_counter c = { 5, 5 };
	uint64_t cycles = 5;
	uint32_t count = 5;

	(void)state;
	assert_int_equal(exsc_decode_counter(&undefined, &c), -ENOENT);
	assert_int_equal(exsc_decode_count32(&undefined, &count), -ENOENT);
	assert_int_equal(exsc_decode_cycles(&undefined, &cycles), -ENOENT);
	assert_int_equal(exsc_decode_counter(&unhandled, &c), 0);
	assert_true(c.count == 0 && c.cycles == 0);
}

static void test_legacy_32bit_leaves(void **state)
{
	const struct exsc_regs count_leaf = { 0xFFFFFFF0, 0, 0, 0 };
	const struct exsc_regs cycles_leaf = { 0, 0x3, 0x4, 0 };
	uint64_t cycles;
	uint32_t before, after;

	(void)state;
	assert_int_equal(exsc_decode_count32(&count_leaf, &before), 0);
	after = 0x0000000F;	/* the counter wrapped between the reads */
	assert_int_equal(exsc_delta32(before, after), 0x1F);
	assert_int_equal(exsc_decode_cycles(&cycles_leaf, &cycles), 0);
	assert_true(cycles == 0x300000004ULL);
}

/*
 * One reason read through 0x4FFFFFFE and 0x4FFFFFFD, before and after its
 * count crossed 2^32: the legacy leaf's delta, taken modulo 2^32, agrees.
 */
static void test_legacy_count_wraps_where_the_64bit_leaf_carries(void **state)
{
	const struct exsc_regs fe_before = { 0xFFFFFFF0, 0, 0x100, 0x00000000 };
	const struct exsc_regs fe_after = { 0x00000010, 0, 0x300, 0x00000001 };
	const struct exsc_regs fd_before = { 0xFFFFFFF0, 0, 0, 0 };
	const struct exsc_regs fd_after = { 0x00000010, 0, 0, 0 };
	struct exsc_counter before, after;
	uint32_t b32, a32;

	(void)state;
	assert_int_equal(exsc_decode_counter(&fe_before, &before), 0);
	assert_int_equal(exsc_decode_counter(&fe_after, &after), 0);
	assert_true(after.count - before.count == 0x20);
	assert_int_equal(exsc_decode_count32(&fd_before, &b32), 0);
	assert_int_equal(exsc_decode_count32(&fd_after, &a32), 0);
	assert_int_equal(exsc_delta32(b32, a32), 0x20);
	/* 2^32 + 5 exits between two reads look like 5: why readers must read often. */
	assert_int_equal(exsc_delta32(0x7, 0x7 + 5), 5);
}

/* Bit 31 of a low half is a magnitude bit, never a sign to extend into the high half. */
static void test_low_halves_do_not_sign_extend(void **state)
{
	const struct exsc_regs counter = { 0x80000000, 0x00000000, 0xFFFFFFFF, 0x00000000 };
	const struct exsc_regs cycles_leaf = { 0, 0x80000000, 0x80000001, 0 };
	struct exsc_counter c;
	uint64_t cycles;

	(void)state;
	assert_int_equal(exsc_decode_counter(&counter, &c), 0);
	assert_true(c.count == 0x80000000ULL);
	assert_true(c.cycles == 0xFFFFFFFFULL);
	assert_int_equal(exsc_decode_cycles(&cycles_leaf, &cycles), 0);
	assert_true(cycles == 0x8000000080000001ULL);
}

static void test_isa_names_round_trip(void **state)
{
	enum exsc_isa isa;

	(void)state;
	assert_int_equal(exsc_isa_parse("svm", &isa), 0);
	assert_int_equal(isa, EXSC_ISA_SVM);
	assert_string_equal(exsc_isa_name(EXSC_ISA_VMX), "vmx");
	assert_int_equal(exsc_isa_parse("SVM", &isa), -EINVAL);
}

static void test_reason_tables_are_the_kernels(void **state)
{
	uint32_t code;
	size_t nr;

	(void)state;
	assert_string_equal(reasons_name(EXSC_ISA_VMX, 10), "CPUID");
	assert_string_equal(reasons_name(EXSC_ISA_VMX, 30), "IO_INSTRUCTION");
	assert_string_equal(reasons_name(EXSC_ISA_SVM, 0x72), "cpuid");
	assert_string_equal(reasons_name(EXSC_ISA_SVM, 0x400), "npf");
	assert_string_equal(reasons_name(EXSC_ISA_SVM, 0xFFFFFFFF), "invalid_guest_state");
	/* The SDM leaves basic reasons 35 and 38 undefined. */
	assert_null(reasons_name(EXSC_ISA_VMX, 35));
	assert_null(reasons_name(EXSC_ISA_VMX, 38));
	assert_null(reasons_name(EXSC_ISA_SVM, 0x3FF));
	assert_int_equal(reasons_code(EXSC_ISA_SVM, "hlt", &code), 0);
	assert_int_equal(code, 0x78);
	assert_int_equal(reasons_code(EXSC_ISA_VMX, "hlt", &code), -ENOENT);
	assert_int_equal(reasons_cpuid(EXSC_ISA_SVM), 0x72);
	assert_int_equal(reasons_cpuid(EXSC_ISA_VMX), 10);
	assert_non_null(reasons_table(EXSC_ISA_VMX, &nr));
	assert_int_equal(nr, 62);
	assert_null(reasons_table(EXSC_ISA_NONE, &nr));
	assert_int_equal(nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_of_abi1_svm_kernel),
		cmocka_unit_test(test_info_of_abi2_kernels),
		cmocka_unit_test(test_abi2_unknowns_are_refused),
		cmocka_unit_test(test_defined_reasons_follow_the_manuals),
		cmocka_unit_test(test_defined_reasons_count_as_announced),
		cmocka_unit_test(test_defined_reasons_listed_in_slot_order),
		cmocka_unit_test(test_kvms_reasons_are_defined),
		cmocka_unit_test(test_unpatched_kernel_is_not_trusted),
		cmocka_unit_test(test_counter_halves_combine_to_64_bits),
		cmocka_unit_test(test_undefined_and_unhandled_reasons),
		cmocka_unit_test(test_legacy_32bit_leaves),
		cmocka_unit_test(test_legacy_count_wraps_where_the_64bit_leaf_carries),
		cmocka_unit_test(test_low_halves_do_not_sign_extend),
		cmocka_unit_test(test_isa_names_round_trip),
		cmocka_unit_test(test_reason_tables_are_the_kernels),
	};

	return cmocka_run_group_tests_name("abi", tests, NULL, NULL);
}
