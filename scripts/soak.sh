#!/usr/bin/env bash
# soak.sh [N] [SCENARIO]: run the whole chain N times (default 50, scenario
# kboot: L2's kernel boot alone, the shortest round) and write
# results/bench/soak.json: tries, stalls (a stage that timed out), L1 or L2
# lost (a guest that reset itself), other failures, slow L2 teardowns
# (libvirtd gave up waiting for L2's QEMU to go), and per-stage wall-time
# percentiles (p50, p90, max).  Each run gets no retries, so that every stall
# is seen rather than hidden; the run directory of each one that went wrong
# is kept in results/bench/soak-stalls/<try>/ (l1-at-timeout.txt and
# l0-qemu-threads.txt included), and so is that of a try whose L0 QEMU
# reported a broken SVM invariant (the built L0 of scripts/l0-qemu.sh
# prints "svmck: cpu N: ..." to qemu.log; soak.json counts such tries).
# soak.json also names the L0 QEMU the tries ran on (host.l0 and
# qemu_version of the first try's run.json: built, fixed or system, harness/src/l0.c).
# $SOAK_DIR moves results/bench, $EXITSCOPE names the binary (tests).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
exitscope=${EXITSCOPE:-$root/harness/build/exitscope}
tries=${1:-50}
scenario=${2:-kboot}
bench=${SOAK_DIR:-$root/results/bench}
out=$bench/soak.json
work=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT

[[ $tries =~ ^[1-9][0-9]*$ ]] || { echo "soak: N must be a positive count, not '$tries'" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
: >"$work/runs.jsonl"
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
# soak.json from the tries so far: rewritten after each, so that a soak cut
# short (Ctrl-C, a killed job) still leaves its figures.
write_summary() {
	jq -s --arg scenario "$scenario" --arg commit "$commit" '
		def pct(p): sort | if length == 0 then null else .[((length - 1) * p | floor)] end;
		def stage(k): [.[] | select(.rc == 0) | .[k] | select(. != null)]
			| {p50: pct(0.5), p90: pct(0.9), max: max};
		def count(o): [.[] | select(.outcome == o)] | length;
		{scenario: $scenario, commit: $commit, tries: length,
		 l0: (.[0].l0), qemu_version: (.[0].qemu_version),
		 stalls: count("stall"), l1_lost: count("l1-lost"), l2_lost: count("l2-lost"),
		 failures: count("failed"),
		 slow_l2_teardowns: [.[] | select(.libvirt_kill_timeouts > 0)] | length,
		 l0_qemu_reports: [.[] | select(.l0_qemu_reports > 0)] | length,
		 stages: {l1_boot_s: stage("l1_boot_s"), l2_s: stage("l2_s")},
		 runs: .}' "$work/runs.jsonl" >"$out.tmp"
	mv "$out.tmp" "$out"
}

# run_lines FILE PATTERN: how many lines of this try's run directory's FILE
# match PATTERN (0 when the file is missing).
run_lines() {
	cat "$work"/results/*/"$scenario".run/"$1" 2>/dev/null | grep -c "$2" || true
}

for i in $(seq 1 "$tries"); do
	rc=0
	"$exitscope" run "$scenario" --retries 0 --results "$work/results" >"$work/run.log" 2>&1 || rc=$?
	# Progress lines say "<stage> took <seconds> s" as each stage ends.
	l1=$(sed -n 's/.*: l1-boot took \([0-9.]*\) s$/\1/p' "$work/run.log" | tail -n 1)
	l2=$(sed -n 's/.*: l2 took \([0-9.]*\) s$/\1/p' "$work/run.log" | tail -n 1)
	outcome=ok
	if [ "$rc" -eq 124 ]; then outcome=stall
	elif grep -q "L1 ended during" "$work/run.log"; then outcome="l1-lost"
	elif grep -q "L2 shut off without" "$work/run.log"; then outcome="l2-lost"
	elif [ "$rc" -ne 0 ]; then outcome=failed
	fi
	# libvirtd giving up, 40 s each, on an L2 QEMU that L1's init had not
	# reaped: the slow tail exitscope-init's wait removed (docs/nested-stall.md).
	kills=$(run_lines out/libvirtd.log "Failed to terminate process")
	reports=$(run_lines qemu.log "^svmck: cpu [0-9]*: ")
	host=$(cat "$work"/results/*/"$scenario".run/run.json 2>/dev/null | jq -c '.host' || true)
	jq -nc --argjson n "$i" --argjson rc "$rc" --arg outcome "$outcome" \
		--arg l1 "${l1:-}" --arg l2 "${l2:-}" --argjson kills "$kills" \
		--argjson reports "$reports" --argjson host "${host:-null}" \
		'{"try": $n, rc: $rc, outcome: $outcome,
		  l0: ($host.l0 // null), qemu_version: ($host.qemu_version // null),
		  l1_boot_s: ($l1 | tonumber? // null), l2_s: ($l2 | tonumber? // null),
		  libvirt_kill_timeouts: $kills, l0_qemu_reports: $reports}' \
		>>"$work/runs.jsonl"
	said=""
	[ "$reports" -eq 0 ] || said=" l0-qemu-reports=$reports"
	echo "soak: $i/$tries $outcome rc=$rc l1-boot=${l1:--}s l2=${l2:--}s$said"
	if [ "$outcome" != ok ] || [ "$reports" -gt 0 ]; then
		mkdir -p "$bench/soak-stalls"
		rm -rf "$bench/soak-stalls/$i"
		cp -r "$(find "$work/results" -name "$scenario.run" | head -n 1)" \
			"$bench/soak-stalls/$i" 2>/dev/null || true
		cp "$work/run.log" "$bench/soak-stalls/$i/" 2>/dev/null || true
	fi
	write_summary
done


echo "soak: wrote $out"
jq '{l0, qemu_version, tries, stalls, l1_lost, l2_lost, failures, slow_l2_teardowns, l0_qemu_reports, stages}' "$out"
