// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "exitscope/reasons.h"
#include "probe-own.h"
#include "window.h"

uint64_t probe_own_cycles(uint64_t cycles, uint64_t own, uint64_t count)
{
	if (!count)
		return 0;
	/* A 128-bit product: cycles * own overflows 64 bits long before the quotient does. */
	return (uint64_t)((unsigned __int128)cycles * own / count);
}

/* @obj's @key as a counter, 0 when it is not one (the window was built or validated). */
static uint64_t own_get(json_t *obj, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(obj, key));

	return v > 0 ? (uint64_t)v : 0;
}

static int own_set(json_t *obj, const char *key, uint64_t value)
{
	return json_object_set_new(obj, key, json_integer((json_int_t)value));
}

/* The index of @reason's row in @by_reason, or -1. */
static long own_row(json_t *by_reason, uint32_t reason)
{
	json_t *row;
	size_t i;

	json_array_foreach(by_reason, i, row)
		if (own_get(row, "reason") == reason)
			return (long)i;
	return -1;
}

/* The window {total, cycles, by_reason} of what was taken out: @row's reason, @own of it. */
static json_t *own_window(json_t *row, uint64_t own, uint64_t cycles)
{
	json_t *w = json_pack("{s:I, s:I, s:[]}", "total", (json_int_t)own, "cycles",
			      (json_int_t)cycles, "by_reason");

	if (w && own &&
	    json_array_append_new(json_object_get(w, "by_reason"),
				  json_pack("{s:O, s:O, s:I, s:I}", "reason",
					    json_object_get(row, "reason"), "name",
					    json_object_get(row, "name"), "count", (json_int_t)own,
					    "cycles", (json_int_t)cycles))) {
		json_decref(w);
		w = NULL;
	}
	return w;
}

json_t *probe_own_split(enum exsc_isa isa, json_t *exits, uint64_t own, char *err,
			size_t errsize)
{
	json_t *by_reason = json_object_get(exits, "by_reason"), *row = NULL, *out;
	uint64_t count = 0, cycles = 0, total = own_get(exits, "total");
	uint64_t all_cycles = own_get(exits, "cycles"), own_cycles;
	long i = own_row(by_reason, reasons_cpuid(isa));

	if (i >= 0) {
		row = json_array_get(by_reason, (size_t)i);
		count = own_get(row, "count");
		cycles = own_get(row, "cycles");
	}
	own_cycles = probe_own_cycles(cycles, own, count);
	/*
	 * Counts are exact by construction; cycles are charged at the next entry,
	 * so the total's, read at another moment than the reason's, may fall
	 * short of the share: the total's cycles then stop at zero.
	 */
	if (count < own || total < own) {
		window_fail(err, errsize, -ERANGE, "the window holds %llu CPUID exit(s) and %llu "
			    "in all, fewer than the probe's own %llu reads",
			    (unsigned long long)count, (unsigned long long)total,
			    (unsigned long long)own);
		return NULL;
	}
	out = own_window(row, own, own_cycles);
	if (!out || (row && (own_set(row, "count", count - own) ||
			     own_set(row, "cycles", cycles - own_cycles))) ||
	    own_set(exits, "total", total - own) ||
	    own_set(exits, "cycles", all_cycles > own_cycles ? all_cycles - own_cycles : 0) ||
	    (row && count == own && json_array_remove(by_reason, (size_t)i))) {
		json_decref(out);
		window_fail(err, errsize, -ENOMEM, "out of memory");
		return NULL;
	}
	return out;
}

/* One sample as the workload's; a new reference, or NULL when out of memory. */
static json_t *own_sample(const char *cpuid, json_t *sample)
{
	json_t *copy = json_deep_copy(sample), *by_reason = json_object_get(copy, "by_reason");
	uint64_t own = own_get(sample, "own"), total = own_get(sample, "total");
	json_t *entry = cpuid ? json_object_get(by_reason, cpuid) : NULL;
	int r;

	if (!copy || !json_object_get(sample, "own"))
		return copy;
	r = own_set(copy, "total", total >= own ? total - own : 0);
	if (!r && entry && own_get(by_reason, cpuid) > own)
		r = own_set(by_reason, cpuid, own_get(by_reason, cpuid) - own);
	else if (!r && entry)
		r = json_object_del(by_reason, cpuid);
	if (r) {
		json_decref(copy);
		return NULL;
	}
	return copy;
}

json_t *probe_own_samples(enum exsc_isa isa, json_t *samples)
{
	const char *cpuid = reasons_name(isa, reasons_cpuid(isa));
	json_t *out = json_array(), *sample;
	size_t i;

	json_array_foreach(samples, i, sample) {
		if (!out || json_array_append_new(out, own_sample(cpuid, sample))) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
