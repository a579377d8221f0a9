/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro check: which exits the micro guest causes for the grader
 * (src/check-rules.h) and how they become its caused rows.  The guest serves
 * the grader's CPUIDs one per resume, each followed by an I/O exit to the
 * host (guest.S's check mode), so the actions that are port I/O stay out:
 * their reason would count the protocol's exits.  The actions that need the
 * in-kernel LAPIC run in a second VM, and on VMX the host adds one action of
 * its own, a VM-entry that fails (the one exit whose full reason differs from
 * its basic one).  Pure: nothing here prints or touches /dev/kvm; the plan's
 * tables are the caller's.
 */
#ifndef EXITSCOPE_MICRO_CHECK_H
#define EXITSCOPE_MICRO_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "check-rules.h"
#include "views.h"

#define MICRO_CHECK_MAX_ACTIONS 64

/* The needs a check can meet: its second VM has the in-kernel LAPIC. */
#define MICRO_CHECK_NEEDS MICRO_NEEDS_LAPIC

/* The host's own action, beyond guest.S's operations: micro_vm_entry_fail() K times. */
#define MICRO_CHECK_OP_ENTRY_FAIL ((enum micro_op)MICRO_OP_COUNT)

/* What the window runs, K times each, in this order. */
struct micro_check_plan {
	size_t n;
	const struct micro_action *action[MICRO_CHECK_MAX_ACTIONS];
	struct micro_cause cause[MICRO_CHECK_MAX_ACTIONS];
};

/* The ISA of L1's KVM from L1's CPU vendor string; EXSC_ISA_NONE for another vendor. */
enum exsc_isa micro_check_isa(const char *vendor);

/*
 * Every action that @isa's KVM on a host with @host's facts takes on every
 * run (not conditional), that needs no VM setup but @needs (of
 * MICRO_CHECK_NEEDS) and whose reason is not the protocol's port I/O; then,
 * on VMX with unrestricted guest, the host's failed VM-entry.  0, or
 * -EINVAL for another ISA.
 */
int micro_check_plan(enum exsc_isa isa, const struct micro_host *host, unsigned int needs,
		     struct micro_check_plan *plan);

/*
 * The grader's caused rows, one per distinct reason of @plan in order of
 * first appearance: caused K per action, traced the kvm_exit histogram's
 * count from @before to @after.  Returns the rows written (at most @max).
 */
size_t micro_check_caused(enum exsc_isa isa, const struct micro_check_plan *plan, uint64_t k,
			  const struct micro_view *before, const struct micro_view *after,
			  struct check_caused *rows, size_t max);

/* CPUID exits of one warm-up run of every action of @plan: the self-count anchor. */
uint64_t micro_check_warmup_cpuids(enum exsc_isa isa, const struct micro_check_plan *plan);

#endif
