// SPDX-License-Identifier: GPL-2.0
/* exitscope report: a folder of results as Markdown, with a chart per scenario. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "util.h"

struct report_cmd {
	const char *dir;
	const char *out;	/* the Markdown file */
	bool no_charts;		/* --no-charts */
	bool charts;
	size_t top;
	char chart_prefix[PATH_MAX + 1];	/* how the report links DIR: "" when it sits in DIR */
};

/* What the folder held: the results read, and one line per file that was not. */
struct report_input {
	char **paths;		/* every *.json of the folder, read or not: the inputs */
	size_t nr_paths;
	char (*charts)[PATH_MAX];	/* per result: its chart */
	struct result *results;
	struct report_facts *facts;
	size_t nr;
	char **errors;
	size_t nr_errors;
};

static const struct opt report_table[] = {
	{ "output", 'o', OPT_STRING, offsetof(struct report_cmd, out), "REPORT.md",
	  "the report: a new name, or a regular file that is none of the results", 0, 0, NULL },
	{ "top", 0, OPT_SIZE, offsetof(struct report_cmd, top), "N",
	  "the N reasons with the most exits in each chart (1 to 261)", 1, PLOT_MAX_TOP, NULL },
	{ "no-charts", 0, OPT_FLAG, offsetof(struct report_cmd, no_charts), NULL,
	  "no charts, no gnuplot", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void report_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope report DIR -o REPORT.md [--top N] [--no-charts]\n\n"
		"For each result in DIR (results/<kernel-id>/): the exits of the workload window,\n"
		"exits per second, the most and the least frequent reasons, how many reasons the\n"
		"ISA defines that stayed at zero, the rate between samples when there are any,\n"
		"and the oracle's verdict; a summary table first.  Unless --no-charts, it writes\n"
		"DIR/<scenario>.svg with gnuplot (as 'exitscope plot', top N reasons, default %d)\n"
		"and links each.  REPORT.md and the charts follow plot's rule: a new name or a\n"
		"regular file that is none of the results, written beside and renamed; anything\n"
		"else is refused before the first file is written.\n\noptions:\n",
		PLOT_DEFAULT_TOP);
	opts_usage(out, report_table);
	fprintf(out,
		"\nExit 0; 2 on bad input (the report still lists the files it could not read);\n"
		"3 when gnuplot is missing (apt-get install %s) or a file cannot be written.\n",
		PLOT_PACKAGE);
}

static int report_parse_args(int argc, char **argv, struct report_cmd *c)
{
	int n = opts_parse("report", report_table, argc, argv, c);

	if (n < 0)
		return -1;
	if (!c->out || n != 1) {
		fprintf(stderr, "exitscope: report: needs one DIR and -o REPORT.md\n");
		return -1;
	}
	c->dir = argv[1];
	c->charts = !c->no_charts;
	return 0;
}

/*
 * Charts sit in DIR; the report links them by name when it sits there too,
 * else by DIR's absolute path, which is right wherever the report is.
 */
static void report_chart_prefix(struct report_cmd *c)
{
	char out_dir[PATH_MAX], real_out[PATH_MAX], real_dir[PATH_MAX];

	snprintf(out_dir, sizeof(out_dir), "%s", c->out);
	if (realpath(dirname(out_dir), real_out) && realpath(c->dir, real_dir) &&
	    strcmp(real_out, real_dir))
		snprintf(c->chart_prefix, sizeof(c->chart_prefix), "%s/", real_dir);
}

static int report_add_error(struct report_input *in, const char *text)
{
	char **grown = realloc(in->errors, (in->nr_errors + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	in->errors = grown;
	in->errors[in->nr_errors] = strdup(text);
	return in->errors[in->nr_errors++] ? 0 : -ENOMEM;
}

static int report_read_one(struct report_input *in, const char *path)
{
	struct result *r = &in->results[in->nr];
	struct result_error err;

	if (result_load(path, r, &err))
		return report_add_error(in, err.text);
	if (report_facts(r, &in->facts[in->nr], err.text, sizeof(err.text))) {
		result_free(r);
		return report_add_error(in, err.text);
	}
	in->nr++;
	return 0;
}

static int report_read(const char *dir, struct report_input *in)
{
	char **names;
	int n = result_list_dir(dir, &names), r = 0;

	if (n < 0)
		return n;
	in->paths = calloc((size_t)n + 1, sizeof(*in->paths));
	in->results = calloc((size_t)n + 1, sizeof(*in->results));
	in->facts = calloc((size_t)n + 1, sizeof(*in->facts));
	in->charts = calloc((size_t)n + 1, sizeof(*in->charts));
	if (!in->paths || !in->results || !in->facts || !in->charts)
		r = -ENOMEM;
	for (int i = 0; i < n && !r; i++) {
		in->paths[i] = malloc(PATH_MAX);
		r = in->paths[i] ? util_pathf(in->paths[i], PATH_MAX, "%s/%s", dir, names[i]) : -ENOMEM;
		in->nr_paths += !!in->paths[i];
		if (!r)
			r = report_read_one(in, in->paths[i]);
	}
	result_free_names(names, n);
	return r;
}

static void report_input_free(struct report_input *in)
{
	for (size_t i = 0; i < in->nr; i++)
		result_free(&in->results[i]);
	for (size_t i = 0; i < in->nr_errors; i++)
		free(in->errors[i]);
	for (size_t i = 0; i < in->nr_paths; i++)
		free(in->paths[i]);
	free(in->paths);
	free(in->charts);
	free(in->results);
	free(in->facts);
	free(in->errors);
}

/* DIR/<scenario>.svg for each result; the scenario name is checked to be [a-z0-9-]. */
static int report_name_charts(const struct report_cmd *c, struct report_input *in)
{
	for (size_t i = 0; c->charts && i < in->nr; i++) {
		if (util_pathf(in->charts[i], sizeof(in->charts[i]), "%s/%s.svg", c->dir,
			       in->results[i].scenario) < 0) {
			fprintf(stderr, "exitscope: report: %s/%s.svg: the name is too long\n", c->dir,
				in->results[i].scenario);
			return -ENAMETOOLONG;
		}
	}
	return 0;
}

/*
 * Every file the report will write, checked before the first is: the
 * report and the charts are none of the inputs, and the report is none of
 * the charts.
 */
static int report_check_outputs(const struct report_cmd *c, const struct report_input *in)
{
	const char **paths = calloc(in->nr_paths + in->nr + 1, sizeof(*paths));
	struct output_inputs inputs = { paths, in->nr_paths };
	char why[PATH_MAX + 256];
	int r = paths ? 0 : -ENOMEM;

	for (size_t i = 0; paths && i < in->nr_paths; i++)
		paths[i] = in->paths[i];
	for (size_t i = 0; !r && c->charts && i < in->nr; i++)
		r = output_check(in->charts[i], &inputs, why, sizeof(why));
	for (size_t i = 0; paths && c->charts && i < in->nr; i++)
		paths[inputs.nr++] = in->charts[i];
	if (!r)
		r = output_check(c->out, &inputs, why, sizeof(why));
	free(paths);
	if (r)
		fprintf(stderr, "exitscope: report: %s\n", r == -ENOMEM ? strerror(ENOMEM) : why);
	return r;
}

static int report_charts(const struct report_cmd *c, const struct report_input *in)
{
	struct output_inputs inputs = { (const char *const *)in->paths, in->nr_paths };
	char why[512];

	for (size_t i = 0; c->charts && i < in->nr; i++) {
		struct plot_opts opts = { .top = c->top, .svg = in->charts[i], .inputs = &inputs };
		int r = plot_chart(&in->results[i], 1, &opts, why, sizeof(why));

		if (r) {
			fprintf(stderr, "exitscope: report: %s%s\n", why,
				r == -ENOENT ? "; or --no-charts" : "");
			return r;
		}
	}
	return 0;
}

static void report_markdown(FILE *md, const struct report_cmd *c, const struct report_input *in)
{
	char link[PATH_MAX + 64];

	fprintf(md, "# exitscope report: %s\n\n%zu scenario(s); counts are exits of the "
		    "workload window, from the patched kernel's counters.\n\n", c->dir, in->nr);
	report_write_summary(md, in->results, in->facts, in->nr);
	for (size_t i = 0; i < in->nr; i++) {
		snprintf(link, sizeof(link), "%s%s.svg", c->chart_prefix, in->results[i].scenario);
		report_write_scenario(md, &in->results[i], &in->facts[i], c->charts ? link : NULL);
	}
	if (in->nr_errors)
		fputs("## Files not read\n\n", md);
	for (size_t i = 0; i < in->nr_errors; i++)
		fprintf(md, "- %s\n", in->errors[i]);
}

static int report_write(const struct report_cmd *c, const struct report_input *in)
{
	struct output_inputs inputs = { (const char *const *)in->paths, in->nr_paths };
	char *text = NULL, why[PATH_MAX + 256];
	size_t len = 0;
	FILE *md = open_memstream(&text, &len);
	int r;

	if (!md)
		return -errno;
	report_markdown(md, c, in);
	r = fclose(md) ? -errno : output_write(c->out, &inputs, text, len, why, sizeof(why));
	free(text);
	if (r)
		fprintf(stderr, "exitscope: report: %s\n", r == -ENOMEM ? strerror(ENOMEM) : why);
	return r;
}

int cmd_report(int argc, char **argv)
{
	struct report_cmd c = { .charts = true, .top = PLOT_DEFAULT_TOP };
	struct report_input in = { 0 };
	int r;

	if (report_parse_args(argc, argv, &c))
		return EXIT_USAGE;
	r = report_read(c.dir, &in);
	if (r || !in.nr) {
		fprintf(stderr, "exitscope: report: %s: %s\n", c.dir,
			r ? strerror(-r) : "no valid *.json results");
		for (size_t i = 0; i < in.nr_errors; i++)
			fprintf(stderr, "exitscope: report: %s\n", in.errors[i]);
		report_input_free(&in);
		return r == -ENOMEM ? EXIT_ENVIRONMENT : EXIT_USAGE;
	}
	if (report_name_charts(&c, &in) || report_check_outputs(&c, &in)) {
		report_input_free(&in);
		return EXIT_USAGE;
	}
	report_chart_prefix(&c);
	r = report_charts(&c, &in);
	if (!r)
		r = report_write(&c, &in);
	if (!r)
		printf("wrote %s (%zu scenario(s)%s)\n", c.out, in.nr, c.charts ? ", with charts" : "");
	for (size_t i = 0; !r && i < in.nr_errors; i++)
		fprintf(stderr, "exitscope: report: %s\n", in.errors[i]);
	r = r ? EXIT_ENVIRONMENT : in.nr_errors ? EXIT_USAGE : 0;
	report_input_free(&in);
	return r;
}
