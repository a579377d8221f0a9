#!/usr/bin/env bats
# run --reassemble: a result again from a run directory alone.  A recorded
# run (harness/tests/data/runs/) under a fresh results folder and an empty
# cache: nothing may be built, fetched or booted, and the result must be the
# one the run wrote.

bats_require_minimum_version 1.5.0

RUNS=harness/tests/data/runs

setup() {
	load helpers/common
	export EXITSCOPE_CACHE=$BATS_TEST_TMPDIR/cache
	mkdir -p "$EXITSCOPE_CACHE"
	RESULTS=$BATS_TEST_TMPDIR/results
	kernel=$(jq -r .kernel "$EXITSCOPE_ROOT/$RUNS/abi.run/run.json")
	mkdir -p "$RESULTS/$kernel"
	cp -r "$EXITSCOPE_ROOT/$RUNS/abi.run" "$RESULTS/$kernel/"
}

@test "reassemble with an empty cache writes the recorded result and builds nothing" {
	run -0 "$EXITSCOPE" run abi --reassemble --results "$RESULTS"
	assert_output --partial "wrote $RESULTS/$kernel/abi.json"
	refute_output --partial "kernel:"
	refute_output --partial "images:"
	assert_equal "$(ls -A "$EXITSCOPE_CACHE")" ""
	run -0 diff -u "$EXITSCOPE_ROOT/$RUNS/abi.json" "$RESULTS/$kernel/abi.json"
}

@test "reassemble names the kernel when --kernel is given, and says when no run is there" {
	run -0 "$EXITSCOPE" run abi --reassemble --kernel "$kernel" --results "$RESULTS"
	run -2 "$EXITSCOPE" run idle --reassemble --results "$RESULTS"
	assert_output --partial "no run of 'idle' under $RESULTS"
}

@test "reassemble asks for --kernel when two kernels ran the scenario" {
	cp -r "$RESULTS/$kernel" "$RESULTS/0123456789ab"
	run -2 "$EXITSCOPE" run abi --reassemble --results "$RESULTS"
	assert_output --partial "more than one run of 'abi'"
	assert_output --partial "--kernel ID"
}

@test "reassemble of a run directory without its record says which file" {
	rm "$RESULTS/$kernel/abi.run/run.json"
	run -2 "$EXITSCOPE" run abi --reassemble --kernel "$kernel" --results "$RESULTS"
	assert_output --partial "run.json"
	[ ! -e "$RESULTS/$kernel/abi.json" ]
}
