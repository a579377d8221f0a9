#!/usr/bin/env bats
# The agent's neighbor (harness/agent/exitscope-agent: neighbor_start,
# neighbor_stop), run for real under sh with a stand-in exitmicro: started
# only on spec NEIGHBOR=1, stopped with SIGTERM, its document kept as
# out/neighbor.json only when it printed one, a failure reported in
# agent.log, and never a hang.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	export EXITSCOPE_RUN=$BATS_TEST_TMPDIR/run
	mkdir -p "$EXITSCOPE_RUN/out" "$BATS_TEST_TMPDIR/bin"
	cp "$BATS_TEST_DIRNAME/helpers/fake-exitmicro" "$BATS_TEST_TMPDIR/bin/exitmicro"
	# The agent without its last line, main "$@": its functions only.
	sed '/^main "\$@"$/d' "$EXITSCOPE_ROOT/harness/agent/exitscope-agent" >"$BATS_TEST_TMPDIR/agent-lib"
	printf 'SCENARIO=abi\nL2_TIMEOUT=20\nNEIGHBOR=%s\n' "${NEIGHBOR:-1}" >"$EXITSCOPE_RUN/spec.env"
}

# around_l2 [STOP_S]: start the neighbor, let "L2" run a second, stop it.
around_l2() {
	# 3>&-: a stand-in's leftover sleep must not hold bats' output open.
	# shellcheck disable=SC2016 # expanded by the inner sh
	run -0 timeout 60 env PATH="$BATS_TEST_TMPDIR/bin:$PATH" sh -c '
		. "$1"; NEIGHBOR_STOP_S=${2:-30}
		neighbor_start; sleep 1; neighbor_stop; echo "stopped"' sh \
		"$BATS_TEST_TMPDIR/agent-lib" "${1:-}" 3>&-
	assert_line stopped
}

@test "agent neighbor: SIGTERM ends it, its document becomes out/neighbor.json" {
	FAKE_MICRO=ok around_l2
	run -0 jq -e '.cpuid == 2006 and .batches_cpuid == 2000' "$EXITSCOPE_RUN/out/neighbor.json"
	assert [ ! -e "$EXITSCOPE_RUN/out/neighbor.json.part" ]
	run -0 grep -c 'neighbor-start pid=[0-9]*$\|neighbor-end rc=0$' "$EXITSCOPE_RUN/out/agent.log"
	assert_output 2
}

@test "agent neighbor: an inexact count is kept for L0 to judge" {
	FAKE_MICRO=inexact around_l2
	run -0 jq -e '.cpuid == 2007' "$EXITSCOPE_RUN/out/neighbor.json"
	run -0 grep 'neighbor-end rc=1$' "$EXITSCOPE_RUN/out/agent.log"
}

@test "agent neighbor: a VM it lost and replaced is named in agent.log" {
	FAKE_MICRO=lost around_l2
	run -0 jq -e '.cpuid == 2508 and .lost == 1 and .lost_cpuid_max == 1002' \
		"$EXITSCOPE_RUN/out/neighbor.json"
	run -0 grep 'neighbor-end rc=0 exitmicro: spin: 1 VM(s) lost on the way and replaced' \
		"$EXITSCOPE_RUN/out/agent.log"
}

@test "agent neighbor: a failed one leaves no document and says why in agent.log" {
	FAKE_MICRO=fail around_l2
	assert [ ! -e "$EXITSCOPE_RUN/out/neighbor.json" ]
	assert [ ! -e "$EXITSCOPE_RUN/out/neighbor.json.part" ]
	run -0 grep 'neighbor-failed rc=3 exitmicro: spin: /dev/kvm: No such file or directory; see out/neighbor.log' \
		"$EXITSCOPE_RUN/out/agent.log"
}

@test "agent neighbor: one that ignores SIGTERM is killed after the limit" {
	SECONDS=0
	FAKE_MICRO=stubborn around_l2 2
	assert [ "$SECONDS" -lt 20 ]
	assert [ ! -e "$EXITSCOPE_RUN/out/neighbor.json" ]
	run -0 grep 'neighbor-failed still running 2 s after SIGTERM; killed' "$EXITSCOPE_RUN/out/agent.log"
	run -0 grep 'neighbor-failed rc=137' "$EXITSCOPE_RUN/out/agent.log"
}

@test "agent neighbor: none without NEIGHBOR=1" {
	printf 'SCENARIO=cpuid\nL2_TIMEOUT=20\nNEIGHBOR=0\n' >"$EXITSCOPE_RUN/spec.env"
	FAKE_MICRO=ok around_l2
	assert [ ! -e "$EXITSCOPE_RUN/out/neighbor.json" ]
	assert [ ! -e "$EXITSCOPE_RUN/out/neighbor.log" ]
	run ! grep neighbor "$EXITSCOPE_RUN/out/agent.log"
}
