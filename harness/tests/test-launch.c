// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "launch.h"

static const struct host_caps nesting_host = {
	.kvm_dev = true, .cpu_virt = true, .nested = true,
};

static void test_auto_picks_kvm_only_when_nesting_works(void **state)
{
	static const struct host_caps partial[] = {
		{ .kvm_dev = false, .cpu_virt = true, .nested = true },
		{ .kvm_dev = true, .cpu_virt = false, .nested = true },
		{ .kvm_dev = true, .cpu_virt = true, .nested = false },
	};
	const char *why;
	enum accel accel;

	(void)state;
	assert_int_equal(accel_choose(NULL, &nesting_host, &accel, &why), 0);
	assert_int_equal(accel, ACCEL_KVM);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(accel_choose("auto", &partial[i], &accel, &why), 0);
		assert_int_equal(accel, ACCEL_TCG);
		assert_non_null(why);
	}
}

static void test_explicit_choice(void **state)
{
	const struct host_caps no_kvm = { .kvm_dev = false, .cpu_virt = false, .nested = false };
	const char *why;
	enum accel accel;

	(void)state;
	assert_int_equal(accel_choose("tcg", &nesting_host, &accel, &why), 0);
	assert_int_equal(accel, ACCEL_TCG);
	assert_int_equal(accel_choose("kvm", &no_kvm, &accel, &why), -ENODEV);
	assert_string_equal(why, "/dev/kvm not found");
	/* Bochs needs nothing of the host's virtualization, and auto never picks it. */
	assert_int_equal(accel_choose("bochs", &no_kvm, &accel, &why), 0);
	assert_int_equal(accel, ACCEL_BOCHS);
	assert_string_equal(accel_name(accel), "bochs");
	assert_int_equal(accel_parse("bochs", &accel), 0);
	assert_int_equal(accel, ACCEL_BOCHS);
	assert_int_equal(launch_l1_isa(ACCEL_BOCHS, "AuthenticAMD"), EXSC_ISA_VMX);
	assert_int_equal(accel_choose("hvf", &nesting_host, &accel, &why), -EINVAL);
	assert_int_equal(accel_choose("KVM", &nesting_host, &accel, &why), -EINVAL);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_probe_reads_cpuinfo_and_nested_param(void **state)
{
	char root[] = "/tmp/exitscope-test-launch-XXXXXX";
	struct host_caps caps;
	char cmd[128];

	(void)state;
	assert_non_null(mkdtemp(root));
	write_file(root, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
		   "flags\t\t: fpu vme svm lm\n");
	write_file(root, "/sys/module/kvm_amd/parameters/nested", "0\n");
	host_caps_probe(root, &caps);
	assert_false(caps.kvm_dev);
	assert_true(caps.cpu_virt);
	assert_string_equal(caps.cpu_vendor, "AuthenticAMD");
	assert_false(caps.nested);

	write_file(root, "/proc/cpuinfo", "flags\t\t: fpu vme lm hypervisor\n");
	write_file(root, "/sys/module/kvm_amd/parameters/nested", "Y\n");
	host_caps_probe(root, &caps);
	assert_false(caps.cpu_virt);
	assert_string_equal(caps.cpu_vendor, "unknown");
	assert_true(caps.nested);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static const struct l1_launch example = {
	.accel = ACCEL_TCG,
	.kernel = "/k/bzImage",
	.l1_disk = "/r/l1.qcow2",
	.l2_disk = "/i/l2.qcow2",
	.run_dir = "/r",
	.append = "init=/sbin/exitscope-init",
	.mem_mib = 3072,
	.cpus = 2,
};

static char *joined_argv(const struct l1_launch *l)
{
	struct strv argv = { 0 };
	char *line;

	assert_int_equal(launch_l1_argv(l, &argv), 0);
	line = strv_join(&argv);
	strv_free(&argv);
	return line;
}

static void test_tcg_command_line(void **state)
{
	char *line = joined_argv(&example);

	(void)state;
	assert_string_equal(line,
		"qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 3072 -smp 2 "
		"-name exitscope-l1,debug-threads=on -nodefaults -no-user-config -display none -no-reboot "
		"-kernel /k/bzImage -append console=ttyS0 root=/dev/vda rw panic=-1 highres=off "
		"init=/sbin/exitscope-init "
		"-drive file=/r/l1.qcow2,if=virtio,format=qcow2,cache=unsafe "
		"-drive file=/i/l2.qcow2,if=virtio,format=raw,readonly=on "
		"-fsdev local,id=run,path=/r,security_model=none "
		"-device virtio-9p-pci,fsdev=run,mount_tag=exitscope "
		"-serial file:/r/l1-console.log -device virtio-serial-pci "
		"-chardev file,id=status,path=/r/status.log "
		"-device virtserialport,chardev=status,name=org.exitscope.status");
	free(line);
}

static void test_kvm_uses_host_cpu(void **state)
{
	struct l1_launch l = example;
	char *line;

	(void)state;
	l.accel = ACCEL_KVM;
	l.append = NULL;
	line = joined_argv(&l);
	assert_non_null(strstr(line, " -accel kvm -cpu host "));
	assert_null(strstr(line, "-cpu max"));
	/* The periodic-tick workaround is for QEMU's emulated SVM only. */
	assert_non_null(strstr(line, "panic=-1 -drive"));
	assert_null(strstr(line, "-monitor"));
	free(line);
}

static void test_monitor_socket_when_asked(void **state)
{
	struct l1_launch l = example;
	char *line;

	(void)state;
	l.monitor = "/r/l1-monitor.sock";
	line = joined_argv(&l);
	assert_non_null(strstr(line, " -monitor unix:/r/l1-monitor.sock,server=on,wait=off"));
	free(line);
}

static void test_incomplete_plan_is_rejected(void **state)
{
	struct l1_launch l = example;
	struct strv argv = { 0 };

	(void)state;
	l.l2_disk = NULL;
	assert_int_equal(launch_l1_argv(&l, &argv), -EINVAL);
	l = example;
	l.mem_mib = 0;
	assert_int_equal(launch_l1_argv(&l, &argv), -EINVAL);
	strv_free(&argv);
}

/* The interrupt-shadow fix for VMRUN landed in QEMU 9.1. */
static void test_tcg_qemu_needs_9_1(void **state)
{
	const char *why = "unset";

	(void)state;
	assert_int_equal(launch_tcg_qemu_fit("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)",
					     &why), 0);
	assert_non_null(strstr(why, "9.1"));
	assert_int_equal(launch_tcg_qemu_fit("QEMU emulator version 9.0.4", &why), 0);
	assert_int_equal(launch_tcg_qemu_fit("QEMU emulator version 9.1.0", &why), 1);
	assert_null(why);
	assert_int_equal(launch_tcg_qemu_fit("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)",
					     &why), 1);
	assert_int_equal(launch_tcg_qemu_fit("QEMU emulator version 11.0.0", &why), 1);
	assert_int_equal(launch_tcg_qemu_fit("qemu-system-x86_64: not found", &why), -EINVAL);
	assert_int_equal(launch_tcg_qemu_fit("", &why), -EINVAL);
}

static const struct micro_launch micro_example = {
	.accel = ACCEL_TCG, .kernel = "/k/bzImage", .initrd = "/m/initrd.gz", .run_dir = "/r",
	.append = "console=ttyS0,115200 exitmicro.k=10",
};

static char *joined_micro_argv(const struct micro_launch *l)
{
	struct strv argv = { 0 };
	char *line;

	assert_int_equal(launch_micro_argv(l, &argv), 0);
	line = strv_join(&argv);
	strv_free(&argv);
	return line;
}

static void test_micro_qemu_boots_the_initramfs_with_three_ports(void **state)
{
	char *line = joined_micro_argv(&micro_example);

	(void)state;
	assert_string_equal(line,
		"qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 -name exitscope-l1 "
		"-nodefaults -no-user-config -display none -no-reboot -kernel /k/bzImage "
		"-initrd /m/initrd.gz -append console=ttyS0,115200 exitmicro.k=10 "
		"-serial file:/r/l1-console.log -serial file:/r/status.log "
		"-serial file:/r/out/micro.json");
	free(line);
}

static void test_micro_bochs_reads_its_config_and_continues(void **state)
{
	struct micro_launch l = micro_example;
	char *line;

	(void)state;
	l.accel = ACCEL_BOCHS;
	l.kernel = l.initrd = NULL;
	line = joined_micro_argv(&l);
	assert_string_equal(line, "unshare -n bochs-bin -q -f /r/" BOCHS_CONFIG_FILE
			    " -rc /r/" BOCHS_RC_FILE);
	free(line);
	l.accel = ACCEL_TCG;
	{
		struct strv argv = { 0 };

		/* QEMU cannot boot without the kernel and the initramfs. */
		assert_int_equal(launch_micro_argv(&l, &argv), -EINVAL);
		strv_free(&argv);
	}
}

static void test_micro_append_ends_with_exitmicro_args(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(launch_micro_append(ACCEL_BOCHS, "exitmicro.k=5", out, sizeof(out)), 0);
	assert_string_equal(out, "console=ttyS0,115200 quiet panic=-1 rdinit=/init highres=off "
			    "kvm.nx_huge_pages=off exitmicro.k=5");
	assert_int_equal(launch_micro_append(ACCEL_KVM, "exitmicro.k=5", out, sizeof(out)), 0);
	assert_null(strstr(out, "highres"));
	assert_int_equal(launch_micro_append(ACCEL_KVM, "exitmicro.k=5", out, 20), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_picks_kvm_only_when_nesting_works),
		cmocka_unit_test(test_explicit_choice),
		cmocka_unit_test(test_monitor_socket_when_asked),
		cmocka_unit_test(test_probe_reads_cpuinfo_and_nested_param),
		cmocka_unit_test(test_tcg_command_line),
		cmocka_unit_test(test_kvm_uses_host_cpu),
		cmocka_unit_test(test_incomplete_plan_is_rejected),
		cmocka_unit_test(test_tcg_qemu_needs_9_1),
		cmocka_unit_test(test_micro_qemu_boots_the_initramfs_with_three_ports),
		cmocka_unit_test(test_micro_bochs_reads_its_config_and_continues),
		cmocka_unit_test(test_micro_append_ends_with_exitmicro_args),
	};

	return cmocka_run_group_tests_name("launch", tests, NULL, NULL);
}
