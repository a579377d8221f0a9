// SPDX-License-Identifier: GPL-2.0
/*
 * The actions and their exit reasons.  Which instructions KVM intercepts is
 * read from its 6.1 and 6.12 sources (vmx.c's execution controls, svm.c's
 * init_vmcb()); the guest's CPUID hides VMX, SVM, RDTSCP, RDRAND, RDSEED and
 * INVPCID (vm.c) so that KVM intercepts what it would otherwise let run.
 */
#include <errno.h>
#include <string.h>

#include <asm/kvm.h>	/* the exception vectors of SVM's exception exits */
#include <asm/svm.h>
#include <asm/vmx.h>

#include "actions.h"

#define ON(r, o)		{ .reason = (r), .op = MICRO_OP_##o }
#define ON_IF(r, o, why)	{ .reason = (r), .op = MICRO_OP_##o, .conditional = (why) }
#define NEVER(why)		{ .unsupported = (why) }

#define VMX_INSN_ON_SVM "a VMX instruction is an invalid opcode under SVM: its exit is #UD's"
#define SVM_INSN_ON_VMX "an SVM instruction is an invalid opcode under VMX: its exit is #UD's"
#define VLS "KVM lets the CPU run VMLOAD/VMSAVE virtualized (kvm_amd.vls) where it can"
#define VGIF "KVM lets the CPU run STGI/CLGI on a virtual GIF (kvm_amd.vgif) where it can"
#define UMIP_VMX "KVM emulates UMIP with descriptor-table exiting only on a CPU without UMIP"
#define MONITOR_CPU "needs MONITOR/MWAIT in the CPU under L1, else the CPU raises #UD first"

static const struct micro_action actions[] = {
	{ "cpuid", "CPUID leaf 0", 0,
	  ON(EXIT_REASON_CPUID, CPUID), ON(SVM_EXIT_CPUID, CPUID) },
	{ "hlt", "HLT (no in-kernel APIC: every HLT exits to the host)", 0,
	  ON(EXIT_REASON_HLT, HLT), ON(SVM_EXIT_HLT, HLT) },
	{ "pio-in", "IN from port 0xe0", 0,
	  ON(EXIT_REASON_IO_INSTRUCTION, PIO_IN), ON(SVM_EXIT_IOIO, PIO_IN) },
	{ "pio-out", "OUT to port 0xe0", 0,
	  ON(EXIT_REASON_IO_INSTRUCTION, PIO_OUT), ON(SVM_EXIT_IOIO, PIO_OUT) },
	{ "rdmsr", "RDMSR of IA32_MISC_ENABLE", 0,
	  ON(EXIT_REASON_MSR_READ, RDMSR), ON(SVM_EXIT_MSR, RDMSR) },
	{ "wrmsr", "WRMSR of IA32_MISC_ENABLE with the value it holds", 0,
	  ON(EXIT_REASON_MSR_WRITE, WRMSR), ON(SVM_EXIT_MSR, WRMSR) },
	{ "tsc-deadline", "WRMSR of 0 to IA32_TSC_DEADLINE with an in-kernel LAPIC: where KVM "
	  "runs the timer on the VMX preemption timer, its fastpath re-enters the guest",
	  MICRO_NEEDS_LAPIC,
	  ON(EXIT_REASON_MSR_WRITE, TSC_DEADLINE), ON(SVM_EXIT_MSR, TSC_DEADLINE) },
	{ "x2apic-icr", "WRMSR of the x2APIC ICR, a fixed IPI to an APIC ID no vCPU has: KVM "
	  "answers it in its fastpath (VMX)", MICRO_NEEDS_LAPIC,
	  ON(EXIT_REASON_MSR_WRITE, ICR_WRITE), ON(SVM_EXIT_MSR, ICR_WRITE) },
	{ "hypercall", "VMCALL (VMX) or VMMCALL (SVM) with an unknown hypercall number", 0,
	  ON(EXIT_REASON_VMCALL, VMCALL), ON(SVM_EXIT_VMMCALL, VMMCALL) },
	{ "mmio-read", "a load from a guest-physical address outside every memslot", 0,
	  ON(EXIT_REASON_EPT_MISCONFIG, MMIO_READ), ON(SVM_EXIT_NPF, MMIO_READ) },
	{ "mmio-write", "a store to a guest-physical address outside every memslot", 0,
	  ON(EXIT_REASON_EPT_MISCONFIG, MMIO_WRITE), ON(SVM_EXIT_NPF, MMIO_WRITE) },
	{ "ud", "UD2: KVM intercepts #UD, fails to emulate it and injects it back", 0,
	  ON(EXIT_REASON_EXCEPTION_NMI, UD2), ON(SVM_EXIT_EXCP_BASE + UD_VECTOR, UD2) },
	{ "int3", "INT3 with KVM_GUESTDBG_USE_SW_BP: #BP exits to the host", MICRO_NEEDS_SW_BP,
	  ON(EXIT_REASON_EXCEPTION_NMI, INT3),
	  ON_IF(SVM_EXIT_EXCP_BASE + BP_VECTOR, INT3,
		"needs the CPU to intercept INT3's #BP") },
	{ "invd", "INVD", 0,
	  ON(EXIT_REASON_INVD, INVD), ON(SVM_EXIT_INVD, INVD) },
	{ "wbinvd", "WBINVD", 0,
	  ON_IF(EXIT_REASON_WBINVD, WBINVD, "needs the CPU's WBINVD-exiting control"),
	  ON(SVM_EXIT_WBINVD, WBINVD) },
	{ "xsetbv", "XSETBV of XCR0 with the value it holds", 0,
	  ON(EXIT_REASON_XSETBV, XSETBV), ON(SVM_EXIT_XSETBV, XSETBV) },
	{ "rdpmc", "RDPMC of counter 0 (KVM injects #GP where the guest has no PMU)", 0,
	  ON(EXIT_REASON_RDPMC, RDPMC), ON(SVM_EXIT_RDPMC, RDPMC) },
	{ "cr0-write", "MOV to CR0 flipping CR0.NE", 0,
	  ON(EXIT_REASON_CR_ACCESS, CR0_WRITE),
	  ON_IF(SVM_EXIT_CR0_SEL_WRITE, CR0_WRITE, "needs the CPU's selective CR0-write intercept") },
	{ "cr4-read", "MOV from CR4", 0,
	  NEVER("VMX answers CR4 reads from the read shadow: no exit"),
	  ON_IF(SVM_EXIT_READ_CR4, CR4_READ, "needs the CPU to take KVM's CR4-read intercept") },
	{ "cr4-write", "MOV to CR4 flipping CR4.MCE", 0,
	  ON(EXIT_REASON_CR_ACCESS, CR4_WRITE), ON(SVM_EXIT_WRITE_CR4, CR4_WRITE) },
	{ "cr8-read", "MOV from CR8 (no in-kernel APIC: no TPR shadow)", 0,
	  ON(EXIT_REASON_CR_ACCESS, CR8_READ),
	  NEVER("KVM does not intercept CR8 reads under SVM") },
	{ "cr8-write", "MOV of 0 to CR8 (no in-kernel APIC)", 0,
	  ON(EXIT_REASON_CR_ACCESS, CR8_WRITE), ON(SVM_EXIT_WRITE_CR8, CR8_WRITE) },
	{ "dr-read", "MOV from DR0 with KVM_SET_GUEST_DEBUG on", MICRO_NEEDS_GUEST_DEBUG,
	  ON(EXIT_REASON_DR_ACCESS, DR0_READ), ON(SVM_EXIT_READ_DR0, DR0_READ) },
	{ "dr-write", "MOV to DR0 with KVM_SET_GUEST_DEBUG on", MICRO_NEEDS_GUEST_DEBUG,
	  ON(EXIT_REASON_DR_ACCESS, DR0_WRITE), ON(SVM_EXIT_WRITE_DR0, DR0_WRITE) },
	{ "monitor", "MONITOR (KVM emulates it as a no-op)", 0,
	  ON_IF(EXIT_REASON_MONITOR_INSTRUCTION, MONITOR, MONITOR_CPU),
	  ON_IF(SVM_EXIT_MONITOR, MONITOR, MONITOR_CPU) },
	{ "mwait", "MWAIT (KVM emulates it as a no-op)", 0,
	  ON_IF(EXIT_REASON_MWAIT_INSTRUCTION, MWAIT, MONITOR_CPU),
	  ON_IF(SVM_EXIT_MWAIT, MWAIT, MONITOR_CPU) },
	{ "invlpg", "INVLPG", 0,
	  ON(EXIT_REASON_INVLPG, INVLPG), ON(SVM_EXIT_INVLPG, INVLPG) },
	{ "rdtscp", "RDTSCP hidden from the guest's CPUID", 0,
	  NEVER("KVM never sets RDTSC exiting; hidden RDTSCP is the CPU's #UD"),
	  ON_IF(SVM_EXIT_RDTSCP, RDTSCP, "needs the CPU to take the RDTSCP intercept KVM sets") },
	{ "rdrand", "RDRAND hidden from the guest's CPUID", 0,
	  ON_IF(EXIT_REASON_RDRAND, RDRAND, "needs RDRAND and the RDRAND-exiting control"),
	  NEVER("SVM has no RDRAND intercept") },
	{ "rdseed", "RDSEED hidden from the guest's CPUID", 0,
	  ON_IF(EXIT_REASON_RDSEED, RDSEED, "needs RDSEED and the RDSEED-exiting control"),
	  NEVER("SVM has no RDSEED intercept") },
	{ "sgdt", "SGDT with CR4.UMIP set", MICRO_NEEDS_UMIP,
	  ON_IF(EXIT_REASON_GDTR_IDTR, SGDT, UMIP_VMX),
	  NEVER("KVM does not intercept descriptor-table accesses under SVM") },
	{ "sldt", "SLDT with CR4.UMIP set", MICRO_NEEDS_UMIP,
	  ON_IF(EXIT_REASON_LDTR_TR, SLDT, UMIP_VMX),
	  NEVER("KVM does not intercept descriptor-table accesses under SVM") },
	{ "rsm", "RSM outside SMM", 0,
	  NEVER("VMX has no RSM exit: outside SMM the CPU raises #UD"),
	  ON(SVM_EXIT_RSM, RSM) },
	{ "vmxon", "VMXON (KVM injects #UD: CR4.VMXE is clear)", 0,
	  ON(EXIT_REASON_VMON, VMXON), NEVER(VMX_INSN_ON_SVM) },
	{ "vmxoff", "VMXOFF outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMOFF, VMXOFF), NEVER(VMX_INSN_ON_SVM) },
	{ "vmclear", "VMCLEAR outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMCLEAR, VMCLEAR), NEVER(VMX_INSN_ON_SVM) },
	{ "vmptrld", "VMPTRLD outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMPTRLD, VMPTRLD), NEVER(VMX_INSN_ON_SVM) },
	{ "vmptrst", "VMPTRST outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMPTRST, VMPTRST), NEVER(VMX_INSN_ON_SVM) },
	{ "vmread", "VMREAD outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMREAD, VMREAD), NEVER(VMX_INSN_ON_SVM) },
	{ "vmwrite", "VMWRITE outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMWRITE, VMWRITE), NEVER(VMX_INSN_ON_SVM) },
	{ "vmlaunch", "VMLAUNCH outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMLAUNCH, VMLAUNCH), NEVER(VMX_INSN_ON_SVM) },
	{ "vmresume", "VMRESUME outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_VMRESUME, VMRESUME), NEVER(VMX_INSN_ON_SVM) },
	{ "invept", "INVEPT outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_INVEPT, INVEPT), NEVER(VMX_INSN_ON_SVM) },
	{ "invvpid", "INVVPID outside VMX operation (#UD)", 0,
	  ON(EXIT_REASON_INVVPID, INVVPID), NEVER(VMX_INSN_ON_SVM) },
	{ "vmrun", "VMRUN with EFER.SVME clear (KVM injects #UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON(SVM_EXIT_VMRUN, VMRUN) },
	{ "vmload", "VMLOAD with EFER.SVME clear (#UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON_IF(SVM_EXIT_VMLOAD, VMLOAD, VLS) },
	{ "vmsave", "VMSAVE with EFER.SVME clear (#UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON_IF(SVM_EXIT_VMSAVE, VMSAVE, VLS) },
	{ "stgi", "STGI with EFER.SVME clear (#UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON_IF(SVM_EXIT_STGI, STGI, VGIF) },
	{ "clgi", "CLGI with EFER.SVME clear (#UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON_IF(SVM_EXIT_CLGI, CLGI, VGIF) },
	{ "skinit", "SKINIT (#UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON(SVM_EXIT_SKINIT, SKINIT) },
	{ "invlpga", "INVLPGA with EFER.SVME clear (#UD)", 0,
	  NEVER(SVM_INSN_ON_VMX), ON(SVM_EXIT_INVLPGA, INVLPGA) },
	{ "pause", "PAUSE", 0,
	  NEVER("pause-loop exiting fires on a spin's timing (ple_gap, ple_window), not per PAUSE"),
	  NEVER("the pause filter fires after pause_filter_count PAUSEs in a window, not per PAUSE") },
	{ "rdtsc", "RDTSC", 0,
	  NEVER("KVM offsets the TSC instead of intercepting RDTSC"),
	  NEVER("KVM offsets the TSC instead of intercepting RDTSC") },
};

const struct micro_action *micro_actions(size_t *nr)
{
	*nr = sizeof(actions) / sizeof(actions[0]);
	return actions;
}

const struct micro_action *micro_action_find(const char *name)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].name, name))
			return &actions[i];
	return NULL;
}

/* The facts of @host that move a reason or rule an action out. */
static void cause_adjust(enum exsc_isa isa, const struct micro_host *host, struct micro_cause *c)
{
	bool mmio = c->op == MICRO_OP_MMIO_READ || c->op == MICRO_OP_MMIO_WRITE;

	if (mmio && !host->tdp)
		c->unsupported = "without EPT/NPT an MMIO access is a #PF exit like any page fault";
	else if (mmio && isa == EXSC_ISA_VMX && !host->mmio_caching)
		c->reason = EXIT_REASON_EPT_VIOLATION;
	if (c->op == MICRO_OP_INVLPG && host->tdp)
		c->unsupported = "KVM intercepts INVLPG only without EPT/NPT";
	if (c->op == MICRO_OP_XSETBV && !host->xsave)
		c->unsupported = "no XSAVE in KVM's supported CPUID: CR4.OSXSAVE cannot be set";
}

int micro_action_cause(const struct micro_action *a, enum exsc_isa isa,
		       const struct micro_host *host, struct micro_cause *out)
{
	if (isa == EXSC_ISA_VMX)
		*out = a->vmx;
	else if (isa == EXSC_ISA_SVM)
		*out = a->svm;
	else
		return -EINVAL;
	if (!out->unsupported)
		cause_adjust(isa, host, out);
	return out->unsupported ? -EOPNOTSUPP : 0;
}
