// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "image.h"
#include "vm.h"

/* guest.S */
extern const uint8_t micro_guest_start[];
extern const uint32_t micro_guest_size;
extern const uint32_t micro_guest_vector_offsets[MICRO_VECTORS];

#define CR4_OSXSAVE	(1ull << 18)
#define CR4_UMIP	(1ull << 11)
#define TSS_ADDR	0xfffbd000ul	/* VMX's real-mode TSS, never used here: QEMU's choice */
#define CPUID_MAX	256
/* CPUID.1:ECX, and the LAPIC's registers and base MSR as MICRO_NEEDS_LAPIC sets them. */
#define CPUID_1_X2APIC		(1u << 21)
#define CPUID_1_TSC_DEADLINE	(1u << 24)
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_X2APIC	(0xfee00000ull | 1u << 11 | 1u << 10 | 1u << 8)	/* BSP, EXTD, EN */
#define APIC_SPIV		0xf0
#define APIC_LVTT		0x320
#define SPIV_ENABLED		0x1ffu			/* software enabled, spurious vector 0xff */
#define LVTT_TSC_DEADLINE	(2u << 17 | 1u << 16 | 0xefu)	/* masked: it never fires */

static int xioctl(int fd, unsigned long request, void *arg)
{
	int r = ioctl(fd, request, arg);

	return r < 0 ? -errno : r;
}

/* A bool module parameter ("Y"/"N", or 1/0); @dflt when the file is absent. */
static bool param_bool(const char *path, bool dflt)
{
	char value[8] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return dflt;
	if (!fgets(value, sizeof(value), f))
		value[0] = '\0';
	fclose(f);
	return value[0] ? value[0] == 'Y' || value[0] == '1' : dflt;
}

static int supported_cpuid(int kvm, struct kvm_cpuid2 **out)
{
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) +
					     CPUID_MAX * sizeof(struct kvm_cpuid_entry2));
	int r;

	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = CPUID_MAX;
	r = xioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid);
	if (r < 0) {
		free(cpuid);
		return r;
	}
	*out = cpuid;
	return 0;
}

int micro_vm_host(enum exsc_isa isa, struct micro_host *host)
{
	struct kvm_cpuid2 *cpuid;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), r;

	if (kvm < 0)
		return -errno;
	r = supported_cpuid(kvm, &cpuid);
	close(kvm);
	if (r)
		return r;
	/* Both vendor modules are built in: each has parameters, only @isa's is live. */
	host->tdp = isa == EXSC_ISA_VMX ? param_bool("/sys/module/kvm_intel/parameters/ept", true)
					: param_bool("/sys/module/kvm_amd/parameters/npt", true);
	host->mmio_caching = param_bool("/sys/module/kvm/parameters/mmio_caching", true);
	host->xsave = micro_image_has_xsave(cpuid);
	/* Without it KVM checks the guest state itself and emulates rather than fail the entry. */
	host->unrestricted_guest = isa == EXSC_ISA_VMX && host->tdp &&
		param_bool("/sys/module/kvm_intel/parameters/unrestricted_guest", true);
	free(cpuid);
	return 0;
}

static int vm_memory(struct micro_vm *vm)
{
	struct kvm_userspace_memory_region region = { 0 };
	void *mem = mmap(NULL, MICRO_MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	int r;

	if (mem == MAP_FAILED)
		return -errno;
	vm->mem = mem;
	/* Written, not just mapped: a page KVM first sees read-only would fault again on a write. */
	memset(vm->mem, 0, MICRO_MEM_SIZE);
	r = micro_image_build(vm->mem, MICRO_MEM_SIZE, micro_guest_start, micro_guest_size,
			      micro_guest_vector_offsets);
	if (r)
		return r;
	region.memory_size = MICRO_MEM_SIZE;
	region.userspace_addr = (uintptr_t)vm->mem;
	return xioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &region);
}

static int vcpu_cpuid(struct micro_vm *vm, uint64_t *cr4_extra, unsigned int needs)
{
	struct kvm_cpuid2 *cpuid;
	int r = supported_cpuid(vm->kvm, &cpuid);

	if (r)
		return r;
	micro_image_cpuid(cpuid);
	for (uint32_t i = 0; (needs & MICRO_NEEDS_LAPIC) && i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 1)
			cpuid->entries[i].ecx |= CPUID_1_X2APIC | CPUID_1_TSC_DEADLINE;
	*cr4_extra = micro_image_has_xsave(cpuid) ? CR4_OSXSAVE : 0;
	if ((needs & MICRO_NEEDS_UMIP) && micro_image_has_umip(cpuid))
		*cr4_extra |= CR4_UMIP;
	r = xioctl(vm->vcpu, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	return r;
}

static void lapic_reg_set(struct kvm_lapic_state *lapic, unsigned int reg, uint32_t value)
{
	memcpy(&lapic->regs[reg], &value, sizeof(value));
}

/*
 * x2APIC mode and a TSC-deadline timer that is masked, set from here so
 * that the guest takes no exit for it: then a WRMSR of the deadline or of
 * the ICR is one exit that KVM may answer in its fastpath.
 */
static int vcpu_lapic(struct micro_vm *vm)
{
	struct {
		struct kvm_msrs head;
		struct kvm_msr_entry entry;
	} msrs = { .head.nmsrs = 1, .entry = { .index = MSR_APIC_BASE, .data = APIC_BASE_X2APIC } };
	struct kvm_lapic_state lapic;
	int r = xioctl(vm->vcpu, KVM_SET_MSRS, &msrs);

	if (r >= 0 && r != 1)
		return -EINVAL;
	if (r >= 0)
		r = xioctl(vm->vcpu, KVM_GET_LAPIC, &lapic);
	if (r < 0)
		return r;
	lapic_reg_set(&lapic, APIC_SPIV, SPIV_ENABLED);
	lapic_reg_set(&lapic, APIC_LVTT, LVTT_TSC_DEADLINE);
	return xioctl(vm->vcpu, KVM_SET_LAPIC, &lapic);
}

static int vcpu_state(struct micro_vm *vm, unsigned int needs)
{
	struct kvm_guest_debug debug = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	uint64_t cr4_extra;
	int r = vcpu_cpuid(vm, &cr4_extra, needs);

	if (!r)
		r = xioctl(vm->vcpu, KVM_GET_SREGS, &sregs);
	if (r)
		return r;
	micro_image_sregs(&sregs, cr4_extra);
	r = xioctl(vm->vcpu, KVM_SET_SREGS, &sregs);
	if (!r && (needs & MICRO_NEEDS_LAPIC))
		r = vcpu_lapic(vm);
	if (r)
		return r;
	regs.rip = MICRO_GPA_CODE;
	regs.rsp = MICRO_GPA_STACK_TOP;
	regs.rflags = 0x2;
	r = xioctl(vm->vcpu, KVM_SET_REGS, &regs);
	if (r || !(needs & (MICRO_NEEDS_GUEST_DEBUG | MICRO_NEEDS_SW_BP)))
		return r;
	debug.control = KVM_GUESTDBG_ENABLE;
	if (needs & MICRO_NEEDS_SW_BP)
		debug.control |= KVM_GUESTDBG_USE_SW_BP;
	return xioctl(vm->vcpu, KVM_SET_GUEST_DEBUG, &debug);
}

int micro_vm_create(struct micro_vm *vm, unsigned int needs)
{
	int r;

	*vm = (struct micro_vm){ .kvm = -1, .vm = -1, .vcpu = -1 };
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		return -errno;
	r = xioctl(vm->kvm, KVM_GET_API_VERSION, NULL);
	if (r >= 0 && r != KVM_API_VERSION)
		r = -EPROTONOSUPPORT;
	if (r >= 0)
		r = vm->vm = xioctl(vm->kvm, KVM_CREATE_VM, NULL);
	if (r >= 0)
		r = xioctl(vm->vm, KVM_SET_TSS_ADDR, (void *)TSS_ADDR);
	if (r >= 0 && (needs & MICRO_NEEDS_LAPIC))
		r = xioctl(vm->vm, KVM_CREATE_IRQCHIP, NULL);
	if (r >= 0)
		r = vm_memory(vm);
	if (r >= 0)
		r = vm->vcpu = xioctl(vm->vm, KVM_CREATE_VCPU, NULL);
	if (r >= 0)
		r = xioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (r >= 0) {
		vm->run_size = (size_t)r;
		vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
		r = vm->run == MAP_FAILED ? -errno : 0;
		if (r)
			vm->run = NULL;
	}
	if (r >= 0)
		r = vcpu_state(vm, needs);
	if (r < 0) {
		micro_vm_destroy(vm);
		return r;
	}
	return 0;
}

static volatile sig_atomic_t run_expired;

static void on_alarm(int sig)
{
	(void)sig;
	run_expired = 1;
}

/* INT3 exits to us with RIP on it (#BP is intercepted like a fault): step over it. */
static int skip_int3(struct micro_vm *vm)
{
	struct kvm_regs regs;
	int r = xioctl(vm->vcpu, KVM_GET_REGS, &regs);

	if (r)
		return r;
	regs.rip += 1;
	return xioctl(vm->vcpu, KVM_SET_REGS, &regs);
}

/* 1: the guest signalled @port; 0: served, run again; <0: stop. */
static int serve_exit(struct micro_vm *vm, uint16_t port)
{
	struct kvm_run *run = vm->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.port == port)
			return 1;
		if (run->io.port == MICRO_PORT_FAULT)
			return -EFAULT;
		if (run->io.port != MICRO_PORT_ACTION)
			break;
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset((uint8_t *)run + run->io.data_offset, 0,
			       (size_t)run->io.size * run->io.count);
		return 0;
	case KVM_EXIT_MMIO:
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return 0;
	case KVM_EXIT_HLT:
	case KVM_EXIT_SET_TPR:
	case KVM_EXIT_INTR:
		return 0;
	case KVM_EXIT_DEBUG:
		if (run->debug.arch.exception == 3)
			return skip_int3(vm);
		break;
	default:
		break;
	}
	vm->exit_reason = run->exit_reason;
	return -EPROTO;
}

int micro_vm_run_until(struct micro_vm *vm, uint16_t port, unsigned int timeout_s)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int r = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return -errno;
	run_expired = 0;
	alarm(timeout_s);
	while (r == 0) {
		if (run_expired) {
			r = -ETIMEDOUT;
			break;
		}
		r = xioctl(vm->vcpu, KVM_RUN, NULL);
		if (r == -EINTR)
			r = 0;
		else if (r == 0)
			r = serve_exit(vm, port);
	}
	alarm(0);
	return r < 0 ? r : 0;
}

/* TR's type 3, a busy 16-bit TSS, which a 64-bit guest's VM-entry refuses. */
#define TR_TYPE_BUSY_TSS16	3

int micro_vm_entry_fail(struct micro_vm *vm, uint32_t *hardware_reason)
{
	struct kvm_sregs good, bad;
	int r = xioctl(vm->vcpu, KVM_GET_SREGS, &good);

	if (r)
		return r;
	bad = good;
	bad.tr.type = TR_TYPE_BUSY_TSS16;
	r = xioctl(vm->vcpu, KVM_SET_SREGS, &bad);
	if (!r)
		r = xioctl(vm->vcpu, KVM_RUN, NULL);
	if (!r && vm->run->exit_reason != KVM_EXIT_FAIL_ENTRY) {
		vm->exit_reason = vm->run->exit_reason;
		r = -EPROTO;
	}
	if (!r)
		*hardware_reason = (uint32_t)vm->run->fail_entry.hardware_entry_failure_reason;
	/* The guest goes on where it stood: the failed entry ran none of it. */
	return xioctl(vm->vcpu, KVM_SET_SREGS, &good) ? -EIO : r;
}

uint64_t micro_vm_mailbox_get(const struct micro_vm *vm, unsigned int offset)
{
	uint64_t value;

	memcpy(&value, vm->mem + MICRO_GPA_MAILBOX + offset, sizeof(value));
	return value;
}

void micro_vm_mailbox_regs(const struct micro_vm *vm, unsigned int offset, struct exsc_regs *regs)
{
	uint64_t lo = micro_vm_mailbox_get(vm, offset), hi = micro_vm_mailbox_get(vm, offset + 8);

	*regs = (struct exsc_regs){ (uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi,
				    (uint32_t)(hi >> 32) };
}

void micro_vm_mailbox_set(struct micro_vm *vm, unsigned int offset, uint64_t value)
{
	memcpy(vm->mem + MICRO_GPA_MAILBOX + offset, &value, sizeof(value));
}

void micro_vm_destroy(struct micro_vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->vm >= 0)
		close(vm->vm);
	if (vm->mem)
		munmap(vm->mem, MICRO_MEM_SIZE);
	if (vm->kvm >= 0)
		close(vm->kvm);
	*vm = (struct micro_vm){ .kvm = -1, .vm = -1, .vcpu = -1 };
}
