// SPDX-License-Identifier: GPL-2.0
/* The LAVA job writer (lava-job.c, yaml-json.c) and the job log reader (lava-log.c). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "exec.h"
#include "lava.h"
#include "run.h"
#include "util.h"
#include "yaml-json.h"

/* ---- YAML ------------------------------------------------------------- */

static json_t *yaml_roundtrip(const json_t *doc, char **text)
{
	char err[256];
	json_t *back;

	assert_int_equal(yaml_emit_json(doc, text), 0);
	assert_non_null(*text);
	back = yaml_load_json(*text, strlen(*text), err, sizeof(err));
	assert_non_null(back);
	return back;
}

/* Strings a YAML 1.1 reader would take for numbers, booleans or null stay strings. */
static void test_yaml_strings_stay_strings(void **state)
{
	json_t *doc = json_pack("{s:[s, s, s, s, s, s, s, s, s, s, s], s:s}", "values", "true", "300",
				"1:20", "", "~", "no", "-1", ".5", "0x1f", "exitscope-l1# ",
				"-kernel {kernel} -append \"a=1 b\"", "yes", "plain text");
	char *text = NULL;
	json_t *back = yaml_roundtrip(doc, &text);

	(void)state;
	assert_true(json_equal(doc, back));
	assert_non_null(strstr(text, "\"300\""));
	assert_non_null(strstr(text, "\"true\""));
	/* A key that looks like a boolean is quoted too. */
	assert_non_null(strstr(text, "\"yes\": plain text"));
	json_decref(back);
	json_decref(doc);
	free(text);
}

static void test_yaml_types_and_order(void **state)
{
	json_t *doc = json_pack("{s:I, s:b, s:b, s:n, s:f, s:{s:[i, i]}, s:[]}", "minutes", (json_int_t)20,
				"no_kvm", 1, "off", 0, "none", "ratio", 0.25, "nested", "list", 1, 2,
				"empty");
	char *text = NULL;
	json_t *back = yaml_roundtrip(doc, &text);

	(void)state;
	assert_true(json_equal(doc, back));
	assert_true(json_is_integer(json_object_get(back, "minutes")));
	assert_true(json_is_true(json_object_get(back, "no_kvm")));
	assert_true(json_is_real(json_object_get(back, "ratio")));
	/* Keys keep their order: LAVA's readers do not need it, people do. */
	assert_true(strstr(text, "minutes") < strstr(text, "no_kvm"));
	assert_true(strstr(text, "no_kvm") < strstr(text, "nested"));
	json_decref(back);
	json_decref(doc);
	free(text);
}

static void test_yaml_load_plain_scalars(void **state)
{
	static const char text[] = "a: 1\nb: yes\nc: ~\nd: '1'\ne: 1.5\nf: -7\ng: text here\n"
				   "h:\n  - x\n  - \"y\"\n";
	char err[256];
	json_t *doc = yaml_load_json(text, strlen(text), err, sizeof(err));

	(void)state;
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "a")), 1);
	assert_true(json_is_true(json_object_get(doc, "b")));
	assert_true(json_is_null(json_object_get(doc, "c")));
	assert_string_equal(json_string_value(json_object_get(doc, "d")), "1");
	assert_true(json_is_real(json_object_get(doc, "e")));
	assert_int_equal(json_integer_value(json_object_get(doc, "f")), -7);
	assert_string_equal(json_string_value(json_object_get(doc, "g")), "text here");
	assert_int_equal(json_array_size(json_object_get(doc, "h")), 2);
	json_decref(doc);
}

static void test_yaml_load_refuses(void **state)
{
	static const char broken[] = "a: [1, 2\nb: c\n";
	static const char complex_key[] = "? [1, 2]\n: x\n";
	char err[256] = "";

	(void)state;
	assert_null(yaml_load_json(broken, strlen(broken), err, sizeof(err)));
	assert_non_null(strstr(err, "line"));
	assert_null(yaml_load_json(complex_key, strlen(complex_key), err, sizeof(err)));
	assert_non_null(strstr(err, "not a scalar"));
	assert_null(yaml_load_json("", 0, err, sizeof(err)));
}

/* ---- the job ---------------------------------------------------------- */

static json_t *job_for(enum accel accel, struct strv *machine, json_t *testdef)
{
	char err[256];
	struct lava_job_plan p = {
		.scenario = "cpuid-micro", .kernel_id = "dd1057da17fb", .image_id = "ccd6a1d8d037",
		.accel = accel, .machine = machine, .append = "console=ttyS0,115200 quiet exitmicro.k=7",
		.kernel = { "file:///a/bzImage", "00ff" },
		.ramdisk = { "file:///a/initrd.gz", "11ee" }, .testdef = testdef,
		.timeout_s = 300,
	};

	assert_int_equal(launch_micro_machine(accel, machine), 0);
	return lava_job(&p, err, sizeof(err));
}

static void test_job_context_carries_the_machine(void **state)
{
	struct strv machine = { 0 };
	json_t *testdef = json_pack("{s:{s:s}}", "metadata", "name", LAVA_TESTDEF_MICRO);
	json_t *job = job_for(ACCEL_TCG, &machine, testdef), *ctx, *extra, *deploy, *boot;
	const char *kernel_arg;

	(void)state;
	assert_non_null(job);
	ctx = json_object_get(job, "context");
	extra = json_object_get(ctx, "extra_options");
	assert_string_equal(json_string_value(json_object_get(job, "device_type")), "qemu");
	assert_true(json_is_true(json_object_get(ctx, "no_kvm")));
	assert_int_equal(json_integer_value(json_object_get(ctx, "memory")), 1024);
	assert_int_equal(json_array_size(extra), 4);
	assert_string_equal(json_string_value(json_array_get(extra, 0)), "-accel tcg");
	assert_string_equal(json_string_value(json_array_get(extra, 1)), "-cpu max");
	assert_string_equal(json_string_value(json_array_get(extra, 2)), "-smp 1");
	/* A guest that resets ends the job, as it ends `exitscope run`. */
	assert_string_equal(json_string_value(json_array_get(extra, 3)), "-no-reboot");
	deploy = json_object_get(json_array_get(json_object_get(job, "actions"), 0), "deploy");
	kernel_arg = json_string_value(json_object_get(
		json_object_get(json_object_get(deploy, "images"), "kernel"), "image_arg"));
	assert_non_null(strstr(kernel_arg, "exitmicro.k=7 " LAVA_L1_FLAG "\""));
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(
		json_object_get(deploy, "images"), "ramdisk"), "overlays"), "lava")));
	boot = json_object_get(json_array_get(json_object_get(job, "actions"), 1), "boot");
	assert_string_equal(json_string_value(json_array_get(json_object_get(boot, "prompts"), 0)),
			    LAVA_L1_PROMPT);
	/* The test definition goes in whole. */
	assert_true(json_equal(testdef, json_object_get(json_array_get(json_object_get(
		json_object_get(json_array_get(json_object_get(job, "actions"), 2), "test"),
		"definitions"), 0), "repository")));
	json_decref(job);
	json_decref(testdef);
	strv_free(&machine);
}

static void test_job_under_kvm(void **state)
{
	struct strv machine = { 0 };
	json_t *testdef = json_object();
	json_t *job = job_for(ACCEL_KVM, &machine, testdef), *extra;
	char *text = NULL;

	(void)state;
	assert_non_null(job);
	extra = json_object_get(json_object_get(job, "context"), "extra_options");
	assert_string_equal(json_string_value(json_array_get(extra, 0)), "-accel kvm");
	assert_string_equal(json_string_value(json_array_get(extra, 1)), "-cpu host");
	/* And it survives YAML. */
	assert_int_equal(yaml_emit_json(job, &text), 0);
	assert_non_null(strstr(text, "device_type: qemu"));
	free(text);
	json_decref(job);
	json_decref(testdef);
	strv_free(&machine);
}

/* The image argument of @label in @job's deploy, "" when there is none. */
static const char *image_arg(json_t *job, const char *label)
{
	json_t *deploy = json_object_get(json_array_get(json_object_get(job, "actions"), 0),
					 "deploy");
	const char *arg = json_string_value(json_object_get(
		json_object_get(json_object_get(deploy, "images"), label), "image_arg"));

	return arg ? arg : "";
}

static void test_job_of_a_nested_scenario(void **state)
{
	struct strv machine = { 0 };
	char err[256], append[512];
	json_t *testdef = json_pack("{s:{s:s}}", "metadata", "name", LAVA_TESTDEF_NESTED);
	struct lava_job_plan p = {
		.kind = LAVA_NESTED, .scenario = "cpuid", .kernel_id = "93b8f2584efa",
		.image_id = "46ab4e6213d5", .l2_image_id = "5899ef35ea9f", .accel = ACCEL_TCG,
		.machine = &machine, .append = append,
		.kernel = { "file:///a/bzImage", "00ff" }, .ramdisk = { "file:///a/stage.gz", "11ee" },
		.l1_disk = { "file:///a/l1.ext2", "22dd" }, .l2_disk = { "file:///a/l2.qcow2", "33cc" },
		.testdef = testdef, .timeout_s = 1200,
	};
	json_t *job, *images, *extra, *boot;
	const char *names[4];
	const char *label;
	json_t *value;
	size_t n = 0;

	(void)state;
	assert_int_equal(launch_l1_machine(ACCEL_TCG, LAUNCH_L1_MEMORY_MIB, 2, &machine), 0);
	assert_int_equal(launch_l1_append(ACCEL_TCG, LAUNCH_L1_INIT, append, sizeof(append)), 0);
	job = lava_job(&p, err, sizeof(err));
	assert_non_null(job);
	extra = json_object_get(json_object_get(job, "context"), "extra_options");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(job, "context"),
							    "memory")), LAUNCH_L1_MEMORY_MIB);
	assert_string_equal(json_string_value(json_array_get(extra, 0)), "-accel tcg,thread=multi");
	assert_string_equal(json_string_value(json_array_get(extra, 2)), "-smp 2");
	/* The disks after the kernel and initramfs, L1's root first: /dev/vda, then /dev/vdb. */
	images = json_object_get(json_object_get(json_array_get(json_object_get(job, "actions"), 0),
						 "deploy"), "images");
	assert_int_equal(json_object_size(images), 4);
	json_object_foreach(images, label, value)
		names[n++] = label;
	assert_string_equal(names[2], "l1root");
	assert_string_equal(names[3], "l2disk");
	assert_non_null(strstr(image_arg(job, "l1root"), "file={l1root}"));
	assert_non_null(strstr(image_arg(job, "l2disk"), "readonly=on"));
	assert_non_null(strstr(image_arg(job, "kernel"), "highres=off " LAUNCH_L1_INIT " "
						     LAVA_L1_FLAG "\""));
	assert_string_equal(json_string_value(json_object_get(json_object_get(images, "l2disk"),
							      "url")), "file:///a/l2.qcow2");
	assert_string_equal(json_string_value(json_object_get(json_object_get(images, "l2disk"),
							      "sha256sum")), "33cc");
	boot = json_object_get(json_array_get(json_object_get(job, "actions"), 1), "boot");
	assert_string_equal(json_string_value(json_object_get(json_object_get(boot, "parameters"),
							      "kernel-start-message")),
			    LAVA_NESTED_BANNER);
	assert_string_equal(json_string_value(json_object_get(json_object_get(job, "metadata"),
							      "exitscope.l2-image")), "5899ef35ea9f");
	json_decref(job);
	json_decref(testdef);
	strv_free(&machine);
}

static void test_job_refuses_an_odd_machine(void **state)
{
	struct strv machine = { 0 };
	char err[256] = "";
	struct lava_job_plan p = { .scenario = "x", .kernel_id = "k", .image_id = "i",
				   .machine = &machine, .append = "", .testdef = NULL };

	(void)state;
	assert_int_equal(strv_add(&machine, "-accel"), 0);
	assert_null(lava_job(&p, err, sizeof(err)));
	assert_non_null(strstr(err, "without its value"));
	strv_free(&machine);
}

/* ---- the log ---------------------------------------------------------- */

static char *log_text(const char *status_b64, const char *doc_b64, const char *end)
{
	char *text = NULL;

	assert_true(asprintf(&text,
		"{\"dt\": \"2026-11-30T01:00:00.500000\", \"lvl\": \"info\", \"msg\": \"qemu-system-x86, "
		"installed at version: 1:10.0.2+ds-2, host architecture: amd64\"}\n"
		"not a record at all\n"
		"- {\"dt\": \"2026-11-30T01:00:01.000000\", \"lvl\": \"target\", \"msg\": \"say "
		"\\\\\\\"hi\\\\\\\"\\r\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-STATUS: %s\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-DOCUMENT: %s\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-CPU: GenuineIntel\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"%s\"}\n"
		"{\"dt\": \"2026-11-30T01:00:03\", \"lvl\": \"results\", \"msg\": {\"case\": \"oracle\", "
		"\"definition\": \"0_exitscope-micro\", \"result\": \"pass\"}}\n"
		"{\"dt\": \"2026-11-30T01:00:03\", \"lvl\": \"results\", \"msg\": {\"case\": \"exactness\", "
		"\"definition\": \"0_exitscope-micro\", \"result\": \"fail\"}}\n"
		"{\"dt\": \"2026-11-30T01:00:03\", \"lvl\": \"results\", \"msg\": {\"case\": \"oracle\", "
		"\"definition\": \"1_someone-else\", \"result\": \"fail\"}}\n"
		"{\"dt\": \"2026-11-30T01:00:09.250000\", \"lvl\": \"results\", \"msg\": {\"case\": \"job\", "
		"\"definition\": \"lava\", \"result\": \"fail\", \"error_msg\": \"boot timed out\"}}\n",
		status_b64, doc_b64, end) > 0);
	return text;
}

static void test_log_reads_the_evidence(void **state)
{
	/* "1.0 start micro\n" and "{\"k\": 7}\n" in base64 */
	char *text = log_text("MS4wIHN0YXJ0IG1pY3JvCg==", "eyJrIjogN30K",
			      "EXITSCOPE-END status=1 document=1");
	struct lava_evidence ev;
	char err[256];

	(void)state;
	assert_int_equal(lava_log_read(text, &ev, err, sizeof(err)), 0);
	assert_string_equal(ev.status, "1.0 start micro\n");
	assert_string_equal(ev.document, "{\"k\": 7}\n");
	assert_string_equal(ev.cpu_vendor, "GenuineIntel");
	assert_true(ev.end_seen);
	assert_int_equal(ev.records, 10);
	assert_string_equal(ev.qemu_version, "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2)");
	assert_string_equal(ev.first_dt, "2026-11-30T01:00:00.500000");
	assert_string_equal(ev.last_dt, "2026-11-30T01:00:09.250000");
	/* probe-status not reported, exactness failed, oracle passed; another definition's ignored. */
	assert_int_equal(ev.cases[0], -1);
	assert_int_equal(ev.cases[1], 0);
	assert_int_equal(ev.cases[2], 1);
	assert_int_equal(ev.job, 0);
	assert_string_equal(ev.job_error, "boot timed out");
	/* The console gets its quotes back and loses the carriage return. */
	assert_non_null(strstr(ev.console, "say \"hi\"\n"));
	lava_evidence_free(&ev);
	free(text);
}

static void test_log_refuses_incomplete_evidence(void **state)
{
	char *cut = log_text("MS4wIHN0YXJ0IG1pY3JvCg==", "eyJrIjogN30K",
			     "EXITSCOPE-END status=1 document=2");
	char *garbled = log_text("MS4wIHN0YXJ0!!!", "eyJrIjogN30K", "EXITSCOPE-END status=1 document=1");
	struct lava_evidence ev;
	char err[256];

	(void)state;
	assert_int_equal(lava_log_read(cut, &ev, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "incomplete"));
	lava_evidence_free(&ev);
	assert_int_equal(lava_log_read(garbled, &ev, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "base64"));
	lava_evidence_free(&ev);
	assert_int_equal(lava_log_read("hello\nworld\n", &ev, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no LAVA log records"));
	lava_evidence_free(&ev);
	free(cut);
	free(garbled);
}

/* A nested job frames out/ as a gzipped tar: binary, NULs and all. */
static void test_log_of_a_nested_job(void **state)
{
	const char *text =
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-STATUS: "
		"MS4wIHN0YXJ0Cg==\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-OUT: AAEC\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-OUT: /w==\"}\n"
		"{\"dt\": \"2026-11-30T01:00:02\", \"lvl\": \"target\", \"msg\": \"EXITSCOPE-END status=1 "
		"out=2\"}\n"
		"{\"dt\": \"2026-11-30T01:00:03\", \"lvl\": \"results\", \"msg\": {\"case\": \"oracle\", "
		"\"definition\": \"0_exitscope-nested\", \"result\": \"pass\"}}\n";
	char dir[] = "/tmp/test-lava-XXXXXX", path[64], err[256], *bytes = NULL, *cut = NULL;
	struct lava_evidence ev;
	size_t len = 0;

	(void)state;
	assert_int_equal(lava_log_read(text, &ev, err, sizeof(err)), 0);
	assert_true(ev.end_seen);
	assert_string_equal(ev.status, "1.0 start\n");
	assert_string_equal(ev.document, "");
	assert_int_equal(ev.archive_len, 4);
	assert_memory_equal(ev.archive, "\x00\x01\x02\xff", 4);
	assert_int_equal(ev.cases[2], 1);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(lava_evidence_write(dir, &ev), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, LAVA_OUT_ARCHIVE);
	assert_int_equal(util_read_file(path, &bytes, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(bytes, "\x00\x01\x02\xff", 4);
	/* No micro document is made up for it. */
	snprintf(path, sizeof(path), "%s/out/micro.json", dir);
	assert_int_equal(access(path, F_OK), -1);
	free(bytes);
	lava_evidence_free(&ev);
	snprintf(path, sizeof(path), "%s/%s", dir, LAVA_OUT_ARCHIVE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/l1-console.log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/status.log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/out", dir);
	rmdir(path);
	rmdir(dir);
	/* Its END line counts the archive's lines: a line lost on the way is incomplete. */
	bytes = strdup(text);
	assert_non_null(bytes);
	*strstr(bytes, "out=2") = '\0';
	assert_true(asprintf(&cut, "%sout=3\"}\n", bytes) > 0);
	assert_int_equal(lava_log_read(cut, &ev, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "3 out lines, the log holds 1 and 2"));
	lava_evidence_free(&ev);
	free(cut);
	free(bytes);
}

/* A real job's log, from lava-run 2023.01 running an `exitscope lava` job of cpuid-micro. */
static void test_log_of_a_real_job(void **state)
{
	struct lava_evidence ev;
	char err[256], *text = NULL;
	json_t *doc;

	(void)state;
	assert_int_equal(util_read_file("tests/data/lava/cpuid-micro.lava.log", &text, NULL), 0);
	assert_int_equal(lava_log_read(text, &ev, err, sizeof(err)), 0);
	assert_true(ev.end_seen);
	assert_int_equal(ev.job, 1);
	for (size_t i = 0; i < LAVA_NR_CASES; i++)
		assert_int_equal(ev.cases[i], 1);
	assert_non_null(strstr(ev.status, " start micro\n"));
	assert_non_null(strstr(ev.status, " done rc=0\n"));
	doc = json_loads(ev.document, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "k")), 100000);
	assert_true(json_is_true(json_object_get(doc, "exact")));
	assert_string_equal(json_string_value(json_object_get(doc, "isa")), "svm");
	assert_non_null(strstr(ev.qemu_version, "QEMU emulator version "));
	assert_non_null(strstr(ev.console, LAVA_MICRO_BANNER));
	json_decref(doc);
	lava_evidence_free(&ev);
	free(text);
}

static void test_qemu_version_lines(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(lava_qemu_version("qemu-system-x86, installed at version: "
					   "1:10.0.2+ds-2+deb13u1~bpo12+1, host architecture: amd64",
					   out, sizeof(out)), 0);
	assert_string_equal(out, "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)");
	assert_int_equal(lava_qemu_version("qemu-system-x86, installed at version: 7.2.0, host "
					   "architecture: amd64", out, sizeof(out)), 0);
	assert_string_equal(out, "QEMU emulator version 7.2.0 (Debian 7.2.0)");
	assert_int_equal(lava_qemu_version("qemu, installed at version: 9.2.1, host architecture: "
					   "x86_64", out, sizeof(out)), 0);
	assert_string_equal(out, "QEMU emulator version 9.2.1");
	assert_int_equal(lava_qemu_version("lava-dispatcher, installed at version: 2023.01", out,
					   sizeof(out)), -EINVAL);
}

/* ---- the collector ---------------------------------------------------- */

#define LAVA_DATA "tests/data/lava"

static void test_record_apply(void **state)
{
	struct run_record rec = { .accel = ACCEL_TCG, .isa = EXSC_ISA_SVM, .n_events = 3,
				  .stage_s = { 1, 2, 3 } };
	struct lava_evidence ev = { .first_dt = "2026-11-30T01:00:00.500000",
				    .last_dt = "2026-11-30T01:00:09.250000",
				    .cpu_vendor = "GenuineIntel",
				    .qemu_version = "QEMU emulator version 10.0.2" };

	(void)state;
	snprintf(rec.cpu_vendor, sizeof(rec.cpu_vendor), "AuthenticAMD");
	lava_record_apply(&rec, &ev);
	assert_string_equal(rec.qemu_version, "QEMU emulator version 10.0.2");
	assert_int_equal(rec.started, 1796000400);	/* 2026-11-30T01:00:00Z */
	assert_true(rec.duration_s > 8.74 && rec.duration_s < 8.76);
	assert_int_equal(rec.n_events, 0);
	assert_true(rec.stage_s[0] == 0 && rec.stage_s[2] == 0);
	/* Under TCG L1's vendor is QEMU's model, not the worker's: the record keeps its own. */
	assert_string_equal(rec.cpu_vendor, "AuthenticAMD");
	assert_int_equal(rec.isa, EXSC_ISA_SVM);
	/* Under KVM it is the worker's, and decides the ISA. */
	rec.accel = ACCEL_KVM;
	lava_record_apply(&rec, &ev);
	assert_string_equal(rec.cpu_vendor, "GenuineIntel");
	assert_int_equal(rec.isa, EXSC_ISA_VMX);
}

/* Copies the prepared run directory of the recorded job to a new temporary one. */
static void prepared_copy(char *tmpl, char *dir, size_t size)
{
	char *const cp[] = { "cp", "-r", LAVA_DATA "/cpuid-micro.run", tmpl, NULL };

	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(exec_run(cp, NULL, NULL), 0);
	snprintf(dir, size, "%s/cpuid-micro.run", tmpl);
}

/* The recorded job's log into its prepared run directory gives exitscope run's result. */
static void test_collect_assembles_the_result(void **state)
{
	char tmpl[] = "/tmp/exitscope-test-lava.XXXXXX", dir[PATH_MAX], err[512], *text = NULL;
	char *const rm[] = { "rm", "-rf", tmpl, NULL };
	struct lava_evidence ev;
	struct run_record rec;
	struct run_evidence *evd;
	struct run_verdict v;
	json_t *result;

	(void)state;
	prepared_copy(tmpl, dir, sizeof(dir));
	assert_int_equal(util_read_file(LAVA_DATA "/cpuid-micro.lava.log", &text, NULL), 0);
	assert_int_equal(lava_log_read(text, &ev, err, sizeof(err)), 0);
	assert_int_equal(lava_evidence_write(dir, &ev), 0);
	assert_int_equal(run_record_read(dir, &rec, err, sizeof(err)), 0);
	lava_record_apply(&rec, &ev);
	assert_int_equal(run_record_write(dir, &rec), 0);
	evd = run_evidence_read(dir);
	assert_non_null(evd);
	assert_true(evd->micro);
	assert_string_equal(evd->micro_error, "");
	result = run_assemble(dir, evd, &v, err, sizeof(err));
	assert_non_null(result);
	assert_true(v.micro && v.micro_exact && v.oracle_match);
	assert_string_equal(json_string_value(json_object_get(result, "scenario")), "cpuid-micro");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(result, "exits"), "total")),
			 100000);
	assert_string_equal(json_string_value(json_object_get(json_object_get(result, "l1"), "isa")),
			    "svm");
	/* The QEMU LAVA ran, not the one of the machine that wrote the job. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(result, "host"),
							      "qemu_version")),
			    "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)");
	assert_string_equal(json_string_value(json_object_get(result, "started_at")),
			    "2026-11-30T01:14:00Z");
	/* L1's status lines make the timeline, with L1's uptimes. */
	assert_int_equal(json_array_size(json_object_get(json_object_get(result, "timeline"),
							 "events")), 2);
	json_decref(result);
	run_evidence_free(evd);
	lava_evidence_free(&ev);
	free(text);
	assert_int_equal(exec_run(rm, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_strings_stay_strings),
		cmocka_unit_test(test_yaml_types_and_order),
		cmocka_unit_test(test_yaml_load_plain_scalars),
		cmocka_unit_test(test_yaml_load_refuses),
		cmocka_unit_test(test_job_context_carries_the_machine),
		cmocka_unit_test(test_job_under_kvm),
		cmocka_unit_test(test_job_of_a_nested_scenario),
		cmocka_unit_test(test_job_refuses_an_odd_machine),
		cmocka_unit_test(test_log_reads_the_evidence),
		cmocka_unit_test(test_log_refuses_incomplete_evidence),
		cmocka_unit_test(test_log_of_a_nested_job),
		cmocka_unit_test(test_log_of_a_real_job),
		cmocka_unit_test(test_qemu_version_lines),
		cmocka_unit_test(test_record_apply),
		cmocka_unit_test(test_collect_assembles_the_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
