// SPDX-License-Identifier: GPL-2.0
/* The strict check of exitmicro cost's document (cost-doc.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost-doc.h"

#define COST_WINDOWS_MAX 100

static const char *const cost_modes[] = { "plain", "event", "hist" };

static int cost_fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int cmp_int(const void *a, const void *b)
{
	json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;

	return (x > y) - (x < y);
}

/* The writer divides a whole tick count by n; allow for its printed precision only. */
static int figure_ok(json_t *per_exit, const char *key, json_int_t ticks, json_int_t n)
{
	double want = (double)ticks / (double)n, got = json_real_value(json_object_get(per_exit, key));
	double off = got > want ? got - want : want - got;

	return json_is_real(json_object_get(per_exit, key)) && off <= 1e-6 * (want + 1);
}

static int check_mode(json_t *mode, const char *name, json_int_t n, json_int_t windows,
		      char *err, size_t size)
{
	json_t *ticks = json_object_get(mode, "ticks"), *per_exit = json_object_get(mode, "per_exit");
	json_int_t sorted[COST_WINDOWS_MAX];

	if (!json_is_object(mode) || json_object_size(mode) != 2 || !json_is_array(ticks) ||
	    !json_is_object(per_exit) || json_object_size(per_exit) != 3)
		return cost_fail(err, size, "modes.%s is not {ticks, per_exit: {median, min, max}}", name);
	if ((json_int_t)json_array_size(ticks) != windows)
		return cost_fail(err, size, "modes.%s.ticks has %zu entries, not windows (%lld)", name,
				 json_array_size(ticks), (long long)windows);
	for (json_int_t w = 0; w < windows; w++) {
		json_t *t = json_array_get(ticks, (size_t)w);

		if (!json_is_integer(t) || json_integer_value(t) <= 0)
			return cost_fail(err, size, "modes.%s.ticks[%lld] is not a positive integer",
					 name, (long long)w);
		sorted[w] = json_integer_value(t);
	}
	qsort(sorted, (size_t)windows, sizeof(*sorted), cmp_int);
	if (!figure_ok(per_exit, "median", sorted[(windows - 1) / 2], n) ||
	    !figure_ok(per_exit, "min", sorted[0], n) ||
	    !figure_ok(per_exit, "max", sorted[windows - 1], n))
		return cost_fail(err, size, "modes.%s.per_exit is not its ticks' median, min and max "
				 "over n", name);
	return 0;
}

static int check_head(json_t *doc, json_int_t *n, json_int_t *windows, json_t **modes,
		      char *err, size_t size)
{
	json_error_t jerr;
	const char *schema, *clock, *isa, *release;
	int exitscope;

	if (json_unpack_ex(doc, &jerr, JSON_STRICT, "{s:s, s:I, s:I, s:s, s:b, s:s, s:s, s:o}",
			   "schema", &schema, "n", n, "windows", windows, "clock", &clock,
			   "exitscope", &exitscope, "isa", &isa, "release", &release, "modes", modes))
		return cost_fail(err, size, "%s", jerr.text);
	if (*n < 1)
		return cost_fail(err, size, "n is %lld, not a positive count", (long long)*n);
	if (*windows < 1 || *windows > COST_WINDOWS_MAX)
		return cost_fail(err, size, "windows is %lld, not 1 to %d", (long long)*windows,
				 COST_WINDOWS_MAX);
	if (strcmp(clock, "guest tsc"))
		return cost_fail(err, size, "clock is '%s', not 'guest tsc'", clock);
	if (strcmp(isa, "vmx") && strcmp(isa, "svm") && strcmp(isa, "none"))
		return cost_fail(err, size, "isa is '%s', not vmx, svm or none", isa);
	if (!json_is_object(*modes) || json_object_size(*modes) != 3)
		return cost_fail(err, size, "modes is not {plain, event, hist}");
	return 0;
}

int cost_doc_check(json_t *doc, char *err, size_t size)
{
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	json_int_t n, windows;
	json_t *modes;
	int r;

	if (!json_is_object(doc) || !schema || strcmp(schema, COST_DOC_SCHEMA)) {
		snprintf(err, size, "schema is not %s", COST_DOC_SCHEMA);
		return -ENOMSG;
	}
	r = check_head(doc, &n, &windows, &modes, err, size);
	for (size_t m = 0; !r && m < sizeof(cost_modes) / sizeof(cost_modes[0]); m++) {
		json_t *mode = json_object_get(modes, cost_modes[m]);

		r = mode ? check_mode(mode, cost_modes[m], n, windows, err, size) :
			   cost_fail(err, size, "modes has no %s", cost_modes[m]);
	}
	return r;
}

double cost_doc_per_exit(json_t *doc, const char *mode)
{
	json_t *m = json_object_get(json_object_get(doc, "modes"), mode);

	return json_real_value(json_object_get(json_object_get(m, "per_exit"), "median"));
}
