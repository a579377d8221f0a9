/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From what a run left in its directory to one result document: the patch's
 * debugfs counters L1 read before and after L2, the kvm_exit histogram over
 * the same window, and the probe's framed JSON from L2.  Pure functions of
 * text, so every parser and the oracle are unit-tested on recorded output.
 */
#ifndef EXITSCOPE_ASSEMBLE_H
#define EXITSCOPE_ASSEMBLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "exitscope/reasons.h"
#include "window.h"

/* /sys/kernel/debug/kvm/exitscope as L1's agent saved it; -ENODEV for "unpatched". */
int counters_parse(const char *text, struct exit_table *t);

/*
 * The names in that same file, the kernel's own: every reason it defines.
 * -ENODEV for "unpatched", -EINVAL for a line that is not one of its lines.
 */
int counters_names(const char *text, struct reason_names *names);

/*
 * Renames each {reason, name} object of the array @entries (a window's
 * by_reason, the oracle's mismatches) to @names' name for its reason, where
 * @names has one: the kernel's names over the build host's.
 */
void names_apply(json_t *entries, const struct reason_names *names);

/* A kvm_exit "hist:keys=exit_reason" file; @dropped gets its Dropped: count. */
int hist_parse(const char *text, struct exit_table *t, uint64_t *dropped);

/*
 * How often the guest shut down in @hist's window: SVM's SHUTDOWN exit or
 * VMX's triple fault, what a guest's triple fault looks like to L1's KVM.
 */
uint64_t hist_shutdowns(const struct exit_table *hist, enum exsc_isa isa);

/*
 * The probe's port output: *@doc the JSON between EXITSCOPE-BEGIN and
 * EXITSCOPE-END (NULL when the probe wrote none), *@rc its exit status from
 * the EXITSCOPE-PROBE-RC line.  -ENOMSG when there is no status line: L2
 * never got as far as running the probe.
 */
int probe_output_parse(const char *text, json_t **doc, int *rc);

/*
 * Scenario @name's part of a shared boot's port output: from its
 * "EXITSCOPE-SCENARIO NAME" line to the next such line or the end, as a new
 * string in *@section (the caller frees it).  -ENOENT when L2 never got to
 * it, -ENOMEM.
 */
int probe_output_section(const char *text, const char *name, char **section);

/*
 * The oracle: @counters (a delta window from window_delta_json) against the
 * histogram over the same window.  *@match is false when any reason
 * differs: the tracepoint is an exact oracle on both ISAs in both series
 * (ABI.md, "Where KVM counts").
 */
json_t *oracle_json(enum exsc_isa isa, json_t *counters, const struct exit_table *hist,
		    bool *match);

#endif
