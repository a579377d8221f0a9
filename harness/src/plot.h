/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Charts of results, drawn by gnuplot (Debian's gnuplot-nox): exits and
 * cycles of the top reasons as clustered bars, one cluster per reason and
 * one bar per result, and exits per second over time for results that
 * carry samples.  exitscope writes the data files and the script; gnuplot
 * draws the SVG.
 */
#ifndef EXITSCOPE_PLOT_H
#define EXITSCOPE_PLOT_H

#include <stddef.h>

#include "output.h"
#include "result.h"

#define PLOT_DEFAULT_TOP 10

/* --top N of plot and report: 1 to the most reason slots an ISA has (SVM's 261). */
#define PLOT_MAX_TOP 261
#define PLOT_PACKAGE "gnuplot-nox"

struct plot_opts {
	size_t top;		/* reasons to draw, by their largest count in any result */
	const char *svg;	/* where the chart goes (output.h's rule) */
	const struct output_inputs *inputs;	/* what svg may not replace; NULL: none */
};

/*
 * Exits per second between consecutive samples of @r, at the end of each
 * interval: @t_s and @rate have room for r->nr_samples entries.  Returns
 * how many intervals, or -EINVAL when the samples are not cumulative
 * (a time that does not increase or a total that falls), with @why set.
 */
int plot_sample_rates(const struct result *r, double *t_s, double *rate, char *why, size_t size);

/*
 * Writes reasons.dat, samples-N.dat and chart.gp into @dir; the script
 * writes chart.svg there.  -EINVAL with @why when the results cannot share a
 * chart (different ISAs), -errno when a file cannot be written.
 */
int plot_write(const struct result *results, size_t nr, const struct plot_opts *opts,
	       const char *dir, char *why, size_t size);

/*
 * The whole job: a temporary directory, plot_write(), gnuplot, and the SVG
 * written to opts->svg by output_write().  The temporary directory is gone
 * on return, whatever happened.  -ENOENT when gnuplot is not installed,
 * -EPROTO when it failed (@why has its last line); otherwise 0 or -errno
 * with @why set.
 */
int plot_chart(const struct result *results, size_t nr, const struct plot_opts *opts,
	       char *why, size_t size);

#endif
