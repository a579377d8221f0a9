// SPDX-License-Identifier: GPL-2.0
#include <cpuid.h>
#include <errno.h>
#include <time.h>
#include <x86intrin.h>

#include "exitscope/reasons.h"
#include "probe.h"

_Static_assert(PROBE_MAX_REASONS >= EXSC_SVM_SLOTS && PROBE_MAX_REASONS >= EXSC_VMX_SLOTS,
	       "a snapshot holds every reason an ISA defines");

void probe_cpuid_hw(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out)
{
	__cpuid_count(leaf, subleaf, out->eax, out->ebx, out->ecx, out->edx);
}

void probe_clock_hw(struct probe_clock *out)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	out->ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
	out->tsc = __rdtsc();
}

int probe_detect(probe_cpuid_fn cpuid, struct exsc_info *info)
{
	struct exsc_regs regs;

	cpuid(EXSC_LEAF_INFO, 0, &regs);
	return exsc_decode_info(&regs, info);
}

static struct exsc_counter probe_read(probe_cpuid_fn cpuid, uint32_t leaf, uint32_t code)
{
	struct exsc_counter counter = { 0, 0 };
	struct exsc_regs regs;

	cpuid(leaf, code, &regs);
	/* An undefined reason reads as nothing, never as a counter. */
	if (exsc_decode_counter(&regs, &counter) < 0)
		counter = (struct exsc_counter){ 0, 0 };
	return counter;
}

size_t probe_snapshot_reads(enum exsc_isa isa)
{
	return exsc_defined_reasons(isa, NULL, 0) + 3;
}

/*
 * Every reason the manual defines, as ABI 2 answers them, not the reasons the
 * probe's build host happens to name: an ABI 1 kernel answers a reason its
 * KVM table lacked as undefined, which probe_read() takes as zero.
 */
size_t probe_snapshot_take(probe_cpuid_fn cpuid, enum exsc_isa isa, struct probe_snapshot *s)
{
	uint32_t cpuid_code = reasons_cpuid(isa);

	s->nr = exsc_defined_reasons(isa, s->code, PROBE_MAX_REASONS);
	s->cpuid_first = probe_read(cpuid, EXSC_LEAF_REASON, cpuid_code).count;
	for (size_t i = 0; i < s->nr; i++)
		s->counter[i] = probe_read(cpuid, EXSC_LEAF_REASON, s->code[i]);
	s->total = probe_read(cpuid, EXSC_LEAF_TOTAL, 0);
	s->cpuid_last = probe_read(cpuid, EXSC_LEAF_REASON, cpuid_code).count;
	return s->nr + 3;
}

uint64_t probe_delta_count(enum exsc_isa isa, const struct probe_snapshot *before,
			   const struct probe_snapshot *after, size_t i)
{
	if (after->code[i] == reasons_cpuid(isa))
		return after->cpuid_first - before->cpuid_last;
	return after->counter[i].count - before->counter[i].count;
}
