// SPDX-License-Identifier: GPL-2.0
/*
 * The optional blocks of a result file beside its windows: the probe's own
 * exits, the samples and the neighbor.  Each is checked against the numbers
 * it relates to, with a message naming the field.
 */
#include <errno.h>

#include "exitscope/reasons.h"
#include "result-parse.h"

/*
 * probe_own: exactly what was taken out of "exits", the probe's own reads:
 * probe_cpuid_exits of them, all of the ISA's CPUID reason (one row, or
 * none at 0).  Only a probe's window has them: not a stock kernel's (the
 * histogram's), nor the micro stage's.
 */
int result_parse_probe_own(json_t *obj, struct result *r, struct result_error *err)
{
	const struct result_reason *row;
	struct result_window *w = &r->probe_own;

	if (!obj)
		return 0;
	if (r->kernel.stock || r->micro.present)
		return result_fail(err, -EINVAL, "probe_own is there, but a %s has no probe window",
				   r->kernel.stock ? "stock kernel's result" : "micro stage's result");
	if (result_parse_window(obj, "probe_own", w, err))
		return -EINVAL;
	if (w->total != r->probe_cpuid_exits)
		return result_fail(err, -EINVAL, "probe_own.total is %llu, but probe_cpuid_exits is "
				   "%llu: the probe's own exits are those", (unsigned long long)w->total,
				   (unsigned long long)r->probe_cpuid_exits);
	row = w->nr ? &w->by_reason[0] : NULL;
	if (w->nr > 1 || (row && row->reason != reasons_cpuid(r->isa)))
		return result_fail(err, -EINVAL, "probe_own.by_reason holds other than the %s CPUID "
				   "reason: the probe's own exits are CPUID exits", exsc_isa_name(r->isa));
	if (row ? row->count != w->total || row->cycles != w->cycles : w->total || w->cycles)
		return result_fail(err, -EINVAL, "probe_own's total and cycles are not its CPUID "
				   "row's");
	r->probe_own_present = true;
	return 0;
}

/*
 * Samples are open objects in the schema: only the keys read here are
 * checked.  They are cumulative from the window's start: time goes forward
 * (each sample a window of positive length after the one before) and the
 * total never falls.
 */
int result_parse_samples(json_t *samples, struct result *r, struct result_error *err)
{
	json_int_t t0 = 0, n0 = 0;
	json_t *item;
	size_t i;

	if (!samples)
		return 0;
	if (!json_is_array(samples))
		return result_fail(err, -EINVAL, "samples is not an array");
	json_array_foreach(samples, i, item) {
		json_t *t_ms = json_object_get(item, "t_ms");
		json_t *total = json_object_get(item, "total");
		json_t *own = json_object_get(item, "own");
		json_int_t t, n;

		if (!json_is_integer(t_ms) || !json_is_integer(total) ||
		    json_integer_value(t_ms) < 0 || json_integer_value(total) < 0)
			return result_fail(err, -EINVAL,
					   "samples[%zu] needs non-negative integers t_ms and total", i);
		if (own && (!json_is_integer(own) || json_integer_value(own) < 0))
			return result_fail(err, -EINVAL, "samples[%zu].own is not a non-negative "
					   "integer", i);
		t = json_integer_value(t_ms);
		n = json_integer_value(total);
		if (i && t <= t0)
			return result_fail(err, -EINVAL, "samples[%zu].t_ms is %lld, not after "
					   "samples[%zu]'s %lld", i, (long long)t, i - 1, (long long)t0);
		if (i && n < n0)
			return result_fail(err, -EINVAL, "samples[%zu].total falls from %lld to %lld; "
					   "samples count exits since the window began", i,
					   (long long)n0, (long long)n);
		t0 = t;
		n0 = n;
	}
	r->samples = samples;
	r->nr_samples = json_array_size(samples);
	return 0;
}

/*
 * The neighbor's block.  isolated means the host view holds both VMs'
 * CPUIDs and the neighbor took some: a document that says so against its
 * own numbers is refused.
 */
int result_parse_neighbor(json_t *obj, struct result *r, struct result_error *err)
{
	json_int_t cpuid, host, l2;
	int isolated;
	uint64_t both;

	if (!obj)
		return 0;
	if (result_unpack(obj, "neighbor", err, "{s:I, s:I, s:I, s:b}", "cpuid", &cpuid,
			  "host_cpuid", &host, "l2_cpuid", &l2, "isolated", &isolated) ||
	    result_counter(cpuid, "neighbor", "cpuid", &r->neighbor.cpuid, err) ||
	    result_counter(host, "neighbor", "host_cpuid", &r->neighbor.host_cpuid, err) ||
	    result_counter(l2, "neighbor", "l2_cpuid", &r->neighbor.l2_cpuid, err))
		return -EINVAL;
	/* The host view holds L2's probe's own reads too, which a workload window has apart. */
	if (isolated && (!r->neighbor.cpuid ||
			 __builtin_add_overflow(r->neighbor.cpuid, r->neighbor.l2_cpuid, &both) ||
			 __builtin_add_overflow(both, r->probe_own.total, &both) ||
			 r->neighbor.host_cpuid < both))
		return result_fail(err, -EINVAL, "neighbor.isolated is true, but host_cpuid %llu is "
				   "not at least cpuid %llu (not 0) + l2_cpuid %llu + probe_own.total "
				   "%llu", (unsigned long long)r->neighbor.host_cpuid,
				   (unsigned long long)r->neighbor.cpuid,
				   (unsigned long long)r->neighbor.l2_cpuid,
				   (unsigned long long)r->probe_own.total);
	r->neighbor.present = true;
	r->neighbor.isolated = isolated;
	return 0;
}
