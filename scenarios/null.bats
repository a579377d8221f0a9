#!/usr/bin/env bats
# null: the cpuid path with N = 0.  The probe opens its window and closes it
# with nothing in between, so what the window holds is the tool's own noise
# floor (README, "What the window holds"): a few timer exits of L2 while a
# snapshot reads the counters, and nothing else.  A console line printed
# during the window (port I/O, one exit a character) or a probe read left in
# it (CPUID) fails this.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "null: an empty window holds only the timer's residue, named" {
	run_scenario null
	assert_success
	assert_result_checked
	assert_probe_own_apart
	run jq -e '.workload.params.N == 0 and .probe_own.total == 1' "$RESULT"
	assert_success
	# The residue: L2's timer while a snapshot reads (SVM under TCG), a handful.
	run jq -e '.exits.total <= 30 and
		all(.exits.by_reason[]; .name == "interrupt" or .name == "vintr" or .name == "msr")' \
		"$RESULT"
	assert_success
	assert_equal "$(reason_count io)" 0
	assert_equal "$(reason_count cpuid)" 0
}
