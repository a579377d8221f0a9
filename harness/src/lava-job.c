// SPDX-License-Identifier: GPL-2.0
/*
 * The LAVA job of a micro scenario (lava.h): a jansson document that
 * yaml-json.c writes out.  LAVA's qemu device type renders the machine from
 * the job's context, so the harness's own QEMU options go there rather
 * than into a device dictionary of exitscope's.  Nothing here prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lava.h"

/* LAVA's deploy and boot of a kernel and a 1 MiB initramfs take seconds. */
#define LAVA_STEP_MINUTES 5
/* The job's limit beyond exitmicro's own: deploy, boot, the test shell's setup. */
#define LAVA_JOB_MARGIN_S 900

static json_t *minutes(unsigned int seconds)
{
	return json_pack("{s:I}", "minutes", (json_int_t)((seconds + 59) / 60));
}

/*
 * The context the qemu device type reads: -m as memory, every other pair
 * as one extra option, and no_kvm, since its own KVM options would add a
 * second -cpu to the harness's.
 */
static json_t *job_context(const struct lava_job_plan *p, char *err, size_t size)
{
	json_t *extra = json_array(), *ctx;
	long memory = 0;

	if (p->machine->n % 2) {
		snprintf(err, size, "a machine option without its value");
		json_decref(extra);
		return NULL;
	}
	for (size_t i = 0; extra && i < p->machine->n; i += 2) {
		const char *opt = p->machine->v[i], *value = p->machine->v[i + 1];
		char *both;

		if (!strcmp(opt, "-m")) {
			memory = strtol(value, NULL, 10);
			continue;
		}
		if (asprintf(&both, "%s %s", opt, value) < 0 ||
		    json_array_append_new(extra, json_string(both))) {
			json_decref(extra);
			extra = NULL;
		} else {
			free(both);
		}
	}
	if (!extra) {
		snprintf(err, size, "out of memory");
		return NULL;
	}
	ctx = json_pack("{s:s, s:b, s:I, s:o}", "arch", "amd64", "no_kvm", 1, "memory",
			(json_int_t)(memory ? memory : 512), "extra_options", extra);
	if (!ctx)
		snprintf(err, size, "out of memory");
	return ctx;
}

static json_t *job_deploy(const struct lava_job_plan *p)
{
	char *kernel_arg = NULL;
	json_t *deploy;

	if (asprintf(&kernel_arg, "-kernel {kernel} -append \"%s %s\"", p->append, LAVA_L1_FLAG) < 0)
		return NULL;
	deploy = json_pack("{s:{s:s, s:s, s:o, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, "
			   "s:{s:b}}}}}",
			   "deploy", "to", "tmpfs", "os", "oe", "timeout", minutes(LAVA_STEP_MINUTES * 60),
			   "images", "kernel", "image_arg", kernel_arg, "url", p->kernel_url,
			   "sha256sum", p->kernel_sha256, "ramdisk", "image_arg", "-initrd {ramdisk}",
			   "url", p->ramdisk_url, "sha256sum", p->ramdisk_sha256, "compression", "gz",
			   "format", "cpio.newc", "overlays", "lava", 1);
	free(kernel_arg);
	return deploy;
}

static json_t *job_actions(const struct lava_job_plan *p)
{
	json_t *boot = json_pack("{s:{s:s, s:s, s:o, s:{s:s}, s:[s]}}", "boot", "method", "qemu",
				 "media", "tmpfs", "timeout", minutes(LAVA_STEP_MINUTES * 60),
				 "parameters", "kernel-start-message", LAVA_L1_BANNER, "prompts",
				 LAVA_L1_PROMPT);
	json_t *test = json_pack("{s:{s:o, s:[{s:s, s:s, s:s, s:O}]}}", "test", "timeout",
				 minutes(p->timeout_s + LAVA_STEP_MINUTES * 60), "definitions",
				 "from", "inline", "name", LAVA_TESTDEF_NAME, "path",
				 "inline/" LAVA_TESTDEF_NAME ".yaml", "repository", p->testdef);

	return json_pack("[o*, o*, o*]", job_deploy(p), boot, test);
}

json_t *lava_job_micro(const struct lava_job_plan *p, char *err, size_t size)
{
	char name[160];
	json_t *context = job_context(p, err, size), *job;

	if (!context)
		return NULL;
	snprintf(name, sizeof(name), "exitscope %s %s %s", p->scenario, p->kernel_id,
		 accel_name(p->accel));
	/* The metadata lets a lab's people and tools find the jobs of one matrix. */
	job = json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}, s:o, s:{s:s, s:s, s:s, s:s}, s:o*}",
			"job_name", name, "device_type", "qemu", "visibility", "public", "priority",
			"medium", "timeouts", "job", minutes(p->timeout_s + LAVA_JOB_MARGIN_S),
			"action", minutes(LAVA_STEP_MINUTES * 60), "connection",
			minutes(LAVA_STEP_MINUTES * 60), "context", context, "metadata",
			"exitscope.scenario", p->scenario, "exitscope.kernel", p->kernel_id,
			"exitscope.micro-image", p->image_id, "exitscope.accel", accel_name(p->accel),
			"actions", job_actions(p));
	if (!job || json_array_size(json_object_get(job, "actions")) != 3) {
		snprintf(err, size, "out of memory");
		json_decref(job);
		return NULL;
	}
	return job;
}
