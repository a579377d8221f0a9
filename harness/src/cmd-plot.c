// SPDX-License-Identifier: GPL-2.0
/* exitscope plot: results as an SVG chart, drawn by gnuplot. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "plot.h"
#include "result.h"

void plot_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope plot RESULT.json... -o CHART.svg [--top N]\n\n"
		"Draws, with gnuplot (apt-get install %s), the N reasons with the most exits\n"
		"(default %d) as bars, one bar per result: exits, and TSC cycles from exit to\n"
		"entry, both on a log scale.  For results with samples, a third chart shows\n"
		"exits per second over the workload, to see whether exits come at a steady rate.\n"
		"The results must share an ISA.  CHART.svg is a new name or a regular file that\n"
		"is none of the results (never a link, a device or a directory); it is written\n"
		"beside and renamed, so a failure leaves the old file as it was.\n"
		"Exit 0, 2 on bad input, 3 when gnuplot is missing or fails or the chart cannot\n"
		"be written.\n", PLOT_PACKAGE, PLOT_DEFAULT_TOP);
}

static int plot_parse_args(int argc, char **argv, struct plot_opts *opts)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
		if (opt == 'o') {
			opts->svg = optarg;
		} else if (opt == 't') {
			if (plot_parse_top("plot", optarg, &opts->top) < 0)
				return -1;
		} else {
			fprintf(stderr, "exitscope: plot: bad option '%s'; see 'exitscope help plot'\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (!opts->svg || optind == argc) {
		fprintf(stderr, "exitscope: plot: needs RESULT.json... and -o CHART.svg\n");
		return -1;
	}
	return optind;
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
	int first = plot_parse_args(argc, argv, &opts), r;
	struct output_inputs inputs;
	struct result_error err;
	struct result *results;
	size_t nr = 0;

	if (first < 0)
		return EXIT_USAGE;
	inputs = (struct output_inputs){ (const char *const *)argv + first, (size_t)(argc - first) };
	opts.inputs = &inputs;
	if (output_check(opts.svg, &inputs, err.text, sizeof(err.text))) {
		fprintf(stderr, "exitscope: plot: %s\n", err.text);
		return EXIT_USAGE;
	}
	results = calloc((size_t)(argc - first), sizeof(*results));
	if (!results)
		return EXIT_ENVIRONMENT;
	for (int i = first; i < argc; i++, nr++) {
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
