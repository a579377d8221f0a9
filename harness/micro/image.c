// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "image.h"

#define PTE_P		0x1ull
#define PTE_RW		0x2ull
#define PTE_PS		0x80ull

#define CR0_PE		0x1ull
#define CR0_MP		0x2ull
#define CR0_ET		0x10ull
#define CR0_NE		0x20ull
#define CR0_PG		0x80000000ull
#define CR4_PAE		0x20ull
#define CR4_OSFXSR	0x200ull
#define CR4_OSXMMEXCPT	0x400ull
#define EFER_LME	0x100ull
#define EFER_LMA	0x400ull

#define TSS_LIMIT	0x67
#define TYPE_TSS_BUSY	0xb

static void put64(uint8_t *mem, uint64_t gpa, uint64_t value)
{
	memcpy(mem + gpa, &value, sizeof(value));
}

/* A 16-byte system descriptor: the busy 64-bit TSS. */
static void tss_descriptor(uint8_t *mem, uint64_t gpa, uint64_t base)
{
	uint64_t low = (TSS_LIMIT & 0xffffull) | (base & 0xffffffull) << 16 |
		       (uint64_t)TYPE_TSS_BUSY << 40 | 1ull << 47 | (base >> 24 & 0xffull) << 56;

	put64(mem, gpa, low);
	put64(mem, gpa + 8, base >> 32);
}

void micro_image_idt_gate(uint8_t gate[16], uint64_t handler)
{
	/* Present, DPL 0, type 0xe (64-bit interrupt gate), IST 0. */
	uint64_t low = (handler & 0xffffull) | (uint64_t)MICRO_SEL_CODE << 16 | 0x8eull << 40 |
		       (handler >> 16 & 0xffffull) << 48;
	uint64_t high = handler >> 32;

	memcpy(gate, &low, 8);
	memcpy(gate + 8, &high, 8);
}

int micro_image_build(uint8_t *mem, size_t size, const uint8_t *code, size_t code_len,
		      const uint32_t vector_offsets[MICRO_VECTORS])
{
	if (size < MICRO_MEM_SIZE || code_len > MICRO_CODE_MAX)
		return -E2BIG;
	for (int v = 0; v < MICRO_VECTORS; v++)
		if (vector_offsets[v] >= code_len)
			return -EINVAL;

	put64(mem, MICRO_GPA_PML4, MICRO_GPA_PDPT | PTE_P | PTE_RW);
	put64(mem, MICRO_GPA_PDPT, MICRO_GPA_PD | PTE_P | PTE_RW);
	/* One 2 MiB page: the memslot and, past its end, the MMIO address. */
	put64(mem, MICRO_GPA_PD, PTE_P | PTE_RW | PTE_PS);	/* at guest-physical 0 */

	put64(mem, MICRO_GPA_GDT + MICRO_SEL_CODE, 0x00af9b000000ffffull);
	put64(mem, MICRO_GPA_GDT + MICRO_SEL_DATA, 0x00cf93000000ffffull);
	tss_descriptor(mem, MICRO_GPA_GDT + MICRO_SEL_TSS, MICRO_GPA_TSS);

	for (int v = 0; v < MICRO_VECTORS; v++)
		micro_image_idt_gate(mem + MICRO_GPA_IDT + 16 * v,
				     MICRO_GPA_CODE + (uint64_t)vector_offsets[v]);
	memcpy(mem + MICRO_GPA_CODE, code, code_len);
	return 0;
}

static void flat_segment(struct kvm_segment *s, uint16_t selector, uint8_t type)
{
	*s = (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = selector,
				   .type = type, .present = 1, .s = 1, .g = 1 };
}

void micro_image_sregs(struct kvm_sregs *s, uint64_t cr4_extra)
{
	flat_segment(&s->cs, MICRO_SEL_CODE, 0xb);
	s->cs.l = 1;
	flat_segment(&s->ds, MICRO_SEL_DATA, 0x3);
	s->ds.db = 1;
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->tr = (struct kvm_segment){ .base = MICRO_GPA_TSS, .limit = TSS_LIMIT,
				      .selector = MICRO_SEL_TSS, .type = TYPE_TSS_BUSY,
				      .present = 1 };
	s->gdt.base = MICRO_GPA_GDT;
	s->gdt.limit = MICRO_SEL_TSS + 16 - 1;
	s->idt.base = MICRO_GPA_IDT;
	s->idt.limit = 16 * MICRO_VECTORS - 1;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = MICRO_GPA_PML4;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | cr4_extra;
	s->efer = EFER_LME | EFER_LMA;
}

static void clear_bit(struct kvm_cpuid2 *cpuid, uint32_t leaf, uint32_t index, int reg, int bit)
{
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		uint32_t *regs[] = { &e->eax, &e->ebx, &e->ecx, &e->edx };

		if (e->function == leaf && e->index == index)
			*regs[reg] &= ~(1u << bit);
	}
}

static bool has_bit(const struct kvm_cpuid2 *cpuid, uint32_t leaf, uint32_t index, int reg,
		    int bit)
{
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		const uint32_t regs[] = { e->eax, e->ebx, e->ecx, e->edx };

		if (e->function == leaf && e->index == index)
			return regs[reg] >> bit & 1;
	}
	return false;
}

enum { EAX, EBX, ECX, EDX };

void micro_image_cpuid(struct kvm_cpuid2 *cpuid)
{
	clear_bit(cpuid, 1, 0, ECX, 5);			/* VMX */
	clear_bit(cpuid, 1, 0, ECX, 30);		/* RDRAND */
	clear_bit(cpuid, 7, 0, EBX, 10);		/* INVPCID */
	clear_bit(cpuid, 7, 0, EBX, 18);		/* RDSEED */
	clear_bit(cpuid, 0x80000001, 0, ECX, 2);	/* SVM */
	clear_bit(cpuid, 0x80000001, 0, EDX, 27);	/* RDTSCP */
}

bool micro_image_has_xsave(const struct kvm_cpuid2 *cpuid)
{
	return has_bit(cpuid, 1, 0, ECX, 26);
}

bool micro_image_has_umip(const struct kvm_cpuid2 *cpuid)
{
	return has_bit(cpuid, 7, 0, ECX, 2);
}
