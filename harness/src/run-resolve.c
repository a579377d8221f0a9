// SPDX-License-Identifier: GPL-2.0
/*
 * The resolve stage: what the command line names, made concrete: the
 * scenario, the host a run uses, and the kernel and the images it boots,
 * built in-process when missing.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exec.h"
#include "l0.h"
#include "progress.h"
#include "run.h"
#include "util.h"

enum run_outcome run_resolve_scenario(const char *root, const char *name, unsigned int timeout_s,
				      struct scenario *sc)
{
	char path[PATH_MAX + 32], *cfg;
	int line = 0, r;

	util_pathf(path, sizeof(path), "%s/scenarios/scenarios.cfg", root);
	if (util_read_file(path, &cfg, NULL) < 0) {
		fprintf(stderr, "exitscope: run: cannot read %s; run from an exitscope checkout\n", path);
		return RUN_ENVIRONMENT;
	}
	r = scenario_find(cfg, name, sc, &line);
	if (r == -EINVAL)
		fprintf(stderr, "exitscope: run: %s:%d does not parse "
				"(NAME STAGE KERNEL L2 TIMEOUT BESIDE PROBE...)\n", path, line);
	if (r == -ENOENT) {
		fprintf(stderr, "exitscope: run: no scenario '%s'; these exist:\n", name);
		scenario_list(cfg, stderr);
	}
	free(cfg);
	if (!r && timeout_s)
		sc->timeout_s = timeout_s;
	return r ? RUN_BAD_INPUT : RUN_OK;
}

/* A build's EXIT_* code as the run's outcome: the build has said what failed. */
static enum run_outcome build_outcome(int exit_code)
{
	return exit_code == EXIT_USAGE ? RUN_BAD_INPUT : RUN_ENVIRONMENT;
}

static enum run_outcome resolve_kernel(const struct scenario *sc, const char *kernel_id,
				       const char *series, struct kernel_found *kernel)
{
	struct kernel_request req = { .series = series, .stock = sc->stock };
	int r;

	if (kernel_id) {
		r = kernel_find(kernel_id, kernel);
		if (r < 0)
			fprintf(stderr, "exitscope: run: no kernel %s; 'exitscope kernel list' shows the "
					"built ones\n", kernel_id);
		return r < 0 ? RUN_BAD_INPUT : RUN_OK;
	}
	progress("run", "%s: kernel %s%s", sc->name, series, sc->stock ? " (stock)" : "");
	r = kernel_ensure(&req, kernel);
	return r ? build_outcome(r) : RUN_OK;
}

/*
 * The trimmed L2 kernel: the stock build of L1's own config, built when the
 * cache lacks it (after L1's, from ccache's objects of that build).
 */
static enum run_outcome resolve_l2_kernel(const struct scenario *sc, struct kernel_found *l2k)
{
	struct kernel_request req = { .series = RUN_L2_KERNEL_SERIES, .stock = true };
	int r;

	memset(l2k, 0, sizeof(*l2k));
	if (strcmp(sc->l2_kernel, SCENARIO_L2_TRIMMED))
		return RUN_OK;
	progress("run", "%s: L2 kernel (trimmed: %s stock)", sc->name, RUN_L2_KERNEL_SERIES);
	r = kernel_ensure(&req, l2k);
	return r ? build_outcome(r) : RUN_OK;
}

enum run_outcome run_resolve(const struct scenario *sc, const char *kernel_id, const char *series,
			     struct run_inputs *in)
{
	enum run_outcome o = resolve_kernel(sc, kernel_id, series, &in->kernel);
	int r;

	if (o != RUN_OK)
		return o;
	progress("run", "%s: images", sc->name);
	/* The micro stage's L1 boots from an initramfs, and there is no L2. */
	if (scenario_is_micro(sc))
		r = images_ensure("micro", false, &in->l1);
	else if (!(r = images_ensure("l1", false, &in->l1)))
		r = images_ensure("l2", false, &in->l2);
	if (r)
		return build_outcome(r);
	return scenario_is_micro(sc) ? RUN_OK : resolve_l2_kernel(sc, &in->l2_kernel);
}

/*
 * Which QEMU is L0 ($EXITSCOPE_L0, l0.h): RUN_BAD_INPUT for a word it does
 * not know, RUN_ENVIRONMENT when a named one is not prepared.
 */
static enum run_outcome resolve_l0(struct run_record *rec)
{
	const char *setting = getenv(L0_ENV);
	char root[PATH_MAX];
	struct l0_choice c;
	int r;

	rec->l0[0] = '\0';
	util_pathf(rec->l0_qemu, sizeof(rec->l0_qemu), "qemu-system-x86_64");
	if (rec->accel == ACCEL_BOCHS)
		return RUN_OK;
	if (util_checkout_root(root, sizeof(root)) < 0)
		root[0] = '\0';
	r = l0_choose(root, setting, rec->accel, &c);
	if (r == -EINVAL) {
		fprintf(stderr, "exitscope: run: %s=%s: L0 is auto, built, fixed or system\n", L0_ENV,
			setting);
		return RUN_BAD_INPUT;
	}
	if (r == -ENOENT) {
		fprintf(stderr, "exitscope: run: %s=%s: the %s L0 QEMU is not prepared; run 'make l0' "
				"(%s)\n", L0_ENV, setting, setting, l0_script(c.kind));
		return RUN_ENVIRONMENT;
	}
	if (r < 0)
		return RUN_ENVIRONMENT;
	util_pathf(rec->l0, sizeof(rec->l0), "%s", l0_kind_name(c.kind));
	util_pathf(rec->l0_qemu, sizeof(rec->l0_qemu), "%s", c.qemu);
	return RUN_OK;
}

/* L0's emulator and its version line: Bochs's from its Debian package. */
static void resolve_emulator(struct run_record *rec)
{
	char *const qemu[] = { rec->l0_qemu, "--version", NULL };
	char *const bochs[] = { "dpkg-query", "-W", "-f=Bochs ${Version}", "bochs", NULL };

	if (!exec_first_line(rec->accel == ACCEL_BOCHS ? bochs : qemu, rec->qemu_version,
			     sizeof(rec->qemu_version)))
		util_pathf(rec->qemu_version, sizeof(rec->qemu_version), "unknown");
}

enum run_outcome run_resolve_micro(const struct scenario *sc, const struct run_record *rec,
				   char *append, size_t size)
{
	char args[512];

	if (rec->accel == ACCEL_BOCHS && !scenario_is_micro(sc)) {
		fprintf(stderr, "exitscope: run: --accel bochs runs the micro stage only (scenarios "
				"with STAGE micro in scenarios/scenarios.cfg, e.g. reasons); '%s' boots L2 "
				"through libvirt, which takes hours inside Bochs\n", sc->name);
		return RUN_BAD_INPUT;
	}
	if (rec->accel == ACCEL_BOCHS && !strncmp(rec->qemu_version, "unknown", 7)) {
		fprintf(stderr, "exitscope: run: --accel bochs: Bochs is not installed; run 'make deps' "
				"(apt-get install bochs bochsbios vgabios isolinux syslinux-common)\n");
		return RUN_ENVIRONMENT;
	}
	append[0] = '\0';
	if (!scenario_is_micro(sc))
		return RUN_OK;
	if (scenario_micro_args(sc, args, sizeof(args)) < 0 ||
	    launch_micro_append(rec->accel, args, append, size) < 0) {
		fprintf(stderr, "exitscope: run: scenario '%s': a micro scenario's command is K (a "
				"positive number) and action names, not '%s'\n", sc->name, sc->probe);
		return RUN_BAD_INPUT;
	}
	return RUN_OK;
}

enum run_outcome run_resolve_accel(const char *accel, struct run_record *rec)
{
	struct host_caps caps;
	const char *why = NULL;

	host_caps_probe("", &caps);
	if (accel_choose(accel, &caps, &rec->accel, &why) < 0) {
		fprintf(stderr, "exitscope: run: --accel %s: %s\n", accel, why);
		return RUN_BAD_INPUT;
	}
	util_pathf(rec->cpu_vendor, sizeof(rec->cpu_vendor), "%s", caps.cpu_vendor);
	rec->isa = launch_l1_isa(rec->accel, caps.cpu_vendor);
	return RUN_OK;
}

enum run_outcome run_resolve_l0(struct run_record *rec)
{
	const char *why = NULL;
	enum run_outcome o = resolve_l0(rec);

	if (o != RUN_OK)
		return o;
	resolve_emulator(rec);
	/* Under TCG, say so when L0's QEMU is one that loses L2's interrupts. */
	if (rec->accel == ACCEL_TCG && launch_tcg_qemu_fit(rec->qemu_version, &why) == 0)
		fprintf(stderr, "exitscope: run: warning: %s: %s\n", rec->qemu_version, why);
	/* Under TCG only the built L0 has both fixes (doctor reads them): say where it comes from. */
	if (rec->l0[0])
		progress("run", "L0: the %s QEMU, %s%s", rec->l0, rec->qemu_version,
			 rec->accel == ACCEL_TCG && strcmp(rec->l0, "built") ?
			 " ('make l0' builds the one with both fixes; doctor says which this has)" : "");
	return RUN_OK;
}

enum run_outcome run_resolve_host(const char *accel, struct run_record *rec)
{
	enum run_outcome o = run_resolve_accel(accel, rec);

	return o != RUN_OK ? o : run_resolve_l0(rec);
}
