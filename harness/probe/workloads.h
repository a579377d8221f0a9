/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXITSCOPE_WORKLOADS_H
#define EXITSCOPE_WORKLOADS_H

#include <stdbool.h>
#include <stdio.h>

#include "probe.h"

/* What `run WORKLOAD [N]` asked for. */
struct workload_args {
	unsigned long n;	/* the one positional number */
};

/*
 * What a workload holds across its window.  setup() opens it before the
 * first snapshot, so that a missing device is a usage error and not part of
 * the measurement; workload_release() closes whatever is open.
 */
struct workload_ctx {
	struct workload_args args;
	const char *what;	/* what setup() was touching when it failed */
	int port_fd;		/* /dev/port */
};

/* Upper bound of the loop workloads: days of exits, and far inside a JSON integer. */
#define WORKLOAD_MAX_LOOP 10000000000UL

struct workload {
	const char *name;
	const char *param;	/* what the one numeric parameter means */
	unsigned long fallback;	/* its value when not given */
	unsigned long min, max;
	const char *help;
	const char *hint;	/* what to do when setup() fails */
	int (*setup)(struct workload_ctx *ctx);	/* NULL: nothing to prepare; -errno */
	int (*run)(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
};

const struct workload *workload_find(const char *name);
void workload_list(FILE *out);

void workload_ctx_init(struct workload_ctx *ctx, const struct workload_args *args);
void workload_release(struct workload_ctx *ctx);

int workload_pio_writes(int port_fd, unsigned long n);

#endif
