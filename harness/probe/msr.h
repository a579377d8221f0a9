/* SPDX-License-Identifier: GPL-2.0 */
/* The msr workload's state, for its module and for tests that stand in for its device. */
#ifndef EXITSCOPE_MSR_H
#define EXITSCOPE_MSR_H

#include <sched.h>
#include <stdbool.h>

#define MSR_DEVICE "/dev/cpu/0/msr"

struct msr_state {
	int fd;			/* MSR_DEVICE, or -1 */
	bool pinned;		/* affinity holds what to restore */
	cpu_set_t affinity;
};

#endif
