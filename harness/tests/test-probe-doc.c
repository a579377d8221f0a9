// SPDX-License-Identifier: GPL-2.0
/*
 * The probe document's validator: the recorded documents of both kinds pass,
 * and each way of breaking one fails with an error that names what is wrong.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe-doc.h"

static struct probe_doc *doc;
static char err[256];

static int doc_alloc(void **state)
{
	(void)state;
	doc = malloc(sizeof(*doc));
	return doc ? 0 : -1;
}

static int doc_free(void **state)
{
	(void)state;
	free(doc);
	return 0;
}

static json_t *load(const char *name)
{
	char path[128];
	json_error_t jerr;
	json_t *j;

	snprintf(path, sizeof(path), "tests/data/probe/%s.json", name);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	return j;
}

static json_t *at(json_t *j, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		j = json_object_get(j, key);
		path = dot + 1;
	}
	return json_object_get(j, path);
}

static void test_a_recorded_snapshot_passes(void **state)
{
	json_t *j = load("snapshot-svm");

	(void)state;
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_int_equal(doc->kind, PROBE_DOC_SNAPSHOT);
	assert_int_equal(doc->abi_version, 2);
	assert_int_equal(doc->isa, EXSC_ISA_SVM);
	assert_int_equal(doc->scope, EXSC_SCOPE_VM);
	assert_int_equal(doc->first.n, json_array_size(at(j, "counters.by_reason")));
	assert_int_equal(doc->first.total, json_integer_value(at(j, "counters.total")));
	assert_int_equal(doc->first.cycles, json_integer_value(at(j, "counters.cycles")));
	/* npf's count is beyond 32 bits in this recording. */
	assert_non_null(exit_table_find(&doc->first, 0x400));
	assert_true(exit_table_find(&doc->first, 0x400)->count > UINT32_MAX);
	assert_int_equal(doc->exits.n, 0);
	assert_null(doc->workload);
	assert_null(doc->workload_name);
	assert_null(doc->samples);
	json_decref(j);
}

static void test_a_recorded_run_passes(void **state)
{
	json_t *j = load("run-cpuid-vmx");

	(void)state;
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_int_equal(doc->kind, PROBE_DOC_RUN);
	assert_int_equal(doc->isa, EXSC_ISA_VMX);
	assert_int_equal(doc->first.total, json_integer_value(at(j, "before.total")));
	assert_int_equal(doc->exits.n, json_array_size(at(j, "exits.by_reason")));
	assert_int_equal(doc->exits.total, json_integer_value(at(j, "exits.total")));
	/* 1000 CPUIDs of the workload and the probe's own one. */
	assert_non_null(exit_table_find(&doc->exits, 10));
	assert_int_equal(exit_table_find(&doc->exits, 10)->count, 1001);
	assert_ptr_equal(doc->workload, json_object_get(j, "workload"));
	assert_string_equal(doc->workload_name, "cpuid");
	assert_int_equal(doc->probe_cpuid_exits, 1);
	assert_true(doc->has_cpuid_exact);
	assert_true(doc->cpuid_exact);
	assert_null(doc->samples);
	assert_int_equal(doc->sample_ms, 0);
	assert_true(doc->has_window);
	assert_int_equal(doc->window_wall_ns, 250000);
	assert_int_equal(doc->window_tsc, 750000);
	assert_false(doc->has_l2_uptime);
	assert_false(doc->has_l2_uptime_end);
	assert_false(doc->has_l2_userspace);
	assert_int_equal(doc->nr_stages, 0);
	json_decref(j);
}

/* window and l2_uptime_s are optional: older probes wrote neither. */
static void test_the_clocks_are_optional(void **state)
{
	json_t *j = load("run-cpuid-vmx");

	(void)state;
	json_object_del(j, "window");
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_false(doc->has_window);
	assert_int_equal(doc->window_wall_ns, 0);
	json_object_set_new(j, "l2_uptime_s", json_real(12.5));
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_true(doc->has_l2_uptime);
	assert_float_equal(doc->l2_uptime_s, 12.5, 0);
	json_decref(j);
	j = load("snapshot-svm");
	json_object_set_new(j, "l2_uptime_s", json_integer(7));
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_true(doc->has_l2_uptime);
	assert_float_equal(doc->l2_uptime_s, 7, 0);
	assert_false(doc->has_window);
	json_decref(j);
}

static json_t *sample(json_int_t t_ms, json_int_t total)
{
	return json_pack("{s:I, s:I, s:{s:i}}", "t_ms", t_ms, "total", total, "by_reason",
			 "CPUID", 3);
}

static void test_a_run_with_samples_passes(void **state)
{
	json_t *j = load("run-cpuid-vmx");
	json_t *samples = json_pack("[o, o]", sample(0, 3), sample(10, 800));

	(void)state;
	json_object_set_new(j, "samples", samples);
	json_object_set_new(j, "sample_ms", json_integer(10));
	json_object_set_new(j, "samples_dropped", json_integer(2));
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_ptr_equal(doc->samples, samples);
	assert_int_equal(doc->sample_ms, 10);
	assert_int_equal(doc->samples_dropped, 2);
	json_decref(j);
}

/* own: the probe's own CPUID exits among a sample's total; optional, since older probes lack it. */
static void test_samples_may_say_their_own(void **state)
{
	json_t *j = load("run-cpuid-vmx"), *early = sample(0, 3), *late = sample(10, 800);

	(void)state;
	json_object_set_new(early, "own", json_integer(3));
	json_object_set_new(late, "own", json_integer(0));
	json_object_set_new(j, "samples", json_pack("[o, o, o]", early, late, sample(20, 900)));
	json_object_set_new(j, "sample_ms", json_integer(10));
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	json_decref(j);
}

/* @j, broken by the caller, must fail with @expected and an error containing @says. */
static void assert_refused(json_t *j, int expected, const char *says)
{
	err[0] = '\0';
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), expected);
	if (!strstr(err, says))
		fail_msg("\"%s\" does not say \"%s\"", err, says);
	json_decref(j);
}

static void test_a_missing_key_is_named(void **state)
{
	json_t *j;

	(void)state;
	j = load("run-cpuid-vmx");
	json_object_del(j, "probe_cpuid_exits");
	assert_refused(j, -EINVAL, "probe_cpuid_exits");
	j = load("snapshot-svm");
	json_object_del(j, "abi_version");
	assert_refused(j, -EINVAL, "abi_version");
	j = load("run-cpuid-vmx");
	json_object_del(at(j, "workload"), "figures");
	assert_refused(j, -EINVAL, "workload: Object item not found: figures");
	j = load("run-cpuid-vmx");
	json_object_del(at(j, "exits"), "cycles");
	assert_refused(j, -EINVAL, "exits: Object item not found: cycles");
	j = load("run-cpuid-vmx");
	json_object_del(j, "before");
	assert_refused(j, -EINVAL, "neither \"counters\" (a snapshot) nor \"before\" (a run)");
}

static void test_an_unknown_key_is_named(void **state)
{
	json_t *j;

	(void)state;
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "extra", json_true());
	assert_refused(j, -EINVAL, "extra");
	j = load("snapshot-svm");
	json_object_set_new(at(j, "l1"), "vendor", json_string("AuthenticAMD"));
	assert_refused(j, -EINVAL, "l1: 1 object item(s) left unpacked: vendor");
	/* A snapshot with a run's key is neither. */
	j = load("snapshot-svm");
	json_object_set_new(j, "exits", json_deep_copy(at(j, "counters")));
	assert_refused(j, -EINVAL, "exits");
}

static void test_a_negative_count_is_named(void **state)
{
	json_t *j;

	(void)state;
	j = load("run-cpuid-vmx");
	json_object_set_new(json_array_get(at(j, "exits.by_reason"), 0), "count",
			    json_integer(-1));
	assert_refused(j, -EINVAL, "exits: by_reason[0].count is negative (-1)");
	j = load("snapshot-svm");
	json_object_set_new(at(j, "counters"), "total", json_integer(-7));
	assert_refused(j, -EINVAL, "counters: total is negative (-7)");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "probe_cpuid_exits", json_integer(-1));
	assert_refused(j, -EINVAL, "probe_cpuid_exits is negative (-1)");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "samples", json_pack("[o]", sample(5, -2)));
	json_object_set_new(j, "sample_ms", json_integer(1));
	assert_refused(j, -EINVAL, "samples[0].total is negative (-2)");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "samples", json_pack("[o]", sample(5, 2)));
	json_object_set_new(json_array_get(at(j, "samples"), 0), "own", json_integer(-1));
	json_object_set_new(j, "sample_ms", json_integer(1));
	assert_refused(j, -EINVAL, "samples[0].own is negative (-1)");
	/* The probe's own exits are among the total: never more than it. */
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "samples", json_pack("[o]", sample(5, 2)));
	json_object_set_new(json_array_get(at(j, "samples"), 0), "own", json_integer(3));
	json_object_set_new(j, "sample_ms", json_integer(1));
	assert_refused(j, -EINVAL, "samples[0].own is 3, more than the sample's total 2");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "samples", json_pack("[o]", sample(5, 2)));
	json_object_set_new(json_array_get(at(j, "samples"), 0), "own", json_string("1"));
	json_object_set_new(j, "sample_ms", json_integer(1));
	assert_refused(j, -EINVAL, "samples[0].own is a string, not a counter");
}

static void test_a_wrong_type_is_named(void **state)
{
	json_t *j;

	(void)state;
	j = load("run-cpuid-vmx");
	json_object_set_new(at(j, "workload"), "name", json_integer(5));
	assert_refused(j, -EINVAL, "workload.name is an integer, not a string");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "probe_cpuid_exits", json_string("1"));
	assert_refused(j, -EINVAL, "probe_cpuid_exits is a string, not a counter");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "cpuid_exact", json_integer(1));
	assert_refused(j, -EINVAL, "cpuid_exact is an integer, not a boolean");
	j = load("snapshot-svm");
	json_object_set_new(j, "l1", json_string("svm"));
	assert_refused(j, -EINVAL, "l1 is a string, not an object");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "before", json_array());
	assert_refused(j, -EINVAL, "before: the window is an array, not an object");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "samples", json_object());
	json_object_set_new(j, "sample_ms", json_integer(1));
	assert_refused(j, -EINVAL, "samples is an object, not an array");
}

static void test_values_out_of_place_are_named(void **state)
{
	json_t *j;

	(void)state;
	j = load("snapshot-svm");
	json_object_set_new(at(j, "l1"), "isa", json_string("none"));
	assert_refused(j, -EINVAL, "l1.isa is \"none\", not vmx or svm");
	j = load("snapshot-svm");
	json_object_set_new(j, "abi_version", json_integer(0));
	assert_refused(j, -EINVAL, "abi_version is 0");
	/* ABI 2 says whose counters they are; ABI 1 had no such thing. */
	j = load("snapshot-svm");
	json_object_del(at(j, "l1"), "scope");
	assert_refused(j, -EINVAL, "l1.scope is null, not a string");
	j = load("snapshot-svm");
	json_object_set_new(at(j, "l1"), "scope", json_string("guest"));
	assert_refused(j, -EINVAL, "l1.scope is \"guest\", not vm or host");
	j = load("snapshot-svm");
	json_object_set_new(j, "abi_version", json_integer(1));
	assert_refused(j, -EINVAL, "l1.scope is there, but ABI 1 has no scope");
	/* The driver spells an undefined reason "unknown", and so must the probe. */
	j = load("run-cpuid-vmx");
	json_object_set_new(json_array_get(at(j, "exits.by_reason"), 0), "name", json_string("?"));
	assert_refused(j, -EINVAL, "exits: by_reason[0].name is \"?\"");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "sample_ms", json_integer(10));
	assert_refused(j, -EINVAL, "sample_ms without samples");
	/* The clocks: a window of two counters, an uptime that is one. */
	j = load("run-cpuid-vmx");
	json_object_set_new(at(j, "window"), "tsc", json_integer(-5));
	assert_refused(j, -EINVAL, "window.tsc is negative");
	j = load("run-cpuid-vmx");
	json_object_del(at(j, "window"), "wall_ns");
	assert_refused(j, -EINVAL, "window: Object item not found: wall_ns");
	j = load("run-cpuid-vmx");
	json_object_set_new(at(j, "window"), "wall_s", json_real(0.1));
	assert_refused(j, -EINVAL, "window: 1 object item(s) left unpacked: wall_s");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "l2_uptime_s", json_string("12.5"));
	assert_refused(j, -EINVAL, "l2_uptime_s is a string, not a number");
	j = load("snapshot-svm");
	json_object_set_new(j, "l2_uptime_s", json_real(-1));
	assert_refused(j, -EINVAL, "l2_uptime_s is -1, not an uptime");
	/* A snapshot has no workload, so no window. */
	j = load("snapshot-svm");
	json_object_set_new(j, "window", json_pack("{s:i, s:i}", "wall_ns", 1, "tsc", 1));
	assert_refused(j, -EINVAL, "window");
	j = load("run-cpuid-vmx");
	json_object_set_new(j, "samples", json_array());
	assert_refused(j, -EINVAL, "samples without sample_ms");
}

static json_t *stage(const char *name, double start_s, double end_s)
{
	json_t *st = json_pack("{s:s, s:f}", "stage", name, "start_s", start_s);

	if (end_s >= 0)
		json_object_set_new(st, "end_s", json_real(end_s));
	return st;
}

/* A document of today's probe: L2's init, cloud-init's stages, the probe's start and end. */
static json_t *with_l2_boot(json_t *j)
{
	json_object_set_new(j, "l2_userspace_s", json_real(1.57));
	json_object_set_new(j, "cloud_init", json_pack("[o, o, o, o]",
						       stage("init-local", 5, 6),
						       stage("init", 7.25, 9.457),
						       stage("modules-config", 10, 11.5),
						       stage("modules-final", 12.125, -1)));
	json_object_set_new(j, "l2_uptime_s", json_real(12.5));
	json_object_set_new(j, "l2_uptime_end_s", json_real(14));
	return j;
}

/* Optional like l2_uptime_s, in both kinds: older probes lack them. */
static void test_l2_boot_clocks_pass(void **state)
{
	json_t *j = with_l2_boot(load("run-cpuid-vmx"));

	(void)state;
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_true(doc->has_l2_userspace);
	assert_float_equal(doc->l2_userspace_s, 1.57, 0);
	assert_true(doc->has_l2_uptime_end);
	assert_float_equal(doc->l2_uptime_end_s, 14, 0);
	assert_int_equal(doc->nr_stages, 4);
	assert_string_equal(doc->stages[1].stage, "init");
	assert_float_equal(doc->stages[1].start_s, 7.25, 0);
	assert_float_equal(doc->stages[1].end_s, 9.457, 0);
	assert_string_equal(doc->stages[3].stage, "modules-final");
	assert_true(doc->stages[3].end_s < 0);
	json_decref(j);
	/* A snapshot from cloud-init's bootcmd: init runs, nothing after it has begun. */
	j = load("snapshot-svm");
	json_object_set_new(j, "cloud_init", json_pack("[o, o]", stage("init-local", 3, 4),
							stage("init", 4.5, -1)));
	json_object_set_new(j, "l2_uptime_end_s", json_integer(6));
	assert_int_equal(probe_doc_parse(j, doc, err, sizeof(err)), 0);
	assert_int_equal(doc->nr_stages, 2);
	assert_false(doc->has_l2_uptime);
	assert_false(doc->has_l2_userspace);
	json_decref(j);
}

/* Each value is an uptime, the stages are cloud-init's in its order, the kernel's clocks agree. */
static void test_l2_boot_clocks_out_of_place_are_named(void **state)
{
	json_t *j;

	(void)state;
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(j, "l2_userspace_s", json_string("1.57"));
	assert_refused(j, -EINVAL, "l2_userspace_s is a string, not a number");
	j = with_l2_boot(load("snapshot-svm"));
	json_object_set_new(j, "l2_uptime_end_s", json_real(-0.5));
	assert_refused(j, -EINVAL, "l2_uptime_end_s is -0.5, not an uptime");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(j, "l2_uptime_end_s", json_real(12));
	assert_refused(j, -EINVAL, "l2_uptime_end_s is 12, before l2_uptime_s 12.5");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(j, "l2_userspace_s", json_real(13));
	assert_refused(j, -EINVAL, "l2_userspace_s is 13, after l2_uptime_s 12.5: init ran after the probe");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(j, "cloud_init", json_object());
	assert_refused(j, -EINVAL, "cloud_init is an object, not an array");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(j, "cloud_init", json_array());
	assert_refused(j, -EINVAL, "cloud_init is empty");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_array_append_new(at(j, "cloud_init"), stage("modules-late", 13, -1));
	assert_refused(j, -EINVAL, "cloud_init[4].stage is \"modules-late\", not a stage of cloud-init");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_array_append_new(at(j, "cloud_init"), stage("init", 13, -1));
	assert_refused(j, -EINVAL, "cloud_init[4].stage is \"init\", not after the stage before it");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(json_array_get(at(j, "cloud_init"), 2), "end_s", json_real(9));
	assert_refused(j, -EINVAL, "cloud_init[2].end_s is 9, before start_s 10");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(json_array_get(at(j, "cloud_init"), 0), "start_s", json_null());
	assert_refused(j, -EINVAL, "cloud_init[0].start_s is null, not a number");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_del(json_array_get(at(j, "cloud_init"), 0), "start_s");
	assert_refused(j, -EINVAL, "cloud_init[0]: Object item not found: start_s");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_object_set_new(json_array_get(at(j, "cloud_init"), 3), "errors", json_array());
	assert_refused(j, -EINVAL, "cloud_init[3]: 1 object item(s) left unpacked: errors");
	j = with_l2_boot(load("run-cpuid-vmx"));
	json_array_set_new(at(j, "cloud_init"), 1, json_string("init"));
	assert_refused(j, -EINVAL, "cloud_init[1] is a string, not an object");
}

static void test_another_document_is_not_a_probe_document(void **state)
{
	json_t *j;

	(void)state;
	j = load("snapshot-svm");
	json_object_set_new(j, "schema", json_string("exitscope/result/v1"));
	assert_refused(j, -ENOMSG, "schema exitscope/result/v1, not exitscope/probe/v1");
	j = load("snapshot-svm");
	json_object_del(j, "schema");
	assert_refused(j, -ENOMSG, "no \"schema\" string");
	assert_refused(json_array(), -ENOMSG, "an array, not a probe document");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_recorded_snapshot_passes),
		cmocka_unit_test(test_a_recorded_run_passes),
		cmocka_unit_test(test_the_clocks_are_optional),
		cmocka_unit_test(test_a_run_with_samples_passes),
		cmocka_unit_test(test_samples_may_say_their_own),
		cmocka_unit_test(test_a_missing_key_is_named),
		cmocka_unit_test(test_an_unknown_key_is_named),
		cmocka_unit_test(test_a_negative_count_is_named),
		cmocka_unit_test(test_a_wrong_type_is_named),
		cmocka_unit_test(test_values_out_of_place_are_named),
		cmocka_unit_test(test_l2_boot_clocks_pass),
		cmocka_unit_test(test_l2_boot_clocks_out_of_place_are_named),
		cmocka_unit_test(test_another_document_is_not_a_probe_document),
	};

	return cmocka_run_group_tests_name("probe-doc", tests, doc_alloc, doc_free);
}
