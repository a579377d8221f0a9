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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-doc.h"
#include "check-output.h"
#include "cmd.h"
#include "micro-boot.h"
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

/* exitmicro check's document from the run directory, checked into @out; NULL after one line. */
static json_t *check_read_doc(const struct micro_boot *b, const char *run_dir,
			      const struct exsc_map *map, struct check_doc *out)
{
	json_t *doc = micro_boot_load(b, run_dir, "out/micro.json");
	char err[256];

	if (doc && check_doc_read(doc, map, out, err, sizeof(err)) < 0) {
		fprintf(stderr, "exitscope: check: %s/out/micro.json is not exitmicro check's "
				"document: %s\n", run_dir, err);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The verdicts with the kernel and the host beside them; -errno after one line. */
static int check_write(const char *path, const char *run_dir, const struct micro_boot *b,
		       json_t *doc)
{
	const struct run_record *rec = &b->rec;
	json_t *kernel = micro_boot_load(b, run_dir, RUN_KERNEL_FILE), *host;
	int r;

	if (!kernel)
		return -EINVAL;
	host = json_pack("{s:s, s:s, s:s}", "accel", accel_name(rec->accel), "emulator",
			 rec->qemu_version, "cpu_vendor", rec->cpu_vendor);
	if (!host || json_object_set_new(doc, "kernel", kernel) ||
	    json_object_set_new(doc, "host", host)) {
		fprintf(stderr, "exitscope: check: out of memory\n");
		return -ENOMEM;
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

/* exitmicro check's command and L1's arguments: the map an exitscope kernel is to answer. */
static enum run_outcome check_boot_plan(const struct check_opts *o, struct micro_boot *b,
					char *kvm_map, size_t size)
{
	*b = (struct micro_boot){ .who = "check", .last_result_rc = 1,
				  .sc = { .stock = o->stock, .timeout_s = o->timeout_s } };
	/* exitmicro check exits 1 when a rule failed: that is a verdict, not an error. */
	if (util_pathf(b->sc.name, sizeof(b->sc.name), "check-%s", o->abi) < 0 ||
	    util_pathf(b->sc.probe, sizeof(b->sc.probe), "check %s %u", o->abi, o->k) < 0 ||
	    (o->kvm_map && util_pathf(kvm_map, size, "kvm.exitscope_map=%s", o->kvm_map) < 0))
		return RUN_BAD_INPUT;
	b->extra_append = o->kvm_map ? kvm_map : NULL;
	return RUN_OK;
}

static enum run_outcome check_kernel(const struct check_opts *o, const struct exsc_map *map,
				     bool *passed)
{
	char kvm_map[64], out_dir[PATH_MAX], run_dir[PATH_MAX + 32], path[PATH_MAX + 32];
	static struct check_doc back;
	static struct micro_boot b;
	struct check_input shown;
	enum run_outcome r;
	json_t *doc;

	if ((r = check_boot_plan(o, &b, kvm_map, sizeof(kvm_map))) != RUN_OK ||
	    (r = micro_boot_resolve(&b, o->accel, o->kernel_id, o->series)) != RUN_OK ||
	    (r = check_dirs(o, b.in.kernel.id, out_dir, sizeof(out_dir), run_dir,
			    sizeof(run_dir))) != RUN_OK ||
	    (r = micro_boot_run(&b, run_dir)) != RUN_OK)
		return r;
	doc = check_read_doc(&b, run_dir, map, &back);
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
	if (check_write(path, run_dir, &b, doc) < 0)
		r = RUN_ENVIRONMENT;
	else
		progress("check", "kernel %s, map %s: %s; wrote %s", b.in.kernel.id, map->name,
			 *passed ? "every rule passed" : "a rule failed", path);
	json_decref(doc);
	return r;
}

int cmd_check(int argc, char **argv)
{
	const struct exsc_map *map;
	struct check_opts o;
	bool passed = false;
	enum run_outcome r;

	if (check_parse(argc, argv, &o, &map) < 0)
		return EXIT_USAGE;
	run_catch_signals();
	progress_start();
	r = check_kernel(&o, map, &passed);
	if (r != RUN_OK)
		return run_exit_code(r);
	return passed ? EXIT_OK : EXIT_MEASURED_FAILED;
}
