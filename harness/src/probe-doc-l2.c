// SPDX-License-Identifier: GPL-2.0
/*
 * L2's own clocks in a probe document, all seconds of L2's uptime: when the
 * probe started and finished its document, when L2's kernel ran init, and
 * cloud-init's stages.  Each is optional, since older probes lack them, and
 * held to what the kernel guarantees, so that a writer's bug shows: init ran
 * before the probe, which finished after it started.  cloud-init's stages
 * come from its wall clock and are held only to themselves.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe-doc-parts.h"

const char *const probe_doc_stages[PROBE_DOC_STAGES] = {
	"init-local", "init", "modules-init", "modules-config", "modules-final",
};

/* @value, when there, is a non-negative number: @key's seconds in *@out, else -1. */
static int doc_seconds(json_t *value, const char *key, double *out, char *err, size_t errsize)
{
	*out = -1;
	if (!value)
		return 0;
	if (probe_doc_want(json_is_number(value), value, key, "a number", err, errsize))
		return -EINVAL;
	*out = json_number_value(value);
	if (!(*out >= 0))
		return window_fail(err, errsize, -EINVAL, "%s is %g, not an uptime", key, *out);
	return 0;
}

static int doc_stage_index(const char *name)
{
	for (int i = 0; i < PROBE_DOC_STAGES; i++)
		if (!strcmp(name, probe_doc_stages[i]))
			return i;
	return -1;
}

/* cloud_init[@i], {stage, start_s, end_s?}: a stage after @after's in cloud-init's order. */
static int doc_stage(json_t *item, size_t i, int *after, struct probe_doc_stage *st, char *err,
		     size_t errsize)
{
	json_t *stage, *start, *end = NULL;
	char where[40], key[56];
	int at;

	snprintf(where, sizeof(where), "cloud_init[%zu]", i);
	if (probe_doc_unpack(item, where, err, errsize, "{s:o, s:o, s?o}", "stage", &stage,
			     "start_s", &start, "end_s", &end))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.stage", where);
	if (probe_doc_want(json_is_string(stage), stage, key, "a string", err, errsize))
		return -EINVAL;
	at = doc_stage_index(json_string_value(stage));
	if (at < 0 || at <= *after)
		return window_fail(err, errsize, -EINVAL, "%s is \"%s\", not %s", key,
				   json_string_value(stage), at < 0 ? "a stage of cloud-init" :
				   "after the stage before it (cloud-init's order, each once)");
	*after = at;
	st->stage = probe_doc_stages[at];
	snprintf(key, sizeof(key), "%s.start_s", where);
	if (doc_seconds(start, key, &st->start_s, err, errsize))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.end_s", where);
	if (doc_seconds(end, key, &st->end_s, err, errsize))
		return -EINVAL;
	if (end && st->end_s < st->start_s)
		return window_fail(err, errsize, -EINVAL, "%s is %g, before start_s %g", key,
				   st->end_s, st->start_s);
	return 0;
}

/* cloud_init: the stages cloud-init had started; absent, never empty, when none had. */
static int doc_stages(json_t *stages, struct probe_doc *d, char *err, size_t errsize)
{
	struct probe_doc_stage st;
	int after = -1;
	json_t *item;
	size_t i;

	if (!stages)
		return 0;
	if (probe_doc_want(json_is_array(stages), stages, "cloud_init", "an array", err, errsize))
		return -EINVAL;
	if (!json_array_size(stages))
		return window_fail(err, errsize, -EINVAL, "cloud_init is empty: it is absent when "
				   "cloud-init had started no stage");
	/* Each stage is after the one before, so at most PROBE_DOC_STAGES get this far. */
	json_array_foreach(stages, i, item) {
		if (doc_stage(item, i, &after, &st, err, errsize))
			return -EINVAL;
		d->stages[d->nr_stages++] = st;
	}
	return 0;
}

/* Only the kernel's uptimes are held to each other: cloud-init's come from the wall clock. */
static int doc_l2_order(const struct probe_doc *d, char *err, size_t errsize)
{
	if (d->has_l2_uptime && d->has_l2_uptime_end && d->l2_uptime_end_s < d->l2_uptime_s)
		return window_fail(err, errsize, -EINVAL, "l2_uptime_end_s is %g, before "
				   "l2_uptime_s %g: the probe finished before it started",
				   d->l2_uptime_end_s, d->l2_uptime_s);
	if (d->has_l2_uptime && d->has_l2_userspace && d->l2_userspace_s > d->l2_uptime_s)
		return window_fail(err, errsize, -EINVAL, "l2_userspace_s is %g, after l2_uptime_s "
				   "%g: init ran after the probe", d->l2_userspace_s,
				   d->l2_uptime_s);
	return 0;
}

int probe_doc_l2(const struct probe_doc_l2_keys *keys, struct probe_doc *d, char *err,
		 size_t errsize)
{
	if (doc_seconds(keys->uptime, "l2_uptime_s", &d->l2_uptime_s, err, errsize) ||
	    doc_seconds(keys->uptime_end, "l2_uptime_end_s", &d->l2_uptime_end_s, err, errsize) ||
	    doc_seconds(keys->userspace, "l2_userspace_s", &d->l2_userspace_s, err, errsize))
		return -EINVAL;
	d->has_l2_uptime = keys->uptime != NULL;
	d->has_l2_uptime_end = keys->uptime_end != NULL;
	d->has_l2_userspace = keys->userspace != NULL;
	if (doc_stages(keys->cloud_init, d, err, errsize))
		return -EINVAL;
	return doc_l2_order(d, err, errsize);
}
