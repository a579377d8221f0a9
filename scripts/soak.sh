#!/usr/bin/env bash
# soak.sh [N] [SCENARIO]: run the whole chain N times (default 50) and write
# results/bench/soak.json: tries, stalls (a stage that timed out), other
# failures, and per-stage wall-time percentiles (p50, p90, max).  Each run
# gets no retries, so that every stall is seen rather than hidden.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
exitscope=$root/harness/build/exitscope
tries=${1:-50}
scenario=${2:-cpuid}
out=$root/results/bench/soak.json
work=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT

[[ $tries =~ ^[1-9][0-9]*$ ]] || { echo "soak: N must be a positive count, not '$tries'" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
: >"$work/runs.jsonl"
for i in $(seq 1 "$tries"); do
	rc=0
	"$exitscope" run "$scenario" --retries 0 --results "$work/results" >"$work/run.log" 2>&1 || rc=$?
	# Progress lines say "<stage> took <seconds> s" as each stage ends.
	l1=$(sed -n 's/.*: l1-boot took \([0-9.]*\) s$/\1/p' "$work/run.log" | tail -n 1)
	l2=$(sed -n 's/.*: l2 took \([0-9.]*\) s$/\1/p' "$work/run.log" | tail -n 1)
	jq -nc --argjson try "$i" --argjson rc "$rc" --arg l1 "${l1:-}" --arg l2 "${l2:-}" \
		'{try: $try, rc: $rc, l1_boot_s: ($l1 | tonumber? // null), l2_s: ($l2 | tonumber? // null)}' \
		>>"$work/runs.jsonl"
	echo "soak: $i/$tries rc=$rc l1-boot=${l1:--}s l2=${l2:--}s"
	if [ "$rc" -eq 124 ]; then
		mkdir -p "$root/results/bench/soak-stalls"
		cp -r "$(find "$work/results" -name "$scenario.run" | head -n 1)" \
			"$root/results/bench/soak-stalls/$i" 2>/dev/null || true
	fi
done

jq -s --arg scenario "$scenario" '
	def pct(p): sort | if length == 0 then null else .[((length - 1) * p | floor)] end;
	def stage(k): [.[] | select(.rc == 0) | .[k] | select(. != null)]
		| {p50: pct(0.5), p90: pct(0.9), max: max};
	{scenario: $scenario, tries: length,
	 stalls: [.[] | select(.rc == 124)] | length,
	 failures: [.[] | select(.rc != 0 and .rc != 124)] | length,
	 stages: {l1_boot_s: stage("l1_boot_s"), l2_s: stage("l2_s")},
	 runs: .}' "$work/runs.jsonl" >"$out.tmp"
mv "$out.tmp" "$out"
echo "soak: wrote $out"
jq '{tries, stalls, failures, stages}' "$out"
