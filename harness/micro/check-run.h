/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro check: one micro VM of L1's KVM serves the grader's CPUIDs, so
 * every leaf and ECX the grader asks is executed inside a guest of the
 * kernel under test; between the window's two snapshots the VM takes each
 * action of the plan K times, and the kvm_exit histogram is the oracle.
 * Where the counters are host-wide, a second VM with the in-kernel LAPIC
 * takes the actions that need it (the fastpath's WRMSRs) in the same window.
 * Nothing here prints: an error that stops the check is returned, with
 * c->failed naming what it was about.  Everything is the caller's.
 */
#ifndef EXITSCOPE_MICRO_CHECK_RUN_H
#define EXITSCOPE_MICRO_CHECK_RUN_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>

#include "check-rules.h"
#include "check.h"

#define MICRO_CHECK_TIMINGS 15	/* round trips, each timed beside one exit's charge */

struct micro_check {
	/* the caller's */
	const struct exsc_map *map;
	uint64_t k;
	unsigned int timeout_s;
	char hist_path[PATH_MAX];
	const char *scope_path;		/* kvm's exitscope_scope parameter file */
	bool first_vm;			/* no VM ran on this kernel before the check's */
	/* the check's */
	enum exsc_isa isa;
	struct micro_host host;
	struct micro_check_plan plan;
	struct check_window window;
	struct micro_view hist_anchor, hist_before, hist_after;
	bool vm_scoped;			/* the counters are one VM's (exitscope_scope=vm) */
	struct check_caused caused[CHECK_MAX_REASONS];
	struct check_input in;
	struct check_report report;
	uint64_t cpuids;		/* CPUIDs the guest served the grader */
	double seconds;
	const char *failed;
};

/*
 * Runs the check into c->report.  0, or a negative errno: -ENODEV when the
 * CPU vendor names no ISA KVM runs, -ETIMEDOUT or -EFAULT when the guest
 * stopped serving, or the errno of the step c->failed names.
 */
int micro_check_run(struct micro_check *c);

/* The grader's document (check-output.h) with k, actions, cpuids, release and seconds. */
json_t *micro_check_doc(const struct micro_check *c);

#endif
