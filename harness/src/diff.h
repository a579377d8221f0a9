/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arithmetic of `exitscope diff`, with no I/O: per-reason deltas and
 * ratios, the threshold verdict, provenance differences, and the pairing of
 * two directories' files by scenario.
 */
#ifndef EXITSCOPE_DIFF_H
#define EXITSCOPE_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

#define DIFF_DEFAULT_THRESHOLD_PCT 10.0
#define DIFF_DEFAULT_MIN_COUNT 100

struct diff_opts {
	double threshold_pct;	/* a count moved when |B - A| is more than this % of A */
	uint64_t min_count;	/* a reason below this on both sides is noise: no verdict */
};

enum diff_presence {
	DIFF_IN_BOTH,
	DIFF_ONLY_A,
	DIFF_ONLY_B,
};

struct diff_row {
	uint32_t reason;
	const char *name;	/* borrowed from the results */
	enum diff_presence presence;
	uint64_t a, b;		/* counts, 0 on the side without the reason */
	uint64_t cycles_a, cycles_b;
	int64_t delta;		/* b - a: both are at most INT64_MAX, so it fits */
	double ratio;		/* b / a; NAN when a is 0 */
	double change_pct;	/* |b - a| / a * 100; INFINITY when only b is non-zero */
	bool ignored;		/* both counts below min_count */
	bool moved;		/* not ignored, change_pct > threshold, and not within_noise */
	/*
	 * With a side's repeat windows (run --repeat N), its count is their
	 * median and [min, max] their range; a side without has the range of its
	 * one count.  Set by diff_spread_apply() only.
	 */
	bool spread_a, spread_b;	/* that side has windows' spread */
	uint64_t min_a, max_a, min_b, max_b;
	bool within_noise;	/* over the threshold, but not outside both sides' ranges */
};

struct diff_window {
	struct diff_row *rows;	/* the union of both sides' reasons, by reason number */
	size_t nr;
	struct diff_row total;	/* the windows' totals, judged like a reason */
	size_t nr_moved;	/* rows with moved set, the total not included */
	bool moved;		/* any row or the total moved: exit 1 */
};

/* Fills the derived fields of a row whose a, b and cycles are set. */
void diff_row_compute(struct diff_row *row, const struct diff_opts *opts);

/* -ENOMEM, else 0. */
int diff_windows(const struct result_window *a, const struct result_window *b,
		 const struct diff_opts *opts, struct diff_window *out);
void diff_window_free(struct diff_window *d);

/*
 * When @a or @b carries repeat windows, holds @d's rows and total to their
 * spread: a row moves only when B's count lies outside A's [min, max] and
 * A's outside B's, else it is within noise (and not moved); nr_moved and
 * moved are counted again.  Without a spread on either side @d is left as
 * diff_windows() made it.  Returns whether a side had a spread.
 */
bool diff_spread_apply(struct diff_window *d, const struct result *a, const struct result *b);

/* A provenance field whose values differ; the strings are owned. */
struct diff_field {
	const char *field;	/* "kernel.release", "workload.params", ... */
	char *a, *b;
};

#define DIFF_MAX_FIELDS 24

struct diff_provenance {
	struct diff_field fields[DIFF_MAX_FIELDS];
	size_t nr;
};

/* The provenance fields in which @a and @b differ; -ENOMEM. */
int diff_provenance(const struct result *a, const struct result *b, struct diff_provenance *out);
void diff_provenance_free(struct diff_provenance *p);

/*
 * Whether counts of @a and @b can be compared at all: false, with @why, for
 * different ISAs (a reason number means another exit) or different workloads
 * (name or parameters: the counts measure different work).
 */
bool diff_comparable(const struct result *a, const struct result *b, char *why, size_t size);

/* One row of two directories' pairing; a side without the file is NULL. */
struct diff_pair {
	const char *a, *b;
};

/*
 * Pairs equal names of @a and @b (in any order) into @pairs, which has room
 * for na + nb, sorted by name; returns how many pairs it wrote, or -ENOMEM.
 */
int diff_pair_names(const char *const *a, size_t na, const char *const *b, size_t nb,
		    struct diff_pair *pairs);

/* The worse of two exit codes of diff: 2 (bad input) > 1 (moved) > 0. */
int diff_worst(int x, int y);

#endif
