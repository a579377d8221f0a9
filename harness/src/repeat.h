/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A repeated run's windows (exitscope run --repeat N): each reason's median,
 * min and max over the windows, and the median window that becomes the
 * result's "exits".  One computation for the writer (run-assemble.c) and the
 * validator (result-repeat.c), so a result's spread is exactly what its
 * windows say.  Pure: nothing here prints; what it allocates the caller
 * frees with repeat_summary_free().
 */
#ifndef EXITSCOPE_REPEAT_H
#define EXITSCOPE_REPEAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "result.h"

/* The fewest and most windows a result's "repeat" block holds: one window has no spread. */
#define REPEAT_MIN 2
#define REPEAT_MAX 100

/*
 * The median of @n values (@n at least 1), sorting @v in place: the middle
 * one, or for an even @n the mean of the two middle ones rounded down.
 */
uint64_t repeat_median(uint64_t *v, size_t n);

/* @n windows summed up; rows by reason number, name borrowed from the windows. */
struct repeat_summary {
	struct result_spread total;	/* the windows' totals */
	uint64_t cycles;		/* the median of the totals' cycles */
	size_t nr;
	struct result_spread *rows;	/* each reason any window has; 0 where one lacks it */
	uint64_t *row_cycles;		/* each row's median cycles */
};

/*
 * Each reason's median, min and max count over @n windows (a window without
 * the reason counts 0), their medians of cycles, and the same of totals.
 * -EINVAL for @n outside REPEAT_MIN..REPEAT_MAX, -ENOMEM; 0.
 */
int repeat_summarize(const struct result_window *w, size_t n, struct repeat_summary *out);
void repeat_summary_free(struct repeat_summary *s);

/*
 * The median window {total, cycles, by_reason}: each reason's median count
 * and cycles, rows by reason number, those at a median of 0 left out.
 */
json_t *repeat_exits_json(const struct repeat_summary *s);

/* {total: {median, min, max}, by_reason: [{reason, name, median, min, max}]}. */
json_t *repeat_spread_json(const struct repeat_summary *s);

#endif
