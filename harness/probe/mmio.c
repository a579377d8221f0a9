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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmio.h"
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

static int mmio_setup(struct workload_ctx *ctx)
{
	struct mmio_state *m = ctx->state;
	int r = mmio_find_ioapic(ctx);

	if (r < 0)
		return r;
	ctx->what = "/dev/mem at 0xfec00000";
	/* O_SYNC: an uncached mapping, as a device register must be. */
	m->fd = open("/dev/mem", O_RDONLY | O_SYNC | O_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	m->map = mmap(NULL, IOAPIC_PAGE, PROT_READ, MAP_SHARED, m->fd, (off_t)IOAPIC_BASE);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		return -errno;
	}
	m->reg = m->map;	/* IOREGSEL is at offset 0 */
	return 0;
}

static int mmio_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	const struct mmio_state *m = ctx->state;

	(void)cpuid;
	for (unsigned long i = 0; i < ctx->args.n; i++)
		(void)*m->reg;	/* volatile: one load, so one exit, each time */
	json_object_update_new(figures, json_pack("{s:I, s:s, s:I}",
		"iterations", (json_int_t)ctx->args.n, "register", "IOAPIC IOREGSEL",
		"address", (json_int_t)IOAPIC_BASE));
	return 0;
}

static void *mmio_state_new(void)
{
	struct mmio_state *m = calloc(1, sizeof(*m));

	if (m)
		m->fd = -1;
	return m;
}

static void mmio_state_free(void *state)
{
	struct mmio_state *m = state;

	if (m->map)
		munmap(m->map, IOAPIC_PAGE);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

const struct workload workload_mmio = {
	.name = "mmio", .param = "N", .fallback = 100000, .min = 0, .max = WORKLOAD_MAX_LOOP,
	.help = "N reads of the IOAPIC's IOREGSEL via /dev/mem (EPT/NPF exits)",
	.hint = "run as root; a kernel with CONFIG_IO_STRICT_DEVMEM needs iomem=relaxed",
	.state_new = mmio_state_new, .setup = mmio_setup, .run = mmio_run,
	.state_free = mmio_state_free,
};
