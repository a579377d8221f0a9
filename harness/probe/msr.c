// SPDX-License-Identifier: GPL-2.0
/*
 * The msr workload: RDMSR of an MSR the hypervisor intercepts.  User space can
 * only reach RDMSR through the msr driver, /dev/cpu/N/msr, which executes it in
 * the guest kernel when pread() is called at offset = MSR index.
 *
 * The MSR is IA32_APIC_BASE (0x1b), intercepted under both vendors (checked in
 * Debian's 6.1.192; the lists have not gained it since):
 *  - SVM: svm_vcpu_init_msrpm() starts from an all-ones permission map and opens
 *    only direct_access_msrs[]; 0x1b is not among them.
 *  - VMX: the MSR bitmap starts all ones and only vmx_possible_passthrough_msrs[]
 *    and the x2APIC range 0x800-0x8ff are ever opened; 0x1b is in neither.
 * KVM answers it from vcpu->arch.apic_base in kvm_get_msr_common(): no side
 * effect, and no fastpath, so even 6.1 SVM's kvm_exit tracepoint sees every read
 * (ABI.md).  IA32_TSC (0x10) would not do: VMX passes its reads through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "msr.h"
#include "workloads.h"

#define MSR_IA32_APICBASE	0x1b

/*
 * The msr driver runs RDMSR on the CPU the file names; from any other CPU it
 * sends an IPI, whose ICR write and interrupt would add exits of other reasons.
 * So the probe moves to CPU 0 for the workload.
 */
static int msr_pin_to_cpu0(struct workload_ctx *ctx)
{
	struct msr_state *m = ctx->state;
	cpu_set_t cpu0;

	ctx->what = "CPU 0 (sched_setaffinity)";
	if (sched_getaffinity(0, sizeof(m->affinity), &m->affinity) < 0)
		return -errno;
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0) < 0)
		return -errno;
	m->pinned = true;
	return 0;
}

static int msr_setup(struct workload_ctx *ctx)
{
	struct msr_state *m = ctx->state;
	int r = msr_pin_to_cpu0(ctx);

	if (r < 0)
		return r;
	ctx->what = MSR_DEVICE;
	m->fd = open(MSR_DEVICE, O_RDONLY | O_CLOEXEC);
	return m->fd < 0 ? -errno : 0;
}

static int msr_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	const struct msr_state *m = ctx->state;
	uint64_t value;

	(void)cpuid;
	for (unsigned long i = 0; i < ctx->args.n; i++) {
		ssize_t got = pread(m->fd, &value, sizeof(value), MSR_IA32_APICBASE);

		if (got < 0)
			return -errno;	/* EIO: the RDMSR faulted */
		if (got != sizeof(value))
			return -EIO;
	}
	json_object_update_new(figures, json_pack("{s:I, s:i, s:s, s:s}",
		"iterations", (json_int_t)ctx->args.n, "msr", MSR_IA32_APICBASE,
		"msr_name", "IA32_APIC_BASE", "device", MSR_DEVICE));
	return 0;
}

static void *msr_state_new(void)
{
	struct msr_state *m = calloc(1, sizeof(*m));

	if (m)
		m->fd = -1;
	return m;
}

/* Puts the probe back on the CPUs it had, and closes the device. */
static void msr_state_free(void *state)
{
	struct msr_state *m = state;

	if (m->pinned)
		sched_setaffinity(0, sizeof(m->affinity), &m->affinity);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

const struct workload workload_msr = {
	.name = "msr", .param = "N", .fallback = 100000, .min = 0, .max = WORKLOAD_MAX_LOOP,
	.help = "N reads of IA32_APIC_BASE via /dev/cpu/0/msr (MSR exits)",
	.hint = "modprobe msr, and run as root",
	.state_new = msr_state_new, .setup = msr_setup, .run = msr_run,
	.state_free = msr_state_free,
};
