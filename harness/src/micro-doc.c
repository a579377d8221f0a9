// SPDX-License-Identifier: GPL-2.0
/* exitmicro's document as the run reads it (micro-doc.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "exitscope/micro-verdict.h"
#include "micro-doc.h"

/* An action measured reads the counters twice from inside its guest (micro/account.h). */
#define MICRO_READS_PER_ACTION 2

struct micro_entry {
	const char *action, *name;
	json_int_t reason, caused, cpuid, debugfs, traced, cycles;
	int exact;
};

static int entry_unpack(json_t *entry, struct micro_entry *e, char *err, size_t size, size_t i)
{
	json_int_t own_cpuid, own_window, faults;
	double seconds;
	json_t *others;
	json_error_t jerr;

	if (json_unpack_ex(entry, &jerr, JSON_STRICT,
			   "{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:{s:I, s:I}, s:I, s:F, s:o}",
			   "action", &e->action, "reason", &e->reason, "name", &e->name,
			   "caused", &e->caused, "cpuid", &e->cpuid, "debugfs", &e->debugfs,
			   "traced", &e->traced, "cycles", &e->cycles, "exact", &e->exact,
			   "own_exits", "cpuid", &own_cpuid, "window", &own_window,
			   "guest_faults", &faults, "seconds", &seconds, "window_others", &others)) {
		snprintf(err, size, "reasons[%zu]: %s", i, jerr.text);
		return -EINVAL;
	}
	if (e->reason < 0 || e->reason > UINT32_MAX || e->caused < 0 || e->cycles < 0 ||
	    own_cpuid < 0 || own_window < 0 || faults < 0 || seconds < 0 || !json_is_object(others)) {
		snprintf(err, size, "reasons[%zu] (%s): a value is out of range", i, e->action);
		return -EINVAL;
	}
	if (!e->exact != !micro_views_exact(e->caused, e->cpuid, e->debugfs, e->traced)) {
		snprintf(err, size, "reasons[%zu] (%s): \"exact\" is %s but the counts say otherwise", i,
			 e->action, e->exact ? "true" : "false");
		return -EINVAL;
	}
	return 0;
}

static int lists_check(json_t *doc, char *err, size_t size)
{
	json_t *entry;
	size_t i;

	json_array_foreach(json_object_get(doc, "unsupported"), i, entry) {
		const char *action, *why, *name = NULL;
		json_int_t reason = 0;

		if (json_unpack(entry, "{s:s, s:s, s?I, s?s !}", "action", &action, "why", &why,
				"reason", &reason, "name", &name) || reason < 0) {
			snprintf(err, size, "unsupported[%zu] is not {action, why, reason?, name?}", i);
			return -EINVAL;
		}
	}
	json_array_foreach(json_object_get(doc, "errors"), i, entry) {
		const char *action, *error;

		if (json_unpack(entry, "{s:s, s:s !}", "action", &action, "error", &error)) {
			snprintf(err, size, "errors[%zu] is not {action, error}", i);
			return -EINVAL;
		}
	}
	return 0;
}

static int top_unpack(json_t *doc, enum exsc_isa *isa, int *exact, char *err, size_t size)
{
	const char *schema = json_string_value(json_object_get(doc, "schema")), *isa_name, *kernel;
	json_t *reasons, *unsupported, *errors;
	json_int_t abi, k;
	double seconds;
	json_error_t jerr;

	if (!schema || strcmp(schema, MICRO_DOC_SCHEMA)) {
		snprintf(err, size, "not an exitmicro document (schema is not %s)", MICRO_DOC_SCHEMA);
		return -ENOMSG;
	}
	if (json_unpack_ex(doc, &jerr, JSON_STRICT,
			   "{s:s, s:s, s:I, s:I, s:s, s:F, s:b, s:o, s:o, s:o}", "schema", &schema,
			   "isa", &isa_name, "abi_version", &abi, "k", &k, "kernel", &kernel,
			   "seconds", &seconds, "exact", exact, "reasons", &reasons,
			   "unsupported", &unsupported, "errors", &errors)) {
		snprintf(err, size, "%s", jerr.text);
		return -EINVAL;
	}
	if (exsc_isa_parse(isa_name, isa) < 0 || *isa == EXSC_ISA_NONE || abi < 1 || k < 1 ||
	    seconds < 0 || !json_is_array(reasons) || !json_is_array(unsupported) ||
	    !json_is_array(errors)) {
		snprintf(err, size, "isa, abi_version, k, seconds or a list is out of range");
		return -EINVAL;
	}
	return 0;
}

int micro_doc_check(json_t *doc, enum exsc_isa *isa_out, char *err, size_t size)
{
	json_t *reasons = json_object_get(doc, "reasons"), *entry;
	struct micro_entry e;
	enum exsc_isa isa;
	size_t i, nr_exact = 0;
	int exact, r = top_unpack(doc, &isa, &exact, err, size);

	if (r < 0 || (r = lists_check(doc, err, size)) < 0)
		return r;
	json_array_foreach(reasons, i, entry) {
		if ((r = entry_unpack(entry, &e, err, size, i)) < 0)
			return r;
		nr_exact += e.exact;
	}
	if (!exact != !micro_run_exact(json_array_size(reasons), nr_exact,
				       json_array_size(json_object_get(doc, "errors")))) {
		snprintf(err, size, "\"exact\" is %s but the reasons and errors say otherwise",
			 exact ? "true" : "false");
		return -EINVAL;
	}
	if (isa_out)
		*isa_out = isa;
	return 0;
}

/* Adds @count (and @cycles) to @reason's row, making the row when it is new. */
static int table_add(struct exit_table *t, uint32_t reason, json_int_t count, json_int_t cycles)
{
	uint64_t n = count > 0 ? (uint64_t)count : 0, c = cycles > 0 ? (uint64_t)cycles : 0;

	t->total += n;
	t->cycles += c;
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].reason == reason) {
			t->v[i].count += n;
			t->v[i].cycles += c;
			return 0;
		}
	}
	return exit_table_add(t, reason, n, c);
}

int micro_doc_tables(json_t *doc, struct exit_table *counted, struct exit_table *traced)
{
	char err[256];
	struct micro_entry e;
	json_t *entry;
	size_t i;

	memset(counted, 0, sizeof(*counted));
	memset(traced, 0, sizeof(*traced));
	json_array_foreach(json_object_get(doc, "reasons"), i, entry) {
		int r;

		if (entry_unpack(entry, &e, err, sizeof(err), i) < 0)
			return -EINVAL;
		r = table_add(counted, (uint32_t)e.reason, e.debugfs, e.cycles);
		if (!r)
			r = table_add(traced, (uint32_t)e.reason, e.traced, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

json_t *micro_doc_result(json_t *doc)
{
	json_t *block, *reasons = json_array(), *entry;
	char err[256];
	size_t i;

	json_array_foreach(json_object_get(doc, "reasons"), i, entry) {
		struct micro_entry e;

		if (!reasons || entry_unpack(entry, &e, err, sizeof(err), i) < 0 ||
		    json_array_append_new(reasons,
					  json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b}",
						    "action", e.action, "reason", e.reason,
						    "name", e.name, "caused", e.caused,
						    "cpuid", e.cpuid, "debugfs", e.debugfs,
						    "traced", e.traced, "cycles", e.cycles,
						    "exact", e.exact))) {
			json_decref(reasons);
			return NULL;
		}
	}
	block = json_pack("{s:O, s:O, s:o, s:O, s:O}", "k", json_object_get(doc, "k"),
			  "exact", json_object_get(doc, "exact"), "reasons", reasons,
			  "unsupported", json_object_get(doc, "unsupported"),
			  "errors", json_object_get(doc, "errors"));
	return block;
}

uint64_t micro_doc_own_cpuid(json_t *doc)
{
	return MICRO_READS_PER_ACTION * (uint64_t)json_array_size(json_object_get(doc, "reasons"));
}
