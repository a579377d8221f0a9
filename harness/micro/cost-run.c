// SPDX-License-Identifier: GPL-2.0
/*
 * exitmicro cost, the VM half: guest.S's cpuid operation in windows of N,
 * timed by the guest's own TSC reads around them (MB_TSC_BEFORE/AFTER),
 * under each tracing mode in turn.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cost.h"
#include "views.h"
#include "vm.h"

/* Any MSR the warm-up can read without a fault; measure.c's choice. */
#define COST_WARMUP_MSR		0x1a0	/* IA32_MISC_ENABLE */
/* Leaf 0 for the reads around a window: answered by any KVM, patched or not. */
#define COST_READ_REASON	0

static int blame(struct micro_cost *c, const char *what, int r)
{
	if (r < 0)
		c->failed = what;
	return r;
}

/* Which vendor module runs KVM: its parameters are in sysfs, built in or loaded. */
static enum exsc_isa cost_host_isa(void)
{
	if (!access("/sys/module/kvm_intel", F_OK))
		return EXSC_ISA_VMX;
	return access("/sys/module/kvm_amd", F_OK) ? EXSC_ISA_NONE : EXSC_ISA_SVM;
}

/* An exitscope kernel says so in its discovery leaf; any other is measured as it is. */
static void cost_discovered(struct micro_cost *c, const struct micro_vm *vm)
{
	struct exsc_regs regs;
	struct exsc_info info;
	struct utsname uts;

	micro_vm_mailbox_regs(vm, MB_INFO, &regs);
	c->exitscope = !exsc_decode_info(&regs, &info);
	c->isa = c->exitscope ? info.isa : cost_host_isa();
	if (!uname(&uts))
		snprintf(c->release, sizeof(c->release), "%s", uts.release);
}

/* Tracing off as the plain mode wants it: the event disabled, our histogram gone. */
static int cost_trace_off(struct micro_cost *c)
{
	int r = blame(c, c->enable_path, micro_file_write(c->enable_path, "0"));

	return r ? r : blame(c, c->trigger_path, micro_hist_disarm(c->trigger_path) < 0 ? -EBUSY : 0);
}

static int cost_trace_on(struct micro_cost *c, enum micro_cost_mode m)
{
	if (m == MICRO_COST_EVENT)
		return blame(c, c->enable_path, micro_file_write(c->enable_path, "1"));
	if (m == MICRO_COST_HIST)
		return blame(c, c->trigger_path, micro_file_write(c->trigger_path, MICRO_HIST_TRIGGER));
	return 0;
}

static int cost_windows(struct micro_cost *c, struct micro_vm *vm, enum micro_cost_mode m)
{
	for (unsigned int w = 0; w < c->windows; w++) {
		int r = micro_vm_run_until(vm, MICRO_PORT_DONE, c->timeout_s);

		if (r)
			return blame(c, "a window of CPUIDs", r);
		c->ticks[m][w] = micro_vm_mailbox_get(vm, MB_TSC_AFTER) -
				 micro_vm_mailbox_get(vm, MB_TSC_BEFORE);
	}
	return 0;
}

static int cost_modes(struct micro_cost *c, struct micro_vm *vm)
{
	int r = 0;

	for (int m = 0; !r && m < MICRO_COST_MODES; m++) {
		r = cost_trace_on(c, m);
		if (!r)
			r = cost_windows(c, vm, m);
		int off = cost_trace_off(c);

		r = r ? r : off;
	}
	return r;
}

static int cost_warm_up(struct micro_cost *c, struct micro_vm *vm)
{
	int r = micro_vm_run_until(vm, MICRO_PORT_DISCOVERED, c->timeout_s);

	if (r)
		return blame(c, "the guest's discovery", r);
	cost_discovered(c, vm);
	micro_vm_mailbox_set(vm, MB_OP, MICRO_OP_CPUID);
	micro_vm_mailbox_set(vm, MB_REASON, COST_READ_REASON);
	micro_vm_mailbox_set(vm, MB_MSR, COST_WARMUP_MSR);
	r = micro_vm_run_until(vm, MICRO_PORT_READY, c->timeout_s);
	micro_vm_mailbox_set(vm, MB_COUNT, c->n);
	return blame(c, "the guest's warm-up", r);
}

int micro_cost_run(struct micro_cost *c)
{
	struct micro_vm vm;
	int r;

	snprintf(c->enable_path, sizeof(c->enable_path), "%s/events/kvm/kvm_exit/enable",
		 c->tracefs);
	snprintf(c->trigger_path, sizeof(c->trigger_path), "%s/events/kvm/kvm_exit/trigger",
		 c->tracefs);
	/* A killed run's tracing would make the plain mode a traced one. */
	r = cost_trace_off(c);
	if (r)
		return r;
	r = blame(c, "/dev/kvm", micro_vm_create(&vm, 0));
	if (r)
		return r;
	r = cost_warm_up(c, &vm);
	if (!r)
		r = cost_modes(c, &vm);
	micro_vm_destroy(&vm);
	return r;
}
