/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The micro guest's one JSON document per run (schema exitscope/micro/v1):
 *   { schema, isa, abi_version, k, kernel, seconds, exact,
 *     reasons: [{action, reason, name, caused, cpuid, debugfs, traced, cycles, exact,
 *                own_exits: {cpuid, window}, guest_faults, seconds, window_others}],
 *     unsupported: [{action, reason?, name?, why}],
 *     errors: [{action, error}] }
 * cpuid/debugfs/traced are the counts with the guest's own exits taken out,
 * so an exact reason reads caused == cpuid == debugfs == traced.  cycles is
 * the reason's debugfs cycles over the window debugfs counts (READY to
 * DONE), the guest's own exits (own_exits.window) included.  The kernel
 * charges an exit's cycles at the next entry, so for port I/O the window
 * holds the READY exit's cycles (the host's reads of the views among them)
 * and not DONE's.  Nothing here prints; documents belong to the caller
 * (json_decref).
 */
#ifndef EXITSCOPE_MICRO_DOCUMENT_H
#define EXITSCOPE_MICRO_DOCUMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "account.h"
#include "exitscope/abi.h"

#define MICRO_SCHEMA "exitscope/micro/v1"

struct micro_result {
	const char *action;
	uint32_t reason;
	uint64_t caused;
	struct micro_verdict verdict;
	uint64_t guest_faults;		/* exceptions injected in the window (e.g. #UD after VMXON) */
	double seconds;			/* the window's wall time */
};

json_t *micro_doc_new(const struct exsc_info *info, uint64_t k, const char *release);

/* @others: {reason name: count} of other reasons in the window, or NULL; stolen. */
int micro_doc_add_result(json_t *doc, const struct micro_result *r, json_t *others);

/* @reason < 0 when the action has no reason on this ISA. */
int micro_doc_add_unsupported(json_t *doc, const char *action, int64_t reason, const char *why);

int micro_doc_add_error(json_t *doc, const char *action, const char *error);

/* Sets "exact" and "seconds"; true when some reason was caused, all exact, and no error. */
bool micro_doc_finish(json_t *doc, double seconds);

#endif
