// SPDX-License-Identifier: GPL-2.0
/* exitscope plot: results as an SVG chart, drawn by gnuplot. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "opts.h"
#include "plot.h"
#include "result.h"

static const struct opt plot_table[] = {
	{ "output", 'o', OPT_STRING, offsetof(struct plot_opts, svg), "CHART.svg",
	  "the chart: a new name, or a regular file that is none of the results", 0, 0, NULL },
	{ "top", 0, OPT_SIZE, offsetof(struct plot_opts, top), "N",
	  "the N reasons with the most exits in any result (1 to 261)", 1, PLOT_MAX_TOP, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void plot_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope plot RESULT.json... -o CHART.svg [--top N]\n\n"
		"Draws, with gnuplot (apt-get install %s), the N reasons with the most exits\n"
		"(default %d) in the workload window (the probe's own reads apart; an older\n"
		"result's include them) as bars, one bar per result: exits, and TSC cycles from\n"
		"exit to entry, both on a log scale (cycles only when a result has them: a stock\n"
		"kernel's counts exits only).  For results with samples, a third chart shows exits\n"
		"per second over the workload, to see whether exits come at a steady rate.  The\n"
		"results must share an ISA.  CHART.svg is written beside and renamed, so a\n"
		"failure leaves the old file as it was; a link, a device, a directory or an\n"
		"input is refused.\n\n"
		"options:\n", PLOT_PACKAGE, PLOT_DEFAULT_TOP);
	opts_usage(out, plot_table);
	fprintf(out, "\nExit 0, 2 on bad input, 3 when gnuplot is missing or fails or the chart\n"
		     "cannot be written.\n");
}

/* The number of results (argv[1]...), or -1 after one line. */
static int plot_parse_args(int argc, char **argv, struct plot_opts *opts)
{
	int n = opts_parse("plot", plot_table, argc, argv, opts);

	if (n < 0)
		return -1;
	if (!opts->svg || n == 0) {
		fprintf(stderr, "exitscope: plot: needs RESULT.json... and -o CHART.svg\n");
		return -1;
	}
	return n;
}

static void plot_free_results(struct result *results, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		result_free(&results[i]);
	free(results);
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts opts = { .top = PLOT_DEFAULT_TOP };
	int n = plot_parse_args(argc, argv, &opts), r;
	struct output_inputs inputs;
	struct result_error err;
	struct result *results;
	size_t nr = 0;

	if (n < 0)
		return EXIT_USAGE;
	inputs = (struct output_inputs){ (const char *const *)argv + 1, (size_t)n };
	opts.inputs = &inputs;
	if (output_check(opts.svg, &inputs, err.text, sizeof(err.text))) {
		fprintf(stderr, "exitscope: plot: %s\n", err.text);
		return EXIT_USAGE;
	}
	results = calloc((size_t)n, sizeof(*results));
	if (!results)
		return EXIT_ENVIRONMENT;
	for (int i = 1; i <= n; i++, nr++) {
		if (result_load(argv[i], &results[nr], &err)) {
			fprintf(stderr, "exitscope: plot: %s\n", err.text);
			plot_free_results(results, nr);
			return EXIT_USAGE;
		}
	}
	r = plot_chart(results, nr, &opts, err.text, sizeof(err.text));
	plot_free_results(results, nr);
	if (r) {
		fprintf(stderr, "exitscope: plot: %s\n", err.text);
		return r == -EINVAL ? EXIT_USAGE : EXIT_ENVIRONMENT;
	}
	printf("wrote %s\n", opts.svg);
	return 0;
}
