// SPDX-License-Identifier: GPL-2.0
/*
 * The mmio workload: loads from a device register that no memory backs, so each
 * one exits (EPT_MISCONFIG or EPT_VIOLATION under VMX, npf under SVM) and is
 * emulated by KVM's in-kernel IOAPIC or by QEMU's.
 *
 * The register is the IOAPIC's IOREGSEL at 0xfec00000: every PC guest has an
 * IOAPIC there, and reading IOREGSEL has no side effect.  Safer than it looks,
 * and the only register used for that reason: reading any other IOAPIC register
 * needs a write to IOREGSEL first, which would race with the guest kernel's own
 * select-then-access pairs (made under its ioapic_lock, which user space cannot
 * take) and could misroute an interrupt.  Not the HPET main counter, which needs
 * no select: virt-install turns the HPET off.  /proc/iomem is checked first so
 * that nothing but an IOAPIC is ever read.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workloads.h"

#define IOAPIC_BASE	0xfec00000UL
#define IOAPIC_PAGE	4096UL

int mmio_iomem_check(FILE *iomem, unsigned long base, const char *name)
{
	char line[256];

	while (fgets(line, sizeof(line), iomem)) {
		unsigned long start, end;
		int at = 0;

		if (sscanf(line, " %lx-%lx : %n", &start, &end, &at) == 2 && at &&
		    start == base && !strncmp(line + at, name, strlen(name)))
			return 0;
	}
	return -ENODEV;
}

static int mmio_find_ioapic(struct workload_ctx *ctx)
{
	FILE *iomem;
	int r;

	/* Unprivileged readers see zero addresses, so this also needs root. */
	ctx->what = "/proc/iomem (an IOAPIC at 0xfec00000)";
	iomem = fopen("/proc/iomem", "re");
	if (!iomem)
		return -errno;
	r = mmio_iomem_check(iomem, IOAPIC_BASE, "IOAPIC");
	fclose(iomem);
	return r;
}

int workload_mmio_setup(struct workload_ctx *ctx)
{
	int r = mmio_find_ioapic(ctx);

	if (r < 0)
		return r;
	ctx->what = "/dev/mem at 0xfec00000";
	/* O_SYNC: an uncached mapping, as a device register must be. */
	ctx->fd = open("/dev/mem", O_RDONLY | O_SYNC | O_CLOEXEC);
	if (ctx->fd < 0)
		return -errno;
	ctx->map = mmap(NULL, IOAPIC_PAGE, PROT_READ, MAP_SHARED, ctx->fd, (off_t)IOAPIC_BASE);
	if (ctx->map == MAP_FAILED) {
		ctx->map = NULL;
		return -errno;
	}
	ctx->reg = ctx->map;	/* IOREGSEL is at offset 0 */
	return 0;
}

void workload_mmio_release(struct workload_ctx *ctx)
{
	if (ctx->map)
		munmap(ctx->map, IOAPIC_PAGE);
	ctx->map = NULL;
	ctx->reg = NULL;
}

int workload_mmio_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	(void)cpuid;
	for (unsigned long i = 0; i < ctx->args.n; i++)
		(void)*ctx->reg;	/* volatile: one load, so one exit, each time */
	json_object_update_new(figures, json_pack("{s:I, s:s, s:I}",
		"iterations", (json_int_t)ctx->args.n, "register", "IOAPIC IOREGSEL",
		"address", (json_int_t)IOAPIC_BASE));
	return 0;
}
