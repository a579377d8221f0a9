#!/usr/bin/env bats
# The built L0 (scripts/l0-qemu.sh): the installed QEMU rebuilt from Debian's
# source with the patches of scripts/l0-qemu/, the fixes of both lost
# updates and the SVM flight recorder (docs/nested-stall.md).  `make l0`
# builds it (5-12 minutes cold on 2 cores) and every TCG run then starts it
# as L0; these tests check that it reads as fixed, that doctor and a run
# take it, and that the recorder is live in it.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
	SCRIPT=$EXITSCOPE_ROOT/scripts/l0-qemu.sh
}

@test "l0-qemu: --help, --find, and a clear error for anything else" {
	run -0 "$SCRIPT" --help
	assert_line --partial "usage: scripts/l0-qemu.sh"
	run -2 "$SCRIPT" --qemu=/x
	assert_line "l0-qemu: unknown argument '--qemu=/x'"
	mkdir "$BATS_TEST_TMPDIR/cache"
	EXITSCOPE_CACHE=$BATS_TEST_TMPDIR/cache run -1 "$SCRIPT" --find
	assert_output ""
}

@test "l0-qemu: the built L0 is the installed version with both fixes, and doctor takes it" {
	local wrapper installed version
	wrapper=$("$SCRIPT" --find) || skip "the built L0 is not prepared ('make l0')"
	# Same upstream version as the installed QEMU, and the recorder built in.
	installed=$(dpkg-query -W -f='${Version}' qemu-system-x86)
	installed=${installed#*:}
	version=$("$wrapper" --version | head -n 1)
	assert_equal "$version" "QEMU emulator version ${installed%%+*} (exitscope-svmck)"
	run -0 grep -c "svmck: cpu %d: %s" "$(dirname "$wrapper")/../libexec/qemu-system-x86_64"
	# Both fixes, read from the machine code through the wrapper; the
	# installed QEMU of the same version has neither.
	run -0 "$EXITSCOPE_ROOT/scripts/l0-fix-status.sh" "$wrapper"
	assert_output $'interrupt_request atomic\nhflags2 atomic'
	# Auto takes it under TCG, ahead of the fixed one.
	ACCEL=tcg run -0 "$EXITSCOPE" doctor
	assert_line "l0            built: $wrapper, $version"
	assert_line "l0-fix        interrupt_request in VMRUN/#VMEXIT atomic: carries the fix"
	assert_line "l0-fix        first CPU's hflags2 from other vCPUs atomic: carries the fix"
	EXITSCOPE_L0=built ACCEL=tcg run -0 "$EXITSCOPE" doctor
	assert_line "l0            built: $wrapper, $version"
	# Under KVM QEMU emulates no SVM: the system's.
	ACCEL=kvm run "$EXITSCOPE" doctor
	assert_line --regexp "^l0 +system: qemu-system-x86_64, "
}

# The chain on the L0 a run takes by itself: L1 boots, L2 boots, the result
# names the built QEMU, and the recorder was live (SVMCK_SELFTEST: one
# report at L1's first VMRUN, the event ring included).
# bats test_tags=nested
@test "l0-qemu: kboot runs on the built L0 by default, with the flight recorder live" {
	local wrapper
	wrapper=$("$SCRIPT" --find) || skip "the built L0 is not prepared ('make l0')"
	RESULTS_DIR=$BATS_TEST_TMPDIR/results SVMCK_SELFTEST=1 run_scenario kboot
	assert_success
	assert_output --partial "L0: the built QEMU, $("$wrapper" --version | head -n 1)"
	assert_result_checked
	run jq -r '[.host.l0, .host.qemu_version] | @tsv' "$RESULT"
	assert_output "built	$("$wrapper" --version | head -n 1)"
	local log=${RESULT%.json}.run/qemu.log
	run -0 grep -c "^svmck: cpu [0-9]*: self-test: first VMRUN" "$log"
	assert_output 1
	run -0 grep -c "^svmck:   R eip ffffffff" "$log"
	# Any other report is what the recorder exists for: show it.
	grep "^svmck: cpu" "$log" | grep -v "self-test" | sed 's/^/# /' >&3 || true
}

# The recorder's report at a triple fault: an L2 that reboots by one takes a
# SHUTDOWN #VMEXIT, and the L0 QEMU prints the event ring, a backtrace and
# the register file before L1 sees the exit.
# bats test_tags=nested,slow
@test "l0-qemu: an L2 triple fault is reported with the registers" {
	"$SCRIPT" --find >/dev/null || skip "the built L0 is not prepared ('make l0')"
	RESULTS_DIR=$BATS_TEST_TMPDIR/results NESTED_RETRIES=0 EXITSCOPE_L0=built \
		run_scenario cpuid --timeout 400 --l2-append "$L2_TRIPLE_FAULT_APPEND"
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
