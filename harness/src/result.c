// SPDX-License-Identifier: GPL-2.0
/*
 * Result files: one strict jansson unpack per block of the document.  A
 * single unpack of the whole document would validate it too, but jansson's
 * unpack errors do not say in which object a key is missing or mistyped, and
 * "kernel: Object item not found: release" is the line a user can act on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/reasons.h"
#include "l0.h"
#include "result-parse.h"
#include "result.h"

/* A future version is its own error: the user needs a newer exitscope, not a fixed file. */
static int result_check_schema(json_t *doc, struct result_error *err)
{
	const size_t prefix_len = strlen(RESULT_SCHEMA_PREFIX);
	json_t *schema = json_object_get(doc, "schema");
	const char *name;
	char *end;

	if (!json_is_object(doc))
		return result_fail(err, -ENOMSG, "a JSON %s, not an exitscope result",
				   json_is_array(doc) ? "array" : "value");
	if (!json_is_string(schema))
		return result_fail(err, -ENOMSG, "no \"schema\" string: not an exitscope result");
	name = json_string_value(schema);
	if (!strncmp(name, RESULT_SCHEMA_PREFIX, prefix_len)) {
		unsigned long version = strtoul(name + prefix_len, &end, 10);

		if (*end == '\0' && end != name + prefix_len && version > RESULT_SCHEMA_VERSION)
			return result_fail(err, -EPROTO,
					   "schema %s is newer than this exitscope understands (v%d)",
					   name, RESULT_SCHEMA_VERSION);
	}
	if (strcmp(name, RESULT_SCHEMA))
		return result_fail(err, -ENOMSG, "schema %s, not %s: not an exitscope result", name,
				   RESULT_SCHEMA);
	return 0;
}

static bool result_scenario_name_ok(const char *name)
{
	if (!*name || *name == '-')
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
	return true;
}

/*
 * The exits a window's total and its reasons may disagree by through a
 * race: the readers (the probe's CPUID snapshot, L1's debugfs file) read
 * each reason and then the total, one after the other, so an exit that
 * lands during one snapshot's reads can be in a reason's difference and not
 * in the total's, or the other way round.  A snapshot is the ISA's defined
 * reasons plus 3 reads long; no more other exits than that fit into it.
 */
static uint64_t result_race_allowance(enum exsc_isa isa)
{
	return exsc_defined_reasons(isa, NULL, 0) + 3;
}

/*
 * How a window's numbers relate (docs/design.md, "The result file").  A
 * stock kernel's window is the kvm_exit histogram's: its total is exactly
 * the sum of its reasons (hist_parse() checks it against "Hits:") and it has
 * no cycles.  A patched kernel's total counts every slot, also the unnamed
 * one and reasons outside the reader's table, so it is at least the sum of
 * the reasons, up to result_race_allowance().  Its cycles are not compared:
 * an exit's cycles are charged at the next entry, either side of a read.
 */
int result_check_window(const struct result *r, const struct result_window *w, const char *where,
			struct result_error *err)
{
	uint64_t sum = 0, cycles = 0, allowance = result_race_allowance(r->isa);

	for (size_t i = 0; i < w->nr; i++) {
		if (__builtin_add_overflow(sum, w->by_reason[i].count, &sum) ||
		    __builtin_add_overflow(cycles, w->by_reason[i].cycles, &cycles))
			return result_fail(err, -EINVAL, "%s.by_reason adds up to more than a 64-bit "
					   "counter holds", where);
		if (r->kernel.stock && w->by_reason[i].cycles)
			return result_fail(err, -EINVAL, "%s.by_reason[%zu].cycles is %llu, but a stock "
					   "kernel's window (the kvm_exit histogram) has no cycles",
					   where, i, (unsigned long long)w->by_reason[i].cycles);
	}
	if (r->kernel.stock && (w->total != sum || w->cycles))
		return result_fail(err, -EINVAL, "%s.%s is %llu, but a stock kernel's window (the "
				   "kvm_exit histogram) has %s", where, w->cycles ? "cycles" : "total",
				   (unsigned long long)(w->cycles ? w->cycles : w->total),
				   w->cycles ? "no cycles" : "the sum of its reasons as its total");
	if (!r->kernel.stock && sum > w->total && sum - w->total > allowance)
		return result_fail(err, -EINVAL, "%s.total is %llu, but its reasons add up to %llu: "
				   "a total counts every exit of the window, so it is at least their "
				   "sum, less up to %llu exits that race the reads", where,
				   (unsigned long long)w->total, (unsigned long long)sum,
				   (unsigned long long)allowance);
	return 0;
}

/* Optional: the micro stage has no L2, so no boot window. */
static int result_parse_boot(json_t *obj, struct result *r, struct result_error *err)
{
	if (!obj)
		return 0;
	if (result_parse_window(obj, "boot", &r->boot, err) ||
	    result_check_window(r, &r->boot, "boot", err))
		return -EINVAL;
	r->boot_present = true;
	return 0;
}

static int result_parse_kernel(json_t *obj, struct result *r, struct result_error *err)
{
	int stock;

	if (result_unpack(obj, "kernel", err, "{s:s, s:s, s:s, s:s, s:s, s:b}",
			  "id", &r->kernel.id, "release", &r->kernel.release,
			  "source", &r->kernel.source, "patch_sha256", &r->kernel.patch_sha256,
			  "config_sha256", &r->kernel.config_sha256, "stock", &stock))
		return -EINVAL;
	r->kernel.stock = stock;
	return 0;
}

static int result_parse_host(json_t *host, json_t *l1, struct result *r, struct result_error *err)
{
	enum l0_kind l0;
	const char *isa;

	r->host.l0 = NULL;
	r->host.trace = -1;
	if (result_unpack(host, "host", err, "{s:s, s:s, s:s, s?s, s?b}", "accel", &r->host.accel,
			  "cpu_vendor", &r->host.cpu_vendor, "qemu_version", &r->host.qemu_version,
			  "l0", &r->host.l0, "trace", &r->host.trace) ||
	    result_unpack(l1, "l1", err, "{s:s}", "isa", &isa))
		return -EINVAL;
	if (strcmp(r->host.accel, "kvm") && strcmp(r->host.accel, "tcg") &&
	    strcmp(r->host.accel, "bochs"))
		return result_fail(err, -EINVAL, "host.accel is '%s', not kvm, tcg or bochs",
				   r->host.accel);
	if (r->host.l0 && l0_kind_parse(r->host.l0, &l0))
		return result_fail(err, -EINVAL, "host.l0 is '%s', not built, fixed or system",
				   r->host.l0);
	if (exsc_isa_parse(isa, &r->isa))
		return result_fail(err, -EINVAL, "l1.isa is '%s', not vmx, svm or none", isa);
	return 0;
}

/* "l2", optional: which kernel L2 booted, the trimmed one with its id. */
static int result_parse_l2(json_t *l2, struct result *r, struct result_error *err)
{
	const char *id = NULL;

	if (!l2)
		return 0;
	if (result_unpack(l2, "l2", err, "{s:s, s?s, s?s}", "kernel", &r->l2.kernel, "kernel_id", &id,
			  "shared_boot", &r->l2.shared_boot))
		return -EINVAL;
	if (strcmp(r->l2.kernel, "trimmed") && strcmp(r->l2.kernel, "debian"))
		return result_fail(err, -EINVAL, "l2.kernel is '%s', not trimmed or debian",
				   r->l2.kernel);
	if (!strcmp(r->l2.kernel, "trimmed") != (id != NULL))
		return result_fail(err, -EINVAL, "l2.kernel_id belongs to the trimmed kernel, and "
				   "only to it");
	r->l2.kernel_id = id;
	return 0;
}

static int result_parse_workload(json_t *obj, struct result *r, struct result_error *err)
{
	if (result_unpack(obj, "workload", err, "{s:s, s:o, s?o}", "name", &r->workload.name,
			  "params", &r->workload.params, "figures", &r->workload.figures))
		return -EINVAL;
	if (!json_is_object(r->workload.params))
		return result_fail(err, -EINVAL, "workload.params is not an object");
	if (r->workload.figures && !json_is_object(r->workload.figures))
		return result_fail(err, -EINVAL, "workload.figures is not an object");
	return 0;
}

static int result_parse_mismatch(json_t *item, size_t i, struct result *r,
				 struct result_error *err)
{
	json_int_t reason, counters, tracepoint;
	json_t *explained;
	const char *name;
	char where[64];

	snprintf(where, sizeof(where), "oracle.mismatches[%zu]", i);
	if (result_unpack(item, where, err, "{s:I, s:s, s:I, s:I, s:o}", "reason", &reason,
			  "name", &name, "counters", &counters, "tracepoint", &tracepoint,
			  "explained", &explained))
		return -EINVAL;
	if (reason < 0 || counters < 0 || tracepoint < 0)
		return result_fail(err, -EINVAL, "%s has a negative number", where);
	if (!json_is_string(explained) && !json_is_null(explained))
		return result_fail(err, -EINVAL, "%s.explained is neither a string nor null", where);
	if (json_is_null(explained))
		r->oracle.nr_unexplained++;
	return 0;
}

static int result_parse_oracle(json_t *obj, struct result *r, struct result_error *err)
{
	const char *source;
	json_t *item;
	size_t i;
	int match;

	if (result_unpack(obj, "oracle", err, "{s:s, s:b, s:o}", "source", &source,
			  "match", &match, "mismatches", &r->oracle.mismatches))
		return -EINVAL;
	if (strcmp(source, "kvm_exit hist"))
		return result_fail(err, -EINVAL, "oracle.source is '%s', not 'kvm_exit hist'", source);
	if (!json_is_array(r->oracle.mismatches))
		return result_fail(err, -EINVAL, "oracle.mismatches is not an array");
	r->oracle.match = match;
	r->oracle.nr_mismatches = json_array_size(r->oracle.mismatches);
	json_array_foreach(r->oracle.mismatches, i, item)
		if (result_parse_mismatch(item, i, r, err))
			return -EINVAL;
	return 0;
}

static int result_parse_top(json_t *doc, struct result *r, json_t **blocks,
			    struct result_error *err)
{
	json_int_t attempts, probe_cpuid_exits;
	const char *schema;

	if (result_unpack(doc, "", err,
			  "{s:s, s:s, s:s, s:F, s:I, s:o, s:o, s:o, s:o, s:o, s?o, s:o, s:I, s?o, s?o, "
			  "s?o, s?o, s?o, s?o, s?o}",
			  "schema", &schema, "scenario", &r->scenario, "started_at", &r->started_at,
			  "duration_s", &r->duration_s, "attempts", &attempts, "kernel", &blocks[0],
			  "host", &blocks[1], "l1", &blocks[2], "workload", &blocks[3],
			  "exits", &blocks[4], "boot", &blocks[5], "oracle", &blocks[6],
			  "probe_cpuid_exits", &probe_cpuid_exits, "samples", &blocks[7],
			  "neighbor", &blocks[8], "micro", &blocks[9], "probe_own", &blocks[10],
			  "timeline", &blocks[11], "repeat", &blocks[12],
			  "l2", &blocks[13]))
		return -EINVAL;
	if (!result_scenario_name_ok(r->scenario))
		return result_fail(err, -EINVAL, "scenario '%s' is not [a-z0-9][a-z0-9-]*",
				   r->scenario);
	if (r->duration_s < 0)
		return result_fail(err, -EINVAL, "duration_s is negative");
	if (r->duration_s == 0)
		return result_fail(err, -EINVAL, "duration_s is 0; a run takes time");
	if (attempts < 1)
		return result_fail(err, -EINVAL, "attempts is %lld, at least 1 expected",
				   (long long)attempts);
	return result_counter(probe_cpuid_exits, "", "probe_cpuid_exits", &r->probe_cpuid_exits,
			      err);
}

int result_parse(json_t *doc, struct result *r, struct result_error *err)
{
	json_t *blocks[14] = { NULL };
	int ret;

	memset(r, 0, sizeof(*r));
	ret = result_check_schema(doc, err);
	if (ret)
		return ret;
	if (result_parse_top(doc, r, blocks, err) || result_parse_kernel(blocks[0], r, err) ||
	    result_parse_host(blocks[1], blocks[2], r, err) || result_parse_l2(blocks[13], r, err) ||
	    result_parse_workload(blocks[3], r, err) ||
	    result_parse_window(blocks[4], "exits", &r->exits, err) ||
	    /* A median window is checked through the windows it is the median of. */
	    (!blocks[12] && result_check_window(r, &r->exits, "exits", err)) ||
	    result_parse_boot(blocks[5], r, err) ||
	    result_parse_oracle(blocks[6], r, err) || result_parse_samples(blocks[7], r, err) ||
	    result_parse_micro(blocks[9], r, err) || result_parse_timeline(blocks[11], r, err) ||
	    result_parse_repeat(blocks[12], r, err) ||
	    result_parse_probe_own(blocks[10], r, err) ||
	    result_parse_neighbor(blocks[8], r, err)) {
		result_free(r);
		return -EINVAL;
	}
	r->doc = json_incref(doc);
	return 0;
}

int result_validate(json_t *doc, struct result_error *err)
{
	struct result r;
	int ret = result_parse(doc, &r, err);

	if (!ret)
		result_free(&r);
	return ret;
}
void result_free(struct result *r)
{
	free(r->exits.by_reason);
	free(r->boot.by_reason);
	free(r->probe_own.by_reason);
	free(r->timeline.events);
	result_micro_free(&r->micro);
	result_repeat_free(&r->repeat);
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}

const struct result_reason *result_window_find(const struct result_window *w, uint32_t reason)
{
	for (size_t i = 0; i < w->nr; i++)
		if (w->by_reason[i].reason == reason)
			return &w->by_reason[i];
	return NULL;
}

const struct result_spread *result_spread_find(const struct result *r, uint32_t reason,
					       struct result_spread *zero)
{
	if (!r->repeat.present)
		return NULL;
	for (size_t i = 0; i < r->repeat.nr_spread; i++)
		if (r->repeat.spread[i].reason == reason)
			return &r->repeat.spread[i];
	*zero = (struct result_spread){ .reason = reason };
	return zero;
}

void result_reason_label(enum exsc_isa isa, uint32_t reason, char *buf, size_t size)
{
	snprintf(buf, size, isa == EXSC_ISA_SVM ? "0x%x" : "%u", reason);
}

enum result_exits_kind result_exits_kind(const struct result *r)
{
	if (r->micro.present)
		return RESULT_EXITS_MICRO;
	if (r->kernel.stock)
		return RESULT_EXITS_HISTOGRAM;
	return r->probe_own_present ? RESULT_EXITS_WORKLOAD : RESULT_EXITS_RAW;
}
