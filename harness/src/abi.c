// SPDX-License-Identifier: GPL-2.0
/* Decoding of the exitscope CPUID leaves; see kernel-patch/ABI.md. */
#include <errno.h>
#include <string.h>

#include "exitscope/abi.h"

static uint64_t abi_u64(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

static bool abi_is_undefined(const struct exsc_regs *r)
{
	return r->eax == 0 && r->ebx == 0 && r->ecx == 0 && r->edx == EXSC_UNDEFINED_EDX;
}

static enum exsc_isa abi_isa(uint32_t bits)
{
	return bits == EXSC_ISA_VMX || bits == EXSC_ISA_SVM ? (enum exsc_isa)bits : EXSC_ISA_NONE;
}

int exsc_decode_scope(const struct exsc_regs *r, enum exsc_scope *scope)
{
	uint32_t bits = (r->ebx >> EXSC_INFO_SCOPE_SHIFT) & EXSC_INFO_SCOPE_MASK;

	if (r->eax == 1) {
		*scope = EXSC_SCOPE_HOST;
		return 0;
	}
	*scope = bits == EXSC_SCOPE_HOST ? EXSC_SCOPE_HOST : EXSC_SCOPE_VM;
	return bits > EXSC_SCOPE_HOST ? -EPROTO : 0;
}

int exsc_decode_info(const struct exsc_regs *r, struct exsc_info *info)
{
	/* Zeros are what an unpatched KVM answers for an unknown leaf. */
	if (r->edx != EXSC_SIGNATURE)
		return -ENODEV;
	info->abi_version = r->eax;
	info->nr_slots = r->ecx;
	/* Version 1's EBX is the ISA alone. */
	info->isa = abi_isa(r->eax == 1 ? r->ebx : r->ebx & EXSC_INFO_ISA_MASK);
	/* A later version may move things: refuse it rather than guess. */
	if ((r->eax != 1 && r->eax != EXSC_ABI_VERSION) || info->isa == EXSC_ISA_NONE ||
	    exsc_decode_scope(r, &info->scope) < 0)
		return -EPROTO;
	return 0;
}

/* The basic reasons 0-85 that the SDM leaves undefined. */
static bool abi_vmx_gap(uint32_t code)
{
	return code == 35 || code == 38 || code == 42 || code == 71 || code == 82 || code == 83;
}

bool exsc_reason_defined(enum exsc_isa isa, uint32_t code)
{
	switch (isa) {
	case EXSC_ISA_VMX:
		return code < EXSC_VMX_SLOTS && !abi_vmx_gap(code);
	case EXSC_ISA_SVM:
		/* Every code of 0x000-0x0A6, NPF to VMGEXIT, and -4 to -1. */
		return code <= 0x0A6u || (code >= 0x400u && code <= 0x403u) || code >= 0xFFFFFFFCu;
	default:
		return false;
	}
}

/* Where each ISA's slot-bearing codes begin and end (ABI.md, "Slots"). */
static const struct {
	enum exsc_isa isa;
	uint32_t first, last;
} abi_slot_ranges[] = {
	{ EXSC_ISA_VMX, 0, EXSC_VMX_SLOTS - 1 },
	{ EXSC_ISA_SVM, 0x000, 0x0A6 },
	{ EXSC_ISA_SVM, 0x400, 0x403 },
	{ EXSC_ISA_SVM, 0xFFFFFFFC, 0xFFFFFFFF },
};

size_t exsc_defined_reasons(enum exsc_isa isa, uint32_t *codes, size_t max)
{
	size_t n = 0;

	for (size_t r = 0; r < sizeof(abi_slot_ranges) / sizeof(abi_slot_ranges[0]); r++) {
		if (abi_slot_ranges[r].isa != isa)
			continue;
		for (uint64_t code = abi_slot_ranges[r].first; code <= abi_slot_ranges[r].last; code++) {
			if (!exsc_reason_defined(isa, (uint32_t)code))
				continue;
			if (n < max)
				codes[n] = (uint32_t)code;
			n++;
		}
	}
	return n;
}

int exsc_decode_counter(const struct exsc_regs *r, struct exsc_counter *out)
{
	if (abi_is_undefined(r))
		return -ENOENT;
	out->count = abi_u64(r->edx, r->eax);
	out->cycles = abi_u64(r->ebx, r->ecx);
	return 0;
}

int exsc_decode_count32(const struct exsc_regs *r, uint32_t *count)
{
	if (abi_is_undefined(r))
		return -ENOENT;
	*count = r->eax;
	return 0;
}

int exsc_decode_cycles(const struct exsc_regs *r, uint64_t *cycles)
{
	if (abi_is_undefined(r))
		return -ENOENT;
	*cycles = abi_u64(r->ebx, r->ecx);
	return 0;
}

const char *exsc_isa_name(enum exsc_isa isa)
{
	switch (isa) {
	case EXSC_ISA_VMX:
		return "vmx";
	case EXSC_ISA_SVM:
		return "svm";
	default:
		return "none";
	}
}

const char *exsc_scope_name(enum exsc_scope scope)
{
	return scope == EXSC_SCOPE_HOST ? "host" : "vm";
}

int exsc_isa_parse(const char *name, enum exsc_isa *isa)
{
	static const enum exsc_isa all[] = { EXSC_ISA_NONE, EXSC_ISA_VMX, EXSC_ISA_SVM };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(name, exsc_isa_name(all[i]))) {
			*isa = all[i];
			return 0;
		}
	}
	return -EINVAL;
}
