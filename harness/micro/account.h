/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The micro guest's bookkeeping: which exits of a reason its guest takes on
 * its own (outside the K it was asked for), and from three views' raw
 * readings whether "K caused" became "K counted".  Pure arithmetic; nothing
 * here prints.
 */
#ifndef EXITSCOPE_MICRO_ACCOUNT_H
#define EXITSCOPE_MICRO_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "views.h"

/*
 * The guest's own exits of one reason (guest.S's sequence): in the warm-up
 * (first entry to the READY signal: the discovery CPUID, the DISCOVERED and
 * READY port writes, the MSR read), in the window the host measures (READY
 * to DONE: two CPUID reads and the DONE port write), and between the guest's
 * two CPUID reads (the second read, which counts itself).
 */
struct micro_own {
	uint64_t warmup;
	uint64_t window;
	uint64_t cpuid;
};

void micro_own_exits(enum exsc_isa isa, uint32_t reason, struct micro_own *own);

/* The raw readings of one action's window. */
struct micro_sample {
	uint64_t caused;			/* K */
	struct exsc_regs cpuid_before;		/* leaf 0x4FFFFFFE, as the guest read it */
	struct exsc_regs cpuid_after;
	uint64_t debugfs_before, debugfs_after;	/* L1's /sys/kernel/debug/kvm/exitscope */
	uint64_t cycles_before, cycles_after;	/* the same file's cycles of the reason */
	uint64_t traced_before, traced_after;	/* the kvm_exit histogram */
};

/* The mask that makes a kvm_exit histogram key the counters' reason number. */
uint32_t micro_hist_mask(enum exsc_isa isa);

/*
 * @s's debugfs (counts and cycles) and histogram readings of @reason from
 * the views read at READY and at DONE; the CPUID leaves and caused are
 * left as they are.
 */
void micro_sample_views(struct micro_sample *s, enum exsc_isa isa, uint32_t reason,
			const struct micro_views *ready, const struct micro_views *done);

/*
 * Counts with the guest's own exits taken out: equal to caused when exact.
 * cycles is the debugfs cycles of the window as they are, own exits included:
 * there is no per-exit figure to take them out by.
 */
struct micro_verdict {
	int64_t cpuid;
	int64_t debugfs;
	int64_t traced;
	bool exact;
	int64_t cycles;
};

/*
 * 0 with *@v filled; -ENOENT when the guest's CPUID reads call @reason
 * undefined; -ERANGE when a view went backwards or beyond INT64_MAX.
 */
int micro_verdict(enum exsc_isa isa, uint32_t reason, const struct micro_sample *s,
		  struct micro_verdict *v);

/* Whether the warm-up's single run of the action took a @reason exit, by the tracepoint. */
bool micro_warmup_exited(enum exsc_isa isa, uint32_t reason, uint64_t traced_warmup);

#endif
