/* SPDX-License-Identifier: GPL-2.0 */
/* Named scenarios (scenarios/scenarios.cfg) and what a run hands to L1 and L2. */
#ifndef EXITSCOPE_SCENARIO_H
#define EXITSCOPE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct scenario {
	char name[32];
	char stage[16];		/* cloud-init's runcmd or bootcmd, init: L2's PID 1, or micro */
	bool stock;		/* runs on the unpatched kernel */
	char l2_kernel[16];	/* L2's kernel: "trimmed" or "debian"; "" for micro (no L2) */
	unsigned int timeout_s;	/* L1's limit for L2, virt-install to power-off */
	bool neighbor;		/* BESIDE neighbor: a second VM in L1 beside L2 */
	char probe[256];	/* exitprobe's command line in L2; "K [ACTION...]" for micro */
};

/*
 * Finds @name in the text of scenarios.cfg.  -ENOENT when it is not there,
 * -EINVAL (with *@line set) when a line does not parse.
 */
int scenario_find(const char *cfg, const char *name, struct scenario *s, int *line);

/* The micro stage: no L2; L1 boots from an initramfs and exitmicro's VMs take the exits. */
bool scenario_is_micro(const struct scenario *s);

/*
 * L2's kernel: "trimmed", the harness's own build (stock 6.1 with
 * kernel-patch/config/nested.config, everything built in, no initramfs),
 * or "debian", the L2 image's linux-image-amd64 with its initramfs.
 */
#define SCENARIO_L2_TRIMMED "trimmed"
#define SCENARIO_L2_DEBIAN "debian"

/* Whether @name is one of the L2 kernels above. */
bool scenario_l2_kernel_valid(const char *name);

/*
 * L1's kernel arguments for exitmicro from a micro scenario's "K [ACTION...]":
 * "exitmicro.k=K exitmicro.timeout=S[ exitmicro.actions=A,B]" (S is the
 * scenario's timeout); from "cost N [W]" (exitmicro cost, the benchmark of
 * one exit's cost): "exitmicro.mode=cost exitmicro.k=N exitmicro.timeout=S[
 * exitmicro.windows=W]"; from "check MAP K" (the grader through leaf map
 * MAP): "exitmicro.mode=check exitmicro.abi=MAP exitmicro.k=K
 * exitmicro.timeout=S".  -EINVAL when K or N is not a positive 32-bit
 * number, W not 1 to 100, MAP holds other than [a-z], or an action name
 * holds other than [a-z0-9-];
 * -ENAMETOOLONG when it does not fit.
 */
int scenario_micro_args(const struct scenario *s, char *args, size_t size);

/* run --repeat's bounds: the probe's (exitprobe --repeat N, probe-doc.h). */
#define SCENARIO_REPEAT_MAX 100

/*
 * Has @s's probe measure its workload's window @n times in L2's one boot
 * (" --repeat N" on its command line; nothing for @n 0, not asked, or 1).
 * -EINVAL, with @why saying so, for a scenario without such a window: the
 * micro stage (no L2), a snapshot (boot, kboot) or a stock kernel (the
 * window is the kvm_exit histogram over L2's life); -ENAMETOOLONG when the
 * command line does not fit.
 */
int scenario_repeat(struct scenario *s, unsigned int n, char *why, size_t size);

/* One L2 boot serving several scenarios: at most this many share it. */
#define SCENARIO_SHARED_MAX 8

/*
 * Whether the @n scenarios of @s can share one L2 boot, each workload in a
 * window of its own: all run their probe in stage runcmd on the patched
 * kernel with the same L2 kernel, none has a neighbor beside it, no name is
 * given twice, and the names joined by '+' (the boot's name, into @boot)
 * fit a scenario's name.  0, or -EINVAL with @why naming the one that
 * cannot and why.
 */
int scenario_shared(const struct scenario *s, size_t n, char *boot, size_t boot_size,
		    char *why, size_t size);

/*
 * The shared boot's probes as the rest of a YAML flow sequence for
 * cloud-init's runcmd: "NAME, 'PROBE', NAME, 'PROBE', ...".  -EINVAL for a
 * probe command holding a quote or a backslash, -ENAMETOOLONG when @out is
 * too small.
 */
int scenario_windows_yaml(const struct scenario *s, size_t n, char *out, size_t size);

/* The init stage: L2 boots straight into this script, no systemd or cloud-init. */
#define SCENARIO_L2_INIT "/usr/local/sbin/exitscope-l2-init"

/*
 * L2's kernel command line: @base, then @append (may be NULL), then for the
 * init stage init= and the probe's arguments after "--", which the kernel
 * hands to init.  -EINVAL when a comma would split virt-install's
 * kernel_args=, -ENAMETOOLONG when it does not fit @size.
 */
int scenario_l2_args(const struct scenario *s, const char *base, const char *append,
		     char *args, size_t size);

/*
 * spec.env for @s (docs/design.md, "spec.env"): the keys L1's agent reads,
 * with L2's kernel arguments @l2_args and memory @l2_memory_mib, in @out;
 * L2_INITRD only when @s's L2 kernel is Debian's (the trimmed one has none).
 * -ENAMETOOLONG when it does not fit @size.
 */
int scenario_spec_env(const struct scenario *s, const char *l2_args, unsigned int l2_memory_mib,
		      char *out, size_t size);

/* Each scenario's name, one per line, for usage and error messages. */
void scenario_list(const char *cfg, FILE *out);

/*
 * @template with every @KEY@ of @pairs ("KEY", "value", ..., NULL) replaced;
 * NULL when a placeholder is left that @pairs does not name (or on ENOMEM).
 */
char *template_render(const char *template, const char *const *pairs);

#endif
