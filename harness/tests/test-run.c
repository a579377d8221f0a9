// SPDX-License-Identifier: GPL-2.0
/*
 * The run pipeline without QEMU: recorded run directories (real runs' out/
 * files with their run.json and kernel.json) assembled into results and held
 * against golden files, the outcome of attempts that went wrong, the run
 * record's strict reader and the one map from outcomes to exit codes.
 * EXITSCOPE_UPDATE_GOLDEN=1 rewrites the golden results after an intended
 * change; their git diff is then the review of it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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

#include "capture.h"

#include "cmd.h"
#include "exec.h"
#include "run.h"
#include "util.h"

#define RUNS "tests/data/runs"

/* A recorded run directory: <name>.run/, its golden result <name>.json beside it. */
static int is_run_dir(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && !strcmp(e->d_name + n - 4, ".run");
}

static char *result_text(json_t *result)
{
	char *text = json_dumps(result, JSON_SORT_KEYS | JSON_INDENT(2));

	assert_non_null(text);
	return text;
}

static void assert_golden_result(const char *run_dir, json_t *result)
{
	char golden[PATH_MAX], *expected, *text = result_text(result);

	snprintf(golden, sizeof(golden), "%.*s.json", (int)(strlen(run_dir) - 4), run_dir);
	if (getenv("EXITSCOPE_UPDATE_GOLDEN"))
		assert_int_equal(run_result_write(golden, result), 0);
	assert_int_equal(util_read_file(golden, &expected, NULL), 0);
	/* The file ends in a newline that json_dumps() leaves off. */
	if (strncmp(text, expected, strlen(text)) || strcmp(expected + strlen(text), "\n"))
		fail_msg("%s assembles to something else than %s; got:\n%s", run_dir, golden, text);
	free(expected);
	free(text);
}

static void test_recorded_runs_assemble_to_golden(void **state)
{
	struct dirent **names;
	int n = scandir(RUNS, &names, is_run_dir, alphasort);

	(void)state;
	assert_true(n >= 3);
	for (int i = 0; i < n; i++) {
		char dir[PATH_MAX], err[512] = "";
		struct run_evidence *ev;
		struct run_verdict v;
		json_t *result;

		snprintf(dir, sizeof(dir), RUNS "/%s", names[i]->d_name);
		ev = run_evidence_read(dir);
		assert_non_null(ev);
		result = run_assemble(dir, ev, &v, err, sizeof(err));
		if (!result)
			fail_msg("%s: %s", dir, err);
		assert_true(v.oracle_match);
		/* The micro stage has no probe: its own verdict is whether every reason was exact. */
		if (v.micro)
			assert_true(v.micro_exact);
		else
			assert_int_equal(v.probe_rc, 0);
		assert_golden_result(dir, result);
		json_decref(result);
		run_evidence_free(ev);
		free(names[i]);
	}
	free(names);
}

/* A copy of recorded run @name to play with; the path in @dir. */
static void run_copy(const char *name, char *dir, size_t size)
{
	char from[PATH_MAX], tmpl[] = "/tmp/exitscope-test-run.XXXXXX";
	char *const cp[] = { "cp", "-r", from, dir, NULL };

	assert_non_null(mkdtemp(tmpl));
	snprintf(from, sizeof(from), RUNS "/%s.run", name);
	snprintf(dir, size, "%s/%s.run", tmpl, name);
	assert_int_equal(exec_run(cp, NULL, NULL), 0);
}

static void run_remove(const char *dir)
{
	char *parent = strdup(dir);
	char *const rm[] = { "rm", "-rf", parent, NULL };

	*strrchr(parent, '/') = '\0';
	assert_int_equal(exec_run(rm, NULL, NULL), 0);
	free(parent);
}

static void run_unlink(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(unlink(path), 0);
}

/* Edits out/@file of the run copy @dir with the sed expression @expr. */
static void run_edit(const char *dir, const char *file, const char *expr)
{
	char path[PATH_MAX + 64];
	char *const sed[] = { "sed", "-i", (char *)expr, path, NULL };

	snprintf(path, sizeof(path), "%s/out/%s", dir, file);
	assert_int_equal(exec_run(sed, NULL, NULL), 0);
}

/* The result of the run copy @dir, which must assemble; *@ev is its evidence. */
static json_t *run_assemble_ok(const char *dir, struct run_evidence **ev)
{
	char err[512] = "";
	struct run_verdict v;
	json_t *result;

	*ev = run_evidence_read(dir);
	assert_non_null(*ev);
	result = run_assemble(dir, *ev, &v, err, sizeof(err));
	if (!result)
		fail_msg("%s", err);
	return result;
}

/* @result's entry of @reason in its window @key, or NULL. */
static json_t *window_entry(json_t *result, const char *key, json_int_t reason)
{
	json_t *entry;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(result, key), "by_reason"), i, entry)
		if (json_integer_value(json_object_get(entry, "reason")) == reason)
			return entry;
	return NULL;
}

/* Rewrites out/micro.json of the run copy @dir: the first reason's debugfs count, and both verdicts. */
static void micro_edit(const char *dir, json_int_t debugfs, bool exact)
{
	char path[PATH_MAX + 32];
	json_error_t jerr;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/out/micro.json", dir);
	doc = json_load_file(path, 0, &jerr);
	assert_non_null(doc);
	json_object_set_new(json_array_get(json_object_get(doc, "reasons"), 0), "debugfs",
			    json_integer(debugfs));
	json_object_set_new(json_array_get(json_object_get(doc, "reasons"), 0), "exact",
			    json_boolean(exact));
	json_object_set_new(doc, "exact", json_boolean(exact));
	assert_int_equal(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
}

/*
 * The micro stage's verdicts from a recorded SVM run: a document that claims
 * exactness its counts do not have is no evidence; an honest miscount is a
 * result that fails both the micro check and the oracle; a document of
 * another ISA than L1's is refused.
 */
static void test_micro_run_verdicts(void **state)
{
	char dir[PATH_MAX], err[512];
	struct run_evidence *ev;
	struct run_verdict v;
	json_t *result;

	(void)state;
	run_copy("reasons-svm", dir, sizeof(dir));
	micro_edit(dir, 999, true);
	ev = run_evidence_read(dir);
	assert_non_null(strstr(ev->micro_error, "\"exact\" is true"));
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	assert_non_null(strstr(err, "not exitmicro's document"));
	run_evidence_free(ev);
	micro_edit(dir, 999, false);
	ev = run_evidence_read(dir);
	result = run_assemble(dir, ev, &v, err, sizeof(err));
	assert_non_null(result);
	assert_true(v.micro);
	assert_false(v.micro_exact);
	assert_false(v.oracle_match);
	assert_true(json_is_false(json_object_get(json_object_get(result, "micro"), "exact")));
	json_decref(result);
	run_evidence_free(ev);
	run_edit(dir, "../run.json", "s/\"l1_isa\": \"svm\"/\"l1_isa\": \"vmx\"/");
	ev = run_evidence_read(dir);
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	assert_non_null(strstr(err, "exitmicro ran on svm but L1 runs vmx"));
	run_evidence_free(ev);
	run_remove(dir);
}

/* The result names a reason as the measured kernel's counters do, not as the build host. */
static void test_result_names_are_the_kernels(void **state)
{
	char dir[PATH_MAX];
	struct run_evidence *ev;
	json_t *result;

	(void)state;
	run_copy("cpuid", dir, sizeof(dir));
	run_edit(dir, "counters-before.txt", "s/^114 cpuid /114 cpuid_of_kernel /");
	result = run_assemble_ok(dir, &ev);
	assert_string_equal(reason_names_find(&ev->names, 114), "cpuid_of_kernel");
	assert_string_equal(json_string_value(json_object_get(window_entry(result, "exits", 114),
							      "name")), "cpuid_of_kernel");
	json_decref(result);
	run_evidence_free(ev);
	run_remove(dir);
}

/*
 * Under ABI 2's VM scope the probe's counters start at the VM's creation:
 * L2's boot window is its first read as it is, whatever the host's counters
 * held before L2 (here another VM's 7 CPUID exits).
 */
static void test_boot_of_a_vm_scope_run_starts_at_zero(void **state)
{
	char dir[PATH_MAX];
	struct run_evidence *ev;
	json_t *recorded, *result;
	json_error_t jerr;
	json_int_t boot_cpuid;

	(void)state;
	recorded = json_load_file(RUNS "/cpuid-abi2.json", 0, &jerr);
	assert_non_null(recorded);
	boot_cpuid = json_integer_value(json_object_get(window_entry(recorded, "boot", 114), "count"));
	assert_true(boot_cpuid > 0);
	run_copy("cpuid-abi2", dir, sizeof(dir));
	run_edit(dir, "counters-before.txt", "s/^114 cpuid 0 0$/114 cpuid 7 700/");
	result = run_assemble_ok(dir, &ev);
	assert_int_equal(ev->doc.scope, EXSC_SCOPE_VM);
	assert_int_equal(json_integer_value(json_object_get(window_entry(result, "boot", 114),
							    "count")), boot_cpuid);
	json_decref(result);
	json_decref(recorded);
	run_evidence_free(ev);
	run_remove(dir);
}

/* The probe document of the run copy @dir (out/l2-probe.out), a new reference. */
static json_t *probe_doc_read(const char *dir)
{
	char path[PATH_MAX + 64], *text = NULL, *begin;
	json_error_t jerr;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/out/l2-probe.out", dir);
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	begin = strstr(text, "EXITSCOPE-BEGIN\n");
	assert_non_null(begin);
	*strstr(begin, "EXITSCOPE-END") = '\0';
	doc = json_loads(begin + strlen("EXITSCOPE-BEGIN\n"), 0, &jerr);
	assert_non_null(doc);
	free(text);
	return doc;
}

/* Frames @doc into the run copy @dir's out/l2-probe.out, as the probe writes it. */
static void probe_doc_write(const char *dir, json_t *doc)
{
	char path[PATH_MAX + 64], *body = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2)), *text;

	assert_non_null(body);
	assert_true(asprintf(&text, "EXITSCOPE-BEGIN\n%s\nEXITSCOPE-END\nEXITSCOPE-PROBE-RC 0\n",
			     body) > 0);
	snprintf(path, sizeof(path), "%s/out/l2-probe.out", dir);
	assert_int_equal(util_write_atomic(path, text, strlen(text)), 0);
	free(body);
	free(text);
}

/* The probe document's "exits" with SVM interrupts at @irq and the total moved alike. */
static json_t *probe_window_like(json_t *doc, json_int_t irq)
{
	json_t *exits = json_deep_copy(json_object_get(doc, "exits")), *row;
	json_int_t was = 0;
	size_t i;

	json_array_foreach(json_object_get(exits, "by_reason"), i, row) {
		if (json_integer_value(json_object_get(row, "reason")) == 0x60) {
			was = json_integer_value(json_object_get(row, "count"));
			json_object_set_new(row, "count", json_integer(irq));
		}
	}
	assert_true(was > 0);
	json_object_set_new(exits, "total", json_integer(json_integer_value(
		json_object_get(exits, "total")) + irq - was));
	return json_pack("{s:o, s:O, s:O}", "exits", exits, "probe_cpuid_exits",
			 json_object_get(doc, "probe_cpuid_exits"), "figures",
			 json_object_get(json_object_get(doc, "workload"), "figures"));
}

/*
 * A probe document of run --repeat 3 (the recorded window first, then two
 * with other interrupt counts) assembles to a result whose exits are the
 * medians, whose CPUID reason has a spread of no width (each window less its
 * own read), and which the validator passed.
 */
static void test_repeated_windows_assemble_to_their_median(void **state)
{
	char dir[PATH_MAX], err[512] = "";
	struct run_evidence *ev;
	struct run_verdict v;
	json_t *doc, *first, *result, *row;
	json_int_t irq;
	size_t i;

	(void)state;
	run_copy("cpuid-abi2", dir, sizeof(dir));
	doc = probe_doc_read(dir);
	first = json_pack("{s:O, s:O, s:O, s:O}", "exits", json_object_get(doc, "exits"),
			  "probe_cpuid_exits", json_object_get(doc, "probe_cpuid_exits"),
			  "figures", json_object_get(json_object_get(doc, "workload"), "figures"),
			  "cpuid_exact", json_object_get(doc, "cpuid_exact"));
	assert_non_null(first);
	if (json_object_get(doc, "window"))
		json_object_set(first, "window", json_object_get(doc, "window"));
	irq = json_integer_value(json_object_get(window_entry(doc, "exits", 0x60), "count"));
	assert_int_equal(json_object_set_new(doc, "repeat",
					     json_pack("{s:i, s:[o, o, o]}", "n", 3, "windows", first,
						       probe_window_like(doc, irq + 500),
						       probe_window_like(doc, irq + 100))), 0);
	json_array_foreach(json_object_get(json_object_get(doc, "repeat"), "windows"), i, row)
		if (i)
			json_object_set(row, "cpuid_exact", json_true());
	probe_doc_write(dir, doc);
	result = run_assemble_ok(dir, &ev);
	assert_int_equal(ev->doc.repeat_n, 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(result, "repeat"), "n")), 3);
	assert_int_equal(json_integer_value(json_object_get(window_entry(result, "exits", 0x60),
							    "count")), irq + 100);
	assert_int_equal(json_integer_value(json_object_get(window_entry(result, "exits", 0x72),
							    "count")), 100000);
	json_array_foreach(json_object_get(json_object_get(json_object_get(result, "repeat"), "spread"),
					   "by_reason"), i, row) {
		json_int_t reason = json_integer_value(json_object_get(row, "reason"));

		if (reason == 0x72)
			assert_true(json_integer_value(json_object_get(row, "min")) == 100000 &&
				    json_integer_value(json_object_get(row, "max")) == 100000);
		if (reason == 0x60)
			assert_true(json_integer_value(json_object_get(row, "min")) == irq &&
				    json_integer_value(json_object_get(row, "max")) == irq + 500);
	}
	/* The first window stays what a run of one writes: its probe_own, its boot. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(result, "probe_own"),
							    "total")), 1);
	json_decref(result);
	run_evidence_free(ev);
	/* A window that holds fewer CPUID exits than its own reads is no result. */
	json_object_set_new(json_array_get(json_object_get(json_object_get(doc, "repeat"), "windows"),
					   2), "probe_cpuid_exits", json_integer(200000));
	probe_doc_write(dir, doc);
	ev = run_evidence_read(dir);
	assert_non_null(ev);
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	if (!strstr(err, "a window of L2's probe cannot hold its own reads"))
		fail_msg("%s", err);
	run_evidence_free(ev);
	json_decref(doc);
	run_remove(dir);
}

/* Replaces @dir/@name with @text. */
static void run_write(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(util_write_atomic(path, text, strlen(text)), 0);
}

/*
 * cpuid.run as a run of today's exitscope would leave it: the agent's new
 * status lines, the events L0 saw in run.json, and the probe's clocks in its
 * document.  The times are made up, but consistent with the recording.
 */
static void timeline_edit(const char *dir, const char *const *names, size_t n)
{
	static const double t_s[] = { 0, 5.25, 18.5, 18.75, 19, 21.5, 474, 474.75, 475.5, 476 };
	struct run_record rec;
	char err[512];

	run_write(dir, "status.log", "3.32 start\n16.49 libvirt-up\n16.70 l2-start\n"
		  "16.93 virt-install\n19.41 l2-running\n471.90 l2-off\n472.76 l2-end rc=0\n"
		  "473.38 done rc=0\n");
	assert_int_equal(run_record_read(dir, &rec, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++)
		run_record_event(&rec, names[i], t_s[i]);
	assert_int_equal(run_record_write(dir, &rec), 0);
	run_edit(dir, "l2-probe.out", "0,/^{$/s//{\\n  \"l2_uptime_s\": 401.37,\\n  \"window\": "
		 "{\"tsc\": 31875000000, \"wall_ns\": 12750000000},/");
}

/*
 * The probe document of today's probe also says when L2's kernel ran init,
 * when cloud-init's stages ran and when the probe finished: cloud-init's last
 * stage, which runs the probe, has not ended.
 */
static void timeline_edit_l2_boot(const char *dir)
{
	run_edit(dir, "l2-probe.out", "0,/^{$/s//{\\n  \"l2_userspace_s\": 61.52, "
		 "\"l2_uptime_end_s\": 414.81, \"cloud_init\": ["
		 "{\"stage\": \"init-local\", \"start_s\": 150.318, \"end_s\": 171.904}, "
		 "{\"stage\": \"init\", \"start_s\": 176.25, \"end_s\": 262.5}, "
		 "{\"stage\": \"modules-config\", \"start_s\": 270.125, \"end_s\": 301.75}, "
		 "{\"stage\": \"modules-final\", \"start_s\": 309.5}],/");
}

static const char *const timeline_names[] = { "l0-start", "start", "libvirt-up", "l2-start",
					      "virt-install", "l2-running", "l2-off", "l2-end",
					      "done", "l0-end" };

/* @result's timeline event @i: its @key as a number, or -1 for null. */
static double timeline_at(json_t *result, size_t i, const char *key)
{
	json_t *ev = json_array_get(json_object_get(json_object_get(result, "timeline"), "events"),
				    i);
	json_t *value = json_object_get(ev, key);

	assert_non_null(value);
	return json_is_null(value) ? -1 : json_number_value(value);
}

static const char *timeline_name(json_t *result, size_t i)
{
	json_t *events = json_object_get(json_object_get(result, "timeline"), "events");

	return json_string_value(json_object_get(json_array_get(events, i), "name"));
}

/*
 * The timeline joins three sources: L0's times from run.json, L1's uptimes
 * from status.log and L2's from the probe; L2's events go after L2 began
 * running, by L2's uptime, and the window comes from the probe's clocks.
 * The result is tests/data/results/timeline/cpuid.json, which show and
 * report read.
 */
static void test_timeline_joins_the_clocks(void **state)
{
	static const char *const l2[] = { "l2-userspace", "cloud-init-init-local-start",
					  "cloud-init-init-local-end", "cloud-init-init-start",
					  "cloud-init-init-end", "cloud-init-modules-config-start",
					  "cloud-init-modules-config-end",
					  "cloud-init-modules-final-start", "probe-start",
					  "probe-end" };
	char dir[PATH_MAX];
	struct run_evidence *ev;
	json_t *result, *window;

	(void)state;
	run_copy("cpuid", dir, sizeof(dir));
	timeline_edit(dir, timeline_names, 10);
	timeline_edit_l2_boot(dir);
	result = run_assemble_ok(dir, &ev);
	assert_int_equal(json_array_size(json_object_get(json_object_get(result, "timeline"),
							 "events")), 20);
	assert_string_equal(timeline_name(result, 0), "l0-start");
	assert_float_equal(timeline_at(result, 0, "t_s"), 0, 0);
	assert_float_equal(timeline_at(result, 0, "l1_uptime_s"), -1, 0);
	assert_string_equal(timeline_name(result, 1), "start");
	assert_float_equal(timeline_at(result, 1, "t_s"), 5.25, 1e-9);
	assert_float_equal(timeline_at(result, 1, "l1_uptime_s"), 3.32, 1e-9);
	assert_string_equal(timeline_name(result, 5), "l2-running");
	for (size_t i = 0; i < 10; i++) {
		assert_string_equal(timeline_name(result, 6 + i), l2[i]);
		assert_float_equal(timeline_at(result, 6 + i, "t_s"), -1, 0);
		assert_float_equal(timeline_at(result, 6 + i, "l1_uptime_s"), -1, 0);
	}
	assert_float_equal(timeline_at(result, 6, "l2_uptime_s"), 61.52, 1e-9);
	assert_float_equal(timeline_at(result, 13, "l2_uptime_s"), 309.5, 1e-9);
	assert_float_equal(timeline_at(result, 14, "l2_uptime_s"), 401.37, 1e-9);
	assert_float_equal(timeline_at(result, 15, "l2_uptime_s"), 414.81, 1e-9);
	assert_string_equal(timeline_name(result, 16), "l2-off");
	assert_float_equal(timeline_at(result, 16, "t_s"), 474, 1e-9);
	assert_string_equal(timeline_name(result, 19), "l0-end");
	assert_float_equal(timeline_at(result, 19, "t_s"), 476, 1e-9);
	window = json_object_get(json_object_get(result, "timeline"), "window");
	assert_float_equal(json_real_value(json_object_get(window, "wall_s")), 12.75, 1e-12);
	assert_int_equal(json_integer_value(json_object_get(window, "tsc")), 31875000000);
	if (getenv("EXITSCOPE_UPDATE_GOLDEN"))
		assert_int_equal(run_result_write("tests/data/results/timeline/cpuid.json", result), 0);
	{
		char *text = result_text(result), *expected;

		assert_int_equal(util_read_file("tests/data/results/timeline/cpuid.json", &expected,
						NULL), 0);
		assert_int_equal(strncmp(text, expected, strlen(text)), 0);
		free(expected);
		free(text);
	}
	json_decref(result);
	run_evidence_free(ev);
	run_remove(dir);
}

/*
 * L2's events are in the order of L2's uptime, whatever the document's: a
 * wall clock set during L2's boot can put cloud-init's stages before init
 * or after the probe.  A tie keeps the document's order.  An older probe's
 * document with l2_uptime_s alone gives probe-start alone, as it did.
 */
static void test_timeline_orders_l2_by_its_uptime(void **state)
{
	static const char *const order[] = { "l2-running", "cloud-init-init-local-start",
					     "cloud-init-init-local-end", "cloud-init-init-start",
					     "l2-userspace", "probe-start",
					     "cloud-init-init-end", "l2-off" };
	char dir[PATH_MAX];
	struct run_evidence *ev;
	json_t *result;

	(void)state;
	run_copy("cpuid", dir, sizeof(dir));
	timeline_edit(dir, timeline_names, 10);
	run_edit(dir, "l2-probe.out", "0,/^{$/s//{\\n  \"l2_userspace_s\": 61.52, "
		 "\"cloud_init\": [{\"stage\": \"init-local\", \"start_s\": 20, "
		 "\"end_s\": 40.5}, {\"stage\": \"init\", \"start_s\": 40.5, "
		 "\"end_s\": 402}],/");
	result = run_assemble_ok(dir, &ev);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		assert_string_equal(timeline_name(result, 5 + i), order[i]);
	json_decref(result);
	run_evidence_free(ev);
	run_remove(dir);
	run_copy("cpuid", dir, sizeof(dir));
	timeline_edit(dir, timeline_names, 10);
	result = run_assemble_ok(dir, &ev);
	assert_int_equal(json_array_size(json_object_get(json_object_get(result, "timeline"),
							 "events")), 11);
	assert_string_equal(timeline_name(result, 6), "probe-start");
	assert_float_equal(timeline_at(result, 6, "l2_uptime_s"), 401.37, 1e-9);
	assert_string_equal(timeline_name(result, 7), "l2-off");
	json_decref(result);
	run_evidence_free(ev);
	run_remove(dir);
}

/*
 * L0's times pair with the status lines by order and name: where the two
 * part (a record of another status.log), L0's time is null from there on.
 * No status.log and no events: no timeline.
 */
static void test_timeline_pairs_by_name(void **state)
{
	static const char *const skewed[] = { "l0-start", "start", "libvirt-up", "virt-install",
					      "l2-start" };
	char dir[PATH_MAX];
	struct run_evidence *ev;
	json_t *result;

	(void)state;
	run_copy("cpuid", dir, sizeof(dir));
	timeline_edit(dir, skewed, 5);
	result = run_assemble_ok(dir, &ev);
	assert_float_equal(timeline_at(result, 2, "t_s"), 18.5, 1e-9);
	assert_string_equal(timeline_name(result, 3), "l2-start");
	assert_float_equal(timeline_at(result, 3, "t_s"), -1, 0);
	assert_float_equal(timeline_at(result, 3, "l1_uptime_s"), 16.7, 1e-9);
	assert_float_equal(timeline_at(result, 4, "t_s"), -1, 0);
	json_decref(result);
	run_evidence_free(ev);
	run_remove(dir);
	run_copy("reasons-svm", dir, sizeof(dir));
	run_unlink(dir, "status.log");
	result = run_assemble_ok(dir, &ev);
	assert_null(json_object_get(result, "timeline"));
	json_decref(result);
	run_evidence_free(ev);
	run_remove(dir);
}

/*
 * run_l1() with a stand-in for QEMU (first on PATH) that writes three status
 * lines a second apart: L0 records each event once, in order, by its own clock
 * since the spawn, within the poll's resolution, between l0-start and l0-end.
 */
static void test_l1_records_what_l0_saw(void **state)
{
	char dir[] = "/tmp/exitscope-test-l1.XXXXXX", path[PATH_MAX], status[PATH_MAX + 16];
	char *old_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	const char *fake = "#!/bin/sh\nfor line in '1.00 start' '2.00 l2-start' '3.00 done rc=0'; do\n"
			   "\techo \"$line\" >>\"$FAKE_STATUS\"; sleep 1\ndone\n";
	volatile sig_atomic_t stop = 0;
	struct l1_plan p = { .name = "cpuid", .run_dir = dir, .kernel_dir = dir, .l2_dir = dir,
			     .accel = ACCEL_TCG, .l2_timeout_s = 60, .stop = &stop };
	struct run_record rec = { .n_events = 3 };
	struct run_status st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/qemu-system-x86_64", dir);
	assert_int_equal(util_write_atomic(path, fake, strlen(fake)), 0);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(status, sizeof(status), "%s/status.log", dir);
	setenv("FAKE_STATUS", status, 1);
	snprintf(path, sizeof(path), "%s:%s", dir, old_path);
	setenv("PATH", path, 1);
	assert_int_equal(run_l1(&p, &st, &rec), RUN_OK);
	setenv("PATH", old_path, 1);
	assert_int_equal(st.agent_rc, 0);
	/* The attempt's own events: the three a record held before are gone. */
	assert_int_equal(rec.n_events, 5);
	assert_string_equal(rec.events[0].name, "l0-start");
	assert_float_equal(rec.events[0].t_s, 0, 0);
	assert_string_equal(rec.events[1].name, "start");
	assert_string_equal(rec.events[2].name, "l2-start");
	assert_string_equal(rec.events[3].name, "done");
	assert_string_equal(rec.events[4].name, "l0-end");
	for (size_t i = 1; i < 5; i++)
		assert_true(rec.events[i].t_s >= rec.events[i - 1].t_s);
	/* A second apart by the stand-in's clock; a 250 ms poll sees them 0.75 s apart at least. */
	assert_true(rec.events[2].t_s - rec.events[1].t_s >= 0.5);
	assert_true(rec.events[3].t_s - rec.events[2].t_s >= 0.5);
	assert_true(rec.events[4].t_s < 30);
	assert_true(rec.stage_s[STAGE_L1_BOOT] > 0 && rec.stage_s[STAGE_L2] >= 0.5);
	free(old_path);
	assert_int_equal(exec_run((char *const[]){ "rm", "-rf", dir, NULL }, NULL, NULL), 0);
}

static enum run_outcome classify(const char *dir, const char *status_text)
{
	struct run_status st;
	struct run_record rec;
	char err[512];
	struct run_evidence *ev = run_evidence_read(dir);
	enum run_outcome o;

	assert_non_null(ev);
	assert_int_equal(run_record_read(dir, &rec, err, sizeof(err)), 0);
	run_status_parse(status_text, &st);
	o = run_outcome_classify(&st, ev, &rec, dir, 600);
	run_evidence_free(ev);
	return o;
}

static void test_outcomes_of_attempts(void **state)
{
	char dir[PATH_MAX];

	(void)state;
	run_copy("abi", dir, sizeof(dir));
	assert_int_equal(classify(dir, "8.1 start\n90.2 done rc=0\n"), RUN_OK);
	assert_int_equal(classify(dir, "8.1 start\n700.0 done rc=124\n"), RUN_TIMEOUT);
	assert_int_equal(classify(dir, "8.1 start\n9.0 error no libvirtd\n9.1 done rc=1\n"),
			 RUN_AGENT_FAILED);
	/* The agent finished, but L2 never got as far as the probe. */
	run_unlink(dir, "out/l2-probe.out");
	assert_int_equal(classify(dir, "8.1 start\n90.2 done rc=0\n"), RUN_L2_LOST);
	run_remove(dir);
}

/* classify() with its stderr in @text: what the run tells a person. */
static enum run_outcome classify_said(const char *dir, const char *status_text, char *text,
				      size_t size)
{
	struct capture err;
	enum run_outcome o;

	capture_start(&err, 2);
	o = classify(dir, status_text);
	capture_stop(&err, text, size);
	return o;
}

/* A lost L2 names L1's trace tail when --trace kept one, and --trace when it did not. */
static void test_lost_l2_names_the_trace_or_the_option(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], said[1024];
	FILE *f;

	(void)state;
	run_copy("abi", dir, sizeof(dir));
	run_unlink(dir, "out/l2-probe.out");
	assert_int_equal(classify_said(dir, "8.1 start\n90.2 done rc=0\n", said, sizeof(said)),
			 RUN_L2_LOST);
	assert_non_null(strstr(said, "run with --trace"));
	assert_null(strstr(said, "kvm-trace-tail.txt"));
	snprintf(path, sizeof(path), "%s/out/kvm-trace-tail.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("kvm_exit: vcpu 0 reason shutdown\n", f);
	fclose(f);
	assert_int_equal(classify_said(dir, "8.1 start\n90.2 done rc=0\n", said, sizeof(said)),
			 RUN_L2_LOST);
	assert_non_null(strstr(said, "out/kvm-trace-tail.txt"));
	assert_null(strstr(said, "--trace"));
	run_remove(dir);
}

/* A VM the neighbor lost is a shutdown exit too, but not L2's triple fault. */
static void test_neighbor_losses_are_not_l2s_triple_fault(void **state)
{
	char dir[PATH_MAX];
	struct run_evidence *ev;

	(void)state;
	run_copy("abi-neighbor", dir, sizeof(dir));
	ev = run_evidence_read(dir);
	assert_non_null(ev);
	assert_true(hist_shutdowns(&ev->hist, EXSC_ISA_SVM) > 0);
	assert_false(run_l2_triple_faulted(ev, EXSC_ISA_SVM));
	run_evidence_free(ev);
	run_edit(dir, "neighbor.json", "s/\"lost\": *3/\"lost\": 0/");
	ev = run_evidence_read(dir);
	assert_non_null(ev);
	assert_int_equal(ev->neighbor_doc.lost, 0);
	assert_true(run_l2_triple_faulted(ev, EXSC_ISA_SVM));
	run_evidence_free(ev);
	run_remove(dir);
}

static void test_assembly_needs_its_evidence(void **state)
{
	char dir[PATH_MAX], err[512] = "";
	struct run_evidence *ev;
	struct run_verdict v;

	(void)state;
	run_copy("abi", dir, sizeof(dir));
	run_unlink(dir, "out/kvm-exit-hist.txt");
	ev = run_evidence_read(dir);
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	assert_non_null(strstr(err, "kvm_exit histogram"));
	run_evidence_free(ev);
	/* Without the kernel's manifest the result cannot say which kernel it measured. */
	run_remove(dir);
	run_copy("abi", dir, sizeof(dir));
	run_unlink(dir, RUN_KERNEL_FILE);
	ev = run_evidence_read(dir);
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	assert_non_null(strstr(err, RUN_KERNEL_FILE));
	run_evidence_free(ev);
	run_remove(dir);
}

static void write_out(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/out/%s", dir, name);
	assert_int_equal(util_write_atomic(path, text, strlen(text)), 0);
}

/*
 * A neighbor's document beside the recorded abi run: the result gets its
 * block.  That run's probe read ABI 1, every VM's counters, and did not
 * count its CPUIDs, so nothing shows isolation.  A document the agent kept
 * but that is not one fails the assembly, naming it.
 */
static void test_neighbor_joins_the_result(void **state)
{
	char dir[PATH_MAX], err[512] = "";
	struct run_evidence *ev;
	struct run_verdict v;
	json_t *result, *neighbor;

	(void)state;
	run_copy("abi", dir, sizeof(dir));
	write_out(dir, "neighbor.json", "{\"batches\": 57, \"batches_cpuid\": 57000, "
		  "\"cpuid\": 57116, \"own_cpuid\": 116, \"lost\": 0, \"lost_cpuid_max\": 0, "
		  "\"seconds\": 4.3, \"vm\": \"41-4\"}\n");
	ev = run_evidence_read(dir);
	result = run_assemble(dir, ev, &v, err, sizeof(err));
	if (!result)
		fail_msg("%s", err);
	neighbor = json_object_get(result, "neighbor");
	assert_int_equal(json_integer_value(json_object_get(neighbor, "cpuid")), 57116);
	/* L2's workload window: the probe window's 13 less the probe's own read. */
	assert_int_equal(json_integer_value(json_object_get(neighbor, "l2_cpuid")), 12);
	assert_int_equal(json_integer_value(json_object_get(neighbor, "host_cpuid")), 5596);
	assert_true(json_is_false(json_object_get(neighbor, "isolated")));
	json_decref(result);
	run_evidence_free(ev);
	write_out(dir, "neighbor.json", "exitmicro: spin: /dev/kvm: No such file or directory\n");
	ev = run_evidence_read(dir);
	assert_null(run_assemble(dir, ev, &v, err, sizeof(err)));
	assert_non_null(strstr(err, "out/neighbor.json is not the neighbor's document: not JSON"));
	run_evidence_free(ev);
	run_remove(dir);
}

static json_t *assemble_copy(const char *dir)
{
	char err[512] = "";
	struct run_evidence *ev = run_evidence_read(dir);
	struct run_verdict v;
	json_t *result;

	assert_non_null(ev);
	result = run_assemble(dir, ev, &v, err, sizeof(err));
	if (!result)
		fail_msg("%s: %s", dir, err);
	run_evidence_free(ev);
	return result;
}

/*
 * The recorded cpuid run is older than the l2 block: its result has none.
 * Recorded again as today's run of the trimmed kernel, or of Debian's, the
 * result names the kernel L2 booted, and the validator takes both.
 */
static void test_result_names_the_l2_kernel(void **state)
{
	char dir[PATH_MAX], err[512];
	struct run_record rec;
	json_t *result, *l2;

	(void)state;
	run_copy("cpuid", dir, sizeof(dir));
	result = assemble_copy(dir);
	assert_null(json_object_get(result, "l2"));
	json_decref(result);
	assert_int_equal(run_record_read(dir, &rec, err, sizeof(err)), 0);
	snprintf(rec.l2_kernel, sizeof(rec.l2_kernel), "%s", SCENARIO_L2_TRIMMED);
	snprintf(rec.l2_kernel_id, sizeof(rec.l2_kernel_id), "c7e5fb61fee1");
	assert_int_equal(run_record_write(dir, &rec), 0);
	result = assemble_copy(dir);
	l2 = json_object_get(result, "l2");
	assert_string_equal(json_string_value(json_object_get(l2, "kernel")), "trimmed");
	assert_string_equal(json_string_value(json_object_get(l2, "kernel_id")), "c7e5fb61fee1");
	json_decref(result);
	snprintf(rec.l2_kernel, sizeof(rec.l2_kernel), "%s", SCENARIO_L2_DEBIAN);
	rec.l2_kernel_id[0] = '\0';
	assert_int_equal(run_record_write(dir, &rec), 0);
	result = assemble_copy(dir);
	l2 = json_object_get(result, "l2");
	assert_string_equal(json_string_value(json_object_get(l2, "kernel")), "debian");
	assert_null(json_object_get(l2, "kernel_id"));
	assert_null(json_object_get(l2, "shared_boot"));
	json_decref(result);
	/* A boot that served several scenarios is named in each one's result. */
	snprintf(rec.shared_boot, sizeof(rec.shared_boot), "cpuid+idle");
	assert_int_equal(run_record_write(dir, &rec), 0);
	result = assemble_copy(dir);
	l2 = json_object_get(result, "l2");
	assert_string_equal(json_string_value(json_object_get(l2, "shared_boot")), "cpuid+idle");
	json_decref(result);
	run_remove(dir);
}

static bool isolated(json_t *result)
{
	return json_is_true(json_object_get(json_object_get(result, "neighbor"), "isolated"));
}

/*
 * The recorded run with a neighbor (ABI 2, its own VM's scope, three of the
 * neighbor's VMs lost and replaced) shows isolation; one CPUID of the
 * neighbor in L2's window, or more in the neighbor's files than its guests
 * and lost batches explain, and it does not.
 */
static void test_recorded_neighbor_is_isolated_and_would_not_be(void **state)
{
	char dir[PATH_MAX], probe[PATH_MAX + 32];
	/* The only count of 13 in that document is the CPUID reason's in its window. */
	char *const edit[] = { "sed", "-i", "s/\"count\": 13,$/\"count\": 14,/", probe, NULL };
	json_t *result;

	(void)state;
	run_copy("abi-neighbor", dir, sizeof(dir));
	result = assemble_copy(dir);
	assert_true(isolated(result));
	json_decref(result);
	/* 443 CPUIDs of lost batches were within the 3006 three can hold: 2564 more are not. */
	write_out(dir, "neighbor.json", "{\"batches\": 3415, \"batches_cpuid\": 3415000, "
		  "\"cpuid\": 3424845, \"lost\": 3, \"lost_cpuid_max\": 3006, "
		  "\"own_cpuid\": 6838, \"seconds\": 806.635, \"vm\": \"161-4\"}\n");
	result = assemble_copy(dir);
	assert_false(isolated(result));
	json_decref(result);
	run_remove(dir);
	run_copy("abi-neighbor", dir, sizeof(dir));
	/* L2's window with 14 CPUIDs where run abi executed 12 and the probe read 1. */
	snprintf(probe, sizeof(probe), "%s/out/l2-probe.out", dir);
	assert_int_equal(exec_run(edit, NULL, NULL), 0);
	result = assemble_copy(dir);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(result, "neighbor"),
							    "l2_cpuid")), 13);
	assert_false(isolated(result));
	json_decref(result);
	run_remove(dir);
}

static void test_record_round_trip_and_strictness(void **state)
{
	struct run_record rec = { .attempt = 2, .started = 1764400000, .duration_s = 151.5,
				  .stage_s = { 5.5, 140.25, 2 }, .accel = ACCEL_TCG,
				  .isa = EXSC_ISA_SVM }, back;
	char tmpl[] = "/tmp/exitscope-test-record.XXXXXX", err[512], path[PATH_MAX];
	const char *bad = "{\"scenario\": \"cpuid\", \"extra\": 1}";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(rec.scenario, sizeof(rec.scenario), "cpuid");
	snprintf(rec.cpu_vendor, sizeof(rec.cpu_vendor), "AuthenticAMD");
	snprintf(rec.qemu_version, sizeof(rec.qemu_version), "QEMU emulator version 10.0.2");
	snprintf(rec.kernel_id, sizeof(rec.kernel_id), "0123456789ab");
	snprintf(rec.l1_image, sizeof(rec.l1_image), "aaaaaaaaaaaa");
	snprintf(rec.l2_image, sizeof(rec.l2_image), "bbbbbbbbbbbb");
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), 0);
	assert_memory_equal(&rec, &back, sizeof(rec));
	/* Which kernel L2 booted; a record without it is the micro stage's or an older one. */
	assert_string_equal(back.l2_kernel, "");
	snprintf(rec.l2_kernel, sizeof(rec.l2_kernel), "trimmed");
	snprintf(rec.l2_kernel_id, sizeof(rec.l2_kernel_id), "c7e5fb61fee1");
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), 0);
	assert_memory_equal(&rec, &back, sizeof(rec));
	/* The events L0 saw, to the millisecond; a record without them is an older one. */
	assert_int_equal(back.n_events, 0);
	run_record_event(&rec, "l0-start", 0);
	run_record_event(&rec, "start", 5.2504);
	run_record_event(&rec, "done", 470.0006);
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n_events, 3);
	assert_string_equal(back.events[1].name, "start");
	assert_float_equal(back.events[1].t_s, 5.25, 1e-12);
	assert_float_equal(back.events[2].t_s, 470.001, 1e-12);
	assert_memory_equal(&rec, &back, sizeof(rec));
	/* Which QEMU was L0; its path on this host is not kept. */
	snprintf(rec.l0, sizeof(rec.l0), "fixed");
	snprintf(rec.l0_qemu, sizeof(rec.l0_qemu), "/cache/l0/abc/bin/qemu-system-x86_64");
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), 0);
	assert_string_equal(back.l0, "fixed");
	assert_string_equal(back.l0_qemu, "");
	snprintf(rec.l0, sizeof(rec.l0), "built");
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), 0);
	assert_string_equal(back.l0, "built");
	snprintf(rec.l0, sizeof(rec.l0), "fixed");
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	snprintf(path, sizeof(path), "%s/%s", tmpl, RUN_RECORD_FILE);
	{
		char *text = NULL, *at;

		assert_int_equal(util_read_file(path, &text, NULL), 0);
		at = strstr(text, "\"fixed\"");
		assert_non_null(at);
		memcpy(at, "\"newer\"", 7);
		assert_int_equal(util_write_atomic(path, text, strlen(text)), 0);
		free(text);
	}
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "L0"));
	assert_int_equal(util_write_atomic(path, bad, strlen(bad)), 0);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, RUN_RECORD_FILE));
	unlink(path);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), -ENOENT);
	rmdir(tmpl);
}

/*
 * Whether L1 kept its ring of KVM events (run --trace) goes from run.json to
 * the result's host.trace; a record that does not say stays unsaid in both.
 */
static void test_record_trace_reaches_the_result(void **state)
{
	struct run_record rec = { .attempt = 1, .started = 1764400000, .duration_s = 1,
				  .accel = ACCEL_TCG, .isa = EXSC_ISA_SVM }, back;
	char tmpl[] = "/tmp/exitscope-test-trace.XXXXXX", path[PATH_MAX], err[512];
	const int states[] = { 1, 0, -1 };
	json_t *kernel = json_object(), *doc;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(rec.scenario, sizeof(rec.scenario), "cpuid");
	snprintf(path, sizeof(path), "%s/%s", tmpl, RUN_RECORD_FILE);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		rec.trace = states[i];
		assert_int_equal(run_record_write(tmpl, &rec), 0);
		assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), 0);
		assert_int_equal(back.trace, states[i]);
		json_t *head = run_result_head(&back, kernel);

		assert_non_null(head);
		doc = json_object_get(json_object_get(head, "host"), "trace");
		if (states[i] < 0)
			assert_null(doc);
		else
			assert_true(json_is_boolean(doc) && json_boolean_value(doc) == states[i]);
		json_decref(head);
	}
	/* Not a boolean: the record is refused, naming the file. */
	doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	json_object_set_new(json_object_get(doc, "host"), "trace", json_string("yes"));
	assert_int_equal(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
	assert_int_equal(run_record_read(tmpl, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, RUN_RECORD_FILE));
	json_decref(kernel);
	unlink(path);
	rmdir(tmpl);
}

/* run.json as written, with its member @key set to @value: read, or why not. */
static int record_with(const char *key, const char *value, struct run_record *back, char *err,
		       size_t size)
{
	struct run_record rec = { .attempt = 1, .started = 1764400000, .duration_s = 1,
				  .accel = ACCEL_TCG, .isa = EXSC_ISA_SVM };
	char tmpl[] = "/tmp/exitscope-test-events.XXXXXX", path[PATH_MAX];
	json_t *doc;
	int r;

	assert_non_null(mkdtemp(tmpl));
	snprintf(rec.scenario, sizeof(rec.scenario), "cpuid");
	assert_int_equal(run_record_write(tmpl, &rec), 0);
	snprintf(path, sizeof(path), "%s/%s", tmpl, RUN_RECORD_FILE);
	doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	json_object_set_new(doc, key, json_loads(value, JSON_DECODE_ANY, NULL));
	assert_non_null(json_object_get(doc, key));
	assert_int_equal(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
	r = run_record_read(tmpl, back, err, size);
	unlink(path);
	rmdir(tmpl);
	return r;
}

static int record_with_events(const char *events, char *err, size_t size)
{
	struct run_record back;

	return record_with("events", events, &back, err, size);
}

/* Which kernel L2 booted: the trimmed one with its id, Debian's without; nothing else. */
static void test_record_l2_kernel_is_strict(void **state)
{
	static const char *const bad[] = {
		"{\"name\": \"trimmed\"}",
		"{\"name\": \"trimmed\", \"id\": \"../../etc\"}",
		"{\"name\": \"debian\", \"id\": \"c7e5fb61fee1\"}",
		"{\"name\": \"ubuntu\"}",
		"{\"name\": \"debian\", \"initrd\": true}",
		"[\"trimmed\"]",
	};
	struct run_record back;
	char err[512];

	(void)state;
	assert_int_equal(record_with("l2_kernel", "{\"name\": \"trimmed\", \"id\": \"c7e5fb61fee1\"}",
				     &back, err, sizeof(err)), 0);
	assert_string_equal(back.l2_kernel, "trimmed");
	assert_string_equal(back.l2_kernel_id, "c7e5fb61fee1");
	assert_int_equal(record_with("l2_kernel", "{\"name\": \"debian\"}", &back, err,
				     sizeof(err)), 0);
	assert_string_equal(back.l2_kernel, "debian");
	assert_string_equal(back.l2_kernel_id, "");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(record_with("l2_kernel", bad[i], &back, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "l2_kernel"));
	}
	/* shared_boot: a name, no longer than a scenario's. */
	assert_int_equal(record_with("shared_boot", "\"cpuid+idle\"", &back, err, sizeof(err)), 0);
	assert_string_equal(back.shared_boot, "cpuid+idle");
	assert_int_equal(record_with("shared_boot", "[\"cpuid\"]", &back, err, sizeof(err)), -EINVAL);
	assert_int_equal(record_with("shared_boot",
				     "\"cpuid+idle+io+abi+cpuid+idle+io+abi\"", &back, err,
				     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "shared_boot"));
}

static void test_record_events_are_strict(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(record_with_events("[{\"name\": \"l0-start\", \"t_s\": 0}, "
					    "{\"name\": \"start\", \"t_s\": 5.25}]",
					    err, sizeof(err)), 0);
	assert_int_equal(record_with_events("[]", err, sizeof(err)), 0);
	assert_int_equal(record_with_events("[{\"name\": \"start\", \"t_s\": 5, \"x\": 1}]",
					    err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "events[0]"));
	assert_int_equal(record_with_events("[{\"name\": \"\", \"t_s\": 5}]", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "events[0].name is empty"));
	assert_int_equal(record_with_events("[{\"name\": \"a-name-longer-than-it-may-be\", "
					    "\"t_s\": 5}]", err, sizeof(err)), -EINVAL);
	assert_int_equal(record_with_events("[{\"name\": \"start\", \"t_s\": 5}, "
					    "{\"name\": \"done\", \"t_s\": 4}]",
					    err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "events[1].t_s is 4, before"));
	assert_int_equal(record_with_events("[{\"name\": \"start\", \"t_s\": -1}]", err,
					    sizeof(err)), -EINVAL);
	assert_int_equal(record_with_events("{}", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "events is not an array"));
}

static void test_one_exit_code_per_outcome(void **state)
{
	(void)state;
	assert_int_equal(run_exit_code(RUN_OK), 0);
	assert_int_equal(run_exit_code(RUN_MISMATCH), EXIT_MEASURED_FAILED);
	assert_int_equal(run_exit_code(RUN_AGENT_FAILED), EXIT_MEASURED_FAILED);
	assert_int_equal(run_exit_code(RUN_L1_LOST), EXIT_MEASURED_FAILED);
	assert_int_equal(run_exit_code(RUN_L2_LOST), EXIT_MEASURED_FAILED);
	assert_int_equal(run_exit_code(RUN_BAD_INPUT), EXIT_USAGE);
	assert_int_equal(run_exit_code(RUN_ENVIRONMENT), EXIT_ENVIRONMENT);
	assert_int_equal(run_exit_code(RUN_TIMEOUT), EXIT_TIMEOUT);
	assert_int_equal(run_exit_code(RUN_INTERRUPTED), EXIT_INTERRUPTED);
	assert_true(run_outcome_retryable(RUN_TIMEOUT));
	assert_true(run_outcome_retryable(RUN_L1_LOST));
	assert_true(run_outcome_retryable(RUN_L2_LOST));
	assert_false(run_outcome_retryable(RUN_MISMATCH));
	assert_false(run_outcome_retryable(RUN_INTERRUPTED));
}

static void test_l1_isa_is_decided_once(void **state)
{
	(void)state;
	assert_int_equal(launch_l1_isa(ACCEL_TCG, "GenuineIntel"), EXSC_ISA_SVM);
	assert_int_equal(launch_l1_isa(ACCEL_KVM, "GenuineIntel"), EXSC_ISA_VMX);
	assert_int_equal(launch_l1_isa(ACCEL_KVM, "AuthenticAMD"), EXSC_ISA_SVM);
	assert_int_equal(launch_l1_isa(ACCEL_KVM, "HygonGenuine"), EXSC_ISA_SVM);
}

#define SHARED "tests/data/shared"
#define SHARED_BOOT SHARED "/cpuid+idle+io+abi.run"

/* Scenario @name of the recorded shared boot @boot, split into @tmp: it assembles to NAME.json. */
static void assert_shared_golden(const struct run_record *boot, const char *tmp, const char *name)
{
	char dir[PATH_MAX], golden[PATH_MAX], err[512] = "", *expected, *text;
	struct run_record rec;
	struct run_evidence *ev;
	struct run_verdict v;
	json_t *result;

	snprintf(dir, sizeof(dir), "%s/%s.run", tmp, name);
	assert_int_equal(run_shared_split(SHARED_BOOT, boot, name, dir), RUN_OK);
	assert_int_equal(run_record_read(dir, &rec, err, sizeof(err)), 0);
	assert_string_equal(rec.scenario, name);
	assert_string_equal(rec.shared_boot, "cpuid+idle+io+abi");
	ev = run_evidence_read(dir);
	assert_non_null(ev);
	assert_true(ev->hist_read && ev->counters_read && ev->probe_reported);
	result = run_assemble(dir, ev, &v, err, sizeof(err));
	if (!result)
		fail_msg("%s: %s", name, err);
	assert_true(v.oracle_match);
	snprintf(golden, sizeof(golden), SHARED "/%s.json", name);
	if (getenv("EXITSCOPE_UPDATE_GOLDEN"))
		assert_int_equal(run_result_write(golden, result), 0);
	text = result_text(result);
	assert_int_equal(util_read_file(golden, &expected, NULL), 0);
	if (strncmp(text, expected, strlen(text)) || strcmp(expected + strlen(text), "\n"))
		fail_msg("%s splits and assembles to something else than %s; got:\n%s", name, golden,
			 text);
	free(text);
	free(expected);
	json_decref(result);
	run_evidence_free(ev);
}

/*
 * A recorded boot that served four scenarios: split into each one's run
 * directory, it assembles to the result that run wrote, oracle over the
 * scenario's own window; a scenario L2 never got to leaves a directory
 * whose evidence says so.
 */
static void test_shared_boot_splits_into_its_runs(void **state)
{
	static const char *const names[] = { "cpuid", "idle", "io", "abi" };
	char tmpl[] = "/tmp/exitscope-test-shared.XXXXXX", dir[PATH_MAX], err[512] = "";
	struct run_record boot;
	struct run_evidence *ev;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(run_record_read(SHARED_BOOT, &boot, err, sizeof(err)), 0);
	assert_string_equal(boot.scenario, "cpuid+idle+io+abi");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_shared_golden(&boot, tmpl, names[i]);
	snprintf(dir, sizeof(dir), "%s/nosuch.run", tmpl);
	assert_int_equal(run_shared_split(SHARED_BOOT, &boot, "nosuch", dir), RUN_OK);
	ev = run_evidence_read(dir);
	assert_non_null(ev);
	assert_false(ev->probe_reported || ev->hist_read || ev->counters_read);
	run_evidence_free(ev);
	run_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_runs_assemble_to_golden),
		cmocka_unit_test(test_shared_boot_splits_into_its_runs),
		cmocka_unit_test(test_micro_run_verdicts),
		cmocka_unit_test(test_neighbor_joins_the_result),
		cmocka_unit_test(test_recorded_neighbor_is_isolated_and_would_not_be),
		cmocka_unit_test(test_result_names_are_the_kernels),
		cmocka_unit_test(test_boot_of_a_vm_scope_run_starts_at_zero),
		cmocka_unit_test(test_outcomes_of_attempts),
		cmocka_unit_test(test_lost_l2_names_the_trace_or_the_option),
		cmocka_unit_test(test_neighbor_losses_are_not_l2s_triple_fault),
		cmocka_unit_test(test_assembly_needs_its_evidence),
		cmocka_unit_test(test_record_round_trip_and_strictness),
		cmocka_unit_test(test_record_events_are_strict),
		cmocka_unit_test(test_record_l2_kernel_is_strict),
		cmocka_unit_test(test_record_trace_reaches_the_result),
		cmocka_unit_test(test_result_names_the_l2_kernel),
		cmocka_unit_test(test_timeline_joins_the_clocks),
		cmocka_unit_test(test_timeline_orders_l2_by_its_uptime),
		cmocka_unit_test(test_timeline_pairs_by_name),
		cmocka_unit_test(test_l1_records_what_l0_saw),
		cmocka_unit_test(test_one_exit_code_per_outcome),
		cmocka_unit_test(test_l1_isa_is_decided_once),
		cmocka_unit_test(test_repeated_windows_assemble_to_their_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
