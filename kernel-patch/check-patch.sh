#!/usr/bin/env bash
# check-patch.sh [SERIES...]: for each kernel series (default: every folder
# under kernel-patch/series), apply the patch series to a copy of Debian's
# pristine source, run checkpatch.pl --strict on every patch, and compile
# arch/x86/kvm with KVM_INTEL=y and KVM_AMD=y, so that the VMX half, which
# cannot run on a TCG host, is at least built on every change.
#
# Results are cached by the content of the patches, the config fragment and
# the source's identity: an unchanged series is checked once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}
fragment=$here/config/nested.config
start=$SECONDS

say() { printf '[%4ds] %s\n' $((SECONDS - start)) "$*"; }
fail() { say "FAIL $*" >&2; exit "${2:-1}"; }

series_key() {
	local series=$1 tree=$2
	{
		cat "$(dirname "$tree")/source.env"
		cat "$here/series/$series"/*.patch
		[ -f "$fragment" ] && cat "$fragment"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

apply_series() {
	local series=$1 src=$2 p
	for p in "$here/series/$series"/*.patch; do
		if ! patch -p1 -d "$src" --dry-run -s <"$p" >"$src.patch.log" 2>&1; then
			cat "$src.patch.log" >&2
			fail "$(basename "$p") does not apply to $(basename "$(dirname "$src")") (hunks above)" 2
		fi
		patch -p1 -d "$src" -s <"$p"
	done
}

run_checkpatch() {
	local series=$1 src=$2 p out
	for p in "$here/series/$series"/*.patch; do
		out=$(perl "$src/scripts/checkpatch.pl" --strict --no-tree --no-summary -q "$p" || true)
		if [ -n "$out" ]; then
			echo "$out" >&2
			fail "checkpatch --strict: $(basename "$p")"
		fi
	done
}

configure() {
	local src=$1 build=$2
	make -s -C "$src" O="$build" x86_64_defconfig >/dev/null
	if [ -f "$fragment" ]; then
		"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$fragment" >/dev/null
	fi
	"$src/scripts/config" --file "$build/.config" -e KVM -e KVM_INTEL -e KVM_AMD \
		-e DEBUG_FS -e FTRACE -e HIST_TRIGGERS
	make -s -C "$src" O="$build" olddefconfig >/dev/null
	for opt in KVM KVM_INTEL KVM_AMD; do
		grep -q "^CONFIG_$opt=y" "$build/.config" || fail "CONFIG_$opt=y did not survive olddefconfig"
	done
}

# Built-in objects are not linked here, so check by hand that every exitscope
# symbol the hooks use is defined by exitscope.o.
check_symbols() {
	local series=$1 objdir=$2 defined used sym
	[ -f "$objdir/exitscope.o" ] || fail "$series: exitscope.o was not built; is it in kvm-y?"
	defined=$(nm --defined-only "$objdir/exitscope.o" | awk '{ print $3 }')
	used=$(nm -u "$objdir"/{cpuid,vmx/vmx,svm/svm}.o | awk '/exitscope/ { print $2 }' | sort -u)
	for sym in $used; do
		grep -qx "$sym" <<<"$defined" || fail "$series: $sym is used but exitscope.o does not define it"
	done
	say "$series: exitscope.o defines all $(wc -w <<<"$used") symbols the VMX, SVM and CPUID hooks use"
}

check_series() {
	local series=$1 tree key work src build cc=gcc
	tree=$("$here/fetch-source.sh" "$series")
	key=$(series_key "$series" "$tree")
	work=$cache/check-patch/$series
	if [ -f "$work/ok-$key" ]; then
		say "$series: unchanged since a passing check ($key)"
		return
	fi
	src=$work/src
	build=$work/build
	rm -rf "$src" "$work"/ok-*
	mkdir -p "$work"
	say "$series: copying $(basename "$(dirname "$tree")")"
	cp -al "$tree" "$src"
	apply_series "$series" "$src"
	say "$series: $(find "$here/series/$series" -name '*.patch' | wc -l) patches apply"
	# GNU patch replaces files by rename: the shared pristine tree must not change.
	if grep -q exitscope "$tree/arch/x86/kvm/cpuid.c"; then
		fail "the pristine tree $tree was modified; delete $(dirname "$tree") and fetch again"
	fi
	run_checkpatch "$series" "$src"
	say "$series: checkpatch --strict: 0 errors, 0 warnings"
	configure "$src" "$build"
	command -v ccache >/dev/null && cc="ccache gcc"
	say "$series: compiling arch/x86/kvm (KVM_INTEL=y KVM_AMD=y), log in $work/build.log"
	if ! CCACHE_DIR=$cache/ccache make -C "$src" O="$build" CC="$cc" -j"$(nproc)" \
		arch/x86/kvm/ >"$work/build.log" 2>&1; then
		tail -n 30 "$work/build.log" >&2
		fail "$series: arch/x86/kvm does not compile; log: $work/build.log"
	fi
	check_symbols "$series" "$build/arch/x86/kvm"
	touch "$work/ok-$key"
	say "$series: ok"
}

main() {
	local series
	if [ $# -eq 0 ]; then
		for series in "$here"/series/*/; do
			series=$(basename "$series")
			compgen -G "$here/series/$series/*.patch" >/dev/null && set -- "$@" "$series"
		done
	fi
	[ $# -gt 0 ] || fail "no patch series under $here/series" 2
	for series in "$@"; do
		[ -d "$here/series/$series" ] || fail "no series $series under $here/series" 2
		check_series "$series"
	done
}

main "$@"
