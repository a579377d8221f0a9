// SPDX-License-Identifier: GPL-2.0
/* exitscope diff: what moved between two results, or two directories of them. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "diff-micro.h"
#include "diff.h"
#include "opts.h"
#include "result.h"
#include "text.h"
#include "util.h"

struct diff_cmd {
	struct diff_opts opts;
	bool json;
	bool force;
	json_t *pairs;		/* --json: one entry per compared pair */
	bool pairs_lost;	/* an entry could not be built: the document would lie */
};

/* The largest count a result can hold: jansson reads integers as int64_t. */
#define DIFF_MAX_COUNT INT64_MAX
#define DIFF_MAX_THRESHOLD_PCT 1000000

static const struct opt diff_table[] = {
	{ "json", 0, OPT_FLAG, offsetof(struct diff_cmd, json), NULL,
	  "print the same as one JSON document, keys sorted", 0, 0, NULL },
	{ "threshold", 0, OPT_DECIMAL, offsetof(struct diff_cmd, opts.threshold_pct), "PCT",
	  "moved: changed by more than PCT % of A (default 10; 0 to 1000000)",
	  0, DIFF_MAX_THRESHOLD_PCT, NULL },
	{ "min-count", 0, OPT_U64, offsetof(struct diff_cmd, opts.min_count), "N",
	  "reasons under N exits on both sides are not judged (default 100)", 0, DIFF_MAX_COUNT,
	  NULL },
	{ "force", 0, OPT_FLAG, offsetof(struct diff_cmd, force), NULL,
	  "compare results of different ISAs or workloads anyway", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void diff_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope diff A B [--json] [--threshold PCT] [--min-count N] [--force]\n\n"
		"A and B are two result files, or two directories of them (results/<kernel-id>/),\n"
		"whose files are paired by name: one scenario each.  Per reason of the workload\n"
		"window: the count in A and in B, B - A, B / A, and whether it moved: changed by\n"
		"more than PCT percent of A (default %.0f).  Reasons under N exits on both sides\n"
		"(default %d) are shown but not judged; the total is judged like a reason.\n"
		"The header lists the provenance that differs (kernel, patch, config, accelerator,\n"
		"ISA, workload, and \"exits\" when one side is an older result whose window\n"
		"includes the probe's own reads).  Results of different ISAs or workloads (name or\n"
		"parameters) are not comparable; --force compares them anyway.  Two micro guests'\n"
		"results are also compared per action: one exact on one side only, or caused in\n"
		"one result only, moved.  A result of run --repeat N has each reason's median over\n"
		"its windows and their min-max: with it on either side, a reason over the threshold\n"
		"moved only when each side's count lies outside the other side's min-max (a side\n"
		"without is its one count); otherwise it is \"within noise\" and does not count.\n"
		"\noptions:\n",
		DIFF_DEFAULT_THRESHOLD_PCT, DIFF_DEFAULT_MIN_COUNT);
	opts_usage(out, diff_table);
	fprintf(out,
		"\nExit 0 when nothing moved, 1 when something moved or a scenario is in one\n"
		"directory only, 2 on bad input (not JSON, truncated, not a v1 result, a newer\n"
		"schema, not comparable): the worst of all pairs; 3 when the output cannot be\n"
		"written.\n");
}

/* Returns the index of A in argv (B follows), or -1 after printing why. */
static int diff_parse_args(int argc, char **argv, struct diff_cmd *c)
{
	int n = opts_parse("diff", diff_table, argc, argv, c);

	if (n < 0)
		return -1;
	if (n != 2) {
		fprintf(stderr, "exitscope: diff: needs two results or two directories, A and B\n");
		return -1;
	}
	return 1;
}

/* Sha256 sums are abbreviated in the table; --json has them whole. */
static void diff_print_provenance(const struct diff_provenance *p)
{
	if (!p->nr)
		printf("same      kernel, host, ISA and workload\n");
	for (size_t i = 0; i < p->nr; i++) {
		const struct diff_field *f = &p->fields[i];
		int width = strstr(f->field, "sha256") ? 12 : INT_MAX;

		printf("%-9s %-21s %.*s -> %.*s\n", i ? "" : "differs", f->field, width,
		       text_term(f->a), width, text_term(f->b));
	}
}

static void diff_print_header(const struct result *a, const struct result *b,
			      const struct diff_provenance *p)
{
	char *params = json_dumps(a->workload.params,
				  JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

	printf("--- A %s\n+++ B %s\n", text_term(a->path), text_term(b->path));
	printf("scenario  %s: workload %s %s, %s, %s\n", text_term(a->scenario),
	       text_term(a->workload.name), text_term(params ? params : "?"), exsc_isa_name(a->isa),
	       text_term(a->host.accel));
	free(params);
	diff_print_provenance(p);
}

/* "A 1200-2000": a side's range over its windows, or its one count. */
static void diff_range_text(const char *side, bool spread, uint64_t min, uint64_t max, char *out,
			    size_t size)
{
	if (spread)
		snprintf(out, size, "%s %llu-%llu", side, (unsigned long long)min,
			 (unsigned long long)max);
	else
		snprintf(out, size, "%s %llu", side, (unsigned long long)min);
}

/* "moved -37.5%", "only A", "below min count", "within noise": why a row matters, or not. */
static void diff_row_note(const struct diff_row *row, char *note, size_t size)
{
	const char *side = row->presence == DIFF_ONLY_A ? "only A" :
			   row->presence == DIFF_ONLY_B ? "only B" : "";
	const char *sep = *side ? ", " : "";
	char ra[48], rb[48];

	diff_range_text("A", row->spread_a, row->min_a, row->max_a, ra, sizeof(ra));
	diff_range_text("B", row->spread_b, row->min_b, row->max_b, rb, sizeof(rb));
	if (row->within_noise)
		snprintf(note, size, "%s%swithin noise (%s, %s)", side, sep, ra, rb);
	else if (row->moved && row->a)
		snprintf(note, size, "%s%smoved %+.1f%%", side, sep, row->delta * 100.0 / row->a);
	else if (row->moved)
		snprintf(note, size, "%s%smoved (new)", side, sep);
	else if (row->ignored)
		snprintf(note, size, "%s%sbelow min count", side, sep);
	else
		snprintf(note, size, "%s", side);
}

static void diff_print_row(const char *label, const struct diff_row *row)
{
	char ratio[32], note[160], delta[32];

	snprintf(delta, sizeof(delta), row->delta ? "%+lld" : "0", (long long)row->delta);
	if (isnan(row->ratio))
		snprintf(ratio, sizeof(ratio), "-");
	else
		snprintf(ratio, sizeof(ratio), "%.2f", row->ratio);
	diff_row_note(row, note, sizeof(note));
	printf("%8s  %-24s %12llu %12llu %12s %8s%s%s\n", label,
	       text_term(row->name ? row->name : "?"),
	       (unsigned long long)row->a, (unsigned long long)row->b, delta, ratio,
	       *note ? "  " : "", note);
}

/* How many windows each side's counts are the median of, and the rule that follows. */
static void diff_print_spread(const struct result *a, const struct result *b)
{
	printf("spread    A %zu window%s, B %zu window%s: counts are medians; a reason over the "
	       "threshold moved only when each side's count is outside the other's min-max, else "
	       "it is within noise\n", a->repeat.present ? a->repeat.n : 1,
	       a->repeat.n > 1 ? "s" : "", b->repeat.present ? b->repeat.n : 1,
	       b->repeat.n > 1 ? "s" : "");
}

static void diff_print_window(enum exsc_isa isa, const struct diff_window *d,
			      const struct diff_opts *opts)
{
	char label[16];
	size_t noise = d->total.within_noise;

	for (size_t i = 0; i < d->nr; i++)
		noise += d->rows[i].within_noise;
	printf("%8s  %-24s %12s %12s %12s %8s\n", "reason", "name", "A", "B", "delta", "ratio");
	for (size_t i = 0; i < d->nr; i++) {
		result_reason_label(isa, d->rows[i].reason, label, sizeof(label));
		diff_print_row(label, &d->rows[i]);
	}
	diff_print_row("", &d->total);
	if (d->moved)
		printf("moved: %zu of %zu reasons%s changed by more than %g%%", d->nr_moved, d->nr,
		       d->total.moved ? " and the total" : "", opts->threshold_pct);
	else if (noise)
		printf("unchanged: %zu changed by more than %g%%, all within noise", noise,
		       opts->threshold_pct);
	else
		printf("unchanged: nothing changed by more than %g%%", opts->threshold_pct);
	if (d->moved && noise)
		printf("; %zu more within noise", noise);
	printf(" (reasons under %llu exits on both sides not judged)\n",
	       (unsigned long long)opts->min_count);
}

static json_t *diff_number_or_null(double value)
{
	return isfinite(value) ? json_real(value) : json_null();
}

/* {median, min, max} of a side with windows; the median is the row's count. */
static json_t *diff_spread_json(uint64_t median, uint64_t min, uint64_t max)
{
	return json_pack("{s:I, s:I, s:I}", "median", (json_int_t)median, "min", (json_int_t)min,
			 "max", (json_int_t)max);
}

/* With a spread on either side: each side's, when it has one, and the noise verdict. */
static void diff_row_spread_json(json_t *obj, const struct diff_row *row)
{
	if (row->spread_a)
		json_object_set_new(obj, "spread_a", diff_spread_json(row->a, row->min_a, row->max_a));
	if (row->spread_b)
		json_object_set_new(obj, "spread_b", diff_spread_json(row->b, row->min_b, row->max_b));
	json_object_set_new(obj, "within_noise", json_boolean(row->within_noise));
}

static json_t *diff_row_json(const struct diff_row *row, bool with_reason, bool spread)
{
	static const char *const presence[] = { "both", "a", "b" };
	json_t *obj = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:b, s:b}",
				"a", (json_int_t)row->a, "b", (json_int_t)row->b,
				"cycles_a", (json_int_t)row->cycles_a,
				"cycles_b", (json_int_t)row->cycles_b, "delta", (json_int_t)row->delta,
				"ratio", diff_number_or_null(row->ratio),
				"change_pct", diff_number_or_null(row->change_pct),
				"ignored", row->ignored, "moved", row->moved);

	if (obj && spread)
		diff_row_spread_json(obj, row);
	if (obj && with_reason) {
		json_object_set_new(obj, "reason", json_integer(row->reason));
		json_object_set_new(obj, "name", json_string(row->name ? row->name : "?"));
		json_object_set_new(obj, "presence", json_string(presence[row->presence]));
	}
	return obj;
}

static json_t *diff_pair_json(const struct result *a, const struct result *b,
			      const struct diff_provenance *p, const struct diff_window *d,
			      const struct diff_micro *m, bool spread)
{
	json_t *reasons = json_array(), *provenance = json_object();
	json_t *micro = m->present ? diff_micro_json(m) : NULL;
	bool moved = d->moved || m->moved;
	json_t *windows = spread ? json_pack("{s:i, s:i}", "a",
					     a->repeat.present ? (int)a->repeat.n : 1, "b",
					     b->repeat.present ? (int)b->repeat.n : 1) : NULL;

	if (m->present && !micro) {
		json_decref(reasons);
		json_decref(provenance);
		return NULL;
	}

	for (size_t i = 0; i < d->nr; i++)
		json_array_append_new(reasons, diff_row_json(&d->rows[i], true, spread));
	for (size_t i = 0; i < p->nr; i++)
		json_object_set_new(provenance, p->fields[i].field,
				    json_pack("{s:s, s:s}", "a", p->fields[i].a, "b", p->fields[i].b));
	return json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:o*, s:o*, s:b, s:i}", "a",
			 text_json(a->path), "b", text_json(b->path),
			 "scenario", a->scenario, "provenance", provenance, "reasons", reasons,
			 "total", diff_row_json(&d->total, false, spread),
			 "micro", micro, "windows", windows, "moved", moved,
			 "exit", moved ? EXIT_MEASURED_FAILED : 0);
}

/* One entry of --json's pairs; one that cannot be built fails the document, never drops. */
static void diff_add_pair(struct diff_cmd *c, json_t *entry)
{
	if (!entry || json_array_append_new(c->pairs, entry) < 0)
		c->pairs_lost = true;
}

/* An entry for a pair that could not be compared, so --json readers see it too. */
static int diff_pair_failed(struct diff_cmd *c, const char *pa, const char *pb, const char *why)
{
	fprintf(stderr, "exitscope: diff: %s\n", text_term(why));
	if (c->json)
		diff_add_pair(c, json_pack("{s:o?, s:o?, s:o, s:i}", "a", pa ? text_json(pa) : NULL,
					   "b", pb ? text_json(pb) : NULL, "error", text_json(why),
					   "exit", EXIT_USAGE));
	return EXIT_USAGE;
}

static int diff_compared(struct diff_cmd *c, const struct result *a, const struct result *b)
{
	struct diff_provenance p;
	struct diff_micro m = { 0 };
	struct diff_window d = { 0 };
	bool spread;
	int ret;

	if (diff_provenance(a, b, &p) || diff_windows(&a->exits, &b->exits, &c->opts, &d) ||
	    diff_micro(a, b, &m)) {
		diff_window_free(&d);
		diff_provenance_free(&p);
		fprintf(stderr, "exitscope: diff: out of memory\n");
		return EXIT_ENVIRONMENT;
	}
	spread = diff_spread_apply(&d, a, b);
	if (c->json) {
		diff_add_pair(c, diff_pair_json(a, b, &p, &d, &m, spread));
	} else {
		diff_print_header(a, b, &p);
		if (spread)
			diff_print_spread(a, b);
		diff_print_window(a->isa, &d, &c->opts);
		diff_micro_write(stdout, a->isa, &m);
	}
	ret = d.moved || m.moved ? EXIT_MEASURED_FAILED : 0;
	diff_micro_free(&m);
	diff_window_free(&d);
	diff_provenance_free(&p);
	return ret;
}

static int diff_files(struct diff_cmd *c, const char *pa, const char *pb)
{
	struct result_error err;
	struct result a, b;
	int ret;

	if (result_load(pa, &a, &err))
		return diff_pair_failed(c, pa, pb, err.text);
	if (result_load(pb, &b, &err)) {
		result_free(&a);
		return diff_pair_failed(c, pa, pb, err.text);
	}
	if (!c->force && !diff_comparable(&a, &b, err.text, sizeof(err.text))) {
		char why[1024];

		snprintf(why, sizeof(why), "%s and %s are not comparable: %s; "
			 "--force compares them anyway", pa, pb, err.text);
		ret = diff_pair_failed(c, pa, pb, why);
	} else {
		ret = diff_compared(c, &a, &b);
	}
	result_free(&a);
	result_free(&b);
	return ret;
}

/* A scenario in one directory only: a difference, since a run is missing. */
static int diff_unpaired(struct diff_cmd *c, const char *path, bool in_a)
{
	if (c->json)
		diff_add_pair(c, json_pack("{s:o, s:s, s:i}", in_a ? "a" : "b", text_json(path),
					   "error", in_a ? "only in A" : "only in B",
					   "exit", EXIT_MEASURED_FAILED));
	else
		printf("only in %s: %s\n", in_a ? "A" : "B", text_term(path));
	return EXIT_MEASURED_FAILED;
}

/* @dir's length without its trailing slashes (but "/" stays itself). */
static size_t dir_len_without_slash(const char *dir)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	return len;
}

static int diff_one_pair(struct diff_cmd *c, const char *da, const char *db,
			 const struct diff_pair *pair)
{
	char pa[PATH_MAX], pb[PATH_MAX];
	const char *name;
	int ret;

	/* "results/A/" as typed by a shell's completion: one slash, not two. */
	snprintf(pa, sizeof(pa), "%.*s/%s", (int)dir_len_without_slash(da), da,
		 pair->a ? pair->a : "");
	snprintf(pb, sizeof(pb), "%.*s/%s", (int)dir_len_without_slash(db), db,
		 pair->b ? pair->b : "");
	if (!pair->a || !pair->b)
		return diff_unpaired(c, pair->a ? pa : pb, pair->a);
	if (c->json)
		return diff_files(c, pa, pb);
	name = text_term(pair->a);
	printf("== %.*s\n", (int)strlen(name) - 5, name);
	ret = diff_files(c, pa, pb);
	printf("\n");
	fflush(stdout);
	return ret;
}

static int diff_dirs(struct diff_cmd *c, const char *da, const char *db)
{
	char **na = NULL, **nb = NULL;
	struct diff_pair *pairs = NULL;
	int n_a = result_list_dir(da, &na), n_b = result_list_dir(db, &nb), n = 0, worst = 0;

	if (n_a < 0 || n_b < 0) {
		fprintf(stderr, "exitscope: diff: cannot list %s: %s\n", n_a < 0 ? da : db,
			strerror(-(n_a < 0 ? n_a : n_b)));
		worst = EXIT_USAGE;
	} else if (n_a + n_b == 0) {
		fprintf(stderr, "exitscope: diff: no *.json results in %s or %s\n", da, db);
		worst = EXIT_USAGE;
	} else {
		pairs = calloc((size_t)(n_a + n_b), sizeof(*pairs));
		n = pairs ? diff_pair_names((const char *const *)na, (size_t)n_a,
					    (const char *const *)nb, (size_t)n_b, pairs) : -ENOMEM;
		if (n < 0)
			worst = EXIT_ENVIRONMENT;
	}
	for (int i = 0; i < n; i++)
		worst = diff_worst(worst, diff_one_pair(c, da, db, &pairs[i]));
	free(pairs);
	result_free_names(na, n_a);
	result_free_names(nb, n_b);
	return worst;
}

static int diff_print_json(struct diff_cmd *c, int code)
{
	json_t *doc = c->pairs_lost ? NULL :
		      json_pack("{s:f, s:I, s:O, s:i}", "threshold_pct", c->opts.threshold_pct,
				"min_count", (json_int_t)c->opts.min_count, "pairs", c->pairs,
				"exit", code);

	if (!doc || json_dumpf(doc, stdout, JSON_SORT_KEYS | JSON_INDENT(2)) < 0) {
		json_decref(doc);
		fprintf(stderr, "exitscope: diff: cannot print the JSON document\n");
		return EXIT_ENVIRONMENT;
	}
	putchar('\n');
	json_decref(doc);
	return code;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_cmd c = {
		.opts = { DIFF_DEFAULT_THRESHOLD_PCT, DIFF_DEFAULT_MIN_COUNT },
	};
	int first = diff_parse_args(argc, argv, &c), code;
	bool dir_a, dir_b;

	if (first < 0)
		return EXIT_USAGE;
	for (int i = first; i < first + 2; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "exitscope: diff: %s: %s\n", argv[i], strerror(errno));
			return EXIT_USAGE;
		}
	}
	dir_a = util_is_dir(argv[first]);
	dir_b = util_is_dir(argv[first + 1]);
	if (dir_a != dir_b) {
		fprintf(stderr, "exitscope: diff: %s is a directory and %s is not; give two result "
				"files or two directories\n",
			dir_a ? argv[first] : argv[first + 1], dir_a ? argv[first + 1] : argv[first]);
		return EXIT_USAGE;
	}
	c.pairs = json_array();
	if (dir_a)
		code = diff_dirs(&c, argv[first], argv[first + 1]);
	else
		code = diff_files(&c, argv[first], argv[first + 1]);
	if (c.json)
		code = diff_print_json(&c, code);
	json_decref(c.pairs);
	return code;
}
