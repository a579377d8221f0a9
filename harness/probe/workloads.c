// SPDX-License-Identifier: GPL-2.0
/* The table of workloads and the calls every workload goes through. */
#include <errno.h>
#include <string.h>

#include "workloads.h"

/* In the order `exitprobe --help` lists them. */
static const struct workload *const workloads[] = {
	&workload_cpuid, &workload_idle, &workload_pio, &workload_io,
	&workload_msr, &workload_abi, &workload_mmio,
};

#define NR_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

const struct workload *workload_find(const char *name)
{
	for (size_t i = 0; i < NR_WORKLOADS; i++)
		if (!strcmp(workloads[i]->name, name))
			return workloads[i];
	return NULL;
}

void workload_list(FILE *out)
{
	for (size_t i = 0; i < NR_WORKLOADS; i++) {
		char param[16];

		snprintf(param, sizeof(param), "[%s]", workloads[i]->param);
		fprintf(out, "  %-5s %-9s %s (default %lu)\n", workloads[i]->name, param,
			workloads[i]->help, workloads[i]->fallback);
	}
	fprintf(out, "  %-15s one snapshot, as early as the guest can\n", "boot");
}

int workload_ctx_init(struct workload_ctx *ctx, const struct workload *w,
		      const struct workload_args *args)
{
	*ctx = (struct workload_ctx){ .w = w, .args = *args };
	if (w->state_new && !(ctx->state = w->state_new()))
		return -ENOMEM;
	return 0;
}

int workload_setup(struct workload_ctx *ctx)
{
	return ctx->w->setup ? ctx->w->setup(ctx) : 0;
}

int workload_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	return ctx->w->run(cpuid, ctx, figures);
}

void workload_release(struct workload_ctx *ctx)
{
	if (ctx->state && ctx->w->state_free)
		ctx->w->state_free(ctx->state);
	ctx->state = NULL;
}
