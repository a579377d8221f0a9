// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "repeat.h"

static int repeat_u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

uint64_t repeat_median(uint64_t *v, size_t n)
{
	uint64_t lo, hi;

	qsort(v, n, sizeof(*v), repeat_u64_cmp);
	if (n % 2)
		return v[n / 2];
	lo = v[n / 2 - 1];
	hi = v[n / 2];
	/* No overflow: lo <= hi, so the half of their difference fits. */
	return lo + (hi - lo) / 2;
}

static int repeat_reason_cmp(const void *x, const void *y)
{
	const struct result_spread *a = x, *b = y;

	return (a->reason > b->reason) - (a->reason < b->reason);
}

/* The union of the windows' reasons, by number, each named as its first window names it. */
static size_t repeat_reasons(const struct result_window *w, size_t n, struct result_spread *rows)
{
	size_t nr = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < w[i].nr; j++) {
			size_t k = 0;

			while (k < nr && rows[k].reason != w[i].by_reason[j].reason)
				k++;
			if (k == nr)
				rows[nr++] = (struct result_spread){ .reason = w[i].by_reason[j].reason,
								     .name = w[i].by_reason[j].name };
		}
	}
	qsort(rows, nr, sizeof(*rows), repeat_reason_cmp);
	return nr;
}

/* Median, min and max of @v's @n values (sorted by the median). */
static void repeat_stat(uint64_t *v, size_t n, struct result_spread *out)
{
	out->median = repeat_median(v, n);
	out->min = v[0];
	out->max = v[n - 1];
}

static void repeat_row(const struct result_window *w, size_t n, struct result_spread *row,
		       uint64_t *cycles, uint64_t *counts, uint64_t *cyc)
{
	for (size_t i = 0; i < n; i++) {
		const struct result_reason *r = result_window_find(&w[i], row->reason);

		counts[i] = r ? r->count : 0;
		cyc[i] = r ? r->cycles : 0;
	}
	repeat_stat(counts, n, row);
	*cycles = repeat_median(cyc, n);
}

int repeat_summarize(const struct result_window *w, size_t n, struct repeat_summary *out)
{
	size_t most = 0;
	uint64_t counts[REPEAT_MAX], cyc[REPEAT_MAX];

	memset(out, 0, sizeof(*out));
	if (n < REPEAT_MIN || n > REPEAT_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		most += w[i].nr;
	out->rows = calloc(most + 1, sizeof(*out->rows));
	out->row_cycles = calloc(most + 1, sizeof(*out->row_cycles));
	if (!out->rows || !out->row_cycles) {
		repeat_summary_free(out);
		return -ENOMEM;
	}
	out->nr = repeat_reasons(w, n, out->rows);
	for (size_t k = 0; k < out->nr; k++)
		repeat_row(w, n, &out->rows[k], &out->row_cycles[k], counts, cyc);
	for (size_t i = 0; i < n; i++) {
		counts[i] = w[i].total;
		cyc[i] = w[i].cycles;
	}
	out->total.name = "total";
	repeat_stat(counts, n, &out->total);
	out->cycles = repeat_median(cyc, n);
	return 0;
}

void repeat_summary_free(struct repeat_summary *s)
{
	free(s->rows);
	free(s->row_cycles);
	memset(s, 0, sizeof(*s));
}

json_t *repeat_exits_json(const struct repeat_summary *s)
{
	json_t *by_reason = json_array();

	for (size_t k = 0; by_reason && k < s->nr; k++) {
		if (!s->rows[k].median)
			continue;
		if (json_array_append_new(by_reason,
					  json_pack("{s:I, s:s, s:I, s:I}", "reason",
						    (json_int_t)s->rows[k].reason, "name",
						    s->rows[k].name, "count",
						    (json_int_t)s->rows[k].median, "cycles",
						    (json_int_t)s->row_cycles[k]))) {
			json_decref(by_reason);
			return NULL;
		}
	}
	return json_pack("{s:I, s:I, s:o}", "total", (json_int_t)s->total.median, "cycles",
			 (json_int_t)s->cycles, "by_reason", by_reason);
}

static json_t *repeat_stat_json(const struct result_spread *st)
{
	return json_pack("{s:I, s:I, s:I}", "median", (json_int_t)st->median, "min",
			 (json_int_t)st->min, "max", (json_int_t)st->max);
}

json_t *repeat_spread_json(const struct repeat_summary *s)
{
	json_t *by_reason = json_array();

	for (size_t k = 0; by_reason && k < s->nr; k++) {
		json_t *row = repeat_stat_json(&s->rows[k]);

		if (!row || json_object_set_new(row, "reason", json_integer(s->rows[k].reason)) ||
		    json_object_set_new(row, "name", json_string(s->rows[k].name)) ||
		    json_array_append_new(by_reason, row)) {
			json_decref(by_reason);
			return NULL;
		}
	}
	return json_pack("{s:o, s:o}", "total", repeat_stat_json(&s->total), "by_reason",
			 by_reason);
}
