#!/usr/bin/env bash
# bench-kernel.sh: time a cold kernel build, a cache hit and an incremental
# rebuild, and write results/bench/kernel-build.json.
#
# cold:        a --source build of a freshly patched copy of Debian's 6.1 tree
#              in an empty cache, ccache disabled;
# incremental: the same tree again after touching arch/x86/kvm/exitscope.c;
# cached:      the default Debian 6.1 build twice, the second timed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
exitscope=$root/harness/build/exitscope
cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}
out=$root/results/bench/kernel-build.json
bench=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-bench.XXXXXX")
trap 'rm -rf "$bench"' EXIT

seconds() {
	local start=$EPOCHREALTIME
	"$@" >"$bench/last.log" 2>&1 || { tail -n 30 "$bench/last.log" >&2; exit 1; }
	echo "$EPOCHREALTIME - $start" | bc
}

tree=$("$root/kernel-patch/fetch-source.sh" 6.1)
echo "bench: patching a copy of $tree"
cp -al "$tree" "$bench/linux"
for p in "$root"/kernel-patch/series/6.1/*.patch; do patch -p1 -s -d "$bench/linux" -i "$p"; done

echo "bench: cold build (empty cache, no ccache)"
cold=$(EXITSCOPE_CACHE=$bench/cache CCACHE_DISABLE=1 seconds "$exitscope" kernel build --source "$bench/linux")
touch "$bench/linux/arch/x86/kvm/exitscope.c"
echo "bench: incremental rebuild after touching arch/x86/kvm/exitscope.c"
incremental=$(EXITSCOPE_CACHE=$bench/cache seconds "$exitscope" kernel build --source "$bench/linux")
echo "bench: cache hit of the default 6.1 build"
EXITSCOPE_CACHE=$cache seconds "$exitscope" kernel build >/dev/null
cached=$(EXITSCOPE_CACHE=$cache seconds "$exitscope" kernel build)

mkdir -p "$(dirname "$out")"
jq -n --argjson cold "$cold" --argjson cached "$cached" --argjson incremental "$incremental" \
	--arg cpus "$(nproc)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
	'{schema: "exitscope/bench/kernel-build/v1", series: "6.1", cpus: ($cpus | tonumber),
	  loadavg_at_end: $load, cold_seconds: $cold, cache_hit_seconds: $cached,
	  incremental_seconds: $incremental}' >"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
