/* SPDX-License-Identifier: GPL-2.0 */
/* The documents exitprobe prints: a snapshot, and a workload's window. */
#ifndef EXITSCOPE_PROBE_DOCUMENT_H
#define EXITSCOPE_PROBE_DOCUMENT_H

#include "workloads.h"

json_t *probe_snapshot_doc(probe_cpuid_fn cpuid, const struct exsc_info *info);

/*
 * Snapshot, @ctx's workload run (with a sampling thread every @sample_ms ms,
 * when not 0), snapshot.  @ctx has been set up.  0 with the document in
 * *@doc, or the workload's -errno.
 */
int probe_run_doc(probe_cpuid_fn cpuid, const struct exsc_info *info, struct workload_ctx *ctx,
		  unsigned long sample_ms, json_t **doc);

/* False when a check inside the document failed: cpuid_exact, the io read-back. */
bool probe_run_passed(json_t *doc);

#endif
