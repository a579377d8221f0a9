#!/usr/bin/env bash
# check-patch.sh [SERIES...]: for each kernel series (default: every folder
# under kernel-patch/series), apply the patch series to a copy of Debian's
# pristine source, run checkpatch.pl --strict on every patch, and compile
# arch/x86/kvm twice: built in (KVM=y KVM_INTEL=y KVM_AMD=y), so that the VMX
# half, which cannot run on a TCG host, is at least built on every change,
# and as modules (KVM=m), where it checks that the vendor modules find every
# exitscope symbol exported by kvm and that the per-CPU data of the three
# modules stays well inside the kernel's 8 KiB reserve for all modules.
#
# Then the grader's mutants (kernel-patch/mutants/<isa>/): each ISA's base
# and every mutant on top of it must apply to the pristine source of
# $mutants_series, and every one of those patches pass checkpatch.pl --strict.
# The kernel builds of scenarios/mutants.bats compile them.
#
# Results are cached by the content of the patches, the config fragment, this
# script and the source's identity: an unchanged series, or an unchanged set
# of mutants, is checked once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}
fragment=$here/config/nested.config
mutants=$here/mutants
# The source the mutants are written for.
mutants_series=6.1
# PERCPU_MODULE_RESERVE: the static per-CPU data of every loaded module must
# fit in it, or loading fails; kvm's three modules may take half.
percpu_reserve=8192
percpu_budget=$((percpu_reserve / 2))
start=$SECONDS

say() { printf '[%4ds] %s\n' $((SECONDS - start)) "$*"; }
fail() { say "FAIL $*" >&2; exit "${2:-1}"; }

series_key() {
	local series=$1 tree=$2
	{
		cat "$(dirname "$tree")/source.env"
		cat "$here/series/$series"/*.patch
		[ -f "$fragment" ] && cat "$fragment"
		cat "$here/check-patch.sh"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

# apply_patch SRC PATCH [-R]: PATCH applied (or, with -R, reverted) to SRC, or exit 2.
apply_patch() {
	local src=$1 p=$2
	shift 2
	if ! patch -p1 -d "$src" "$@" --dry-run -s <"$p" >"$src.patch.log" 2>&1; then
		cat "$src.patch.log" >&2
		fail "${p#"$here"/} does not apply to $(basename "$(dirname "$src")") (hunks above)" 2
	fi
	patch -p1 -d "$src" "$@" -s <"$p"
}

apply_series() {
	local series=$1 src=$2 p
	for p in "$here/series/$series"/*.patch; do
		apply_patch "$src" "$p"
	done
}

# checkpatch SRC PATCH...: checkpatch.pl --strict of SRC finds nothing in any PATCH.
checkpatch() {
	local src=$1 p out
	shift
	for p in "$@"; do
		out=$(perl "$src/scripts/checkpatch.pl" --strict --no-tree --no-summary -q "$p" || true)
		if [ -n "$out" ]; then
			echo "$out" >&2
			fail "checkpatch --strict: ${p#"$here"/}"
		fi
	done
}

run_checkpatch() {
	local series=$1 src=$2
	checkpatch "$src" "$here/series/$series"/*.patch
}

# configure SRC BUILD y|m: KVM and both vendors built in (y) or as modules (m).
configure() {
	local src=$1 build=$2 how=$3 flag=-e opt
	[ "$how" = m ] && flag=-m
	make -s -C "$src" O="$build" x86_64_defconfig >/dev/null
	if [ -f "$fragment" ]; then
		"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$fragment" >/dev/null
	fi
	"$src/scripts/config" --file "$build/.config" -e MODULES "$flag" KVM "$flag" KVM_INTEL \
		"$flag" KVM_AMD -e DEBUG_FS -e FTRACE -e HIST_TRIGGERS
	make -s -C "$src" O="$build" olddefconfig >/dev/null
	for opt in KVM KVM_INTEL KVM_AMD; do
		grep -q "^CONFIG_$opt=$how" "$build/.config" || fail "CONFIG_$opt=$how did not survive olddefconfig"
	done
}

# compile SERIES SRC BUILD y|m LOG
compile() {
	local series=$1 src=$2 build=$3 how=$4 log=$5 cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	configure "$src" "$build" "$how"
	say "$series: compiling arch/x86/kvm (KVM=$how KVM_INTEL=$how KVM_AMD=$how), log in $log"
	if ! CCACHE_DIR=$cache/ccache make -C "$src" O="$build" CC="$cc" -j"$(nproc)" \
		arch/x86/kvm/ >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		fail "$series: arch/x86/kvm does not compile with KVM=$how; log: $log"
	fi
}

# Built-in objects are not linked here, so check by hand that every exitscope
# symbol the rest of KVM uses is defined by exitscope.o.
check_symbols() {
	local series=$1 objdir=$2 defined used sym
	[ -f "$objdir/exitscope.o" ] || fail "$series: exitscope.o was not built; is it in kvm-y?"
	defined=$(nm --defined-only "$objdir/exitscope.o" | awk '{ print $3 }')
	used=$(find "$objdir" -name '*.o' ! -name exitscope.o -exec nm -u {} + |
		awk '/exitscope/ { print $2 }' | sort -u)
	for sym in $used; do
		grep -qx "$sym" <<<"$defined" || fail "$series: $sym is used but exitscope.o does not define it"
	done
	say "$series: exitscope.o defines all $(wc -w <<<"$used") exitscope symbols the rest of KVM uses"
}

# The size in bytes of OBJECT's per-CPU section (0 without one).
percpu_size() {
	local hex
	hex=$(objdump -h "$1" | awk '$2 == ".data..percpu" { print $3 }')
	echo $((16#${hex:-0}))
}

# Modules are not linked by modpost here either: check that kvm exports
# (EXPORT_SYMBOL_GPL; __ksymtab_ before 6.5, __export_symbol_ since) every
# exitscope symbol the vendor modules use, and measure their per-CPU data.
check_modules() {
	local series=$1 objdir=$2 used exported sym mod size total=0 sizes=
	for mod in kvm kvm-intel kvm-amd; do
		[ -f "$objdir/$mod.o" ] || fail "$series: $mod.o was not built with KVM=m"
	done
	used=$(nm -u "$objdir"/kvm-intel.o "$objdir"/kvm-amd.o | awk '/exitscope/ { print $2 }' | sort -u)
	exported=$(nm "$objdir/kvm.o" | awk '{ print $NF }')
	for sym in $used; do
		grep -Eqx "(__ksymtab|__export_symbol)_$sym" <<<"$exported" ||
			fail "$series: kvm-intel or kvm-amd uses $sym, which kvm does not export"
	done
	size=$(percpu_size "$objdir/exitscope.o")
	[ "$size" -eq 0 ] || fail "$series: exitscope.o has $size bytes of static per-CPU data; use alloc_percpu()"
	for mod in kvm kvm-intel kvm-amd; do
		size=$(percpu_size "$objdir/$mod.o")
		sizes+="${sizes:+, }$mod.ko $size"
		total=$((total + size))
	done
	say "$series: per-CPU data in bytes: $sizes; total $total of the $percpu_reserve-byte module reserve"
	[ "$total" -le "$percpu_budget" ] ||
		fail "$series: kvm's modules take $total bytes of per-CPU data, over $percpu_budget (half the reserve)"
	say "$series: kvm exports all $(wc -w <<<"$used") exitscope symbols kvm-intel and kvm-amd use"
}

check_series() {
	local series=$1 tree key work src
	tree=$("$here/fetch-source.sh" "$series")
	key=$(series_key "$series" "$tree")
	work=$cache/check-patch/$series
	if [ -f "$work/ok-$key" ]; then
		say "$series: unchanged since a passing check ($key)"
		return
	fi
	src=$work/src
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
	compile "$series" "$src" "$work/build" y "$work/build.log"
	check_symbols "$series" "$work/build/arch/x86/kvm"
	compile "$series" "$src" "$work/build-m" m "$work/build-m.log"
	check_modules "$series" "$work/build-m/arch/x86/kvm"
	touch "$work/ok-$key"
	say "$series: ok"
}

mutants_key() {
	local tree=$1
	{
		cat "$(dirname "$tree")/source.env"
		find "$mutants" -name '*.patch' | LC_ALL=C sort | xargs cat
		cat "$here/check-patch.sh"
	} | sha256sum | cut -c1-16
}

# check_isa_mutants TREE SRC ISA_DIR: the base on a fresh copy of TREE, then
# each mutant applied on it, checked and reverted.
check_isa_mutants() {
	local tree=$1 src=$2 dir=$3 isa m n=0
	isa=$(basename "$dir")
	[ -d "$dir/base" ] || fail "mutants/$isa has no base/" 2
	rm -rf "$src"
	cp -al "$tree" "$src"
	apply_patch "$src" "$dir"/base/*.patch
	checkpatch "$src" "$dir"/base/*.patch
	for m in "$dir"/*/; do
		m=${m%/}
		[ "$(basename "$m")" = base ] && continue
		[ "$(find "$m" -name '*.patch' | wc -l)" -eq 1 ] || fail "${m#"$here"/} does not hold one patch"
		apply_patch "$src" "$m"/*.patch
		checkpatch "$src" "$m"/*.patch
		apply_patch "$src" "$m"/*.patch -R
		n=$((n + 1))
	done
	say "mutants/$isa: the base and $n mutants on it apply; checkpatch --strict: 0 errors, 0 warnings"
}

check_mutants() {
	local tree key work dir
	compgen -G "$mutants/*/base/*.patch" >/dev/null || return 0
	tree=$("$here/fetch-source.sh" "$mutants_series")
	key=$(mutants_key "$tree")
	work=$cache/check-patch/mutants
	if [ -f "$work/ok-$key" ]; then
		say "mutants: unchanged since a passing check ($key)"
		return
	fi
	rm -rf "$work"
	mkdir -p "$work"
	for dir in "$mutants"/*/; do
		check_isa_mutants "$tree" "$work/src" "${dir%/}"
	done
	if grep -q exitstats "$tree/arch/x86/kvm/cpuid.c"; then
		fail "the pristine tree $tree was modified; delete $(dirname "$tree") and fetch again"
	fi
	rm -rf "$work/src"
	touch "$work/ok-$key"
	say "mutants: ok"
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
	# With the series the mutants are written for (every series, by default).
	if [[ " $* " == *" $mutants_series "* ]]; then
		check_mutants
	fi
}

main "$@"
