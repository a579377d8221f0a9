#!/usr/bin/env bats
# scripts/l0-qemu.sh: the installed L0 QEMU rebuilt from Debian's source with
# the patches of scripts/l0-qemu/ (the flight recorder and the fixed L0's
# atomic interrupt_request updates, docs/nested-stall.md), and a real nested
# run on it.  The build takes 7-16 minutes on 2 cores, so that test is tagged slow
# (make test-nested); its command line is checked in make test.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

@test "l0-qemu: --help, and a clear error for anything else" {
	run -0 "$EXITSCOPE_ROOT/scripts/l0-qemu.sh" --help
	assert_line --partial "usage: scripts/l0-qemu.sh"
	run -2 "$EXITSCOPE_ROOT/scripts/l0-qemu.sh" --qemu=/x
	assert_line "l0-qemu: unknown argument '--qemu=/x'"
}

# bats test_tags=nested,slow
@test "l0-qemu: the patched QEMU is the installed version, and kboot runs on it" {
	local bin
	bin=$("$EXITSCOPE_ROOT/scripts/l0-qemu.sh" 2>/dev/null)
	assert [ -x "$bin/qemu-system-x86_64" ]
	# Same upstream version as the installed QEMU, and the recorder built in.
	run -0 "$bin/qemu-system-x86_64" --version
	local installed
	installed=$(dpkg-query -W -f='${Version}' qemu-system-x86)
	installed=${installed#*:}
	assert_line --index 0 --partial "version ${installed%%+*}"
	run -0 grep -c "svmck: cpu %d: %s" "$bin/../libexec/qemu-system-x86_64"
	# The fix carried back, read from its machine code through the wrapper,
	# as doctor reads it (the installed QEMU of the same version lacks it).
	run -0 "$EXITSCOPE_ROOT/scripts/l0-fixed.sh" --fix-status "$bin/qemu-system-x86_64"
	assert_output atomic
	EXITSCOPE_L0=system ACCEL=tcg PATH=$bin:$PATH run "$EXITSCOPE" doctor
	assert_line --regexp "^l0 +system: qemu-system-x86_64, .*\(exitscope-svmck\)"
	assert_line --regexp "^l0-fix +interrupt_request in VMRUN/#VMEXIT atomic: carries the fix"
	# The whole chain on it: L1 boots, L2 boots, the result names this QEMU,
	# and the recorder was live (SVMCK_SELFTEST: one report at L1's first
	# VMRUN, the event ring included).
	# The recorder is built into the system's QEMU version, so that L0 it is.
	EXITSCOPE_L0=system SVMCK_SELFTEST=1 PATH=$bin:$PATH run_scenario kboot
	assert_success
	assert_result_checked
	run jq -r .host.qemu_version "$RESULT"
	assert_output "$(PATH=$bin:$PATH qemu-system-x86_64 --version | head -n 1)"
	local log=${RESULT%.json}.run/qemu.log
	run -0 grep -c "^svmck: cpu [0-9]*: self-test: first VMRUN" "$log"
	assert_output 1
	run -0 grep -c "^svmck:   R eip ffffffff" "$log"
	# Any other report is what the recorder exists for: show it.
	grep "^svmck: cpu" "$log" | grep -v "self-test" | sed 's/^/# /' >&3 || true
}

# The recorder's report at a triple fault: an L2 that reboots by one
# (reboot=t, as in broken-guest.bats) takes a SHUTDOWN #VMEXIT, and the L0
# QEMU prints the event ring, a backtrace and the register file before L1
# sees the exit.
# bats test_tags=nested,slow
@test "l0-qemu: an L2 triple fault is reported with the registers" {
	local bin
	bin=$("$EXITSCOPE_ROOT/scripts/l0-qemu.sh" 2>/dev/null)
	RESULTS_DIR=$BATS_TEST_TMPDIR/results NESTED_RETRIES=0 EXITSCOPE_L0=system PATH=$bin:$PATH \
		run_scenario cpuid --timeout 400 --l2-append "root=/dev/nonexistent rootdelay=1 panic=1 reboot=t"
	assert_failure 1
	assert_output --partial "L2 shut off without the probe's status (it triple-faulted"
	local log=${RESULT%.json}.run/qemu.log
	run -0 grep -c "^svmck: cpu [0-9]*: triple fault in guest mode (SHUTDOWN exit)" "$log"
	assert_output 1
	run -1 grep -c "^svmck: cpu [0-9]*: triple fault outside guest mode" "$log"
	assert_output 0
	# The register file follows the ring: CR2 and CR3, the GS base.
	run -0 grep -E "^CR0=.* CR2=[0-9a-f]+ CR3=[0-9a-f]+" "$log"
	run -0 grep -E "^GS =" "$log"
}
