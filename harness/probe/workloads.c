// SPDX-License-Identifier: GPL-2.0
/* The workloads: each provokes one kind of exit on purpose and reports its figures. */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

#include "workloads.h"

/* Leaf 0: an ordinary leaf that every hypervisor intercepts and answers quickly. */
static int workload_cpuid(probe_cpuid_fn cpuid, unsigned long n, json_t *figures)
{
	struct exsc_regs regs;

	for (unsigned long i = 0; i < n; i++)
		cpuid(0, 0, &regs);
	json_object_set_new(figures, "iterations", json_integer((json_int_t)n));
	return 0;
}

static int workload_idle(probe_cpuid_fn cpuid, unsigned long seconds, json_t *figures)
{
	struct timespec ts = { (time_t)seconds, 0 };

	(void)cpuid;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	json_object_set_new(figures, "seconds", json_integer((json_int_t)seconds));
	return 0;
}

/*
 * Port 0x80 is the POST diagnostic port: writes to it are harmless and always
 * exit.  They go through /dev/port so the guest kernel executes the OUT at CPL0:
 * ioperm()'s TSS bitmap does not take effect in an L2 under emulated SVM (a user
 * OUT there raises #GP), and this path needs no bitmap at all.
 */
static int workload_pio(probe_cpuid_fn cpuid, unsigned long n, json_t *figures)
{
	int fd = open("/dev/port", O_WRONLY | O_CLOEXEC);
	int r = 0;

	(void)cpuid;
	if (fd < 0)
		return -errno;
	for (unsigned long i = 0; i < n && !r; i++) {
		unsigned char value = (unsigned char)i;

		if (pwrite(fd, &value, 1, 0x80) != 1)
			r = -errno;
	}
	close(fd);
	if (!r)
		json_object_set_new(figures, "outb", json_integer((json_int_t)n));
	return r;
}

static const struct workload workloads[] = {
	{ "cpuid", "N", 1000000, "N CPUID instructions of leaf 0", workload_cpuid },
	{ "idle", "SECONDS", 10, "sleep (HLT, timer and interrupt-window exits)", workload_idle },
	{ "pio", "N", 100000, "N writes to port 0x80 via /dev/port (I/O exits)", workload_pio },
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
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		fprintf(out, "  %-6s [%s]  %s (default %lu)\n", workloads[i].name,
			workloads[i].param, workloads[i].help, workloads[i].fallback);
	fprintf(out, "  %-6s        one snapshot, as early as the guest can\n", "boot");
}
