/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One exitmicro run: its options, what the first VM discovered (ISA, host
 * facts), the views read around each window, and the document the results
 * go into.  Nothing here prints: results and per-action errors go into the
 * document, and an error that stops the run is returned, with run->failed
 * naming what it was about.
 */
#ifndef EXITSCOPE_MICRO_MEASURE_H
#define EXITSCOPE_MICRO_MEASURE_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>

#include "actions.h"
#include "views.h"

struct micro_run {
	uint64_t k;
	unsigned int timeout_s;
	const char *counters_path;
	char trigger_path[PATH_MAX];
	char hist_path[PATH_MAX];
	struct exsc_info info;		/* isa is EXSC_ISA_NONE until the first discovery */
	struct micro_host host;
	json_t *doc;			/* created at the first discovery; the caller frees it */
	struct micro_views snap[3];	/* before the first entry, at READY, at DONE */
	const char *failed;		/* what an error that stopped the run was about */
};

/*
 * @a in a fresh VM, its result (or why it is unsupported, or its error) in
 * run->doc.  <0 only for what stops the whole run: -ENODEV when the KVM is
 * not an exitscope kernel, -EPROTO when a VM reported another ISA, or the
 * errno of the step run->failed names.
 */
int micro_run_action(struct micro_run *run, const struct micro_action *a);

/* CLOCK_MONOTONIC in seconds. */
double micro_now(void);

#endif
