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

/* Takes @exits' reference; @figures stays the caller's. */
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

static void run_doc_samples(json_t *doc, unsigned long sample_ms, json_t *samples,
			    unsigned long dropped)
{
	json_object_set_new(doc, "sample_ms", json_integer((json_int_t)sample_ms));
	json_object_set(doc, "samples", samples);
	if (dropped)
		json_object_set_new(doc, "samples_dropped", json_integer((json_int_t)dropped));
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

/* One measured window: the snapshots around it, its clocks, figures and samples. */
struct run_window {
	struct probe_snapshot before, after;
	struct probe_clock start, end;
	json_t *figures;
	json_t *samples;		/* with sampling: the array, owned; else NULL */
	uint64_t sampler_reads;		/* the sampler's CPUIDs, in the window */
	unsigned long dropped;
};

static void run_window_free(struct run_window *rw)
{
	json_decref(rw->figures);
	json_decref(rw->samples);
	rw->figures = rw->samples = NULL;
}

/* Snapshot, the workload (sampled every @sample_ms ms when not 0), snapshot; -errno. */
static int run_window_measure(probe_cpuid_fn cpuid, probe_clock_fn clock_read,
			      const struct exsc_info *info, struct workload_ctx *ctx,
			      unsigned long sample_ms, struct run_window *rw)
{
	struct probe_sampler sampler;
	int r = 0;

	rw->figures = json_object();
	probe_snapshot_take_map(cpuid, probe_map(info), info->isa, &rw->before);
	/* Between the snapshots, never inside one: a snapshot's reads are its own. */
	clock_read(&rw->start);
	if (sample_ms && (r = sampler_init(&sampler, cpuid, info->isa, &rw->before, sample_ms)) < 0)
		return r;
	if (sample_ms && (r = sampler_start(&sampler)) < 0)
		goto out_sampler;
	r = workload_run(cpuid, ctx, rw->figures);
	if (sample_ms)
		sampler_stop(&sampler);
	clock_read(&rw->end);
	probe_snapshot_take_map(cpuid, probe_map(info), info->isa, &rw->after);
	if (sample_ms && !r) {
		rw->samples = json_incref(sampler.samples);
		rw->sampler_reads = sampler.reads;
		rw->dropped = sampler.dropped;
	}
out_sampler:
	if (sample_ms)
		sampler_destroy(&sampler);
	return r;
}

/* One window of a repeated run: {exits, probe_cpuid_exits, figures, cpuid_exact?, window?}. */
static json_t *run_window_json(const struct exsc_info *info, const struct workload_ctx *ctx,
			       const struct run_window *rw)
{
	json_t *exits = probe_delta_json(info->isa, &rw->before, &rw->after);
	uint64_t own = probe_window_cpuid_exits(rw->sampler_reads);
	json_t *w = json_pack("{s:o, s:I, s:O}", "exits", exits, "probe_cpuid_exits",
			      (json_int_t)own, "figures", rw->figures);

	if (w && !strcmp(ctx->w->name, "cpuid"))
		json_object_set_new(w, "cpuid_exact",
				    json_boolean(cpuid_exact(exits, reasons_cpuid(info->isa),
							     ctx->args.n, own)));
	if (w)
		run_doc_window(w, &rw->start, &rw->end);
	return w;
}

/*
 * The first window is the document's, as a run of one window writes it; with
 * more, "repeat" holds every window, the first among them, and cpuid_exact
 * is every window's verdict.
 */
static void run_doc_repeat(json_t *doc, json_t *windows)
{
	size_t i;
	json_t *w;
	bool exact = true;

	json_array_foreach(windows, i, w)
		exact = exact && !json_is_false(json_object_get(w, "cpuid_exact"));
	if (json_object_get(doc, "cpuid_exact"))
		json_object_set_new(doc, "cpuid_exact", json_boolean(exact));
	json_object_set_new(doc, "repeat", json_pack("{s:I, s:O}", "n",
						     (json_int_t)json_array_size(windows),
						     "windows", windows));
}

int probe_run_doc_repeat(probe_cpuid_fn cpuid, probe_clock_fn clock_read,
			 const struct exsc_info *info, struct workload_ctx *ctx,
			 unsigned long sample_ms, unsigned long repeat, json_t **doc)
{
	struct run_window *rw = calloc(1, sizeof(*rw));
	json_t *windows = json_array();
	int r = rw && windows ? 0 : -ENOMEM;

	*doc = NULL;
	for (unsigned long i = 0; !r && i < (repeat ? repeat : 1); i++) {
		r = run_window_measure(cpuid, clock_read, info, ctx, sample_ms, rw);
		if (!r && !i) {
			*doc = doc_new(info);
			run_doc_fill(*doc, info, ctx, rw->figures,
				     probe_delta_json(info->isa, &rw->before, &rw->after),
				     probe_window_cpuid_exits(rw->sampler_reads));
			/* Absolute, so the harness can tell L2's boot (L1's last read to this one) apart. */
			json_object_set_new(*doc, "before", probe_snapshot_json(info->isa, &rw->before));
			run_doc_window(*doc, &rw->start, &rw->end);
			if (sample_ms)
				run_doc_samples(*doc, sample_ms, rw->samples, rw->dropped);
		}
		if (!r && repeat > 1 && json_array_append_new(windows, run_window_json(info, ctx, rw)))
			r = -ENOMEM;
		run_window_free(rw);
	}
	if (!r && repeat > 1)
		run_doc_repeat(*doc, windows);
	json_decref(windows);
	free(rw);
	if (r) {
		json_decref(*doc);
		*doc = NULL;
	}
	return r;
}

int probe_run_doc(probe_cpuid_fn cpuid, probe_clock_fn clock_read, const struct exsc_info *info,
		  struct workload_ctx *ctx, unsigned long sample_ms, json_t **doc)
{
	return probe_run_doc_repeat(cpuid, clock_read, info, ctx, sample_ms, 1, doc);
}

bool probe_run_passed(json_t *doc)
{
	json_t *figures = json_object_get(json_object_get(doc, "workload"), "figures"), *w;
	size_t i;

	if (json_is_false(json_object_get(doc, "cpuid_exact")) ||
	    json_is_false(json_object_get(figures, "verified")))
		return false;
	/* A repeated run passes when every window does: the io read-back of each. */
	json_array_foreach(json_object_get(json_object_get(doc, "repeat"), "windows"), i, w)
		if (json_is_false(json_object_get(json_object_get(w, "figures"), "verified")))
			return false;
	return true;
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
