// SPDX-License-Identifier: GPL-2.0
/*
 * Where L2's boot time went (probe/l2-boot.c): init's run from the kernel
 * log's records, taken to L2's uptime through the probe's own mark, and
 * cloud-init's status.json as L2's uptimes, in a form the probe document's
 * validator takes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "document.h"
#include "l2-boot.h"
#include "probe-doc.h"

/* /dev/kmsg's records as L2's trimmed kernel writes them: init's run, later the probe's mark. */
static const char kmsg[] =
	"6,1,0,-;Linux version 6.1.192 (exitscope@l2) #1 SMP PREEMPT_DYNAMIC\n"
	"6,612,32629961,-;Freeing unused kernel image (initmem) memory: 888K\n"
	"6,613,32897508,-;Run /sbin/init as init process\n"
	"7,614,32897600,-;  with arguments:\n"
	"7,615,32897650,-;    /sbin/init\n"
	"12,616,38425833,-;systemd[1]: Failed to find module 'autofs4'\n"
	" SUBSYSTEM=virtio\n"
	"3,617,38700000,c;Run /tmp/x as a test\n"
	"15,9000,401000000,-;exitprobe: kernel log clock mark\n";

static void test_init_run_is_its_kernel_log_record(void **state)
{
	unsigned long long usec = 7;

	(void)state;
	assert_int_equal(probe_kmsg_find(kmsg, NULL, &usec), 0);
	assert_int_equal(usec, 32897508);
	/* One record a read, as /dev/kmsg gives them: the others are not init's. */
	assert_int_equal(probe_kmsg_find("6,613,1500,-;Run /sbin/init as init process\n", NULL,
					 &usec), 0);
	assert_int_equal(usec, 1500);
	assert_int_equal(probe_kmsg_find("6,2,1000,-;Freeing unused memory\n", NULL, &usec),
			 -ENOENT);
	/* init= failed to execute and the kernel tried the next: the last run is the one. */
	assert_int_equal(probe_kmsg_find("6,9,1200000,-;Run /bad as init process\n"
					 "3,10,1250000,-;Starting init: /bad exists but couldn't "
					 "execute it (error -8)\n"
					 "6,11,1300000,-;Run /usr/local/sbin/exitscope-l2-init as init "
					 "process", NULL, &usec), 0);
	assert_int_equal(usec, 1300000);
	/* The probe's mark, by its whole message. */
	assert_int_equal(probe_kmsg_find(kmsg, PROBE_KMSG_MARK, &usec), 0);
	assert_int_equal(usec, 401000000);
	assert_int_equal(probe_kmsg_find(kmsg, "exitprobe: kernel log clock", &usec), -ENOENT);
	assert_int_equal(usec, 401000000);
}

static void test_kernel_log_of_another_form_is_not_init(void **state)
{
	unsigned long long usec = 7;

	(void)state;
	/* A continuation line, a USEC that is no number, a line without the header. */
	assert_int_equal(probe_kmsg_find(" 6,613,32897508,-;Run /sbin/init as init process\n", NULL,
					 &usec), -ENOENT);
	assert_int_equal(probe_kmsg_find("6,613,-5,-;Run /sbin/init as init process\n", NULL,
					 &usec), -ENOENT);
	assert_int_equal(probe_kmsg_find("6,613;Run /sbin/init as init process\n", NULL, &usec),
			 -ENOENT);
	assert_int_equal(probe_kmsg_find("Run /sbin/init as init process\n", NULL, &usec), -ENOENT);
	assert_int_equal(probe_kmsg_find("6,613,32897508,-;Run as init process\n", NULL, &usec),
			 -ENOENT);
	assert_int_equal(probe_kmsg_find("6,613,32897508,-;Ran /sbin/init as init process\n", NULL,
					 &usec), -ENOENT);
	assert_int_equal(probe_kmsg_find("6,613,99999999999999999999999,-;Run /sbin/init as init "
					 "process\n", NULL, &usec), -ENOENT);
	assert_int_equal(probe_kmsg_find("", NULL, &usec), -ENOENT);
	assert_int_equal(usec, 7);
}

/*
 * The kernel log's clock ran 6 s ahead of the uptime (a kboot run: early boot
 * on jiffies under TCG): init ran 6.09 s before the mark by the log, so 6.09 s
 * before it by the uptime too, wherever the log's clock stood.
 */
static void test_kernel_log_time_as_uptime(void **state)
{
	double s = -1;

	(void)state;
	assert_int_equal(probe_kmsg_uptime(37732497, 43820000, 37.83, &s), 0);
	assert_float_equal(s, 31.74, 1e-9);
	/* Truncated to 10 ms, as /proc/uptime is. */
	assert_int_equal(probe_kmsg_uptime(1000000, 1000000, 2.349999, &s), 0);
	assert_float_equal(s, 2.34, 1e-9);
	/* A mark before init's run, or a run before boot by the uptime, is no uptime. */
	assert_int_equal(probe_kmsg_uptime(2000000, 1000000, 5, &s), -ERANGE);
	assert_int_equal(probe_kmsg_uptime(1000000, 9000000, 5, &s), -ERANGE);
	assert_float_equal(s, 2.34, 1e-9);
}

/*
 * As cloud-init 22.4.2 writes it (status_wrapper(): json.dumps, indent 1,
 * sorted keys) while modules-final runs: every mode is there, modules-init
 * never started, modules-final has not finished.  L2 booted at epoch
 * 1700000000.
 */
static const char status_json[] =
	"{\n \"v1\": {\n  \"datasource\": \"DataSourceNoCloud [seed=/dev/sr0][dsmode=net]\",\n"
	"  \"init\": {\n   \"errors\": [],\n   \"finished\": 1700000009.4567,\n"
	"   \"start\": 1700000007.25\n  },\n"
	"  \"init-local\": {\n   \"errors\": [],\n   \"finished\": 1700000006.0004,\n"
	"   \"start\": 1700000004.9996\n  },\n"
	"  \"modules-config\": {\n   \"errors\": [],\n   \"finished\": 1700000011.5,\n"
	"   \"start\": 1700000010\n  },\n"
	"  \"modules-final\": {\n   \"errors\": [],\n   \"finished\": null,\n"
	"   \"start\": 1700000012.125\n  },\n"
	"  \"modules-init\": {\n   \"errors\": [],\n   \"finished\": null,\n"
	"   \"start\": null\n  },\n  \"stage\": \"modules-final\"\n }\n}\n";

static void assert_stage(json_t *stages, size_t i, const char *name, double start, double end)
{
	json_t *st = json_array_get(stages, i);

	assert_string_equal(json_string_value(json_object_get(st, "stage")), name);
	assert_float_equal(json_real_value(json_object_get(st, "start_s")), start, 1e-9);
	if (end < 0)
		assert_null(json_object_get(st, "end_s"));
	else
		assert_float_equal(json_real_value(json_object_get(st, "end_s")), end, 1e-9);
}

/* Epochs less the wall clock at boot, to the millisecond, in cloud-init's order. */
static void test_cloud_init_stages_by_uptime(void **state)
{
	json_t *stages = probe_cloud_init_stages(status_json, 1700000000.0), *doc;
	struct probe_doc *d = malloc(sizeof(*d));
	char err[256];

	(void)state;
	assert_non_null(stages);
	assert_int_equal(json_array_size(stages), 4);
	assert_stage(stages, 0, "init-local", 5.0, 6.0);
	assert_stage(stages, 1, "init", 7.25, 9.457);
	assert_stage(stages, 2, "modules-config", 10, 11.5);
	assert_stage(stages, 3, "modules-final", 12.125, -1);
	/* The document's validator, the same in exitprobe and the driver, takes them. */
	doc = json_load_file("tests/data/probe/snapshot-svm.json", 0, NULL);
	assert_non_null(doc);
	json_object_set_new(doc, "cloud_init", stages);
	assert_non_null(d);
	if (probe_doc_parse(doc, d, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(d->nr_stages, 4);
	assert_string_equal(d->stages[3].stage, "modules-final");
	assert_true(d->stages[3].end_s < 0);
	free(d);
	json_decref(doc);
}

/*
 * A wall clock set after cloud-init read it: a stage before boot is left
 * out, an end before its start too; nothing left, or no status.json, is NULL.
 */
static void test_cloud_init_times_that_are_no_uptime(void **state)
{
	json_t *stages;

	(void)state;
	/* 6 s later, the wall clock at boot: init-local started before boot, by it. */
	stages = probe_cloud_init_stages(status_json, 1700000006.0);
	assert_int_equal(json_array_size(stages), 3);
	assert_stage(stages, 0, "init", 1.25, 3.457);
	json_decref(stages);
	stages = probe_cloud_init_stages("{\"v1\": {\"init\": {\"start\": 1000.5, \"finished\": 999},"
					 " \"modules-final\": {\"start\": 1e300}}}", 1000);
	assert_int_equal(json_array_size(stages), 1);
	assert_stage(stages, 0, "init", 0.5, -1);
	json_decref(stages);
	assert_null(probe_cloud_init_stages("{\"v1\": {\"init\": {\"start\": \"5\"}, "
					    "\"init-local\": {\"start\": null}}}", 0));
	assert_null(probe_cloud_init_stages(status_json, 1800000000.0));
	assert_null(probe_cloud_init_stages("{\"v2\": {}}", 0));
	assert_null(probe_cloud_init_stages("{\"v1\": [1, 2]}", 0));
	assert_null(probe_cloud_init_stages("{\"v1\": {\"init\": ", 0));
	assert_null(probe_cloud_init_stages("", 0));
}

/*
 * The files: what can be read goes into the document, what cannot stays out.
 * A file of records is not /dev/kmsg: the probe's mark written to it reads
 * back as no record, so the log's clock is unknown and init's run left out.
 */
static void test_files_into_the_document(void **state)
{
	char dir[] = "/tmp/exitscope-test-l2-boot-XXXXXX", log[64], status[64], *text;
	json_t *doc = json_object();
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(log, sizeof(log), "%s/kmsg", dir);
	snprintf(status, sizeof(status), "%s/status.json", dir);
	f = fopen(log, "w");
	assert_non_null(f);
	fputs(kmsg, f);
	fclose(f);
	/* Stamped now by the wall clock: a stage of this machine's uptime, up to now. */
	f = fopen(status, "w");
	assert_non_null(f);
	fprintf(f, "{\"v1\": {\"init\": {\"start\": %ld, \"finished\": null}}}", (long)time(NULL));
	fclose(f);
	probe_l2_boot_add(doc, log, status);
	assert_null(json_object_get(doc, "l2_userspace_s"));
	assert_int_equal(json_array_size(json_object_get(doc, "cloud_init")), 1);
	text = calloc(1, 4096);
	f = fopen(log, "r");
	assert_non_null(text);
	assert_non_null(f);
	assert_true(fread(text, 1, 4095, f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "\n<7>" PROBE_KMSG_MARK "\n"));
	free(text);
	unlink(log);
	unlink(status);
	json_object_clear(doc);
	probe_l2_boot_add(doc, log, status);
	assert_null(json_object_get(doc, "l2_userspace_s"));
	assert_null(json_object_get(doc, "cloud_init"));
	rmdir(dir);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_run_is_its_kernel_log_record),
		cmocka_unit_test(test_kernel_log_of_another_form_is_not_init),
		cmocka_unit_test(test_kernel_log_time_as_uptime),
		cmocka_unit_test(test_cloud_init_stages_by_uptime),
		cmocka_unit_test(test_cloud_init_times_that_are_no_uptime),
		cmocka_unit_test(test_files_into_the_document),
	};

	return cmocka_run_group_tests_name("l2-boot", tests, NULL, NULL);
}
