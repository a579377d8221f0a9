#!/usr/bin/env bats
# repeat: cpuid with --repeat 3.  L2's probe measures the workload's window
# three times in the same boot; each window must hold exactly the CPUIDs
# asked (the probe's own reads apart), so the CPUID reason's spread over the
# windows has no width, the result (median exits, the repeat block) passes
# the one validator, and a diff of the result against itself finds nothing
# moved, and nothing within noise either.  Its result goes to
# results/repeat/, apart from the cpuid scenario's own.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "repeat: three cpuid windows in one boot, each exact, a spread of zero width" {
	RESULTS_DIR=$EXITSCOPE_ROOT/results/repeat run_scenario cpuid --repeat 3
	assert_success
	assert_result_checked
	assert_probe_own_apart
	local n
	n=$(jq -r '.workload.params.N' "$RESULT")
	assert_equal "$n" 100000
	run jq -e '.repeat.n == 3 and (.repeat.windows | length) == 3' "$RESULT"
	assert_success
	# Each window holds exactly the CPUIDs asked: the workload's, its own reads apart.
	run jq -r '[.repeat.windows[] | [.by_reason[] | select(.name == "cpuid") | .count] | add // 0] | join(" ")' "$RESULT"
	assert_output "$n $n $n"
	# The CPUID reason's spread has no width; exits holds the median.
	run jq -r '.repeat.spread.by_reason[] | select(.name == "cpuid") | "\(.median) \(.min) \(.max)"' "$RESULT"
	assert_output "$n $n $n"
	assert_equal "$(reason_count cpuid)" "$n"
	# The probe ran three windows: its document says so, and each was exact.
	run grep -c '"cpuid_exact": true' "${RESULT%.json}.run/out/l2-probe.out"
	assert_output 4
	# Read back through the validator: show, and diff against itself, which finds nothing moved.
	run "$EXITSCOPE" show "$RESULT"
	assert_success
	assert_output --partial "median of the windows"
	assert_output --regexp "cpuid +$n .* $n-$n"
	run "$EXITSCOPE" diff "$RESULT" "$RESULT"
	assert_success
	assert_output --partial "spread    A 3 windows, B 3 windows"
	refute_output --partial "within noise ("
	run "$EXITSCOPE" diff --json "$RESULT" "$RESULT"
	assert_success
	run jq -e '.exit == 0 and .pairs[0].moved == false and .pairs[0].windows == {a: 3, b: 3} and
		all(.pairs[0].reasons[]; .moved == false and .within_noise == false and .spread_a.min <= .a)' <<<"$output"
	assert_success
}
