// SPDX-License-Identifier: GPL-2.0
/*
 * exitscope bench cost: what one exit costs a kernel's KVM, with and
 * without tracing, measured by exitmicro cost in the micro stage (cost-doc.h).
 * The run's own stages boot it; the document, with the kernel and the host
 * beside it, goes to --out instead of a result.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cost-doc.h"
#include "micro-boot.h"
#include "opts.h"
#include "progress.h"
#include "run.h"
#include "util.h"

#define BENCH_COST_SCHEMA "exitscope/bench/cost/v1"

struct bench_opts {
	const char *kernel_id;
	const char *series;
	const char *accel;
	const char *out;
	bool stock;
	unsigned int n;
	unsigned int windows;
	unsigned int timeout_s;
};

static const char *const bench_series[] = { "6.1", "6.12", NULL };

static const struct opt bench_table[] = {
	{ "kernel", 0, OPT_STRING, offsetof(struct bench_opts, kernel_id), "ID",
	  "a kernel from 'exitscope kernel list', stock or patched", 0, 0, NULL },
	{ "series", 0, OPT_CHOICE, offsetof(struct bench_opts, series), "S",
	  "else the kernel series to build, 6.1 (default) or 6.12", 0, 0, bench_series },
	{ "stock", 0, OPT_FLAG, offsetof(struct bench_opts, stock), NULL,
	  "... unpatched (the baseline)", 0, 0, NULL },
	{ "accel", 0, OPT_STRING, offsetof(struct bench_opts, accel), "A",
	  "auto, kvm, tcg or bochs (default: $ACCEL, else auto)", 0, 0, NULL },
	{ "n", 0, OPT_UINT, offsetof(struct bench_opts, n), "N",
	  "CPUIDs per window, 1 to 100000000 (default 100000)", 1, 100000000, NULL },
	{ "windows", 0, OPT_UINT, offsetof(struct bench_opts, windows), "W",
	  "windows per mode, 1 to 100 (default 5)", 1, 100, NULL },
	{ "timeout", 0, OPT_UINT, offsetof(struct bench_opts, timeout_s), "S",
	  "L1's limit for the whole measurement, 1 to 86400 (default 600)", 1, 86400, NULL },
	{ "out", 0, OPT_STRING, offsetof(struct bench_opts, out), "FILE",
	  "where the JSON goes (required); the run's logs go to FILE.run/", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope bench cost [--kernel ID | --series S [--stock]] [--accel A]\n"
		"                            [--n N] [--windows W] [--timeout S] --out FILE\n\n"
		"Boots the kernel as L1 in the micro stage (QEMU, or Bochs with --accel bochs) and\n"
		"has exitmicro cost time N CPUID exits of one VM by the guest's TSC, W windows each\n"
		"with no tracing (plain), with the kvm_exit event enabled (event) and with a hist\n"
		"trigger on it (hist).  Any kernel: a stock one is the baseline the patch's own cost\n"
		"is measured against.  Under Bochs the TSC counts instructions, so the figures repeat\n"
		"exactly; under TCG they follow the host's clock.  FILE gets {schema, kernel, host,\n"
		"l1_boot_s, cost}; `make bench` compares the kernels.\n\noptions:\n");
	opts_usage(out, bench_table);
	fprintf(out, "\nExit 0 measured, 2 bad usage, 3 the environment cannot run it, 124 timed\n"
		     "out, 130 interrupted.\n");
}

static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	int n;

	*o = (struct bench_opts){ .series = "6.1", .accel = getenv("ACCEL"), .n = 100000,
				  .windows = 5, .timeout_s = 600 };
	if (argc < 2 || strcmp(argv[1], "cost")) {
		fprintf(stderr, "exitscope: bench: the one benchmark here is 'cost'; see "
				"'exitscope help bench'\n");
		return -EINVAL;
	}
	n = opts_parse("bench cost", bench_table, argc - 1, argv + 1, o);
	if (n < 0)
		return -EINVAL;
	if (n > 0 || !o->out) {
		fprintf(stderr, "exitscope: bench: cost %s; see 'exitscope help bench'\n",
			n > 0 ? "takes no operand" : "needs --out FILE");
		return -EINVAL;
	}
	if (o->kernel_id && !kernel_id_valid(o->kernel_id)) {
		fprintf(stderr, "exitscope: bench: --kernel needs ID, %d hex digits as 'exitscope "
				"kernel list' shows them, not '%s'\n", KERNEL_ID_LEN, o->kernel_id);
		return -EINVAL;
	}
	return 0;
}

/* exitmicro's document from the run directory, checked; NULL after one line. */
static json_t *bench_read_doc(const struct micro_boot *b, const char *run_dir)
{
	json_t *doc = micro_boot_load(b, run_dir, "out/micro.json");
	char err[256];

	if (doc && cost_doc_check(doc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exitscope: bench: %s/out/micro.json is not exitmicro cost's "
				"document: %s\n", run_dir, err);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* {schema, kernel (its manifest), host, l1_boot_s, cost}; NULL after one line. */
static json_t *bench_compose(const struct micro_boot *b, const char *run_dir, json_t *cost)
{
	const struct run_record *rec = &b->rec;
	json_t *kernel = micro_boot_load(b, run_dir, RUN_KERNEL_FILE);

	if (!kernel)
		return NULL;
	return json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:f, s:O}", "schema", BENCH_COST_SCHEMA,
			 "kernel", kernel, "host", "accel", accel_name(rec->accel), "emulator",
			 rec->qemu_version, "cpu_vendor", rec->cpu_vendor, "l1_boot_s",
			 rec->stage_s[STAGE_L1_BOOT], "cost", cost);
}

/* The run's writer: sorted, indented, whole or not at all. */
static int bench_write(const char *path, json_t *doc)
{
	int r = run_result_write(path, doc);

	if (r < 0)
		fprintf(stderr, "exitscope: bench: cannot write %s: %s\n", path, strerror(-r));
	return r;
}

static void bench_summary(json_t *cost, const char *path)
{
	double plain = cost_doc_per_exit(cost, "plain");

	progress("bench", "cost: %s per exit, by the guest's TSC: plain %.1f, event %.1f (%+.1f %%), "
		 "hist %.1f (%+.1f %%); wrote %s",
		 json_is_true(json_object_get(cost, "exitscope")) ? "exitscope kernel" : "stock kernel",
		 plain, cost_doc_per_exit(cost, "event"),
		 100.0 * (cost_doc_per_exit(cost, "event") / plain - 1), cost_doc_per_exit(cost, "hist"),
		 100.0 * (cost_doc_per_exit(cost, "hist") / plain - 1), path);
}

static enum run_outcome bench_cost(const struct bench_opts *o)
{
	char run_dir[PATH_MAX];
	static struct micro_boot b;
	json_t *cost, *doc;
	enum run_outcome r;

	b = (struct micro_boot){ .who = "bench",
				 .sc = { .name = "cost", .stock = o->stock, .timeout_s = o->timeout_s } };
	if (util_pathf(b.sc.probe, sizeof(b.sc.probe), "cost %u %u", o->n, o->windows) < 0 ||
	    util_pathf(run_dir, sizeof(run_dir), "%s.run", o->out) < 0)
		return RUN_BAD_INPUT;
	if ((r = micro_boot_resolve(&b, o->accel, o->kernel_id, o->series)) != RUN_OK ||
	    (r = micro_boot_run(&b, run_dir)) != RUN_OK)
		return r;
	cost = bench_read_doc(&b, run_dir);
	doc = cost ? bench_compose(&b, run_dir, cost) : NULL;
	if (doc && !bench_write(o->out, doc))
		bench_summary(cost, o->out);
	else
		r = RUN_ENVIRONMENT;
	json_decref(doc);
	json_decref(cost);
	return r;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_opts o;

	if (bench_parse(argc, argv, &o) < 0)
		return EXIT_USAGE;
	run_catch_signals();
	progress_start();
	return run_exit_code(bench_cost(&o));
}
