/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workloads: a table of entries, each with its own setup, run and state.
 * The generic code here finds an entry, allocates its state and dispatches;
 * only the workload's own module knows what its state holds.  Helpers here
 * do not print: setup() leaves in ctx->what what it was touching when it
 * failed, for the command to print with the entry's hint.
 */
#ifndef EXITSCOPE_WORKLOADS_H
#define EXITSCOPE_WORKLOADS_H

#include <stdio.h>

#include "probe.h"

/* What `run WORKLOAD [N] [--path FILE] [--pio K]` asked for. */
struct workload_args {
	unsigned long n;	/* the one positional number */
	const char *path;	/* io: the scratch file */
	unsigned long pio;	/* io: port writes after the disk part */
};

struct workload;

/*
 * One workload's window.  setup() opens what the workload needs before the
 * first snapshot, so that a missing device is a usage error and not part of
 * the measurement; workload_release() closes it again.
 */
struct workload_ctx {
	const struct workload *w;
	struct workload_args args;
	const char *what;	/* what setup() was touching when it failed */
	void *state;		/* the workload's own, from its state_new(); NULL without */
};

/* Options a workload accepts besides its number. */
enum { WORKLOAD_OPT_PATH = 1 << 0, WORKLOAD_OPT_PIO = 1 << 1 };

/* io's scratch file when --path does not name one. */
#define DISK_DEFAULT_PATH "/var/tmp/exitprobe.scratch"

/* Upper bound of the loop workloads: days of exits, and far inside a JSON integer. */
#define WORKLOAD_MAX_LOOP 10000000000UL

struct workload {
	const char *name;
	const char *param;	/* what the one numeric parameter means */
	unsigned long fallback;	/* its value when not given */
	unsigned long min, max;
	unsigned int options;	/* WORKLOAD_OPT_* */
	const char *help;
	const char *hint;	/* what to do when setup() fails */
	/* The state, with nothing open yet; NULL when out of memory.  NULL: no state. */
	void *(*state_new)(void);
	int (*setup)(struct workload_ctx *ctx);	/* NULL: nothing to prepare; -errno */
	int (*run)(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
	/* Closes what setup() opened, even half of it, and frees the state. */
	void (*state_free)(void *state);
};

/* The entries, each defined in its workload's own module. */
extern const struct workload workload_cpuid, workload_idle;	/* plain.c */
extern const struct workload workload_pio;			/* pio.c */
extern const struct workload workload_io;			/* disk.c */
extern const struct workload workload_msr;			/* msr.c */
extern const struct workload workload_abi;			/* abi-check.c */
extern const struct workload workload_mmio;			/* mmio.c */

const struct workload *workload_find(const char *name);
void workload_list(FILE *out);

/* @w's context with a fresh state; -ENOMEM.  Release it even on failure. */
int workload_ctx_init(struct workload_ctx *ctx, const struct workload *w,
		      const struct workload_args *args);
/* The workload's setup(), if it has one; -errno with ctx->what set. */
int workload_setup(struct workload_ctx *ctx);
/* The workload itself: the window's contents.  Its figures go to @figures. */
int workload_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
void workload_release(struct workload_ctx *ctx);

#endif
