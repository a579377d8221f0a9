// SPDX-License-Identifier: GPL-2.0
/* exitscope report: a folder of results as Markdown, with a chart per result. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-output.h"
#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "text.h"
#include "util.h"

struct report_cmd {
	const char *dir;
	const char *out;	/* the Markdown file */
	bool no_charts;		/* --no-charts */
	bool charts;
	size_t top;
	char chart_prefix[PATH_MAX + 1];	/* how the report links DIR: "" when it sits in DIR */
};

/* One result read, and what the report says about it. */
struct report_item {
	struct result result;
	struct report_facts facts;
	char name[256];			/* its file's name without .json */
	char chart[PATH_MAX];		/* DIR/<name>.svg: one per result, never shared */
	char chart_missing[512];	/* why the chart was not drawn, or "" */
};

/* What the folder held: the results read, and one line per file that was not. */
struct report_input {
	char **paths;		/* every *.json of the folder, read or not: the inputs */
	size_t nr_paths;
	struct report_item *items;
	size_t nr;
	char **errors;
	size_t nr_errors;
	bool charts_failed;	/* a chart could not be drawn for a reason of this host */
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
		"For each result in DIR (results/<kernel-id>/): the exits of the workload window\n"
		"(the probe's own reads apart; an older result's include them),\n"
		"exits per second (over the window's own wall time in L2 when the result has it),\n"
		"the most and the least frequent reasons, how many reasons the\n"
		"ISA defines that stayed at zero, the rate between samples when there are any,\n"
		"and the oracle's verdict; a summary table first.  Unless --no-charts, it writes\n"
		"DIR/NAME.svg for each DIR/NAME.json with gnuplot (as 'exitscope plot', top N\n"
		"reasons, default %d) and links each; a chart that cannot be drawn is named in\n"
		"the report instead.  REPORT.md and the charts follow plot's rule: a new name or a\n"
		"regular file that is none of the results, written beside and renamed; anything\n"
		"else is refused before the first file is written.\n\noptions:\n",
		PLOT_DEFAULT_TOP);
	opts_usage(out, report_table);
	fprintf(out,
		"\nExit 0; 2 on bad input (the report still lists the files it could not read);\n"
		"3 when a chart could not be drawn (gnuplot is missing: apt-get install %s, or\n"
		"failed; the report is written all the same) or a file cannot be written.\n",
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

static int report_read_one(struct report_input *in, const char *path, const char *file)
{
	struct report_item *item = &in->items[in->nr];
	struct result_error err;

	if (result_load(path, &item->result, &err))
		return report_add_error(in, err.text);
	if (report_facts(&item->result, &item->facts, err.text, sizeof(err.text))) {
		result_free(&item->result);
		return report_add_error(in, err.text);
	}
	/* result_list_dir() lists only names that end in .json. */
	snprintf(item->name, sizeof(item->name), "%.*s", (int)(strlen(file) - 5), file);
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
	in->items = calloc((size_t)n + 1, sizeof(*in->items));
	if (!in->paths || !in->items)
		r = -ENOMEM;
	for (int i = 0; i < n && !r; i++) {
		char **path = &in->paths[in->nr_paths];

		/* exitscope check's verdicts live beside the results but are none. */
		if (!strncmp(names[i], CHECK_FILE_PREFIX, strlen(CHECK_FILE_PREFIX)))
			continue;
		*path = malloc(PATH_MAX);
		r = *path ? util_pathf(*path, PATH_MAX, "%s/%s", dir, names[i]) : -ENOMEM;
		in->nr_paths += !!*path;
		if (!r)
			r = report_read_one(in, *path, names[i]);
	}
	result_free_names(names, n);
	return r;
}

static void report_input_free(struct report_input *in)
{
	for (size_t i = 0; i < in->nr; i++)
		result_free(&in->items[i].result);
	for (size_t i = 0; i < in->nr_errors; i++)
		free(in->errors[i]);
	for (size_t i = 0; i < in->nr_paths; i++)
		free(in->paths[i]);
	free(in->paths);
	free(in->items);
	free(in->errors);
}

/* DIR/NAME.svg for DIR/NAME.json: names in one folder differ, so charts do too. */
static int report_name_charts(const struct report_cmd *c, struct report_input *in)
{
	for (size_t i = 0; c->charts && i < in->nr; i++) {
		struct report_item *item = &in->items[i];

		if (util_pathf(item->chart, sizeof(item->chart), "%s/%s.svg", c->dir, item->name) < 0) {
			fprintf(stderr, "exitscope: report: %s/%s.svg: the name is too long\n", c->dir,
				item->name);
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
		r = output_check(in->items[i].chart, &inputs, why, sizeof(why));
	for (size_t i = 0; paths && c->charts && i < in->nr; i++)
		paths[inputs.nr++] = in->items[i].chart;
	if (!r)
		r = output_check(c->out, &inputs, why, sizeof(why));
	free(paths);
	if (r)
		fprintf(stderr, "exitscope: report: %s\n", r == -ENOMEM ? strerror(ENOMEM) : why);
	return r;
}

/*
 * One chart per result; one that cannot be drawn is named in the report,
 * never the reason the report is not written.  Without gnuplot none can be:
 * it is said once, not per chart.
 */
static void report_charts(const struct report_cmd *c, struct report_input *in)
{
	struct output_inputs inputs = { (const char *const *)in->paths, in->nr_paths };
	bool no_gnuplot = false;

	for (size_t i = 0; c->charts && i < in->nr; i++) {
		struct report_item *item = &in->items[i];
		struct plot_opts opts = { .top = c->top, .svg = item->chart, .inputs = &inputs };
		int r = no_gnuplot ? -ENOENT :
			plot_chart(&item->result, 1, &opts, item->chart_missing,
				   sizeof(item->chart_missing));

		if (!r)
			continue;
		if (r == -ENOENT)
			snprintf(item->chart_missing, sizeof(item->chart_missing),
				 "gnuplot not found: apt-get install %s", PLOT_PACKAGE);
		/* A result without a single exit has nothing to draw: no failure of this host. */
		if (r != -EINVAL)
			in->charts_failed = true;
		if (!no_gnuplot && r != -EINVAL)
			fprintf(stderr, "exitscope: report: %s%s\n", item->chart_missing,
				r == -ENOENT ? "; the report names the missing charts, or --no-charts" : "");
		no_gnuplot = r == -ENOENT;
	}
}

static void report_markdown(FILE *md, const struct report_cmd *c, const struct report_input *in,
			    struct report_entry *entries)
{
	char (*links)[PATH_MAX + 512] = calloc(in->nr + 1, sizeof(*links));

	for (size_t i = 0; i < in->nr; i++) {
		const struct report_item *item = &in->items[i];
		bool drawn = c->charts && !item->chart_missing[0];

		if (links && drawn)
			snprintf(links[i], sizeof(links[i]), "%s%s.svg", c->chart_prefix, item->name);
		entries[i] = (struct report_entry){ &item->result, &item->facts, item->name,
						    links && drawn ? links[i] : NULL,
						    item->chart_missing[0] ? item->chart_missing : NULL };
	}
	fputs("# exitscope report: ", md);
	text_md(md, c->dir);
	fprintf(md, "\n\n%zu result(s); counts are exits of the workload window, the probe's "
		    "own reads apart (an older result's include them: \"raw\"), from the patched "
		    "kernel's counters (a stock kernel's from the kvm_exit histogram).\n\n", in->nr);
	report_write_summary(md, entries, in->nr);
	for (size_t i = 0; i < in->nr; i++)
		report_write_scenario(md, &entries[i]);
	if (in->nr_errors)
		fputs("## Files not read\n\n", md);
	for (size_t i = 0; i < in->nr_errors; i++) {
		fputs("- ", md);
		text_md(md, in->errors[i]);
		fputc('\n', md);
	}
	free(links);
}

static int report_write(const struct report_cmd *c, const struct report_input *in)
{
	struct output_inputs inputs = { (const char *const *)in->paths, in->nr_paths };
	struct report_entry *entries = calloc(in->nr + 1, sizeof(*entries));
	char *text = NULL, why[PATH_MAX + 256];
	size_t len = 0;
	FILE *md = entries ? open_memstream(&text, &len) : NULL;
	int r;

	if (!md) {
		free(entries);
		return -ENOMEM;
	}
	report_markdown(md, c, in, entries);
	r = fclose(md) ? -errno : output_write(c->out, &inputs, text, len, why, sizeof(why));
	free(text);
	free(entries);
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
	report_charts(&c, &in);
	r = report_write(&c, &in);
	if (!r)
		printf("wrote %s (%zu result(s)%s)\n", c.out, in.nr,
		       !c.charts ? "" : in.charts_failed ? ", some charts not drawn" : ", with charts");
	for (size_t i = 0; !r && i < in.nr_errors; i++)
		fprintf(stderr, "exitscope: report: %s\n", in.errors[i]);
	r = r || in.charts_failed ? EXIT_ENVIRONMENT : in.nr_errors ? EXIT_USAGE : 0;
	report_input_free(&in);
	return r;
}
