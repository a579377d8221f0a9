/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXITSCOPE_WORKLOADS_H
#define EXITSCOPE_WORKLOADS_H

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>

#include "probe.h"

/* What `run WORKLOAD [N] [--path FILE] [--pio K]` asked for. */
struct workload_args {
	unsigned long n;	/* the one positional number */
	const char *path;	/* io: the scratch file */
	unsigned long pio;	/* io: port writes after the disk part */
};

/*
 * What a workload holds across its window.  setup() opens it before the
 * first snapshot, so that a missing device is a usage error and not part of
 * the measurement; workload_release() closes whatever is open.
 */
struct workload_ctx {
	struct workload_args args;
	const char *what;	/* what setup() was touching when it failed */
	bool buffered;		/* io: do not try O_DIRECT (tests force the fallback) */
	bool direct;		/* io: the scratch file is open with O_DIRECT */
	int fd;			/* scratch file, /dev/cpu/0/msr or /dev/mem */
	int port_fd;		/* /dev/port */
	void *buf[2];		/* io: the chunk written, the chunk read back */
	void *map;		/* mmio: the mapped page ... */
	const volatile uint32_t *reg;	/* ... and the register in it */
	bool pinned;		/* msr: affinity holds what to restore */
	cpu_set_t affinity;
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
	int (*setup)(struct workload_ctx *ctx);	/* NULL: nothing to prepare; -errno */
	int (*run)(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
};

const struct workload *workload_find(const char *name);
void workload_list(FILE *out);

void workload_ctx_init(struct workload_ctx *ctx, const struct workload_args *args);
void workload_release(struct workload_ctx *ctx);

/* The workloads that live in their own files. */
int workload_pio_writes(int port_fd, unsigned long n);
int workload_io_setup(struct workload_ctx *ctx);
int workload_io_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
void workload_io_release(struct workload_ctx *ctx);
int workload_msr_setup(struct workload_ctx *ctx);
int workload_msr_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
void workload_msr_release(struct workload_ctx *ctx);
int workload_mmio_setup(struct workload_ctx *ctx);
int workload_mmio_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
void workload_mmio_release(struct workload_ctx *ctx);
int workload_abi(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures);
/* 0 when @iomem (the text of /proc/iomem) has @name at @base; -ENODEV otherwise. */
int mmio_iomem_check(FILE *iomem, unsigned long base, const char *name);

#endif
