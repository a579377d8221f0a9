/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The micro guest's own code: 64-bit, flat, CPL 0, entered by the host with
 * paging, the GDT, the IDT and RSP already set (vm.c).  The host copies
 * micro_guest_size bytes from micro_guest_start to MICRO_GPA_CODE, so the
 * code is position independent: it names its own labels only RIP-relatively
 * or as differences, and everything else by a constant guest-physical
 * address.
 * The build checks that this object has no relocation.
 *
 * Sequence (layout.h has the ports and the mailbox):
 *   discovery leaf -> MB_INFO, signal DISCOVERED (the host fills the mailbox)
 *   touch every page, read the MSR, run the operation once, signal READY
 *   the window: CPUID read of MB_REASON, the operation MB_COUNT times
 *   between two TSC reads, CPUID read again, signal DONE
 *   resumed after DONE, the window again (exitmicro spin's batches)
 * With MB_SERVE set (exitmicro check) instead: touch every page, read the
 * MSR, then serve requests, each followed by a signal on SERVE, so that a
 * request takes its own exits and one I/O exit, nothing else.
 */
#include "layout.h"

#define MB(field)	(MICRO_GPA_MAILBOX + (field))
#define LEAF_INFO	0x4FFFFFFB
#define LEAF_REASON	0x4FFFFFFE
#define CR0_NE		0x20
#define CR4_MCE		0x40
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_ICR		0x830
#define ICR_FIXED_VECTOR	0x40	/* fixed delivery, physical destination, no shorthand */
#define ICR_NOBODY		0xffff	/* an x2APIC ID no vCPU has, and not the broadcast one */

	.section .rodata.micro_guest, "a"
	.code64
	.balign 16
	.globl micro_guest_start, micro_guest_size, micro_guest_vector_offsets

micro_guest_start:
	cmpq	$0, MB(MB_SERVE)
	jne	serve_start
	mov	$LEAF_INFO, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%eax, MB(MB_INFO)
	mov	%ebx, MB(MB_INFO) + 4
	mov	%ecx, MB(MB_INFO) + 8
	mov	%edx, MB(MB_INFO) + 12
	out	%al, $MICRO_PORT_DISCOVERED

	/* Map every page writable now, so the window sees no first-touch fault. */
	xor	%ebx, %ebx
1:	orb	$0, (%rbx)
	add	$0x1000, %ebx
	cmp	$MICRO_MEM_SIZE, %ebx
	jb	1b

	mov	MB(MB_MSR), %ecx
	rdmsr
	mov	%eax, MB(MB_MSR_VALUE)
	mov	%edx, MB(MB_MSR_VALUE) + 4

	/* One warm-up run: its first-time costs (an MMIO page, a debug register) stay outside. */
	mov	$1, %edi
	call	dispatch
	out	%al, $MICRO_PORT_READY

window:
	mov	MB(MB_REASON), %ecx
	mov	$LEAF_REASON, %eax
	cpuid
	mov	%eax, MB(MB_BEFORE)
	mov	%ebx, MB(MB_BEFORE) + 4
	mov	%ecx, MB(MB_BEFORE) + 8
	mov	%edx, MB(MB_BEFORE) + 12

	/* RDTSC exits on neither ISA (KVM offsets it), so it times the operations alone. */
	rdtsc
	mov	%eax, MB(MB_TSC_BEFORE)
	mov	%edx, MB(MB_TSC_BEFORE) + 4
	mov	MB(MB_COUNT), %rdi
	call	dispatch
	rdtsc
	mov	%eax, MB(MB_TSC_AFTER)
	mov	%edx, MB(MB_TSC_AFTER) + 4

	mov	MB(MB_REASON), %ecx
	mov	$LEAF_REASON, %eax
	cpuid
	mov	%eax, MB(MB_AFTER)
	mov	%ebx, MB(MB_AFTER) + 4
	mov	%ecx, MB(MB_AFTER) + 8
	mov	%edx, MB(MB_AFTER) + 12
	out	%al, $MICRO_PORT_DONE
	/* A host that resumes after DONE wants another window: spin runs batches this way. */
	jmp	window

serve_start:
	xor	%ebx, %ebx
1:	orb	$0, (%rbx)
	add	$0x1000, %ebx
	cmp	$MICRO_MEM_SIZE, %ebx
	jb	1b
	mov	MB(MB_MSR), %ecx
	rdmsr
	mov	%eax, MB(MB_MSR_VALUE)
	mov	%edx, MB(MB_MSR_VALUE) + 4
serve:
	out	%al, $MICRO_PORT_SERVE
	mov	MB(MB_REQUEST), %rax
	cmp	$MICRO_REQ_OP, %rax
	je	serve_op
	cmp	$MICRO_REQ_TIME, %rax
	je	serve_time
	cmp	$MICRO_REQ_PAIR, %rax
	je	serve_pair
	mov	MB(MB_LEAF), %eax
	mov	MB(MB_SUBLEAF), %ecx
	cpuid
	mov	%eax, MB(MB_REGS)
	mov	%ebx, MB(MB_REGS) + 4
	mov	%ecx, MB(MB_REGS) + 8
	mov	%edx, MB(MB_REGS) + 12
	jmp	serve
/* Nothing between the two CPUIDs exits: the second answer holds the first one's charge. */
serve_pair:
	mov	MB(MB_LEAF), %eax
	mov	MB(MB_SUBLEAF), %ecx
	cpuid
	mov	%eax, %r8d
	mov	%ebx, %r9d
	mov	%ecx, %r10d
	mov	%edx, %r11d
	mov	MB(MB_LEAF), %eax
	mov	MB(MB_SUBLEAF), %ecx
	cpuid
	mov	%r8d, MB(MB_REGS)
	mov	%r9d, MB(MB_REGS) + 4
	mov	%r10d, MB(MB_REGS) + 8
	mov	%r11d, MB(MB_REGS) + 12
	mov	%eax, MB(MB_PAIR)
	mov	%ebx, MB(MB_PAIR) + 4
	mov	%ecx, MB(MB_PAIR) + 8
	mov	%edx, MB(MB_PAIR) + 12
	jmp	serve
serve_op:
	mov	MB(MB_COUNT), %rdi
	call	dispatch
	jmp	serve
serve_time:
	lfence
	rdtsc
	mov	%eax, %r8d
	mov	%edx, %r9d
	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	shl	$32, %r9
	or	%r9, %r8
	sub	%r8, %rax
	mov	%rax, MB(MB_ROUND_TRIP)
	jmp	serve

/* Runs operation MB_OP %rdi times (none when 0); %r15 = 0 outside a faulting instruction. */
dispatch:
	xor	%r15d, %r15d
	test	%rdi, %rdi
	jz	9f
	mov	MB(MB_OP), %eax
	lea	op_table(%rip), %rbx
	movslq	(%rbx, %rax, 4), %rax
	add	%rbx, %rax
	jmp	*%rax
9:	ret

	.balign 4
op_table:
#define OP_ENTRY(id, label) .long op_##label - op_table ;
	MICRO_OPS(OP_ENTRY)

/*
 * OP: the body once per iteration.  OP_FAULTING: the body may end in an
 * exception KVM injects (e.g. #UD for a VMX instruction outside VMX
 * operation); the handler resumes at the next iteration through %r15.
 */
#define OP(label, ...) \
	op_##label: 1: __VA_ARGS__ ; dec %rdi ; jnz 1b ; xor %r15d, %r15d ; ret
#define OP_FAULTING(label, ...) \
	op_##label: 1: lea 2f(%rip), %r15 ; __VA_ARGS__ ; 2: dec %rdi ; jnz 1b ; xor %r15d, %r15d ; ret

OP(cpuid, xor %eax, %eax ; xor %ecx, %ecx ; cpuid)
OP(hlt, hlt)
OP(pio_in, in $MICRO_PORT_ACTION, %al)
OP(pio_out, out %al, $MICRO_PORT_ACTION)
OP(rdmsr, mov MB(MB_MSR), %ecx ; rdmsr)
OP(wrmsr, mov MB(MB_MSR), %ecx ; mov MB(MB_MSR_VALUE), %eax ; mov MB(MB_MSR_VALUE) + 4, %edx ; wrmsr)
/*
 * With an in-kernel LAPIC (MICRO_NEEDS_LAPIC): disarm the TSC-deadline timer,
 * and send a fixed IPI to an x2APIC ID no vCPU has.  KVM answers both
 * WRMSRs in its fastpath where it can, so no interrupt is ever pending.
 */
OP(tsc_deadline, mov $MSR_TSC_DEADLINE, %ecx ; xor %eax, %eax ; xor %edx, %edx ; wrmsr)
OP(icr_write, mov $MSR_X2APIC_ICR, %ecx ; mov $ICR_FIXED_VECTOR, %eax ; mov $ICR_NOBODY, %edx ; wrmsr)
OP(vmcall, xor %eax, %eax ; vmcall)
OP(vmmcall, xor %eax, %eax ; vmmcall)
OP(mmio_read, mov MICRO_GPA_MMIO, %eax)
OP(mmio_write, mov %eax, MICRO_GPA_MMIO)
OP_FAULTING(ud2, ud2)
/* The host moves RIP past the INT3 at each KVM_EXIT_DEBUG; a #BP not intercepted resumes. */
OP_FAULTING(int3, int3)
OP(invd, invd)
OP(wbinvd, wbinvd)
OP(xsetbv, xor %ecx, %ecx ; xgetbv ; xsetbv)
OP_FAULTING(rdpmc, xor %ecx, %ecx ; rdpmc)

/* Each write flips a bit that KVM owns (VMX) or that the selective intercept watches (SVM). */
op_cr0_write:
	mov	%cr0, %rax
1:	xor	$CR0_NE, %rax
	mov	%rax, %cr0
	dec	%rdi
	jnz	1b
	ret
op_cr4_write:
	mov	%cr4, %rax
1:	xor	$CR4_MCE, %rax
	mov	%rax, %cr4
	dec	%rdi
	jnz	1b
	ret

OP(cr4_read, mov %cr4, %rax)
OP(cr8_read, mov %cr8, %rax)
OP(cr8_write, xor %eax, %eax ; mov %rax, %cr8)
OP(dr0_read, mov %dr0, %rax)
OP(dr0_write, xor %eax, %eax ; mov %rax, %dr0)
OP_FAULTING(monitor, mov $MICRO_GPA_SCRATCH, %eax ; xor %ecx, %ecx ; xor %edx, %edx ; monitor)
OP_FAULTING(mwait, xor %eax, %eax ; xor %ecx, %ecx ; mwait)
OP(invlpg, invlpg MICRO_GPA_SCRATCH)
OP_FAULTING(rdtscp, rdtscp)
OP_FAULTING(rdrand, rdrand %eax)
OP_FAULTING(rdseed, rdseed %eax)
OP_FAULTING(sgdt, sgdt MICRO_GPA_SCRATCH)
OP_FAULTING(sldt, sldt %ax)
OP_FAULTING(rsm, rsm)
OP_FAULTING(vmxon, mov $MICRO_GPA_SCRATCH, %eax ; vmxon (%rax))
OP_FAULTING(vmxoff, vmxoff)
OP_FAULTING(vmclear, mov $MICRO_GPA_SCRATCH, %eax ; vmclear (%rax))
OP_FAULTING(vmptrld, mov $MICRO_GPA_SCRATCH, %eax ; vmptrld (%rax))
OP_FAULTING(vmptrst, mov $MICRO_GPA_SCRATCH, %eax ; vmptrst (%rax))
OP_FAULTING(vmread, xor %eax, %eax ; vmread %rax, %rbx)
OP_FAULTING(vmwrite, xor %eax, %eax ; xor %ebx, %ebx ; vmwrite %rbx, %rax)
OP_FAULTING(vmlaunch, vmlaunch)
OP_FAULTING(vmresume, vmresume)
OP_FAULTING(invept, mov $MICRO_GPA_SCRATCH, %eax ; xor %ebx, %ebx ; invept (%rax), %rbx)
OP_FAULTING(invvpid, mov $MICRO_GPA_SCRATCH, %eax ; xor %ebx, %ebx ; invvpid (%rax), %rbx)
OP_FAULTING(vmrun, mov $MICRO_GPA_SCRATCH, %eax ; vmrun)
OP_FAULTING(vmload, mov $MICRO_GPA_SCRATCH, %eax ; vmload)
OP_FAULTING(vmsave, mov $MICRO_GPA_SCRATCH, %eax ; vmsave)
OP_FAULTING(stgi, stgi)
OP_FAULTING(clgi, clgi)
OP_FAULTING(skinit, xor %eax, %eax ; skinit)
OP_FAULTING(invlpga, mov $MICRO_GPA_SCRATCH, %eax ; xor %ecx, %ecx ; invlpga)

/*
 * Exception stubs, one per vector.  #BP, #UD and #GP resume a faulting
 * operation; anything else is reported on MICRO_PORT_FAULT and stops the
 * guest.
 */
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
vector_\v:
	mov	$\v, %eax
	.if \v == 3 || \v == 6
	jmp	fault_resume
	.elseif \v == 13
	add	$8, %rsp
	jmp	fault_resume
	.else
	jmp	fault_unexpected
	.endif
	.endr

fault_resume:
	test	%r15, %r15
	jz	1f
	incq	MB(MB_FAULTS)
	mov	%r15, (%rsp)
	iretq
1:
fault_unexpected:
	mov	%eax, MB(MB_FAULT_VECTOR)
	mov	(%rsp), %rax
	mov	%rax, MB(MB_FAULT_RIP)
	out	%al, $MICRO_PORT_FAULT
2:	hlt
	jmp	2b

	.balign 16
micro_guest_end:

/* Not copied to the guest: how much is, and where each vector's stub starts in it. */
	.balign 4
micro_guest_size:
	.long	micro_guest_end - micro_guest_start
micro_guest_vector_offsets:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long	vector_\v - micro_guest_start
	.endr

	.section .note.GNU-stack, "", @progbits
