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
	# Sampled every 500 ms over 10 s: enough points for the exits-per-second
	# chart, and the cumulative totals never go back.
	run jq -e '(.samples | length) >= 10 and
		([.samples[].total] as $t | [range(1; $t | length)] | all($t[.] >= $t[. - 1]))' "$RESULT"
	assert_success
	run "$EXITSCOPE" plot "$RESULT" -o "$BATS_TEST_TMPDIR/idle.svg"
	assert_success
	run grep -c "<svg" "$BATS_TEST_TMPDIR/idle.svg"
	assert_success
}
