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
	# The sampler's reads (one snapshot each) are the probe's own, apart from the
	# workload window and from each sample's total: a sleeping guest's top
	# reason is not the probe's CPUID.
	assert_probe_own_apart
	run jq -e '.probe_cpuid_exits > (.samples | length) and
		all(.samples[]; .own >= 0) and .samples[-1].own <= .probe_cpuid_exits and
		(.exits.by_reason | max_by(.count) | .name) != "cpuid"' "$RESULT"
	assert_success
	run "$EXITSCOPE" plot "$RESULT" -o "$BATS_TEST_TMPDIR/idle.svg"
	assert_success
	run grep -c "<svg" "$BATS_TEST_TMPDIR/idle.svg"
	assert_success
}
