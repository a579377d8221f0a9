/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The threads of a local process as /proc shows them: which sleep, in which
 * system call, and which burn CPU.  L0's QEMU at a stage timeout, so that a
 * hung L1 tells a vCPU thread that waits apart from one that spins
 * (docs/nested-stall.md).
 */
#ifndef EXITSCOPE_THREADS_H
#define EXITSCOPE_THREADS_H

#include <stdio.h>
#include <sys/types.h>

struct thread_stat {
	int tid;
	char comm[64];			/* QEMU names vCPU threads "CPU 0/TCG" */
	char state;			/* R, S, D, ... */
	unsigned long long cpu_ticks;	/* utime + stime, in clock ticks */
};

/*
 * Parses a /proc/PID/task/TID/stat line.  comm may hold spaces and
 * parentheses, so it ends at the last ')'.  0, or -EINVAL.
 */
int thread_stat_parse(const char *line, struct thread_stat *st);

/*
 * Appends one line per thread of @pid to @out: tid, state, CPU ticks, the
 * system call it waits in ("running" when on a CPU) and comm.  0, or -errno.
 */
int threads_snapshot(pid_t pid, FILE *out);

/*
 * @samples snapshots of @pid, @interval_ms apart, to @path (atomically),
 * each headed by its time: the CPU ticks between two show who runs.
 * 0, or -errno.
 */
int threads_dump(pid_t pid, const char *path, int samples, int interval_ms);

#endif
