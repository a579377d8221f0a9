// SPDX-License-Identifier: GPL-2.0
/* How L0 starts L1 for the micro stage: QEMU with an initramfs, or Bochs with an ISO. */
#include <errno.h>
#include <stdio.h>

#include "launch.h"

#define MICRO_MEMORY_MIB 1024

int launch_micro_append(enum accel accel, const char *micro_args, char *out, size_t size)
{
	/*
	 * quiet: the console stays readable; highres=off as on the nested path
	 * under TCG (launch.c), and under Bochs, whose clock follows the
	 * instruction count; nx_huge_pages=off: no recovery thread to take
	 * exits beside exitmicro's VMs.
	 */
	const char *tick = accel == ACCEL_KVM ? "" : " highres=off";
	int n = snprintf(out, size, "console=ttyS0,115200 quiet panic=-1 rdinit=/init%s "
			 "kvm.nx_huge_pages=off %s", tick, micro_args);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int launch_micro_machine(enum accel accel, struct strv *argv)
{
	int r;

	if (accel == ACCEL_KVM)
		r = strv_addv(argv, (const char *const[]){ "-accel", "kvm", "-cpu", "host", NULL });
	else
		r = strv_addv(argv, (const char *const[]){ "-accel", "tcg", "-cpu", "max", NULL });
	r |= strv_add(argv, "-m");
	r |= strv_addf(argv, "%u", MICRO_MEMORY_MIB);
	r |= strv_addv(argv, (const char *const[]){ "-smp", "1", NULL });
	return r ? -ENOMEM : 0;
}

static int micro_qemu_argv(const struct micro_launch *l, struct strv *argv)
{
	static const char *const ports[] = { "l1-console.log", "status.log", "out/micro.json" };
	int r = strv_add(argv, l->qemu ? l->qemu : "qemu-system-x86_64");

	r |= launch_micro_machine(l->accel, argv);
	r |= strv_addv(argv, (const char *const[]){ "-name", "exitscope-l1",
						"-nodefaults", "-no-user-config", "-display", "none",
						"-no-reboot", "-kernel", l->kernel, "-initrd", l->initrd,
						"-append", l->append, NULL });
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		r |= strv_add(argv, "-serial");
		r |= strv_addf(argv, "file:%s/%s", l->run_dir, ports[i]);
	}
	if (l->monitor) {
		r |= strv_add(argv, "-monitor");
		r |= strv_addf(argv, "unix:%s,server=on,wait=off", l->monitor);
	}
	return r ? -ENOMEM : 0;
}

/*
 * Debian's Bochs has the internal debugger, which stops at the first
 * instruction unless a command file says continue; its display listens on
 * a port, so it runs in an empty network namespace.
 */
static int micro_bochs_argv(const struct micro_launch *l, struct strv *argv)
{
	int r = strv_addv(argv, (const char *const[]){ "unshare", "-n", "bochs-bin", "-q", "-f",
						       NULL });

	r |= strv_addf(argv, "%s/%s", l->run_dir, BOCHS_CONFIG_FILE);
	r |= strv_add(argv, "-rc");
	r |= strv_addf(argv, "%s/%s", l->run_dir, BOCHS_RC_FILE);
	return r ? -ENOMEM : 0;
}

int launch_micro_argv(const struct micro_launch *l, struct strv *argv)
{
	if (!l->run_dir || !l->append)
		return -EINVAL;
	if (l->accel == ACCEL_BOCHS)
		return micro_bochs_argv(l, argv);
	if (!l->kernel || !l->initrd)
		return -EINVAL;
	return micro_qemu_argv(l, argv);
}
