/* SPDX-License-Identifier: GPL-2.0 */
/* run --samples: a thread that reads the counters during the workload, for plots. */
#ifndef EXITSCOPE_SAMPLER_H
#define EXITSCOPE_SAMPLER_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "probe.h"

/* Reasons named in each sample: the ones that moved most since the window began. */
#define SAMPLER_TOP	8
/* Samples kept; later ones are counted in "samples_dropped", not taken. */
#define SAMPLER_MAX	10000

struct probe_sampler {
	probe_cpuid_fn cpuid;
	enum exsc_isa isa;
	const struct probe_snapshot *before;	/* the window's start, what samples subtract */
	unsigned long interval_ms;
	struct timespec start;
	uint64_t reads;		/* CPUID instructions the samples executed: exits in the window */
	unsigned long dropped;
	json_t *samples;	/* [{t_ms, total, own, by_reason: {name: count}}] */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

/* After the window's first snapshot, @before; -errno. */
int sampler_init(struct probe_sampler *s, probe_cpuid_fn cpuid, enum exsc_isa isa,
		 const struct probe_snapshot *before, unsigned long interval_ms);
/* Starts the clock and the thread, which samples at once and then every interval. */
int sampler_start(struct probe_sampler *s);
/* One sample in the caller's thread. */
void sampler_take(struct probe_sampler *s);
/* Stops and joins the thread, then takes the last sample: call before the closing snapshot. */
void sampler_stop(struct probe_sampler *s);
void sampler_destroy(struct probe_sampler *s);

#endif
