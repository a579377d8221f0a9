// SPDX-License-Identifier: GPL-2.0
/*
 * A result's "micro" block: the micro guest's per-action table.  Its
 * verdicts are held to its numbers, so a hand-edited result cannot claim an
 * exactness it does not have: each reason's exact is caused == cpuid ==
 * debugfs == traced, and the block's exact is every reason exact, at least
 * one reason, and no error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/micro-verdict.h"
#include "result-parse.h"

static int micro_reason_number(json_int_t value, const char *where, uint32_t *out,
			       struct result_error *err)
{
	if (value < 0 || value > UINT32_MAX)
		return result_fail(err, -EINVAL, "%s: reason %lld is not a 32-bit exit code", where,
				   (long long)value);
	*out = (uint32_t)value;
	return 0;
}

static int micro_reason(json_t *item, const char *where, struct result_micro_reason *out,
			struct result_error *err)
{
	json_int_t reason, caused, cpuid, debugfs, traced, cycles;
	bool same;
	int exact;

	if (result_unpack(item, where, err, "{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b}",
			  "action", &out->action, "reason", &reason, "name", &out->name,
			  "caused", &caused, "cpuid", &cpuid, "debugfs", &debugfs,
			  "traced", &traced, "cycles", &cycles, "exact", &exact) ||
	    micro_reason_number(reason, where, &out->reason, err) ||
	    result_counter(caused, where, "caused", &out->caused, err) ||
	    result_counter(cycles, where, "cycles", &out->cycles, err))
		return -EINVAL;
	out->cpuid = cpuid;
	out->debugfs = debugfs;
	out->traced = traced;
	out->exact = exact;
	same = micro_views_exact(caused, cpuid, debugfs, traced);
	if (out->exact != same)
		return result_fail(err, -EINVAL, "%s.exact is %s, but caused %lld, cpuid %lld, "
				   "debugfs %lld, traced %lld are %s", where,
				   exact ? "true" : "false", (long long)caused, (long long)cpuid,
				   (long long)debugfs, (long long)traced,
				   same ? "all equal" : "not all equal");
	return 0;
}

/* An action measured twice would be one row of diff with two answers. */
static int micro_check_unique(const struct result_micro *m, struct result_error *err)
{
	for (size_t i = 0; i < m->nr_reasons; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(m->reasons[i].action, m->reasons[j].action))
				return result_fail(err, -EINVAL, "micro.reasons lists action '%s' "
						   "twice", m->reasons[i].action);
	return 0;
}

static int micro_reasons(json_t *array, struct result_micro *m, struct result_error *err)
{
	char where[64];
	json_t *item;
	size_t i;

	if (!json_is_array(array))
		return result_fail(err, -EINVAL, "micro.reasons is not an array");
	m->reasons = calloc(json_array_size(array) + 1, sizeof(*m->reasons));
	if (!m->reasons)
		return result_fail(err, -ENOMEM, "out of memory");
	json_array_foreach(array, i, item) {
		snprintf(where, sizeof(where), "micro.reasons[%zu]", i);
		if (micro_reason(item, where, &m->reasons[i], err))
			return -EINVAL;
		m->nr_reasons = i + 1;
		m->nr_exact += m->reasons[i].exact;
	}
	return micro_check_unique(m, err);
}

/* unsupported[]: {action, reason?, name?, why}. */
static int micro_unsupported(json_t *item, const char *where, struct result_micro_note *out,
			     struct result_error *err)
{
	json_int_t reason = -1;

	if (result_unpack(item, where, err, "{s:s, s?I, s?s, s:s}", "action", &out->action,
			  "reason", &reason, "name", &out->name, "why", &out->text))
		return -EINVAL;
	if (!json_object_get(item, "reason"))
		return 0;
	out->has_reason = true;
	return micro_reason_number(reason, where, &out->reason, err);
}

/* errors[]: {action, error}. */
static int micro_error(json_t *item, const char *where, struct result_micro_note *out,
		       struct result_error *err)
{
	return result_unpack(item, where, err, "{s:s, s:s}", "action", &out->action,
			     "error", &out->text);
}

typedef int micro_note_parser(json_t *item, const char *where, struct result_micro_note *out,
			      struct result_error *err);

static int micro_notes(json_t *array, const char *key, micro_note_parser *parse,
		       struct result_micro_note **notes, size_t *nr, struct result_error *err)
{
	char where[64];
	json_t *item;
	size_t i;

	if (!json_is_array(array))
		return result_fail(err, -EINVAL, "micro.%s is not an array", key);
	*notes = calloc(json_array_size(array) + 1, sizeof(**notes));
	if (!*notes)
		return result_fail(err, -ENOMEM, "out of memory");
	json_array_foreach(array, i, item) {
		snprintf(where, sizeof(where), "micro.%s[%zu]", key, i);
		if (parse(item, where, &(*notes)[i], err))
			return -EINVAL;
		*nr = i + 1;
	}
	return 0;
}

int result_parse_micro(json_t *obj, struct result *r, struct result_error *err)
{
	struct result_micro *m = &r->micro;
	json_t *reasons, *unsupported, *errors;
	json_int_t k;
	bool earned;
	int exact;

	if (!obj)
		return 0;
	if (result_unpack(obj, "micro", err, "{s:I, s:b, s:o, s:o, s:o}", "k", &k,
			  "exact", &exact, "reasons", &reasons, "unsupported", &unsupported,
			  "errors", &errors))
		return -EINVAL;
	if (k < 1)
		return result_fail(err, -EINVAL, "micro.k is %lld, at least 1 expected",
				   (long long)k);
	m->k = (uint64_t)k;
	m->exact = exact;
	if (micro_reasons(reasons, m, err) ||
	    micro_notes(unsupported, "unsupported", micro_unsupported, &m->unsupported,
			&m->nr_unsupported, err) ||
	    micro_notes(errors, "errors", micro_error, &m->errors, &m->nr_errors, err))
		return -EINVAL;
	earned = micro_run_exact(m->nr_reasons, m->nr_exact, m->nr_errors);
	if (m->exact != earned)
		return result_fail(err, -EINVAL, "micro.exact is %s, but %zu of %zu reasons are "
				   "exact with %zu error(s); exact needs at least one reason, all "
				   "exact, and no error", exact ? "true" : "false", m->nr_exact,
				   m->nr_reasons, m->nr_errors);
	m->present = true;
	return 0;
}

void result_micro_free(struct result_micro *m)
{
	free(m->reasons);
	free(m->unsupported);
	free(m->errors);
	memset(m, 0, sizeof(*m));
}
