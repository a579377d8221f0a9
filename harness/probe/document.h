/* SPDX-License-Identifier: GPL-2.0 */
/* The documents exitprobe prints: a snapshot, and a workload's window. */
#ifndef EXITSCOPE_PROBE_DOCUMENT_H
#define EXITSCOPE_PROBE_DOCUMENT_H

#include "workloads.h"

json_t *probe_snapshot_doc(probe_cpuid_fn cpuid, const struct exsc_info *info);

/*
 * Snapshot, @ctx's workload run (with a sampling thread every @sample_ms ms,
 * when not 0), snapshot.  @clock_read is called just after the opening
 * snapshot's last CPUID and just before the closing one's first, for the
 * document's "window" (its wall time and TSC delta).  @ctx has been set up.
 * 0 with the document in *@doc, or the workload's -errno.
 */
int probe_run_doc(probe_cpuid_fn cpuid, probe_clock_fn clock_read, const struct exsc_info *info,
		  struct workload_ctx *ctx, unsigned long sample_ms, json_t **doc);

/*
 * probe_run_doc() @repeat times in a row (1 or 0: once), each window measured
 * alike (its own snapshots, clocks and samples).  The document is the first
 * window's, exactly as probe_run_doc() writes it; with @repeat above 1 it
 * also holds "repeat": {n, windows: [{exits, probe_cpuid_exits, figures,
 * cpuid_exact?, window?}]}, every window, the first among them, and its
 * cpuid_exact is true only when every window's is.  Samples are the first
 * window's.
 */
int probe_run_doc_repeat(probe_cpuid_fn cpuid, probe_clock_fn clock_read,
			 const struct exsc_info *info, struct workload_ctx *ctx,
			 unsigned long sample_ms, unsigned long repeat, json_t **doc);

/*
 * The first number of @path, /proc/uptime's format ("12.34 45.67"): L2's
 * uptime in seconds.  0, -errno when it cannot be read, -EINVAL when it
 * does not start with a non-negative number.
 */
int probe_uptime(const char *path, double *seconds);

/* False when a check inside the document failed: cpuid_exact, the io read-back. */
bool probe_run_passed(json_t *doc);

#endif
