// SPDX-License-Identifier: GPL-2.0
/* run.json: what an attempt was, written at preparation and read at assembly. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "l0.h"
#include "run.h"
#include "util.h"

void run_record_event(struct run_record *rec, const char *name, double t_s)
{
	struct run_event *ev = &rec->events[rec->n_events];

	if (rec->n_events >= RUN_EVENTS_MAX)
		return;
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	/* To the millisecond: the polls are 250 ms apart, and run.json stays readable. */
	ev->t_s = (double)(long long)(t_s * 1000 + 0.5) / 1000;
	rec->n_events++;
}

/* [{name, t_s}], or NULL before L1 ran. */
static json_t *run_events_json(const struct run_record *rec)
{
	json_t *events;

	if (!rec->n_events)
		return NULL;
	events = json_array();
	for (size_t i = 0; i < rec->n_events; i++)
		json_array_append_new(events, json_pack("{s:s, s:f}", "name", rec->events[i].name,
							"t_s", rec->events[i].t_s));
	return events;
}

/* {name, id?}: L2's kernel, and the trimmed one's id in the kernel cache. */
static json_t *run_l2_kernel_json(const struct run_record *rec)
{
	json_t *l2 = json_pack("{s:s}", "name", rec->l2_kernel);

	if (l2 && rec->l2_kernel_id[0])
		json_object_set_new(l2, "id", json_string(rec->l2_kernel_id));
	return l2;
}

json_t *run_record_host_json(const struct run_record *rec)
{
	json_t *host = json_pack("{s:s, s:s, s:s}", "accel", accel_name(rec->accel),
				 "cpu_vendor", rec->cpu_vendor, "qemu_version", rec->qemu_version);

	if (host && rec->l0[0])
		json_object_set_new(host, "l0", json_string(rec->l0));
	if (host && rec->trace >= 0)
		json_object_set_new(host, "trace", json_boolean(rec->trace));
	return host;
}

static json_t *run_record_json(const struct run_record *rec)
{
	json_t *doc, *events = run_events_json(rec);
	char when[32];

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&rec->started));
	doc = json_pack("{s:s, s:i, s:s, s:f, s:{s:f, s:f, s:f}, s:o, s:s, s:s, s:{s:s, s:s}}",
			 "scenario", rec->scenario, "attempt", rec->attempt, "started_at", when,
			 "duration_s", rec->duration_s,
			 "stages", "l1-boot", rec->stage_s[STAGE_L1_BOOT], "l2", rec->stage_s[STAGE_L2],
			 "done", rec->stage_s[STAGE_DONE],
			 "host", run_record_host_json(rec),
			 "l1_isa", exsc_isa_name(rec->isa), "kernel", rec->kernel_id,
			 "images", "l1", rec->l1_image, "l2", rec->l2_image);
	if (doc && events)
		json_object_set(doc, "events", events);
	json_decref(events);
	if (doc && rec->l2_kernel[0])
		json_object_set_new(doc, "l2_kernel", run_l2_kernel_json(rec));
	if (doc && rec->shared_boot[0])
		json_object_set_new(doc, "shared_boot", json_string(rec->shared_boot));
	return doc;
}

int run_record_write(const char *dir, const struct run_record *rec)
{
	char path[PATH_MAX + 16], *text;
	json_t *doc = run_record_json(rec);
	int r;

	if (!doc)
		return -EINVAL;
	text = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	r = util_pathf(path, sizeof(path), "%s/%s", dir, RUN_RECORD_FILE);
	if (!r)
		r = util_write_atomic(path, text, strlen(text));
	free(text);
	return r;
}

/* Copies @from into @to, or fails when it does not fit. */
static int field_copy(char *to, size_t size, const char *from)
{
	return util_pathf(to, size, "%s", from) < 0 ? -EINVAL : 0;
}

static int run_record_fill(struct run_record *rec, const char *scenario, const char *when,
			   const char *accel, const char *vendor, const char *qemu, const char *isa,
			   const char *kernel, const char *l1, const char *l2)
{
	struct tm tm = { 0 };
	const char *end = strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (!end || *end || accel_parse(accel, &rec->accel) < 0 || exsc_isa_parse(isa, &rec->isa) < 0)
		return -EINVAL;
	rec->started = timegm(&tm);
	if (field_copy(rec->scenario, sizeof(rec->scenario), scenario) ||
	    field_copy(rec->cpu_vendor, sizeof(rec->cpu_vendor), vendor) ||
	    field_copy(rec->qemu_version, sizeof(rec->qemu_version), qemu) ||
	    field_copy(rec->kernel_id, sizeof(rec->kernel_id), kernel) ||
	    field_copy(rec->l1_image, sizeof(rec->l1_image), l1) ||
	    field_copy(rec->l2_image, sizeof(rec->l2_image), l2))
		return -EINVAL;
	return 0;
}

/* One event: a name that fits, a time not before the one before it. */
static int run_event_read(json_t *item, size_t i, struct run_record *rec, char *err, size_t size)
{
	struct run_event *ev = &rec->events[i];
	json_error_t jerr;
	const char *name;

	if (json_unpack_ex(item, &jerr, JSON_STRICT, "{s:s, s:F}", "name", &name, "t_s", &ev->t_s))
		snprintf(err, size, "events[%zu]: %s", i, jerr.text);
	else if (!*name || field_copy(ev->name, sizeof(ev->name), name))
		snprintf(err, size, "events[%zu].name is empty or longer than %d bytes", i,
			 RUN_EVENT_NAME - 1);
	else if (!(ev->t_s >= (i ? rec->events[i - 1].t_s : 0)))
		snprintf(err, size, "events[%zu].t_s is %g, before the event before it (or 0)", i,
			 ev->t_s);
	else
		return 0;
	return -EINVAL;
}

/*
 * "l2_kernel": optional, since the micro stage boots no L2 and an older
 * exitscope did not write it.  The trimmed kernel has an id, Debian's none.
 */
static int run_l2_kernel_read(json_t *l2, struct run_record *rec, char *err, size_t size)
{
	const char *name, *id = "";
	json_error_t jerr;
	bool trimmed;

	if (!l2)
		return 0;
	if (json_unpack_ex(l2, &jerr, JSON_STRICT, "{s:s, s?s}", "name", &name, "id", &id)) {
		snprintf(err, size, "l2_kernel: %s", jerr.text);
		return -EINVAL;
	}
	trimmed = !strcmp(name, SCENARIO_L2_TRIMMED);
	if (!scenario_l2_kernel_valid(name) || (trimmed ? !kernel_id_valid(id) : *id != '\0')) {
		snprintf(err, size, "l2_kernel is not {name: trimmed, id: ID} or {name: debian}");
		return -EINVAL;
	}
	field_copy(rec->l2_kernel, sizeof(rec->l2_kernel), name);
	field_copy(rec->l2_kernel_id, sizeof(rec->l2_kernel_id), id);
	return 0;
}

/* "events": optional, since an older exitscope did not write it. */
static int run_events_read(json_t *events, struct run_record *rec, char *err, size_t size)
{
	json_t *item;
	size_t i;

	if (!events)
		return 0;
	if (!json_is_array(events) || json_array_size(events) > RUN_EVENTS_MAX) {
		snprintf(err, size, "events is not an array of at most %d", RUN_EVENTS_MAX);
		return -EINVAL;
	}
	json_array_foreach(events, i, item) {
		if (run_event_read(item, i, rec, err, size))
			return -EINVAL;
		rec->n_events = i + 1;
	}
	return 0;
}

int run_record_read(const char *dir, struct run_record *rec, char *err, size_t size)
{
	const char *scenario, *when, *accel, *vendor, *qemu, *isa, *kernel, *l1, *l2, *l0 = "";
	const char *shared = "";
	int trace = -1;
	json_t *events = NULL, *l2_kernel = NULL;
	char why[256];
	char path[PATH_MAX + 16];
	enum l0_kind kind;
	json_error_t jerr;
	json_t *doc;
	int r;

	memset(rec, 0, sizeof(*rec));
	util_pathf(path, sizeof(path), "%s/%s", dir, RUN_RECORD_FILE);
	if (access(path, F_OK) < 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	doc = json_load_file(path, 0, &jerr);
	if (!doc) {
		snprintf(err, size, "%s: %s", path, jerr.text);
		return -EINVAL;
	}
	r = json_unpack_ex(doc, &jerr, JSON_STRICT,
			   "{s:s, s:i, s:s, s:F, s:{s:F, s:F, s:F}, s:{s:s, s:s, s:s, s?s, s?b}, s:s, s:s,"
			   " s:{s:s, s:s}, s?o, s?o, s?s}",
			   "scenario", &scenario, "attempt", &rec->attempt, "started_at", &when,
			   "duration_s", &rec->duration_s,
			   "stages", "l1-boot", &rec->stage_s[STAGE_L1_BOOT], "l2", &rec->stage_s[STAGE_L2],
			   "done", &rec->stage_s[STAGE_DONE],
			   "host", "accel", &accel, "cpu_vendor", &vendor, "qemu_version", &qemu,
			   "l0", &l0, "trace", &trace, "l1_isa", &isa, "kernel", &kernel, "images", "l1", &l1, "l2", &l2,
			   "events", &events, "l2_kernel", &l2_kernel, "shared_boot", &shared);
	rec->trace = trace;
	if (r < 0)
		snprintf(err, size, "%s: %s", path, jerr.text);
	else if ((r = run_record_fill(rec, scenario, when, accel, vendor, qemu, isa, kernel, l1, l2)) ||
		 (r = field_copy(rec->l0, sizeof(rec->l0), l0)) ||
		 (l0[0] && (r = l0_kind_parse(l0, &kind))))
		snprintf(err, size, "%s: a value is out of range (time, accelerator, L0, ISA or id)", path);
	else if ((r = run_events_read(events, rec, why, sizeof(why))) ||
		 (r = run_l2_kernel_read(l2_kernel, rec, why, sizeof(why))))
		snprintf(err, size, "%s: %s", path, why);
	else if ((r = field_copy(rec->shared_boot, sizeof(rec->shared_boot), shared)) < 0)
		snprintf(err, size, "%s: shared_boot is longer than a scenario's name", path);
	json_decref(doc);
	return r < 0 ? -EINVAL : 0;
}

int run_dir_find(const char *results, const char *scenario, char *kernel_id, size_t size)
{
	char pattern[PATH_MAX + 64];
	glob_t found = { 0 };
	int r = -ENOENT;

	if (util_pathf(pattern, sizeof(pattern), "%s/*/%s.run/%s", results, scenario,
		       RUN_RECORD_FILE) < 0)
		return -ENAMETOOLONG;
	glob(pattern, 0, NULL, &found);
	if (found.gl_pathc > 1)
		r = -EEXIST;
	if (found.gl_pathc == 1) {
		/* DIR/<kernel-id>/<scenario>.run/run.json: the id is the third name from the end. */
		char *dir = found.gl_pathv[0];

		*strrchr(dir, '/') = '\0';
		*strrchr(dir, '/') = '\0';
		r = util_pathf(kernel_id, size, "%s", strrchr(dir, '/') + 1);
	}
	globfree(&found);
	return r;
}
