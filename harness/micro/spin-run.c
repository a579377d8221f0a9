// SPDX-License-Identifier: GPL-2.0
/*
 * exitmicro spin, the VM half: guest.S's cpuid action, its window run again
 * and again (the guest jumps back to it after each DONE), each time with a
 * batch of MICRO_SPIN_BATCH.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "exitscope/reasons.h"
#include "measure.h"
#include "spin.h"
#include "views.h"
#include "vm.h"

/* Any MSR the warm-up can read without a fault; measure.c's choice. */
#define SPIN_WARMUP_MSR		0x1a0	/* IA32_MISC_ENABLE */

static int blame(struct micro_spin *s, const char *what, int r)
{
	if (r < 0)
		s->failed = what;
	return r;
}

/* Up to READY: the discovery read tells an exitscope kernel and its ISA. */
static int spin_warm_up(struct micro_spin *s, struct micro_vm *vm, enum exsc_isa *isa)
{
	uint64_t lo, hi;
	struct exsc_regs regs;
	struct exsc_info info;
	int r = micro_vm_run_until(vm, MICRO_PORT_DISCOVERED, MICRO_SPIN_BATCH_TIMEOUT_S);

	if (r)
		return blame(s, "the guest's discovery", r);
	lo = micro_vm_mailbox_get(vm, MB_INFO);
	hi = micro_vm_mailbox_get(vm, MB_INFO + 8);
	regs = (struct exsc_regs){ (uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi,
				   (uint32_t)(hi >> 32) };
	if (exsc_decode_info(&regs, &info))
		return -ENODEV;
	*isa = info.isa;
	micro_vm_mailbox_set(vm, MB_OP, MICRO_OP_CPUID);
	micro_vm_mailbox_set(vm, MB_REASON, reasons_cpuid(info.isa));
	micro_vm_mailbox_set(vm, MB_MSR, SPIN_WARMUP_MSR);
	micro_vm_mailbox_set(vm, MB_COUNT, MICRO_SPIN_BATCH);
	return blame(s, "the guest's warm-up", micro_vm_run_until(vm, MICRO_PORT_READY,
								  MICRO_SPIN_BATCH_TIMEOUT_S));
}

/* Whole batches only: a stop that interrupts KVM_RUN is seen once the batch is done. */
static int spin_batches(struct micro_spin *s, struct micro_vm *vm)
{
	double start = micro_now();
	int r = 0;

	while (!r && !*s->stop && micro_now() - start < s->seconds) {
		r = micro_vm_run_until(vm, MICRO_PORT_DONE, MICRO_SPIN_BATCH_TIMEOUT_S);
		if (!r)
			s->batches++;
	}
	s->seconds_spun = micro_now() - start;
	return blame(s, "a batch of CPUIDs", r);
}

static int spin_read_count(struct micro_spin *s, enum exsc_isa isa)
{
	char *text;
	int r = micro_file_read(s->path, &text);

	if (!r) {
		r = micro_spin_count(text, isa, &s->cpuid);
		free(text);
	}
	return blame(s, s->path, r);
}

int micro_spin_run(struct micro_spin *s)
{
	enum exsc_isa isa = EXSC_ISA_NONE;
	struct micro_vm vm;
	int r = blame(s, "/dev/kvm", micro_vm_create(&vm, 0));

	if (r)
		return r;
	r = micro_spin_paths(s, (int)getpid(), vm.vm);
	/* Before any work: a kernel without per-VM counters should fail at once. */
	if (!r && access(s->path, R_OK))
		r = -errno;
	blame(s, s->path, r);
	if (!r)
		r = spin_warm_up(s, &vm, &isa);
	if (!r)
		r = spin_batches(s, &vm);
	/* The VM's own file goes with the VM: read it before the VM is destroyed. */
	if (!r)
		r = spin_read_count(s, isa);
	micro_vm_destroy(&vm);
	return r;
}
