// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "plot.h"
#include "util.h"

struct plot_reason {
	uint32_t reason;
	const char *name;
	uint64_t max_count;	/* the largest count of any result: the ranking */
};

/*
 * Text from a result goes into gnuplot's single-quoted strings and the data
 * file's double-quoted labels; quotes, backslashes and control characters
 * would end or escape them, so they become '_'.
 */
static void plot_clean(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = (in[i] == '\'' || in[i] == '"' || in[i] == '\\' ||
			  (unsigned char)in[i] < 0x20) ? '_' : in[i];
	out[i] = '\0';
}

static int plot_by_count_desc(const void *x, const void *y)
{
	const struct plot_reason *a = x, *b = y;

	if (a->max_count != b->max_count)
		return a->max_count < b->max_count ? 1 : -1;
	return (a->reason > b->reason) - (a->reason < b->reason);
}

static void plot_merge(struct plot_reason *all, size_t *n, const struct result_reason *r)
{
	for (size_t i = 0; i < *n; i++) {
		if (all[i].reason == r->reason) {
			if (r->count > all[i].max_count)
				all[i].max_count = r->count;
			return;
		}
	}
	all[(*n)++] = (struct plot_reason){ r->reason, r->name, r->count };
}

/* The @top reasons with the most exits in any result; zero-count reasons never. */
static struct plot_reason *plot_top(const struct result *results, size_t nr, size_t top,
				    size_t *n)
{
	size_t cap = 1;
	struct plot_reason *all;

	for (size_t i = 0; i < nr; i++)
		cap += results[i].exits.nr;
	all = calloc(cap, sizeof(*all));
	*n = 0;
	if (!all)
		return NULL;
	for (size_t i = 0; i < nr; i++)
		for (size_t j = 0; j < results[i].exits.nr; j++)
			if (results[i].exits.by_reason[j].count)
				plot_merge(all, n, &results[i].exits.by_reason[j]);
	qsort(all, *n, sizeof(*all), plot_by_count_desc);
	if (*n > top)
		*n = top;
	return all;
}

int plot_sample_rates(const struct result *r, double *t_s, double *rate, char *why, size_t size)
{
	json_int_t t0 = 0, n0 = 0;
	int n = 0;

	for (size_t i = 0; i < r->nr_samples; i++) {
		json_t *sample = json_array_get(r->samples, i);
		json_int_t t = json_integer_value(json_object_get(sample, "t_ms"));
		json_int_t total = json_integer_value(json_object_get(sample, "total"));

		if (i && (t <= t0 || total < n0)) {
			snprintf(why, size, "%s: samples[%zu] goes back (t_ms %lld, total %lld after "
				 "%lld, %lld); samples are read as cumulative exits",
				 result_label(r), i, (long long)t, (long long)total,
				 (long long)t0, (long long)n0);
			return -EINVAL;
		}
		if (i) {
			t_s[n] = t / 1000.0;
			rate[n++] = (double)(total - n0) * 1000.0 / (double)(t - t0);
		}
		t0 = t;
		n0 = total;
	}
	return n;
}

static FILE *plot_open(const char *dir, const char *name, char *why, size_t size)
{
	char path[PATH_MAX];
	FILE *f = NULL;

	if (util_pathf(path, sizeof(path), "%s/%s", dir, name) == 0)
		f = fopen(path, "we");
	if (!f)
		snprintf(why, size, "cannot write %s/%s: %s", dir, name, strerror(errno));
	return f;
}

static int plot_close(FILE *f, char *why, size_t size)
{
	if (ferror(f) | fclose(f)) {
		snprintf(why, size, "cannot write the chart's files: %s", strerror(errno));
		return -EIO;
	}
	return 0;
}

/* A zero cannot stand on a log scale: it is written as missing ('-'). */
static void plot_value(FILE *f, uint64_t value)
{
	if (value)
		fprintf(f, " %llu", (unsigned long long)value);
	else
		fputs(" -", f);
}

/* Columns: label, reason, a count per result, a cycle sum per result. */
static int plot_write_reasons(const char *dir, const struct result *results, size_t nr,
			      const struct plot_reason *top, size_t n_top, char *why, size_t size)
{
	FILE *f = plot_open(dir, "reasons.dat", why, size);
	char name[64], label[16];

	if (!f)
		return -EIO;
	for (size_t i = 0; i < n_top; i++) {
		plot_clean(top[i].name, name, sizeof(name));
		result_reason_label(results[0].isa, top[i].reason, label, sizeof(label));
		fprintf(f, "\"%s (%s)\" %u", name, label, top[i].reason);
		for (size_t j = 0; j < nr; j++) {
			const struct result_reason *row = result_window_find(&results[j].exits,
									     top[i].reason);
			plot_value(f, row ? row->count : 0);
		}
		for (size_t j = 0; j < nr; j++) {
			const struct result_reason *row = result_window_find(&results[j].exits,
									     top[i].reason);
			plot_value(f, row ? row->cycles : 0);
		}
		fputc('\n', f);
	}
	return plot_close(f, why, size);
}

static int plot_write_samples(const char *dir, const struct result *r, size_t index,
			      char *why, size_t size)
{
	double *t_s = calloc(r->nr_samples + 1, sizeof(double));
	double *rate = calloc(r->nr_samples + 1, sizeof(double));
	char name[48];
	FILE *f = NULL;
	int n = t_s && rate ? plot_sample_rates(r, t_s, rate, why, size) : -ENOMEM;

	snprintf(name, sizeof(name), "samples-%zu.dat", index);
	if (n >= 0)
		f = plot_open(dir, name, why, size);
	for (int i = 0; f && i < n; i++)
		fprintf(f, "%.3f %.1f\n", t_s[i], rate[i]);
	free(t_s);
	free(rate);
	if (n < 0)
		return n;
	return f ? plot_close(f, why, size) : -EIO;
}

typedef char plot_title[256];

static bool plot_mixed_scenarios(const struct result *results, size_t nr)
{
	for (size_t i = 1; i < nr; i++)
		if (strcmp(results[i].scenario, results[0].scenario))
			return true;
	return false;
}

static bool plot_titles_unique(plot_title *titles, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(titles[i], titles[j]))
				return false;
	return true;
}

/*
 * "6.1.192 (3f9a1c07d2e4)", with the scenario first when the results mix
 * scenarios; the file names when that still leaves two alike (two runs of
 * one kernel).
 */
static void plot_series_titles(const struct result *results, size_t nr, plot_title *titles)
{
	bool mixed = plot_mixed_scenarios(results, nr);
	char raw[sizeof(plot_title)];

	for (size_t i = 0; i < nr; i++) {
		const struct result *r = &results[i];

		snprintf(raw, sizeof(raw), "%s%s%s%s (%s)", mixed ? r->scenario : "",
			 mixed ? " " : "", r->kernel.release, r->kernel.stock ? " stock" : "",
			 r->kernel.id);
		plot_clean(raw, titles[i], sizeof(plot_title));
	}
	if (plot_titles_unique(titles, nr))
		return;
	for (size_t i = 0; i < nr; i++)
		plot_clean(result_label(&results[i]), titles[i], sizeof(plot_title));
}

static void plot_script_bars(FILE *f, plot_title *titles, size_t nr, size_t first_col)
{
	fputs("plot", f);
	for (size_t i = 0; i < nr; i++)
		fprintf(f, "%s 'reasons.dat' using %zu%s title '%s'", i ? "," : "", first_col + i,
			i ? "" : ":xtic(1)", titles[i]);
	fputc('\n', f);
}

/*
 * Which window the charts show: the workload's, the probe's own reads apart,
 * unless an older result includes them.  No quote: gnuplot's titles are
 * single-quoted.
 */
static const char *plot_window_note(const struct result *results, size_t nr)
{
	bool workload = false;

	for (size_t i = 0; i < nr; i++) {
		if (result_exits_kind(&results[i]) == RESULT_EXITS_RAW)
			return "; an older result includes the probe reads";
		workload |= result_exits_kind(&results[i]) == RESULT_EXITS_WORKLOAD;
	}
	return workload ? "; the probe reads apart" : "";
}

static void plot_script_samples(FILE *f, const struct result *results, plot_title *titles,
				size_t nr)
{
	bool first = true;

	fprintf(f, "unset logscale y\nset style data linespoints\nset xtics norotate scale 1\n"
		   "set yrange [0:*]\nset key bottom right\n"
		   "set title 'exits per second between samples (all reasons%s)'\n"
		   "set xlabel 'seconds into the workload'\nset ylabel 'exits/s'\nplot",
		plot_window_note(results, nr));
	for (size_t i = 0; i < nr; i++) {
		if (results[i].nr_samples < 2)
			continue;
		fprintf(f, "%s 'samples-%zu.dat' using 1:2 title '%s'", first ? "" : ",", i,
			titles[i]);
		first = false;
	}
	fputc('\n', f);
}

/* Counts start at 0.5 so that a reason with one exit still shows a bar on the log scale. */
static void plot_script_head(FILE *f, const struct result *results, size_t nr, int rows)
{
	char title[128];

	plot_clean(plot_mixed_scenarios(results, nr) ? "" : results[0].scenario, title,
		   sizeof(title));
	fprintf(f, "set terminal svg size 960,%d dynamic background '#ffffff' font 'sans,11'\n"
		   "set output 'chart.svg'\nset termoption noenhanced\nset datafile missing '-'\n"
		   "set multiplot layout %d,1 title 'exitscope %s'\n"
		   "set style data histogram\nset style histogram clustered gap 1\n"
		   "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset logscale y\n"
		   "set grid ytics\nset xtics rotate by -30 scale 0\nset key top right\n",
		360 * rows, rows, title);
}

/* The panels a chart has: exits always, cycles and samples when there is something to draw. */
struct plot_panels {
	bool cycles;
	bool samples;
};

static int plot_write_script(const char *dir, const struct result *results, size_t nr,
			     struct plot_panels panels, char *why, size_t size)
{
	plot_title *titles = calloc(nr, sizeof(*titles));
	FILE *f = titles ? plot_open(dir, "chart.gp", why, size) : NULL;

	if (!f) {
		free(titles);
		return -EIO;
	}
	plot_series_titles(results, nr, titles);
	plot_script_head(f, results, nr, 1 + panels.cycles + panels.samples);
	fprintf(f, "set title 'exits by reason, workload window (log scale)%s%s'\n"
		   "set ylabel 'exits'\nset yrange [0.5:*]\n", plot_window_note(results, nr),
		panels.cycles ? "" : "; no cycles recorded (a stock kernel counts exits only)");
	plot_script_bars(f, titles, nr, 3);
	if (panels.cycles) {
		fputs("set title 'TSC cycles from exit to next entry, by reason (log scale)'\n"
		      "set ylabel 'cycles'\nset autoscale y\n", f);
		plot_script_bars(f, titles, nr, 3 + nr);
	}
	if (panels.samples)
		plot_script_samples(f, results, titles, nr);
	fputs("unset multiplot\n", f);
	free(titles);
	return plot_close(f, why, size);
}

static int plot_check_isas(const struct result *results, size_t nr, char *why, size_t size)
{
	for (size_t i = 1; i < nr; i++) {
		if (results[i].isa != results[0].isa) {
			snprintf(why, size, "%s is %s and %s is %s: their reason numbers name "
				 "different exits; chart them separately", result_label(&results[0]),
				 exsc_isa_name(results[0].isa), result_label(&results[i]),
				 exsc_isa_name(results[i].isa));
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * A log-scale panel with no point at all is an error to gnuplot ("x range
 * is invalid"): a stock kernel's result has exits but no cycles.
 */
static bool plot_any_cycles(const struct result *results, size_t nr,
			    const struct plot_reason *top, size_t n_top)
{
	for (size_t i = 0; i < n_top; i++) {
		for (size_t j = 0; j < nr; j++) {
			const struct result_reason *row = result_window_find(&results[j].exits,
									     top[i].reason);

			if (row && row->cycles)
				return true;
		}
	}
	return false;
}

int plot_write(const struct result *results, size_t nr, const struct plot_opts *opts,
	       const char *dir, char *why, size_t size)
{
	struct plot_panels panels = { false, false };
	struct plot_reason *top;
	size_t n_top;
	int r = plot_check_isas(results, nr, why, size);

	if (r)
		return r;
	top = plot_top(results, nr, opts->top, &n_top);
	if (!top)
		return -ENOMEM;
	if (!n_top) {
		snprintf(why, size, "no reason has any exits: nothing to chart");
		free(top);
		return -EINVAL;
	}
	panels.cycles = plot_any_cycles(results, nr, top, n_top);
	r = plot_write_reasons(dir, results, nr, top, n_top, why, size);
	free(top);
	for (size_t i = 0; !r && i < nr; i++) {
		if (results[i].nr_samples >= 2) {
			r = plot_write_samples(dir, &results[i], i, why, size);
			panels.samples = true;
		}
	}
	return r ? r : plot_write_script(dir, results, nr, panels, why, size);
}

static void plot_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	char path[PATH_MAX];

	while (d && (entry = readdir(d)))
		if (entry->d_name[0] != '.' &&
		    util_pathf(path, sizeof(path), "%s/%s", dir, entry->d_name) == 0)
			unlink(path);
	if (d)
		closedir(d);
	rmdir(dir);
}

/* The last line gnuplot logged: its error message. */
static void plot_log_tail(const char *log, char *out, size_t size)
{
	char *text = NULL, *end, *start;

	if (util_read_file(log, &text, NULL) < 0) {
		snprintf(out, size, "no log");
		return;
	}
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(text, '\n');
	snprintf(out, size, "%s", start ? start + 1 : text);
	free(text);
}

static int plot_run_gnuplot(const char *dir, const struct plot_opts *opts, char *why,
			    size_t size)
{
	char log[PATH_MAX], chart[PATH_MAX], *text;
	size_t len;
	int r;

	util_pathf(log, sizeof(log), "%s/gnuplot.log", dir);
	util_pathf(chart, sizeof(chart), "%s/chart.svg", dir);
	r = exec_run((char *[]){ "gnuplot", "chart.gp", NULL }, dir, log);
	if (r == -ENOENT) {
		snprintf(why, size, "gnuplot not found: apt-get install %s", PLOT_PACKAGE);
		return r;
	}
	if (r) {
		char tail[256];

		plot_log_tail(log, tail, sizeof(tail));
		snprintf(why, size, "gnuplot failed (%d) drawing %s: %s", r, opts->svg, tail);
		return -EPROTO;
	}
	r = util_read_file(chart, &text, &len);
	if (r) {
		snprintf(why, size, "gnuplot wrote no chart for %s: %s", opts->svg, strerror(-r));
		return r;
	}
	r = output_write(opts->svg, opts->inputs, text, len, why, size);
	free(text);
	return r;
}

int plot_chart(const struct result *results, size_t nr, const struct plot_opts *opts,
	       char *why, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	int r = util_pathf(dir, sizeof(dir), "%s/exitscope-plot.XXXXXX",
			   tmp && *tmp ? tmp : "/tmp");

	if (!r && !mkdtemp(dir))
		r = -errno;
	if (r) {
		snprintf(why, size, "cannot make a temporary directory: %s", strerror(-r));
		return r;
	}
	r = plot_write(results, nr, opts, dir, why, size);
	if (!r)
		r = plot_run_gnuplot(dir, opts, why, size);
	plot_remove_dir(dir);
	return r;
}
