/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The micro guest's initial state, built as plain data before any ioctl:
 * its memory image (page tables, GDT, TSS, IDT, code), its special
 * registers in 64-bit mode, and the CPUID it is given.  Pure: nothing here
 * opens /dev/kvm or prints, so the layout is unit-tested anywhere.
 */
#ifndef EXITSCOPE_MICRO_IMAGE_H
#define EXITSCOPE_MICRO_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "layout.h"

#define MICRO_VECTORS 32

/*
 * Fill @mem (MICRO_MEM_SIZE bytes, zeroed by the caller) with @code at
 * MICRO_GPA_CODE and the tables that enter it; vector v's handler is at
 * MICRO_GPA_CODE + @vector_offsets[v].  -E2BIG when the code does not fit,
 * -EINVAL when a handler lies outside it.
 */
int micro_image_build(uint8_t *mem, size_t size, const uint8_t *code, size_t code_len,
		      const uint32_t vector_offsets[MICRO_VECTORS]);

/* A 64-bit interrupt gate to @handler in the code segment. */
void micro_image_idt_gate(uint8_t gate[16], uint64_t handler);

/* Long mode, flat segments, the tables above; @cr4_extra adds CR4 bits (OSXSAVE, UMIP). */
void micro_image_sregs(struct kvm_sregs *s, uint64_t cr4_extra);

/*
 * KVM's supported CPUID made the guest's: VMX, SVM, RDTSCP, RDRAND, RDSEED
 * and INVPCID hidden, so that KVM intercepts those instructions instead of
 * letting them run (actions.c says which exit each becomes).
 */
void micro_image_cpuid(struct kvm_cpuid2 *cpuid);

/* Whether @cpuid offers XSAVE (leaf 1 ECX bit 26). */
bool micro_image_has_xsave(const struct kvm_cpuid2 *cpuid);

/* Whether @cpuid offers UMIP (leaf 7 ECX bit 2). */
bool micro_image_has_umip(const struct kvm_cpuid2 *cpuid);

#endif
