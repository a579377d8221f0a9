/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro cost: what one exit costs KVM, as the guest's clock sees it.
 * One micro VM executes N CPUIDs between two TSC reads, in W windows per
 * mode, with nothing watching (plain), with the kvm_exit tracepoint
 * recording into the ring buffer (event), and with a histogram trigger on
 * it (hist) - the ways a tracer counts exits, beside the counters a patched
 * kernel adds on every exit anyway.  Any KVM: a stock kernel too, which is
 * the baseline.  Under Bochs the TSC counts instructions, so the figures
 * are deterministic; under TCG they follow the host's clock.
 *
 * cost.c is the pure half (modes, summaries, the document), unit-tested;
 * cost-run.c drives /dev/kvm and tracefs.  Nothing here prints.
 */
#ifndef EXITSCOPE_MICRO_COST_H
#define EXITSCOPE_MICRO_COST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "exitscope/abi.h"

#define MICRO_COST_SCHEMA	"exitscope/cost/v1"
#define MICRO_COST_WINDOWS_MAX	100u
#define MICRO_COST_N_MAX	100000000u

enum micro_cost_mode {
	MICRO_COST_PLAIN,	/* no tracing */
	MICRO_COST_EVENT,	/* kvm_exit enabled into the ring buffer */
	MICRO_COST_HIST,	/* a hist trigger on kvm_exit, keyed by exit reason */
	MICRO_COST_MODES
};

const char *micro_cost_mode_name(enum micro_cost_mode mode);

struct micro_cost {
	/* in */
	uint64_t n;			/* CPUIDs per window */
	unsigned int windows;		/* windows per mode */
	unsigned int timeout_s;		/* per window */
	const char *tracefs;		/* where tracefs is mounted */
	/* out */
	bool exitscope;			/* the discovery leaf answered: a patched kernel */
	enum exsc_isa isa;		/* from the discovery leaf, else from /proc/cpuinfo */
	char release[65];		/* uname -r of L1 */
	/* TSC ticks of each window, [mode][window] */
	uint64_t ticks[MICRO_COST_MODES][MICRO_COST_WINDOWS_MAX];
	char enable_path[320];		/* tracefs's kvm_exit enable file */
	char trigger_path[320];		/* ... and its trigger file */
	const char *failed;		/* what an error was about: may point into this struct */
};

/* The median of @nr values (the lower middle one when @nr is even); 0 when @nr is 0. */
uint64_t micro_cost_median(const uint64_t *values, unsigned int nr);

/*
 * The one document `exitmicro cost` prints:
 *   {schema, n, windows, clock, exitscope, isa, release,
 *    modes: {plain|event|hist: {ticks: [W], per_exit: {median, min, max}}}}
 * per_exit is ticks / n.  NULL when out of memory or a figure is beyond
 * INT64_MAX; the caller owns it.
 */
json_t *micro_cost_doc(const struct micro_cost *c);

/*
 * The VM half (cost-run.c): one VM, discovery (which may find no exitscope
 * kernel), warm-up, then for each mode its tracing set up, @c->windows
 * windows of @c->n CPUIDs, its tracing taken down again.  0, or -errno of
 * the step @c->failed names; no tracing of ours is left on either way.
 */
int micro_cost_run(struct micro_cost *c);

#endif
