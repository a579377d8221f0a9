/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe's document (schema exitscope/probe/v1): the one strict validator,
 * in both binaries.  exitprobe checks every document before it writes it, and
 * the driver checks what it reads back from L2's status channel, so a
 * document one of them accepts the other does too.  Two kinds:
 *
 *   snapshot  {schema, abi_version, abi_map?, l1: {isa}, counters: W, L2?}
 *   run       {schema, abi_version, abi_map?, l1: {isa}, before: W, exits: W,
 *              workload: {name, params: {}, figures: {}}, probe_cpuid_exits,
 *              cpuid_exact?, sample_ms?, samples?, samples_dropped?,
 *              window?: {wall_ns, tsc}, L2?, repeat?}
 *
 * L2? are L2's own clocks, each optional (older probes lack them), all in
 * seconds of L2's uptime: l2_uptime_s when the probe started,
 * l2_uptime_end_s when it finished its document, l2_userspace_s when L2's
 * kernel ran init, and cloud_init: [{stage, start_s, end_s?}], the stages
 * cloud-init had started, in the order it runs them, end_s absent while one
 * still ran.
 *
 * W is a window (window.h).  "counters" and "before" hold absolute counters,
 * the probe's first read; "exits" the window over the workload as deltas,
 * the probe's own reads (probe_cpuid_exits) among them.  samples
 * is [{t_ms, total, own?, by_reason: {name: count}}], sample_ms comes with
 * it; own (optional) is how many of total are the probe's own CPUID exits.
 * window (optional, absent from older probes) is the workload window's
 * length by L2's CLOCK_MONOTONIC and its TSC delta.  repeat (run --repeat N, N above 1) is
 * {n, windows: [{exits: W, probe_cpuid_exits, figures, cpuid_exact?,
 * window?}]}: every window measured, n of them, the first exactly the
 * document's own; then cpuid_exact is true only when each window's is.
 *
 * Helpers here do not print: probe_doc_parse() leaves one line in @err that
 * names the key at fault, for the caller to print.
 */
#ifndef EXITSCOPE_PROBE_DOC_H
#define EXITSCOPE_PROBE_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "exitscope/maps.h"
#include "window.h"

#define PROBE_DOC_SCHEMA "exitscope/probe/v1"

/* cloud-init's stages, the keys of its status.json's "v1", in the order it runs them. */
#define PROBE_DOC_STAGES 5
extern const char *const probe_doc_stages[PROBE_DOC_STAGES];

/* The most windows a run --repeat measures (exitprobe's CLI_REPEAT_MAX). */
#define PROBE_DOC_REPEAT_MAX 100

enum probe_doc_kind {
	PROBE_DOC_SNAPSHOT,
	PROBE_DOC_RUN,
};

/* One of cloud-init's stages by L2's uptime; end_s is negative while it ran. */
struct probe_doc_stage {
	const char *stage;
	double start_s, end_s;
};

/*
 * A parsed document.  Its json_t pointers and strings are borrowed from the
 * document: they live as long as the caller's reference to it.  About 25
 * KiB (two exit tables): keep it off small thread stacks.
 */
struct probe_doc {
	enum probe_doc_kind kind;
	json_t *doc;			/* the document itself */
	uint32_t abi_version;
	enum exsc_isa isa;		/* l1.isa: vmx or svm */
	enum exsc_scope scope;		/* l1.scope; ABI 1 and maps a, b, c: the host's */
	const struct exsc_map *map;	/* abi_map: NULL for exitscope's, else a, b or c */
	struct exit_table first;	/* absolute: a run's "before", a snapshot's "counters" */
	struct exit_table exits;	/* a run's workload window; empty for a snapshot */
	json_t *workload;		/* {name, params, figures}; NULL for a snapshot */
	const char *workload_name;	/* workload.name; NULL for a snapshot */
	uint64_t probe_cpuid_exits;	/* the probe's own CPUID exits inside "exits" */
	bool has_cpuid_exact;		/* the cpuid workload's exactness check was made ... */
	bool cpuid_exact;		/* ... and this is its verdict */
	json_t *samples;		/* run --samples: the array; NULL without */
	uint64_t sample_ms;		/* with samples: their interval, else 0 */
	uint64_t samples_dropped;	/* samples not taken once the limit was reached */
	bool has_window;		/* a run's "window", which older probes lack: */
	uint64_t window_wall_ns;	/* ... its length by L2's CLOCK_MONOTONIC */
	uint64_t window_tsc;		/* ... and by L2's TSC (virtual under nesting) */
	bool has_l2_uptime;		/* "l2_uptime_s", which older probes lack: */
	double l2_uptime_s;		/* ... L2's uptime when the probe started */
	bool has_l2_uptime_end;		/* "l2_uptime_end_s", which older probes lack: */
	double l2_uptime_end_s;		/* ... L2's uptime when it finished its document */
	bool has_l2_userspace;		/* "l2_userspace_s", which older probes lack: */
	double l2_userspace_s;		/* ... L2's uptime when its kernel ran init */
	size_t nr_stages;		/* "cloud_init"'s stages; 0 without it */
	struct probe_doc_stage stages[PROBE_DOC_STAGES];
	uint64_t repeat_n;		/* run --repeat's windows; 0 without "repeat" */
	json_t *repeat_windows;		/* ... the array of them, the first the document's */
};

/*
 * Validates @doc and fills @d.  0; -ENOMSG for a document of another kind
 * (not an object, no schema, another schema); -EINVAL for an invalid probe
 * document: a missing or unknown key, a wrong type, a negative counter, a
 * reason named otherwise than l1.isa names it, L2's clocks out of order
 * (init run after the probe, its end before its start, cloud-init's stages out
 * of cloud-init's order or ending before they start); -E2BIG for a window with more
 * than EXIT_TABLE_MAX reasons.  After an error @d is partly filled: do not
 * use it.
 */
int probe_doc_parse(json_t *doc, struct probe_doc *d, char *err, size_t errsize);

#endif
