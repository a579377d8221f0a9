#!/usr/bin/env bats
# check: the grader run against a real kernel.  The kernel boots as L1 in
# the micro stage; exitmicro check causes known exits in a micro VM and
# executes the grader's CPUIDs inside it, with the kvm_exit tracepoint as
# the oracle.  The patched kernel must pass every rule through its own map
# on both ISAs, and through maps A, B and C when kvm.exitscope_map asks it
# to answer them; a stock kernel must get the one verdict "no map".

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	RESULTS=$BATS_TEST_TMPDIR/results
}

# assert_check_doc KERNEL MAP ISA ACCEL PASS: the written document is whole,
# of that map, ISA and L0, and passes (or not) as said.
assert_check_doc() {
	local doc=$RESULTS/$1/check-$2.json
	run jq -e --arg map "$2" --arg isa "$3" --arg accel "$4" --argjson pass "$5" '
		.schema == "exitscope/check/v1" and .map == $map and .isa == $isa and
		.host.accel == $accel and .pass == $pass and .k == 20 and .cpuids > 0 and
		(.verdicts | length) > 0 and
		.failures == ([.verdicts[] | select(.status == "FAIL")] | length)' "$doc"
	assert_success
}

# check_kernel KERNEL ACCEL [MAP]: a small check into $RESULTS.
check_kernel() {
	run "$EXITSCOPE" check --kernel "$1" --accel "$2" --abi "${3:-exitscope}" --k 20 \
		--results "$RESULTS" 3>&-
	echo "$output" | grep -E 'took|verdicts failed|FAIL' | sed 's/^/# /' >&3 || true
}

@test "check: needs --abi with a map's name and a kernel id's form" {
	run -2 "$EXITSCOPE" check
	assert_output --partial "needs --abi MAP"
	run -2 "$EXITSCOPE" check --abi z
	assert_output --partial "--abi takes exitscope|a|b|c, not 'z'"
	run -2 "$EXITSCOPE" check --abi a --kernel ../x
	assert_output --partial "--kernel needs ID"
	run -2 "$EXITSCOPE" check --abi a --k 0
	run -2 "$EXITSCOPE" check --abi a extra
	assert_output --partial "takes no operand"
	run -2 "$EXITSCOPE" check --abi a --kvm-map d
	assert_output --partial "--kvm-map takes exitscope|a|b|c, not 'd'"
	run -0 "$EXITSCOPE" check --help
	assert_output --partial "check-MAP.json"
}

# bats test_tags=nested
@test "check: the patched kernel passes through its own map under QEMU TCG (SVM)" {
	local kernel
	kernel=$("$EXITSCOPE" kernel build | tail -n 1)
	check_kernel "$kernel" tcg
	assert_success
	assert_output --partial "map exitscope, svm: 0 of"
	assert_output --regexp "count +114 cpuid +caused 20, traced 20 +counted 20 +pass"
	assert_check_doc "$kernel" exitscope svm tcg true
}

# bats test_tags=nested,bochs
@test "check: the patched kernel passes through its own map under Bochs (VMX)" {
	local kernel
	kernel=$("$EXITSCOPE" kernel build | tail -n 1)
	check_kernel "$kernel" bochs
	assert_success
	assert_output --partial "map exitscope, vmx: 0 of"
	assert_output --regexp "count +10 CPUID +caused 20, traced 20 +counted 20 +pass"
	assert_check_doc "$kernel" exitscope vmx bochs true
}

# bats test_tags=nested
@test "check: with kvm.exitscope_map the patched kernel answers, and passes, each other map" {
	local kernel map
	kernel=$("$EXITSCOPE" kernel build | tail -n 1)
	for map in a b c; do
		run "$EXITSCOPE" check --kernel "$kernel" --accel tcg --abi "$map" --kvm-map "$map" \
			--k 20 --results "$RESULTS" 3>&-
		assert_success
		assert_output --partial "map $map, svm: 0 of"
		run jq -e --arg map "$map" '.kvm_map == $map and .answered == $map' \
			"$RESULTS/$kernel/check-$map.json"
		assert_success
	done
	# Its own map is gone then: the gate names the one it answers.
	run "$EXITSCOPE" check --kernel "$kernel" --accel tcg --abi exitscope --kvm-map b --k 20 \
		--results "$RESULTS" 3>&-
	assert_failure 1
	assert_output --regexp "map +- +the leaves of map exitscope +map b +FAIL"
}

# bats test_tags=nested
@test "check: a stock kernel gets the one verdict 'no map'" {
	local stock
	stock=$("$EXITSCOPE" kernel build --stock | tail -n 1)
	check_kernel "$stock" tcg
	assert_failure 1
	assert_output --regexp "map +- +the leaves of map exitscope +no map +FAIL"
	assert_output --partial "map exitscope, svm: 1 of 1 verdicts failed"
	assert_check_doc "$stock" exitscope svm tcg false
	run jq -e '.answered == null and (.verdicts | length) == 1' \
		"$RESULTS/$stock/check-exitscope.json"
	assert_success
}
