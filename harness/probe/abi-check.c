// SPDX-License-Identifier: GPL-2.0
/*
 * run abi: the CPUID ABI's promises, checked from inside the guest
 * (kernel-patch/ABI.md, "CPUID leaves"): the discovery leaf, the answer for a
 * reason the ISA does not define, the all-zero answer for a defined reason KVM
 * never counts, and that a read of the CPUID reason counts the read itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include "exitscope/reasons.h"
#include "workloads.h"

/* Far outside any ISA's table and slot range. */
#define ABI_FAR_REASON 0xFFFFFFF0u

static void check_add(json_t *checks, bool *all, const char *name, bool pass, json_t *detail)
{
	json_array_append_new(checks, json_pack("{s:s, s:b, s:o}", "name", name, "pass", pass,
						"detail", detail));
	*all &= pass;
}

static bool is_undefined_answer(const struct exsc_regs *r)
{
	return !r->eax && !r->ebx && !r->ecx && r->edx == 0xFFFFFFFFu;
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

/* The first code below the slot count that the ISA's table lacks. */
static uint32_t first_undefined(enum exsc_isa isa, uint32_t nr_slots)
{
	for (uint32_t code = 0; code < nr_slots; code++)
		if (!reasons_name(isa, code))
			return code;
	return ABI_FAR_REASON;
}

/* SVM's table names the SEV-ES VMGEXIT sub-codes (bit 31 set), which are not exit codes. */
static const struct exsc_reason *never_counted(enum exsc_isa isa)
{
	size_t n;
	const struct exsc_reason *table = reasons_table(isa, &n);

	for (size_t i = 0; i < n; i++)
		if (table[i].code & 0x80000000u)
			return &table[i];
	return NULL;
}

static int abi_check_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	json_t *checks = json_array();
	struct exsc_info info;
	struct exsc_counter first, second;
	struct exsc_regs r;
	const struct exsc_reason *unused;
	uint32_t code, cpuid_code;
	bool all = true, detected;

	(void)ctx;
	/* Read first: the order in which call arguments are evaluated is unspecified. */
	detected = probe_detect(cpuid, &info) == 0;
	check_add(checks, &all, "discovery", detected && info.abi_version == 1 &&
		  info.nr_slots == (info.isa == EXSC_ISA_VMX ? 80u : 261u),
		  json_pack("{s:i, s:s, s:i}", "version", (int)info.abi_version,
			    "isa", exsc_isa_name(info.isa), "slots", (int)info.nr_slots));
	code = first_undefined(info.isa, info.nr_slots);
	check_add(checks, &all, "undefined reason: EDX=0xFFFFFFFF, the rest 0",
		  leaves_answer(cpuid, code, is_undefined_answer) &&
		  leaves_answer(cpuid, ABI_FAR_REASON, is_undefined_answer),
		  json_pack("{s:[i, I]}", "reasons", (int)code, (json_int_t)ABI_FAR_REASON));
	unused = never_counted(info.isa);
	if (unused)
		check_add(checks, &all, "defined, never counted: all zero",
			  leaves_answer(cpuid, unused->code, is_zero_answer),
			  json_pack("{s:I, s:s}", "reason", (json_int_t)unused->code, "name", unused->name));
	/* Back to back, so no other exit of this vCPU can fall between the two. */
	cpuid_code = reasons_cpuid(info.isa);
	cpuid(EXSC_LEAF_REASON, cpuid_code, &r);
	exsc_decode_counter(&r, &first);
	cpuid(EXSC_LEAF_REASON, cpuid_code, &r);
	exsc_decode_counter(&r, &second);
	check_add(checks, &all, "a CPUID read counts itself", second.count - first.count == 1,
		  json_pack("{s:I}", "delta", (json_int_t)(second.count - first.count)));
	json_object_set_new(figures, "checks", checks);
	json_object_set_new(figures, "verified", json_boolean(all));
	return 0;
}

const struct workload workload_abi = {
	.name = "abi", .param = "N", .fallback = 0, .min = 0, .max = 0,
	.help = "check the CPUID ABI: discovery, undefined and never-counted reasons, self-count",
	.run = abi_check_run,
};
