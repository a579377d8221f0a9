// SPDX-License-Identifier: GPL-2.0
/*
 * The assemble stage: one result document from a run directory alone
 * (run.json, kernel.json and the evidence in out/), so that `run
 * --reassemble` and the recorded-run tests need no cache, no QEMU and no
 * build.  Nothing here prints.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kernel.h"
#include "probe-own.h"
#include "repeat.h"
#include "result-parse.h"
#include "result.h"
#include "run.h"
#include "util.h"

/* The result's "kernel" object, from the run directory's copy of the kernel's manifest. */
static json_t *kernel_json(const char *run_dir, char *err, size_t size)
{
	char path[PATH_MAX + 32];
	struct kernel_manifest m;
	json_error_t jerr;
	json_t *doc, *out = NULL;

	util_pathf(path, sizeof(path), "%s/%s", run_dir, RUN_KERNEL_FILE);
	doc = json_load_file(path, 0, &jerr);
	if (!doc || kernel_manifest_parse(doc, &m, &jerr) < 0) {
		snprintf(err, size, "%s: %s", path, jerr.text);
	} else {
		char source[512];

		kernel_source_summary(m.source, source, sizeof(source));
		out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", m.id, "release", m.release,
				"source", source, "patch_sha256", m.patch_sha256,
				"config_sha256", m.config_sha256, "stock", m.stock);
	}
	json_decref(doc);
	return out;
}

static json_t *workload_json(const struct run_record *rec, const struct run_evidence *ev)
{
	if (ev->probe && ev->doc.workload)
		return json_deep_copy(ev->doc.workload);
	/* A snapshot has no workload of its own: the boot scenarios. */
	return json_pack("{s:s, s:{}}", "name", rec->scenario, "params");
}

/*
 * The windows of a patched L1 and of a stock one (the histogram's, no
 * cycles).  boot: L2's start to the probe's first read.  The probe's
 * absolute counters are its own VM's since the VM was made (ABI 2's default
 * scope), or the host's, from which what L1 read just before it started L2
 * is taken.
 */
static void windows_json(const struct run_record *rec, const struct run_evidence *ev,
			 json_t **exits, json_t **boot, json_t **l1_window)
{
	static const struct exit_table none;

	if (ev->patched) {
		json_t *probe_exits = json_object_get(ev->probe, "exits");
		const struct exit_table *start = ev->doc.scope == EXSC_SCOPE_VM ? &none : &ev->before;

		*boot = ev->probe ? window_delta_json(rec->isa, start, &ev->doc.first) :
				    window_json(rec->isa, &none);
		*exits = json_deep_copy(probe_exits ? probe_exits : *boot);
		*l1_window = window_delta_json(rec->isa, &ev->before, &ev->after);
	} else {
		*boot = window_json(rec->isa, &none);
		*exits = window_delta_json(rec->isa, &none, &ev->hist);
		*l1_window = json_deep_copy(*exits);
	}
}

/* What the VM beside L2 counted against what L2's window and L1's host view hold. */
static json_t *neighbor_result(const struct run_record *rec, const struct run_evidence *ev)
{
	struct neighbor_views v;

	neighbor_views_read(rec->isa, &ev->before, &ev->after, &ev->doc.exits,
			    ev->probe ? ev->doc.workload : NULL,
			    ev->probe ? ev->doc.probe_cpuid_exits : 0, &v);
	return neighbor_json(&ev->neighbor_doc, &v);
}

/*
 * The workload's share of the probe's window: its own reads taken out of
 * @exits and the samples, and kept apart in "probe_own" (docs/design.md,
 * "The result file").  Only a probe document has them: a stock kernel's
 * window is the histogram's, with no probe document to say how many.
 */
static int probe_own_apply(const char *run_dir, const struct run_record *rec,
			   const struct run_evidence *ev, json_t *exits, json_t *result, char *err,
			   size_t size)
{
	json_t *own, *samples;
	char why[256];

	if (!ev->patched || !ev->probe)
		return 0;
	own = probe_own_split(rec->isa, exits, ev->doc.probe_cpuid_exits, why, sizeof(why));
	if (!own) {
		snprintf(err, size, "L2's probe window cannot hold its own reads: %s; see "
			 "%s/out/l2-probe.out", why, run_dir);
		return -EINVAL;
	}
	names_apply(json_object_get(own, "by_reason"), &ev->names);
	if (json_object_set_new(result, "probe_own", own))
		return -ENOMEM;
	if (!ev->doc.samples)
		return 0;
	samples = probe_own_samples(rec->isa, ev->doc.samples);
	return samples && !json_object_set_new(result, "samples", samples) ? 0 : -ENOMEM;
}

/*
 * One window of run --repeat as the workload's: the probe's own reads of that
 * window taken out, as from "exits", and the kernel's names.  NULL with @err.
 */
static json_t *repeat_window(const struct run_record *rec, const struct run_evidence *ev,
			     json_t *window, char *err, size_t size)
{
	json_t *exits = json_deep_copy(json_object_get(window, "exits")), *own;
	json_int_t reads = json_integer_value(json_object_get(window, "probe_cpuid_exits"));
	char why[256] = "out of memory";

	own = exits ? probe_own_split(rec->isa, exits, (uint64_t)reads, why, sizeof(why)) : NULL;
	if (!own) {
		snprintf(err, size, "a window of L2's probe cannot hold its own reads: %s", why);
		json_decref(exits);
		return NULL;
	}
	json_decref(own);
	names_apply(json_object_get(exits, "by_reason"), &ev->names);
	return exits;
}

/* The windows as the validator reads them, for the one computation both share. */
static int repeat_parse_windows(json_t *windows, struct result_window *w, char *err, size_t size)
{
	struct result_error rerr;
	json_t *item;
	size_t i;

	json_array_foreach(windows, i, item) {
		if (result_parse_window(item, "repeat.windows[]", &w[i], &rerr)) {
			snprintf(err, size, "%s", rerr.text);
			return -EINVAL;
		}
	}
	return 0;
}

/* {n, windows, spread}, and "exits" replaced by the windows' median (repeat.h). */
static int repeat_block(json_t *windows, json_t *result, char *err, size_t size)
{
	size_t n = json_array_size(windows);
	struct result_window *w = calloc(n + 1, sizeof(*w));
	struct repeat_summary s = { 0 };
	json_t *exits = NULL, *spread = NULL;
	int r = w ? repeat_parse_windows(windows, w, err, size) : -ENOMEM;

	if (!r)
		r = repeat_summarize(w, n, &s);
	if (!r) {
		exits = repeat_exits_json(&s);
		spread = repeat_spread_json(&s);
	}
	if (!r && (!exits || !spread || json_object_set(result, "exits", exits) ||
		   json_object_set_new(result, "repeat",
				       json_pack("{s:I, s:O, s:O}", "n", (json_int_t)n, "windows",
						 windows, "spread", spread))))
		r = -ENOMEM;
	json_decref(exits);
	json_decref(spread);
	repeat_summary_free(&s);
	for (size_t i = 0; w && i < n; i++)
		free(w[i].by_reason);
	free(w);
	if (r && !err[0])
		snprintf(err, size, "cannot sum up the probe's repeated windows: %s", strerror(-r));
	return r;
}

/*
 * run --repeat N: every window the probe measured, each the workload's, in
 * "repeat", and "exits" their median, reason by reason.  The first window
 * stays what a run of one writes: boot, probe_own, samples and the timeline's
 * window are its.
 */
static int repeat_apply(const char *run_dir, const struct run_record *rec,
			const struct run_evidence *ev, json_t *result, char *err, size_t size)
{
	json_t *windows, *item;
	size_t i;
	int r;

	if (!ev->patched || !ev->probe || !ev->doc.repeat_windows)
		return 0;
	windows = json_array();
	json_array_foreach(ev->doc.repeat_windows, i, item) {
		if (!windows || json_array_append_new(windows, repeat_window(rec, ev, item, err, size))) {
			json_decref(windows);
			if (!err[0])
				snprintf(err, size, "out of memory");
			snprintf(err + strlen(err), size - strlen(err), "; see %s/out/l2-probe.out",
				 run_dir);
			return -EINVAL;
		}
	}
	r = repeat_block(windows, result, err, size);
	json_decref(windows);
	return r;
}

/*
 * {kernel, kernel_id?, shared_boot?}: which kernel L2 booted, and the boot's
 * name when it served several scenarios; NULL when the record does not say.
 */
static json_t *l2_json(const struct run_record *rec)
{
	json_t *l2;

	if (!rec->l2_kernel[0])
		return NULL;
	l2 = json_pack("{s:s}", "kernel", rec->l2_kernel);
	if (l2 && rec->l2_kernel_id[0])
		json_object_set_new(l2, "kernel_id", json_string(rec->l2_kernel_id));
	if (l2 && rec->shared_boot[0])
		json_object_set_new(l2, "shared_boot", json_string(rec->shared_boot));
	return l2;
}

json_t *run_result_head(const struct run_record *rec, json_t *kernel)
{
	char when[32];
	json_t *head, *l2 = l2_json(rec);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&rec->started));
	head = json_pack("{s:s, s:s, s:s, s:f, s:i, s:O, s:o, s:{s:s}}",
			 "schema", RESULT_SCHEMA, "scenario", rec->scenario, "started_at", when,
			 "duration_s", rec->duration_s, "attempts", rec->attempt, "kernel", kernel,
			 "host", run_record_host_json(rec), "l1", "isa", exsc_isa_name(rec->isa));
	if (head && l2)
		json_object_set(head, "l2", l2);
	json_decref(l2);
	return head;
}

static json_t *result_json(const char *run_dir, const struct run_record *rec,
			   const struct run_evidence *ev, json_t *kernel, bool *match, char *err,
			   size_t size)
{
	json_t *exits, *boot, *l1_window, *oracle, *body, *result = run_result_head(rec, kernel);

	windows_json(rec, ev, &exits, &boot, &l1_window);
	oracle = oracle_json(rec->isa, l1_window, &ev->hist, match);
	json_decref(l1_window);
	body = json_pack("{s:o, s:o, s:o, s:o, s:I}", "workload", workload_json(rec, ev),
			 "exits", exits, "boot", boot, "oracle", oracle, "probe_cpuid_exits",
			 (json_int_t)(ev->probe ? ev->doc.probe_cpuid_exits : 0));
	/* The result holds exits, boot and oracle from here: they live as long as it does. */
	if (!result || !body || json_object_update(result, body)) {
		json_decref(body);
		json_decref(result);
		return NULL;
	}
	json_decref(body);
	if (ev->probe && ev->doc.samples)
		json_object_set(result, "samples", ev->doc.samples);
	if (probe_own_apply(run_dir, rec, ev, exits, result, err, size)) {
		json_decref(result);
		return NULL;
	}
	/* The kernel's names over the build host's: every reason it defines has one. */
	names_apply(json_object_get(exits, "by_reason"), &ev->names);
	names_apply(json_object_get(boot, "by_reason"), &ev->names);
	names_apply(json_object_get(oracle, "mismatches"), &ev->names);
	if (repeat_apply(run_dir, rec, ev, result, err, size)) {
		json_decref(result);
		return NULL;
	}
	if (ev->neighbor &&
	    json_object_set_new(result, "neighbor", neighbor_result(rec, ev))) {
		json_decref(result);
		result = NULL;
	}
	return result;
}

/* What must hold before a result can be assembled; 0, or -EINVAL with @err. */
static int evidence_check(const char *run_dir, const struct run_record *rec,
			  const struct run_evidence *ev, char *err, size_t size)
{
	if (!ev->probe_reported)
		snprintf(err, size, "L2 never reported the probe's status; see %s/%s", run_dir,
			 run_stage_log(STAGE_L2));
	else if (!ev->hist_read || !ev->counters_read)
		snprintf(err, size, "the agent's counters or kvm_exit histogram are missing or dropped "
			 "entries; see %s/out/", run_dir);
	else if (ev->probe_rc == EXIT_ENVIRONMENT && ev->patched)
		snprintf(err, size, "L1's debugfs has the counters but the probe found no exitscope ABI; "
			 "see %s/%s", run_dir, run_stage_log(STAGE_L2));
	else if (ev->probe && ev->probe_error[0])
		snprintf(err, size, "L2's probe document is not valid: %s; see %s/out/l2-probe.out",
			 ev->probe_error, run_dir);
	else if (ev->neighbor && ev->neighbor_error[0])
		snprintf(err, size, "out/neighbor.json is not the neighbor's document: %s; see "
			 "%s/out/neighbor.log", ev->neighbor_error, run_dir);
	else if (ev->probe && ev->doc.isa != rec->isa)
		snprintf(err, size, "L2's probe read ISA %s but L1 runs %s (%s under %s); see %s/%s",
			 exsc_isa_name(ev->doc.isa), exsc_isa_name(rec->isa), rec->cpu_vendor,
			 accel_name(rec->accel), run_dir, RUN_RECORD_FILE);
	else
		return 0;
	return -EINVAL;
}

json_t *run_assemble(const char *run_dir, const struct run_evidence *ev,
		     struct run_verdict *verdict, char *err, size_t size)
{
	struct run_record rec;
	struct result_error rerr;
	json_t *kernel, *result;

	*verdict = (struct run_verdict){ .stock = !ev->patched, .probe_rc = ev->probe_rc };
	err[0] = '\0';
	if (run_record_read(run_dir, &rec, err, size) < 0)
		return NULL;
	if (ev->micro && ev->micro_error[0]) {
		snprintf(err, size, "out/micro.json is not exitmicro's document: %s; see "
			 "%s/l1-console.log", ev->micro_error, run_dir);
		return NULL;
	}
	if (!ev->micro && evidence_check(run_dir, &rec, ev, err, size) < 0)
		return NULL;
	kernel = kernel_json(run_dir, err, size);
	if (!kernel)
		return NULL;
	if (ev->micro)
		result = run_assemble_micro(&rec, ev, kernel, verdict, err, size);
	else
		result = result_json(run_dir, &rec, ev, kernel, &verdict->oracle_match, err, size);
	json_decref(kernel);
	if (result && run_timeline_apply(run_dir, &rec, ev, result) < 0) {
		json_decref(result);
		result = NULL;
	}
	if (result && result_validate(result, &rerr) < 0) {
		snprintf(err, size, "the assembled result is not valid: %s", rerr.text);
		json_decref(result);
		return NULL;
	}
	if (!result && !err[0])
		snprintf(err, size, "out of memory assembling the result");
	return result;
}

int run_result_write(const char *path, json_t *result)
{
	char *text = json_dumps(result, JSON_SORT_KEYS | JSON_INDENT(2)), *grown;
	int r;

	if (!text)
		return -ENOMEM;
	/* json_dumps leaves off the final newline a text file should have. */
	grown = realloc(text, strlen(text) + 2);
	if (!grown) {
		free(text);
		return -ENOMEM;
	}
	strcat(grown, "\n");
	r = util_write_atomic(path, grown, strlen(grown));
	free(grown);
	return r;
}
