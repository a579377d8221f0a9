#!/usr/bin/env bats
# The bookkeeping of `make soak` (scripts/soak.sh): how each try is classified,
# what soak.json sums up, and which run directories are kept.  The nested chain
# itself is what kboot.bats runs; here `exitscope run` is a script that plays
# back four endings a real run prints, so that the counting is checked exactly.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	fake=$BATS_TEST_TMPDIR/exitscope
	# Try 1 ok but with a diagnostic report from L0's QEMU (as the patched
	# one of scripts/l0-qemu.sh prints it), 2 a stage timeout, 3 a lost L2,
	# 4 ok after libvirtd gave up once on L2's QEMU: one line of each, as
	# cmd-run.c and libvirtd print them, and a run directory like a real one.
	cat >"$fake" <<-'EOF'
		#!/usr/bin/env bash
		set -euo pipefail
		n=$(($(cat "$SOAK_COUNTER" 2>/dev/null || echo 0) + 1))
		echo "$n" >"$SOAK_COUNTER"
		while [ "$1" != --results ]; do shift; done
		results=$2
		mkdir -p "$results/k/kboot.run/out"
		echo "try $n" >"$results/k/kboot.run/out/agent.log"
		: >"$results/k/kboot.run/out/libvirtd.log"
		: >"$results/k/kboot.run/qemu.log"
		if [ "$n" = 1 ]; then
			printf '%s\n' "svmck: cpu 0: guest RIP is the host's resume RIP: eip ffffffff816746ec" \
				"svmck:   D eip ffffffff816746ec" >"$results/k/kboot.run/qemu.log"
		fi
		if [ "$n" = 4 ]; then
			echo "error : virProcessKillPainfullyDelay:430 : Failed to terminate process 193 with SIGKILL" \
				>"$results/k/kboot.run/out/libvirtd.log"
		fi
		echo "[   7.0s] run: kboot: l1-boot took $((n + 3)).5 s"
		case $n in
		2) echo "exitscope: run: L2 did not power off within 400 s" >&2; exit 124 ;;
		3) echo "exitscope: run: L2 shut off without the probe's status; see x" >&2; exit 1 ;;
		esac
		echo "[ 120.0s] run: kboot: l2 took 1$n.0 s"
	EOF
	chmod +x "$fake"
	export EXITSCOPE=$fake SOAK_DIR=$BATS_TEST_TMPDIR/bench SOAK_COUNTER=$BATS_TEST_TMPDIR/count
}

@test "soak: each try classified, summed in soak.json, failed tries' run dirs kept" {
	run -0 "$EXITSCOPE_ROOT/scripts/soak.sh" 4 kboot
	assert_line "soak: 1/4 ok rc=0 l1-boot=4.5s l2=11.0s l0-qemu-reports=1"
	assert_line "soak: 4/4 ok rc=0 l1-boot=7.5s l2=14.0s"
	assert_line "soak: 2/4 stall rc=124 l1-boot=5.5s l2=-s"
	assert_line "soak: 3/4 l2-lost rc=1 l1-boot=6.5s l2=-s"
	run -0 jq -c '[.tries, .stalls, .l1_lost, .l2_lost, .failures, .slow_l2_teardowns]' "$SOAK_DIR/soak.json"
	assert_output "[4,1,0,1,0,1]"
	run -0 jq -c '[.runs[].libvirt_kill_timeouts]' "$SOAK_DIR/soak.json"
	assert_output "[0,0,0,1]"
	run -0 jq -c '[.l0_qemu_reports, [.runs[].l0_qemu_reports]]' "$SOAK_DIR/soak.json"
	assert_output "[1,[1,0,0,0]]"
	# Stage times of the good tries only: l1-boot 4.5 and 7.5, l2 11 and 14.
	run -0 jq -c '.stages' "$SOAK_DIR/soak.json"
	assert_output '{"l1_boot_s":{"p50":4.5,"p90":4.5,"max":7.5},"l2_s":{"p50":11,"p90":11,"max":14}}'
	run -0 jq -r '[.runs[].outcome] | join(" ")' "$SOAK_DIR/soak.json"
	assert_output "ok stall l2-lost ok"
	run -0 cat "$SOAK_DIR/soak-stalls/2/out/agent.log" "$SOAK_DIR/soak-stalls/3/out/agent.log"
	assert_output $'try 2\ntry 3'
	assert [ -f "$SOAK_DIR/soak-stalls/3/run.log" ]
	# Kept for its report, though the try itself went well.
	run -0 grep -c "^svmck:" "$SOAK_DIR/soak-stalls/1/qemu.log"
	assert_output 2
	assert [ ! -e "$SOAK_DIR/soak-stalls/4" ]
}

@test "soak: N must be a positive count" {
	run -2 "$EXITSCOPE_ROOT/scripts/soak.sh" 0
	assert_output --partial "N must be a positive count, not '0'"
	assert [ ! -e "$SOAK_DIR/soak.json" ]
}
