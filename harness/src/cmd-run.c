// SPDX-License-Identifier: GPL-2.0
/*
 * exitscope run SCENARIO: from a scenario's name to results/<kernel-id>/<scenario>.json.
 *
 * The options, the attempt loop and the exit code; each stage is a module of
 * its own (run.h lists them).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "exec.h"
#include "opts.h"
#include "progress.h"
#include "run.h"
#include "util.h"

struct run_opts {
	char *const *scenarios;	/* the operands: one scenario, or several sharing L2's boot */
	size_t n_scenarios;
	const char *kernel_id;
	const char *series;
	const char *accel;
	const char *results;
	const char *l2_append;	/* extra L2 kernel arguments */
	const char *l2_kernel;	/* --l2-kernel: the scenario's L2 kernel replaced, or NULL */
	unsigned int timeout_s;	/* 0: the scenario's */
	unsigned int retries;
	unsigned int repeat;	/* 0: not asked; else the probe's windows */
	bool reassemble;	/* only assemble again from the last run's directory */
	bool trace;	/* L1 keeps its KVM events in a ring while L2 runs */
};

/* One run: what was asked, where it goes, and the record each attempt starts from. */
struct run_ctx {
	struct run_opts o;
	struct scenario sc;	/* the run's; for a shared boot, named after its scenarios */
	struct scenario shared[SCENARIO_SHARED_MAX];	/* a shared boot's scenarios, each a window */
	size_t n_shared;	/* 0: one scenario, booted for itself */
	char root[PATH_MAX];
	char out_dir[PATH_MAX];	/* DIR/<kernel-id> */
	char run_dir[PATH_MAX];	/* DIR/<kernel-id>/<scenario>.run; a shared boot's: <a+b>.run */
	struct run_inputs in;
	struct run_record rec;
	char micro_append[1024];	/* the micro stage's L1 kernel arguments; "" otherwise */
	double start;
};

static const char *const run_series[] = { "6.1", "6.12", NULL };
static const char *const run_l2_kernels[] = { SCENARIO_L2_TRIMMED, SCENARIO_L2_DEBIAN, NULL };

static const struct opt run_table[] = {
	{ "kernel", 0, OPT_STRING, offsetof(struct run_opts, kernel_id), "ID",
	  "a kernel from 'exitscope kernel list' (default: build --series S)", 0, 0, NULL },
	{ "series", 0, OPT_CHOICE, offsetof(struct run_opts, series), "S",
	  "the kernel series to build, 6.1 (default) or 6.12", 0, 0, run_series },
	{ "accel", 0, OPT_STRING, offsetof(struct run_opts, accel), "A",
	  "auto, kvm, tcg, or bochs for micro scenarios (default: $ACCEL, else auto)", 0, 0, NULL },
	{ "timeout", 0, OPT_UINT, offsetof(struct run_opts, timeout_s), "S",
	  "L1's limit for L2 in seconds, 1 to 86400 (default: the scenario's)", 1, 86400, NULL },
	{ "retries", 0, OPT_UINT, offsetof(struct run_opts, retries), "N",
	  "retry an attempt that timed out or lost L1 or L2, up to N times (0 to 20)", 0, 20,
	  NULL },
	{ "results", 0, OPT_STRING, offsetof(struct run_opts, results), "DIR",
	  "where results go (default: results/ of the checkout)", 0, 0, NULL },
	{ "l2-append", 0, OPT_STRING, offsetof(struct run_opts, l2_append), "ARGS",
	  "more kernel arguments for L2 (e.g. loglevel=8 earlyprintk=serial)", 0, 0, NULL },
	{ "repeat", 0, OPT_UINT, offsetof(struct run_opts, repeat), "N",
	  "measure the workload's window N times in L2's one boot (1 to 100)", 1,
	  SCENARIO_REPEAT_MAX, NULL },
	{ "l2-kernel", 0, OPT_CHOICE, offsetof(struct run_opts, l2_kernel), "K",
	  "L2's kernel: trimmed (built in, no initramfs) or debian (default: the scenario's)", 0,
	  0, run_l2_kernels },
	{ "trace", 0, OPT_FLAG, offsetof(struct run_opts, trace), NULL,
	  "L1 keeps its KVM events (out/kvm-trace-tail.txt if L2 is lost); slows every exit", 0,
	  0, NULL },
	{ "reassemble", 0, OPT_FLAG, offsetof(struct run_opts, reassemble), NULL,
	  "no new run: assemble the result again from SCENARIO.run/ alone", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void run_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope run SCENARIO... [--kernel ID | --series 6.1|6.12] [--accel A]\n"
		"                     [--timeout S] [--retries N] [--results DIR] [--l2-append ARGS]\n"
		"                     [--repeat N] [--l2-kernel trimmed|debian]\n"
		"       exitscope run SCENARIO --reassemble [--kernel ID] [--results DIR]\n\n"
		"Boots the patched kernel as L1 in QEMU (kvm when this host can nest, else TCG with\n"
		"-cpu max), starts the L2 guest in it through libvirt/virt-install with a cloud-init\n"
		"seed that runs exitprobe, and writes DIR/<kernel-id>/SCENARIO.json (default DIR:\n"
		"results/ of the checkout).  Logs of the run stay in DIR/<kernel-id>/SCENARIO.run/.\n"
		"The kernel and the images are built first when they are not cached.  A micro scenario\n"
		"(reasons, cpuid-micro) boots L1 alone from an initramfs, under QEMU or Bochs (VMX),\n"
		"and its exitmicro causes each exit reason K times.  --reassemble\n"
		"reads the run directory under DIR (DIR/ID/ with --kernel) and builds and boots\n"
		"nothing.  --repeat N has L2's probe measure the workload's window N times in the\n"
		"same boot: the result's exits are each reason's median over the windows, and\n"
		"its \"repeat\" block holds every window and each reason's median, min and max,\n"
		"which diff uses to tell a change from noise.  It applies to the scenarios whose\n"
		"probe runs a workload in stage runcmd on a patched kernel (cpuid, null, idle, io,\n"
		"abi, scope); a micro scenario, a snapshot (boot, kboot) or the stock kernel\n"
		"refuses it (exit 2).  The windows share L2's --timeout.\n\n"
		"Several scenarios (run cpuid idle io abi) share one boot of L1 and L2 when they\n"
		"run their probe in stage runcmd on the patched kernel with the same L2 kernel and\n"
		"no neighbor: L2 runs the probes one after another, L1 pauses L2 around each to\n"
		"read its counters and the kvm_exit histogram, and each scenario gets its own\n"
		"DIR/<kernel-id>/SCENARIO.json and SCENARIO.run/, its oracle over its own window;\n"
		"the boot's logs stay in DIR/<kernel-id>/A+B.run/.  L2's limit is the largest of\n"
		"theirs.\n\noptions:\n");
	opts_usage(out, run_table);
	fprintf(out,
		"\nExit 0 ok, 1 the oracle or the probe found a mismatch, 2 bad usage, 3 the environment\n"
		"cannot run it, 124 a stage timed out (the error names the stage and its log), 130\n"
		"interrupted.  Scenarios are listed in scenarios/scenarios.cfg.\n");
}

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	int n;

	o->series = "6.1";
	o->accel = getenv("ACCEL");
	n = opts_parse("run", run_table, argc, argv, o);
	if (n < 0)
		return -EINVAL;
	if (n == 0 || n > SCENARIO_SHARED_MAX || (n > 1 && o->reassemble)) {
		fprintf(stderr, "exitscope: run: %s; see 'exitscope help run'\n",
			n == 0 ? "name a SCENARIO" : n > 1 && o->reassemble ?
			"--reassemble takes one SCENARIO" : "at most 8 SCENARIOs share a boot");
		return -EINVAL;
	}
	o->scenarios = argv + 1;
	o->n_scenarios = (size_t)n;
	/* It names a directory under DIR too (--reassemble): an id, never a path. */
	if (o->kernel_id && !kernel_id_valid(o->kernel_id)) {
		fprintf(stderr, "exitscope: run: --kernel needs ID, %d hex digits as 'exitscope kernel "
				"list' shows them, not '%s'\n", KERNEL_ID_LEN, o->kernel_id);
		return -EINVAL;
	}
	/* One spec.env line, one virt-install --boot field. */
	if (o->l2_append && strpbrk(o->l2_append, ",\n")) {
		fprintf(stderr, "exitscope: run: --l2-append cannot hold a comma or a newline\n");
		return -EINVAL;
	}
	return 0;
}

/* --repeat N onto the scenario's probe command, or why it cannot be. */
static enum run_outcome run_resolve_repeat(const struct run_opts *o, struct scenario *sc)
{
	char why[256];

	if (o->repeat && o->reassemble) {
		fprintf(stderr, "exitscope: run: --reassemble reads the windows the run measured; "
				"give it no --repeat\n");
		return RUN_BAD_INPUT;
	}
	if (scenario_repeat(sc, o->repeat, why, sizeof(why)) < 0) {
		fprintf(stderr, "exitscope: run: --repeat needs a probe that measures a workload's "
				"window: %s\n", why);
		return RUN_BAD_INPUT;
	}
	return RUN_OK;
}

/* DIR, the --results folder or the checkout's results/. */
static void run_results_dir(const struct run_ctx *c, char *dir, size_t size)
{
	if (c->o.results)
		util_pathf(dir, size, "%s", c->o.results);
	else
		util_pathf(dir, size, "%s/results", c->root);
}

static void run_set_dirs(struct run_ctx *c, const char *kernel_id)
{
	char results[PATH_MAX];

	run_results_dir(c, results, sizeof(results));
	util_pathf(c->out_dir, sizeof(c->out_dir), "%s/%s", results, kernel_id);
	util_pathf(c->run_dir, sizeof(c->run_dir), "%s/%s.run", c->out_dir, c->sc.name);
}

/* Writes scenario @name's result from the evidence of @run_dir, and shows it. */
static enum run_outcome run_finish(const struct run_ctx *c, const char *name, const char *run_dir,
				   const struct run_evidence *ev)
{
	char path[PATH_MAX + 64], err[512];
	char *show[] = { "show", path, NULL };
	struct run_verdict v;
	json_t *result = run_assemble(run_dir, ev, &v, err, sizeof(err));

	int r = -EINVAL;

	util_pathf(path, sizeof(path), "%s/%s.json", c->out_dir, name);
	if (result)
		r = run_result_write(path, result);
	if (r < 0) {
		/* run_result_write() says why in its return value; errno may be another call's. */
		fprintf(stderr, "exitscope: run: no result written to %s: %s\n", path,
			result ? strerror(-r) : err);
		json_decref(result);
		return RUN_MISMATCH;
	}
	json_decref(result);
	if (v.stock)
		progress("run", "%s: stock kernel: the probe found no exitscope ABI (exit %d), as it "
			 "must; exits are the kvm_exit histogram's, without cycles", name, v.probe_rc);
	cmd_show(2, show);
	progress("run", "%s: wrote %s (l1-boot %.0f s, %s %.0f s, attempts %d)", name, path,
		 c->rec.stage_s[STAGE_L1_BOOT], v.micro ? "micro" : "l2", c->rec.stage_s[STAGE_L2],
		 c->rec.attempt);
	if (!v.oracle_match)
		fprintf(stderr, "exitscope: run: counters and kvm_exit histogram disagree beyond what "
				"ABI.md explains; see the oracle in %s\n", path);
	if (!v.stock && v.probe_rc != 0)
		fprintf(stderr, "exitscope: run: the probe's own check failed (exit %d); see %s\n",
			v.probe_rc, path);
	if (v.micro && !v.micro_exact)
		fprintf(stderr, "exitscope: run: not every reason the micro guest caused was counted "
				"exactly; see the micro table above and %s\n", path);
	if (v.micro)
		return v.oracle_match && v.micro_exact ? RUN_OK : RUN_MISMATCH;
	return v.oracle_match && (v.stock || !v.probe_rc) ? RUN_OK : RUN_MISMATCH;
}

/* Scenario @name's evidence in @run_dir, how the attempt ended for it, and its result. */
static enum run_outcome run_conclude(const struct run_ctx *c, const char *name, const char *run_dir,
				     const struct run_status *st)
{
	struct run_evidence *ev = run_evidence_read(run_dir);
	enum run_outcome o;

	if (!ev)
		return RUN_ENVIRONMENT;
	if (c->micro_append[0])
		o = run_outcome_classify_micro(st, ev, run_dir);
	else
		o = run_outcome_classify(st, ev, &c->rec, run_dir, c->sc.timeout_s);
	if (o == RUN_OK)
		o = run_finish(c, name, run_dir, ev);
	run_evidence_free(ev);
	return o;
}

/*
 * A shared boot: each scenario's run directory from the boot's, then its
 * result.  A retryable outcome wins (the boot is run again), else the first
 * that is not RUN_OK.
 */
static enum run_outcome run_conclude_shared(const struct run_ctx *c, const struct run_status *st)
{
	enum run_outcome worst = RUN_OK;
	char dir[PATH_MAX + 64];

	for (size_t i = 0; i < c->n_shared; i++) {
		const char *name = c->shared[i].name;
		enum run_outcome o;

		util_pathf(dir, sizeof(dir), "%s/%s.run", c->out_dir, name);
		o = run_shared_split(c->run_dir, &c->rec, name, dir);
		if (o == RUN_OK)
			o = run_conclude(c, name, dir, st);
		if (worst == RUN_OK || (run_outcome_retryable(o) && !run_outcome_retryable(worst)))
			worst = o;
	}
	return worst;
}

/* One attempt: prepare, boot L1, read the evidence, classify, assemble. */
static enum run_outcome run_attempt(struct run_ctx *c, struct run_status *st)
{
	const char *micro = c->micro_append[0] ? c->micro_append : NULL;
	struct run_attempt a = { .sc = &c->sc, .root = c->root, .l2_append = c->o.l2_append,
				 .micro_append = micro, .run_dir = c->run_dir, .in = &c->in,
				 .rec = &c->rec, .windows = c->n_shared ? c->shared : NULL,
				 .n_windows = c->n_shared };
	struct l1_plan p = { .name = c->sc.name, .run_dir = c->run_dir,
			     .kernel_dir = c->in.kernel.dir, .l2_dir = c->in.l2.dir,
			     .micro_dir = c->in.l1.dir, .micro_append = micro, .accel = c->rec.accel,
			     .qemu = c->rec.l0_qemu,
			     .l2_timeout_s = c->sc.timeout_s, .stop = &run_stop };
	enum run_outcome o = run_prepare(&a);

	if (o != RUN_OK)
		return o;
	progress("run", "%s: attempt %d: L1 under %s, logs in %s", c->sc.name, c->rec.attempt,
		 accel_name(c->rec.accel), c->run_dir);
	o = run_l1(&p, st, &c->rec);
	c->rec.duration_s = util_now() - c->start;
	if (run_record_write(c->run_dir, &c->rec) < 0)
		fprintf(stderr, "exitscope: run: cannot update %s/%s\n", c->run_dir, RUN_RECORD_FILE);
	if (o != RUN_OK)
		return o;
	if (!micro && run_caps_keep(&c->rec, c->run_dir) < 0)
		fprintf(stderr, "exitscope: run: cannot keep libvirt's capabilities from %s/out/%s\n",
			c->run_dir, RUN_CAPS_SEED);
	if (c->n_shared)
		return run_conclude_shared(c, st);
	return run_conclude(c, c->sc.name, c->run_dir, st);
}

/* Moves a failed attempt's directory aside, replacing an older one of that name. */
static void run_keep_logs(const struct run_ctx *c, enum run_outcome o, const struct run_status *st)
{
	char kept[PATH_MAX + 32], what[64];
	char *const wipe[] = { "rm", "-rf", kept, NULL };

	util_pathf(kept, sizeof(kept), "%s.attempt-%d", c->run_dir, c->rec.attempt);
	exec_run(wipe, NULL, NULL);
	if (rename(c->run_dir, kept) < 0)
		fprintf(stderr, "exitscope: run: cannot keep %s as %s: %s\n", c->run_dir, kept,
			strerror(errno));
	snprintf(what, sizeof(what), "%s%s%s", run_outcome_name(o), o == RUN_TIMEOUT ? " in stage " : "",
		 o == RUN_TIMEOUT ? run_stage_name(st->stage) : "");
	progress("run", "%s: attempt %d %s; logs kept in %s; retrying (%d of %u retries)", c->sc.name,
		 c->rec.attempt, what, kept, c->rec.attempt, c->o.retries);
}

static enum run_outcome run_attempts(struct run_ctx *c)
{
	struct run_status st;

	run_catch_signals();
	for (;;) {
		enum run_outcome o;

		c->rec.attempt++;
		o = run_attempt(c, &st);
		if (!run_outcome_retryable(o) || c->rec.attempt > (int)c->o.retries)
			return o;
		run_keep_logs(c, o, &st);
	}
}

/* --reassemble: the run directory of SCENARIO under DIR (DIR/ID/ with --kernel). */
static enum run_outcome run_find_last(struct run_ctx *c)
{
	char results[PATH_MAX], id[KERNEL_ID_LEN + 1];
	int r;

	if (c->o.kernel_id) {
		run_set_dirs(c, c->o.kernel_id);
		return RUN_OK;
	}
	run_results_dir(c, results, sizeof(results));
	r = run_dir_find(results, c->sc.name, id, sizeof(id));
	if (r == 0) {
		run_set_dirs(c, id);
		return RUN_OK;
	}
	fprintf(stderr, "exitscope: run: %s run of '%s' under %s; %s\n", r == -EEXIST ? "more than one" : "no",
		c->sc.name, results, r == -EEXIST ? "name its kernel with --kernel ID" : "run it first");
	return RUN_BAD_INPUT;
}

static enum run_outcome run_reassemble(struct run_ctx *c)
{
	struct run_evidence *ev;
	char err[512];
	enum run_outcome o = run_find_last(c);

	if (o != RUN_OK)
		return o;
	if (run_record_read(c->run_dir, &c->rec, err, sizeof(err)) < 0) {
		fprintf(stderr, "exitscope: run: cannot reassemble: %s\n", err);
		return RUN_BAD_INPUT;
	}
	ev = run_evidence_read(c->run_dir);
	if (!ev)
		return RUN_ENVIRONMENT;
	o = run_finish(c, c->sc.name, c->run_dir, ev);
	run_evidence_free(ev);
	return o;
}

/* --l2-kernel replaces the scenario's L2 kernel; a micro scenario boots no L2. */
static enum run_outcome run_choose_l2_kernel(const struct run_opts *o, struct scenario *sc)
{
	if (!o->l2_kernel)
		return RUN_OK;
	if (scenario_is_micro(sc)) {
		fprintf(stderr, "exitscope: run: --l2-kernel: '%s' is a micro scenario, which boots "
				"no L2\n", sc->name);
		return RUN_BAD_INPUT;
	}
	util_pathf(sc->l2_kernel, sizeof(sc->l2_kernel), "%s", o->l2_kernel);
	return RUN_OK;
}

/* --trace keeps L1's KVM events while L2 runs; a micro scenario has no L2. */
static enum run_outcome run_check_trace(const struct run_opts *o, const struct scenario *sc)
{
	if (!o->trace || !scenario_is_micro(sc))
		return RUN_OK;
	fprintf(stderr, "exitscope: run: --trace: '%s' is a micro scenario, which boots no L2 "
			"(its guest's exits are counted in every view already)\n", sc->name);
	return RUN_BAD_INPUT;
}

/* Operand @i's scenario into @sc, with --timeout, --repeat, --l2-kernel and --trace applied. */
static enum run_outcome run_resolve_one(struct run_ctx *c, size_t i, struct scenario *sc)
{
	enum run_outcome o = run_resolve_scenario(c->root, c->o.scenarios[i], c->o.timeout_s, sc);

	if (o == RUN_OK)
		o = run_resolve_repeat(&c->o, sc);
	if (o == RUN_OK)
		o = run_choose_l2_kernel(&c->o, sc);
	return o == RUN_OK ? run_check_trace(&c->o, sc) : o;
}

/*
 * Several scenarios: one boot for them all, named after them ("cpuid+idle"),
 * with the largest of their limits for L2.
 */
static enum run_outcome run_resolve_shared(struct run_ctx *c)
{
	char boot[sizeof(c->sc.name)], why[256];
	enum run_outcome o = RUN_OK;

	c->n_shared = c->o.n_scenarios;
	for (size_t i = 0; i < c->n_shared && o == RUN_OK; i++)
		o = run_resolve_one(c, i, &c->shared[i]);
	if (o != RUN_OK)
		return o;
	if (scenario_shared(c->shared, c->n_shared, boot, sizeof(boot), why, sizeof(why)) < 0) {
		fprintf(stderr, "exitscope: run: %s; run it on its own\n", why);
		return RUN_BAD_INPUT;
	}
	c->sc = c->shared[0];
	util_pathf(c->sc.name, sizeof(c->sc.name), "%s", boot);
	c->sc.probe[0] = '\0';
	for (size_t i = 1; i < c->n_shared; i++)
		if (c->shared[i].timeout_s > c->sc.timeout_s)
			c->sc.timeout_s = c->shared[i].timeout_s;
	return RUN_OK;
}

static enum run_outcome run_main(struct run_ctx *c, int argc, char **argv)
{
	if (run_parse(argc, argv, &c->o) < 0)
		return RUN_BAD_INPUT;
	if (util_checkout_root(c->root, sizeof(c->root)) < 0)
		return RUN_ENVIRONMENT;
	enum run_outcome o = c->o.n_scenarios > 1 ? run_resolve_shared(c) : run_resolve_one(c, 0, &c->sc);

	if (o != RUN_OK)
		return o;
	if (c->o.reassemble)
		return run_reassemble(c);
	if ((o = run_resolve_host(c->o.accel, &c->rec)) != RUN_OK ||
	    (o = run_resolve_micro(&c->sc, &c->rec, c->micro_append, sizeof(c->micro_append))) ||
	    (o = run_resolve(&c->sc, c->o.kernel_id, c->o.series, &c->in)) != RUN_OK)
		return o;
	run_set_dirs(c, c->in.kernel.id);
	util_pathf(c->rec.scenario, sizeof(c->rec.scenario), "%s", c->sc.name);
	util_pathf(c->rec.kernel_id, sizeof(c->rec.kernel_id), "%s", c->in.kernel.id);
	util_pathf(c->rec.l1_image, sizeof(c->rec.l1_image), "%s", c->in.l1.id);
	util_pathf(c->rec.l2_image, sizeof(c->rec.l2_image), "%s", c->in.l2.id);
	util_pathf(c->rec.l2_kernel, sizeof(c->rec.l2_kernel), "%s", c->sc.l2_kernel);
	util_pathf(c->rec.l2_kernel_id, sizeof(c->rec.l2_kernel_id), "%s", c->in.l2_kernel.id);
	c->rec.trace = c->o.trace;
	return run_attempts(c);
}

int cmd_run(int argc, char **argv)
{
	struct run_ctx *c = calloc(1, sizeof(*c));
	int code;

	if (!c)
		return EXIT_ENVIRONMENT;
	progress_start();
	c->start = util_now();
	c->rec.started = time(NULL);
	code = run_exit_code(run_main(c, argc, argv));
	free(c);
	return code;
}
