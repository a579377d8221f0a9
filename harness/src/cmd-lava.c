// SPDX-License-Identifier: GPL-2.0
/*
 * exitscope lava SCENARIO...: LAVA job definitions for a matrix, and
 * exitscope lava collect DIR: their finished jobs' logs back into result
 * files.  A job folder is a results folder: DIR/<kernel-id>/ holds, per
 * scenario, the job (SCENARIO.lava.yaml), the run directory `exitscope run`
 * would have prepared (SCENARIO.run/: run.json, kernel.json), and, once a
 * lab put the job's log beside it (SCENARIO.lava.log), the result
 * (SCENARIO.json) that show, diff and report read.  The job's artifacts,
 * the kernel and L1's initramfs or, for a nested scenario, L1's first-stage
 * initramfs and both images, go to DIR/<kernel-id>/lava-artifacts/.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "exec.h"
#include "lava.h"
#include "opts.h"
#include "progress.h"
#include "run.h"
#include "util.h"
#include "yaml-json.h"

#define LAVA_ARTIFACTS "lava-artifacts"
#define LAVA_TESTDEF_MICRO_FILE "lava/micro.yaml"
#define LAVA_TESTDEF_NESTED_FILE "lava/nested.yaml"
#define LAVA_RAMDISK_SCRIPT "lava/l1-ramdisk.sh"
/* A nested job's L1 has two vCPUs, as `exitscope run` gives it on a host of two cores or more. */
#define LAVA_L1_CPUS 2

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
		"Writes a LAVA job per scenario for LAVA's qemu device type, booted with the QEMU\n"
		"options and L1 command line 'exitscope run' uses (passed in the job's context).\n"
		"A micro scenario (reasons, cpuid-micro): the kernel and the micro stage's initramfs\n"
		"as artifacts, and the test definition lava/micro.yaml, whose test cases are\n"
		"probe-status, exactness and oracle.  A nested scenario (cpuid, idle, ...): the kernel,\n"
		"the L1 image as /dev/vda, the L2 image as /dev/vdb and a first-stage initramfs with\n"
		"the run's inputs (lava/l1-ramdisk.sh), and the test definition lava/nested.yaml,\n"
		"which runs the agent in L1 (libvirt starts L2) and reports the same three cases.\n"
		"Jobs go to DIR/<kernel-id>/SCENARIO.lava.yaml beside the run directory\n"
		"SCENARIO.run/; the artifacts to DIR/<kernel-id>/lava-artifacts/ (hard links into\n"
		"the cache where DIR is on its file system).\n\n"
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

/*
 * @from into DIR/<id>/lava-artifacts/@name: a hard link where it can be
 * (the cache's files never change in place, and an L1 image is hundreds of
 * MiB), else a copy; its URL and checksum.
 */
static int artifact_publish(const struct lava_opts *o, const struct lava_paths *p,
			    const char *kernel_id, const char *from, const char *name,
			    struct lava_artifact *a)
{
	char dir[PATH_MAX + 32], to[PATH_MAX + 160], real[PATH_MAX];
	char *const cp[] = { "cp", "--", (char *)from, to, NULL };

	util_pathf(dir, sizeof(dir), "%s/%s", p->out_dir, LAVA_ARTIFACTS);
	util_pathf(to, sizeof(to), "%s/%s", dir, name);
	if (util_mkdirs(dir) < 0 || (unlink(to) < 0 && errno != ENOENT))
		return -EIO;
	if (link(from, to) < 0 && exec_run(cp, NULL, NULL) != 0)
		return -EIO;
	if (util_sha256_file(to, a->sha256) < 0)
		return -EIO;
	if (o->url)
		return util_pathf(a->url, sizeof(a->url), "%s/%s/%s/%s", o->url, kernel_id,
				  LAVA_ARTIFACTS, name);
	if (!realpath(to, real))
		return -errno;
	return util_pathf(a->url, sizeof(a->url), "file://%s", real);
}

static json_t *testdef_load(const char *root, const char *file)
{
	char path[PATH_MAX + 32], err[256], *text = NULL;
	size_t len = 0;
	json_t *doc = NULL;

	util_pathf(path, sizeof(path), "%s/%s", root, file);
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
	json_t *testdef_micro, *testdef_nested;
};

/* The job of @plan, as YAML, to @path. */
static enum run_outcome job_write(const struct lava_job_plan *plan, const char *path)
{
	char err[256], *text = NULL;
	json_t *job = lava_job(plan, err, sizeof(err));
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
	if (!scenario_is_micro(sc)) {
		util_pathf(rec->l2_image, sizeof(rec->l2_image), "%s", in->l2.id);
		util_pathf(rec->l2_kernel, sizeof(rec->l2_kernel), "%s", sc->l2_kernel);
		util_pathf(rec->l2_kernel_id, sizeof(rec->l2_kernel_id), "%s", in->l2_kernel.id);
	}
	return RUN_OK;
}

/* One scenario's job being written: what it resolved to and where it goes. */
struct lava_one {
	struct scenario sc;
	struct run_record rec;
	struct run_inputs in;
	struct lava_paths p;
	char append[1024];
	struct lava_artifact kernel, ramdisk, l1_disk, l2_disk;
	struct strv machine;
};

static int publish(const struct lava_gen *g, const struct lava_one *j, const char *dir,
		   const char *file, const char *name, struct lava_artifact *a)
{
	char from[PATH_MAX + 32];

	if (util_pathf(from, sizeof(from), "%s/%s", dir, file) < 0)
		return -ENAMETOOLONG;
	return artifact_publish(&g->o, &j->p, j->in.kernel.id, from, name, a);
}

/* The micro stage's: its initramfs, its own machine and command line. */
static int gen_micro_parts(const struct lava_gen *g, struct lava_one *j)
{
	char name[64];

	util_pathf(name, sizeof(name), "initrd-%s.gz", j->in.l1.id);
	if (publish(g, j, j->in.l1.dir, "initrd.gz", name, &j->ramdisk) < 0)
		return -EIO;
	return launch_micro_machine(j->rec.accel, &j->machine);
}

/*
 * A nested scenario's: both images, and a first-stage initramfs that carries
 * what `exitscope run` shares in with 9p (lava/l1-ramdisk.sh), built from
 * the run directory run_prepare() wrote; L1's machine and command line as
 * run_l1() starts it.
 */
static int gen_nested_parts(const struct lava_gen *g, struct lava_one *j)
{
	char script[PATH_MAX + 32], ramdisk[PATH_MAX + 160], overlay[PATH_MAX + 80], name[64];
	char *const build[] = { script, ramdisk, j->p.run_dir, NULL };

	/* L1 boots the image itself, a copy LAVA throws away: no overlay. */
	util_pathf(overlay, sizeof(overlay), "%s/l1.qcow2", j->p.run_dir);
	unlink(overlay);
	util_pathf(script, sizeof(script), "%s/%s", g->root, LAVA_RAMDISK_SCRIPT);
	util_pathf(ramdisk, sizeof(ramdisk), "%s/%s-l1-stage.gz", j->p.run_dir, j->sc.name);
	if (exec_run(build, NULL, NULL) != 0)
		return -EIO;
	util_pathf(name, sizeof(name), "%s-l1-stage.gz", j->sc.name);
	if (publish(g, j, j->p.run_dir, name, name, &j->ramdisk) < 0 || unlink(ramdisk) < 0)
		return -EIO;
	util_pathf(name, sizeof(name), "l1-%s.ext2", j->in.l1.id);
	if (publish(g, j, j->in.l1.dir, "rootfs.ext2", name, &j->l1_disk) < 0)
		return -EIO;
	util_pathf(name, sizeof(name), "l2-%s.qcow2", j->in.l2.id);
	if (publish(g, j, j->in.l2.dir, "image.qcow2", name, &j->l2_disk) < 0)
		return -EIO;
	if (launch_l1_append(j->rec.accel, LAUNCH_L1_INIT, j->append, sizeof(j->append)) < 0)
		return -ENAMETOOLONG;
	return launch_l1_machine(j->rec.accel, LAUNCH_L1_MEMORY_MIB, LAVA_L1_CPUS, &j->machine);
}

static enum run_outcome gen_write(const struct lava_gen *g, struct lava_one *j)
{
	bool nested = !scenario_is_micro(&j->sc);
	struct lava_job_plan plan = {
		.kind = nested ? LAVA_NESTED : LAVA_MICRO, .scenario = j->sc.name,
		.kernel_id = j->in.kernel.id, .image_id = j->in.l1.id, .l2_image_id = j->in.l2.id,
		.accel = j->rec.accel, .machine = &j->machine, .append = j->append,
		.kernel = { j->kernel.url, j->kernel.sha256 },
		.ramdisk = { j->ramdisk.url, j->ramdisk.sha256 },
		.l1_disk = { j->l1_disk.url, j->l1_disk.sha256 },
		.l2_disk = { j->l2_disk.url, j->l2_disk.sha256 },
		.testdef = nested ? g->testdef_nested : g->testdef_micro,
		.timeout_s = j->sc.timeout_s,
	};
	enum run_outcome o = job_write(&plan, j->p.job);

	if (o == RUN_OK)
		progress("lava", "%s: wrote %s (L1 under %s; put its LAVA log in %s)", j->sc.name,
			 j->p.job, accel_name(j->rec.accel), j->p.log);
	return o;
}

static enum run_outcome gen_one(const struct lava_gen *g, const char *name)
{
	struct lava_one *j = calloc(1, sizeof(*j));
	struct run_attempt a;
	enum run_outcome o;
	int r;

	if (!j)
		return RUN_ENVIRONMENT;
	o = gen_resolve(g, name, &j->sc, &j->rec, j->append, sizeof(j->append), &j->in);
	if (o != RUN_OK)
		goto out;
	lava_paths_set(&j->p, g->dir, j->in.kernel.id, j->sc.name);
	a = (struct run_attempt){ .sc = &j->sc, .root = g->root, .in = &j->in, .rec = &j->rec,
				  .run_dir = j->p.run_dir,
				  .micro_append = scenario_is_micro(&j->sc) ? j->append : NULL };
	if ((o = run_prepare(&a)) != RUN_OK)
		goto out;
	r = publish(g, j, j->in.kernel.dir, "bzImage", "bzImage", &j->kernel);
	if (r == 0)
		r = scenario_is_micro(&j->sc) ? gen_micro_parts(g, j) : gen_nested_parts(g, j);
	if (r < 0) {
		fprintf(stderr, "exitscope: lava: %s: cannot put the artifacts into %s/%s\n",
			j->sc.name, j->p.out_dir, LAVA_ARTIFACTS);
		o = RUN_ENVIRONMENT;
		goto out;
	}
	o = gen_write(g, j);
out:
	strv_free(&j->machine);
	free(j);
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
	g.testdef_micro = testdef_load(g.root, LAVA_TESTDEF_MICRO_FILE);
	g.testdef_nested = testdef_load(g.root, LAVA_TESTDEF_NESTED_FILE);
	for (int i = 1; i <= n && worst != RUN_BAD_INPUT && g.testdef_micro && g.testdef_nested;
	     i++) {
		enum run_outcome o = gen_one(&g, argv[i]);

		if (o != RUN_OK)
			worst = o;
	}
	if (!g.testdef_micro || !g.testdef_nested)
		worst = RUN_ENVIRONMENT;
	json_decref(g.testdef_micro);
	json_decref(g.testdef_nested);
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

/*
 * Do LAVA's test cases, as L1 judged them, agree with the result?  A nested
 * job's exactness is its probe's own checks (status 0), which a stock L1's
 * run does without, as `exitscope run` does.
 */
static bool collect_cases_agree(const struct lava_paths *p, const struct lava_evidence *ev,
				const struct run_verdict *v, bool nested)
{
	static const char *const names[] = LAVA_CASES;
	const bool exact = nested ? v->stock || v->probe_rc == 0 : v->micro_exact;
	const bool expect[LAVA_NR_CASES] = { true, exact, v->oracle_match };
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

/* L2's limit as the job's spec.env gave it to the agent, for the timeout's message. */
static unsigned int collect_l2_timeout(const char *run_dir)
{
	char path[PATH_MAX + 16], *text = NULL, *at;
	unsigned int timeout_s = 0;

	util_pathf(path, sizeof(path), "%s/spec.env", run_dir);
	if (util_read_file(path, &text, NULL) == 0 && (at = strstr(text, "L2_TIMEOUT=")))
		sscanf(at, "L2_TIMEOUT=%u", &timeout_s);
	free(text);
	return timeout_s;
}

/* How the job's L1 ended, as `exitscope run` would classify the attempt. */
static enum run_outcome collect_classify(const struct lava_paths *p, const struct run_status *st,
					 const struct run_evidence *ev, bool nested)
{
	struct run_record rec;
	char err[256];

	if (!nested)
		return run_outcome_classify_micro(st, ev, p->run_dir);
	if (run_record_read(p->run_dir, &rec, err, sizeof(err)) < 0) {
		fprintf(stderr, "exitscope: lava collect: %s: %s\n", p->run_dir, err);
		return RUN_ENVIRONMENT;
	}
	return run_outcome_classify(st, ev, &rec, p->run_dir, collect_l2_timeout(p->run_dir));
}

static enum run_outcome collect_assemble(const struct lava_paths *p, const struct lava_evidence *lev,
					 const char *scenario)
{
	char err[512];
	char *show[] = { "show", (char *)p->result, NULL };
	bool nested = lev->archive != NULL;
	struct run_status st;
	struct run_verdict v;
	struct run_evidence *ev = run_evidence_read(p->run_dir);
	enum run_outcome o;
	json_t *result;

	if (!ev)
		return RUN_ENVIRONMENT;
	run_status_parse(lev->status, &st);
	o = collect_classify(p, &st, ev, nested);
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
	if (!collect_cases_agree(p, lev, &v, nested))
		return RUN_MISMATCH;
	if (nested)
		return v.oracle_match && (v.stock || v.probe_rc == 0) ? RUN_OK : RUN_MISMATCH;
	return v.oracle_match && v.micro_exact ? RUN_OK : RUN_MISMATCH;
}

/* A nested job's out/ from its archive, as the 9p share would have left it. */
static int collect_unpack(const struct lava_paths *p)
{
	char archive[PATH_MAX + 80], out[PATH_MAX + 80];
	char *const untar[] = { "tar", "-xzf", archive, "-C", out, NULL };

	util_pathf(archive, sizeof(archive), "%s/%s", p->run_dir, LAVA_OUT_ARCHIVE);
	util_pathf(out, sizeof(out), "%s/out", p->run_dir);
	if (exec_run(untar, NULL, NULL) != 0) {
		fprintf(stderr, "exitscope: lava collect: %s: L1's framed out/ does not unpack\n",
			archive);
		return -EINVAL;
	}
	return unlink(archive) < 0 ? -errno : 0;
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
	else if ((!ev.archive || collect_unpack(p) == 0) && collect_record(p, &ev) == 0)
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
