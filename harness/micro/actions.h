/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the micro guest can make its guest do, and which exit reason that is
 * on each ISA.  A pure table with lookups: nothing here prints or touches
 * /dev/kvm, and every string is static.
 */
#ifndef EXITSCOPE_MICRO_ACTIONS_H
#define EXITSCOPE_MICRO_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "layout.h"

/* What the host sets up for an action before the guest runs. */
#define MICRO_NEEDS_GUEST_DEBUG	0x1u	/* KVM_SET_GUEST_DEBUG: every debug-register access exits */
#define MICRO_NEEDS_SW_BP	0x2u	/* ... and #BP exits to the host, which steps over INT3 */
#define MICRO_NEEDS_UMIP	0x4u	/* CR4.UMIP, which KVM may emulate with descriptor exits */
/* An in-kernel LAPIC in x2APIC mode, its timer in TSC-deadline mode (HLT then stays in KVM). */
#define MICRO_NEEDS_LAPIC	0x8u

/* How one ISA's KVM sees an action. */
struct micro_cause {
	uint32_t reason;		/* the exit reason, when supported */
	enum micro_op op;
	/*
	 * Non-NULL: the exit happens only where the CPU under L1 and KVM's
	 * configuration intercept it; one warm-up run, judged by the kvm_exit
	 * tracepoint, decides, and the text says what it depends on.
	 */
	const char *conditional;
	/* Non-NULL: this ISA cannot be made to take this exit on purpose; why. */
	const char *unsupported;
};

struct micro_action {
	const char *name;		/* "cpuid", "pio-in", ... */
	const char *what;		/* what the guest executes */
	unsigned int needs;		/* MICRO_NEEDS_* */
	struct micro_cause vmx, svm;
};

/* Facts about L1's KVM that change which reason an action is, or whether it exists. */
struct micro_host {
	bool tdp;			/* kvm_intel.ept / kvm_amd.npt */
	bool mmio_caching;		/* kvm.mmio_caching: MMIO SPTEs, EPT misconfig on VMX */
	bool xsave;			/* XSAVE in KVM's supported CPUID: CR4.OSXSAVE can be set */
	bool unrestricted_guest;	/* kvm_intel.unrestricted_guest: no software state check */
};

const struct micro_action *micro_actions(size_t *nr);
const struct micro_action *micro_action_find(const char *name);

/*
 * The cause of @a on @isa on a host with @host's facts, in *@out: 0 when it
 * can be caused (conditionally or not), -EOPNOTSUPP with out->unsupported
 * set when not, -EINVAL for an ISA other than VMX or SVM.
 */
int micro_action_cause(const struct micro_action *a, enum exsc_isa isa,
		       const struct micro_host *host, struct micro_cause *out);

#endif
