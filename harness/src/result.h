/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result files (schema "exitscope/result/v1", results/schema.json): loading
 * one into a small struct, and validating a document before it is written.
 * Helpers here do not print; they leave one line for the command to print.
 */
#ifndef EXITSCOPE_RESULT_H
#define EXITSCOPE_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"

#define RESULT_SCHEMA "exitscope/result/v1"
#define RESULT_SCHEMA_PREFIX "exitscope/result/v"
#define RESULT_SCHEMA_VERSION 1

/* One line, "FILE: problem" for result_load(), "problem" for the others. */
struct result_error {
	char text[512];
};

struct result_reason {
	uint32_t reason;	/* the ISA's own number: VMX basic exit reason, SVM exit code */
	const char *name;
	uint64_t count;
	uint64_t cycles;
};

/* A window of counter deltas: "exits" (the workload), "boot" or "probe_own". */
struct result_window {
	uint64_t total;
	uint64_t cycles;
	size_t nr;
	struct result_reason *by_reason;	/* in file order */
};

/*
 * One action of the micro guest (docs/design.md, "The micro guest"): the
 * exits it caused and what the three readers counted of its reason, each
 * with the micro guest's own exits taken out, so a broken kernel's count
 * can be negative.  exact is caused == cpuid == debugfs == traced.
 */
struct result_micro_reason {
	const char *action;	/* "cpuid", "pio-in", ...: unique in a result */
	uint32_t reason;	/* two actions may share one (pio-in, pio-out) */
	const char *name;
	uint64_t caused;
	int64_t cpuid, debugfs, traced;
	uint64_t cycles;
	bool exact;
};

/* An action not caused here ("why") or one that failed ("error"). */
struct result_micro_note {
	const char *action;
	const char *text;	/* the why, or the error */
	bool has_reason;	/* unsupported only: the ISA has a reason for it */
	uint32_t reason;
	const char *name;	/* NULL when the entry has none */
};

/* The micro stage's block; the rest only when present. */
struct result_micro {
	bool present;
	uint64_t k;		/* how many times each action was caused */
	bool exact;		/* some reason caused, all exact, no error */
	size_t nr_reasons, nr_exact, nr_unsupported, nr_errors;
	struct result_micro_reason *reasons;	/* in run order */
	struct result_micro_note *unsupported, *errors;
};

/* One reason's count over a repeated run's windows (exitscope run --repeat N). */
struct result_spread {
	uint32_t reason;
	const char *name;
	uint64_t median;	/* the middle window's; of two middle ones, their mean rounded down */
	uint64_t min, max;
};

/*
 * The windows of run --repeat N, each the workload's like "exits" (the
 * probe's own reads apart); "exits" is then their median, reason by reason.
 */
struct result_repeat {
	bool present;		/* absent: one window, as every result before */
	size_t n;		/* windows, REPEAT_MIN to REPEAT_MAX */
	struct result_window *windows;	/* n of them, in the order measured */
	struct result_spread total;	/* the windows' totals */
	size_t nr_spread;
	struct result_spread *spread;	/* each reason some window has, by number */
};

/* An event of the timeline; a clock that did not see it is negative (null in the file). */
struct result_event {
	const char *name;
	double t_s;		/* L0's seconds since QEMU was spawned */
	double l1_uptime_s;	/* L1's uptime on its status line */
	double l2_uptime_s;	/* L2's uptime: probe-start */
};

/* When the run happened, by three clocks (docs/design.md, "The timeline"). */
struct result_timeline {
	bool present;		/* older results have none */
	size_t nr_events;
	struct result_event *events;	/* in order */
	bool window_present;	/* the probe measured its window: not the micro stage, older probes */
	double window_wall_s;	/* the workload window by L2's CLOCK_MONOTONIC */
	uint64_t window_tsc;	/* ... and by L2's TSC */
};

/*
 * Strings and json_t pointers borrow from @doc, which the struct owns: they
 * live until result_free().
 */
struct result {
	json_t *doc;
	const char *path;	/* as given to result_load(), or NULL */
	const char *scenario;
	const char *started_at;
	double duration_s;
	struct {
		const char *id, *release, *source, *patch_sha256, *config_sha256;
		bool stock;
	} kernel;
	struct {
		const char *accel, *cpu_vendor, *qemu_version;
		const char *l0;	/* "built", "fixed", "system"; NULL in an older result or under Bochs */
		int trace;	/* 1: run --trace (L1's ring of KVM events), 0: none, -1: not recorded */
	} host;
	enum exsc_isa isa;	/* l1.isa */
	struct {
		const char *kernel;	/* "trimmed", "debian"; NULL: no l2 block (micro, older results) */
		const char *kernel_id;	/* the trimmed kernel's id; NULL for Debian's */
		const char *shared_boot;	/* the boot it shared with other scenarios ("cpuid+idle"), or NULL */
	} l2;
	struct {
		const char *name;
		json_t *params;	/* an object */
		json_t *figures;	/* an object, or NULL when absent */
	} workload;
	/*
	 * The workload's window: with probe_own_present, the probe's own reads
	 * are apart, in probe_own; without (an older result), they are in it.
	 */
	struct result_window exits;
	struct result_window probe_own;	/* all zero when the result has none */
	bool probe_own_present;
	struct result_window boot;	/* all zero when the result has none */
	bool boot_present;		/* the micro stage has no L2 boot window */
	struct {
		bool match;
		size_t nr_mismatches;
		size_t nr_unexplained;	/* mismatches with "explained": null */
		json_t *mismatches;	/* the array */
	} oracle;
	uint64_t probe_cpuid_exits;
	/*
	 * [{t_ms, total, by_reason?}], or NULL.  total is read as cumulative
	 * exits since the window began (counters are monotonic): the rate
	 * between two samples is their difference over their time apart.
	 */
	json_t *samples;	/* each with "own" has the probe's own reads apart, as exits */
	size_t nr_samples;
	/* A VM ran beside L2 (docs/design.md, "The neighbor"); the rest only then. */
	struct {
		bool present;
		uint64_t cpuid;		/* the neighbor's own VM's CPUID exits */
		uint64_t host_cpuid;	/* the CPUID reason in L1's host view over L2's life */
		uint64_t l2_cpuid;	/* the CPUID reason in L2's window, as in exits */
		bool isolated;
	} neighbor;
	struct result_micro micro;
	struct result_timeline timeline;
	struct result_repeat repeat;
};

/*
 * Checks @doc against schema v1: required keys and no others, types,
 * enums, non-negative counters, the schema string.  0, or with @err set:
 * -EPROTO for a future schema version, -ENOMSG for a document of another
 * kind (no schema, another schema), -EINVAL for an invalid v1 result.
 */
int result_validate(json_t *doc, struct result_error *err);

/*
 * Sets @err to the formatted line, with terminal control characters of the
 * data made harmless, and returns @r: the one way errors are worded here.
 */
int result_fail(struct result_error *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Validates @doc and fills @r; takes a reference to @doc on success. */
int result_parse(json_t *doc, struct result *r, struct result_error *err);

/*
 * Reads and parses @path.  -EBADMSG when it is not JSON (or truncated: @err
 * names line and column), -errno when it cannot be read, else as
 * result_validate().
 */
int result_load(const char *path, struct result *r, struct result_error *err);

void result_free(struct result *r);

/*
 * The *.json names in @dir (a run's results/<kernel-id>/: one scenario per
 * file), sorted; how many, or -errno.  Free with result_free_names().
 */
int result_list_dir(const char *dir, char ***names);
void result_free_names(char **names, int n);

/* What to call @r in a message: its file, else its scenario. */
static inline const char *result_label(const struct result *r)
{
	return r->path ? r->path : r->scenario;
}

/* What a result's "exits" holds, for readers to say which window they show. */
enum result_exits_kind {
	RESULT_EXITS_WORKLOAD,	/* the probe's window, its own reads apart in probe_own */
	RESULT_EXITS_RAW,	/* an older result's probe window: the probe's own reads in it */
	RESULT_EXITS_HISTOGRAM,	/* a stock kernel's: the kvm_exit histogram over L2's life */
	RESULT_EXITS_MICRO,	/* the micro stage's windows: no probe */
};

enum result_exits_kind result_exits_kind(const struct result *r);

/*
 * @reason's spread in @r's repeat block: NULL without one; a reason no window
 * has is {0, 0, 0} in @zero, which is returned.
 */
const struct result_spread *result_spread_find(const struct result *r, uint32_t reason,
					       struct result_spread *zero);

/* The reason's row in @w, or NULL when the window has none. */
const struct result_reason *result_window_find(const struct result_window *w, uint32_t reason);

/* "0x72" under SVM (the APM writes exit codes in hex), "10" under VMX. */
void result_reason_label(enum exsc_isa isa, uint32_t reason, char *buf, size_t size);

#endif
