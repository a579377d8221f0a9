/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the micro guest's host side (vm.c) and its guest code (guest.S) agree
 * on: the guest-physical layout, the ports the guest signals on, the mailbox
 * the host fills and reads, and the numbered guest operations.  Plain
 * preprocessor definitions, so the assembler reads this file too.
 */
#ifndef EXITSCOPE_MICRO_LAYOUT_H
#define EXITSCOPE_MICRO_LAYOUT_H

/* Guest-physical memory: one 64 KiB memslot at 0, identity-mapped by one 2 MiB page. */
#define MICRO_GPA_PML4		0x1000
#define MICRO_GPA_PDPT		0x2000
#define MICRO_GPA_PD		0x3000
#define MICRO_GPA_GDT		0x4000
#define MICRO_GPA_TSS		0x4800
#define MICRO_GPA_IDT		0x5000
#define MICRO_GPA_MAILBOX	0x6000
#define MICRO_GPA_STACK_TOP	0x8000	/* the stack is the page below */
#define MICRO_GPA_CODE		0x8000
#define MICRO_CODE_MAX		0x4000
#define MICRO_GPA_SCRATCH	0xc000	/* memory operands of the VMX/SVM instructions */
#define MICRO_MEM_SIZE		0x10000
/* Inside the guest's 2 MiB page but outside the memslot: every access is MMIO. */
#define MICRO_GPA_MMIO		0x100000

#define MICRO_SEL_CODE		0x08
#define MICRO_SEL_DATA		0x10
#define MICRO_SEL_TSS		0x18

/* Ports: the guest's signals to the host, and the port the pio-in/out operations use. */
#define MICRO_PORT_ACTION	0xe0
#define MICRO_PORT_DISCOVERED	0xf0	/* discovery leaf stored; host fills the mailbox */
#define MICRO_PORT_READY	0xf1	/* warm-up done; the window opens on resume */
#define MICRO_PORT_DONE		0xf2	/* the window's last exit */
#define MICRO_PORT_FAULT	0xf3	/* an exception the guest has no handler for */
#define MICRO_PORT_SERVE	0xf4	/* check mode: request done, the guest waits for the next */

/* The mailbox, at MICRO_GPA_MAILBOX: 64-bit fields unless said otherwise. */
#define MB_OP			0x00	/* host: the guest operation (MICRO_OP_*) */
#define MB_COUNT		0x08	/* host: how often the window runs it (0: skip) */
#define MB_REASON		0x10	/* host: the reason the guest reads by CPUID */
#define MB_MSR			0x18	/* host: the MSR rdmsr/wrmsr use */
#define MB_INFO			0x20	/* guest: leaf 0x4FFFFFFB, EAX EBX ECX EDX (32-bit each) */
#define MB_BEFORE		0x30	/* guest: leaf 0x4FFFFFFE before the window, 4 x 32-bit */
#define MB_AFTER		0x40	/* guest: the same after the window */
#define MB_MSR_VALUE		0x50	/* guest: what rdmsr read in the warm-up (EDX:EAX) */
#define MB_FAULTS		0x58	/* guest: exceptions its #UD/#GP handlers resumed from */
#define MB_FAULT_VECTOR		0x60	/* guest: the vector that reached MICRO_PORT_FAULT */
#define MB_FAULT_RIP		0x68	/* guest: the first word on that handler's stack */
#define MB_TSC_BEFORE		0x70	/* guest: its TSC just before the window's operations */
#define MB_TSC_AFTER		0x78	/* guest: ... and just after them */
/*
 * Check mode (exitmicro check): the guest serves one request per resume,
 * with no exit but the request's own, and signals MICRO_PORT_SERVE after it.
 */
#define MB_SERVE		0x80	/* host, before the first entry: nonzero for check mode */
#define MB_REQUEST		0x88	/* host: MICRO_REQ_* */
#define MB_LEAF			0x90	/* host: EAX of MICRO_REQ_CPUID */
#define MB_SUBLEAF		0x98	/* host: ECX of MICRO_REQ_CPUID */
#define MB_REGS			0xa0	/* guest: its answer, EAX EBX ECX EDX (32-bit each) */
#define MB_ROUND_TRIP		0xb0	/* guest: TSC cycles of MICRO_REQ_TIME's CPUID */
#define MB_PAIR			0xb8	/* guest: MICRO_REQ_PAIR's second answer, as MB_REGS */

#define MICRO_REQ_CPUID		0	/* one CPUID of MB_LEAF, MB_SUBLEAF into MB_REGS */
#define MICRO_REQ_OP		1	/* operation MB_OP, MB_COUNT times */
#define MICRO_REQ_TIME		2	/* one CPUID of leaf 0 timed by the TSC into MB_ROUND_TRIP */
/* Two CPUIDs of MB_LEAF, MB_SUBLEAF back to back, into MB_REGS and MB_PAIR. */
#define MICRO_REQ_PAIR		3

/*
 * The guest operations, in the order of guest.S's dispatch table.  Each runs
 * its instruction MB_COUNT times; X(ENUM, label).
 */
#define MICRO_OPS(X)					\
	X(CPUID, cpuid) X(HLT, hlt)			\
	X(PIO_IN, pio_in) X(PIO_OUT, pio_out)		\
	X(RDMSR, rdmsr) X(WRMSR, wrmsr)			\
	X(VMCALL, vmcall) X(VMMCALL, vmmcall)		\
	X(MMIO_READ, mmio_read) X(MMIO_WRITE, mmio_write) \
	X(UD2, ud2) X(INT3, int3)			\
	X(INVD, invd) X(WBINVD, wbinvd)			\
	X(XSETBV, xsetbv) X(RDPMC, rdpmc)		\
	X(CR0_WRITE, cr0_write) X(CR4_READ, cr4_read)	\
	X(CR4_WRITE, cr4_write) X(CR8_READ, cr8_read)	\
	X(CR8_WRITE, cr8_write)				\
	X(DR0_READ, dr0_read) X(DR0_WRITE, dr0_write)	\
	X(MONITOR, monitor) X(MWAIT, mwait)		\
	X(INVLPG, invlpg) X(RDTSCP, rdtscp)		\
	X(RDRAND, rdrand) X(RDSEED, rdseed)		\
	X(SGDT, sgdt) X(SLDT, sldt) X(RSM, rsm)		\
	X(VMXON, vmxon) X(VMXOFF, vmxoff)		\
	X(VMCLEAR, vmclear) X(VMPTRLD, vmptrld)		\
	X(VMPTRST, vmptrst) X(VMREAD, vmread)		\
	X(VMWRITE, vmwrite) X(VMLAUNCH, vmlaunch)	\
	X(VMRESUME, vmresume) X(INVEPT, invept)		\
	X(INVVPID, invvpid)				\
	X(VMRUN, vmrun) X(VMLOAD, vmload)		\
	X(VMSAVE, vmsave) X(STGI, stgi) X(CLGI, clgi)	\
	X(SKINIT, skinit) X(INVLPGA, invlpga)		\
	X(TSC_DEADLINE, tsc_deadline) X(ICR_WRITE, icr_write)

#ifndef __ASSEMBLER__
enum micro_op {
#define MICRO_OP_ENUM(id, label) MICRO_OP_##id,
	MICRO_OPS(MICRO_OP_ENUM)
#undef MICRO_OP_ENUM
	MICRO_OP_COUNT
};
#endif

#endif
