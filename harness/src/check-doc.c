// SPDX-License-Identifier: GPL-2.0
/* exitmicro check's document, read back and checked (check-doc.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check-doc.h"
#include "check-output.h"

static int bad(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *rule_name(const char *name)
{
	static const char *const rules[] = { CHECK_RULE_MAP, CHECK_RULE_COUNT, CHECK_RULE_UNDEFINED,
					     CHECK_RULE_DEFINED, CHECK_RULE_NOT_ENABLED,
					     CHECK_RULE_TOTALS, CHECK_RULE_CYCLES, CHECK_RULE_SPAN,
					     CHECK_RULE_SELF, CHECK_RULE_WRAP };

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(name, rules[i]))
			return rules[i];
	return NULL;
}

static int status_parse(const char *name, enum check_status *status)
{
	for (int s = CHECK_PASS; s <= CHECK_SKIP; s++)
		if (!strcmp(name, check_status_name((enum check_status)s))) {
			*status = (enum check_status)s;
			return 0;
		}
	return -EINVAL;
}

/* A string member that fits a verdict's text into @out. */
static int text_get(const json_t *row, const char *key, char *out)
{
	const char *s = json_string_value(json_object_get(row, key));

	if (!s || strlen(s) >= CHECK_TEXT)
		return -EINVAL;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int row_read(const json_t *row, size_t i, struct check_verdict *v, char *err, size_t size)
{
	const char *rule = json_string_value(json_object_get(row, "rule"));
	const char *status = json_string_value(json_object_get(row, "status"));
	const json_t *reason = json_object_get(row, "reason");
	const char *cause = json_string_value(json_object_get(row, "cause"));

	if (!json_is_object(row) || !rule || !(v->rule = rule_name(rule)))
		return bad(err, size, "verdict %zu: no known rule", i);
	if (!status || status_parse(status, &v->status))
		return bad(err, size, "verdict %zu (%s): status is not pass, FAIL or skip", i, rule);
	if (text_get(row, "expected", v->expected) || text_get(row, "got", v->got))
		return bad(err, size, "verdict %zu (%s): expected and got must be short strings", i,
			   rule);
	v->has_reason = reason != NULL;
	if (reason && (!json_is_integer(reason) || json_integer_value(reason) < 0 ||
		       json_integer_value(reason) > UINT32_MAX))
		return bad(err, size, "verdict %zu (%s): reason is not a 32-bit number", i, rule);
	v->reason = reason ? (uint32_t)json_integer_value(reason) : 0;
	if (v->status == CHECK_FAIL && (!cause || !*cause))
		return bad(err, size, "verdict %zu (%s): a failure without its cause", i, rule);
	v->cause = v->status == CHECK_FAIL ? cause : "";
	return 0;
}

static int rows_read(const json_t *rows, struct check_report *r, char *err, size_t size)
{
	size_t n = json_array_size(rows);

	if (!json_is_array(rows) || !n || n > CHECK_MAX_VERDICTS)
		return bad(err, size, "verdicts is not an array of 1 to %d rows", CHECK_MAX_VERDICTS);
	r->n = 0;
	for (size_t i = 0; i < n; i++) {
		int e = row_read(json_array_get(rows, i), i, &r->v[i], err, size);

		if (e)
			return e;
		r->n++;
	}
	return 0;
}

/* The run's figures: k, cpuids, seconds, release and the actions' names. */
static int figures_read(const json_t *doc, char *err, size_t size)
{
	const json_t *actions = json_object_get(doc, "actions");
	json_int_t k = json_integer_value(json_object_get(doc, "k"));
	const json_t *seconds = json_object_get(doc, "seconds");

	if (!json_is_integer(json_object_get(doc, "k")) || k < 1)
		return bad(err, size, "k is not a positive number");
	if (!json_is_integer(json_object_get(doc, "cpuids")) ||
	    json_integer_value(json_object_get(doc, "cpuids")) < 1)
		return bad(err, size, "cpuids is not a positive number");
	if (!json_is_number(seconds) || json_number_value(seconds) < 0)
		return bad(err, size, "seconds is not a duration");
	if (!json_is_string(json_object_get(doc, "release")))
		return bad(err, size, "release is not a string");
	if (!json_is_array(actions))
		return bad(err, size, "actions is not an array");
	for (size_t i = 0; i < json_array_size(actions); i++)
		if (!json_is_string(json_array_get(actions, i)))
			return bad(err, size, "actions holds a non-string");
	return 0;
}

/* The gate: a kernel that does not answer the map has the one "map" row and no other. */
static int answered_read(const json_t *doc, struct check_doc *out, char *err, size_t size)
{
	const json_t *answered = json_object_get(doc, "answered");
	const struct check_report *r = &out->report;

	if (json_is_null(answered))
		out->report.answered = NULL;
	else if (!json_is_string(answered) ||
		 !(out->report.answered = exsc_map_find(json_string_value(answered))))
		return bad(err, size, "answered is neither null nor a map's name");
	if (r->answered == out->map)
		return !strcmp(r->v[0].rule, CHECK_RULE_MAP)
		       ? bad(err, size, "the map answers, yet the gate's row is there") : 0;
	if (r->n != 1 || strcmp(r->v[0].rule, CHECK_RULE_MAP) || r->v[0].status != CHECK_FAIL)
		return bad(err, size, "map %s does not answer, yet the rows are not the gate's one "
			   "failure", out->map->name);
	return 0;
}

int check_doc_read(const json_t *doc, const struct exsc_map *want, struct check_doc *out,
		   char *err, size_t size)
{
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	const char *map = json_string_value(json_object_get(doc, "map"));
	const char *isa = json_string_value(json_object_get(doc, "isa"));
	const json_t *failures = json_object_get(doc, "failures"), *pass = json_object_get(doc, "pass");
	int e;

	if (!json_is_object(doc) || !schema || strcmp(schema, CHECK_SCHEMA))
		return bad(err, size, "schema is not %s", CHECK_SCHEMA);
	if (!map || strcmp(map, want->name))
		return bad(err, size, "map is '%s', not %s", map ? map : "(none)", want->name);
	out->map = want;
	if (!isa || exsc_isa_parse(isa, &out->isa) || out->isa == EXSC_ISA_NONE)
		return bad(err, size, "isa is neither vmx nor svm");
	e = rows_read(json_object_get(doc, "verdicts"), &out->report, err, size);
	if (!e)
		e = answered_read(doc, out, err, size);
	if (!e)
		e = figures_read(doc, err, size);
	if (e)
		return e;
	if (!json_is_integer(failures) ||
	    json_integer_value(failures) != (json_int_t)check_failures(&out->report))
		return bad(err, size, "failures does not count the failed rows");
	if (!json_is_boolean(pass) || json_is_true(pass) != !check_failures(&out->report))
		return bad(err, size, "pass does not agree with the rows");
	return 0;
}
