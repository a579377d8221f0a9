// SPDX-License-Identifier: GPL-2.0
/*
 * Exit windows.  The parser unpacks each object strictly with "s:o" and then
 * checks every value itself: jansson's own type errors ("Expected integer,
 * got string") do not say which key, and the key is what a reader can act on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/reasons.h"
#include "window.h"

int window_fail(char *err, size_t errsize, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return r;
}

int exit_table_add(struct exit_table *t, uint32_t reason, uint64_t count, uint64_t cycles)
{
	if (t->n == EXIT_TABLE_MAX)
		return -E2BIG;
	t->v[t->n++] = (struct exit_count){ reason, count, cycles };
	return 0;
}

const struct exit_count *exit_table_find(const struct exit_table *t, uint32_t reason)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].reason == reason)
			return &t->v[i];
	return NULL;
}

/* @reason's row in @t, writable, or NULL. */
static struct exit_count *exit_table_row(struct exit_table *t, uint32_t reason)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].reason == reason)
			return &t->v[i];
	return NULL;
}

int exit_table_since(struct exit_table *t, const struct exit_table *before)
{
	if (t->total < before->total || t->cycles < before->cycles)
		return -ERANGE;
	for (size_t i = 0; i < before->n; i++) {
		const struct exit_count *then = &before->v[i];
		struct exit_count *now = exit_table_row(t, then->reason);

		if (!now ? then->count || then->cycles :
			   now->count < then->count || now->cycles < then->cycles)
			return -ERANGE;
		if (now) {
			now->count -= then->count;
			now->cycles -= then->cycles;
		}
	}
	t->total -= before->total;
	t->cycles -= before->cycles;
	return 0;
}

static const char *window_reason_name(enum exsc_isa isa, uint32_t reason)
{
	const char *name = reasons_name(isa, reason);

	return name ? name : WINDOW_UNKNOWN_NAME;
}

static json_t *window_reason_json(enum exsc_isa isa, const struct exit_count *c)
{
	return json_pack("{s:I, s:s, s:I, s:I}", "reason", (json_int_t)c->reason,
			 "name", window_reason_name(isa, c->reason), "count", (json_int_t)c->count,
			 "cycles", (json_int_t)c->cycles);
}

json_t *window_json(enum exsc_isa isa, const struct exit_table *t)
{
	json_t *by_reason = json_array();

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].count)
			json_array_append_new(by_reason, window_reason_json(isa, &t->v[i]));
	return json_pack("{s:I, s:I, s:o}", "total", (json_int_t)t->total,
			 "cycles", (json_int_t)t->cycles, "by_reason", by_reason);
}

json_t *window_delta_json(enum exsc_isa isa, const struct exit_table *before,
			  const struct exit_table *after)
{
	struct exit_table *delta = calloc(1, sizeof(*delta));
	json_t *window;

	if (!delta)
		return NULL;
	/* No more rows than @after has: exit_table_add() cannot fail. */
	for (size_t i = 0; i < after->n; i++) {
		const struct exit_count *a = &after->v[i], *b = exit_table_find(before, a->reason);

		exit_table_add(delta, a->reason, a->count - (b ? b->count : 0),
			       a->cycles - (b ? b->cycles : 0));
	}
	delta->total = after->total - before->total;
	delta->cycles = after->cycles - before->cycles;
	window = window_json(isa, delta);
	free(delta);
	return window;
}

const char *window_type_name(const json_t *value)
{
	switch (value ? json_typeof(value) : JSON_NULL) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

int window_counter(json_t *value, const char *key, uint64_t *out, char *err, size_t errsize)
{
	json_int_t v;

	if (!json_is_integer(value))
		return window_fail(err, errsize, -EINVAL, "%s is %s, not a counter", key,
				   window_type_name(value));
	v = json_integer_value(value);
	if (v < 0)
		return window_fail(err, errsize, -EINVAL, "%s is negative (%lld)", key, (long long)v);
	*out = (uint64_t)v;
	return 0;
}

static int window_unpack_entry(json_t *entry, const char *where, json_t **reason, json_t **name,
			       json_t **count, json_t **cycles, char *err, size_t errsize)
{
	json_error_t jerr;

	if (!json_is_object(entry))
		return window_fail(err, errsize, -EINVAL, "%s is %s, not an object", where,
				   window_type_name(entry));
	if (json_unpack_ex(entry, &jerr, JSON_STRICT, "{s:o, s:o, s:o, s:o}", "reason", reason,
			   "name", name, "count", count, "cycles", cycles))
		return window_fail(err, errsize, -EINVAL, "%s: %s", where, jerr.text);
	if (!json_is_string(*name))
		return window_fail(err, errsize, -EINVAL, "%s.name is %s, not a string", where,
				   window_type_name(*name));
	return 0;
}

static int window_parse_entry(json_t *entry, size_t i, struct exit_table *t, char *err,
			      size_t errsize)
{
	json_t *reason, *name, *count, *cycles;
	char where[32], key[48];
	uint64_t code, n, c;

	snprintf(where, sizeof(where), "by_reason[%zu]", i);
	if (window_unpack_entry(entry, where, &reason, &name, &count, &cycles, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.reason", where);
	if (window_counter(reason, key, &code, err, errsize))
		return -EINVAL;
	if (code > UINT32_MAX)
		return window_fail(err, errsize, -EINVAL, "%s is %llu, not a 32-bit exit code", key,
				   (unsigned long long)code);
	snprintf(key, sizeof(key), "%s.count", where);
	if (window_counter(count, key, &n, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.cycles", where);
	if (window_counter(cycles, key, &c, err, errsize))
		return -EINVAL;
	/* A reason listed twice would be counted twice by every reader. */
	if (exit_table_find(t, (uint32_t)code))
		return window_fail(err, errsize, -EINVAL, "%s: reason %llu is listed twice", where,
				   (unsigned long long)code);
	if (exit_table_add(t, (uint32_t)code, n, c))
		return window_fail(err, errsize, -E2BIG, "by_reason has more than %d reasons",
				   EXIT_TABLE_MAX);
	return 0;
}

int window_parse(json_t *window, struct exit_table *t, char *err, size_t errsize)
{
	json_t *total, *cycles, *by_reason, *entry;
	json_error_t jerr;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(window))
		return window_fail(err, errsize, -EINVAL, "the window is %s, not an object",
				   window_type_name(window));
	if (json_unpack_ex(window, &jerr, JSON_STRICT, "{s:o, s:o, s:o}", "total", &total,
			   "cycles", &cycles, "by_reason", &by_reason))
		return window_fail(err, errsize, -EINVAL, "%s", jerr.text);
	if (window_counter(total, "total", &t->total, err, errsize) ||
	    window_counter(cycles, "cycles", &t->cycles, err, errsize))
		return -EINVAL;
	if (!json_is_array(by_reason))
		return window_fail(err, errsize, -EINVAL, "by_reason is %s, not an array",
				   window_type_name(by_reason));
	json_array_foreach(by_reason, i, entry) {
		int r = window_parse_entry(entry, i, t, err, errsize);

		if (r)
			return r;
	}
	return 0;
}

int window_check_names(json_t *window, enum exsc_isa isa, char *err, size_t errsize)
{
	json_t *entry;
	size_t i;

	json_array_foreach(json_object_get(window, "by_reason"), i, entry) {
		uint32_t reason = (uint32_t)json_integer_value(json_object_get(entry, "reason"));
		const char *name = json_string_value(json_object_get(entry, "name"));
		const char *expected = window_reason_name(isa, reason);

		if (!name || strcmp(name, expected))
			return window_fail(err, errsize, -EINVAL,
					   "by_reason[%zu].name is \"%s\", but %s calls reason %u \"%s\"",
					   i, name ? name : "", exsc_isa_name(isa), reason, expected);
	}
	return 0;
}
