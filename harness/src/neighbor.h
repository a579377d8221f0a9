/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neighbor: a second VM (exitmicro spin) that L1's agent runs beside L2,
 * and the result's "neighbor" object, which says whether each VM's view held
 * its own exits and no other VM's (docs/design.md, "The neighbor").  Pure
 * functions of text, tables and the probe's figures: nothing here prints,
 * and a json_t * returned is a new reference the caller owns.
 */
#ifndef EXITSCOPE_NEIGHBOR_H
#define EXITSCOPE_NEIGHBOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "window.h"

/* out/neighbor.json, exitmicro spin's document. */
struct neighbor_doc {
	uint64_t cpuid;		/* CPUID exits its own VM's debugfs file counted */
	uint64_t batches;
	uint64_t batches_cpuid;	/* CPUIDs its batches executed */
	uint64_t own_cpuid;	/* its guest's other CPUIDs */
	uint64_t lost;		/* VMs the emulator lost on the way, each replaced */
	uint64_t lost_cpuid_max;	/* the most CPUIDs their unfinished batches executed */
	double seconds;
	char vm[32];		/* "<pid>-<fd>" */
};

/*
 * @text into @n, strictly: every key, no other, counters as non-negative
 * integers.  0, or -EINVAL with @err naming what is wrong.
 */
int neighbor_parse(const char *text, struct neighbor_doc *n, char *err, size_t errsize);

/* What the other views saw while the neighbor ran. */
struct neighbor_views {
	uint64_t host_cpuid;	/* the CPUID reason in L1's host view, counters-after - before */
	/*
	 * The CPUID reason in L2's workload window (its own VM's view): the
	 * probe's window less the probe's own reads, as the result's "exits".
	 */
	uint64_t l2_cpuid;
	uint64_t l2_probe_cpuid;	/* the probe's own reads, apart from l2_cpuid */
	bool l2_window_whole;	/* the probe's window held all of its own reads */
	bool l2_vm_scope;	/* L2's probe read its own VM's scope, and every check passed */
	bool l2_caused_known;	/* the workload said how many CPUIDs it executed ... */
	uint64_t l2_caused;	/* ... and this is how many */
};

/*
 * The views of @isa's CPUID reason from L1's counters @before and @after,
 * L2's probe window @l2_exits (the probe's own reads in it), and its probe's
 * @workload ({name, params, figures}) and @probe_cpuid_exits.
 */
void neighbor_views_read(enum exsc_isa isa, const struct exit_table *before,
			 const struct exit_table *after, const struct exit_table *l2_exits,
			 json_t *workload, uint64_t probe_cpuid_exits, struct neighbor_views *v);

/*
 * Isolated: L2 read its own VM's scope and its workload window holds
 * exactly the CPUIDs its workload caused (its probe window exactly those
 * and the probe's own reads); the neighbor's own files hold the CPUIDs its
 * guests executed (some), exactly but for what a lost VM's unfinished batch
 * may have added; the host view holds both VMs' CPUIDs, the probe's reads
 * among them.
 */
bool neighbor_isolated(const struct neighbor_doc *n, const struct neighbor_views *v);

/* The result's {cpuid, host_cpuid, l2_cpuid, isolated}; NULL when out of memory or beyond INT64_MAX. */
json_t *neighbor_json(const struct neighbor_doc *n, const struct neighbor_views *v);

#endif
