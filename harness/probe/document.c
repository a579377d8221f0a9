// SPDX-License-Identifier: GPL-2.0
/* The documents exitprobe prints (schema exitprobe/probe/v1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/reasons.h"
#include "document.h"
#include "probe-doc.h"
#include "sampler.h"

static json_t *doc_new(const struct exsc_info *info)
{
	json_t *doc = json_pack("{s:s, s:i, s:{s:s}}", "schema", PROBE_DOC_SCHEMA,
				"abi_version", (int)info->abi_version,
				"l1", "isa", exsc_isa_name(info->isa));

	/* A map without a discovery leaf is assumed, and the document says which. */
	if (doc && !probe_map(info)->discovery)
		json_object_set_new(doc, "abi_map", json_string(probe_map(info)->name));
	/* Whose exits these are, so L0 knows what the absolute counters start from. */
	else if (doc && info->abi_version >= 2)
		json_object_set_new(json_object_get(doc, "l1"), "scope",
				    json_string(exsc_scope_name(info->scope)));
	return doc;
}

json_t *probe_snapshot_doc(probe_cpuid_fn cpuid, const struct exsc_info *info)
{
	struct probe_snapshot s;
	json_t *doc = doc_new(info);

	probe_snapshot_take_map(cpuid, probe_map(info), info->isa, &s);
	json_object_set_new(doc, "counters", probe_snapshot_json(info->isa, &s));
	return doc;
}

/* The CPUID workload must show exactly N exits once the probe's own are taken out. */
static bool cpuid_exact(json_t *exits, uint32_t cpuid_code, unsigned long n, uint64_t own)
{
	size_t i;
	json_t *reason;

	json_array_foreach(json_object_get(exits, "by_reason"), i, reason)
		if (json_integer_value(json_object_get(reason, "reason")) == cpuid_code)
			return (uint64_t)json_integer_value(json_object_get(reason, "count")) ==
			       n + own;
	return false;
}

static json_t *run_workload_json(const struct workload_ctx *ctx, json_t *figures)
{
	const struct workload *w = ctx->w;
	json_t *params = json_pack("{s:I}", w->param, (json_int_t)ctx->args.n);

	if (w->options & WORKLOAD_OPT_PATH)
		json_object_set_new(params, "path", json_string(ctx->args.path ? ctx->args.path
									 : DISK_DEFAULT_PATH));
	if (w->options & WORKLOAD_OPT_PIO)
		json_object_set_new(params, "pio", json_integer((json_int_t)ctx->args.pio));
	return json_pack("{s:s, s:o, s:O}", "name", w->name, "params", params,
			 "figures", figures);
}

static void run_doc_fill(json_t *doc, const struct exsc_info *info,
			 const struct workload_ctx *ctx, json_t *figures, json_t *exits,
			 uint64_t own)
{
	json_object_set_new(doc, "workload", run_workload_json(ctx, figures));
	json_object_set_new(doc, "probe_cpuid_exits", json_integer((json_int_t)own));
	if (!strcmp(ctx->w->name, "cpuid"))
		json_object_set_new(doc, "cpuid_exact",
				    json_boolean(cpuid_exact(exits, reasons_cpuid(info->isa),
							     ctx->args.n, own)));
	json_object_set_new(doc, "exits", exits);
}

static void run_doc_samples(json_t *doc, const struct probe_sampler *s)
{
	json_object_set_new(doc, "sample_ms", json_integer((json_int_t)s->interval_ms));
	json_object_set(doc, "samples", s->samples);
	if (s->dropped)
		json_object_set_new(doc, "samples_dropped", json_integer((json_int_t)s->dropped));
}

/*
 * The window's length by L2's clocks, from just after the opening snapshot's
 * last read to just before the closing one's first (the CPUID reason's own
 * span); absent should either clock have gone backwards.
 */
static void run_doc_window(json_t *doc, const struct probe_clock *start,
			   const struct probe_clock *end)
{
	if (end->ns < start->ns || end->tsc < start->tsc)
		return;
	json_object_set_new(doc, "window", json_pack("{s:I, s:I}",
						     "wall_ns", (json_int_t)(end->ns - start->ns),
						     "tsc", (json_int_t)(end->tsc - start->tsc)));
}

int probe_run_doc(probe_cpuid_fn cpuid, probe_clock_fn clock_read, const struct exsc_info *info,
		  struct workload_ctx *ctx, unsigned long sample_ms, json_t **doc)
{
	struct probe_snapshot before, after;
	struct probe_clock start, end;
	struct probe_sampler sampler;
	json_t *figures = json_object();
	int r = 0;

	*doc = NULL;
	probe_snapshot_take_map(cpuid, probe_map(info), info->isa, &before);
	/* Between the snapshots, never inside one: a snapshot's reads are its own. */
	clock_read(&start);
	if (sample_ms && (r = sampler_init(&sampler, cpuid, info->isa, &before, sample_ms)) < 0)
		goto out_figures;
	if (sample_ms && (r = sampler_start(&sampler)) < 0)
		goto out_sampler;
	r = workload_run(cpuid, ctx, figures);
	if (sample_ms)
		sampler_stop(&sampler);
	clock_read(&end);
	probe_snapshot_take_map(cpuid, probe_map(info), info->isa, &after);
	if (r < 0)
		goto out_sampler;
	*doc = doc_new(info);
	run_doc_fill(*doc, info, ctx, figures, probe_delta_json(info->isa, &before, &after),
		     probe_window_cpuid_exits(sample_ms ? sampler.reads : 0));
	/* Absolute, so the harness can tell L2's boot (L1's last read to this one) apart. */
	json_object_set_new(*doc, "before", probe_snapshot_json(info->isa, &before));
	run_doc_window(*doc, &start, &end);
	if (sample_ms)
		run_doc_samples(*doc, &sampler);
out_sampler:
	if (sample_ms)
		sampler_destroy(&sampler);
out_figures:
	json_decref(figures);
	return r;
}

bool probe_run_passed(json_t *doc)
{
	json_t *figures = json_object_get(json_object_get(doc, "workload"), "figures");

	return !json_is_false(json_object_get(doc, "cpuid_exact")) &&
	       !json_is_false(json_object_get(figures, "verified"));
}

int probe_uptime(const char *path, double *seconds)
{
	FILE *f = fopen(path, "r");
	char line[64] = "", *end;
	int r = 0;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		r = -EINVAL;
	fclose(f);
	*seconds = strtod(line, &end);
	if (r || end == line || (*end != ' ' && *end != '\n' && *end) || !(*seconds >= 0))
		return -EINVAL;
	return 0;
}
