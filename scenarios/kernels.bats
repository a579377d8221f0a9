#!/usr/bin/env bats
# Across kernels: idle and cpuid on the patched 6.1 and 6.12, then diffed.
# The diff is informational (exit 0 or 1: whether something moved); it must
# run and print a table, and the cpuid counts must agree exactly on both.
# Each kernel boots once for all of $SHARED_BOOT (helpers/nested.bash): 6.1's
# boot is the one the other scenarios of this bats run share.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested,slow
@test "6.1 against 6.12: cpuid exact on both, idle and cpuid diffed" {
	local a b name
	for name in cpuid idle; do
		SERIES=6.1 run_scenario "$name"
		assert_success
		a=$RESULT
		SERIES=6.12 run_scenario "$name"
		assert_success
		b=$RESULT
		run "$EXITSCOPE" diff "$a" "$b"
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
		assert_output --partial "kernel"
		echo "$output" | sed 's/^/# /' >&3
		if [ "$name" = cpuid ]; then
			RESULT=$a
			assert_equal "$(reason_count cpuid)" 100000
			assert_probe_own_apart
			RESULT=$b
			assert_equal "$(reason_count cpuid)" 100000
			assert_probe_own_apart
		fi
	done
}
