#!/usr/bin/env bats
# stock: the same kernel without the patch series.  The probe must say that
# this is not an exitscope kernel (exit 3) and the run must report it as
# such, with the kvm_exit histogram as its only view: never as zero counters.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested,slow
@test "stock: an unpatched L1 is reported as such, not as zeros" {
	run_scenario stock
	assert_success
	assert_output --partial "stock kernel: the probe found no exitscope ABI (exit 3)"
	run jq -e '.kernel.stock == true and .exits.total > 0 and .probe_cpuid_exits == 0 and
		([.exits.by_reason[].cycles] | add) == 0 and (has("probe_own") | not)' "$RESULT"
	assert_success
}
