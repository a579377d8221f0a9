#!/usr/bin/env bash
# bench-stages.sh [N] [SCENARIO]: where a warm run's time goes.  Runs
# SCENARIO (default cpuid) N times (default 5) with the cached kernel and
# images, and writes results/bench/stages.json: the whole run's wall time
# and each gap between two events of the result's timeline (L0's clock
# where it saw the event, else L1's uptime), as median, min and max.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
exitscope=$root/harness/build/exitscope
n=${1:-5}
scenario=${2:-cpuid}
out=$root/results/bench
runs=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-bench-stages.XXXXXX")
trap 'rm -rf "$runs"' EXIT

case $n in '' | *[!0-9]* | 0) echo "usage: bench-stages.sh [N >= 1] [SCENARIO]" >&2; exit 2 ;; esac

kernel=$("$exitscope" kernel build | tail -n 1)
"$exitscope" images build >/dev/null
for i in $(seq "$n"); do
	echo "bench: stages: $scenario run $i of $n"
	start=$EPOCHREALTIME
	"$exitscope" run "$scenario" --kernel "$kernel" --results "$runs/$i" >"$runs/$i.log" 2>&1 ||
		{ tail -n 20 "$runs/$i.log" >&2; exit 1; }
	jq --arg wall "$(echo "$EPOCHREALTIME - $start" | bc)" '. + {command_s: ($wall | tonumber)}' \
		"$runs/$i/$kernel/$scenario.json" >"$runs/$i.json"
done

mkdir -p "$out"
jq -s --arg scenario "$scenario" --arg kernel "$kernel" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '
	def spread: sort as $s | {median: $s[(($s | length) - 1) / 2 | floor], min: $s[0], max: $s[-1]};
	# Each event at L0 time when L0 saw it, else L1 uptime shifted onto L0 time by
	# the first event both clocks have (or L1 uptime alone when none has both).
	def at: ([.timeline.events[] | select(.t_s != null and .l1_uptime_s != null)] | first) as $both |
		.timeline.events | map({name, t: (if .t_s != null then .t_s
			elif .l1_uptime_s == null then null
			elif $both then .l1_uptime_s - $both.l1_uptime_s + $both.t_s
			else .l1_uptime_s end)}) | map(select(.t != null)) | sort_by(.t);
	def gaps: [at as $e | range(1; $e | length) | {key: "\($e[. - 1].name) -> \($e[.].name)",
		value: ((($e[.].t - $e[. - 1].t) * 1000 | round) / 1000)}];
	{schema: "exitscope/bench/stages/v1", scenario: $scenario, kernel: $kernel, runs: length,
	 loadavg_at_end: $load,
	 command_s: (map(.command_s) | spread), duration_s: (map(.duration_s) | spread),
	 window_s: (map(.timeline.window.wall_s // empty) | if length > 0 then spread else null end),
	 gaps: (map(gaps) | add | group_by(.key) | map({key: .[0].key, value: (map(.value) | spread)}) |
		from_entries)}' "$runs"/[0-9]*.json >"$out/stages.json.tmp"
mv "$out/stages.json.tmp" "$out/stages.json"
cat "$out/stages.json"
