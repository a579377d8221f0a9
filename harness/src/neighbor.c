// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exitscope/reasons.h"
#include "neighbor.h"

int neighbor_parse(const char *text, struct neighbor_doc *n, char *err, size_t errsize)
{
	json_int_t cpuid, batches, asked, own, lost, lost_max;
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	const char *vm;
	int r = -EINVAL;

	memset(n, 0, sizeof(*n));
	if (!doc)
		return window_fail(err, errsize, -EINVAL, "not JSON: %s (line %d)", jerr.text,
				   jerr.line);
	if (json_unpack_ex(doc, &jerr, JSON_STRICT, "{s:I, s:I, s:I, s:I, s:I, s:I, s:F, s:s}",
			   "cpuid", &cpuid, "batches", &batches, "batches_cpuid", &asked,
			   "own_cpuid", &own, "lost", &lost, "lost_cpuid_max", &lost_max,
			   "seconds", &n->seconds, "vm", &vm))
		window_fail(err, errsize, -EINVAL, "%s", jerr.text);
	else if (cpuid < 0 || batches < 0 || asked < 0 || own < 0 || lost < 0 || lost_max < 0 ||
		 n->seconds < 0)
		window_fail(err, errsize, -EINVAL, "a count or the seconds is negative");
	else if (strlen(vm) >= sizeof(n->vm))
		window_fail(err, errsize, -EINVAL, "vm '%.40s' is longer than a VM's name", vm);
	else
		r = 0;
	if (!r) {
		n->cpuid = (uint64_t)cpuid;
		n->batches = (uint64_t)batches;
		n->batches_cpuid = (uint64_t)asked;
		n->own_cpuid = (uint64_t)own;
		n->lost = (uint64_t)lost;
		n->lost_cpuid_max = (uint64_t)lost_max;
		snprintf(n->vm, sizeof(n->vm), "%s", vm);
	}
	json_decref(doc);
	return r;
}

static uint64_t table_count(const struct exit_table *t, uint32_t reason)
{
	const struct exit_count *c = exit_table_find(t, reason);

	return c ? c->count : 0;
}

/*
 * abi's figures: verified, every check passed, and each check that read the
 * scope (the discovery leaf's bits 9:8) read "vm"; at least one did.
 */
static bool probe_read_vm_scope(json_t *figures)
{
	json_t *checks = json_object_get(figures, "checks"), *check;
	size_t i, scoped = 0;

	if (!json_is_true(json_object_get(figures, "verified")) || !json_is_array(checks))
		return false;
	json_array_foreach(checks, i, check) {
		const char *scope = json_string_value(json_object_get(json_object_get(check, "detail"),
								      "scope"));

		if (!json_is_true(json_object_get(check, "pass")) || (scope && strcmp(scope, "vm")))
			return false;
		scoped += scope != NULL;
	}
	return scoped > 0;
}

void neighbor_views_read(enum exsc_isa isa, const struct exit_table *before,
			 const struct exit_table *after, const struct exit_table *l2_exits,
			 json_t *workload, uint64_t probe_cpuid_exits, struct neighbor_views *v)
{
	uint32_t cpuid = reasons_cpuid(isa);
	uint64_t was = table_count(before, cpuid), is = table_count(after, cpuid);
	uint64_t window = table_count(l2_exits, cpuid);
	json_t *figures = json_object_get(workload, "figures");
	json_t *caused = json_object_get(figures, "cpuid");

	*v = (struct neighbor_views){ .host_cpuid = is >= was ? is - was : 0,
				      .l2_probe_cpuid = probe_cpuid_exits,
				      .l2_window_whole = window >= probe_cpuid_exits,
				      .l2_vm_scope = probe_read_vm_scope(figures) };
	v->l2_cpuid = v->l2_window_whole ? window - probe_cpuid_exits : 0;
	/* Only a workload that counts its CPUIDs says what L2's window must hold. */
	if (json_is_integer(caused) && json_integer_value(caused) >= 0) {
		v->l2_caused_known = true;
		v->l2_caused = (uint64_t)json_integer_value(caused);
	}
}

/* Its files hold what its guests executed, and a lost VM's unfinished batch at most more. */
static bool neighbor_counted_its_own(const struct neighbor_doc *n)
{
	uint64_t settled;

	return n->cpuid > 0 && !__builtin_add_overflow(n->batches_cpuid, n->own_cpuid, &settled) &&
	       n->cpuid >= settled && n->cpuid - settled <= n->lost_cpuid_max;
}

bool neighbor_isolated(const struct neighbor_doc *n, const struct neighbor_views *v)
{
	uint64_t both, all;
	bool l2_exact = v->l2_vm_scope && v->l2_caused_known && v->l2_window_whole &&
			v->l2_cpuid == v->l2_caused;
	bool neighbor_exact = neighbor_counted_its_own(n);

	return l2_exact && neighbor_exact &&
	       !__builtin_add_overflow(n->cpuid, v->l2_cpuid, &both) &&
	       !__builtin_add_overflow(both, v->l2_probe_cpuid, &all) && v->host_cpuid >= all;
}

json_t *neighbor_json(const struct neighbor_doc *n, const struct neighbor_views *v)
{
	if (n->cpuid > INT64_MAX || v->host_cpuid > INT64_MAX || v->l2_cpuid > INT64_MAX)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:b}", "cpuid", (json_int_t)n->cpuid,
			 "host_cpuid", (json_int_t)v->host_cpuid, "l2_cpuid", (json_int_t)v->l2_cpuid,
			 "isolated", neighbor_isolated(n, v));
}
