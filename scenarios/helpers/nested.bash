# Shared by the nested scenarios: each runs `exitscope run NAME` for real
# (QEMU, the patched L1, libvirt, cloud-init in L2) and checks the result
# file with jq.  A nested run under TCG takes minutes; the kernel and images
# are built on first use and cached under ~/.cache/exitscope.
load helpers/common

# Retries are the second line of defence against a hung guest (the nested
# stall, docs/nested-stall.md); the
# result records how many attempts a run needed.
NESTED_RETRIES=${NESTED_RETRIES:-1}

# L2's limit for every run, when set (--timeout): a loaded host's nested TCG
# can take longer than a scenario's own TIMEOUT to boot L2.
NESTED_TIMEOUT=${NESTED_TIMEOUT:-}

# Where results go: the checkout's results/ (so make test-nested leaves them
# for people to read), or a test's own directory for runs meant to fail.
RESULTS_DIR=${RESULTS_DIR:-$EXITSCOPE_ROOT/results}

# The scenarios that one boot of L1 and L2 serves (exitscope run A B ...):
# the first test to run one of them runs them all, and the others read the
# results that boot wrote.  Its exit status is the boot's, so a failing window
# fails every test of the boot, and the output names the window.  Empty: each
# scenario boots for itself.
SHARED_BOOT=${SHARED_BOOT-cpuid idle io abi}

# run_shared KERNEL_ID: the shared boot of this bats run on that kernel, run
# on first use; $status and $output are that run's.
run_shared() {
	local mark=$BATS_RUN_TMPDIR/shared-$1 name
	if [ -f "$mark.status" ]; then
		status=$(cat "$mark.status")
		output=$(cat "$mark.output")
		return
	fi
	for name in $SHARED_BOOT; do rm -f "$RESULTS_DIR/$1/$name.json"; done
	# shellcheck disable=SC2086 # one operand per scenario
	run "$EXITSCOPE" run $SHARED_BOOT --kernel "$1" --retries "$NESTED_RETRIES" --results "$RESULTS_DIR" \
		${NESTED_TIMEOUT:+--timeout "$NESTED_TIMEOUT"} 3>&-
	printf '%s' "$output" >"$mark.output"
	echo "$status" >"$mark.status"
	echo "$output" | grep -E 'took|wrote|attempt' | sed 's/^/# /' >&3 || true
}

# run_scenario NAME [ARGS...]: runs it on $SERIES (default 6.1); $RESULT is
# the result file's path.  A scenario of $SHARED_BOOT without ARGS runs in
# that boot.
run_scenario() {
	local name=$1 series=${SERIES:-6.1} kernel_id
	shift
	[ "$name" = stock ] && kernel_id=$("$EXITSCOPE" kernel build --series "$series" --stock | tail -n 1) ||
		kernel_id=$("$EXITSCOPE" kernel build --series "$series" | tail -n 1)
	RESULT=$RESULTS_DIR/$kernel_id/$name.json
	if [ $# -eq 0 ] && [[ " $SHARED_BOOT " == *" $name "* ]]; then
		run_shared "$kernel_id"
		return
	fi
	rm -f "$RESULT"
	# 3>&-: QEMU must not hold bats' output pipe open.
	run "$EXITSCOPE" run "$name" --kernel "$kernel_id" --retries "$NESTED_RETRIES" --results "$RESULTS_DIR" \
		${NESTED_TIMEOUT:+--timeout "$NESTED_TIMEOUT"} "$@" 3>&-
	echo "$output" | grep -E 'took|wrote|attempt' | sed 's/^/# /' >&3 || true
}

# l0_qemu: the QEMU a TCG run starts as L0 (harness/src/l0.c): the one
# $EXITSCOPE_L0 names, or else the first prepared of the built one, the
# fixed one and the system's.
l0_qemu() {
	local built=$EXITSCOPE_ROOT/scripts/l0-qemu.sh fixed=$EXITSCOPE_ROOT/scripts/l0-fixed.sh
	case ${EXITSCOPE_L0:-auto} in
	system) echo qemu-system-x86_64 ;;
	built) "$built" --find ;;
	fixed) "$fixed" --find ;;
	*) "$built" --find || "$fixed" --find || echo qemu-system-x86_64 ;;
	esac
}

# The L2 command line of an L2 that panics before its probe runs and reboots
# by a triple fault (reboot=t), as the nested stall's lost L2 does.
L2_TRIPLE_FAULT_APPEND="root=/dev/nonexistent rootdelay=1 panic=1 reboot=t"

# reason_count NAME: the workload window's count for the reason of that name (0 if absent).
reason_count() {
	jq -r --arg name "$1" '[.exits.by_reason[] | select(.name == $name) | .count] | add // 0' "$RESULT"
}

# assert_probe_own_apart: the probe's own reads are out of the workload window, in probe_own:
# probe_cpuid_exits of them, all CPUID exits (one row, none at 0).
assert_probe_own_apart() {
	run jq -e '.probe_own.total == .probe_cpuid_exits and
		(.probe_own.by_reason | length) == (if .probe_cpuid_exits > 0 then 1 else 0 end) and
		(.probe_own as $own | all($own.by_reason[]; .count == $own.total))' "$RESULT"
	assert_success
}

assert_result_checked() {
	assert [ -s "$RESULT" ]
	run jq -e '.schema == "exitscope/result/v1" and .oracle.match == true and .attempts >= 1' "$RESULT"
	assert_success
}
