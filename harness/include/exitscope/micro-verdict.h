/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "exact" means for the micro guest, in one place for its writer
 * (micro/account.c, micro/document.c) and the readers that hold documents
 * and results to it (src/micro-doc.c, src/result-micro.c).
 */
#ifndef EXITSCOPE_MICRO_VERDICT_H
#define EXITSCOPE_MICRO_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A reason is exact when each view counted what was caused, its own exits taken out. */
static inline bool micro_views_exact(int64_t caused, int64_t cpuid, int64_t debugfs,
				     int64_t traced)
{
	return cpuid == caused && debugfs == caused && traced == caused;
}

/* A run is exact when it caused some reason, every one exact, and nothing failed. */
static inline bool micro_run_exact(size_t nr_reasons, size_t nr_exact, size_t nr_errors)
{
	return nr_reasons > 0 && nr_exact == nr_reasons && nr_errors == 0;
}

#endif
