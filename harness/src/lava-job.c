// SPDX-License-Identifier: GPL-2.0
/*
 * The LAVA job of a scenario (lava.h): a jansson document that
 * yaml-json.c writes out.  LAVA's qemu device type renders the machine from
 * the job's context, so the harness's own QEMU options go there rather
 * than into a device dictionary of exitscope's.  Nothing here prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lava.h"

/*
 * LAVA's deploy and boot of a kernel and a 1 MiB initramfs take seconds, a
 * nested job's copy of its two disks (about 1 GiB) less than a minute.
 */
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
 * second -cpu to the harness's.  -no-reboot last, as `exitscope run` has
 * it: a guest that resets (a lost L1 is a triple fault) ends QEMU and so
 * the job at once, instead of booting again and leaving LAVA to wait for a
 * test shell until its timeout.
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
	if (extra && json_array_append_new(extra, json_string("-no-reboot"))) {
		json_decref(extra);
		extra = NULL;
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

static json_t *image(const char *arg, const struct lava_ref *ref)
{
	return json_pack("{s:s, s:s, s:s}", "image_arg", arg, "url", ref->url, "sha256sum",
			 ref->sha256);
}

/*
 * A nested job's disks in the order L1 names them: its root /dev/vda, L2's
 * base /dev/vdb, raw and read-only as `exitscope run` hands it in (L1 reads
 * the qcow2 from the device).  LAVA adds image arguments in the order of the
 * job's images; the labels are also each disk's placeholder.
 */
static int deploy_disks(const struct lava_job_plan *p, json_t *images)
{
	if (p->kind != LAVA_NESTED)
		return 0;
	if (json_object_set_new(images, "l1root",
				image("-drive format=raw,if=virtio,cache=unsafe,file={l1root}",
				      &p->l1_disk)) ||
	    json_object_set_new(images, "l2disk",
				image("-drive format=raw,if=virtio,readonly=on,file={l2disk}",
				      &p->l2_disk)))
		return -ENOMEM;
	return 0;
}

static json_t *job_deploy(const struct lava_job_plan *p)
{
	char *kernel_arg = NULL;
	json_t *images = NULL, *deploy = NULL;

	if (asprintf(&kernel_arg, "-kernel {kernel} -append \"%s %s\"", p->append, LAVA_L1_FLAG) < 0)
		return NULL;
	images = json_pack("{s:o, s:{s:s, s:s, s:s, s:s, s:s, s:{s:b}}}",
			   "kernel", image(kernel_arg, &p->kernel),
			   "ramdisk", "image_arg", "-initrd {ramdisk}", "url", p->ramdisk.url,
			   "sha256sum", p->ramdisk.sha256, "compression", "gz", "format", "cpio.newc",
			   "overlays", "lava", 1);
	free(kernel_arg);
	if (images && deploy_disks(p, images) == 0)
		deploy = json_pack("{s:{s:s, s:s, s:o, s:O}}", "deploy", "to", "tmpfs", "os",
				   p->kind == LAVA_NESTED ? "debian" : "oe", "timeout",
				   minutes(LAVA_STEP_MINUTES * 60), "images", images);
	json_decref(images);
	return deploy;
}

static json_t *job_actions(const struct lava_job_plan *p)
{
	bool nested = p->kind == LAVA_NESTED;
	const char *name = nested ? LAVA_TESTDEF_NESTED : LAVA_TESTDEF_MICRO;
	char path[64];
	json_t *boot, *test;

	snprintf(path, sizeof(path), "inline/%s.yaml", name);
	boot = json_pack("{s:{s:s, s:s, s:o, s:{s:s}, s:[s]}}", "boot", "method", "qemu",
			 "media", "tmpfs", "timeout", minutes(LAVA_STEP_MINUTES * 60),
			 "parameters", "kernel-start-message",
			 nested ? LAVA_NESTED_BANNER : LAVA_MICRO_BANNER, "prompts", LAVA_L1_PROMPT);
	test = json_pack("{s:{s:o, s:[{s:s, s:s, s:s, s:O}]}}", "test", "timeout",
			 minutes(p->timeout_s + LAVA_STEP_MINUTES * 60), "definitions", "from",
			 "inline", "name", name, "path", path, "repository", p->testdef);
	return json_pack("[o*, o*, o*]", job_deploy(p), boot, test);
}

/* The metadata lets a lab's people and tools find the jobs of one matrix. */
static json_t *job_metadata(const struct lava_job_plan *p)
{
	json_t *m = json_pack("{s:s, s:s, s:s}", "exitscope.scenario", p->scenario,
			      "exitscope.kernel", p->kernel_id, "exitscope.accel",
			      accel_name(p->accel));

	if (!m)
		return NULL;
	if (p->kind == LAVA_MICRO ?
	    json_object_set_new(m, "exitscope.micro-image", json_string(p->image_id)) :
	    json_object_set_new(m, "exitscope.l1-image", json_string(p->image_id)) ||
	    json_object_set_new(m, "exitscope.l2-image", json_string(p->l2_image_id))) {
		json_decref(m);
		return NULL;
	}
	return m;
}

json_t *lava_job(const struct lava_job_plan *p, char *err, size_t size)
{
	char name[160];
	json_t *context = job_context(p, err, size), *job;

	if (!context)
		return NULL;
	snprintf(name, sizeof(name), "exitscope %s %s %s", p->scenario, p->kernel_id,
		 accel_name(p->accel));
	job = json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}, s:o, s:o*, s:o}",
			"job_name", name, "device_type", "qemu", "visibility", "public", "priority",
			"medium", "timeouts", "job", minutes(p->timeout_s + LAVA_JOB_MARGIN_S),
			"action", minutes(LAVA_STEP_MINUTES * 60), "connection",
			minutes(LAVA_STEP_MINUTES * 60), "context", context, "metadata",
			job_metadata(p), "actions", job_actions(p));
	if (!job || json_array_size(json_object_get(job, "actions")) != 3 ||
	    !json_object_get(job, "metadata")) {
		snprintf(err, size, "out of memory");
		json_decref(job);
		return NULL;
	}
	return job;
}
