#!/usr/bin/env bats
# Across kernels: idle and cpuid on the patched 6.1 and 6.12, then diffed.
# The diff is informational (exit 0 or 1: whether something moved); it must
# run and print a table, and the cpuid counts must agree exactly on both.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# run_on SERIES NAME: runs NAME on that series; echoes the result path.
run_on() {
	local series=$1 name=$2 kernel_id
	kernel_id=$("$EXITSCOPE" kernel build --series "$series" | tail -n 1)
	"$EXITSCOPE" run "$name" --series "$series" --retries "$NESTED_RETRIES" >&2 3>&- || return 1
	echo "$EXITSCOPE_ROOT/results/$kernel_id/$name.json"
}

# bats test_tags=nested,slow
@test "6.1 against 6.12: cpuid exact on both, idle and cpuid diffed" {
	local a b
	for name in cpuid idle; do
		a=$(run_on 6.1 "$name")
		b=$(run_on 6.12 "$name")
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
