// SPDX-License-Identifier: GPL-2.0
/*
 * What every block parser of a result file shares (result-parse.h): the one
 * way errors are worded, strict unpacks that name their object, counters and
 * windows.  result.c and the block modules (result-blocks.c, result-micro.c,
 * result-timeline.c) all build on these, so none of them calls another's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "result-parse.h"
#include "result.h"
#include "text.h"

int result_fail(struct result_error *err, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	/* The line quotes the file (jansson's "near '...'", names): never terminal control. */
	snprintf(err->text, sizeof(err->text), "%s", text_term(err->text));
	return r;
}

/* Counters are 64-bit and unsigned; jansson already refused anything above INT64_MAX. */
int result_counter(json_int_t value, const char *where, const char *key, uint64_t *out,
		   struct result_error *err)
{
	if (value < 0)
		return result_fail(err, -EINVAL, "%s%s%s is negative (%lld)", where, *where ? "." : "",
				   key, (long long)value);
	*out = (uint64_t)value;
	return 0;
}

int result_unpack(json_t *obj, const char *where, struct result_error *err, const char *fmt, ...)
{
	json_error_t jerr;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = json_vunpack_ex(obj, &jerr, JSON_STRICT, fmt, ap);
	va_end(ap);
	if (r < 0)
		return result_fail(err, -EINVAL, "%s%s%s", where, *where ? ": " : "", jerr.text);
	return 0;
}

static int result_parse_reason(json_t *item, const char *where, struct result_reason *out,
			       struct result_error *err)
{
	json_int_t reason, count, cycles;

	if (result_unpack(item, where, err, "{s:I, s:s, s:I, s:I}", "reason", &reason,
			  "name", &out->name, "count", &count, "cycles", &cycles))
		return -EINVAL;
	if (reason < 0 || reason > UINT32_MAX)
		return result_fail(err, -EINVAL, "%s: reason %lld is not a 32-bit exit code", where,
				   (long long)reason);
	out->reason = (uint32_t)reason;
	if (result_counter(count, where, "count", &out->count, err))
		return -EINVAL;
	return result_counter(cycles, where, "cycles", &out->cycles, err);
}

/* One reason listed twice would be counted twice by every consumer. */
static int result_check_unique(const struct result_window *w, const char *where,
			       struct result_error *err)
{
	for (size_t i = 0; i < w->nr; i++)
		for (size_t j = 0; j < i; j++)
			if (w->by_reason[i].reason == w->by_reason[j].reason)
				return result_fail(err, -EINVAL, "%s.by_reason lists reason %u twice",
						   where, w->by_reason[i].reason);
	return 0;
}

int result_parse_window(json_t *obj, const char *where, struct result_window *w,
			struct result_error *err)
{
	json_int_t total, cycles;
	json_t *by_reason, *item;
	char what[64];
	size_t i;

	if (result_unpack(obj, where, err, "{s:I, s:I, s:o}", "total", &total, "cycles", &cycles,
			  "by_reason", &by_reason))
		return -EINVAL;
	if (result_counter(total, where, "total", &w->total, err) ||
	    result_counter(cycles, where, "cycles", &w->cycles, err))
		return -EINVAL;
	if (!json_is_array(by_reason))
		return result_fail(err, -EINVAL, "%s.by_reason is not an array", where);
	w->by_reason = calloc(json_array_size(by_reason) + 1, sizeof(*w->by_reason));
	if (!w->by_reason)
		return result_fail(err, -ENOMEM, "out of memory");
	json_array_foreach(by_reason, i, item) {
		snprintf(what, sizeof(what), "%s.by_reason[%zu]", where, i);
		if (result_parse_reason(item, what, &w->by_reason[i], err))
			return -EINVAL;
		w->nr = i + 1;
	}
	return result_check_unique(w, where, err);
}
