/* SPDX-License-Identifier: GPL-2.0 */
/* exitprobe internals: snapshots of the exit counters as seen through CPUID. */
#ifndef EXITSCOPE_PROBE_H
#define EXITSCOPE_PROBE_H

#include <jansson.h>
#include <stddef.h>

#include "exitscope/abi.h"
#include "exitscope/maps.h"

/* The CPUID instruction, injectable so unit tests can replay recorded tuples. */
typedef void (*probe_cpuid_fn)(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out);
void probe_cpuid_hw(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out);

/*
 * One reading of L2's clocks: CLOCK_MONOTONIC, then the TSC (which under
 * nesting is the virtual TSC L1's KVM gives L2).  Injectable like CPUID, so
 * unit tests can say when the probe read them.  Neither read exits under
 * kvm-clock or the TSC as L2's clocksource.
 */
struct probe_clock {
	uint64_t ns;
	uint64_t tsc;
};
typedef void (*probe_clock_fn)(struct probe_clock *out);
void probe_clock_hw(struct probe_clock *out);

/* Room for every reason an ISA defines (SVM's 175); snapshot.c checks it. */
#define PROBE_MAX_REASONS 192

/*
 * The probe's own CPUID exits inside a run's window: the after-snapshot's first
 * read, which is counted before it is answered (probe_delta_json()).
 */
#define PROBE_WINDOW_CPUID_EXITS 1

/* probe_cpuid_exits of a window in which run --samples executed @sampler_reads CPUIDs. */
static inline uint64_t probe_window_cpuid_exits(uint64_t sampler_reads)
{
	return PROBE_WINDOW_CPUID_EXITS + sampler_reads;
}

struct probe_snapshot {
	const struct exsc_map *map;	/* the leaf map it was read through */
	size_t nr;
	uint32_t code[PROBE_MAX_REASONS];
	struct exsc_counter counter[PROBE_MAX_REASONS];
	struct exsc_counter total;
	uint64_t cpuid_first;	/* the CPUID slot, read before anything else */
	uint64_t cpuid_last;	/* and again after everything else */
};

/* CPUID instructions one snapshot executes: every reason, the total, the CPUID slot twice. */
size_t probe_snapshot_reads(enum exsc_isa isa);
/* The same through @map, where a reason's count and cycles may take two reads. */
size_t probe_snapshot_reads_map(const struct exsc_map *map, enum exsc_isa isa);

/* The map @info's counters are read through: exitscope's unless --abi named another. */
const struct exsc_map *probe_map(const struct exsc_info *info);

/* -ENODEV: not an exitscope kernel; -EPROTO: a signature with a bad ISA. */
int probe_detect(probe_cpuid_fn cpuid, struct exsc_info *info);

/*
 * Through @map: exitscope's is probe_detect(); a map without a discovery
 * leaf is assumed, with @isa (EXSC_ISA_NONE: the CPU vendor's), and must show
 * a total that moves across two reads (-ENODEV when it does not; -ENXIO for
 * a vendor that names no ISA).  @info then has ABI version 0, the host's
 * scope and @map.
 */
int probe_detect_map(probe_cpuid_fn cpuid, const struct exsc_map *map, enum exsc_isa isa,
		     struct exsc_info *info);
/* Through exitscope's map; returns the CPUID instructions it executed, probe_snapshot_reads(@isa). */
size_t probe_snapshot_take(probe_cpuid_fn cpuid, enum exsc_isa isa, struct probe_snapshot *s);
/* Through @map; returns probe_snapshot_reads_map(@map, @isa). */
size_t probe_snapshot_take_map(probe_cpuid_fn cpuid, const struct exsc_map *map,
			       enum exsc_isa isa, struct probe_snapshot *s);
/*
 * Reason @i's count from @before to @after; the CPUID reason from before's last
 * read to after's first, the tightest window the probe can have.
 */
uint64_t probe_delta_count(enum exsc_isa isa, const struct probe_snapshot *before,
			   const struct probe_snapshot *after, size_t i);

/*
 * The total's delta, less the @reads - 1 CPUIDs of the snapshots' own that
 * fall between the two total reads (each snapshot executed @reads).
 */
uint64_t probe_delta_total(const struct probe_snapshot *before, const struct probe_snapshot *after,
			   size_t reads);

/*
 * The per-reason deltas from @before to @after as an "exits" object.  The
 * CPUID reason is measured from before's last read to after's first read, the
 * tightest window the probe can have; the other reasons from their own reads.
 */
json_t *probe_delta_json(enum exsc_isa isa, const struct probe_snapshot *before,
			 const struct probe_snapshot *after);
/* Absolute counters of one snapshot, same shape. */
json_t *probe_snapshot_json(enum exsc_isa isa, const struct probe_snapshot *s);

/*
 * Prints @doc on stdout and, with @out_path, also writes it there between
 * the EXSC_FRAME_BEGIN and EXSC_FRAME_END lines (exitscope/frame.h); -errno.
 */
int probe_emit(json_t *doc, const char *out_path);

#endif
