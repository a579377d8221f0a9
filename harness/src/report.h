/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `exitscope report`: what a folder of results says, as Markdown.  The
 * facts of one result are computed here without I/O, so they can be tested;
 * the markdown is written to any stream.
 */
#ifndef EXITSCOPE_REPORT_H
#define EXITSCOPE_REPORT_H

#include <stdio.h>

#include "result.h"

#define REPORT_MAX_LEAST 4

/* Where the length of the workload window came from, best first. */
enum report_window {
	REPORT_WINDOW_WALL,	/* timeline.window.wall_s: the window's own length, by L2's clock */
	REPORT_WINDOW_SAMPLES,	/* the span of the samples: measured, within the window */
	REPORT_WINDOW_FIGURES,	/* workload.figures.seconds: what the workload was asked for */
	REPORT_WINDOW_RUN,	/* duration_s: the whole run, boot included */
};

struct report_facts {
	uint64_t total;
	double seconds;
	enum report_window window;
	double per_second;
	const struct result_reason *most;	/* NULL when nothing exited */
	const struct result_reason *least[REPORT_MAX_LEAST];	/* the non-zero minimum, ties */
	size_t nr_least;
	size_t nr_least_ties;	/* how many share it, listed or not */
	size_t nr_defined;	/* reasons the ISA's table defines */
	size_t nr_defined_zero;	/* of those, without a single exit */
	size_t nr_undefined_seen;	/* non-zero reasons outside the table */
	size_t nr_intervals;	/* sample intervals, 0 without samples */
	double rate_min, rate_mean, rate_max;
};

/* -ENOMEM, -EINVAL for samples that are not cumulative (@why set), else 0. */
int report_facts(const struct result *r, struct report_facts *f, char *why, size_t size);

/* One result of a report: what the report_write_*() print of it. */
struct report_entry {
	const struct result *result;
	const struct report_facts *facts;
	const char *name;		/* its file's name without .json: heading and anchor */
	const char *chart;		/* the link to its SVG, or NULL */
	const char *chart_missing;	/* why its chart was not drawn, or NULL */
};

/* One result's section. */
void report_write_scenario(FILE *out, const struct report_entry *e);

/* The table of all results, one row each. */
void report_write_summary(FILE *out, const struct report_entry *entries, size_t nr);

/* The anchor a Markdown renderer makes of the heading @name: "cpuid-rerun". */
void report_anchor(const char *name, char *anchor, size_t size);

#endif
