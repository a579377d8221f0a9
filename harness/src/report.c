// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/reasons.h"
#include "plot.h"
#include "report.h"
#include "text.h"

static void report_window(const struct result *r, struct report_facts *f)
{
	json_t *seconds = r->workload.figures ? json_object_get(r->workload.figures, "seconds")
					      : NULL;

	if (r->timeline.window_present && r->timeline.window_wall_s > 0) {
		f->window = REPORT_WINDOW_WALL;
		f->seconds = r->timeline.window_wall_s;
	} else if (r->nr_samples >= 2) {
		json_t *first = json_array_get(r->samples, 0);
		json_t *last = json_array_get(r->samples, r->nr_samples - 1);

		f->window = REPORT_WINDOW_SAMPLES;
		f->seconds = (json_integer_value(json_object_get(last, "t_ms")) -
			      json_integer_value(json_object_get(first, "t_ms"))) / 1000.0;
	} else if (json_is_number(seconds) && json_number_value(seconds) > 0) {
		f->window = REPORT_WINDOW_FIGURES;
		f->seconds = json_number_value(seconds);
	} else {
		f->window = REPORT_WINDOW_RUN;
		f->seconds = r->duration_s;
	}
	f->per_second = f->seconds > 0 ? (double)f->total / f->seconds : 0;
}

static void report_extremes(const struct result *r, struct report_facts *f)
{
	const struct result_window *w = &r->exits;

	for (size_t i = 0; i < w->nr; i++) {
		const struct result_reason *row = &w->by_reason[i];

		if (!row->count)
			continue;
		if (!f->most || row->count > f->most->count)
			f->most = row;
		if (f->nr_least && row->count > f->least[0]->count)
			continue;
		if (f->nr_least && row->count < f->least[0]->count)
			f->nr_least = f->nr_least_ties = 0;
		if (f->nr_least < REPORT_MAX_LEAST)
			f->least[f->nr_least++] = row;
		f->nr_least_ties++;
	}
}

/* Defined as the manuals define them (ABI.md), whatever the build host's headers name. */
static void report_zeros(const struct result *r, struct report_facts *f)
{
	uint32_t codes[EXSC_SVM_SLOTS];

	f->nr_defined = exsc_defined_reasons(r->isa, codes, EXSC_SVM_SLOTS);
	for (size_t i = 0; i < f->nr_defined; i++) {
		const struct result_reason *row = result_window_find(&r->exits, codes[i]);

		f->nr_defined_zero += !row || !row->count;
	}
	for (size_t i = 0; i < r->exits.nr; i++)
		f->nr_undefined_seen += r->exits.by_reason[i].count &&
					!exsc_reason_defined(r->isa, r->exits.by_reason[i].reason);
}

static int report_rates(const struct result *r, struct report_facts *f, char *why, size_t size)
{
	double *t_s = calloc(r->nr_samples + 1, sizeof(double));
	double *rate = calloc(r->nr_samples + 1, sizeof(double));
	int n = t_s && rate ? plot_sample_rates(r, t_s, rate, why, size) : -ENOMEM;

	for (int i = 0; i < n; i++) {
		if (!i || rate[i] < f->rate_min)
			f->rate_min = rate[i];
		if (!i || rate[i] > f->rate_max)
			f->rate_max = rate[i];
		f->rate_mean += rate[i] / n;
	}
	f->nr_intervals = n > 0 ? (size_t)n : 0;
	free(t_s);
	free(rate);
	return n < 0 ? n : 0;
}

int report_facts(const struct result *r, struct report_facts *f, char *why, size_t size)
{
	memset(f, 0, sizeof(*f));
	f->total = r->exits.total;
	report_window(r, f);
	report_extremes(r, f);
	report_zeros(r, f);
	return report_rates(r, f, why, size);
}

static void report_reason(FILE *out, enum exsc_isa isa, const struct result_reason *row)
{
	char label[16];

	result_reason_label(isa, row->reason, label, sizeof(label));
	text_md(out, row->name);
	fprintf(out, " (%s)", label);
}

static void report_least(FILE *out, const struct result *r, const struct report_facts *f)
{
	for (size_t i = 0; i < f->nr_least; i++) {
		fputs(i ? ", " : "", out);
		report_reason(out, r->isa, f->least[i]);
	}
	if (f->nr_least_ties > f->nr_least)
		fprintf(out, " and %zu more", f->nr_least_ties - f->nr_least);
	if (f->nr_least)
		fprintf(out, ": %llu%s", (unsigned long long)f->least[0]->count,
			f->nr_least_ties > 1 ? " each" : "");
	else
		fputs("none", out);
	/* Otherwise a reader of an older result wonders what in an idle guest executed one CPUID. */
	if (result_exits_kind(r) == RESULT_EXITS_RAW && f->nr_least == 1 &&
	    f->least[0]->reason == reasons_cpuid(r->isa) &&
	    f->least[0]->count <= r->probe_cpuid_exits)
		fputs(" (the probe's own read)", out);
}

/* Which window the figures below are of: the probe's own reads apart, or (older) in it. */
static void report_window_note(FILE *out, const struct result *r)
{
	uint64_t n = r->probe_cpuid_exits;

	if (result_exits_kind(r) == RESULT_EXITS_WORKLOAD)
		fprintf(out, " (the probe's own %llu read%s apart)", (unsigned long long)n,
			n == 1 ? "" : "s");
	else if (result_exits_kind(r) == RESULT_EXITS_RAW)
		fprintf(out, " (includes the probe's own %llu read%s: an older result)",
			(unsigned long long)n, n == 1 ? "" : "s");
	/* run --repeat: the counts are medians, and how far the windows ranged says how noisy. */
	if (r->repeat.present)
		fprintf(out, ", the median of %zu windows in one boot (their totals %llu-%llu)",
			r->repeat.n, (unsigned long long)r->repeat.total.min,
			(unsigned long long)r->repeat.total.max);
}

static const char *report_window_text(enum report_window window)
{
	switch (window) {
	case REPORT_WINDOW_SAMPLES:
		return "the span of the samples";
	case REPORT_WINDOW_FIGURES:
		return "the workload's own seconds";
	default:
		return "duration_s, the whole run with boot: the window's own length was not "
		       "recorded, so this understates the rate";
	}
}

static void report_oracle(FILE *out, const struct result *r)
{
	if (r->oracle.match && !r->oracle.nr_mismatches)
		fputs("match\n", out);
	else if (!r->oracle.nr_unexplained)
		fprintf(out, "differs on %zu reason(s), all explained\n", r->oracle.nr_mismatches);
	else
		fprintf(out, "differs on %zu reason(s), %zu unexplained: **failed**\n",
			r->oracle.nr_mismatches, r->oracle.nr_unexplained);
}

/* The micro guest's verdict: how many caused reasons all three readers got exactly. */
static void report_micro(FILE *out, const struct result_micro *m)
{
	size_t listed = 0;

	if (!m->present)
		return;
	fprintf(out, "- micro guest: %zu of %zu caused reasons exact (K=%llu)", m->nr_exact,
		m->nr_reasons, (unsigned long long)m->k);
	for (size_t i = 0; i < m->nr_reasons; i++) {
		if (m->reasons[i].exact)
			continue;
		fputs(listed++ ? ", " : "; not exact: ", out);
		text_md(out, m->reasons[i].action);
	}
	if (m->nr_errors)
		fprintf(out, "; %zu action(s) failed", m->nr_errors);
	fputc('\n', out);
}

/* A result's strings are data: text_md() keeps them from being markup. */
static void report_provenance(FILE *out, const struct result *r)
{
	char *params = json_dumps(r->workload.params, JSON_COMPACT | JSON_SORT_KEYS);

	fputs("Workload `", out);
	text_md_code(out, r->workload.name);
	fputc(' ', out);
	text_md_code(out, params ? params : "?");
	fputs("` on kernel ", out);
	text_md(out, r->kernel.release);
	fputs(" (", out);
	text_md(out, r->kernel.id);
	fprintf(out, ", %s, ", r->kernel.stock ? "stock" : "patched");
	text_md(out, r->kernel.source);
	fprintf(out, "), %s under ", exsc_isa_name(r->isa));
	text_md(out, r->host.accel);
	fputs(", started ", out);
	text_md(out, r->started_at);
	fputs(".\n\n", out);
	free(params);
}

void report_anchor(const char *name, char *anchor, size_t size)
{
	size_t n = 0;

	/* GitHub's rule for ASCII: lower case, blanks to '-', other punctuation dropped. */
	for (const char *c = name; *c && n + 1 < size; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')
			anchor[n++] = *c;
		else if (*c >= 'A' && *c <= 'Z')
			anchor[n++] = (char)(*c - 'A' + 'a');
		else if (*c == ' ')
			anchor[n++] = '-';
	}
	anchor[n] = '\0';
}

void report_write_scenario(FILE *out, const struct report_entry *e)
{
	const struct result *r = e->result;
	const struct report_facts *f = e->facts;

	fputs("## ", out);
	text_md(out, e->name);
	fputs("\n\n", out);
	if (strcmp(e->name, r->scenario)) {
		fprintf(out, "Scenario %s, from ", r->scenario);
		text_md(out, e->name);
		fputs(".json.\n\n", out);
	}
	report_provenance(out, r);
	fprintf(out, "- exits in the workload window: %llu", (unsigned long long)f->total);
	report_window_note(out, r);
	fputc('\n', out);
	if (f->window == REPORT_WINDOW_WALL)
		fprintf(out, "- exits per second: %.1f over the workload window, %.3f s (its wall "
			     "time in L2)\n", f->per_second, f->seconds);
	else
		fprintf(out, "- exits per second: %.1f over %.1f s (%s)\n", f->per_second, f->seconds,
			report_window_text(f->window));
	fputs("- most frequent: ", out);
	if (f->most) {
		report_reason(out, r->isa, f->most);
		fprintf(out, ": %llu, %.2f %%\n", (unsigned long long)f->most->count,
			f->total ? 100.0 * f->most->count / f->total : 0.0);
	} else {
		fputs("none\n", out);
	}
	fputs("- least frequent (non-zero): ", out);
	report_least(out, r, f);
	fprintf(out, "\n- defined reasons that stayed at zero: %zu of %zu (%s)\n",
		f->nr_defined_zero, f->nr_defined, exsc_isa_name(r->isa));
	if (f->nr_undefined_seen)
		fprintf(out, "- reasons outside the %s table with exits: %zu\n",
			exsc_isa_name(r->isa), f->nr_undefined_seen);
	if (f->nr_intervals)
		fprintf(out, "- rate between samples: %.0f to %.0f exits/s, mean %.0f, over %zu "
			     "intervals\n", f->rate_min, f->rate_max, f->rate_mean, f->nr_intervals);
	fputs("- oracle (kvm_exit hist): ", out);
	report_oracle(out, r);
	report_micro(out, &r->micro);
	if (e->chart_missing) {
		fputs("- chart: not drawn: ", out);
		text_md(out, e->chart_missing);
		fputc('\n', out);
	}
	if (e->chart) {
		fputs("\n![", out);
		text_md(out, e->name);
		fputs(": exits and cycles by reason](", out);
		text_md_url(out, e->chart);
		fputs(")\n", out);
	}
	fputc('\n', out);
}

void report_write_summary(FILE *out, const struct report_entry *entries, size_t nr)
{
	char anchor[256];

	fputs("| result | exits | exits/s | most frequent | least frequent | defined at zero |\n"
	      "|---|---:|---:|---|---|---:|\n", out);
	for (size_t i = 0; i < nr; i++) {
		const struct report_facts *f = entries[i].facts;
		const struct result *r = entries[i].result;

		report_anchor(entries[i].name, anchor, sizeof(anchor));
		fputs("| [", out);
		text_md(out, entries[i].name);
		fprintf(out, "](#%s) | %llu%s | %.1f%s | ", anchor, (unsigned long long)f->total,
			result_exits_kind(r) == RESULT_EXITS_RAW ? " (raw)" : "", f->per_second,
			f->window == REPORT_WINDOW_RUN ? " (run)" : "");
		if (f->most)
			report_reason(out, r->isa, f->most);
		fputs(" | ", out);
		if (f->nr_least)
			report_reason(out, r->isa, f->least[0]);
		if (f->nr_least_ties > 1)
			fprintf(out, " +%zu", f->nr_least_ties - 1);
		fprintf(out, " | %zu of %zu |\n", f->nr_defined_zero, f->nr_defined);
	}
	fputc('\n', out);
}
