// SPDX-License-Identifier: GPL-2.0
/*
 * A result's "timeline": its events, each by the clocks that saw it, and the
 * workload window by L2's own clocks.  Each clock only goes forward along
 * the events, and only a probe's window has a window, which the checks
 * here hold a document to, with a message naming the field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "result-parse.h"

/* @value: a non-negative number, or null when @nullable (then -1); @where names it. */
static int timeline_clock(json_t *value, bool nullable, const char *where, double *out,
			  struct result_error *err)
{
	if (nullable && json_is_null(value)) {
		*out = -1;
		return 0;
	}
	if (!json_is_number(value) || !(json_number_value(value) >= 0))
		return result_fail(err, -EINVAL, "%s is not a non-negative number%s", where,
				   nullable ? " or null" : "");
	*out = json_number_value(value);
	return 0;
}

/* Each clock goes forward along the events: @last holds the clock's latest reading. */
static int timeline_forward(double value, double *last, const char *where,
			    struct result_error *err)
{
	if (value < 0)
		return 0;
	if (value < *last)
		return result_fail(err, -EINVAL, "%s is %g, before an earlier event's %g: a clock "
				   "goes forward", where, value, *last);
	*last = value;
	return 0;
}

static int timeline_event(json_t *item, size_t i, struct result_event *ev, double last[3],
			  struct result_error *err)
{
	json_t *t_s, *l1, *l2 = NULL;
	char where[64];

	snprintf(where, sizeof(where), "timeline.events[%zu]", i);
	if (result_unpack(item, where, err, "{s:s, s:o, s:o, s?o}", "name", &ev->name, "t_s", &t_s,
			  "l1_uptime_s", &l1, "l2_uptime_s", &l2))
		return -EINVAL;
	if (!*ev->name)
		return result_fail(err, -EINVAL, "%s.name is empty", where);
	snprintf(where, sizeof(where), "timeline.events[%zu].t_s", i);
	if (timeline_clock(t_s, true, where, &ev->t_s, err) ||
	    timeline_forward(ev->t_s, &last[0], where, err))
		return -EINVAL;
	snprintf(where, sizeof(where), "timeline.events[%zu].l1_uptime_s", i);
	if (timeline_clock(l1, true, where, &ev->l1_uptime_s, err) ||
	    timeline_forward(ev->l1_uptime_s, &last[1], where, err))
		return -EINVAL;
	ev->l2_uptime_s = -1;
	snprintf(where, sizeof(where), "timeline.events[%zu].l2_uptime_s", i);
	if (l2 && (timeline_clock(l2, false, where, &ev->l2_uptime_s, err) ||
		   timeline_forward(ev->l2_uptime_s, &last[2], where, err)))
		return -EINVAL;
	return 0;
}

/* window {wall_s, tsc}: only a probe measures one; not a stock kernel's run, nor the micro stage. */
static int timeline_window(json_t *obj, struct result *r, struct result_error *err)
{
	json_t *wall_s;
	json_int_t tsc;

	if (!obj)
		return 0;
	if (r->kernel.stock || r->micro.present)
		return result_fail(err, -EINVAL, "timeline.window is there, but a %s has no probe "
				   "window", r->kernel.stock ? "stock kernel's result" :
							     "micro stage's result");
	if (result_unpack(obj, "timeline.window", err, "{s:o, s:I}", "wall_s", &wall_s,
			  "tsc", &tsc) ||
	    timeline_clock(wall_s, false, "timeline.window.wall_s", &r->timeline.window_wall_s,
			   err) ||
	    result_counter(tsc, "timeline.window", "tsc", &r->timeline.window_tsc, err))
		return -EINVAL;
	r->timeline.window_present = true;
	return 0;
}

int result_parse_timeline(json_t *obj, struct result *r, struct result_error *err)
{
	double last[3] = { 0, 0, 0 };
	json_t *events, *window = NULL, *item;
	size_t i;

	if (!obj)
		return 0;
	if (result_unpack(obj, "timeline", err, "{s:o, s?o}", "events", &events, "window", &window))
		return -EINVAL;
	if (!json_is_array(events))
		return result_fail(err, -EINVAL, "timeline.events is not an array");
	r->timeline.events = calloc(json_array_size(events) + 1, sizeof(*r->timeline.events));
	if (!r->timeline.events)
		return result_fail(err, -ENOMEM, "out of memory");
	json_array_foreach(events, i, item) {
		if (timeline_event(item, i, &r->timeline.events[i], last, err))
			return -EINVAL;
		r->timeline.nr_events = i + 1;
	}
	if (timeline_window(window, r, err))
		return -EINVAL;
	r->timeline.present = true;
	return 0;
}
