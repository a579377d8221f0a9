#!/usr/bin/env bats
# boot: the probe reads the counters from cloud-init's bootcmd, as early as
# the guest runs anything; the result's boot window is L2's start to that read.
# L2 boots Debian's own kernel and initramfs here (scenarios.cfg), the boot a
# Debian guest really has.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested,slow
@test "boot: the exits of L2's boot up to cloud-init's bootcmd" {
	run_scenario boot
	assert_success
	assert_result_checked
	run jq -e '.workload.name == "boot" and .boot.total > 1000 and
		([.boot.by_reason[].count] | add) <= .boot.total' "$RESULT"
	assert_success
	# Booting takes interrupts and port or MMIO accesses at least.
	run jq -e '[.boot.by_reason[].name] | index("interrupt") != null' "$RESULT"
	assert_success
	run jq -e '.l2 == {kernel: "debian"}' "$RESULT"
	assert_success
	# Debian's kernel loads its drivers as modules: its boot keeps udev's coldplug, which
	# the trimmed kernel's masks (cpuid.bats).
	run grep -a "Coldplug All udev Devices" "${RESULT%.json}.run/out/l2-console.log"
	assert_success
}
