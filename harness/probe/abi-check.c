// SPDX-License-Identifier: GPL-2.0
/*
 * run abi: the CPUID ABI's promises, checked from inside the guest
 * (kernel-patch/ABI.md, version 2): the discovery leaf, its scope bits, the
 * answer for a reason the manual does not define, the all-zero answer for a
 * reason it defines but KVM never counts, and that a read of the CPUID
 * reason counts the read itself.  It reports how many CPUIDs it executed, so
 * that L2's window can be held to exactly those (docs/design.md, "The neighbor").
 */
#include <stdbool.h>
#include <stdint.h>

#include "exitscope/reasons.h"
#include "workloads.h"

/* Far outside any ISA's defined reasons and slot range. */
#define ABI_FAR_REASON 0xFFFFFFF0u

/* The CPUID behind the counting one, and what it was asked for in this run. */
static probe_cpuid_fn abi_cpuid_next;
static uint64_t abi_cpuids;

static void abi_cpuid_counted(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out)
{
	abi_cpuids++;
	abi_cpuid_next(leaf, subleaf, out);
}

static void check_add(json_t *checks, bool *all, const char *name, bool pass, json_t *detail)
{
	json_array_append_new(checks, json_pack("{s:s, s:b, s:o}", "name", name, "pass", pass,
						"detail", detail));
	*all &= pass;
}

static bool is_undefined_answer(const struct exsc_regs *r)
{
	return !r->eax && !r->ebx && !r->ecx && r->edx == EXSC_UNDEFINED_EDX;
}

static bool is_zero_answer(const struct exsc_regs *r)
{
	return !r->eax && !r->ebx && !r->ecx && !r->edx;
}

/* The same answer from every per-reason leaf: all undefined, or all zero. */
static bool leaves_answer(probe_cpuid_fn cpuid, uint32_t reason,
			  bool (*expected)(const struct exsc_regs *r))
{
	static const uint32_t leaves[] = { EXSC_LEAF_REASON, EXSC_LEAF_COUNT32, EXSC_LEAF_CYCLES };
	bool pass = true;

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct exsc_regs r;

		cpuid(leaves[i], reason, &r);
		pass &= expected(&r);
	}
	return pass;
}

static uint32_t abi_slots(enum exsc_isa isa)
{
	return isa == EXSC_ISA_VMX ? EXSC_VMX_SLOTS : EXSC_SVM_SLOTS;
}

/* The first code below the slot count that the manual leaves undefined. */
static uint32_t first_undefined(enum exsc_isa isa)
{
	for (uint32_t code = 0; code < abi_slots(isa); code++)
		if (!exsc_reason_defined(isa, code))
			return code;
	return ABI_FAR_REASON;
}

/*
 * A reason the manual defines, KVM's own table lacks, and KVM never sees:
 * VMX 5, an I/O SMI, exits only under the SMM dual-monitor treatment, which
 * KVM never activates; SVM 0x001, a read of CR1, which KVM never intercepts.
 */
static uint32_t never_counted(enum exsc_isa isa)
{
	return isa == EXSC_ISA_VMX ? 5 : 0x001;
}

/* The discovery EBX: a known scope, and zeros above it. */
static void check_scope(const struct exsc_regs *info_regs, json_t *checks, bool *all)
{
	enum exsc_scope scope;
	bool known = exsc_decode_scope(info_regs, &scope) == 0;

	check_add(checks, all, "scope: vm or host, reserved bits zero",
		  known && !(info_regs->ebx & EXSC_INFO_RESERVED),
		  json_pack("{s:s, s:I}", "scope", known ? exsc_scope_name(scope) : "unknown",
			    "ebx", (json_int_t)info_regs->ebx));
}

static void check_self_count(probe_cpuid_fn cpuid, enum exsc_isa isa, json_t *checks, bool *all)
{
	uint32_t cpuid_code = reasons_cpuid(isa);
	struct exsc_counter first = { 0, 0 }, second = { 0, 0 };
	struct exsc_regs r;

	/* Back to back, so no other exit of this vCPU can fall between the two. */
	cpuid(EXSC_LEAF_REASON, cpuid_code, &r);
	exsc_decode_counter(&r, &first);
	cpuid(EXSC_LEAF_REASON, cpuid_code, &r);
	exsc_decode_counter(&r, &second);
	check_add(checks, all, "a CPUID read counts itself", second.count - first.count == 1,
		  json_pack("{s:I}", "delta", (json_int_t)(second.count - first.count)));
}

static int abi_check_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	json_t *checks = json_array();
	struct exsc_info info = { 0, EXSC_ISA_NONE, 0, EXSC_SCOPE_VM, NULL };
	enum exsc_scope scope = EXSC_SCOPE_VM;
	struct exsc_regs info_regs;
	uint32_t code;
	bool all = true, detected;

	(void)ctx;
	/* Every check below reads through the counter: figures.cpuid is all of them. */
	abi_cpuid_next = cpuid;
	abi_cpuids = 0;
	cpuid = abi_cpuid_counted;
	cpuid(EXSC_LEAF_INFO, 0, &info_regs);
	detected = exsc_decode_info(&info_regs, &info) == 0;
	exsc_decode_scope(&info_regs, &scope);
	check_add(checks, &all, "discovery", detected && info.abi_version == EXSC_ABI_VERSION &&
		  info.nr_slots == abi_slots(info.isa),
		  json_pack("{s:i, s:s, s:i, s:s}", "version", (int)info.abi_version,
			    "isa", exsc_isa_name(info.isa), "slots", (int)info.nr_slots,
			    "scope", exsc_scope_name(scope)));
	check_scope(&info_regs, checks, &all);
	code = first_undefined(info.isa);
	check_add(checks, &all, "undefined reason: EDX=0xFFFFFFFF, the rest 0",
		  leaves_answer(cpuid, code, is_undefined_answer) &&
		  leaves_answer(cpuid, ABI_FAR_REASON, is_undefined_answer),
		  json_pack("{s:[i, I]}", "reasons", (int)code, (json_int_t)ABI_FAR_REASON));
	code = never_counted(info.isa);
	check_add(checks, &all, "defined, never counted: all zero",
		  leaves_answer(cpuid, code, is_zero_answer),
		  json_pack("{s:i}", "reason", (int)code));
	check_self_count(cpuid, info.isa, checks, &all);
	json_object_set_new(figures, "checks", checks);
	json_object_set_new(figures, "verified", json_boolean(all));
	json_object_set_new(figures, "cpuid", json_integer((json_int_t)abi_cpuids));
	return 0;
}

const struct workload workload_abi = {
	.name = "abi", .param = "N", .fallback = 0, .min = 0, .max = 0,
	.help = "check the CPUID ABI: discovery, undefined and never-counted reasons, self-count",
	.run = abi_check_run,
};
