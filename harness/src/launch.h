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
 * @requested is NULL, "auto", "kvm" or "tcg" (--accel wins over $ACCEL, the
 * caller decides which it passes).  -EINVAL for another word, -ENODEV for kvm
 * on a host that cannot nest; *why then says what is missing.
 */
int accel_choose(const char *requested, const struct host_caps *caps,
		 enum accel *accel, const char **why);
const char *accel_name(enum accel accel);
/* The inverse of accel_name(): 0, or -EINVAL for another word. */
int accel_parse(const char *name, enum accel *accel);

/*
 * The virtualization extension L1 has, the one rule for a run: SVM under TCG
 * and on AMD and Hygon hosts, VMX on the others under KVM.
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

/*
 * Can this L0 QEMU run L2 under TCG's emulated SVM without losing its
 * interrupts?  @version_line is the first line of `qemu-system-x86_64
 * --version`.  1 yes, 0 no (*why says what is wrong), -EINVAL if the line
 * names no version.
 */
int launch_tcg_qemu_fit(const char *version_line, const char **why);

#endif
