#!/usr/bin/env bats
# idle: L2 sleeps; its idle loop halts, so HLT exits (and the timer
# interrupts that wake it) must show up, and the oracle must agree.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested,slow
@test "idle: HLT and interrupt exits while L2 sleeps" {
	run_scenario idle
	assert_success
	assert_result_checked
	assert [ "$(reason_count hlt)" -gt 0 ]
	assert [ "$(reason_count interrupt)" -gt 0 ]
	run jq -e '.workload.name == "idle" and .exits.total > 0 and .boot.total > 0' "$RESULT"
	assert_success
}
