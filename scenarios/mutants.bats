#!/usr/bin/env bats
# mutants: the grader against kernels that each make one usual mistake.
# kernel-patch/mutants/base is a minimal correct implementation of map a for
# VMX, and every other directory there one patch on top of it
# (kernel-patch/mutants/README.md).  Under Bochs (VMX) the base must pass
# `exitscope check --abi a`, and each mutant must fail it with the rule its
# commit message names.  Every kernel is a build of its own (a cache hit
# after the first time) and a check under Bochs takes minutes: slow.

bats_require_minimum_version 1.5.0

MUTANT_K=${MUTANT_K:-20}

setup() {
	load helpers/common
	MUTANTS=$EXITSCOPE_ROOT/kernel-patch/mutants
	RESULTS=$BATS_TEST_TMPDIR/results
}

# mutant_kernel NAME: builds the base (plus mutant NAME) and prints its id.
mutant_kernel() {
	local patches=(--patches "$MUTANTS/base")
	[ "$1" = base ] || patches+=(--patches "$MUTANTS/$1")
	"$EXITSCOPE" kernel build --series 6.1 "${patches[@]}" | tail -n 1
}

# check_mutant NAME: the check of kernel NAME through map a under Bochs;
# $DOC is its document, $CHECK_STATUS and $CHECK_OUTPUT what it exited with
# and printed (kept apart from bats' $status and $output, which the next
# `run` replaces).
check_mutant() {
	local kernel
	kernel=$(mutant_kernel "$1")
	DOC=$RESULTS/$kernel/check-a.json
	# 3>&-: Bochs must not hold bats' output pipe open.
	run "$EXITSCOPE" check --kernel "$kernel" --accel bochs --abi a --k "$MUTANT_K" \
		--results "$RESULTS" 3>&-
	CHECK_STATUS=$status
	CHECK_OUTPUT=$output
	echo "$output" | grep -E 'took|verdicts failed|FAIL' | sed "s/^/# $1: /" >&3 || true
}

# One table row's rest: never across a line.
ROW=$'[^\n]*'

# assert_fails_with RULE [REASON]: the check exited 1, its table has a FAIL
# row of RULE (for REASON, which the table names, or shows in hex when KVM
# has no name for it), and check-a.json the same verdict.
assert_fails_with() {
	local rule=$1 reason=${2:-} cell=- row
	assert_equal "$CHECK_STATUS" 1
	[ -n "$reason" ] && cell="($reason [A-Z_0-9]+|0x$(printf %x "$reason"))"
	row="$rule +$cell $ROW FAIL"
	[[ $CHECK_OUTPUT =~ $row ]] || fail "no FAIL row of $rule ${reason:+for $reason }in the table"
	run jq -e --arg rule "$rule" --arg reason "$reason" '
		.schema == "exitscope/check/v1" and .map == "a" and .isa == "vmx" and
		.pass == false and .answered == "a" and
		any(.verdicts[]; .rule == $rule and .status == "FAIL" and
			(if $reason == "" then true else .reason == ($reason | tonumber) end))' "$DOC"
	assert_success
}

@test "mutants: each is one patch on the base that says what it models" {
	local dir n
	run -0 ls "$MUTANTS/base"
	for dir in "$MUTANTS"/*/; do
		n=$(find "$dir" -name '*.patch' | wc -l)
		[ "$n" -eq 1 ] || fail "$dir holds $n patches, not one"
		[ "$(basename "$dir")" = base ] && continue
		run grep -c -e '^MUTANT: ' -e '^Expected verdict: ' "$dir"/*.patch
		assert_output 2
	done
}

# bats test_tags=nested,bochs,slow
@test "mutants: the base passes map a under Bochs (VMX)" {
	check_mutant base
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
@test "mutants: counting in the exit handler misses the fastpath's exits" {
	check_mutant fastpath
	assert_fails_with count 32
	run jq -e 'any(.verdicts[]; .rule == "count" and .reason == 32 and
		(.cause | test("fastpath")))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants: indexing by the full exit reason loses failed VM-entries" {
	check_mutant full-reason
	assert_fails_with count 33
	run jq -e 'any(.verdicts[]; .rule == "count" and .reason == 33 and
		.got == "counted 0" and (.cause | test("full exit reason")))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants: KVM's table instead of the SDM's answers defined reasons as undefined" {
	check_mutant kvm-table
	assert_fails_with defined-answer 5
	assert_fails_with not-enabled-zero 5
	run jq -e 'any(.verdicts[]; .rule == "defined-answer" and (.cause | test("KVM.s")))' "$DOC"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "mutants: counting at the next entry leaves the reading CPUID out of its answer" {
	check_mutant self-count
	assert_fails_with self-count 10
}

# bats test_tags=nested,bochs,slow
@test "mutants: cycles around the handler only are far below a round trip" {
	check_mutant handler-cycles
	assert_fails_with cycles-span 10
}
