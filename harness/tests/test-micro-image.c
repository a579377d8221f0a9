// SPDX-License-Identifier: GPL-2.0
/* The micro guest's initial memory image, registers and CPUID. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../micro/image.h"

static uint64_t get64(const uint8_t *mem, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, mem + gpa, sizeof(v));
	return v;
}

static uint32_t offsets[MICRO_VECTORS];

static int setup(void **state)
{
	for (int v = 0; v < MICRO_VECTORS; v++)
		offsets[v] = 0x100 + 16 * (uint32_t)v;
	*state = calloc(1, MICRO_MEM_SIZE);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_page_tables_map_memory_and_mmio(void **state)
{
	uint8_t *mem = *state, code[0x300] = { 0x90 };

	assert_int_equal(micro_image_build(mem, MICRO_MEM_SIZE, code, sizeof(code), offsets), 0);
	assert_true(get64(mem, MICRO_GPA_PML4) == (MICRO_GPA_PDPT | 3));
	assert_true(get64(mem, MICRO_GPA_PDPT) == (MICRO_GPA_PD | 3));
	/* One present, writable 2 MiB page at 0: it spans the MMIO address too. */
	assert_true(get64(mem, MICRO_GPA_PD) == 0x83);
	assert_true(MICRO_GPA_MMIO >= MICRO_MEM_SIZE && MICRO_GPA_MMIO < 0x200000);
	assert_int_equal(mem[MICRO_GPA_CODE], 0x90);
}

static void test_gdt_and_tss_descriptor(void **state)
{
	uint8_t *mem = *state, code[0x300] = { 0 };
	uint64_t low;

	assert_int_equal(micro_image_build(mem, MICRO_MEM_SIZE, code, sizeof(code), offsets), 0);
	assert_true(get64(mem, MICRO_GPA_GDT) == 0);
	/* L=1 P=1 S=1 type 0xb: 64-bit code. */
	assert_true(get64(mem, MICRO_GPA_GDT + MICRO_SEL_CODE) == 0x00af9b000000ffffull);
	low = get64(mem, MICRO_GPA_GDT + MICRO_SEL_TSS);
	assert_int_equal(low & 0xffff, 0x67);
	assert_int_equal(low >> 16 & 0xffffff, MICRO_GPA_TSS);
	assert_int_equal(low >> 40 & 0xff, 0x8b);	/* present, busy 64-bit TSS */
	assert_true(get64(mem, MICRO_GPA_GDT + MICRO_SEL_TSS + 8) == 0);
}

static void test_idt_gates_point_into_the_code(void **state)
{
	uint8_t *mem = *state, code[0x300] = { 0 }, gate[16];
	uint64_t low, handler;

	assert_int_equal(micro_image_build(mem, MICRO_MEM_SIZE, code, sizeof(code), offsets), 0);
	low = get64(mem, MICRO_GPA_IDT + 16 * 6);
	handler = (low & 0xffff) | (low >> 48 & 0xffff) << 16;
	assert_int_equal(handler, MICRO_GPA_CODE + 0x100 + 16 * 6);
	assert_int_equal(low >> 16 & 0xffff, MICRO_SEL_CODE);
	assert_int_equal(low >> 40 & 0xff, 0x8e);
	micro_image_idt_gate(gate, 0x123456789abcdef0ull);
	memcpy(&low, gate, 8);
	assert_int_equal(low & 0xffff, 0xdef0);
	assert_int_equal(low >> 48, 0x9abc);
	memcpy(&low, gate + 8, 8);
	assert_int_equal(low, 0x12345678);
}

static void test_image_limits(void **state)
{
	uint8_t *mem = *state, *big = calloc(1, MICRO_CODE_MAX + 1);

	assert_non_null(big);
	assert_int_equal(micro_image_build(mem, MICRO_MEM_SIZE, big, MICRO_CODE_MAX + 1, offsets),
			 -E2BIG);
	assert_int_equal(micro_image_build(mem, MICRO_MEM_SIZE - 1, big, 16, offsets), -E2BIG);
	/* A handler past the code's end would send an exception into zeros. */
	assert_int_equal(micro_image_build(mem, MICRO_MEM_SIZE, big, 0x100, offsets), -EINVAL);
	free(big);
}

static void test_sregs_are_long_mode(void **state)
{
	struct kvm_sregs s;

	(void)state;
	memset(&s, 0xff, sizeof(s));
	micro_image_sregs(&s, 1ull << 18);
	assert_int_equal(s.cr0 & 0x80000001, 0x80000001);	/* PG, PE */
	assert_int_equal(s.cr4 & (1 << 5), 1 << 5);		/* PAE */
	assert_int_equal(s.cr4 & (1 << 18), 1 << 18);		/* the extra bit */
	assert_int_equal(s.efer, 0x500);			/* LME, LMA */
	assert_int_equal(s.cr3, MICRO_GPA_PML4);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cs.db, 0);
	assert_int_equal(s.cs.selector, MICRO_SEL_CODE);
	assert_int_equal(s.ss.selector, MICRO_SEL_DATA);
	assert_int_equal(s.tr.type, 0xb);
	assert_int_equal(s.tr.s, 0);
	assert_int_equal(s.idt.limit, 16 * MICRO_VECTORS - 1);
}

static void test_cpuid_hides_what_kvm_should_intercept(void **state)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 4 * sizeof(struct kvm_cpuid_entry2));

	(void)state;
	assert_non_null(c);
	c->nent = 4;
	c->entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = 0xffffffff };
	c->entries[1] = (struct kvm_cpuid_entry2){ .function = 7, .ebx = 0xffffffff,
						   .ecx = 1u << 2 };
	c->entries[2] = (struct kvm_cpuid_entry2){ .function = 0x80000001, .ecx = 0xffffffff,
						   .edx = 0xffffffff };
	c->entries[3] = (struct kvm_cpuid_entry2){ .function = 7, .index = 1, .ebx = 0xffffffff };
	micro_image_cpuid(c);
	assert_int_equal(c->entries[0].ecx, 0xffffffff & ~(1u << 5 | 1u << 30));
	assert_int_equal(c->entries[1].ebx, 0xffffffff & ~(1u << 10 | 1u << 18));
	assert_int_equal(c->entries[2].ecx, 0xffffffff & ~(1u << 2));
	assert_int_equal(c->entries[2].edx, 0xffffffff & ~(1u << 27));
	assert_int_equal(c->entries[3].ebx, 0xffffffff);	/* subleaf 1 is left alone */
	assert_true(micro_image_has_xsave(c));
	assert_true(micro_image_has_umip(c));
	c->entries[0].ecx = 0;
	c->entries[1].ecx = 0;
	assert_false(micro_image_has_xsave(c));
	assert_false(micro_image_has_umip(c));
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page_tables_map_memory_and_mmio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gdt_and_tss_descriptor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idt_gates_point_into_the_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_limits, setup, teardown),
		cmocka_unit_test(test_sregs_are_long_mode),
		cmocka_unit_test(test_cpuid_hides_what_kvm_should_intercept),
	};

	return cmocka_run_group_tests_name("micro-image", tests, NULL, NULL);
}
