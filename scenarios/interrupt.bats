#!/usr/bin/env bats
# Ctrl-C in the middle of a run: QEMU must be gone, no result written, and
# the exit status must say it was interrupted.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "SIGINT during L2 stops QEMU and leaves no result" {
	local kernel_id log=$BATS_TEST_TMPDIR/run.log pid rc=0
	kernel_id=$("$EXITSCOPE" kernel build --series 6.1 | tail -n 1)
	# Its own results directory: an interrupted run must not cost the real idle result.
	RESULT=$BATS_TEST_TMPDIR/results/$kernel_id/idle.json
	"$EXITSCOPE" run idle --results "$BATS_TEST_TMPDIR/results" >"$log" 2>&1 3>&- &
	pid=$!
	for _ in $(seq 1 300); do
		grep -q "l1-boot took" "$log" && break
		sleep 1
	done
	run grep "l1-boot took" "$log"
	assert_success
	kill -INT "$pid"
	# Not through run: only this shell can wait for its own child.
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run cat "$log"
	assert_output --partial "interrupted; QEMU stopped, no result written"
	run pgrep -f "qemu-system-x86_64.*$BATS_TEST_TMPDIR"
	assert_failure
	assert [ ! -e "$RESULT" ]
}
