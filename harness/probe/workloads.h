/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXITSCOPE_WORKLOADS_H
#define EXITSCOPE_WORKLOADS_H

#include <stdio.h>

#include "probe.h"

struct workload {
	const char *name;
	const char *param;	/* what the one numeric parameter means */
	unsigned long fallback;	/* its value when not given */
	const char *help;
	int (*run)(probe_cpuid_fn cpuid, unsigned long param, json_t *figures);
};

const struct workload *workload_find(const char *name);
void workload_list(FILE *out);

#endif
