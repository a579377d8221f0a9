// SPDX-License-Identifier: GPL-2.0
/*
 * exitscope lava SCENARIO...: LAVA job definitions for a matrix, and
 * exitscope lava collect DIR: their finished jobs' logs back into result
 * files.  A job folder is a results folder: DIR/<kernel-id>/ holds, per
 * scenario, the job (SCENARIO.lava.yaml), the run directory `exitscope run`
 * would have prepared (SCENARIO.run/: run.json, kernel.json), and, once a
 * lab put the job's log beside it (SCENARIO.lava.log), the result
 * (SCENARIO.json) that show, diff and report read.  The job's artifacts,
 * the kernel and L1's initramfs, are copied to DIR/<kernel-id>/lava-artifacts/.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "exec.h"
#include "lava.h"
#include "opts.h"
#include "progress.h"
#include "run.h"
#include "util.h"
#include "yaml-json.h"

#define LAVA_ARTIFACTS "lava-artifacts"
#define LAVA_TESTDEF "lava/micro.yaml"

struct lava_opts {
	const char *kernel_id;
	const char *series;
	const char *accel;
	const char *out;
	const char *url;
};

static const char *const lava_series[] = { "6.1", "6.12", NULL };
static const char *const lava_accels[] = { "tcg", "kvm", NULL };

static const struct opt lava_table[] = {
	{ "kernel", 0, OPT_STRING, offsetof(struct lava_opts, kernel_id), "ID",
	  "a kernel from 'exitscope kernel list' (default: build --series S)", 0, 0, NULL },
	{ "series", 0, OPT_CHOICE, offsetof(struct lava_opts, series), "S",
	  "the kernel series to build, 6.1 (default) or 6.12", 0, 0, lava_series },
	{ "accel", 0, OPT_CHOICE, offsetof(struct lava_opts, accel), "A",
	  "the lab device's accelerator: tcg (default, any x86 host) or kvm (nested)", 0, 0,
	  lava_accels },
	{ "out", 0, OPT_STRING, offsetof(struct lava_opts, out), "DIR",
	  "where jobs and, after collect, results go (default: lava-jobs/ of the checkout)", 0, 0,
	  NULL },
	{ "url", 0, OPT_STRING, offsetof(struct lava_opts, url), "BASE",
	  "where the lab fetches DIR from: artifacts are BASE/<kernel-id>/lava-artifacts/... "
	  "(default: file:// URLs of DIR, for a dispatcher on this machine)", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void lava_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope lava SCENARIO... [--kernel ID | --series 6.1|6.12] [--accel tcg|kvm]\n"
		"                      [--out DIR] [--url BASE]\n"
		"       exitscope lava collect [DIR]\n\n"
		"Writes a LAVA job per scenario for LAVA's qemu device type: the kernel and the micro\n"
		"stage's initramfs as artifacts, booted with the QEMU options 'exitscope run' uses\n"
		"(passed in the job's context) and the test definition lava/micro.yaml, which runs\n"
		"the scenario in L1 and reports the test cases probe-status, exactness and oracle.\n"
		"Jobs go to DIR/<kernel-id>/SCENARIO.lava.yaml beside the run directory\n"
		"SCENARIO.run/.  Micro scenarios only (reasons, cpuid-micro).\n\n"
		"collect reads each job's LAVA log, put beside its job as SCENARIO.lava.log\n"
		"(lava-run's output, or 'lavacli jobs logs --raw ID'), and writes\n"
		"DIR/<kernel-id>/SCENARIO.json, the result 'exitscope run' writes, for show, diff\n"
		"and report.\n\noptions:\n");
	opts_usage(out, lava_table);
	fprintf(out, "\nExit 0 ok, 1 a check or a job failed or a log is missing, 2 bad usage, 3 the "
		     "environment.\n");
}

/* One scenario's paths under DIR. */
struct lava_paths {
	char out_dir[PATH_MAX];		/* DIR/<kernel-id> */
	char run_dir[PATH_MAX + 64];	/* .../SCENARIO.run */
	char job[PATH_MAX + 64];	/* .../SCENARIO.lava.yaml */
	char log[PATH_MAX + 64];	/* .../SCENARIO.lava.log */
	char result[PATH_MAX + 64];	/* .../SCENARIO.json */
};

static void lava_paths_set(struct lava_paths *p, const char *dir, const char *kernel_id,
			   const char *scenario)
{
	util_pathf(p->out_dir, sizeof(p->out_dir), "%s/%s", dir, kernel_id);
	util_pathf(p->run_dir, sizeof(p->run_dir), "%s/%s.run", p->out_dir, scenario);
	util_pathf(p->job, sizeof(p->job), "%s/%s%s", p->out_dir, scenario, LAVA_JOB_SUFFIX);
	util_pathf(p->log, sizeof(p->log), "%s/%s%s", p->out_dir, scenario, LAVA_LOG_SUFFIX);
	util_pathf(p->result, sizeof(p->result), "%s/%s.json", p->out_dir, scenario);
}

/* ---- writing jobs ----------------------------------------------------- */

struct lava_artifact {
	char url[PATH_MAX + 256];
	char sha256[65];
};

/* @from copied to DIR/<id>/lava-artifacts/@name, its URL and checksum. */
static int artifact_publish(const struct lava_opts *o, const struct lava_paths *p,
			    const char *kernel_id, const char *from, const char *name,
			    struct lava_artifact *a)
{
	char dir[PATH_MAX + 32], to[PATH_MAX + 160], real[PATH_MAX];
	char *const cp[] = { "cp", "--", (char *)from, to, NULL };

	util_pathf(dir, sizeof(dir), "%s/%s", p->out_dir, LAVA_ARTIFACTS);
	util_pathf(to, sizeof(to), "%s/%s", dir, name);
	if (util_mkdirs(dir) < 0 || exec_run(cp, NULL, NULL) != 0 ||
	    util_sha256_file(to, a->sha256) < 0)
		return -EIO;
	if (o->url)
		return util_pathf(a->url, sizeof(a->url), "%s/%s/%s/%s", o->url, kernel_id,
				  LAVA_ARTIFACTS, name);
	if (!realpath(to, real))
		return -errno;
	return util_pathf(a->url, sizeof(a->url), "file://%s", real);
}

static json_t *testdef_load(const char *root)
{
	char path[PATH_MAX + 32], err[256], *text = NULL;
	size_t len = 0;
	json_t *doc = NULL;

	util_pathf(path, sizeof(path), "%s/%s", root, LAVA_TESTDEF);
	if (util_read_file(path, &text, &len) == 0)
		doc = yaml_load_json(text, len, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot read it");
	free(text);
	if (!json_is_object(doc)) {
		fprintf(stderr, "exitscope: lava: %s: %s\n", path, doc ? "not a mapping" : err);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

struct lava_gen {
	struct lava_opts o;
	char root[PATH_MAX];
	char dir[PATH_MAX];
	json_t *testdef;
};

/* The job of @plan, as YAML, to @path. */
static enum run_outcome job_write(const struct lava_job_plan *plan, const char *path)
{
	char err[256], *text = NULL;
	json_t *job = lava_job_micro(plan, err, sizeof(err));
	int r = job ? yaml_emit_json(job, &text) : -ENOMEM;

	if (r == 0)
		r = util_write_atomic(path, text, strlen(text));
	json_decref(job);
	free(text);
	if (r < 0) {
		fprintf(stderr, "exitscope: lava: cannot write %s: %s\n", path,
			job ? strerror(-r) : err);
		return RUN_ENVIRONMENT;
	}
	return RUN_OK;
}

/* The record and the inputs `exitscope run` would start from, for a lab's device. */
static enum run_outcome gen_resolve(const struct lava_gen *g, const char *name,
				    struct scenario *sc, struct run_record *rec, char *append,
				    size_t size, struct run_inputs *in)
{
	enum run_outcome o = run_resolve_scenario(g->root, name, 0, sc);

	if (o != RUN_OK)
		return o;
	if (!scenario_is_micro(sc)) {
		fprintf(stderr, "exitscope: lava: '%s' boots L2 through libvirt; jobs are written for "
				"micro scenarios only (reasons, cpuid-micro)\n", name);
		return RUN_BAD_INPUT;
	}
	/* The device's accelerator, not this host's: the record says what the job asks for. */
	*rec = (struct run_record){ .attempt = 1, .started = time(NULL) };
	if ((o = run_resolve_accel("tcg", rec)) != RUN_OK)
		return o;
	/* The worker's QEMU is L0, not this host's: its version comes from the job's log. */
	util_pathf(rec->qemu_version, sizeof(rec->qemu_version), "unknown");
	if (!strcmp(g->o.accel, "kvm")) {
		rec->accel = ACCEL_KVM;
		rec->isa = launch_l1_isa(ACCEL_KVM, rec->cpu_vendor);
	}
	if ((o = run_resolve_micro(sc, rec, append, size)) != RUN_OK ||
	    (o = run_resolve(sc, g->o.kernel_id, g->o.series, in)) != RUN_OK)
		return o;
	util_pathf(rec->scenario, sizeof(rec->scenario), "%s", sc->name);
	util_pathf(rec->kernel_id, sizeof(rec->kernel_id), "%s", in->kernel.id);
	util_pathf(rec->l1_image, sizeof(rec->l1_image), "%s", in->l1.id);
	return RUN_OK;
}

static enum run_outcome gen_one(const struct lava_gen *g, const char *name)
{
	char append[1024], from[PATH_MAX + 32], initrd[64];
	struct scenario sc;
	struct run_record rec;
	struct run_inputs in;
	struct lava_paths p;
	struct lava_artifact kernel, ramdisk;
	struct strv machine = { 0 };
	struct run_attempt a = { .sc = &sc, .root = g->root, .micro_append = append, .in = &in,
				 .rec = &rec };
	enum run_outcome o = gen_resolve(g, name, &sc, &rec, append, sizeof(append), &in);

	if (o != RUN_OK)
		return o;
	lava_paths_set(&p, g->dir, in.kernel.id, sc.name);
	a.run_dir = p.run_dir;
	if ((o = run_prepare(&a)) != RUN_OK)
		return o;
	util_pathf(from, sizeof(from), "%s/bzImage", in.kernel.dir);
	util_pathf(initrd, sizeof(initrd), "initrd-%s.gz", in.l1.id);
	if (artifact_publish(&g->o, &p, in.kernel.id, from, "bzImage", &kernel) < 0 ||
	    util_pathf(from, sizeof(from), "%s/initrd.gz", in.l1.dir) < 0 ||
	    artifact_publish(&g->o, &p, in.kernel.id, from, initrd, &ramdisk) < 0 ||
	    launch_micro_machine(rec.accel, &machine) < 0) {
		fprintf(stderr, "exitscope: lava: cannot copy the artifacts into %s/%s\n", p.out_dir,
			LAVA_ARTIFACTS);
		strv_free(&machine);
		return RUN_ENVIRONMENT;
	}
	struct lava_job_plan plan = {
		.scenario = sc.name, .kernel_id = in.kernel.id, .image_id = in.l1.id,
		.accel = rec.accel, .machine = &machine, .append = append,
		.kernel_url = kernel.url, .kernel_sha256 = kernel.sha256,
		.ramdisk_url = ramdisk.url, .ramdisk_sha256 = ramdisk.sha256,
		.testdef = g->testdef, .timeout_s = sc.timeout_s,
	};
	o = job_write(&plan, p.job);
	strv_free(&machine);
	if (o == RUN_OK)
		progress("lava", "%s: wrote %s (L1 under %s; put its LAVA log in %s)", sc.name, p.job,
			 accel_name(rec.accel), p.log);
	return o;
}

static void lava_default_dir(const struct lava_opts *o, const char *root, char *dir, size_t size)
{
	if (o->out)
		util_pathf(dir, size, "%s", o->out);
	else
		util_pathf(dir, size, "%s/lava-jobs", root);
}

static enum run_outcome lava_generate(int argc, char **argv)
{
	struct lava_gen g = { .o = { .series = "6.1", .accel = "tcg" } };
	enum run_outcome worst = RUN_OK;
	int n = opts_parse("lava", lava_table, argc, argv, &g.o);

	if (n < 0)
		return RUN_BAD_INPUT;
	if (n == 0) {
		fprintf(stderr, "exitscope: lava: name one SCENARIO or more; see 'exitscope help lava'\n");
		return RUN_BAD_INPUT;
	}
	if (g.o.kernel_id && !kernel_id_valid(g.o.kernel_id)) {
		fprintf(stderr, "exitscope: lava: --kernel needs ID, %d hex digits as 'exitscope kernel "
				"list' shows them, not '%s'\n", KERNEL_ID_LEN, g.o.kernel_id);
		return RUN_BAD_INPUT;
	}
	if (util_checkout_root(g.root, sizeof(g.root)) < 0)
		return RUN_ENVIRONMENT;
	lava_default_dir(&g.o, g.root, g.dir, sizeof(g.dir));
	g.testdef = testdef_load(g.root);
	if (!g.testdef)
		return RUN_ENVIRONMENT;
	for (int i = 1; i <= n && worst != RUN_BAD_INPUT; i++) {
		enum run_outcome o = gen_one(&g, argv[i]);

		if (o != RUN_OK)
			worst = o;
	}
	json_decref(g.testdef);
	return worst;
}

/* ---- collecting results ----------------------------------------------- */

/* The prepared record, with what the lab's log says of the run itself. */
static int collect_record(const struct lava_paths *p, const struct lava_evidence *ev)
{
	struct run_record rec;
	char err[256];

	if (run_record_read(p->run_dir, &rec, err, sizeof(err)) < 0) {
		fprintf(stderr, "exitscope: lava collect: %s: %s; write the job again\n", p->run_dir, err);
		return -EINVAL;
	}
	lava_record_apply(&rec, ev);
	if (run_record_write(p->run_dir, &rec) < 0) {
		fprintf(stderr, "exitscope: lava collect: cannot update %s/%s\n", p->run_dir,
			RUN_RECORD_FILE);
		return -EIO;
	}
	return 0;
}

/* Do LAVA's test cases, as L1 judged them, agree with the result? */
static bool collect_cases_agree(const struct lava_paths *p, const struct lava_evidence *ev,
				const struct run_verdict *v)
{
	static const char *const names[] = LAVA_CASES;
	const bool expect[LAVA_NR_CASES] = { true, v->micro_exact, v->oracle_match };
	bool agree = true;

	for (size_t i = 0; i < LAVA_NR_CASES; i++) {
		if (ev->cases[i] == (int)expect[i])
			continue;
		fprintf(stderr, "exitscope: lava collect: %s: LAVA's test case %s %s, the result says "
				"%s\n", p->log, names[i], ev->cases[i] < 0 ? "was not reported" :
				ev->cases[i] ? "passed" : "failed", expect[i] ? "pass" : "fail");
		agree = false;
	}
	return agree;
}

static enum run_outcome collect_assemble(const struct lava_paths *p, const struct lava_evidence *lev,
					 const char *scenario)
{
	char err[512];
	char *show[] = { "show", (char *)p->result, NULL };
	struct run_status st;
	struct run_verdict v;
	struct run_evidence *ev = run_evidence_read(p->run_dir);
	enum run_outcome o;
	json_t *result;

	if (!ev)
		return RUN_ENVIRONMENT;
	run_status_parse(lev->status, &st);
	o = run_outcome_classify_micro(&st, ev, p->run_dir);
	result = o == RUN_OK ? run_assemble(p->run_dir, ev, &v, err, sizeof(err)) : NULL;
	run_evidence_free(ev);
	if (o != RUN_OK)
		return o;
	if (!result || run_result_write(p->result, result) < 0) {
		fprintf(stderr, "exitscope: lava collect: no result written to %s: %s\n", p->result,
			result ? strerror(errno) : err);
		json_decref(result);
		return RUN_MISMATCH;
	}
	json_decref(result);
	cmd_show(2, show);
	progress("lava", "%s: wrote %s from %s", scenario, p->result, p->log);
	if (!collect_cases_agree(p, lev, &v))
		return RUN_MISMATCH;
	return v.oracle_match && v.micro_exact ? RUN_OK : RUN_MISMATCH;
}

static enum run_outcome collect_one(const struct lava_paths *p, const char *scenario)
{
	struct lava_evidence ev;
	char *text = NULL, err[512];
	enum run_outcome o = RUN_MISMATCH;
	int r;

	if (util_read_file(p->log, &text, NULL) < 0) {
		fprintf(stderr, "exitscope: lava collect: %s: no log yet; put the job's LAVA log there "
				"('lavacli jobs logs --raw ID')\n", p->log);
		return RUN_MISMATCH;
	}
	r = lava_log_read(text, &ev, err, sizeof(err));
	free(text);
	if (r < 0)
		fprintf(stderr, "exitscope: lava collect: %s: %s\n", p->log, err);
	else if (ev.job == 0)
		fprintf(stderr, "exitscope: lava collect: %s: the LAVA job failed: %s\n", p->log,
			ev.job_error[0] ? ev.job_error : "no error message");
	else if (!ev.end_seen)
		fprintf(stderr, "exitscope: lava collect: %s: L1 handed back no evidence (no "
				"EXITSCOPE-END line); see its target lines\n", p->log);
	else if (lava_evidence_write(p->run_dir, &ev) < 0)
		fprintf(stderr, "exitscope: lava collect: cannot write into %s\n", p->run_dir);
	else if (collect_record(p, &ev) == 0)
		o = collect_assemble(p, &ev, scenario);
	lava_evidence_free(&ev);
	return o;
}

/* Every DIR/<kernel-id>/SCENARIO.lava.yaml, in name order. */
static enum run_outcome collect_kernel_dir(const char *dir, const char *kernel_id, size_t *jobs)
{
	char path[PATH_MAX];
	struct dirent **names;
	enum run_outcome worst = RUN_OK;
	int n;

	util_pathf(path, sizeof(path), "%s/%s", dir, kernel_id);
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name), sl = strlen(LAVA_JOB_SUFFIX);

		if (len > sl && !strcmp(names[i]->d_name + len - sl, LAVA_JOB_SUFFIX)) {
			char scenario[NAME_MAX + 1];
			struct lava_paths p;
			enum run_outcome o;

			snprintf(scenario, sizeof(scenario), "%.*s", (int)(len - sl), names[i]->d_name);
			lava_paths_set(&p, dir, kernel_id, scenario);
			o = collect_one(&p, scenario);
			(*jobs)++;
			if (o != RUN_OK && (worst == RUN_OK || worst == RUN_MISMATCH))
				worst = o;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return worst;
}

static enum run_outcome lava_collect(int argc, char **argv)
{
	char root[PATH_MAX], dir[PATH_MAX];
	struct lava_opts o = { 0 };
	struct dirent **names;
	enum run_outcome worst = RUN_OK;
	size_t jobs = 0;
	int n;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "exitscope: lava collect: one DIR at most; see 'exitscope help lava'\n");
		return RUN_BAD_INPUT;
	}
	o.out = argc == 2 ? argv[1] : NULL;
	if (!o.out && util_checkout_root(root, sizeof(root)) < 0)
		return RUN_ENVIRONMENT;
	lava_default_dir(&o, root, dir, sizeof(dir));
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "exitscope: lava collect: %s: %s\n", dir, strerror(errno));
		return RUN_BAD_INPUT;
	}
	for (int i = 0; i < n; i++) {
		if (kernel_id_valid(names[i]->d_name)) {
			enum run_outcome r = collect_kernel_dir(dir, names[i]->d_name, &jobs);

			if (r != RUN_OK && (worst == RUN_OK || worst == RUN_MISMATCH))
				worst = r;
		}
		free(names[i]);
	}
	free(names);
	if (!jobs) {
		fprintf(stderr, "exitscope: lava collect: no jobs under %s (DIR/<kernel-id>/*%s); "
				"write them with 'exitscope lava SCENARIO --out DIR'\n", dir, LAVA_JOB_SUFFIX);
		return RUN_BAD_INPUT;
	}
	return worst;
}

int cmd_lava(int argc, char **argv)
{
	progress_start();
	if (argc >= 2 && !strcmp(argv[1], "collect"))
		return run_exit_code(lava_collect(argc - 1, argv + 1));
	return run_exit_code(lava_generate(argc, argv));
}
