// SPDX-License-Identifier: GPL-2.0
/*
 * exitscope check: grades a kernel's exit counters through a leaf map.  The
 * run's own stages boot the kernel as L1 in the micro stage, where exitmicro
 * check causes known exits in a micro VM and serves the grader's CPUIDs
 * from inside it; its verdicts come back as a document, are checked, printed
 * as a table and written to DIR/<kernel-id>/check-<map>.json.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-doc.h"
#include "check-output.h"
#include "cmd.h"
#include "opts.h"
#include "progress.h"
#include "run.h"
#include "util.h"

struct check_opts {
	const char *kernel_id;
	const char *series;
	const char *abi;
	const char *accel;
	const char *results;
	const char *kvm_map;
	bool stock;
	unsigned int k;
	unsigned int timeout_s;
};

static volatile sig_atomic_t check_stop;

static const char *const check_series[] = { "6.1", "6.12", NULL };

static const struct opt check_table[] = {
	{ "kernel", 0, OPT_STRING, offsetof(struct check_opts, kernel_id), "ID",
	  "a kernel from 'exitscope kernel list', stock, patched or your own", 0, 0, NULL },
	{ "series", 0, OPT_CHOICE, offsetof(struct check_opts, series), "S",
	  "else the kernel series to build, 6.1 (default) or 6.12", 0, 0, check_series },
	{ "stock", 0, OPT_FLAG, offsetof(struct check_opts, stock), NULL,
	  "... unpatched (it gets the one verdict 'no map')", 0, 0, NULL },
	{ "abi", 0, OPT_STRING, offsetof(struct check_opts, abi), "MAP",
	  "the leaf map the kernel answers: exitscope, a, b or c (required)", 0, 0, NULL },
	{ "accel", 0, OPT_STRING, offsetof(struct check_opts, accel), "A",
	  "auto, kvm, tcg or bochs (default: $ACCEL, else auto)", 0, 0, NULL },
	{ "k", 0, OPT_UINT, offsetof(struct check_opts, k), "K",
	  "exits caused per action, 1 to 1000000 (default 100)", 1, 1000000, NULL },
	{ "timeout", 0, OPT_UINT, offsetof(struct check_opts, timeout_s), "S",
	  "L1's limit for the whole check, 1 to 86400 (default 1800)", 1, 86400, NULL },
	{ "results", 0, OPT_STRING, offsetof(struct check_opts, results), "DIR",
	  "where the JSON goes (default: results/ of the checkout)", 0, 0, NULL },
	{ "kvm-map", 0, OPT_STRING, offsetof(struct check_opts, kvm_map), "MAP",
	  "boot L1 with kvm.exitscope_map=MAP: an exitscope kernel answering map MAP", 0, 0,
	  NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void check_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope check --abi MAP [--kernel ID | --series S [--stock]] [--accel A]\n"
		"                       [--k K] [--timeout S] [--results DIR] [--kvm-map MAP]\n\n"
		"Boots the kernel as L1 in the micro stage (QEMU, or Bochs with --accel bochs, where\n"
		"L1's KVM is VMX; under TCG it is SVM).  exitmicro check makes a micro VM take every\n"
		"action that always exits there (but port I/O) K times and executes, inside that\n"
		"VM, every CPUID the grader asks through leaf map MAP; the kvm_exit tracepoint is\n"
		"the oracle.  Prints a verdict per rule (docs/design.md, \"The grader\") and writes\n"
		"them to DIR/<kernel-id>/check-MAP.json; the run's logs stay in\n"
		"DIR/<kernel-id>/check-MAP.run/.  A kernel that answers another map, or none (a\n"
		"stock kernel), gets one verdict saying so.  An exitscope kernel answers another\n"
		"map when L1 boots with kvm.exitscope_map=MAP (--kvm-map): the grader's own test.\n"
		"\noptions:\n");
	opts_usage(out, check_table);
	fprintf(out, "\nExit 0 every rule passed, 1 one failed, 2 bad usage, 3 the environment cannot\n"
		     "run it, 124 timed out, 130 interrupted.\n");
}

static void on_signal(int sig)
{
	(void)sig;
	check_stop = 1;
}

static int check_parse(int argc, char **argv, struct check_opts *o, const struct exsc_map **map)
{
	int n;

	*o = (struct check_opts){ .series = "6.1", .accel = getenv("ACCEL"), .k = 100,
				  .timeout_s = 1800 };
	n = opts_parse("check", check_table, argc, argv, o);
	if (n < 0)
		return -EINVAL;
	if (n > 0 || !o->abi) {
		fprintf(stderr, "exitscope: check: %s; see 'exitscope help check'\n",
			n > 0 ? "takes no operand" : "needs --abi MAP, the leaf map to grade");
		return -EINVAL;
	}
	*map = exsc_map_find(o->abi);
	if (!*map) {
		fprintf(stderr, "exitscope: check: --abi takes %s, not '%s'\n", exsc_map_names(),
			o->abi);
		return -EINVAL;
	}
	if (o->kvm_map && !exsc_map_find(o->kvm_map)) {
		fprintf(stderr, "exitscope: check: --kvm-map takes %s, not '%s'\n", exsc_map_names(),
			o->kvm_map);
		return -EINVAL;
	}
	if (o->kernel_id && !kernel_id_valid(o->kernel_id)) {
		fprintf(stderr, "exitscope: check: --kernel needs ID, %d hex digits as 'exitscope "
				"kernel list' shows them, not '%s'\n", KERNEL_ID_LEN, o->kernel_id);
		return -EINVAL;
	}
	return 0;
}

/* The micro stage as a scenario of its own: the run's resolve and prepare stages take it as one. */
static enum run_outcome check_scenario(const struct check_opts *o, struct scenario *sc)
{
	*sc = (struct scenario){ .stage = "micro", .stock = o->stock, .timeout_s = o->timeout_s };
	if (util_pathf(sc->name, sizeof(sc->name), "check-%s", o->abi) < 0 ||
	    util_pathf(sc->probe, sizeof(sc->probe), "check %s %u", o->abi, o->k) < 0)
		return RUN_BAD_INPUT;
	return RUN_OK;
}

/* Boots L1 once in @run_dir and follows it to its power-off. */
static enum run_outcome check_boot(const struct scenario *sc, const char *append,
				   const char *run_dir, const struct run_inputs *in,
				   struct run_record *rec, struct run_status *st)
{
	char root[PATH_MAX];
	struct run_attempt a = { .sc = sc, .micro_append = append, .run_dir = run_dir, .in = in,
				 .rec = rec };
	struct l1_plan p = { .name = sc->name, .run_dir = run_dir, .kernel_dir = in->kernel.dir,
			     .micro_dir = in->l1.dir, .micro_append = append, .accel = rec->accel,
			     .l2_timeout_s = sc->timeout_s, .stop = &check_stop };
	enum run_outcome o;

	if (util_checkout_root(root, sizeof(root)) < 0)
		return RUN_ENVIRONMENT;
	a.root = root;
	o = run_prepare(&a);
	if (o != RUN_OK)
		return o;
	progress("check", "%s: L1 under %s, logs in %s", sc->name, accel_name(rec->accel), run_dir);
	o = run_l1(&p, st, rec);
	/* exitmicro check exits 1 when a rule failed: that is a verdict, not an error. */
	if (o == RUN_OK && st->agent_rc != 0 && st->agent_rc != 1) {
		fprintf(stderr, "exitscope: check: exitmicro check failed (%s); see %s/l1-console.log\n",
			st->error[0] ? st->error : "no error line", run_dir);
		o = RUN_AGENT_FAILED;
	}
	return o;
}

/* exitmicro check's document from the run directory, checked into @out; NULL after one line. */
static json_t *check_read_doc(const char *run_dir, const struct exsc_map *map,
			      struct check_doc *out)
{
	char path[PATH_MAX + 32], err[256];
	json_error_t jerr;
	json_t *doc;

	util_pathf(path, sizeof(path), "%s/out/micro.json", run_dir);
	doc = json_load_file(path, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "exitscope: check: %s: %s\n", path, jerr.text);
		return NULL;
	}
	if (check_doc_read(doc, map, out, err, sizeof(err)) < 0) {
		fprintf(stderr, "exitscope: check: %s is not exitmicro check's document: %s\n", path,
			err);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The verdicts with the kernel and the host beside them; -errno after one line. */
static int check_write(const char *path, const char *run_dir, const struct run_record *rec,
		       json_t *doc)
{
	char kpath[PATH_MAX + 32];
	json_error_t jerr;
	json_t *kernel, *host;
	int r;

	util_pathf(kpath, sizeof(kpath), "%s/" RUN_KERNEL_FILE, run_dir);
	kernel = json_load_file(kpath, 0, &jerr);
	host = json_pack("{s:s, s:s, s:s}", "accel", accel_name(rec->accel), "emulator",
			 rec->qemu_version, "cpu_vendor", rec->cpu_vendor);
	if (!kernel || !host || json_object_set_new(doc, "kernel", kernel) ||
	    json_object_set_new(doc, "host", host)) {
		fprintf(stderr, "exitscope: check: %s: %s\n", kpath, kernel ? "out of memory" : jerr.text);
		return -EINVAL;
	}
	r = run_result_write(path, doc);
	if (r < 0)
		fprintf(stderr, "exitscope: check: cannot write %s: %s\n", path, strerror(-r));
	return r;
}

/* DIR/<kernel-id>/, made, and the run directory in it. */
static enum run_outcome check_dirs(const struct check_opts *o, const char *kernel_id, char *out_dir,
				   size_t size, char *run_dir, size_t run_size)
{
	char root[PATH_MAX];
	int r;

	if (!o->results && util_checkout_root(root, sizeof(root)) < 0) {
		fprintf(stderr, "exitscope: check: run from an exitscope checkout, or give --results\n");
		return RUN_ENVIRONMENT;
	}
	if ((o->results ? util_pathf(out_dir, size, "%s/%s", o->results, kernel_id)
			: util_pathf(out_dir, size, "%s/results/%s", root, kernel_id)) < 0 ||
	    util_pathf(run_dir, run_size, "%s/check-%s.run", out_dir, o->abi) < 0)
		return RUN_BAD_INPUT;
	r = util_mkdirs(out_dir);
	if (r < 0) {
		fprintf(stderr, "exitscope: check: cannot make %s: %s\n", out_dir, strerror(-r));
		return RUN_ENVIRONMENT;
	}
	return RUN_OK;
}

/* L1's arguments: the micro stage's, and the map an exitscope kernel is to answer. */
static enum run_outcome check_append(const struct check_opts *o, const struct scenario *sc,
				     const struct run_record *rec, char *append, size_t size)
{
	enum run_outcome r = run_resolve_micro(sc, rec, append, size);
	size_t len = strlen(append);

	if (r != RUN_OK || !o->kvm_map)
		return r;
	return util_pathf(append + len, size - len, " kvm.exitscope_map=%s", o->kvm_map) < 0
		       ? RUN_BAD_INPUT : RUN_OK;
}

static enum run_outcome check_kernel(const struct check_opts *o, const struct exsc_map *map,
				     bool *passed)
{
	char append[1024], out_dir[PATH_MAX], run_dir[PATH_MAX + 32], path[PATH_MAX + 32];
	struct run_record rec = { .attempt = 1, .started = time(NULL) };
	static struct check_doc back;
	struct run_inputs in = { 0 };
	struct check_input shown;
	struct run_status st;
	struct scenario sc;
	enum run_outcome r;
	json_t *doc;

	if ((r = check_scenario(o, &sc)) != RUN_OK || (r = run_resolve_host(o->accel, &rec)) ||
	    (r = check_append(o, &sc, &rec, append, sizeof(append))) ||
	    (r = run_resolve(&sc, o->kernel_id, o->series, &in)) != RUN_OK ||
	    (r = check_dirs(o, in.kernel.id, out_dir, sizeof(out_dir), run_dir, sizeof(run_dir))))
		return r;
	util_pathf(rec.scenario, sizeof(rec.scenario), "%s", sc.name);
	util_pathf(rec.kernel_id, sizeof(rec.kernel_id), "%s", in.kernel.id);
	util_pathf(rec.l1_image, sizeof(rec.l1_image), "%s", in.l1.id);
	r = check_boot(&sc, append, run_dir, &in, &rec, &st);
	if (r != RUN_OK)
		return r;
	doc = check_read_doc(run_dir, map, &back);
	if (!doc)
		return RUN_ENVIRONMENT;
	/* What L1 was asked to answer is part of what was graded. */
	if (o->kvm_map && json_object_set_new(doc, "kvm_map", json_string(o->kvm_map))) {
		json_decref(doc);
		return RUN_ENVIRONMENT;
	}
	shown = (struct check_input){ .map = back.map, .isa = back.isa };
	check_table_print(stdout, &shown, &back.report);
	*passed = !check_failures(&back.report);
	util_pathf(path, sizeof(path), "%s/check-%s.json", out_dir, o->abi);
	if (check_write(path, run_dir, &rec, doc) < 0)
		r = RUN_ENVIRONMENT;
	else
		progress("check", "kernel %s, map %s: %s; wrote %s", in.kernel.id, map->name,
			 *passed ? "every rule passed" : "a rule failed", path);
	json_decref(doc);
	return r;
}

int cmd_check(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const struct exsc_map *map;
	struct check_opts o;
	bool passed = false;
	enum run_outcome r;

	if (check_parse(argc, argv, &o, &map) < 0)
		return EXIT_USAGE;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	progress_start();
	r = check_kernel(&o, map, &passed);
	if (r != RUN_OK)
		return run_exit_code(r);
	return passed ? EXIT_OK : EXIT_MEASURED_FAILED;
}
