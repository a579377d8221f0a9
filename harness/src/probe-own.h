/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe's own exits, apart from the workload's (docs/design.md, "The
 * result file").  The probe's snapshot reads are CPUID exits inside the
 * window it measures, and it counts them exactly (probe_cpuid_exits, and
 * each sample's "own"), so the result takes them out of "exits" and keeps
 * them in "probe_own".  Pure functions of JSON: nothing here prints; a
 * json_t * returned is a new reference the caller owns.
 */
#ifndef EXITSCOPE_PROBE_OWN_H
#define EXITSCOPE_PROBE_OWN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"

/*
 * The cycles of @own of a reason's @count exits, which took @cycles in all:
 * their share in proportion to counts, rounded down, without overflow.  0
 * when @count is 0.
 */
uint64_t probe_own_cycles(uint64_t cycles, uint64_t own, uint64_t count);

/*
 * Takes @own exits of @isa's CPUID reason out of @exits (a window the caller
 * owns, changed in place): from that reason's count and the total, and
 * probe_own_cycles() of that reason's cycles from its cycles and the total's;
 * a reason left at 0 is dropped.  Returns what was taken, a window of the
 * same shape: {total: own, cycles, by_reason: [the CPUID row]}, no row when
 * @own is 0; the total's cycles stop at zero when they fall short of the
 * share (they are read at another moment than the reason's).  NULL with @err
 * set when the window holds fewer CPUID exits or exits than it gives up (the
 * counters missed some of the probe's reads), or when out of memory.
 */
json_t *probe_own_split(enum exsc_isa isa, json_t *exits, uint64_t own, char *err,
			size_t errsize);

/*
 * The probe document's @samples as the workload's: each sample that has
 * "own" gets total - own and its CPUID entry (keyed by the probe's name for
 * the reason) less own, dropped at 0 or below (the entry is read before the
 * total, so it may hold fewer of the probe's reads); "own" itself stays.  A
 * sample without "own" (an older probe's) is copied as it is.  A new array,
 * or NULL when out of memory.  The samples were validated (probe-doc.c):
 * own is at most total.
 */
json_t *probe_own_samples(enum exsc_isa isa, json_t *samples);

#endif
