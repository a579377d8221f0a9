#!/usr/bin/env bats
# Guests that never report.  One never comes up: L2 is told its root disk is one that does not
# exist, so its initramfs gives up and, with panic=0, halts for good.  The run must end in a timeout error
# that names the stage and the log, leave no QEMU behind, and write no result.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "a panicking L2 times out cleanly: stage and log named, no QEMU, no result" {
	RESULTS_DIR=$BATS_TEST_TMPDIR/results NESTED_RETRIES=0 run_scenario cpuid --timeout 80 --l2-append "root=/dev/nonexistent rootdelay=5 panic=0"
	assert_failure 124
	assert_output --partial "L2 did not power off within 80 s"
	assert_output --partial "out/l2-console.log"
	assert [ ! -e "$RESULT" ]
	run pgrep -f "qemu-system-x86_64.*$BATS_TEST_TMPDIR"
	assert_failure
	# The guest that hung is the one told to, in its own words: the
	# kernel's (no initramfs: the trimmed L2 kernel) or initramfs-tools'.
	run grep -aE 'root device "nonexistent"|/dev/nonexistent does not exist' \
		"${RESULT%.json}.run/out/l2-console.log"
	assert_success
	# Without --trace L1 kept no ring of KVM events: it would have slowed every exit.
	run grep -x "TRACE=1" "${RESULT%.json}.run/spec.env"
	assert_failure
	assert [ ! -e "${RESULT%.json}.run/out/kvm-trace-tail.txt" ]
}

# An L2 that resets before its probe reports is what the nested stall's lost L2 looks like
# from L0 (libvirt turns the reset into a clean shut-off): --retries must run
# it again, keep the first attempt's logs, and still write no result; with
# --trace L1 keeps its last KVM events for a look at the fault.  The
# flakes are triple faults, so this L2 panics and reboots by one (reboot=t),
# and the run must say so from L1's kvm_exit histogram.
# bats test_tags=nested
@test "an L2 that triple-faults before the probe is retried, then reported as lost" {
	RESULTS_DIR=$BATS_TEST_TMPDIR/results NESTED_RETRIES=1 run_scenario cpuid --timeout 400 --trace --l2-append "$L2_TRIPLE_FAULT_APPEND"
	assert_failure 1
	assert_output --partial "attempt 1 lost L2; logs kept in"
	assert_output --partial "L2 shut off without the probe's status (it triple-faulted"
	assert_output --partial "out/kvm-trace-tail.txt"
	assert [ ! -e "$RESULT" ]
	# The panic's own words: the kernel's when it has no initramfs (the
	# trimmed L2 kernel), initramfs-tools' when Debian's initramfs gave up.
	run grep -aE "Rebooting (in 1 seconds|automatically due to panic= boot argument)" \
		"${RESULT%.json}.run.attempt-1/out/l2-console.log"
	assert_success
	# L1's flight recorder kept the KVM events up to the fault.
	run grep -Ec "kvm_exit: vcpu [0-9]+ reason (shutdown|TRIPLE_FAULT)" "${RESULT%.json}.run.attempt-1/out/kvm-trace-tail.txt"
	assert_success
	assert_output 1
	run pgrep -f "qemu-system-x86_64.*$BATS_TEST_TMPDIR"
	assert_failure
}
