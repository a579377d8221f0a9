// SPDX-License-Identifier: GPL-2.0
/*
 * Loading result files: the fixtures under tests/data/results/ are what
 * `exitscope run` writes (k61/, k612/: the same scenarios on 6.1 and 6.12)
 * and every kind of bad input a user can hand to show, diff or report.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "result.h"
#include "util.h"

#define DATA "tests/data/results/"
#define INVALID "not a valid exitscope/result/v1 result: "

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not contain '%s'", text, part);
}

static void test_load_valid(void **state)
{
	struct result_error err;
	struct result r;

	(void)state;
	assert_int_equal(result_load(DATA "k61/cpuid.json", &r, &err), 0);
	assert_string_equal(r.scenario, "cpuid");
	assert_string_equal(r.kernel.release, "6.1.192");
	assert_false(r.kernel.stock);
	assert_string_equal(r.host.accel, "tcg");
	assert_int_equal(r.isa, EXSC_ISA_SVM);
	assert_string_equal(r.workload.name, "cpuid");
	assert_int_equal(json_integer_value(json_object_get(r.workload.params, "N")), 1000000);
	assert_int_equal(r.exits.nr, 8);
	assert_int_equal(r.exits.total, 1008738);
	assert_int_equal(result_window_find(&r.exits, 0x72)->count, 1000001);
	assert_string_equal(result_window_find(&r.exits, 0x400)->name, "npf");
	assert_null(result_window_find(&r.exits, 0x8d));
	assert_int_equal(r.boot.total, 262855);
	assert_false(r.oracle.match);
	assert_int_equal(r.oracle.nr_mismatches, 1);
	assert_int_equal(r.oracle.nr_unexplained, 0);
	assert_int_equal(r.probe_cpuid_exits, 1);
	assert_null(r.samples);
	result_free(&r);
}

static void test_load_samples(void **state)
{
	struct result_error err;
	struct result r;

	(void)state;
	assert_int_equal(result_load(DATA "k612/idle.json", &r, &err), 0);
	assert_int_equal(r.nr_samples, 11);
	assert_true(r.oracle.match);
	assert_int_equal(json_integer_value(json_object_get(r.workload.figures, "seconds")), 10);
	result_free(&r);
}

struct bad_case {
	const char *file;
	int error;
	const char *message;	/* after "FILE: " */
};

static const struct bad_case bad_cases[] = {
	{ "truncated.json", -EBADMSG, "line 88 column 14: not valid JSON: premature end of input" },
	{ "not-json.json", -EBADMSG, "line 1 column 21: not valid JSON" },
	{ "schema-v2.json", -EPROTO,
	  "schema exitscope/result/v2 is newer than this exitscope understands (v1)" },
	{ "probe-output.json", -ENOMSG, "schema exitscope/probe/v1, not exitscope/result/v1" },
	{ "missing-key.json", -EINVAL, INVALID "Object item not found: oracle" },
	{ "missing-nested-key.json", -EINVAL, INVALID "kernel: Object item not found: release" },
	{ "wrong-type.json", -EINVAL, INVALID "exits.by_reason[2]: Expected integer, got string" },
	{ "negative-count.json", -EINVAL, INVALID "exits.by_reason[0].count is negative (-5)" },
	{ "unknown-key.json", -EINVAL,
	  INVALID "exits.by_reason[1]: 1 object item(s) left unpacked: note" },
	{ "no-such-file.json", -ENOENT, "cannot read: No such file or directory" },
};

static void test_load_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct result_error err;
		struct result r;
		char path[256], expect[512];

		snprintf(path, sizeof(path), DATA "bad/%s", c->file);
		snprintf(expect, sizeof(expect), "%s: %s", path, c->message);
		assert_int_equal(result_load(path, &r, &err), c->error);
		assert_contains(err.text, expect);
		assert_null(r.doc);
	}
}

/* A copy of a valid document that a test may break. */
static json_t *valid_doc(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(DATA "k612/cpuid.json", 0, &jerr);

	assert_non_null(doc);
	return doc;
}

static void assert_invalid(json_t *doc, int error, const char *message)
{
	struct result_error err;

	assert_int_equal(result_validate(doc, &err), error);
	assert_contains(err.text, message);
	json_decref(doc);
}

static void test_validate_accepts_valid(void **state)
{
	struct result_error err;
	json_t *doc = valid_doc();

	(void)state;
	assert_int_equal(result_validate(doc, &err), 0);
	assert_int_equal(doc->refcount, 1);
	json_decref(doc);
}

static void test_validate_schema_and_enums(void **state)
{
	json_t *doc;

	(void)state;
	assert_invalid(json_array(), -ENOMSG, "a JSON array, not an exitscope result");
	doc = valid_doc();
	json_object_del(doc, "schema");
	assert_invalid(doc, -ENOMSG, "no \"schema\" string");
	doc = valid_doc();
	json_object_set_new(doc, "schema", json_string("exitscope/result/v10"));
	assert_invalid(doc, -EPROTO, "exitscope/result/v10 is newer");
	doc = valid_doc();
	json_object_set_new(doc, "schema", json_string("exitscope/result/v0"));
	assert_invalid(doc, -ENOMSG, "schema exitscope/result/v0, not exitscope/result/v1");
	doc = valid_doc();
	json_object_set_new(json_object_get(doc, "host"), "accel", json_string("hvf"));
	assert_invalid(doc, -EINVAL, "host.accel is 'hvf', not kvm, tcg or bochs");
	doc = valid_doc();
	json_object_set_new(json_object_get(doc, "l1"), "isa", json_string("arm"));
	assert_invalid(doc, -EINVAL, "l1.isa is 'arm'");
	doc = valid_doc();
	json_object_set_new(doc, "scenario", json_string("../etc"));
	assert_invalid(doc, -EINVAL, "scenario '../etc' is not");
}

/* A valid result with host.@key set to @value (taken), or without it for NULL. */
static json_t *host_with(const char *key, json_t *value)
{
	json_t *doc = valid_doc();

	if (value)
		json_object_set_new(json_object_get(doc, "host"), key, value);
	return doc;
}

/* Parses host_with(@key, @value) into @r, which must succeed; the caller frees @r. */
static void parse_host_with(const char *key, json_t *value, struct result *r)
{
	struct result_error err;
	json_t *doc = host_with(key, value);

	assert_int_equal(result_parse(doc, r, &err), 0);
	json_decref(doc);
}

/* host.l0, optional: which QEMU was L0; an older result has none. */
static void test_validate_l0(void **state)
{
	struct result r;

	(void)state;
	parse_host_with("l0", NULL, &r);
	assert_null(r.host.l0);
	result_free(&r);
	parse_host_with("l0", json_string("fixed"), &r);
	assert_string_equal(r.host.l0, "fixed");
	result_free(&r);
	parse_host_with("l0", json_string("built"), &r);
	assert_string_equal(r.host.l0, "built");
	result_free(&r);
	assert_invalid(host_with("l0", json_string("newest")), -EINVAL,
		       "host.l0 is 'newest', not built, fixed or system");
	assert_invalid(host_with("l0", json_integer(1)), -EINVAL, "host");
}

/* host.trace, optional: whether L1 kept its ring of KVM events; an older result does not say. */
static void test_validate_trace(void **state)
{
	struct result r;

	(void)state;
	parse_host_with("trace", NULL, &r);
	assert_int_equal(r.host.trace, -1);
	result_free(&r);
	parse_host_with("trace", json_true(), &r);
	assert_int_equal(r.host.trace, 1);
	result_free(&r);
	parse_host_with("trace", json_false(), &r);
	assert_int_equal(r.host.trace, 0);
	result_free(&r);
	assert_invalid(host_with("trace", json_integer(1)), -EINVAL, "host");
}

/* The optional l2 block: which kernel L2 booted, and the trimmed one's id with it only. */
static void test_validate_l2(void **state)
{
	struct result_error err;
	struct result r;
	json_t *doc;

	(void)state;
	doc = valid_doc();
	json_object_set_new(doc, "l2", json_pack("{s:s, s:s}", "kernel", "trimmed",
						 "kernel_id", "c7e5fb61fee1"));
	assert_int_equal(result_parse(doc, &r, &err), 0);
	assert_string_equal(r.l2.kernel, "trimmed");
	assert_string_equal(r.l2.kernel_id, "c7e5fb61fee1");
	result_free(&r);
	json_object_set_new(doc, "l2", json_pack("{s:s}", "kernel", "debian"));
	assert_int_equal(result_parse(doc, &r, &err), 0);
	assert_string_equal(r.l2.kernel, "debian");
	assert_null(r.l2.kernel_id);
	result_free(&r);
	json_decref(doc);
	doc = valid_doc();
	json_object_set_new(doc, "l2", json_pack("{s:s}", "kernel", "ubuntu"));
	assert_invalid(doc, -EINVAL, "l2.kernel is 'ubuntu', not trimmed or debian");
	doc = valid_doc();
	json_object_set_new(doc, "l2", json_pack("{s:s}", "kernel", "trimmed"));
	assert_invalid(doc, -EINVAL, "l2.kernel_id belongs to the trimmed kernel");
	doc = valid_doc();
	json_object_set_new(doc, "l2", json_pack("{s:s, s:s}", "kernel", "debian",
						 "kernel_id", "c7e5fb61fee1"));
	assert_invalid(doc, -EINVAL, "l2.kernel_id belongs to the trimmed kernel");
	doc = valid_doc();
	json_object_set_new(doc, "l2", json_pack("{s:s, s:b}", "kernel", "debian", "initrd", 1));
	assert_invalid(doc, -EINVAL, "l2");
}

static void test_validate_numbers(void **state)
{
	json_t *doc, *reasons;

	(void)state;
	doc = valid_doc();
	json_object_set_new(doc, "attempts", json_integer(0));
	assert_invalid(doc, -EINVAL, "attempts is 0");
	doc = valid_doc();
	json_object_set_new(doc, "duration_s", json_real(-1.5));
	assert_invalid(doc, -EINVAL, "duration_s is negative");
	doc = valid_doc();
	json_object_set_new(json_object_get(doc, "boot"), "total", json_integer(-1));
	assert_invalid(doc, -EINVAL, "boot.total is negative");
	doc = valid_doc();
	reasons = json_object_get(json_object_get(doc, "exits"), "by_reason");
	json_object_set_new(json_array_get(reasons, 0), "reason", json_integer(0x100000000));
	assert_invalid(doc, -EINVAL, "reason 4294967296 is not a 32-bit exit code");
	doc = valid_doc();
	reasons = json_object_get(json_object_get(doc, "exits"), "by_reason");
	json_array_append(reasons, json_array_get(reasons, 0));
	assert_invalid(doc, -EINVAL, "exits.by_reason lists reason 96 twice");
}

static void test_validate_oracle_and_samples(void **state)
{
	json_t *doc, *oracle;

	(void)state;
	doc = valid_doc();
	oracle = json_object_get(doc, "oracle");
	json_object_set_new(oracle, "source", json_string("perf"));
	assert_invalid(doc, -EINVAL, "oracle.source is 'perf'");
	doc = valid_doc();
	oracle = json_object_get(doc, "oracle");
	json_array_append_new(json_object_get(oracle, "mismatches"),
			      json_pack("{s:i, s:s, s:i, s:i, s:i}", "reason", 124, "name", "msr",
					"counters", 4, "tracepoint", 3, "explained", 7));
	assert_invalid(doc, -EINVAL, "oracle.mismatches[0].explained is neither");
	doc = valid_doc();
	json_object_set_new(doc, "samples", json_pack("[{s:i}]", "t_ms", 0));
	assert_invalid(doc, -EINVAL, "samples[0] needs non-negative integers t_ms and total");
	doc = valid_doc();
	json_object_set_new(doc, "extra", json_true());
	assert_invalid(doc, -EINVAL, "1 object item(s) left unpacked: extra");
}

/* The neighbor's block: optional, strict, and "isolated" held to its own numbers. */
static void test_validate_neighbor(void **state)
{
	struct result_error err;
	struct result r;
	json_t *doc;

	(void)state;
	doc = valid_doc();
	json_object_set_new(doc, "neighbor", json_pack("{s:i, s:i, s:i, s:b}", "cpuid", 57116,
						       "host_cpuid", 3060000, "l2_cpuid", 13,
						       "isolated", 1));
	assert_int_equal(result_parse(doc, &r, &err), 0);
	assert_true(r.neighbor.present);
	assert_true(r.neighbor.isolated);
	assert_int_equal(r.neighbor.cpuid, 57116);
	assert_int_equal(r.neighbor.host_cpuid, 3060000);
	assert_int_equal(r.neighbor.l2_cpuid, 13);
	result_free(&r);
	/* Not isolated is a verdict, whatever the numbers. */
	json_object_set_new(json_object_get(doc, "neighbor"), "host_cpuid", json_integer(5));
	json_object_set_new(json_object_get(doc, "neighbor"), "isolated", json_false());
	assert_int_equal(result_validate(doc, &err), 0);
	json_object_set_new(json_object_get(doc, "neighbor"), "isolated", json_true());
	assert_invalid(doc, -EINVAL, "neighbor.isolated is true, but host_cpuid 5 is not at least "
		       "cpuid 57116 (not 0) + l2_cpuid 13");
	doc = valid_doc();
	json_object_set_new(doc, "neighbor", json_pack("{s:i, s:i, s:i, s:b}", "cpuid", 0,
						       "host_cpuid", 13, "l2_cpuid", 13,
						       "isolated", 1));
	assert_invalid(doc, -EINVAL, "neighbor.isolated is true");
	doc = valid_doc();
	json_object_set_new(doc, "neighbor", json_pack("{s:i, s:i, s:i, s:b}", "cpuid", -1,
						       "host_cpuid", 13, "l2_cpuid", 13,
						       "isolated", 0));
	assert_invalid(doc, -EINVAL, "neighbor.cpuid is negative");
	doc = valid_doc();
	json_object_set_new(doc, "neighbor", json_pack("{s:i, s:i, s:i, s:b, s:i}", "cpuid", 1,
						       "host_cpuid", 13, "l2_cpuid", 12,
						       "isolated", 1, "vm", 4));
	assert_invalid(doc, -EINVAL, "neighbor: 1 object item(s) left unpacked: vm");
	doc = valid_doc();
	json_object_set_new(doc, "neighbor", json_pack("{s:i, s:i, s:i}", "cpuid", 1,
						       "host_cpuid", 13, "l2_cpuid", 12));
	assert_invalid(doc, -EINVAL, "neighbor: Object item not found: isolated");
}

static json_t *window_of(json_t *doc, const char *key, size_t i)
{
	return json_array_get(json_object_get(json_object_get(doc, key), "by_reason"), i);
}

static void set_int(json_t *obj, const char *key, json_int_t value)
{
	json_object_set_new(obj, key, json_integer(value));
}

/* A window's total and its reasons: how they may differ, and how not. */
static void test_validate_totals(void **state)
{
	struct result_error err;
	json_t *doc, *exits;

	(void)state;
	/* k612/cpuid.json: exits total 1006955, its 8 reasons sum to it; SVM allows 175 + 3. */
	doc = valid_doc();
	exits = json_object_get(doc, "exits");
	set_int(exits, "total", 1006955 - 178);
	assert_int_equal(result_validate(doc, &err), 0);
	set_int(exits, "total", 1006955 - 179);
	assert_invalid(doc, -EINVAL, "exits.total is 1006776, but its reasons add up to 1006955");
	doc = valid_doc();
	set_int(json_object_get(doc, "exits"), "total", 0);
	assert_invalid(doc, -EINVAL, "exits.total is 0, but its reasons add up to");
	/* More in the total than in the reasons: the unnamed slot, reasons not read. */
	doc = valid_doc();
	set_int(json_object_get(doc, "boot"), "total", INT64_MAX);
	assert_int_equal(result_validate(doc, &err), 0);
	json_decref(doc);
	doc = valid_doc();
	for (size_t i = 0; i < 3; i++)
		set_int(window_of(doc, "exits", i), "count", INT64_MAX);
	set_int(json_object_get(doc, "exits"), "total", INT64_MAX);
	assert_invalid(doc, -EINVAL, "exits.by_reason adds up to more than a 64-bit counter holds");
}

/* A stock kernel's window is the histogram's: the total is the sum, and no cycles. */
static void test_validate_stock_totals(void **state)
{
	struct result_error err;
	json_t *doc;

	(void)state;
	doc = json_load_file(DATA "kinds/stock.json", 0, NULL);
	assert_non_null(doc);
	assert_int_equal(result_validate(doc, &err), 0);
	set_int(json_object_get(doc, "exits"), "total", 308041);
	assert_invalid(json_incref(doc), -EINVAL, "exits.total is 308041, but a stock kernel's");
	set_int(json_object_get(doc, "exits"), "total", 308040);
	set_int(window_of(doc, "exits", 2), "cycles", 17);
	assert_invalid(json_incref(doc), -EINVAL, "exits.by_reason[2].cycles is 17, but a stock");
	set_int(window_of(doc, "exits", 2), "cycles", 0);
	set_int(json_object_get(doc, "exits"), "cycles", 5);
	assert_invalid(doc, -EINVAL, "exits.cycles is 5, but a stock kernel's window");
}

static void test_validate_time(void **state)
{
	json_t *doc;

	(void)state;
	doc = valid_doc();
	json_object_set_new(doc, "duration_s", json_real(0));
	assert_invalid(doc, -EINVAL, "duration_s is 0");
	doc = valid_doc();
	json_object_set_new(doc, "samples", json_pack("[{s:i, s:i}, {s:i, s:i}]", "t_ms", 5,
						      "total", 1, "t_ms", 5, "total", 2));
	assert_invalid(doc, -EINVAL, "samples[1].t_ms is 5, not after samples[0]'s 5");
	doc = valid_doc();
	json_object_set_new(doc, "samples", json_pack("[{s:i, s:i}, {s:i, s:i}]", "t_ms", 5,
						      "total", 9, "t_ms", 6, "total", 2));
	assert_invalid(doc, -EINVAL, "samples[1].total falls from 9 to 2");
}

/* A directory or a FIFO is not a result: said so, and a FIFO is never waited on. */
static json_t *timeline_doc(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(DATA "timeline/cpuid.json", 0, &jerr);

	assert_non_null(doc);
	return doc;
}

/* Event @i of @doc's timeline, to break. */
static json_t *timeline_event(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(json_object_get(doc, "timeline"), "events"), i);
}

/* The timeline: optional, each clock a number or null and only going forward. */
static void test_validate_timeline(void **state)
{
	struct result_error err;
	struct result r;
	json_t *doc;

	(void)state;
	assert_int_equal(result_load(DATA "timeline/cpuid.json", &r, &err), 0);
	assert_true(r.timeline.present);
	assert_int_equal(r.timeline.nr_events, 20);
	assert_string_equal(r.timeline.events[0].name, "l0-start");
	assert_float_equal(r.timeline.events[0].t_s, 0, 0);
	assert_true(r.timeline.events[0].l1_uptime_s < 0);
	assert_float_equal(r.timeline.events[1].l1_uptime_s, 3.32, 1e-9);
	assert_string_equal(r.timeline.events[6].name, "l2-userspace");
	assert_float_equal(r.timeline.events[6].l2_uptime_s, 61.52, 1e-9);
	assert_string_equal(r.timeline.events[14].name, "probe-start");
	assert_true(r.timeline.events[14].t_s < 0);
	assert_true(r.timeline.events[14].l1_uptime_s < 0);
	assert_float_equal(r.timeline.events[14].l2_uptime_s, 401.37, 1e-9);
	assert_true(r.timeline.events[16].l2_uptime_s < 0);
	assert_true(r.timeline.window_present);
	assert_float_equal(r.timeline.window_wall_s, 12.75, 1e-12);
	assert_int_equal(r.timeline.window_tsc, 31875000000);
	result_free(&r);
	/* Without one, as older results are. */
	assert_int_equal(result_load(DATA "k612/cpuid.json", &r, &err), 0);
	assert_false(r.timeline.present);
	assert_false(r.timeline.window_present);
	result_free(&r);
	doc = timeline_doc();
	json_object_del(json_object_get(doc, "timeline"), "window");
	assert_int_equal(result_parse(doc, &r, &err), 0);
	assert_true(r.timeline.present);
	assert_false(r.timeline.window_present);
	result_free(&r);
	json_decref(doc);
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 3), "t_s", json_real(1.5));
	assert_invalid(doc, -EINVAL, "timeline.events[3].t_s is 1.5, before an earlier event's 18.5");
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 8), "l1_uptime_s", json_real(3));
	assert_invalid(doc, -EINVAL, "timeline.events[8].l1_uptime_s is 3, before");
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 2), "t_s", json_string("18.5"));
	assert_invalid(doc, -EINVAL, "timeline.events[2].t_s is not a non-negative number or null");
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 6), "l2_uptime_s", json_null());
	assert_invalid(doc, -EINVAL, "timeline.events[6].l2_uptime_s is not a non-negative number");
	/* L2's events too go forward by L2's clock. */
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 7), "l2_uptime_s", json_real(50));
	assert_invalid(doc, -EINVAL, "timeline.events[7].l2_uptime_s is 50, before an earlier "
				     "event's 61.52");
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 1), "t_s", json_real(-0.5));
	assert_invalid(doc, -EINVAL, "timeline.events[1].t_s is not a non-negative number");
	doc = timeline_doc();
	json_object_del(timeline_event(doc, 1), "l1_uptime_s");
	assert_invalid(doc, -EINVAL, "timeline.events[1]: Object item not found: l1_uptime_s");
	doc = timeline_doc();
	json_object_set_new(timeline_event(doc, 1), "name", json_string(""));
	assert_invalid(doc, -EINVAL, "timeline.events[1].name is empty");
	doc = timeline_doc();
	json_object_set_new(json_object_get(json_object_get(doc, "timeline"), "window"), "tsc",
			    json_integer(-1));
	assert_invalid(doc, -EINVAL, "timeline.window.tsc is negative");
	doc = timeline_doc();
	json_object_set_new(json_object_get(doc, "timeline"), "start", json_true());
	assert_invalid(doc, -EINVAL, "timeline: 1 object item(s) left unpacked: start");
	/* Only a probe measures a window: not the micro stage. */
	doc = json_load_file(DATA "micro/svm.json", 0, NULL);
	assert_non_null(doc);
	json_object_set_new(doc, "timeline", json_pack("{s:[], s:{s:f, s:i}}", "events", "window",
						       "wall_s", 1.0, "tsc", 2));
	assert_invalid(doc, -EINVAL, "timeline.window is there, but a micro stage's result has no "
		       "probe window");
}

static void test_load_not_a_file(void **state)
{
	char dir[] = "/tmp/exitscope-test-result.XXXXXX", fifo[64];
	struct result_error err;
	struct result r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(result_load(dir, &r, &err), -EISDIR);
	assert_contains(err.text, ": a directory, not a result file");
	snprintf(fifo, sizeof(fifo), "%s/r.json", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(result_load(fifo, &r, &err), -EINVAL);
	assert_contains(err.text, "r.json: a FIFO, not a result file");
	unlink(fifo);
	rmdir(dir);
}

/* Counters are 64-bit: a count above INT64_MAX cannot be held, and jansson refuses it. */
static void test_load_count_above_int64(void **state)
{
	char path[] = "/tmp/exitscope-test-result.XXXXXX", *text, *at;
	struct result_error err;
	struct result r;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(util_read_file(DATA "k612/cpuid.json", &text, NULL), 0);
	at = strstr(text, "\"count\": 1000001");
	assert_non_null(at);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "%.*s\"count\": 9223372036854775808%s", (int)(at - text), text,
		at + strlen("\"count\": 1000001"));
	fclose(f);
	free(text);
	assert_int_equal(result_load(path, &r, &err), -EBADMSG);
	assert_contains(err.text, "not valid JSON: too big integer");
	unlink(path);
}

static void test_reason_label(void **state)
{
	char label[16];

	(void)state;
	result_reason_label(EXSC_ISA_SVM, 0x400, label, sizeof(label));
	assert_string_equal(label, "0x400");
	result_reason_label(EXSC_ISA_VMX, 48, label, sizeof(label));
	assert_string_equal(label, "48");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_valid),
		cmocka_unit_test(test_load_samples),
		cmocka_unit_test(test_load_bad_inputs),
		cmocka_unit_test(test_validate_accepts_valid),
		cmocka_unit_test(test_validate_schema_and_enums),
		cmocka_unit_test(test_validate_l0),
		cmocka_unit_test(test_validate_trace),
		cmocka_unit_test(test_validate_l2),
		cmocka_unit_test(test_validate_numbers),
		cmocka_unit_test(test_validate_oracle_and_samples),
		cmocka_unit_test(test_validate_neighbor),
		cmocka_unit_test(test_validate_totals),
		cmocka_unit_test(test_validate_stock_totals),
		cmocka_unit_test(test_validate_time),
		cmocka_unit_test(test_validate_timeline),
		cmocka_unit_test(test_load_not_a_file),
		cmocka_unit_test(test_load_count_above_int64),
		cmocka_unit_test(test_reason_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
