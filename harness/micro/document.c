// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "document.h"
#include "exitscope/micro-verdict.h"
#include "exitscope/reasons.h"

static enum exsc_isa doc_isa(json_t *doc)
{
	enum exsc_isa isa = EXSC_ISA_NONE;
	const char *name = json_string_value(json_object_get(doc, "isa"));

	if (name)
		exsc_isa_parse(name, &isa);
	return isa;
}

static const char *reason_name(enum exsc_isa isa, uint32_t reason)
{
	const char *name = reasons_name(isa, reason);

	return name ? name : "unknown";
}

json_t *micro_doc_new(const struct exsc_info *info, uint64_t k, const char *release)
{
	if (k > (uint64_t)INT64_MAX)
		return NULL;
	return json_pack("{s:s, s:s, s:i, s:I, s:s, s:[], s:[], s:[]}", "schema", MICRO_SCHEMA,
			 "isa", exsc_isa_name(info->isa), "abi_version", (int)info->abi_version,
			 "k", (json_int_t)k, "kernel", release, "reasons", "unsupported",
			 "errors");
}

static int append(json_t *doc, const char *key, json_t *entry)
{
	json_t *list = json_object_get(doc, key);

	if (!entry)
		return -ENOMEM;
	if (!json_is_array(list)) {
		json_decref(entry);
		return -EINVAL;
	}
	return json_array_append_new(list, entry) ? -ENOMEM : 0;
}

int micro_doc_add_result(json_t *doc, const struct micro_result *r, json_t *others)
{
	enum exsc_isa isa = doc_isa(doc);
	struct micro_own own;

	if (r->caused > (uint64_t)INT64_MAX || r->guest_faults > (uint64_t)INT64_MAX) {
		json_decref(others);
		return -ERANGE;
	}
	micro_own_exits(isa, r->reason, &own);
	return append(doc, "reasons",
		      json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:{s:I, s:I}, s:I, s:f, "
				"s:o}",
				"action", r->action, "reason", (json_int_t)r->reason,
				"name", reason_name(isa, r->reason),
				"caused", (json_int_t)r->caused,
				"cpuid", (json_int_t)r->verdict.cpuid,
				"debugfs", (json_int_t)r->verdict.debugfs,
				"traced", (json_int_t)r->verdict.traced,
				"cycles", (json_int_t)r->verdict.cycles,
				"exact", r->verdict.exact,
				"own_exits", "cpuid", (json_int_t)own.cpuid,
				"window", (json_int_t)own.window,
				"guest_faults", (json_int_t)r->guest_faults,
				"seconds", r->seconds,
				"window_others", others ? others : json_object()));
}

int micro_doc_add_unsupported(json_t *doc, const char *action, int64_t reason, const char *why)
{
	json_t *entry = json_pack("{s:s, s:s}", "action", action, "why", why);

	if (entry && reason >= 0 && reason <= UINT32_MAX) {
		json_object_set_new(entry, "reason", json_integer(reason));
		json_object_set_new(entry, "name",
				    json_string(reason_name(doc_isa(doc), (uint32_t)reason)));
	}
	return append(doc, "unsupported", entry);
}

int micro_doc_add_error(json_t *doc, const char *action, const char *error)
{
	return append(doc, "errors", json_pack("{s:s, s:s}", "action", action, "error", error));
}

bool micro_doc_finish(json_t *doc, double seconds)
{
	json_t *reasons = json_object_get(doc, "reasons"), *entry;
	size_t i, nr_exact = 0;
	bool exact;

	json_array_foreach(reasons, i, entry)
		nr_exact += json_is_true(json_object_get(entry, "exact"));
	exact = micro_run_exact(json_array_size(reasons), nr_exact,
				json_array_size(json_object_get(doc, "errors")));
	json_object_set_new(doc, "exact", json_boolean(exact));
	json_object_set_new(doc, "seconds", json_real(seconds));
	return exact;
}
