#!/usr/bin/env bash
# bench-cost.sh [SERIES]: what counting costs an exit, side by side, and
# results/bench/cost.json.  exitscope bench cost times a micro VM's CPUID
# exits by its own TSC on the stock and on the patched kernel of SERIES
# (default 6.1), each with no tracing, with the kvm_exit event enabled and
# with a hist trigger on it (the way tracers count exits).  Under Bochs (VMX)
# the TSC counts instructions, so the ratios repeat exactly; under TCG (SVM)
# they follow this host's clock and its load.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
exitscope=$root/harness/build/exitscope
series=${1:-6.1}
out=$root/results/bench
n=${BENCH_COST_N:-100000}
windows=${BENCH_COST_WINDOWS:-5}

echo "bench: cost: the $series kernels, stock and patched (built when not cached)"
declare -A kernel
kernel[stock]=$("$exitscope" kernel build --series "$series" --stock | tail -n 1)
kernel[patched]=$("$exitscope" kernel build --series "$series" | tail -n 1)

# Each run's document is written whole or not at all, its logs beside it in .run/.
mkdir -p "$out"
for accel in bochs tcg; do
	for kind in stock patched; do
		echo "bench: cost: $kind kernel ${kernel[$kind]} under $accel"
		"$exitscope" bench cost --kernel "${kernel[$kind]}" --accel "$accel" --n "$n" \
			--windows "$windows" --out "$out/cost-$accel-$kind.json"
	done
done

# Per accelerator: each kernel's per-exit medians, and the ratios to the stock
# kernel without tracing that the patch and the tracepoint ways cost.
jq -n --arg series "$series" --argjson n "$n" --argjson windows "$windows" \
	--arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--slurpfile bs "$out/cost-bochs-stock.json" --slurpfile bp "$out/cost-bochs-patched.json" \
	--slurpfile ts "$out/cost-tcg-stock.json" --slurpfile tp "$out/cost-tcg-patched.json" '
	def med($d; $m): $d.cost.modes[$m].per_exit.median;
	def side($s; $p): {
		isa: $s.cost.isa, emulator: $s.host.emulator,
		stock: {id: $s.kernel.id, plain: med($s; "plain"), event: med($s; "event"),
			hist: med($s; "hist")},
		patched: {id: $p.kernel.id, plain: med($p; "plain"), event: med($p; "event"),
			hist: med($p; "hist")},
		ratio_to_stock: {patched: (med($p; "plain") / med($s; "plain")),
			tracepoint_event: (med($s; "event") / med($s; "plain")),
			tracepoint_hist: (med($s; "hist") / med($s; "plain"))}};
	{schema: "exitscope/bench/cost-summary/v1", series: $series, n: $n, windows: $windows,
	 unit: "guest TSC ticks per CPUID exit round trip (Bochs: instructions)",
	 loadavg_at_end: $load, bochs: side($bs[0]; $bp[0]), tcg: side($ts[0]; $tp[0])}' \
	>"$out/cost.json.tmp"
mv "$out/cost.json.tmp" "$out/cost.json"
cat "$out/cost.json"
