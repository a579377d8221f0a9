#!/usr/bin/env bats
# mutants: the grader against kernels that each make one usual mistake.
# kernel-patch/mutants/ISA/base is a minimal correct implementation of map a
# for ISA (vmx or svm), and every other directory beside it one patch on top
# of that base (kernel-patch/mutants/README.md).  The VMX kernels are
# checked under Bochs, the SVM ones under QEMU TCG: the base must pass
# `exitscope check --abi a`, and each mutant must fail it with the rule its
# commit message names.  Every kernel is a build of its own (a cache hit
# after the first time), and a check under Bochs takes a minute: slow.

bats_require_minimum_version 1.5.0

MUTANT_K=${MUTANT_K:-20}

setup() {
	load helpers/common
	MUTANTS=$EXITSCOPE_ROOT/kernel-patch/mutants
	RESULTS=$BATS_TEST_TMPDIR/results
}

# mutant_kernel ISA NAME: builds ISA's base (plus mutant NAME) and prints its id.
mutant_kernel() {
	local patches=(--patches "$MUTANTS/$1/base")
	[ "$2" = base ] || patches+=(--patches "$MUTANTS/$1/$2")
	"$EXITSCOPE" kernel build --series 6.1 "${patches[@]}" | tail -n 1
}

# check_mutant ISA NAME [ACCEL]: the check of kernel NAME of ISA through map a,
# under ACCEL (default: Bochs for vmx, QEMU TCG for svm); $ISA is the ISA,
# $DOC the document, $CHECK_STATUS and $CHECK_OUTPUT what the check exited
# with and printed (kept apart from bats' $status and $output, which the
# next `run` replaces).
check_mutant() {
	local kernel accel=${3:-bochs}
	ISA=$1
	[ "$ISA" = svm ] && accel=${3:-tcg}
	kernel=$(mutant_kernel "$ISA" "$2")
	DOC=$RESULTS/$kernel/check-a.json
	# 3>&-: the emulator must not hold bats' output pipe open.
	run "$EXITSCOPE" check --kernel "$kernel" --accel "$accel" --abi a --k "$MUTANT_K" \
		--results "$RESULTS" 3>&-
	CHECK_STATUS=$status
	CHECK_OUTPUT=$output
	echo "$output" | grep -E 'took|verdicts failed|FAIL' | sed "s/^/# $ISA $2: /" >&3 || true
}

# One table row's rest: never across a line.
ROW=$'[^\n]*'

# assert_fails_with RULE [REASON]: the check exited 1, its table has a FAIL
# row of RULE (for REASON, which the table names, or shows in hex when KVM
# has no name for it), and check-a.json the same verdict, of $ISA.
assert_fails_with() {
	local rule=$1 reason=${2:-} cell=- row
	assert_equal "$CHECK_STATUS" 1
	[ -n "$reason" ] && cell="($((reason)) [A-Za-z_0-9]+|0x$(printf %x "$reason"))"
	row="$rule +$cell $ROW FAIL"
	[[ $CHECK_OUTPUT =~ $row ]] || fail "no FAIL row of $rule ${reason:+for $reason }in the table"
	[ -n "$reason" ] && reason=$((reason))
	run jq -e --arg rule "$rule" --arg reason "$reason" --arg isa "$ISA" '
		.schema == "exitscope/check/v1" and .map == "a" and .isa == $isa and
		.pass == false and .answered == "a" and
		any(.verdicts[]; .rule == $rule and .status == "FAIL" and
			(if $reason == "" then true else .reason == ($reason | tonumber) end))' "$DOC"
	assert_success
}

@test "mutants: each ISA has a base, and each mutant is one patch on it that says what it models" {
	local isa dir n
	for isa in vmx svm; do
		run -0 ls "$MUTANTS/$isa/base"
		for dir in "$MUTANTS/$isa"/*/; do
			n=$(find "$dir" -name '*.patch' | wc -l)
			[ "$n" -eq 1 ] || fail "$dir holds $n patches, not one"
			if [ "$(basename "$dir")" = base ]; then
				run grep -c -e '^MUTANT: ' "$dir"/*.patch
				assert_output 0
				continue
			fi
			run grep -c -e '^MUTANT: ' -e '^Expected verdict: ' "$dir"/*.patch
			assert_output 2
			# A mutant changes the ISA's own code: its subject says which.
			run grep -c "^Subject: .*KVM: ${isa^^}: " "$dir"/*.patch
			assert_output 1
		done
	done
	# No other directory: a patch outside an ISA's tree would be built by nothing.
	run find "$MUTANTS" -mindepth 1 -maxdepth 1 -type d ! -name vmx ! -name svm
	assert_output ""
}

# bats test_tags=nested,bochs,slow
@test "mutants, VMX: the base passes map a under Bochs" {
	check_mutant vmx base
	assert_success
	assert_output --partial "map a, vmx: 0 of"
	# The checks that the mutants rely on ran, and passed.
	assert_output --regexp "count +32 MSR_WRITE +caused $((3 * MUTANT_K)), traced [0-9]+ +counted [0-9]+ +pass"
	assert_output --regexp "count +33 [A-Z_]+ +caused $MUTANT_K, traced $MUTANT_K +counted $MUTANT_K +pass"
	assert_output --regexp "self-count +10 CPUID $ROW pass"
	assert_output --regexp "cycles-span +10 CPUID $ROW pass"
	run jq -e '.pass == true and .failures == 0 and .answered == "a" and
		(.actions | index("tsc-deadline") and index("x2apic-icr") and index("entry-fail"))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants, VMX: counting in the exit handler misses the fastpath's exits" {
	check_mutant vmx fastpath
	assert_fails_with count 32
	run jq -e 'any(.verdicts[]; .rule == "count" and .reason == 32 and
		(.cause | test("fastpath")))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants, VMX: indexing by the full exit reason loses failed VM-entries" {
	check_mutant vmx full-reason
	assert_fails_with count 33
	run jq -e 'any(.verdicts[]; .rule == "count" and .reason == 33 and
		.got == "counted 0" and (.cause | test("full exit reason")))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants, VMX: KVM's table instead of the SDM's answers defined reasons as undefined" {
	check_mutant vmx kvm-table
	assert_fails_with defined-answer 5
	assert_fails_with not-enabled-zero 5
	run jq -e 'any(.verdicts[]; .rule == "defined-answer" and (.cause | test("KVM.s")))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants, VMX: counting at the next entry leaves the reading CPUID out of its answer" {
	check_mutant vmx self-count
	assert_fails_with self-count 10
}

# bats test_tags=nested,bochs,slow
@test "mutants, VMX: cycles around the handler only are far below a round trip" {
	check_mutant vmx handler-cycles
	assert_fails_with cycles-span 10
}

# SVM under QEMU TCG: exit codes are the APM's, CPUID is 0x72 and every MSR
# access is 0x7c.  There is no failed VMRUN to cause (the grader's
# entry-fail action is VMX's), so no full-reason mutant: README.md there.

# bats test_tags=nested,slow
@test "mutants, SVM: the base passes map a under QEMU TCG" {
	check_mutant svm base
	assert_success
	assert_output --partial "map a, svm: 0 of"
	# The checks that the mutants rely on ran, and passed.
	assert_output --regexp "count +124 msr +caused $((4 * MUTANT_K)), traced [0-9]+ +counted [0-9]+ +pass"
	assert_output --regexp "defined-answer $ROW pass"
	assert_output --regexp "not-enabled-zero $ROW pass"
	assert_output --regexp "self-count +114 cpuid $ROW pass"
	assert_output --regexp "cycles-span +114 cpuid $ROW pass"
	run jq -e '.pass == true and .failures == 0 and .answered == "a" and .isa == "svm" and
		(.actions | index("tsc-deadline") and index("x2apic-icr"))' "$DOC"
	assert_success
}

# QEMU TCG's SVM has no next-RIP save, without which KVM 6.1 has no SVM
# fastpath: under TCG this mutant counts exactly (kernel-patch/mutants/README.md).
# bats test_tags=nested,slow,needs-kvm
@test "mutants, SVM: counting where the exit is dispatched misses the fastpath's exits (AMD host)" {
	grep -qw svm /proc/cpuinfo && [ -w /dev/kvm ] || skip "needs /dev/kvm on an AMD CPU"
	grep -qw nrip_save /proc/cpuinfo || skip "needs a CPU with next-RIP save"
	grep -qx -e 1 -e Y /sys/module/kvm_amd/parameters/nested 2>/dev/null ||
		skip "needs nested virtualization (kvm_amd.nested=1)"
	check_mutant svm fastpath kvm
	assert_fails_with count 0x7c
	run jq -e 'any(.verdicts[]; .rule == "count" and .reason == 124 and
		(.cause | test("fastpath")))' "$DOC"
	assert_success
}

# bats test_tags=nested,slow
@test "mutants, SVM: KVM's table instead of the APM's answers defined codes as undefined" {
	check_mutant svm kvm-table
	assert_fails_with defined-answer 0x1
	assert_fails_with not-enabled-zero 0x1
	assert_fails_with undefined-answer 0x80000001
	run jq -e 'any(.verdicts[]; .rule == "defined-answer" and (.cause | test("KVM.s")))' "$DOC"
	assert_success
}

# bats test_tags=nested,slow
@test "mutants, SVM: counting at the next VMRUN leaves the reading CPUID out of its answer" {
	check_mutant svm self-count
	assert_fails_with self-count 0x72
}

# bats test_tags=nested,slow
@test "mutants, SVM: cycles around the handler only are far below a round trip" {
	check_mutant svm handler-cycles
	assert_fails_with cycles-span 0x72
}
