// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's document, checked strictly: each object is unpacked with
 * JSON_STRICT and "s:o", and each value is then checked here, so that the
 * error names the key (jansson's type errors do not).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe-doc-parts.h"

int probe_doc_unpack(json_t *obj, const char *where, char *err, size_t errsize,
		     const char *fmt, ...)
{
	json_error_t jerr;
	va_list ap;
	int r;

	if (!json_is_object(obj))
		return window_fail(err, errsize, -EINVAL, "%s is %s, not an object", where,
				window_type_name(obj));
	va_start(ap, fmt);
	r = json_vunpack_ex(obj, &jerr, JSON_STRICT, fmt, ap);
	va_end(ap);
	if (r < 0)
		return window_fail(err, errsize, -EINVAL, "%s: %s", where, jerr.text);
	return 0;
}

int probe_doc_want(bool ok, const json_t *value, const char *key, const char *want,
		   char *err, size_t errsize)
{
	if (ok)
		return 0;
	return window_fail(err, errsize, -EINVAL, "%s is %s, not %s", key, window_type_name(value),
			want);
}

/* Not JSON, or JSON of another kind: -ENOMSG, so that a reader can say so. */
static int doc_schema(json_t *doc, char *err, size_t errsize)
{
	json_t *schema = json_object_get(doc, "schema");

	if (!json_is_object(doc))
		return window_fail(err, errsize, -ENOMSG, "%s, not a probe document",
				window_type_name(doc));
	if (!json_is_string(schema))
		return window_fail(err, errsize, -ENOMSG, "no \"schema\" string: not a probe document");
	if (strcmp(json_string_value(schema), PROBE_DOC_SCHEMA))
		return window_fail(err, errsize, -ENOMSG, "schema %s, not %s: not a probe document",
				json_string_value(schema), PROBE_DOC_SCHEMA);
	return 0;
}

/* l1.scope: ABI 2's, "vm" or "host"; absent under ABI 1, whose counters are the host's. */
static int doc_scope(json_t *scope, struct probe_doc *d, char *err, size_t errsize)
{
	const char *name = json_string_value(scope);

	d->scope = EXSC_SCOPE_HOST;
	if (d->abi_version == 1 && !scope)
		return 0;
	if (d->abi_version == 1)
		return window_fail(err, errsize, -EINVAL, "l1.scope is there, but ABI 1 has no scope");
	if (probe_doc_want(json_is_string(scope), scope, "l1.scope", "a string", err, errsize))
		return -EINVAL;
	if (!strcmp(name, exsc_scope_name(EXSC_SCOPE_VM)))
		d->scope = EXSC_SCOPE_VM;
	else if (strcmp(name, exsc_scope_name(EXSC_SCOPE_HOST)))
		return window_fail(err, errsize, -EINVAL, "l1.scope is \"%s\", not vm or host", name);
	return 0;
}

/*
 * abi_map: absent for exitscope's map (ABI.md); present, "a", "b" or "c",
 * when exitprobe --abi read another map, which has no discovery leaf: then
 * abi_version is 0 and there is no scope (such counters are taken as the
 * host's, as under ABI 1).
 */
static int doc_map(json_t *abi_map, uint64_t version, struct probe_doc *d, char *err,
		   size_t errsize)
{
	const char *name = json_string_value(abi_map);

	if (!abi_map)
		return version == 0 ? window_fail(err, errsize, -EINVAL,
						  "abi_version is 0, not an ABI version") : 0;
	if (probe_doc_want(json_is_string(abi_map), abi_map, "abi_map", "a string", err, errsize))
		return -EINVAL;
	d->map = exsc_map_find(name);
	if (!d->map || d->map->discovery)
		return window_fail(err, errsize, -EINVAL, "abi_map is \"%s\", not a, b or c", name);
	if (version != 0)
		return window_fail(err, errsize, -EINVAL,
				   "abi_version is %llu, but a document of map %s has none (0)",
				   (unsigned long long)version, name);
	return 0;
}

static int doc_head(json_t *abi_version, json_t *abi_map, json_t *l1, struct probe_doc *d,
		    char *err, size_t errsize)
{
	json_t *isa, *scope = NULL;
	uint64_t version;

	if (window_counter(abi_version, "abi_version", &version, err, errsize))
		return -EINVAL;
	if (version > UINT32_MAX)
		return window_fail(err, errsize, -EINVAL, "abi_version is %llu, not an ABI version",
				(unsigned long long)version);
	if (doc_map(abi_map, version, d, err, errsize))
		return -EINVAL;
	d->abi_version = (uint32_t)version;
	if (probe_doc_unpack(l1, "l1", err, errsize, "{s:o, s?o}", "isa", &isa, "scope", &scope) ||
	    probe_doc_want(json_is_string(isa), isa, "l1.isa", "a string", err, errsize))
		return -EINVAL;
	if (exsc_isa_parse(json_string_value(isa), &d->isa) || d->isa == EXSC_ISA_NONE)
		return window_fail(err, errsize, -EINVAL, "l1.isa is \"%s\", not vmx or svm",
				json_string_value(isa));
	if (d->map && scope)
		return window_fail(err, errsize, -EINVAL, "l1.scope is there, but map %s has no scope",
				   d->map->name);
	if (d->map) {
		d->scope = EXSC_SCOPE_HOST;
		return 0;
	}
	return doc_scope(scope, d, err, errsize);
}

/* The window under @key, its names checked against the document's ISA. */
static int doc_window(json_t *window, const char *key, enum exsc_isa isa, struct exit_table *t,
		      char *err, size_t errsize)
{
	char why[256];
	int r = window_parse(window, t, why, sizeof(why));

	if (!r)
		r = window_check_names(window, isa, why, sizeof(why));
	return r ? window_fail(err, errsize, r, "%s: %s", key, why) : 0;
}

static int doc_workload(json_t *workload, struct probe_doc *d, char *err, size_t errsize)
{
	json_t *name, *params, *figures;

	if (probe_doc_unpack(workload, "workload", err, errsize, "{s:o, s:o, s:o}", "name", &name,
			     "params", &params, "figures", &figures) ||
	    probe_doc_want(json_is_string(name), name, "workload.name", "a string", err, errsize) ||
	    probe_doc_want(json_is_object(params), params, "workload.params", "an object", err,
			   errsize) ||
	    probe_doc_want(json_is_object(figures), figures, "workload.figures", "an object", err,
			   errsize))
		return -EINVAL;
	d->workload = workload;
	d->workload_name = json_string_value(name);
	return 0;
}

/* own: the probe's own CPUID exits among the sample's total, so at most that total. */
static int doc_sample_own(json_t *own, const char *where, uint64_t total, char *err,
			  size_t errsize)
{
	char key[64];
	uint64_t value;

	if (!own)
		return 0;
	snprintf(key, sizeof(key), "%s.own", where);
	if (window_counter(own, key, &value, err, errsize))
		return -EINVAL;
	if (value > total)
		return window_fail(err, errsize, -EINVAL, "%s is %llu, more than the sample's total "
				   "%llu", key, (unsigned long long)value, (unsigned long long)total);
	return 0;
}

/*
 * {t_ms, total, own?, by_reason: {name: count}}: counts since the window
 * began; own (absent from older probes' samples) is how many of total are
 * the probe's own CPUID exits.
 */
static int doc_sample(json_t *sample, size_t i, char *err, size_t errsize)
{
	json_t *t_ms, *total, *own = NULL, *by_reason, *count;
	const char *name;
	char where[32], key[128];
	uint64_t value;

	snprintf(where, sizeof(where), "samples[%zu]", i);
	if (probe_doc_unpack(sample, where, err, errsize, "{s:o, s:o, s?o, s:o}", "t_ms", &t_ms,
			     "total", &total, "own", &own, "by_reason", &by_reason))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.t_ms", where);
	if (window_counter(t_ms, key, &value, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.total", where);
	if (window_counter(total, key, &value, err, errsize) ||
	    doc_sample_own(own, where, value, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.by_reason", where);
	if (probe_doc_want(json_is_object(by_reason), by_reason, key, "an object", err, errsize))
		return -EINVAL;
	json_object_foreach(by_reason, name, count) {
		snprintf(key, sizeof(key), "%s.by_reason.%s", where, name);
		if (window_counter(count, key, &value, err, errsize))
			return -EINVAL;
	}
	return 0;
}

/* samples and sample_ms come together; samples_dropped only with them. */
static int doc_samples(json_t *samples, json_t *sample_ms, json_t *dropped, struct probe_doc *d,
		       char *err, size_t errsize)
{
	json_t *sample;
	size_t i;

	if (!samples && (sample_ms || dropped))
		return window_fail(err, errsize, -EINVAL, "%s without samples",
				sample_ms ? "sample_ms" : "samples_dropped");
	if (!samples)
		return 0;
	if (!sample_ms)
		return window_fail(err, errsize, -EINVAL, "samples without sample_ms");
	if (probe_doc_want(json_is_array(samples), samples, "samples", "an array", err, errsize) ||
	    window_counter(sample_ms, "sample_ms", &d->sample_ms, err, errsize) ||
	    (dropped && window_counter(dropped, "samples_dropped", &d->samples_dropped, err,
					errsize)))
		return -EINVAL;
	json_array_foreach(samples, i, sample)
		if (doc_sample(sample, i, err, errsize))
			return -EINVAL;
	d->samples = samples;
	return 0;
}

/* window: {wall_ns, tsc}, the workload window by L2's own clocks; older probes lack it. */
static int doc_clock_window(json_t *window, struct probe_doc *d, char *err, size_t errsize)
{
	json_t *wall_ns, *tsc;

	if (!window)
		return 0;
	if (probe_doc_unpack(window, "window", err, errsize, "{s:o, s:o}", "wall_ns", &wall_ns,
			     "tsc", &tsc) ||
	    window_counter(wall_ns, "window.wall_ns", &d->window_wall_ns, err, errsize) ||
	    window_counter(tsc, "window.tsc", &d->window_tsc, err, errsize))
		return -EINVAL;
	d->has_window = true;
	return 0;
}

/* {exits, probe_cpuid_exits, figures, cpuid_exact?, window?}: one window of run --repeat. */
static int doc_repeat_window(json_t *w, size_t i, struct probe_doc *d, struct exit_table *t,
			     bool *exact, char *err, size_t errsize)
{
	json_t *exits, *own, *figures, *cpuid_exact = NULL, *window = NULL;
	char where[48], key[80];
	uint64_t value;

	snprintf(where, sizeof(where), "repeat.windows[%zu]", i);
	if (probe_doc_unpack(w, where, err, errsize, "{s:o, s:o, s:o, s?o, s?o}", "exits", &exits,
			     "probe_cpuid_exits", &own, "figures", &figures, "cpuid_exact",
			     &cpuid_exact, "window", &window))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.exits", where);
	if (doc_window(exits, key, d->isa, t, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.probe_cpuid_exits", where);
	if (window_counter(own, key, &value, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.figures", where);
	if (probe_doc_want(json_is_object(figures), figures, key, "an object", err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.cpuid_exact", where);
	if ((cpuid_exact != NULL) != d->has_cpuid_exact)
		return window_fail(err, errsize, -EINVAL, "%s is %s, but the document's is %s", key,
				   cpuid_exact ? "there" : "absent", cpuid_exact ? "absent" : "there");
	if (cpuid_exact && probe_doc_want(json_is_boolean(cpuid_exact), cpuid_exact, key,
					  "a boolean", err, errsize))
		return -EINVAL;
	*exact = *exact && !json_is_false(cpuid_exact);
	/* The first window is the document's own, key for key. */
	if (!i && (!json_equal(exits, json_object_get(d->doc, "exits")) ||
		   value != d->probe_cpuid_exits ||
		   !json_equal(figures, json_object_get(d->workload, "figures")) ||
		   (window ? !json_equal(window, json_object_get(d->doc, "window")) :
			     d->has_window)))
		return window_fail(err, errsize, -EINVAL, "%s is not the document's own window "
				   "(exits, probe_cpuid_exits, figures, window)", where);
	return 0;
}

/* run --repeat N: n windows, 2 to PROBE_DOC_REPEAT_MAX, the first the document's. */
static int doc_repeat(json_t *repeat, struct probe_doc *d, char *err, size_t errsize)
{
	json_t *n, *windows, *w;
	struct exit_table *t;
	bool exact = true;
	size_t i;
	int r = 0;

	if (!repeat)
		return 0;
	if (probe_doc_unpack(repeat, "repeat", err, errsize, "{s:o, s:o}", "n", &n, "windows",
			     &windows) ||
	    window_counter(n, "repeat.n", &d->repeat_n, err, errsize) ||
	    probe_doc_want(json_is_array(windows), windows, "repeat.windows", "an array", err,
			   errsize))
		return -EINVAL;
	if (d->repeat_n < 2 || d->repeat_n > PROBE_DOC_REPEAT_MAX)
		return window_fail(err, errsize, -EINVAL, "repeat.n is %llu, not 2 to %d (one window "
				   "has no repeat)", (unsigned long long)d->repeat_n,
				   PROBE_DOC_REPEAT_MAX);
	if (json_array_size(windows) != d->repeat_n)
		return window_fail(err, errsize, -EINVAL, "repeat.windows holds %zu, but repeat.n is "
				   "%llu", json_array_size(windows), (unsigned long long)d->repeat_n);
	t = malloc(sizeof(*t));
	if (!t)
		return window_fail(err, errsize, -ENOMEM, "out of memory");
	json_array_foreach(windows, i, w)
		if (!r)
			r = doc_repeat_window(w, i, d, t, &exact, err, errsize);
	free(t);
	if (!r && d->has_cpuid_exact && d->cpuid_exact != exact)
		r = window_fail(err, errsize, -EINVAL, "cpuid_exact is %s, but %s window is exact",
				d->cpuid_exact ? "true" : "false", exact ? "every" : "not every");
	if (!r)
		d->repeat_windows = windows;
	return r;
}

static int doc_snapshot(json_t *doc, struct probe_doc *d, char *err, size_t errsize)
{
	struct probe_doc_l2_keys l2 = { 0 };
	json_t *schema, *abi_version, *l1, *counters, *abi_map = NULL;

	d->kind = PROBE_DOC_SNAPSHOT;
	if (probe_doc_unpack(doc, "snapshot document", err, errsize,
			     "{s:o, s:o, s:o, s:o, s?o, s?o, s?o, s?o, s?o}",
			     "schema", &schema, "abi_version", &abi_version, "l1", &l1,
			     "counters", &counters, "abi_map", &abi_map, "l2_uptime_s", &l2.uptime,
			     "l2_uptime_end_s", &l2.uptime_end, "l2_userspace_s", &l2.userspace,
			     "cloud_init", &l2.cloud_init) ||
	    doc_head(abi_version, abi_map, l1, d, err, errsize) || probe_doc_l2(&l2, d, err, errsize))
		return -EINVAL;
	return doc_window(counters, "counters", d->isa, &d->first, err, errsize);
}

static int doc_run(json_t *doc, struct probe_doc *d, char *err, size_t errsize)
{
	struct probe_doc_l2_keys l2 = { 0 };
	json_t *schema, *abi_version, *l1, *before, *exits, *workload, *own;
	json_t *exact = NULL, *sample_ms = NULL, *samples = NULL, *dropped = NULL;
	json_t *window = NULL, *abi_map = NULL, *repeat = NULL;
	int r;

	d->kind = PROBE_DOC_RUN;
	d->doc = doc;
	if (probe_doc_unpack(doc, "run document", err, errsize, "{s:o, s:o, s:o, s:o, s:o, s:o, "
			     "s:o, s?o, s?o, s?o, s?o, s?o, s?o, s?o, s?o, s?o, s?o, s?o}",
			     "schema", &schema, "abi_version", &abi_version, "l1", &l1,
			     "before", &before, "exits", &exits, "workload", &workload,
			     "probe_cpuid_exits", &own, "cpuid_exact", &exact,
			     "sample_ms", &sample_ms, "samples", &samples,
			     "samples_dropped", &dropped, "window", &window,
			     "abi_map", &abi_map, "repeat", &repeat, "l2_uptime_s", &l2.uptime,
			     "l2_uptime_end_s", &l2.uptime_end, "l2_userspace_s", &l2.userspace,
			     "cloud_init", &l2.cloud_init) ||
	    doc_head(abi_version, abi_map, l1, d, err, errsize) ||
	    doc_clock_window(window, d, err, errsize) || probe_doc_l2(&l2, d, err, errsize))
		return -EINVAL;
	r = doc_window(before, "before", d->isa, &d->first, err, errsize);
	if (!r)
		r = doc_window(exits, "exits", d->isa, &d->exits, err, errsize);
	if (r)
		return r;
	if (doc_workload(workload, d, err, errsize) ||
	    window_counter(own, "probe_cpuid_exits", &d->probe_cpuid_exits, err, errsize) ||
	    (exact && probe_doc_want(json_is_boolean(exact), exact, "cpuid_exact", "a boolean", err,
				     errsize)))
		return -EINVAL;
	d->has_cpuid_exact = exact != NULL;
	d->cpuid_exact = json_is_true(exact);
	if (doc_samples(samples, sample_ms, dropped, d, err, errsize))
		return -EINVAL;
	return doc_repeat(repeat, d, err, errsize);
}

int probe_doc_parse(json_t *doc, struct probe_doc *d, char *err, size_t errsize)
{
	int r;

	memset(d, 0, sizeof(*d));
	r = doc_schema(doc, err, errsize);
	if (r)
		return r;
	/* The kind is the key that holds the probe's first read. */
	if (json_object_get(doc, "counters"))
		return doc_snapshot(doc, d, err, errsize);
	if (json_object_get(doc, "before"))
		return doc_run(doc, d, err, errsize);
	return window_fail(err, errsize, -EINVAL,
			"neither \"counters\" (a snapshot) nor \"before\" (a run)");
}
