// SPDX-License-Identifier: GPL-2.0
#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "exitscope/maps.h"
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

	info->map = exsc_map_get(EXSC_MAP_EXITSCOPE);
	cpuid(EXSC_LEAF_INFO, 0, &regs);
	return exsc_decode_info(&regs, info);
}

/* The host's ISA as the CPU vendor (leaf 0) says: Intel's is VMX, AMD's and Hygon's SVM. */
static enum exsc_isa probe_vendor_isa(probe_cpuid_fn cpuid)
{
	struct exsc_regs r;
	char vendor[13];

	cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	if (!strcmp(vendor, "GenuineIntel"))
		return EXSC_ISA_VMX;
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		return EXSC_ISA_SVM;
	return EXSC_ISA_NONE;
}

int probe_detect_map(probe_cpuid_fn cpuid, const struct exsc_map *map, enum exsc_isa isa,
		     struct exsc_info *info)
{
	uint64_t first, second;

	if (map->discovery)
		return probe_detect(cpuid, info);
	*info = (struct exsc_info){ 0, isa, 0, EXSC_SCOPE_HOST, map };
	if (info->isa == EXSC_ISA_NONE)
		info->isa = probe_vendor_isa(cpuid);
	if (info->isa == EXSC_ISA_NONE)
		return -ENXIO;
	/* The second read is an exit counted before it is answered: a live total moves. */
	if (exsc_map_read(map, cpuid, EXSC_FIELD_TOTAL_COUNT, 0, &first) < 0 ||
	    exsc_map_read(map, cpuid, EXSC_FIELD_TOTAL_COUNT, 0, &second) < 0 ||
	    exsc_map_count_delta(map, first, second) == 0)
		return -ENODEV;
	return 0;
}

/* An undefined reason reads as nothing, never as a counter. */
static struct exsc_counter probe_read(probe_cpuid_fn cpuid, const struct exsc_map *map,
				      bool total, uint32_t code)
{
	struct exsc_counter counter;

	exsc_map_read_counter(map, cpuid, total, code, &counter);
	return counter;
}

/* The CPUID reason's count alone: one read of its count leaf, which counts itself. */
static uint64_t probe_read_count(probe_cpuid_fn cpuid, const struct exsc_map *map, uint32_t code)
{
	uint64_t count;

	exsc_map_read(map, cpuid, EXSC_FIELD_REASON_COUNT, code, &count);
	return count;
}

const struct exsc_map *probe_map(const struct exsc_info *info)
{
	return info->map ? info->map : exsc_map_get(EXSC_MAP_EXITSCOPE);
}

size_t probe_snapshot_reads_map(const struct exsc_map *map, enum exsc_isa isa)
{
	return exsc_defined_reasons(isa, NULL, 0) * exsc_map_counter_reads(map, false) +
	       exsc_map_counter_reads(map, true) + 2;
}

size_t probe_snapshot_reads(enum exsc_isa isa)
{
	return probe_snapshot_reads_map(exsc_map_get(EXSC_MAP_EXITSCOPE), isa);
}

/*
 * Every reason the manual defines, as ABI 2 answers them, not the reasons the
 * probe's build host happens to name: an ABI 1 kernel answers a reason its
 * KVM table lacked as undefined, which probe_read() takes as zero.
 */
size_t probe_snapshot_take_map(probe_cpuid_fn cpuid, const struct exsc_map *map,
			       enum exsc_isa isa, struct probe_snapshot *s)
{
	uint32_t cpuid_code = reasons_cpuid(isa);

	s->map = map;
	s->nr = exsc_defined_reasons(isa, s->code, PROBE_MAX_REASONS);
	s->cpuid_first = probe_read_count(cpuid, map, cpuid_code);
	for (size_t i = 0; i < s->nr; i++)
		s->counter[i] = probe_read(cpuid, map, false, s->code[i]);
	s->total = probe_read(cpuid, map, true, 0);
	s->cpuid_last = probe_read_count(cpuid, map, cpuid_code);
	return probe_snapshot_reads_map(map, isa);
}

size_t probe_snapshot_take(probe_cpuid_fn cpuid, enum exsc_isa isa, struct probe_snapshot *s)
{
	return probe_snapshot_take_map(cpuid, exsc_map_get(EXSC_MAP_EXITSCOPE), isa, s);
}

uint64_t probe_delta_count(enum exsc_isa isa, const struct probe_snapshot *before,
			   const struct probe_snapshot *after, size_t i)
{
	if (after->code[i] == reasons_cpuid(isa))
		return exsc_map_count_delta(after->map, before->cpuid_last, after->cpuid_first);
	return exsc_map_count_delta(after->map, before->counter[i].count, after->counter[i].count);
}

uint64_t probe_delta_total(const struct probe_snapshot *before, const struct probe_snapshot *after,
			   size_t reads)
{
	return exsc_map_count_delta(after->map, before->total.count, after->total.count) -
	       (reads - 1);
}
