// SPDX-License-Identifier: GPL-2.0
/*
 * The result's timeline (docs/design.md, "The timeline"), from the run
 * directory alone: the events L0 saw (run.json), L1's uptime on each status
 * line (status.log), and what only L2 knows, from the probe's document: by
 * L2's uptime, when its kernel ran init, cloud-init's stages, the probe's start
 * and end; and the workload window by L2's clocks.  Nothing here prints.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "util.h"

/* A number, or null for a clock that did not see the event (negative). */
static json_t *timeline_seconds(double s)
{
	return s >= 0 ? json_real(s) : json_null();
}

static int timeline_add(json_t *events, const char *name, double t_s, double l1_uptime_s)
{
	return json_array_append_new(events, json_pack("{s:s, s:o, s:o}", "name", name,
							"t_s", timeline_seconds(t_s),
							"l1_uptime_s", timeline_seconds(l1_uptime_s)));
}

static bool l0_own(const struct run_event *ev)
{
	return !strcmp(ev->name, "l0-start") || !strcmp(ev->name, "l0-end");
}

/*
 * The status lines' events, each with the time L0 first saw it: L0 read
 * the same lines with the same parser, so its status events are these, in
 * this order.  A name that differs ends the pairing; L0's time is then null.
 */
static int timeline_status(json_t *events, const struct run_record *rec,
			   const struct run_status_event *st, size_t n)
{
	size_t l0 = 0;
	bool paired = true;

	for (size_t i = 0; i < n; i++) {
		double t_s = -1;

		while (l0 < rec->n_events && l0_own(&rec->events[l0]))
			l0++;
		paired = paired && l0 < rec->n_events && !strcmp(rec->events[l0].name, st[i].name);
		if (paired)
			t_s = rec->events[l0++].t_s;
		if (timeline_add(events, st[i].name, t_s, st[i].l1_uptime_s))
			return -ENOMEM;
	}
	return 0;
}

/* L0's event @name at its own place: l0-start first, l0-end last. */
static int timeline_l0(json_t *events, const struct run_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->n_events; i++)
		if (!strcmp(rec->events[i].name, name))
			return timeline_add(events, name, rec->events[i].t_s, -1) ? -ENOMEM : 0;
	return 0;
}

/* One of L2's own events, by L2's uptime alone. */
struct l2_event {
	char name[48];
	double l2_uptime_s;
};

/* l2-userspace, each cloud-init stage's start and end, probe-start, probe-end. */
#define L2_EVENTS_MAX (1 + 2 * PROBE_DOC_STAGES + 2)

static void l2_event_add(struct l2_event *ev, size_t *n, const char *name, double l2_uptime_s)
{
	snprintf(ev[*n].name, sizeof(ev[*n].name), "%s", name);
	ev[(*n)++].l2_uptime_s = l2_uptime_s;
}

static void l2_stage_add(struct l2_event *ev, size_t *n, const struct probe_doc_stage *st)
{
	char name[48];

	snprintf(name, sizeof(name), "cloud-init-%s-start", st->stage);
	l2_event_add(ev, n, name, st->start_s);
	snprintf(name, sizeof(name), "cloud-init-%s-end", st->stage);
	if (st->end_s >= 0)
		l2_event_add(ev, n, name, st->end_s);
}

/* By L2's uptime; a stable sort, so that a tie keeps the order L2 went through them. */
static void l2_events_sort(struct l2_event *ev, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct l2_event e = ev[i];
		size_t j = i;

		for (; j > 0 && ev[j - 1].l2_uptime_s > e.l2_uptime_s; j--)
			ev[j] = ev[j - 1];
		ev[j] = e;
	}
}

/* What the probe's document says of L2's life (an older probe's says less), by L2's uptime. */
static size_t l2_events(const struct probe_doc *doc, struct l2_event *ev)
{
	size_t n = 0;

	if (doc->has_l2_userspace)
		l2_event_add(ev, &n, "l2-userspace", doc->l2_userspace_s);
	for (size_t i = 0; i < doc->nr_stages; i++)
		l2_stage_add(ev, &n, &doc->stages[i]);
	if (doc->has_l2_uptime)
		l2_event_add(ev, &n, "probe-start", doc->l2_uptime_s);
	if (doc->has_l2_uptime_end)
		l2_event_add(ev, &n, "probe-end", doc->l2_uptime_end_s);
	l2_events_sort(ev, n);
	return n;
}

/*
 * L2's events have no clock in common with L0's or L1's: they go after the
 * last of L2's start events the agent wrote (L2 cannot have run before),
 * else at the end, and among themselves by L2's uptime.
 */
static int timeline_l2(json_t *events, const struct probe_doc *doc)
{
	static const char *const before[] = { "l2-start", "virt-install", "l2-running" };
	struct l2_event ev[L2_EVENTS_MAX];
	size_t n = l2_events(doc, ev), at = json_array_size(events), i;
	json_t *item;

	json_array_foreach(events, i, item)
		for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
			if (!strcmp(json_string_value(json_object_get(item, "name")), before[b]))
				at = i + 1;
	for (i = 0; i < n; i++)
		if (json_array_insert_new(events, at + i,
					  json_pack("{s:s, s:n, s:n, s:f}", "name", ev[i].name,
						    "t_s", "l1_uptime_s", "l2_uptime_s",
						    ev[i].l2_uptime_s)))
			return -ENOMEM;
	return 0;
}

static size_t timeline_status_read(const char *run_dir, struct run_status_event *st, size_t max)
{
	char path[PATH_MAX + 16], *text = NULL;
	size_t n = 0;

	util_pathf(path, sizeof(path), "%s/status.log", run_dir);
	if (util_read_file(path, &text, NULL) == 0)
		n = run_status_events(text, st, max);
	free(text);
	return n;
}

static json_t *timeline_events(const char *run_dir, const struct run_record *rec,
			       const struct run_evidence *ev)
{
	struct run_status_event st[RUN_EVENTS_MAX];
	size_t n = timeline_status_read(run_dir, st, RUN_EVENTS_MAX);
	json_t *events = json_array();

	if (!events || timeline_l0(events, rec, "l0-start") ||
	    timeline_status(events, rec, st, n) ||
	    (ev->probe && timeline_l2(events, &ev->doc)) ||
	    timeline_l0(events, rec, "l0-end")) {
		json_decref(events);
		return NULL;
	}
	return events;
}

int run_timeline_apply(const char *run_dir, const struct run_record *rec,
		       const struct run_evidence *ev, json_t *result)
{
	json_t *events = timeline_events(run_dir, rec, ev), *timeline;

	if (!events)
		return -ENOMEM;
	if (!json_array_size(events)) {
		json_decref(events);
		return 0;
	}
	timeline = json_pack("{s:o}", "events", events);
	if (timeline && ev->probe && ev->doc.has_window)
		json_object_set_new(timeline, "window",
				    json_pack("{s:f, s:I}", "wall_s", ev->doc.window_wall_ns / 1e9,
					      "tsc", (json_int_t)ev->doc.window_tsc));
	return timeline && !json_object_set_new(result, "timeline", timeline) ? 0 : -ENOMEM;
}
