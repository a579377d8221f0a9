#!/usr/bin/env bats
# abi: the CPUID ABI's promises, checked by the probe inside L2 against the
# patched L1 (kernel-patch/ABI.md, version 2): the discovery leaf and its
# scope bits (L1 keeps the default, so L2 reads its own VM's counters), an
# undefined reason answers EDX=0xFFFFFFFF, a reason the manual defines but
# KVM never counts answers zeros, and a read of the CPUID reason counts the
# read itself.  A second VM beside L2 (exitmicro spin, scenarios.cfg BESIDE
# neighbor) executes CPUIDs meanwhile: L2's window must hold exactly its own,
# the neighbor's own debugfs file exactly the neighbor's, the host view both.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "abi: discovery, scope, undefined and never-counted reasons, self-count" {
	run_scenario abi
	assert_success
	assert_result_checked
	run jq -e '.workload.figures.verified == true and
		(.workload.figures.checks | length) == 5 and
		all(.workload.figures.checks[]; .pass)' "$RESULT"
	assert_success
	run jq -r '.workload.figures.checks[0].detail | "\(.version) \(.isa) \(.slots) \(.scope)"' "$RESULT"
	assert_output "2 svm 175 vm"
	# No VM beside it here: the scope scenario adds one.
	run jq -e 'has("neighbor") | not' "$RESULT"
	assert_success
}
