// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "launch.h"

static bool path_is_chardev(const char *root, const char *path)
{
	char full[4096];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root, path);
	return stat(full, &st) == 0 && S_ISCHR(st.st_mode);
}

/* One pass over /proc/cpuinfo for the first CPU's vendor and virtualization flag. */
static void cpuinfo_read(const char *root, struct host_caps *caps)
{
	char path[4096], line[8192];
	FILE *f;

	snprintf(caps->cpu_vendor, sizeof(caps->cpu_vendor), "unknown");
	caps->cpu_virt = false;
	snprintf(path, sizeof(path), "%s/proc/cpuinfo", root);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "vendor_id", 9) && strchr(line, ':'))
			sscanf(strchr(line, ':') + 1, " %31s", caps->cpu_vendor);
		if (!strncmp(line, "flags", 5)) {
			caps->cpu_virt = strstr(line, " vmx") || strstr(line, " svm");
			break;
		}
	}
	fclose(f);
}

/* A vendor module that is loaded says whether it nests; absent ones do not veto. */
static bool nested_param_allows(const char *root)
{
	static const char *const modules[] = { "kvm_intel", "kvm_amd" };
	bool allowed = true;

	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		char path[4096], value[8] = "";
		FILE *f;

		snprintf(path, sizeof(path), "%s/sys/module/%s/parameters/nested",
			 root, modules[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(value, sizeof(value), f))
			allowed = value[0] == 'Y' || value[0] == '1';
		fclose(f);
	}
	return allowed;
}

void host_caps_probe(const char *root, struct host_caps *caps)
{
	caps->kvm_dev = path_is_chardev(root, "/dev/kvm");
	cpuinfo_read(root, caps);
	caps->nested = nested_param_allows(root);
}

static const char *kvm_missing(const struct host_caps *caps)
{
	if (!caps->kvm_dev)
		return "/dev/kvm not found";
	if (!caps->cpu_virt)
		return "/dev/kvm exists but the CPU shows no vmx/svm flag, so L1 could not run KVM";
	if (!caps->nested)
		return "the kvm_intel/kvm_amd module has nested=N; reload it with nested=1";
	return NULL;
}

int accel_choose(const char *requested, const struct host_caps *caps,
		 enum accel *accel, const char **why)
{
	const char *missing = kvm_missing(caps);

	*why = missing;
	if (!requested || !strcmp(requested, "auto")) {
		*accel = missing ? ACCEL_TCG : ACCEL_KVM;
		return 0;
	}
	if (!strcmp(requested, "tcg")) {
		*accel = ACCEL_TCG;
		return 0;
	}
	if (!strcmp(requested, "kvm")) {
		*accel = ACCEL_KVM;
		return missing ? -ENODEV : 0;
	}
	/* Bochs is never chosen for a user: it runs the micro stage only. */
	if (!strcmp(requested, "bochs")) {
		*accel = ACCEL_BOCHS;
		*why = NULL;
		return 0;
	}
	*why = "the accelerator must be auto, kvm, tcg or bochs";
	return -EINVAL;
}

static const char *const accel_names[] = {
	[ACCEL_TCG] = "tcg", [ACCEL_KVM] = "kvm", [ACCEL_BOCHS] = "bochs",
};

const char *accel_name(enum accel accel)
{
	return accel_names[accel];
}

int accel_parse(const char *name, enum accel *accel)
{
	for (size_t i = 0; i < sizeof(accel_names) / sizeof(accel_names[0]); i++) {
		if (!strcmp(name, accel_names[i])) {
			*accel = (enum accel)i;
			return 0;
		}
	}
	return -EINVAL;
}

enum exsc_isa launch_l1_isa(enum accel accel, const char *cpu_vendor)
{
	/*
	 * TCG's -cpu max emulates SVM only; Bochs's Haswell model VMX; KVM hands
	 * L1 the host's own extension.
	 */
	if (accel == ACCEL_BOCHS)
		return EXSC_ISA_VMX;
	if (accel == ACCEL_TCG || !strcmp(cpu_vendor, "AuthenticAMD") ||
	    !strcmp(cpu_vendor, "HygonGenuine"))
		return EXSC_ISA_SVM;
	return EXSC_ISA_VMX;
}

/*
 * QEMU before 9.1 (bookworm has 7.2) enters a guest through VMRUN without
 * loading the VMCB's interrupt shadow (upstream "target/i386: fix
 * INHIBIT_IRQ/TF/RF handling for VMRUN", June 2024).  When L1's timer
 * interrupt exits L2 right after L2's STI, L1's KVM sees the shadow, opens an
 * interrupt window instead of injecting, and QEMU takes that window at once:
 * L2's wakeup interrupt arrives before its HLT instead of ending it, and L2
 * sleeps until some later interrupt, minutes on an idle tickless guest
 * ("rcu_preempt kthread timer wakeup didn't happen"; docs/nested-stall.md).
 */
int launch_tcg_qemu_fit(const char *version_line, const char **why)
{
	const char *v = strstr(version_line, "version ");
	unsigned int major, minor;

	if (!v || sscanf(v, "version %u.%u", &major, &minor) != 2)
		return -EINVAL;
	*why = NULL;
	if (major > 9 || (major == 9 && minor >= 1))
		return 1;
	*why = "QEMU before 9.1 drops L2's interrupt shadow on VMRUN under TCG, and L2 then loses wakeups; "
	       "'make deps' installs QEMU 10 from bookworm-backports";
	return 0;
}

/*
 * -cpu host under KVM passes the host's VMX/SVM through; under TCG only
 * -cpu max emulates SVM.  MTTCG lets L1's vCPUs use the host's cores.
 */
int launch_l1_machine(enum accel accel, unsigned int mem_mib, unsigned int cpus,
		      struct strv *argv)
{
	int r = 0;

	if (accel == ACCEL_KVM)
		r |= strv_addv(argv, (const char *const[]){ "-accel", "kvm", "-cpu", "host", NULL });
	else
		r |= strv_addv(argv, (const char *const[]){ "-accel", "tcg,thread=multi",
							"-cpu", "max", NULL });
	r |= strv_add(argv, "-m");
	r |= strv_addf(argv, "%u", mem_mib);
	r |= strv_add(argv, "-smp");
	r |= strv_addf(argv, "%u", cpus);
	return r ? -ENOMEM : 0;
}

/*
 * debug-threads names each vCPU thread ("CPU 0/TCG"), so the thread states
 * taken at a stage timeout say which vCPU is which.
 */
static int launch_add_machine(const struct l1_launch *l, struct strv *argv)
{
	int r = launch_l1_machine(l->accel, l->mem_mib, l->cpus, argv);

	r |= strv_addv(argv, (const char *const[]){ "-name", "exitscope-l1,debug-threads=on",
						"-nodefaults", "-no-user-config",
						"-display", "none", "-no-reboot", NULL });
	return r ? -ENOMEM : 0;
}

/*
 * highres=off under TCG mitigates one cause of the nested stall: QEMU's
 * VMRUN helper (7.2 here, and every release before the 2025 atomic
 * interrupt_request rework) ORs CPU_INTERRUPT_VIRQ into the vCPU's
 * interrupt_request without the BQL whenever L1's KVM enters L2 with an
 * interrupt window (V_IRQ) open.  A CPU_INTERRUPT_POLL that the main loop
 * (L1's APIC timer) or L1's other vCPU (an IPI) sets at that moment is lost:
 * the vector waits in L1's IRR and nothing polls it.  With high-resolution
 * timers L1's tick is a one-shot APIC timer that only L1's handler re-arms,
 * so one lost timer interrupt stalls L1 for good, and L2 with it.  Without
 * them the APIC timer is periodic in QEMU itself: the next tick, 4 ms later,
 * polls the APIC again and delivers what was pending.  Real hardware under
 * KVM has no such race, so the option is TCG's alone.  It is no cure for
 * every whole-L1 stall (a rare hang and an L1 crash remain, see
 * docs/nested-stall.md); --retries covers those.
 */
int launch_l1_append(enum accel accel, const char *extra, char *out, size_t size)
{
	const char *tick = accel == ACCEL_TCG ? " highres=off" : "";
	int n = snprintf(out, size, "console=ttyS0 root=/dev/vda rw panic=-1%s%s%s", tick,
			 extra ? " " : "", extra ? extra : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int launch_add_boot(const struct l1_launch *l, struct strv *argv)
{
	char append[4096];
	int r = launch_l1_append(l->accel, l->append, append, sizeof(append));

	if (r < 0)
		return r;
	r |= strv_addv(argv, (const char *const[]){ "-kernel", l->kernel, "-append", append, NULL });
	return r ? -ENOMEM : 0;
}

/* The L2 base goes in as raw bytes: L1 reads the qcow2 from /dev/vdb. */
static int launch_add_disks(const struct l1_launch *l, struct strv *argv)
{
	int r = 0;

	r |= strv_add(argv, "-drive");
	r |= strv_addf(argv, "file=%s,if=virtio,format=qcow2,cache=unsafe", l->l1_disk);
	r |= strv_add(argv, "-drive");
	r |= strv_addf(argv, "file=%s,if=virtio,format=raw,readonly=on", l->l2_disk);
	return r ? -ENOMEM : 0;
}

/* The run directory in (9p), the console and the status port out (files). */
static int launch_add_channels(const struct l1_launch *l, struct strv *argv)
{
	int r = 0;

	r |= strv_add(argv, "-fsdev");
	r |= strv_addf(argv, "local,id=run,path=%s,security_model=none", l->run_dir);
	r |= strv_addv(argv, (const char *const[]){ "-device",
				"virtio-9p-pci,fsdev=run,mount_tag=exitscope", NULL });
	r |= strv_add(argv, "-serial");
	r |= strv_addf(argv, "file:%s/l1-console.log", l->run_dir);
	r |= strv_addv(argv, (const char *const[]){ "-device", "virtio-serial-pci", NULL });
	r |= strv_add(argv, "-chardev");
	r |= strv_addf(argv, "file,id=status,path=%s/status.log", l->run_dir);
	r |= strv_addv(argv, (const char *const[]){ "-device",
				"virtserialport,chardev=status,name=org.exitscope.status", NULL });
	if (l->monitor) {
		r |= strv_add(argv, "-monitor");
		r |= strv_addf(argv, "unix:%s,server=on,wait=off", l->monitor);
	}
	return r ? -ENOMEM : 0;
}

int launch_l1_argv(const struct l1_launch *l, struct strv *argv)
{
	int r;

	if (!l->kernel || !l->l1_disk || !l->l2_disk || !l->run_dir || !l->mem_mib || !l->cpus)
		return -EINVAL;
	r = strv_add(argv, l->qemu ? l->qemu : "qemu-system-x86_64");
	if (!r)
		r = launch_add_machine(l, argv);
	if (!r)
		r = launch_add_boot(l, argv);
	if (!r)
		r = launch_add_disks(l, argv);
	if (!r)
		r = launch_add_channels(l, argv);
	return r;
}
