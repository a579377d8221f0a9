// SPDX-License-Identifier: GPL-2.0
/*
 * The prepare stage: one attempt's run directory, made from nothing, with
 * what L1 reads (spec.env, the cloud-init seed, L2's kernel, L1's overlay)
 * and what assembly reads later (run.json, kernel.json).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "run.h"
#include "util.h"

#define L2_MEMORY_MIB 1024
/*
 * L2's console is a virtio console (hvc0), not a UART: a UART costs a port
 * I/O exit per character, each one a nested round trip through L1's QEMU,
 * and L2's boot log alone is tens of thousands of characters.
 */
#define L2_KERNEL_ARGS "console=hvc0 root=/dev/vda rw"
/*
 * L2 has no network (virt-install --network none), but the trimmed kernel
 * has the sit0 tunnel device, which cloud-init's fallback network
 * configuration takes for a NIC to wait for: its local stage then fails and
 * the seed's user-data is never applied.  The kernel command line tells
 * cloud-init not to configure a network at all.
 *
 * The trimmed kernel has its drivers built in and no modules, so systemd's
 * module loading has nothing to do and udev's coldplug nothing to load:
 * masked for the boot, they no longer run beside cloud-init's start on L2's
 * one vCPU.  The probe finds its ports without udev's links
 * (exitscope-port in the L2 image).
 */
#define L2_KERNEL_ARGS_TRIMMED                                                        \
	L2_KERNEL_ARGS " network-config=disabled systemd.mask=systemd-udev-trigger.service" \
		       " systemd.mask=systemd-modules-load.service systemd.mask=modprobe@.service"

static int write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	if (util_pathf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	return util_write_atomic(path, text, strlen(text));
}

/* A shared boot's scenarios in pairs for user-data-windows.in; -EINVAL, -ENAMETOOLONG. */
static int seed_windows(const struct run_attempt *a, char *windows, size_t size)
{
	int r = scenario_windows_yaml(a->windows, a->n_windows, windows, size);

	if (r < 0)
		fprintf(stderr, "exitscope: run: %s: a probe command line %s\n", a->sc->name,
			r == -EINVAL ? "holds a quote or a backslash" : "is too long for one boot");
	return r;
}

/* user-data and meta-data from guest-images/l2/cloud-init/ for this scenario and attempt. */
static int write_seed(const struct run_attempt *a)
{
	char path[PATH_MAX + 64], instance[96], windows[2048], *template, *text;
	const char *const user_pairs[] = { "STAGE", a->sc->stage, "PROBE_ARGS", a->sc->probe,
					   "WINDOWS", windows, NULL };
	/* A fresh instance-id per attempt: cloud-init then runs everything again. */
	const char *const meta_pairs[] = { "INSTANCE_ID", instance, NULL };
	const char *const names[] = { a->windows ? "user-data-windows" : "user-data", "meta-data" };
	const char *const outs[] = { "user-data", "meta-data" };
	int r = 0;

	windows[0] = '\0';
	if (a->windows && (r = seed_windows(a, windows, sizeof(windows))) < 0)
		return r;
	snprintf(instance, sizeof(instance), "exitscope-%s-%ld-%d-%d", a->sc->name, (long)time(NULL),
		 (int)getpid(), a->rec->attempt);
	for (int i = 0; i < 2 && !r; i++) {
		util_pathf(path, sizeof(path), "%s/guest-images/l2/cloud-init/%s.in", a->root, names[i]);
		if ((r = util_read_file(path, &template, NULL)) < 0)
			break;
		text = template_render(template, i ? meta_pairs : user_pairs);
		free(template);
		r = text ? write_text(a->run_dir, outs[i], text) : -EIO;
		free(text);
	}
	return r;
}

/* spec.env: the keys L1's agent requires (docs/design.md). */
static int write_spec(const struct run_attempt *a)
{
	char spec[2048], args[1024];

	bool trimmed = !strcmp(a->sc->l2_kernel, SCENARIO_L2_TRIMMED);

	if (scenario_l2_args(a->sc, trimmed ? L2_KERNEL_ARGS_TRIMMED : L2_KERNEL_ARGS, a->l2_append,
			     args, sizeof(args)) < 0) {
		fprintf(stderr, "exitscope: run: %s: L2's kernel arguments hold a comma or are too long\n",
			a->sc->name);
		return -EINVAL;
	}
	if (scenario_spec_env(a->sc, args, L2_MEMORY_MIB, spec, sizeof(spec)) < 0 ||
	    strlen(spec) + sizeof("WINDOWS=1\nTRACE=1\n") > sizeof(spec))
		return -ENAMETOOLONG;
	if (a->windows)
		strcat(spec, "WINDOWS=1\n");
	if (a->rec->trace == 1)
		strcat(spec, "TRACE=1\n");
	return write_text(a->run_dir, "spec.env", spec);
}

/* cp @from_dir/@name @run_dir/@to: L1 reads L2's kernel from the share. */
static int copy_file(const char *from_dir, const char *name, const char *run_dir, const char *to)
{
	char from[PATH_MAX + 32], dest[PATH_MAX + 32];
	char *const cp[] = { "cp", from, dest, NULL };

	if (util_pathf(from, sizeof(from), "%s/%s", from_dir, name) < 0 ||
	    util_pathf(dest, sizeof(dest), "%s/%s", run_dir, to) < 0)
		return -ENAMETOOLONG;
	return exec_run(cp, NULL, NULL) ? -EIO : 0;
}

/*
 * L2's kernel into the share: the trimmed one's bzImage alone (everything
 * built in), or the L2 image's Debian kernel and its initramfs.
 */
static int copy_l2_kernel(const struct run_attempt *a)
{
	if (!strcmp(a->sc->l2_kernel, SCENARIO_L2_TRIMMED))
		return copy_file(a->in->l2_kernel.dir, "bzImage", a->run_dir, "l2-vmlinuz");
	if (copy_file(a->in->l2.dir, "vmlinuz", a->run_dir, "l2-vmlinuz") < 0)
		return -EIO;
	return copy_file(a->in->l2.dir, "initrd.img", a->run_dir, "l2-initrd.img");
}

static int make_overlay(const struct run_attempt *a)
{
	char base[PATH_MAX + 16], overlay[PATH_MAX + 16];
	char *const create[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base,
				 overlay, NULL };

	util_pathf(base, sizeof(base), "%s/rootfs.ext2", a->in->l1.dir);
	util_pathf(overlay, sizeof(overlay), "%s/l1.qcow2", a->run_dir);
	return exec_run(create, NULL, NULL) ? -EIO : 0;
}

static int empty_run_dir(const char *run_dir)
{
	char out[PATH_MAX + 8];
	char *const wipe[] = { "rm", "-rf", (char *)run_dir, NULL };

	if (util_pathf(out, sizeof(out), "%s/out", run_dir) < 0)
		return -ENAMETOOLONG;
	return exec_run(wipe, NULL, NULL) || util_mkdirs(out) < 0 ? -EIO : 0;
}

/* What Bochs reads: its configuration, the debugger's "continue", the boot ISO. */
static int write_bochs(const struct run_attempt *a)
{
	char path[PATH_MAX + 64], iso[PATH_MAX + 32], kernel[PATH_MAX + 16], initrd[PATH_MAX + 16];
	char console[PATH_MAX + 32], status[PATH_MAX + 32], doc[PATH_MAX + 32], log[PATH_MAX + 32];
	char *const build_iso[] = { path, kernel, initrd, (char *)a->micro_append, iso, NULL };
	const char *const pairs[] = { "ISO", iso, "CONSOLE", console, "STATUS", status,
				      "DOCUMENT", doc, "LOG", log, NULL };
	char *template, *text;
	int r;

	util_pathf(iso, sizeof(iso), "%s/%s", a->run_dir, BOCHS_ISO_FILE);
	util_pathf(console, sizeof(console), "%s/l1-console.log", a->run_dir);
	util_pathf(status, sizeof(status), "%s/status.log", a->run_dir);
	util_pathf(doc, sizeof(doc), "%s/out/micro.json", a->run_dir);
	util_pathf(log, sizeof(log), "%s/bochs.log", a->run_dir);
	util_pathf(path, sizeof(path), "%s/guest-images/micro/bochsrc.in", a->root);
	if ((r = util_read_file(path, &template, NULL)) < 0)
		return r;
	text = template_render(template, pairs);
	free(template);
	r = text ? write_text(a->run_dir, BOCHS_CONFIG_FILE, text) : -EINVAL;
	free(text);
	if (r < 0 || (r = write_text(a->run_dir, BOCHS_RC_FILE, "c\n")) < 0)
		return r;
	util_pathf(path, sizeof(path), "%s/guest-images/micro/boot-iso.sh", a->root);
	util_pathf(kernel, sizeof(kernel), "%s/bzImage", a->in->kernel.dir);
	util_pathf(initrd, sizeof(initrd), "%s/initrd.gz", a->in->l1.dir);
	return exec_run(build_iso, NULL, NULL) ? -EIO : 0;
}

/* The micro stage: no L2, no overlay; under Bochs its files. */
static enum run_outcome prepare_micro(const struct run_attempt *a)
{
	if (a->rec->accel == ACCEL_BOCHS && write_bochs(a) < 0) {
		fprintf(stderr, "exitscope: run: cannot write Bochs's configuration and boot ISO into %s\n",
			a->run_dir);
		return RUN_ENVIRONMENT;
	}
	return RUN_OK;
}

enum run_outcome run_prepare(const struct run_attempt *a)
{
	int r;

	if (empty_run_dir(a->run_dir) < 0 || run_record_write(a->run_dir, a->rec) < 0 ||
	    copy_file(a->in->kernel.dir, "manifest.json", a->run_dir, RUN_KERNEL_FILE) < 0) {
		fprintf(stderr, "exitscope: run: cannot prepare %s\n", a->run_dir);
		return RUN_ENVIRONMENT;
	}
	if (a->micro_append)
		return prepare_micro(a);
	if (copy_l2_kernel(a) < 0 || make_overlay(a) < 0 || run_caps_seed(a->rec, a->run_dir) < 0) {
		fprintf(stderr, "exitscope: run: cannot prepare %s\n", a->run_dir);
		return RUN_ENVIRONMENT;
	}
	if ((r = write_spec(a)) == -EINVAL)
		return RUN_BAD_INPUT;
	if (r == 0 && (r = write_seed(a)) == -EINVAL)
		return RUN_BAD_INPUT;
	if (r < 0) {
		fprintf(stderr, "exitscope: run: cannot write the spec and seed into %s\n", a->run_dir);
		return RUN_ENVIRONMENT;
	}
	return RUN_OK;
}
