/* SPDX-License-Identifier: GPL-2.0 */
/* One L1 boot of a run: QEMU under stage timeouts, read from the status port. */
#ifndef EXITSCOPE_RUN_H
#define EXITSCOPE_RUN_H

/* How far the agent got, from the lines it wrote to the status port. */
enum run_stage {
	STAGE_L1_BOOT,	/* QEMU started, no agent yet */
	STAGE_L2,	/* agent up: libvirt, L2 boot, workload, power-off */
	STAGE_DONE,	/* agent finished; L1 powers off */
};

struct run_status {
	enum run_stage stage;
	int agent_rc;		/* from "done rc=N", -1 before */
	char error[256];	/* the agent's "error ..." line, "" if none */
};

/* Folds the status port's text into @st (pure; unit-tested). */
void run_status_parse(const char *text, struct run_status *st);

const char *run_stage_name(enum run_stage stage);

#endif
