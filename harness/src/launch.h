/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How L0 starts L1: the accelerator choice and the QEMU command line.  Pure
 * functions of their inputs so that the plan can be unit-tested and printed
 * by --dry-run on any host.
 */
#ifndef EXITSCOPE_LAUNCH_H
#define EXITSCOPE_LAUNCH_H

#include <stdbool.h>

#include "exitscope/abi.h"
#include "strv.h"

enum accel {
	ACCEL_TCG,
	ACCEL_KVM,
	ACCEL_BOCHS,	/* L0 is Bochs (an emulated Intel CPU with VMX): the micro stage only */
};

/* What the host offers for running a hypervisor as a guest. */
struct host_caps {
	bool kvm_dev;	/* /dev/kvm is a character device */
	bool cpu_virt;	/* /proc/cpuinfo has vmx or svm: L1 can be given it */
	char cpu_vendor[32];	/* vendor_id from /proc/cpuinfo, "unknown" if absent */
	bool nested;	/* kvm_intel/kvm_amd nested=Y, or not readable */
};

/* Reads /dev/kvm, /proc/cpuinfo and /sys/module; @root prefixes them (tests). */
void host_caps_probe(const char *root, struct host_caps *caps);

/*
 * @requested is NULL, "auto", "kvm", "tcg" or "bochs" (--accel wins over
 * $ACCEL, the caller decides which it passes; auto never picks bochs).  -EINVAL for another word, -ENODEV for kvm
 * on a host that cannot nest; *why then says what is missing.
 */
int accel_choose(const char *requested, const struct host_caps *caps,
		 enum accel *accel, const char **why);
const char *accel_name(enum accel accel);
/* The inverse of accel_name(): 0, or -EINVAL for another word. */
int accel_parse(const char *name, enum accel *accel);

/*
 * The virtualization extension L1 has, the one rule for a run: SVM under TCG
 * and on AMD and Hygon hosts, VMX under Bochs and on the others under KVM.
 */
enum exsc_isa launch_l1_isa(enum accel accel, const char *cpu_vendor);

struct l1_launch {
	enum accel accel;
	const char *qemu;	/* NULL: qemu-system-x86_64 */
	const char *kernel;	/* the patched bzImage */
	const char *l1_disk;	/* throwaway qcow2 overlay of the L1 image */
	const char *l2_disk;	/* L2 base image, handed to L1 read-only */
	const char *run_dir;	/* shared in as 9p tag "exitscope"; logs land here */
	const char *append;	/* extra kernel arguments, may be NULL */
	const char *monitor;	/* unix socket for QEMU's HMP, may be NULL */
	unsigned int mem_mib;
	unsigned int cpus;
};

int launch_l1_argv(const struct l1_launch *l, struct strv *argv);

/* L1's memory on the nested path: its QEMU runs L2 with 1 GiB and libvirt beside it. */
#define LAUNCH_L1_MEMORY_MIB 3072
/* L1's init on the nested path: the L1 image's, which starts the agent. */
#define LAUNCH_L1_INIT "init=/usr/local/sbin/exitscope-init"

/*
 * The machine half of the nested path's QEMU command line, option and value
 * in pairs (-accel, -cpu, -m, -smp): launch_l1_argv() starts with it, and a
 * nested scenario's LAVA job passes it through its context.  0 or -ENOMEM.
 */
int launch_l1_machine(enum accel accel, unsigned int mem_mib, unsigned int cpus,
		      struct strv *argv);

/*
 * L1's kernel command line on the nested path, ending with @extra (may be
 * NULL): what launch_l1_argv() passes, and a LAVA job too.  0, or
 * -ENAMETOOLONG when it does not fit @size.
 */
int launch_l1_append(enum accel accel, const char *extra, char *out, size_t size);

/*
 * The micro stage's L0 (launch-micro.c): L1 boots from an initramfs, no
 * disks, no 9p; three serial ports, files in @run_dir: l1-console.log,
 * status.log (the init's status lines) and out/micro.json (exitmicro's
 * document).  QEMU takes the kernel and initramfs directly; Bochs boots the
 * ISO and reads the bochsrc that run_prepare() rendered into @run_dir.
 */
struct micro_launch {
	enum accel accel;
	const char *qemu;	/* NULL: qemu-system-x86_64 */
	const char *kernel;	/* bzImage (QEMU) */
	const char *initrd;	/* initrd.gz (QEMU) */
	const char *run_dir;
	const char *append;	/* from launch_micro_append() */
	const char *monitor;	/* QEMU's HMP socket, may be NULL */
};

/*
 * L1's kernel command line for the micro stage, ending with @micro_args
 * (scenario_micro_args()).  -ENAMETOOLONG when it does not fit @size.
 */
int launch_micro_append(enum accel accel, const char *micro_args, char *out, size_t size);

int launch_micro_argv(const struct micro_launch *l, struct strv *argv);

/*
 * The machine half of the micro stage's QEMU command line, option and value
 * in pairs (-accel, -cpu, -m, -smp): launch_micro_argv() starts with it, and
 * the LAVA jobs pass it through their context.  0 or -ENOMEM.
 */
int launch_micro_machine(enum accel accel, struct strv *argv);

/* The files in the run directory that Bochs reads (launch_micro_argv()). */
#define BOCHS_CONFIG_FILE "bochsrc"
#define BOCHS_RC_FILE "bochs-continue.rc"
#define BOCHS_ISO_FILE "boot.iso"

/*
 * Can this L0 QEMU run L2 under TCG's emulated SVM without losing its
 * interrupts?  @version_line is the first line of `qemu-system-x86_64
 * --version`.  1 yes, 0 no (*why says what is wrong), -EINVAL if the line
 * names no version.
 */
int launch_tcg_qemu_fit(const char *version_line, const char **why);

#endif
