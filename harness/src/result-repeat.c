// SPDX-License-Identifier: GPL-2.0
/*
 * A result's "repeat" block (exitscope run --repeat N): n windows, each the
 * workload's and checked like any window, their spread, and "exits" as
 * their median.  The spread and the median are recomputed here with the
 * writer's own repeat_summarize(), so a file whose numbers do not follow
 * from its windows is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repeat.h"
#include "result-parse.h"

static int repeat_windows(json_t *windows, struct result *r, struct result_error *err)
{
	struct result_repeat *rep = &r->repeat;
	char where[48];
	json_t *w;
	size_t i;

	if (!json_is_array(windows))
		return result_fail(err, -EINVAL, "repeat.windows is not an array");
	if (json_array_size(windows) != rep->n)
		return result_fail(err, -EINVAL, "repeat.windows holds %zu, but repeat.n is %zu",
				   json_array_size(windows), rep->n);
	rep->windows = calloc(rep->n, sizeof(*rep->windows));
	if (!rep->windows)
		return result_fail(err, -ENOMEM, "out of memory");
	json_array_foreach(windows, i, w) {
		snprintf(where, sizeof(where), "repeat.windows[%zu]", i);
		if (result_parse_window(w, where, &rep->windows[i], err) ||
		    result_check_window(r, &rep->windows[i], where, err))
			return -EINVAL;
	}
	return 0;
}

/* @median, @min and @max at @where are what the windows give. */
static int repeat_stat_equal(json_int_t median, json_int_t min, json_int_t max, const char *where,
			     const struct result_spread *want, struct result_error *err)
{
	if (median != (json_int_t)want->median || min != (json_int_t)want->min ||
	    max != (json_int_t)want->max)
		return result_fail(err, -EINVAL, "%s is median %lld, min %lld, max %lld, but the "
				   "windows give %llu, %llu, %llu", where, (long long)median,
				   (long long)min, (long long)max, (unsigned long long)want->median,
				   (unsigned long long)want->min, (unsigned long long)want->max);
	return 0;
}

/* {median, min, max} at @where, equal to what the windows give. */
static int repeat_stat_check(json_t *obj, const char *where, const struct result_spread *want,
			     struct result_error *err)
{
	json_int_t median, min, max;

	if (result_unpack(obj, where, err, "{s:I, s:I, s:I}", "median", &median, "min", &min,
			  "max", &max))
		return -EINVAL;
	return repeat_stat_equal(median, min, max, where, want, err);
}

static int repeat_spread_row(json_t *item, size_t k, const struct result_spread *want,
			     struct result_spread *out, struct result_error *err)
{
	json_int_t reason, median, min, max;
	char where[48];

	snprintf(where, sizeof(where), "repeat.spread.by_reason[%zu]", k);
	if (result_unpack(item, where, err, "{s:I, s:s, s:I, s:I, s:I}", "reason", &reason,
			  "name", &out->name, "median", &median, "min", &min, "max", &max))
		return -EINVAL;
	if (reason != (json_int_t)want->reason || strcmp(out->name, want->name))
		return result_fail(err, -EINVAL, "%s is reason %lld '%s', but the windows' next "
				   "reason by number is %u '%s'", where, (long long)reason, out->name,
				   want->reason, want->name);
	out->reason = want->reason;
	out->median = want->median;
	out->min = want->min;
	out->max = want->max;
	return repeat_stat_equal(median, min, max, where, want, err);
}

/* spread: {total, by_reason}, every reason of the windows by number, and no other. */
static int repeat_spread(json_t *spread, const struct repeat_summary *s, struct result *r,
			 struct result_error *err)
{
	struct result_repeat *rep = &r->repeat;
	json_t *total, *by_reason, *item;
	size_t k;

	if (result_unpack(spread, "repeat.spread", err, "{s:o, s:o}", "total", &total,
			  "by_reason", &by_reason) ||
	    repeat_stat_check(total, "repeat.spread.total", &s->total, err))
		return -EINVAL;
	if (!json_is_array(by_reason))
		return result_fail(err, -EINVAL, "repeat.spread.by_reason is not an array");
	if (json_array_size(by_reason) != s->nr)
		return result_fail(err, -EINVAL, "repeat.spread.by_reason holds %zu reasons, but the "
				   "windows have %zu", json_array_size(by_reason), s->nr);
	rep->total = s->total;
	rep->spread = calloc(s->nr + 1, sizeof(*rep->spread));
	if (!rep->spread)
		return result_fail(err, -ENOMEM, "out of memory");
	json_array_foreach(by_reason, k, item) {
		if (repeat_spread_row(item, k, &s->rows[k], &rep->spread[k], err))
			return -EINVAL;
		rep->nr_spread = k + 1;
	}
	return 0;
}

/* "exits" is the median window: each reason's median count and cycles, none at 0. */
static int repeat_exits(const struct repeat_summary *s, const struct result *r,
			struct result_error *err)
{
	size_t nonzero = 0;

	if (r->exits.total != s->total.median || r->exits.cycles != s->cycles)
		return result_fail(err, -EINVAL, "exits.total and cycles are %llu and %llu, but the "
				   "windows' medians are %llu and %llu",
				   (unsigned long long)r->exits.total,
				   (unsigned long long)r->exits.cycles,
				   (unsigned long long)s->total.median, (unsigned long long)s->cycles);
	for (size_t k = 0; k < s->nr; k++) {
		const struct result_reason *row = result_window_find(&r->exits, s->rows[k].reason);

		nonzero += s->rows[k].median > 0;
		if (!s->rows[k].median && !row)
			continue;
		if (!row || row->count != s->rows[k].median || row->cycles != s->row_cycles[k])
			return result_fail(err, -EINVAL, "exits has reason %u at %llu, but the windows' "
					   "median is %llu (cycles %llu)", s->rows[k].reason,
					   (unsigned long long)(row ? row->count : 0),
					   (unsigned long long)s->rows[k].median,
					   (unsigned long long)s->row_cycles[k]);
	}
	if (r->exits.nr != nonzero)
		return result_fail(err, -EINVAL, "exits lists %zu reasons, but %zu have a median "
				   "above 0 over the windows", r->exits.nr, nonzero);
	return 0;
}

int result_parse_repeat(json_t *obj, struct result *r, struct result_error *err)
{
	struct repeat_summary s;
	json_int_t n;
	json_t *windows, *spread;
	int ret;

	if (!obj)
		return 0;
	if (r->kernel.stock || r->micro.present)
		return result_fail(err, -EINVAL, "repeat is there, but a %s has no probe windows",
				   r->kernel.stock ? "stock kernel's result" : "micro stage's result");
	if (result_unpack(obj, "repeat", err, "{s:I, s:o, s:o}", "n", &n, "windows", &windows,
			  "spread", &spread))
		return -EINVAL;
	if (n < REPEAT_MIN || n > REPEAT_MAX)
		return result_fail(err, -EINVAL, "repeat.n is %lld, not %d to %d (one window has no "
				   "repeat block)", (long long)n, REPEAT_MIN, REPEAT_MAX);
	r->repeat.n = (size_t)n;
	if (repeat_windows(windows, r, err))
		return -EINVAL;
	if (repeat_summarize(r->repeat.windows, r->repeat.n, &s))
		return result_fail(err, -ENOMEM, "out of memory");
	ret = repeat_spread(spread, &s, r, err);
	if (!ret)
		ret = repeat_exits(&s, r, err);
	repeat_summary_free(&s);
	if (!ret)
		r->repeat.present = true;
	return ret;
}

void result_repeat_free(struct result_repeat *rep)
{
	for (size_t i = 0; rep->windows && i < rep->n; i++)
		free(rep->windows[i].by_reason);
	free(rep->windows);
	free(rep->spread);
	memset(rep, 0, sizeof(*rep));
}
