// SPDX-License-Identifier: GPL-2.0
/*
 * The grader's reads: snapshots through a leaf map, whether a kernel answers
 * a map at all, and the ECX values the sweep of answers covers.
 */
#include <errno.h>

#include "check-rules.h"
#include "exitscope/reasons.h"

_Static_assert(CHECK_MAX_REASONS >= EXSC_SVM_SLOTS && CHECK_MAX_REASONS >= EXSC_VMX_SLOTS,
	       "a snapshot holds every reason an ISA defines");

/* The CPUID reason's count alone: one read of its count leaf, which counts itself. */
static uint64_t window_cpuid_count(const struct exsc_map *map, exsc_cpuid_fn cpuid,
				   enum exsc_isa isa)
{
	uint64_t count;

	exsc_map_read(map, cpuid, EXSC_FIELD_REASON_COUNT, reasons_cpuid(isa), &count);
	return count;
}

size_t check_snapshot_take(const struct exsc_map *map, enum exsc_isa isa, exsc_cpuid_fn cpuid,
			   struct check_snapshot *s)
{
	s->nr = exsc_defined_reasons(isa, s->code, CHECK_MAX_REASONS);
	s->cpuid_first = window_cpuid_count(map, cpuid, isa);
	/* An answer of "no such reason" reads as zeros; the sweep judges answers. */
	for (size_t i = 0; i < s->nr; i++)
		exsc_map_read_counter(map, cpuid, false, s->code[i], &s->counter[i]);
	exsc_map_read_counter(map, cpuid, true, 0, &s->total);
	s->cpuid_last = window_cpuid_count(map, cpuid, isa);
	s->reads = s->nr * exsc_map_counter_reads(map, false) + exsc_map_counter_reads(map, true) + 2;
	return s->reads;
}

/* Back-to-back reads of a live counter differ by the second read at least, and not by much. */
#define MOVE_MAX (UINT64_C(1) << 20)

static bool window_moves(const struct exsc_map *map, exsc_cpuid_fn cpuid, enum exsc_field field,
			 uint32_t reason)
{
	uint64_t first, second, delta;

	if (exsc_map_read(map, cpuid, field, reason, &first) < 0 ||
	    exsc_map_read(map, cpuid, field, reason, &second) < 0)
		return false;
	delta = exsc_map_count_delta(map, first, second);
	return delta >= 1 && delta <= MOVE_MAX;
}

bool check_map_answers(const struct exsc_map *map, enum exsc_isa isa, exsc_cpuid_fn cpuid)
{
	if (map->discovery) {
		struct exsc_regs regs;
		struct exsc_info info;

		cpuid(EXSC_LEAF_INFO, 0, &regs);
		if (exsc_decode_info(&regs, &info) < 0 || info.isa != isa)
			return false;
	}
	return window_moves(map, cpuid, EXSC_FIELD_TOTAL_COUNT, 0) &&
	       window_moves(map, cpuid, EXSC_FIELD_REASON_COUNT, reasons_cpuid(isa));
}

static void sweep_add(uint32_t *codes, size_t max, size_t *n, uint32_t code)
{
	if (*n < max)
		codes[*n] = code;
	(*n)++;
}

static void sweep_range(uint32_t *codes, size_t max, size_t *n, uint32_t first, uint32_t last)
{
	for (uint64_t c = first; c <= last; c++)
		sweep_add(codes, max, n, (uint32_t)c);
}

/* A spread from @from to 65535, then 2^k - 1 and 2^k from @from up, then 0xFFFFFFFF. */
static void sweep_above(uint32_t *codes, size_t max, size_t *n, uint32_t from)
{
	for (uint32_t c = from; c < 0x10000u; c += 1021)
		sweep_add(codes, max, n, c);
	for (uint64_t p = 2; p <= UINT64_C(1) << 31; p <<= 1) {
		if (p <= from)
			continue;
		sweep_add(codes, max, n, (uint32_t)(p - 1));
		sweep_add(codes, max, n, (uint32_t)p);
	}
	sweep_add(codes, max, n, 0xFFFFFFFFu);
}

size_t check_sweep_codes(enum exsc_isa isa, uint32_t *codes, size_t max)
{
	/* Full VMX exit reasons: bit 31 (entry failed) on 33, 34, 41; bits 26-28 on CPUID. */
	static const uint32_t vmx_full[] = { 0x80000021u, 0x80000022u, 0x80000029u,
					     0x0400000Au, 0x0800000Au, 0x1000000Au };
	size_t n = 0;

	if (isa == EXSC_ISA_VMX) {
		sweep_range(codes, max, &n, 0, 255);
		for (size_t i = 0; i < sizeof(vmx_full) / sizeof(vmx_full[0]); i++)
			sweep_add(codes, max, &n, vmx_full[i]);
		sweep_above(codes, max, &n, 256);
	} else if (isa == EXSC_ISA_SVM) {
		sweep_range(codes, max, &n, 0, 0x4FF);
		sweep_range(codes, max, &n, 0x80000000u, 0x80000010u);
		sweep_add(codes, max, &n, 0xF0000000u);
		sweep_range(codes, max, &n, 0xFFFFFFF0u, 0xFFFFFFFEu);
		sweep_above(codes, max, &n, 0x500);
	}
	return n;
}
