// SPDX-License-Identifier: GPL-2.0
/*
 * The result's timeline (docs/design.md, "The timeline"), from the run
 * directory alone: the events L0 saw (run.json), L1's uptime on each status
 * line (status.log), and what only L2 knows, from the probe's document: its
 * start by L2's uptime and the workload window by L2's clocks.  Nothing here
 * prints.
 */
#include <errno.h>
#include <limits.h>
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

/*
 * probe-start, by L2's uptime alone: after the last of L2's start events
 * the agent wrote (the probe runs once L2 booted), else at the end.
 */
static int timeline_probe_start(json_t *events, double l2_uptime_s)
{
	static const char *const before[] = { "l2-start", "virt-install", "l2-running" };
	json_t *ev = json_pack("{s:s, s:n, s:n, s:f}", "name", "probe-start", "t_s",
			       "l1_uptime_s", "l2_uptime_s", l2_uptime_s);
	size_t at = json_array_size(events), i;
	json_t *item;

	json_array_foreach(events, i, item)
		for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
			if (!strcmp(json_string_value(json_object_get(item, "name")), before[b]))
				at = i + 1;
	return json_array_insert_new(events, at, ev) ? -ENOMEM : 0;
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
	    (ev->probe && ev->doc.has_l2_uptime &&
	     timeline_probe_start(events, ev->doc.l2_uptime_s)) ||
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
