// SPDX-License-Identifier: GPL-2.0
/* The workloads that need no device and keep no state: cpuid and idle. */
#include <errno.h>
#include <time.h>

#include "workloads.h"

/* Leaf 0: an ordinary leaf that every hypervisor intercepts and answers quickly. */
static int cpuid_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	struct exsc_regs regs;

	for (unsigned long i = 0; i < ctx->args.n; i++)
		cpuid(0, 0, &regs);
	json_object_set_new(figures, "iterations", json_integer((json_int_t)ctx->args.n));
	return 0;
}

static int idle_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	struct timespec ts = { (time_t)ctx->args.n, 0 };

	(void)cpuid;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	json_object_set_new(figures, "seconds", json_integer((json_int_t)ctx->args.n));
	return 0;
}

const struct workload workload_cpuid = {
	.name = "cpuid", .param = "N", .fallback = 1000000, .min = 0, .max = WORKLOAD_MAX_LOOP,
	.help = "N CPUID instructions of leaf 0",
	.run = cpuid_run,
};

const struct workload workload_idle = {
	.name = "idle", .param = "SECONDS", .fallback = 10, .min = 0, .max = 86400,
	.help = "sleep (HLT, timer and interrupt-window exits)",
	.run = idle_run,
};
