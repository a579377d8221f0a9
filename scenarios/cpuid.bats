#!/usr/bin/env bats
# cpuid: L2 executes N CPUID instructions; the patched L1 must count exactly
# N CPUID exits in the probe's window (its own reads taken out), and over the
# whole L2 lifetime the patch's counters must equal the kvm_exit histogram.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "cpuid: exactly N CPUID exits, and the oracle agrees" {
	run_scenario cpuid
	assert_success
	assert_result_checked
	local n probe_own
	n=$(jq -r '.workload.params.N' "$RESULT")
	probe_own=$(jq -r '.probe_cpuid_exits' "$RESULT")
	assert_equal "$n" 100000
	assert_equal "$(reason_count cpuid)" $((n + probe_own))
	run jq -e '.workload.figures.iterations == 100000 and .l1.isa == "svm"' "$RESULT"
	assert_success
}
