/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exitscope CPUID ABI as the guest sees it (kernel-patch/ABI.md is the
 * authoritative text).  Pure decoding only: no CPUID instruction here, so the
 * driver and the unit tests can use it on any host.
 */
#ifndef EXITSCOPE_ABI_H
#define EXITSCOPE_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXSC_LEAF_TOTAL		0x4FFFFFFFu	/* all reasons, 64-bit count+cycles */
#define EXSC_LEAF_REASON	0x4FFFFFFEu	/* ECX = reason, 64-bit count+cycles */
#define EXSC_LEAF_COUNT32	0x4FFFFFFDu	/* ECX = reason, count[31:0] only */
#define EXSC_LEAF_CYCLES	0x4FFFFFFCu	/* ECX = reason, cycles only */
#define EXSC_LEAF_INFO		0x4FFFFFFBu	/* discovery */

#define EXSC_SIGNATURE		0x43535845u	/* "EXSC" */
#define EXSC_ABI_VERSION	2u	/* the newest this decodes; it reads version 1 too */
#define EXSC_UNDEFINED_EDX	0xFFFFFFFFu

/* ABI 2's discovery EBX: the ISA in bits 7:0, the scope in bits 9:8, zeros above. */
#define EXSC_INFO_ISA_MASK	0xFFu
#define EXSC_INFO_SCOPE_SHIFT	8
#define EXSC_INFO_SCOPE_MASK	0x3u
#define EXSC_INFO_RESERVED	0xFFFFFC00u

/* Reason slots ABI 2 announces: VMX basic reasons 0-85; SVM's 175 defined codes. */
#define EXSC_VMX_SLOTS		86u
#define EXSC_SVM_SLOTS		175u

enum exsc_isa {
	EXSC_ISA_NONE = 0,
	EXSC_ISA_VMX = 1,
	EXSC_ISA_SVM = 2,
};

/* Whose exits the counters are. */
enum exsc_scope {
	EXSC_SCOPE_VM = 0,	/* the reading guest's own VM: ABI 2's default */
	EXSC_SCOPE_HOST = 1,	/* every VM of the host: ABI 1, or kvm.exitscope_scope=host */
};

struct exsc_regs {
	uint32_t eax, ebx, ecx, edx;
};

struct exsc_counter {
	uint64_t count;
	uint64_t cycles;
};

struct exsc_map;

struct exsc_info {
	uint32_t abi_version;	/* 0 when read through a map without a discovery leaf */
	enum exsc_isa isa;
	uint32_t nr_slots;
	enum exsc_scope scope;	/* whose exits the counters are; ABI 1: the host's */
	/* The leaf map the counters are read through (exitscope/maps.h); NULL: exitscope's. */
	const struct exsc_map *map;
};

/*
 * 0 on an exitscope kernel of ABI 1 or 2; -ENODEV when the signature is
 * missing; -EPROTO for a signature with an unknown version, ISA or scope
 * (@info then holds what was read).
 */
int exsc_decode_info(const struct exsc_regs *regs, struct exsc_info *info);

/*
 * The scope of the discovery leaf @regs of an exitscope kernel: ABI 1's
 * counters are the host's, ABI 2 says in EBX bits 9:8.  -EPROTO for a scope
 * this decoder does not know.
 */
int exsc_decode_scope(const struct exsc_regs *regs, enum exsc_scope *scope);

/*
 * Whether ABI 2 answers @code with counters, because the Intel SDM (VMX) or
 * the AMD APM (SVM) defines it; false: EDX=0xFFFFFFFF, the rest 0.
 */
bool exsc_reason_defined(enum exsc_isa isa, uint32_t code);

/*
 * The codes exsc_reason_defined() holds for, in slot order (SVM's -4 to -1
 * last), the first @max of them into @codes; returns how many @isa defines
 * (80 VMX, 175 SVM), which may be more than @max.
 */
size_t exsc_defined_reasons(enum exsc_isa isa, uint32_t *codes, size_t max);

/* Leaves 0x4FFFFFFF and 0x4FFFFFFE.  -ENOENT for a reason the ISA does not define. */
int exsc_decode_counter(const struct exsc_regs *regs, struct exsc_counter *out);

/* Leaf 0x4FFFFFFD: only count[31:0]; -ENOENT for an undefined reason. */
int exsc_decode_count32(const struct exsc_regs *regs, uint32_t *count);

/* Leaf 0x4FFFFFFC: only cycles; -ENOENT for an undefined reason. */
int exsc_decode_cycles(const struct exsc_regs *regs, uint64_t *cycles);

/* Delta of a 32-bit counter across one wrap. */
static inline uint32_t exsc_delta32(uint32_t before, uint32_t after)
{
	return after - before;
}

const char *exsc_isa_name(enum exsc_isa isa);	/* "vmx", "svm", "none" */
const char *exsc_scope_name(enum exsc_scope scope);	/* "vm", "host" */
int exsc_isa_parse(const char *name, enum exsc_isa *isa);

#endif
