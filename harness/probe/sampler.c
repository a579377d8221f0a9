// SPDX-License-Identifier: GPL-2.0
/*
 * run --samples.  Each sample is a whole snapshot (so the CPUID reason is read
 * the same way as in the window's own snapshots), reduced to the total and the
 * top reasons as deltas from the window's start.  Every CPUID the sampler
 * executes is an exit inside the window; it counts them in ->reads so that
 * probe_cpuid_exits, and with it the cpuid workload's exact check, include them,
 * and each sample says how many of its exits were the probe's own ("own":
 * the CPUID reason's and the total's alike, both counted to the sample's first
 * read as the window is counted to the closing snapshot's).
 * A sample of the other vCPU is never missed by the closing snapshot: the thread
 * is joined first, and the counter its exit incremented was written before that
 * vCPU re-entered the guest.
 */
#include <errno.h>

#include "exitscope/reasons.h"
#include "sampler.h"
#include "window.h"

static uint64_t sampler_ms_since(const struct timespec *start)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
	     (now.tv_nsec - start->tv_nsec) / 1000000;
	return ms > 0 ? (uint64_t)ms : 0;
}

/* Reasons the probe cannot name share one key, so none is lost. */
static void sampler_top_add(json_t *top, const char *name, uint64_t delta)
{
	const char *key = name ? name : WINDOW_UNKNOWN_NAME;
	uint64_t before = (uint64_t)json_integer_value(json_object_get(top, key));

	json_object_set_new(top, key, json_integer((json_int_t)(before + delta)));
}

/* The SAMPLER_TOP reasons with the largest non-zero deltas, as {name: count}. */
static json_t *sampler_top(const struct probe_sampler *s, const struct probe_snapshot *now)
{
	uint64_t delta[PROBE_MAX_REASONS];
	json_t *top = json_object();

	for (size_t i = 0; i < now->nr; i++)
		delta[i] = probe_delta_count(s->isa, s->before, now, i);
	for (int k = 0; k < SAMPLER_TOP; k++) {
		size_t best = now->nr;

		for (size_t i = 0; i < now->nr; i++)
			if (delta[i] && (best == now->nr || delta[i] > delta[best]))
				best = i;
		if (best == now->nr)
			break;
		sampler_top_add(top, reasons_name(s->isa, now->code[best]), delta[best]);
		delta[best] = 0;
	}
	return top;
}

void sampler_take(struct probe_sampler *s)
{
	struct probe_snapshot now;
	uint64_t t_ms, own, reads;

	if (json_array_size(s->samples) >= SAMPLER_MAX) {
		s->dropped++;
		return;
	}
	t_ms = sampler_ms_since(&s->start);
	/* The earlier samples' reads and this one's first, which counts itself. */
	own = probe_window_cpuid_exits(s->reads);
	reads = probe_snapshot_take_map(s->cpuid, s->before->map, s->isa, &now);
	s->reads += reads;
	/* As the window's total: from the start's last read to this sample's first. */
	json_array_append_new(s->samples, json_pack("{s:I, s:I, s:I, s:o}", "t_ms", (json_int_t)t_ms,
		"total", (json_int_t)probe_delta_total(s->before, &now, reads),
		"own", (json_int_t)own, "by_reason", sampler_top(s, &now)));
}

static void sampler_deadline(struct timespec *at, unsigned long ms)
{
	clock_gettime(CLOCK_MONOTONIC, at);
	at->tv_sec += (time_t)(ms / 1000);
	at->tv_nsec += (long)(ms % 1000) * 1000000;
	if (at->tv_nsec >= 1000000000) {
		at->tv_sec++;
		at->tv_nsec -= 1000000000;
	}
}

/* Samples at once, so that even a window shorter than the start-up has one, then on time. */
static void *sampler_main(void *arg)
{
	struct probe_sampler *s = arg;
	struct timespec next;
	bool stop;

	do {
		sampler_take(s);
		sampler_deadline(&next, s->interval_ms);
		pthread_mutex_lock(&s->lock);
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &next) != ETIMEDOUT)
			;
		stop = s->stop;
		pthread_mutex_unlock(&s->lock);
	} while (!stop);
	return NULL;
}

int sampler_init(struct probe_sampler *s, probe_cpuid_fn cpuid, enum exsc_isa isa,
		 const struct probe_snapshot *before, unsigned long interval_ms)
{
	pthread_condattr_t attr;
	int r;

	*s = (struct probe_sampler){ .cpuid = cpuid, .isa = isa, .before = before,
				     .interval_ms = interval_ms, .samples = json_array() };
	r = pthread_condattr_init(&attr);
	if (r)
		goto err_samples;
	/* A monotonic deadline, so that a clock step neither stalls nor rushes the samples. */
	r = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!r)
		r = pthread_cond_init(&s->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (r)
		goto err_samples;
	r = pthread_mutex_init(&s->lock, NULL);
	if (r)
		goto err_cond;
	return 0;

err_cond:
	pthread_cond_destroy(&s->wake);
err_samples:
	json_decref(s->samples);
	return -r;
}

int sampler_start(struct probe_sampler *s)
{
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	return -pthread_create(&s->thread, NULL, sampler_main, s);
}

void sampler_stop(struct probe_sampler *s)
{
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	sampler_take(s);
}

void sampler_destroy(struct probe_sampler *s)
{
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	json_decref(s->samples);
	s->samples = NULL;
}
