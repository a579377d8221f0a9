// SPDX-License-Identifier: GPL-2.0
/*
 * exitmicro spin, the VM half: guest.S's cpuid action, its window run again
 * and again (the guest jumps back to it after each DONE), each time with a
 * batch of MICRO_SPIN_BATCH.  A VM lost on the way is read and replaced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* What micro_vm_run_until() returns when the VM, not the host, went wrong. */
static bool spin_vm_lost(int r)
{
	return r == -EPROTO || r == -EFAULT || r == -ETIMEDOUT;
}

static void spin_note_loss(struct micro_spin *s, const struct micro_vm *vm, int r)
{
	if (r == -EPROTO)
		snprintf(s->lost_why, sizeof(s->lost_why), "VM %s: KVM exit %u (8 is a triple fault)",
			 s->vm, vm->exit_reason);
	else if (r == -EFAULT)
		snprintf(s->lost_why, sizeof(s->lost_why), "VM %s: guest exception %" PRIu64, s->vm,
			 micro_vm_mailbox_get(vm, MB_FAULT_VECTOR));
	else
		snprintf(s->lost_why, sizeof(s->lost_why), "VM %s: no DONE within %u s", s->vm,
			 MICRO_SPIN_BATCH_TIMEOUT_S);
}

/* The discovery read tells an exitscope kernel and its ISA; the first VM's is kept. */
static int spin_discovered(struct micro_spin *s, const struct micro_vm *vm)
{
	struct exsc_regs regs;
	struct exsc_info info;

	micro_vm_mailbox_regs(vm, MB_INFO, &regs);
	if (exsc_decode_info(&regs, &info))
		return -ENODEV;
	if (s->isa == EXSC_ISA_NONE)
		s->isa = info.isa;
	return info.isa == s->isa ? 0 : blame(s, "a VM of another ISA", -EXDEV);
}

/* Up to READY; every CPUID of the guest's own is counted once its signal came. */
static int spin_warm_up(struct micro_spin *s, struct micro_vm *vm)
{
	int r = micro_vm_run_until(vm, MICRO_PORT_DISCOVERED, MICRO_SPIN_BATCH_TIMEOUT_S);

	if (r)
		return blame(s, "the guest's discovery", r);
	s->own_cpuid += MICRO_SPIN_OWN_DISCOVERED;
	r = spin_discovered(s, vm);
	if (r)
		return r;
	micro_vm_mailbox_set(vm, MB_OP, MICRO_OP_CPUID);
	micro_vm_mailbox_set(vm, MB_REASON, reasons_cpuid(s->isa));
	micro_vm_mailbox_set(vm, MB_MSR, SPIN_WARMUP_MSR);
	micro_vm_mailbox_set(vm, MB_COUNT, MICRO_SPIN_BATCH);
	r = micro_vm_run_until(vm, MICRO_PORT_READY, MICRO_SPIN_BATCH_TIMEOUT_S);
	if (!r)
		s->own_cpuid += MICRO_SPIN_OWN_READY;
	return blame(s, "the guest's warm-up", r);
}

/* Whole batches only: a stop that interrupts KVM_RUN is seen once the batch is done. */
static int spin_batches(struct micro_spin *s, struct micro_vm *vm, double start)
{
	int r = 0;

	while (!r && !*s->stop && micro_now() - start < s->seconds) {
		r = micro_vm_run_until(vm, MICRO_PORT_DONE, MICRO_SPIN_BATCH_TIMEOUT_S);
		if (!r) {
			s->batches++;
			s->own_cpuid += MICRO_SPIN_OWN_BATCH;
		}
	}
	return blame(s, "a batch of CPUIDs", r);
}

static int spin_read_count(struct micro_spin *s)
{
	uint64_t count = 0;
	char *text;
	int r = micro_file_read(s->path, &text);

	if (!r) {
		r = micro_spin_count(text, s->isa, &count);
		free(text);
	}
	s->cpuid += count;
	return blame(s, s->path, r);
}

/*
 * One VM from creation to its count: 0 when it spun until the end, 1 when
 * it was lost and counted, <0 for what stops the spin.
 */
static int spin_one_vm(struct micro_spin *s, double start)
{
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
		r = spin_warm_up(s, &vm);
	if (!r)
		r = spin_batches(s, &vm, start);
	if (spin_vm_lost(r) && s->isa != EXSC_ISA_NONE) {
		spin_note_loss(s, &vm, r);
		s->lost++;
		r = 1;
	}
	/* The VM's own file goes with the VM: read it before the VM is destroyed. */
	if (r >= 0) {
		int read = spin_read_count(s);

		r = read ? read : r;
	}
	micro_vm_destroy(&vm);
	return r;
}

int micro_spin_run(struct micro_spin *s)
{
	double start = micro_now();
	int r;

	do
		r = spin_one_vm(s, start);
	while (r == 1 && s->lost < MICRO_SPIN_MAX_LOST && !*s->stop &&
	       micro_now() - start < s->seconds);
	s->seconds_spun = micro_now() - start;
	return r < 0 ? r : 0;
}
