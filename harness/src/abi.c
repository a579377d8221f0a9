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

int exsc_decode_info(const struct exsc_regs *r, struct exsc_info *info)
{
	/* Zeros are what an unpatched KVM answers for an unknown leaf. */
	if (r->edx != EXSC_SIGNATURE)
		return -ENODEV;
	info->abi_version = r->eax;
	info->isa = r->ebx == EXSC_ISA_VMX || r->ebx == EXSC_ISA_SVM ? (enum exsc_isa)r->ebx
								     : EXSC_ISA_NONE;
	info->nr_slots = r->ecx;
	return info->isa == EXSC_ISA_NONE ? -EPROTO : 0;
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
