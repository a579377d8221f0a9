/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One micro VM through /dev/kvm: one vCPU, no in-kernel irqchip unless an
 * action needs the LAPIC (so HLT, port I/O and MMIO all come back to us),
 * 64 KiB of memory holding guest.S's code.  Helpers return negative errno
 * and do not print.
 */
#ifndef EXITSCOPE_MICRO_VM_H
#define EXITSCOPE_MICRO_VM_H

#include <stddef.h>
#include <stdint.h>

#include "actions.h"

struct micro_vm {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
	uint32_t exit_reason;	/* KVM_EXIT_* of the exit that ended a run with -EPROTO */
};

/* What L1's KVM (of @isa) offers, from its module parameters and KVM_GET_SUPPORTED_CPUID. */
int micro_vm_host(enum exsc_isa isa, struct micro_host *host);

/* A VM ready to enter guest.S with @needs (MICRO_NEEDS_*) set up. */
int micro_vm_create(struct micro_vm *vm, unsigned int needs);

/*
 * Run until the guest writes to @port.  -ETIMEDOUT after @timeout_s,
 * -EFAULT when the guest reached an exception it has no handler for (the
 * mailbox says which), -EPROTO on another signal port or an exit this
 * host does not serve (vm->exit_reason).
 */
int micro_vm_run_until(struct micro_vm *vm, uint16_t port, unsigned int timeout_s);

/*
 * One VM-entry that fails on invalid guest state (TR's type), the exit KVM
 * reports as KVM_EXIT_FAIL_ENTRY; the guest's state is put back after it.
 * 0 with *@hardware_reason the full exit reason (VMX: 0x80000021), or
 * -EPROTO when KVM entered the guest instead (vm->exit_reason).
 */
int micro_vm_entry_fail(struct micro_vm *vm, uint32_t *hardware_reason);

uint64_t micro_vm_mailbox_get(const struct micro_vm *vm, unsigned int offset);
/* The four 32-bit registers a guest CPUID stored at @offset (EAX EBX ECX EDX, in that order). */
void micro_vm_mailbox_regs(const struct micro_vm *vm, unsigned int offset, struct exsc_regs *regs);
void micro_vm_mailbox_set(struct micro_vm *vm, unsigned int offset, uint64_t value);

void micro_vm_destroy(struct micro_vm *vm);

#endif
