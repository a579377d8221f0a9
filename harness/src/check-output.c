// SPDX-License-Identifier: GPL-2.0
/* The grader's verdicts as a JSON document (check-output.h). */
#include "check-output.h"
#include "exitscope/exit.h"
#include "exitscope/reasons.h"

static json_t *verdict_json(enum exsc_isa isa, const struct check_verdict *v)
{
	json_t *row = json_pack("{s:s, s:s, s:s, s:s}", "rule", v->rule, "expected", v->expected,
				"got", v->got, "status", check_status_name(v->status));
	const char *name = v->has_reason ? reasons_name(isa, v->reason) : NULL;

	if (!row)
		return NULL;
	if (v->has_reason)
		json_object_set_new(row, "reason", json_integer((json_int_t)v->reason));
	if (name)
		json_object_set_new(row, "name", json_string(name));
	if (v->status == CHECK_FAIL)
		json_object_set_new(row, "cause", json_string(v->cause));
	return row;
}

json_t *check_report_json(const struct check_input *in, const struct check_report *report)
{
	json_t *rows = json_array(), *doc;

	for (size_t i = 0; rows && i < report->n; i++) {
		json_t *row = verdict_json(in->isa, &report->v[i]);

		if (!row || json_array_append_new(rows, row) < 0) {
			json_decref(rows);
			return NULL;
		}
	}
	doc = json_pack("{s:s, s:s, s:s, s:o, s:b, s:I, s:o}", "schema", CHECK_SCHEMA,
			"map", in->map->name, "isa", exsc_isa_name(in->isa),
			"answered", report->answered ? json_string(report->answered->name)
						     : json_null(),
			"pass", check_failures(report) == 0,
			"failures", (json_int_t)check_failures(report), "verdicts", rows);
	return doc;
}

int check_exit_code(const struct check_report *report)
{
	return check_failures(report) ? EXIT_MEASURED_FAILED : EXIT_OK;
}
