// SPDX-License-Identifier: GPL-2.0
/* exitscope doctor: what this host offers a run, and what is missing. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "cmd.h"
#include "exec.h"
#include "l0.h"
#include "launch.h"
#include "util.h"

void doctor_usage(FILE *out)
{
	fprintf(out, "usage: exitscope doctor\n\n"
		     "Reports /dev/kvm and nesting, the CPU vendor, QEMU and the image tools,\n"
		     "libvirt and virt-install (needed in L1, optional on this host), Bochs\n"
		     "(the micro stage's VMX path, --accel bochs; optional), free space in the\n"
		     "cache, the accelerator a run would use, and which QEMU is L0\n"
		     "($%s: auto, built, fixed or system) with whether it carries the\n"
		     "fixes of the two lost updates that lose L1 or L2 under TCG: its\n"
		     "emulated SVM's interrupt_request and the first CPU's hflags2.\n"
		     "Exit 0 when a run can start here, 3 when something is missing.\n", L0_ENV);
}

/* One line per tool; returns 1 when it is missing. */
static int doctor_tool(const char *label, char *const argv[], const char *package)
{
	char version[512];

	if (!exec_first_line(argv, version, sizeof(version))) {
		printf("%-13s missing: apt-get install %s\n", label, package);
		return 1;
	}
	printf("%-13s %s\n", label, version);
	return 0;
}

/*
 * libvirt and virt-install run L2 inside L1 (the L1 image carries them), so
 * the host needs them only to start L2 without an L1; report, do not fail.
 */
static void doctor_l1_tool(const char *label, char *const argv[], const char *package)
{
	char version[512];

	if (!exec_first_line(argv, version, sizeof(version)))
		printf("%-13s not on this host (L1's image has it; apt-get install %s to run L2 here)\n",
		       label, package);
	else
		printf("%-13s %s\n", label, version);
}

/* Under TCG the L0 QEMU's SVM emulation decides whether L2 keeps its interrupts. */
static void doctor_tcg_qemu(const char *qemu)
{
	char *const version[] = { (char *)qemu, "--version", NULL };
	const char *why = NULL;
	char line[512];

	if (!exec_first_line(version, line, sizeof(line)))
		return;
	if (launch_tcg_qemu_fit(line, &why) > 0)
		printf("%-13s fit for nested SVM (9.1 or later)\n", "qemu-tcg");
	else
		printf("%-13s %s\n", "qemu-tcg", why ? why : "version not recognised");
}

/* What scripts/l0-fix-status.sh reads of one fix in a QEMU's machine code, as a sentence. */
static const char *doctor_fix_words(const char *status)
{
	if (!strcmp(status, "atomic"))
		return "atomic: carries the fix";
	if (!strcmp(status, "plain"))
		return "plain read-modify-write: lacks the fix; 'make l0' builds an L0 that has it";
	return "not recognised in this binary";
}

/* One line per fix: the status script's "<fix> <status>" lines, in words. */
static void doctor_fixes(const char *root, const char *qemu)
{
	static const struct {
		const char *fix, *what;
	} fixes[] = {
		{ "interrupt_request", "interrupt_request in VMRUN/#VMEXIT" },
		{ "hflags2", "first CPU's hflags2 from other vCPUs" },
	};
	char script[PATH_MAX + 32], out[256], status[32];
	size_t i;

	util_pathf(script, sizeof(script), "%s/%s", root, L0_FIX_STATUS_SCRIPT);
	if (exec_output((char *[]){ script, (char *)qemu, NULL }, out, sizeof(out)) < 0)
		out[0] = '\0';
	for (i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++) {
		const char *line = strstr(out, fixes[i].fix);

		if (!line || sscanf(line + strlen(fixes[i].fix), " %31s", status) != 1)
			snprintf(status, sizeof(status), "unknown");
		printf("%-13s %s %s\n", "l0-fix", fixes[i].what, doctor_fix_words(status));
	}
}

/*
 * Which QEMU a run starts as L0, and whether it carries the fixes; 1 when
 * the setting cannot be honoured.
 */
static int doctor_l0(const char *root, enum accel accel, struct l0_choice *c)
{
	const char *setting = getenv(L0_ENV);
	char version[512] = "";
	int r = l0_choose(root, setting, accel, c);

	if (r == -EINVAL) {
		printf("%-13s %s=%s: L0 is auto, built, fixed or system\n", "l0", L0_ENV, setting);
		return 1;
	}
	if (r == -ENOENT) {
		printf("%-13s %s=%s, but the %s L0 QEMU is not prepared: run 'make l0'\n", "l0",
		       L0_ENV, setting, setting);
		return 1;
	}
	if (r < 0)
		return 1;
	exec_first_line((char *[]){ c->qemu, "--version", NULL }, version, sizeof(version));
	printf("%-13s %s: %s, %s\n", "l0", l0_kind_name(c->kind), c->qemu,
	       version[0] ? version : "does not run");
	doctor_fixes(root, c->qemu);
	return 0;
}

/*
 * Bochs is L0 for the micro stage's VMX path only (its Haswell model has VMX
 * with EPT): optional, reported with what a run under it needs.
 */
static void doctor_bochs(void)
{
	char *const version[] = { "dpkg-query", "-W", "-f=${Version}", "bochs", NULL };
	char *const tools[] = { "sh", "-c", "command -v bochs-bin genisoimage unshare >/dev/null && "
				"test -r /usr/share/bochs/BIOS-bochs-latest && "
				"test -r /usr/lib/ISOLINUX/isolinux.bin && echo ok", NULL };
	char line[256], ok[8];

	if (!exec_first_line(version, line, sizeof(line)) ||
	    !exec_first_line(tools, ok, sizeof(ok))) {
		printf("%-13s missing (optional: --accel bochs, the VMX micro stage): apt-get install "
		       "bochs bochsbios vgabios isolinux syslinux-common genisoimage\n", "bochs");
		return;
	}
	printf("%-13s %s, model corei7_haswell_4770 (VMX, EPT): --accel bochs runs micro "
	       "scenarios\n", "bochs", line);
}

/* Free space where the cache is, or would be: its nearest existing ancestor. */
static void doctor_cache(void)
{
	char cache[4096], path[4096];
	struct statvfs st;

	util_cache_dir(cache, sizeof(cache));
	snprintf(path, sizeof(path), "%s", cache);
	while (statvfs(path, &st) < 0) {
		char *slash = strrchr(path, '/');

		if (!strcmp(path, "/") || !strcmp(path, ".")) {
			printf("%-13s %s: no existing folder on its path\n", "cache", cache);
			return;
		}
		if (!slash)
			snprintf(path, sizeof(path), ".");
		else
			slash[slash == path] = '\0';	/* the parent of /x is / */
	}
	printf("%-13s %s: %.1f GiB free\n", "cache", cache,
	       (double)st.f_bavail * st.f_frsize / (1 << 30));
}

int cmd_doctor(int argc, char **argv)
{
	struct host_caps caps;
	struct l0_choice l0 = { .kind = L0_SYSTEM, .qemu = "qemu-system-x86_64" };
	char root[PATH_MAX] = "";
	const char *why;
	enum accel accel;
	int missing = 0;

	(void)argv;
	if (argc > 1) {
		doctor_usage(stderr);
		return EXIT_USAGE;
	}
	host_caps_probe("", &caps);
	printf("%-13s %s\n", "/dev/kvm", caps.kvm_dev ? "present" : "absent");
	printf("%-13s %s, %s\n", "cpu", caps.cpu_vendor,
	       caps.cpu_virt ? "vmx/svm available to guests" : "no vmx/svm flag");
	printf("%-13s %s\n", "nested", caps.nested ?
	       "kvm_intel/kvm_amd nested=Y (or the module is not loaded)" :
	       "kvm_intel/kvm_amd nested=N");
	accel_choose(getenv("ACCEL"), &caps, &accel, &why);
	printf("%-13s %s%s%s%s\n", "accelerator", accel_name(accel),
	       why ? " (" : "", why ? why : "", why ? ")" : "");
	missing += doctor_tool("qemu", (char *[]){ "qemu-system-x86_64", "--version", NULL },
			       "qemu-system-x86");
	missing += doctor_tool("qemu-img", (char *[]){ "qemu-img", "--version", NULL }, "qemu-utils");
	missing += doctor_tool("mmdebstrap", (char *[]){ "mmdebstrap", "--version", NULL },
			       "mmdebstrap");
	missing += doctor_tool("cloud-localds",
			       (char *[]){ "sh", "-c", "command -v cloud-localds", NULL },
			       "cloud-image-utils");
	doctor_l1_tool("libvirt", (char *[]){ "virsh", "--version", NULL }, "libvirt-daemon-system");
	doctor_l1_tool("virt-install", (char *[]){ "virt-install", "--version", NULL }, "virtinst");
	if (util_checkout_root(root, sizeof(root)) < 0)
		root[0] = '\0';
	missing += doctor_l0(root, accel, &l0);
	if (accel == ACCEL_TCG)
		doctor_tcg_qemu(l0.qemu);
	doctor_bochs();
	doctor_cache();
	if (missing) {
		printf("%d tool(s) missing: 'make deps' installs them\n", missing);
		return EXIT_ENVIRONMENT;
	}
	return 0;
}
