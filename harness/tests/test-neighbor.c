// SPDX-License-Identifier: GPL-2.0
/*
 * The neighbor beside L2: exitmicro spin's document as the agent keeps it,
 * what L2's probe and L1's counters saw, and the isolation verdict.
 * NEIGHBOR_DOC is a real spin's output (6.1, SVM, QEMU TCG, stopped by
 * SIGTERM after about 3 s), NEIGHBOR_LOST_DOC one that lost a VM; the
 * figures are run abi's, as its probe writes them on an ABI 2 kernel in its
 * default scope.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "assemble.h"
#include "neighbor.h"

#define NEIGHBOR_DOC \
	"{\n  \"batches\": 47,\n  \"batches_cpuid\": 47000,\n  \"cpuid\": 47096,\n" \
	"  \"lost\": 0,\n  \"lost_cpuid_max\": 0,\n  \"own_cpuid\": 96,\n" \
	"  \"seconds\": 3.16556,\n  \"vm\": \"41-4\"\n}\n"
/* One VM lost after 10 batches and replaced; the lost batch ran to its last read. */
#define NEIGHBOR_LOST_DOC \
	"{\"batches\": 38, \"batches_cpuid\": 38000, \"cpuid\": 39082, \"lost\": 1, " \
	"\"lost_cpuid_max\": 1002, \"own_cpuid\": 80, \"seconds\": 3.09472, \"vm\": \"37-4\"}"

/* abi's checks with the scope each read: discovery, scope, undefined, never counted, self. */
static json_t *abi_workload(const char *scope, bool self_pass, json_int_t cpuid)
{
	return json_pack("{s:s, s:{s:i}, s:{s:[{s:s, s:b, s:{s:s}}, {s:s, s:b, s:{s:s}},"
			 " {s:s, s:b, s:{}}, {s:s, s:b, s:{}}, {s:s, s:b, s:{}}], s:b, s:I}}",
			 "name", "abi", "params", "N", 0, "figures", "checks",
			 "name", "discovery", "pass", 1, "detail", "scope", scope,
			 "name", "scope: vm or host, reserved bits zero", "pass", 1, "detail",
			 "scope", scope,
			 "name", "undefined", "pass", 1, "detail",
			 "name", "never counted", "pass", 1, "detail",
			 "name", "self", "pass", self_pass, "detail",
			 "verified", self_pass, "cpuid", cpuid);
}

static struct exit_table before, after, l2;

/* L1's host view around L2's life, and L2's window: SVM's CPUID reason is 0x72. */
static int tables(void **state)
{
	(void)state;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	memset(&l2, 0, sizeof(l2));
	assert_int_equal(counters_parse("114 cpuid 310 0\n124 msr 40 0\ntotal all 350 0\n", &before), 0);
	assert_int_equal(counters_parse("114 cpuid 3060310 0\n124 msr 900 0\ntotal all 3061210 0\n",
					&after), 0);
	assert_int_equal(exit_table_add(&l2, 0x72, 13, 0), 0);
	assert_int_equal(exit_table_add(&l2, 0x60, 3, 0), 0);
	return 0;
}

static void test_parse_reads_spins_document(void **state)
{
	struct neighbor_doc n;
	char err[256] = "";

	(void)state;
	assert_int_equal(neighbor_parse(NEIGHBOR_DOC, &n, err, sizeof(err)), 0);
	assert_int_equal(n.cpuid, 47096);
	assert_int_equal(n.batches, 47);
	assert_int_equal(n.batches_cpuid, 47000);
	assert_int_equal(n.own_cpuid, 96);
	assert_int_equal(n.lost, 0);
	assert_int_equal(n.lost_cpuid_max, 0);
	assert_true(n.seconds > 3.16 && n.seconds < 3.17);
	assert_string_equal(n.vm, "41-4");
	assert_int_equal(neighbor_parse(NEIGHBOR_LOST_DOC, &n, err, sizeof(err)), 0);
	assert_int_equal(n.lost, 1);
	assert_int_equal(n.lost_cpuid_max, 1002);
}

static void test_parse_is_strict(void **state)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ "", "not JSON" },
		{ "{\"cpuid\": 1", "not JSON" },
		{ "[1]", "Expected object" },
		{ "{\"cpuid\": 1, \"batches\": 0, \"batches_cpuid\": 0, \"own_cpuid\": 2, "
		  "\"lost\": 0, \"lost_cpuid_max\": 0, \"seconds\": 1}", "vm" },
		{ "{\"cpuid\": 1, \"batches\": 0, \"batches_cpuid\": 0, \"own_cpuid\": 2, "
		  "\"lost\": 0, \"lost_cpuid_max\": 0, \"seconds\": 1, \"vm\": \"1-2\", "
		  "\"exact\": true}", "exact" },
		{ "{\"cpuid\": -1, \"batches\": 0, \"batches_cpuid\": 0, \"own_cpuid\": 2, "
		  "\"lost\": 0, \"lost_cpuid_max\": 0, \"seconds\": 1, \"vm\": \"1-2\"}", "negative" },
		{ "{\"cpuid\": \"1\", \"batches\": 0, \"batches_cpuid\": 0, \"own_cpuid\": 2, "
		  "\"lost\": 0, \"lost_cpuid_max\": 0, \"seconds\": 1, \"vm\": \"1-2\"}", "Expected integer" },
		{ "{\"cpuid\": 1, \"batches\": 0, \"batches_cpuid\": 0, \"own_cpuid\": 2, "
		  "\"lost\": 0, \"lost_cpuid_max\": 0, \"seconds\": 1, "
		  "\"vm\": \"1234567890123456789012345678901234567890\"}", "longer" },
	};
	struct neighbor_doc n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";

		assert_int_equal(neighbor_parse(bad[i].text, &n, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].error))
			fail_msg("case %zu: '%s' does not name '%s'", i, err, bad[i].error);
	}
}

static void views(json_t *workload, struct neighbor_views *v)
{
	/* The probe's own read: its after-snapshot's first, counted before it is answered. */
	neighbor_views_read(EXSC_ISA_SVM, &before, &after, &l2, workload, 1, v);
	json_decref(workload);
}

static void test_views_of_an_isolated_pair(void **state)
{
	struct neighbor_views v;
	struct neighbor_doc n;
	char err[256];
	json_t *result;

	(void)state;
	assert_int_equal(neighbor_parse(NEIGHBOR_DOC, &n, err, sizeof(err)), 0);
	views(abi_workload("vm", true, 12), &v);
	assert_int_equal(v.host_cpuid, 3060000);
	/* The workload's window: the probe window's 13 less the probe's own read. */
	assert_int_equal(v.l2_cpuid, 12);
	assert_int_equal(v.l2_probe_cpuid, 1);
	assert_true(v.l2_window_whole);
	assert_true(v.l2_vm_scope);
	assert_true(v.l2_caused_known);
	assert_int_equal(v.l2_caused, 12);
	assert_true(neighbor_isolated(&n, &v));
	result = neighbor_json(&n, &v);
	assert_non_null(result);
	assert_int_equal(json_integer_value(json_object_get(result, "cpuid")), 47096);
	assert_int_equal(json_integer_value(json_object_get(result, "host_cpuid")), 3060000);
	assert_int_equal(json_integer_value(json_object_get(result, "l2_cpuid")), 12);
	assert_true(json_is_true(json_object_get(result, "isolated")));
	assert_int_equal(json_object_size(result), 4);
	json_decref(result);
}

/* Each way the views can fail to show isolation, one at a time. */
static void test_not_isolated(void **state)
{
	struct neighbor_views v;
	struct neighbor_doc n;
	json_t *workload;
	char err[256];

	(void)state;
	assert_int_equal(neighbor_parse(NEIGHBOR_DOC, &n, err, sizeof(err)), 0);
	/* Host scope: L2's window may hold the neighbor's exits. */
	views(abi_workload("host", true, 12), &v);
	assert_false(v.l2_vm_scope);
	assert_false(neighbor_isolated(&n, &v));
	/* A check failed. */
	views(abi_workload("vm", false, 12), &v);
	assert_false(neighbor_isolated(&n, &v));
	/* L2's window holds one CPUID more than it caused: someone else's. */
	views(abi_workload("vm", true, 11), &v);
	assert_false(neighbor_isolated(&n, &v));
	/* A workload that does not count its CPUIDs proves nothing. */
	views(json_pack("{s:s, s:{}, s:{s:b}}", "name", "cpuid", "params", "figures",
			"verified", 1), &v);
	assert_false(v.l2_caused_known);
	assert_false(neighbor_isolated(&n, &v));
	views(NULL, &v);
	assert_false(neighbor_isolated(&n, &v));
	/* A lost VM's unfinished batch: up to a batch and its reads more, never fewer. */
	views(abi_workload("vm", true, 12), &v);
	assert_int_equal(neighbor_parse(NEIGHBOR_LOST_DOC, &n, err, sizeof(err)), 0);
	assert_true(neighbor_isolated(&n, &v));
	n.cpuid = 38080;
	assert_true(neighbor_isolated(&n, &v));
	n.cpuid = 38079;
	assert_false(neighbor_isolated(&n, &v));
	n.cpuid = 38080 + 1003;
	assert_false(neighbor_isolated(&n, &v));
	assert_int_equal(neighbor_parse(NEIGHBOR_DOC, &n, err, sizeof(err)), 0);
	/* The neighbor's own file holds one CPUID its guest did not execute. */
	assert_true(neighbor_isolated(&n, &v));
	n.cpuid++;
	assert_false(neighbor_isolated(&n, &v));
	n.cpuid--;
	/* The host view lacks some of them: the probe's own read is L2's too. */
	v.host_cpuid = n.cpuid + v.l2_cpuid;
	assert_false(neighbor_isolated(&n, &v));
	v.host_cpuid++;
	assert_true(neighbor_isolated(&n, &v));
	/* A probe window without all of the probe's own reads: the counters missed some. */
	workload = abi_workload("vm", true, 0);
	neighbor_views_read(EXSC_ISA_SVM, &before, &after, &l2, workload, 14, &v);
	json_decref(workload);
	assert_false(v.l2_window_whole);
	assert_int_equal(v.l2_cpuid, 0);
	assert_false(neighbor_isolated(&n, &v));
	/* A neighbor that never ran shows nothing. */
	n = (struct neighbor_doc){ .cpuid = 0 };
	assert_false(neighbor_isolated(&n, &v));
}

/* Counters that went backwards (another boot's file) read as no host exits, not a wrap. */
static void test_host_view_never_wraps(void **state)
{
	struct neighbor_views v;

	(void)state;
	neighbor_views_read(EXSC_ISA_SVM, &after, &before, &l2, NULL, 1, &v);
	assert_int_equal(v.host_cpuid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_reads_spins_document),
		cmocka_unit_test(test_parse_is_strict),
		cmocka_unit_test_setup(test_views_of_an_isolated_pair, tables),
		cmocka_unit_test_setup(test_not_isolated, tables),
		cmocka_unit_test_setup(test_host_view_never_wraps, tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
