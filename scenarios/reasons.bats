#!/usr/bin/env bats
# reasons: the micro stage.  The patched kernel boots as L1 alone, from an
# initramfs, and exitmicro makes its VMs take every exit it can cause K
# times; each reason must be counted exactly K times by the guest's CPUID
# leaves, by L1's debugfs counters and by the kvm_exit histogram, the micro
# guest's own exits taken out.  Under QEMU TCG L1 has SVM; under Bochs
# (--accel bochs, an emulated Intel Haswell with VMX and EPT) it has VMX, and
# the VMX half of the patch runs.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
	RESULTS_DIR=$BATS_TEST_TMPDIR/results
}

# assert_all_exact ISA ACCEL MIN: the result is that ISA's under that L0,
# has at least MIN actions, every one counted K in every view, and the
# oracle agrees.
assert_all_exact() {
	assert_result_checked
	run jq -e --arg isa "$1" --arg accel "$2" --argjson min "$3" '
		.l1.isa == $isa and .host.accel == $accel and .workload.name == "micro" and
		.micro.exact == true and (.micro.errors | length) == 0 and
		(.micro.reasons | length) >= $min and
		all(.micro.reasons[]; .exact and .caused == 1000 and .cpuid == 1000 and
		    .debugfs == 1000 and .traced == 1000 and .cycles > 0)' "$RESULT"
	assert_success
}

# bats test_tags=nested
@test "reasons: under QEMU TCG (SVM) every reason the micro guest causes is exact" {
	run_scenario reasons --accel tcg
	assert_success
	assert_all_exact svm tcg 25
	# The core of what either ISA must be able to cause on purpose.
	run jq -e '[.micro.reasons[].action] as $a | ["cpuid", "hlt", "pio-in", "pio-out",
		"rdmsr", "wrmsr", "hypercall", "mmio-read", "mmio-write", "ud", "invd", "wbinvd",
		"xsetbv", "rdpmc", "cr4-write"] | all(. as $x | $a | index($x))' "$RESULT"
	assert_success
	# What SVM cannot cause is said, with a reason, not left out.
	run jq -e '[.micro.unsupported[] | select(.action == "vmxon" and (.why | length) > 0)] |
		length == 1' "$RESULT"
	assert_success
	run "$EXITSCOPE" show "$RESULT"
	assert_success
	assert_output --partial "all exact"
}

# bats test_tags=nested,bochs
@test "reasons: under Bochs (VMX, EPT) every reason is exact and went through VMX" {
	run_scenario reasons --accel bochs
	assert_success
	assert_all_exact vmx bochs 30
	run jq -e '[.micro.reasons[].name] as $n | ["CPUID", "HLT", "IO_INSTRUCTION", "MSR_READ",
		"MSR_WRITE", "VMCALL", "EPT_MISCONFIG", "EXCEPTION_NMI", "XSETBV", "CR_ACCESS",
		"VMON", "VMREAD", "INVEPT"] | all(. as $x | $n | index($x))' "$RESULT"
	assert_success
	run jq -e '.host.qemu_version | startswith("Bochs ")' "$RESULT"
	assert_success
	run "$EXITSCOPE" show "$RESULT"
	assert_success
	assert_output --partial "all exact"
	assert_output --partial "VMREAD"
	# A result equals itself; across ISAs diff refuses unless forced.
	run "$EXITSCOPE" diff "$RESULT" "$RESULT"
	assert_success
	run -2 "$EXITSCOPE" diff "$RESULT" "$EXITSCOPE_ROOT/results/reference/6.1-svm-tcg/reasons.json"
}

# bats test_tags=nested,bochs
@test "cpuid-micro: under Bochs, 100000 CPUID exits counted exactly in every view" {
	run_scenario cpuid-micro --accel bochs
	assert_success
	assert_result_checked
	run jq -e '.micro.exact and (.micro.reasons | length) == 1 and
		.micro.reasons[0] == {action: "cpuid", reason: 10, name: "CPUID", caused: 100000,
		cpuid: 100000, debugfs: 100000, traced: 100000, cycles: .micro.reasons[0].cycles,
		exact: true} and .exits.by_reason[0].count == 100000' "$RESULT"
	assert_success
}

@test "reasons: Bochs runs micro scenarios only, and says so before booting anything" {
	run -2 "$EXITSCOPE" run cpuid --accel bochs --results "$RESULTS_DIR"
	assert_output --partial "--accel bochs runs the micro stage only"
	assert [ ! -e "$RESULTS_DIR" ]
}

# bats test_tags=nested,bochs
@test "reasons: L0 gone while the micro guest runs: L1 lost, named, and no result" {
	# Once L1's init says the micro guest started, Bochs goes away.
	kill_when_started() {
		local status
		for _ in $(seq 600); do
			status=$(find "$RESULTS_DIR" -path '*/reasons.run/status.log' 2>/dev/null | head -n 1)
			if [ -n "$status" ] && grep -q ' start micro' "$status"; then
				pkill -KILL -f "bochs-bin -q -f $RESULTS_DIR" || true
				return
			fi
			sleep 0.2
		done
	}
	kill_when_started 3>&- &
	NESTED_RETRIES=0 run_scenario reasons --accel bochs
	wait
	assert_failure 1
	assert_output --partial "L1 ended during stage micro"
	assert_output --partial "bochs.log"
	assert [ ! -e "$RESULT" ]
}

# bats test_tags=nested,slow
@test "reasons: an unpatched kernel is named as such, and no result is written" {
	local stock
	stock=$("$EXITSCOPE" kernel build --stock | tail -n 1)
	run "$EXITSCOPE" run reasons --accel tcg --kernel "$stock" --results "$RESULTS_DIR" 3>&-
	assert_failure 1
	assert_output --partial "the micro guest failed in L1"
	assert_output --partial "exitscope"
	assert [ ! -e "$RESULTS_DIR/$stock/reasons.json" ]
}

# bats test_tags=nested,bochs,slow
@test "reasons: on 6.12 under Bochs every reason is exact" {
	SERIES=6.12 run_scenario reasons --accel bochs
	assert_success
	assert_all_exact vmx bochs 30
}
