// SPDX-License-Identifier: GPL-2.0
/* The workloads: each provokes one kind of exit on purpose and reports its figures. */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

#include "workloads.h"

/* Leaf 0: an ordinary leaf that every hypervisor intercepts and answers quickly. */
static int workload_cpuid(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	struct exsc_regs regs;

	for (unsigned long i = 0; i < ctx->args.n; i++)
		cpuid(0, 0, &regs);
	json_object_set_new(figures, "iterations", json_integer((json_int_t)ctx->args.n));
	return 0;
}

static int workload_idle(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	struct timespec ts = { (time_t)ctx->args.n, 0 };

	(void)cpuid;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	json_object_set_new(figures, "seconds", json_integer((json_int_t)ctx->args.n));
	return 0;
}

/*
 * Port 0x80 is the POST diagnostic port: writes to it are harmless and always
 * exit.  They go through /dev/port so the guest kernel executes the OUT at CPL0:
 * ioperm()'s TSS bitmap does not take effect in an L2 under emulated SVM (a user
 * OUT there raises #GP), and this path needs no bitmap at all.
 */
static int workload_pio_setup(struct workload_ctx *ctx)
{
	ctx->what = "/dev/port";
	ctx->port_fd = open("/dev/port", O_WRONLY | O_CLOEXEC);
	return ctx->port_fd < 0 ? -errno : 0;
}

int workload_pio_writes(int port_fd, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned char value = (unsigned char)i;

		ssize_t written = pwrite(port_fd, &value, 1, 0x80);

		if (written < 0)
			return -errno;
		if (written != 1)
			return -EIO;
	}
	return 0;
}

static int workload_pio(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	int r = workload_pio_writes(ctx->port_fd, ctx->args.n);

	(void)cpuid;
	if (!r)
		json_object_set_new(figures, "outb", json_integer((json_int_t)ctx->args.n));
	return r;
}

/* io needs /dev/port only when --pio asks for port writes. */
static int workload_io_prepare(struct workload_ctx *ctx)
{
	int r = ctx->args.pio ? workload_pio_setup(ctx) : 0;

	return r < 0 ? r : workload_io_setup(ctx);
}

static const struct workload workloads[] = {
	{ "cpuid", "N", 1000000, 0, WORKLOAD_MAX_LOOP, 0, "N CPUID instructions of leaf 0",
	  NULL, NULL, workload_cpuid },
	{ "idle", "SECONDS", 10, 0, 86400, 0, "sleep (HLT, timer and interrupt-window exits)",
	  NULL, NULL, workload_idle },
	{ "pio", "N", 100000, 0, WORKLOAD_MAX_LOOP, 0,
	  "N writes to port 0x80 via /dev/port (I/O exits)",
	  "run as root, on a kernel without lockdown", workload_pio_setup, workload_pio },
	{ "io", "MIB", 16, 1, 1UL << 20, WORKLOAD_OPT_PATH | WORKLOAD_OPT_PIO,
	  "write, fsync, read back MIB MiB on a scratch file (see below)",
	  "--path must name a new file on a filesystem with room for MIB MiB; "
	  "--pio needs root for /dev/port", workload_io_prepare, workload_io_run },
	{ "msr", "N", 100000, 0, WORKLOAD_MAX_LOOP, 0,
	  "N reads of IA32_APIC_BASE via /dev/cpu/0/msr (MSR exits)",
	  "modprobe msr, and run as root", workload_msr_setup, workload_msr_run },
	{ "abi", "N", 0, 0, 0, 0,
	  "check the CPUID ABI: discovery, undefined and never-counted reasons, self-count",
	  NULL, NULL, workload_abi },
	{ "mmio", "N", 100000, 0, WORKLOAD_MAX_LOOP, 0,
	  "N reads of the IOAPIC's IOREGSEL via /dev/mem (EPT/NPF exits)",
	  "run as root; a kernel with CONFIG_IO_STRICT_DEVMEM needs iomem=relaxed",
	  workload_mmio_setup, workload_mmio_run },
};

const struct workload *workload_find(const char *name)
{
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(workloads[i].name, name))
			return &workloads[i];
	return NULL;
}

void workload_list(FILE *out)
{
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		char param[16];

		snprintf(param, sizeof(param), "[%s]", workloads[i].param);
		fprintf(out, "  %-5s %-9s %s (default %lu)\n", workloads[i].name, param,
			workloads[i].help, workloads[i].fallback);
	}
	fprintf(out, "  %-15s one snapshot, as early as the guest can\n", "boot");
}

void workload_ctx_init(struct workload_ctx *ctx, const struct workload_args *args)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->args = *args;
	ctx->fd = -1;
	ctx->port_fd = -1;
}

void workload_release(struct workload_ctx *ctx)
{
	workload_mmio_release(ctx);
	workload_msr_release(ctx);
	workload_io_release(ctx);
	if (ctx->fd >= 0)
		close(ctx->fd);
	if (ctx->port_fd >= 0)
		close(ctx->port_fd);
	ctx->fd = ctx->port_fd = -1;
}
