// SPDX-License-Identifier: GPL-2.0
/*
 * The assemble stage of the micro stage: a result from exitmicro's document.
 * The window is what the micro guest's VMs caused, per reason over all its
 * actions; the oracle compares L1's debugfs counts with the kvm_exit
 * histogram's over the same windows; "micro" keeps every action's four
 * views.  Nothing here prints.
 */
#include <stdio.h>
#include <stdlib.h>

#include "result.h"
#include "run.h"

static json_t *micro_workload(json_t *doc)
{
	json_t *actions = json_array(), *entry;
	size_t i;

	json_array_foreach(json_object_get(doc, "reasons"), i, entry) {
		json_array_append(actions, json_object_get(entry, "action"));
	}
	return json_pack("{s:s, s:{s:O, s:o}, s:{s:O}}", "name", "micro", "params",
			 "k", json_object_get(doc, "k"), "actions", actions, "figures",
			 "seconds", json_object_get(doc, "seconds"));
}

json_t *run_assemble_micro(const struct run_record *rec, const struct run_evidence *ev,
			   json_t *kernel, struct run_verdict *verdict, char *err, size_t size)
{
	/* Two tables of EXIT_TABLE_MAX rows: too large for the stack. */
	struct micro_tables {
		struct exit_table counted, traced;
	} *t = calloc(1, sizeof(*t));
	json_t *exits, *oracle, *body, *result = NULL;

	if (!t)
		return NULL;
	if (ev->micro_isa != rec->isa) {
		snprintf(err, size, "exitmicro ran on %s but L1 runs %s (%s)",
			 exsc_isa_name(ev->micro_isa), exsc_isa_name(rec->isa), accel_name(rec->accel));
		goto out;
	}
	if (micro_doc_tables(ev->micro_doc, &t->counted, &t->traced) < 0) {
		snprintf(err, size, "exitmicro's document names more reasons than a window holds");
		goto out;
	}
	verdict->micro = true;
	verdict->micro_exact = json_is_true(json_object_get(ev->micro_doc, "exact"));
	exits = window_json(rec->isa, &t->counted);
	oracle = oracle_json(rec->isa, exits, &t->traced, &verdict->oracle_match);
	body = json_pack("{s:o, s:o, s:o, s:I, s:o}", "workload", micro_workload(ev->micro_doc),
			 "exits", exits, "oracle", oracle, "probe_cpuid_exits",
			 (json_int_t)micro_doc_own_cpuid(ev->micro_doc),
			 "micro", micro_doc_result(ev->micro_doc));
	result = run_result_head(rec, kernel);
	if (!result || !body || json_object_update(result, body)) {
		json_decref(result);
		result = NULL;
	}
	json_decref(body);
out:
	free(t);
	return result;
}
