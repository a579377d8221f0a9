// SPDX-License-Identifier: GPL-2.0
/* exitmicro cost, the pure half: the modes' names, medians and the document. */
#include <stdlib.h>
#include <string.h>

#include "cost.h"

const char *micro_cost_mode_name(enum micro_cost_mode mode)
{
	static const char *const names[MICRO_COST_MODES] = { "plain", "event", "hist" };

	return mode < MICRO_COST_MODES ? names[mode] : "?";
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t micro_cost_median(const uint64_t *values, unsigned int nr)
{
	uint64_t sorted[MICRO_COST_WINDOWS_MAX];

	if (!nr || nr > MICRO_COST_WINDOWS_MAX)
		return 0;
	memcpy(sorted, values, nr * sizeof(*values));
	qsort(sorted, nr, sizeof(*sorted), cmp_u64);
	return sorted[(nr - 1) / 2];
}

static json_t *mode_doc(const struct micro_cost *c, const uint64_t *ticks)
{
	json_t *list = json_array();
	uint64_t min = UINT64_MAX, max = 0;

	for (unsigned int w = 0; list && w < c->windows; w++) {
		if (ticks[w] > INT64_MAX || json_array_append_new(list, json_integer((json_int_t)ticks[w]))) {
			json_decref(list);
			return NULL;
		}
		min = ticks[w] < min ? ticks[w] : min;
		max = ticks[w] > max ? ticks[w] : max;
	}
	return json_pack("{s:o, s:{s:f, s:f, s:f}}", "ticks", list, "per_exit", "median",
			 (double)micro_cost_median(ticks, c->windows) / (double)c->n, "min",
			 (double)min / (double)c->n, "max", (double)max / (double)c->n);
}

json_t *micro_cost_doc(const struct micro_cost *c)
{
	json_t *modes = json_object();

	if (!c->n || !c->windows || c->windows > MICRO_COST_WINDOWS_MAX || c->n > INT64_MAX) {
		json_decref(modes);
		return NULL;
	}
	for (int m = 0; modes && m < MICRO_COST_MODES; m++) {
		json_t *mode = mode_doc(c, c->ticks[m]);

		if (!mode || json_object_set_new(modes, micro_cost_mode_name(m), mode)) {
			json_decref(modes);
			return NULL;
		}
	}
	return json_pack("{s:s, s:I, s:i, s:s, s:b, s:s, s:s, s:o}", "schema", MICRO_COST_SCHEMA,
			 "n", (json_int_t)c->n, "windows", (int)c->windows, "clock", "guest tsc",
			 "exitscope", c->exitscope, "isa", exsc_isa_name(c->isa), "release",
			 c->release, "modes", modes);
}
