#!/usr/bin/env bash
# l0-fixed.sh: the L0 QEMU that runs L1 under TCG without the emulated-SVM
# interrupt race (docs/nested-stall.md, cause A): Debian's qemu-system-x86
# from trixie-backports, QEMU 11.1, whose helper_vmrun() and do_vmexit()
# set and clear CPU_INTERRUPT_VIRQ with atomic operations.  It is built for
# trixie, so it runs from a root of its own: mmdebstrap extracts the package
# and its libraries (no maintainer scripts, nothing installed on the host),
# and a wrapper starts the binary with that root's loader and libraries, so
# every path the harness passes (-kernel, the 9p share, the serial files,
# the monitor socket) is the host's own.  It still lacks the fix of the
# first CPU's hflags2 (cause I), which only the L0 scripts/l0-qemu.sh builds
# carries; runs prefer that one when both are prepared (harness/src/l0.c).
#
#   scripts/l0-fixed.sh                 prepare it (or find it cached); print the wrapper
#   scripts/l0-fixed.sh --find          print the wrapper if it is cached; exit 1 if not
#
# Cached by content under ~/.cache/exitscope/l0/<id>/ ($EXITSCOPE_CACHE), where
# the id hashes this script (the recipe); manifest.json there names every
# package and version and the fix status scripts/l0-fix-status.sh reads
# from the binary.  The mirror is
# the one the host's apt sources name for Debian; nothing here names one.
# Progress goes to stderr; nothing is left half-prepared.
set -euo pipefail

usage() {
	cat <<-'EOF'
		usage: scripts/l0-fixed.sh [--find | --help]
		Prepare (or find cached) the L0 QEMU with atomic interrupt_request
		updates in emulated SVM and print its qemu-system-x86_64 wrapper.
	EOF
}

say() { echo "l0-fixed: $*" >&2; }
die() { say "$1"; exit "${2:-1}"; }

self=$(readlink -f "$0")
# shellcheck source=scripts/apt-sources.sh
. "$(dirname "$self")/apt-sources.sh"
id=$(sha256sum <"$self" | cut -c1-12)
cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}/l0
out=$cache/$id
wrapper=$out/bin/qemu-system-x86_64

# What the root holds: one package from one suite, the rest from its release.
suite=trixie
backports=trixie-backports
package=qemu-system-x86

case ${1:-} in
-h | --help) usage; exit 0 ;;
--find)
	[ -x "$wrapper" ] || exit 1
	echo "$wrapper"
	exit 0
	;;
'') ;;
*) echo "l0-fixed: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac

if [ -x "$wrapper" ]; then
	echo "$wrapper"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "preparing needs root (mmdebstrap)" 3
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run 'make deps'" 3

# The Debian mirror the host already uses: its apt sources name it.
uri=$(apt_mirror 'bookworm|trixie|forky|sid|stable|testing|unstable')
[ -n "$uri" ] || die "no Debian entry in this host's apt sources to take $backports from" 3

start=$(date +%s.%N)
mkdir -p "$cache"
rm -rf "$out.tmp"
trap 'rm -rf "$out.tmp"' EXIT
mkdir -p "$out.tmp/bin"
say "extracting $package from $backports ($uri) into $out.tmp/root"
# extract: unpack the packages and their dependencies, run nothing; the
# default release makes the backport and its own dependencies win; each
# package's name and version are read before mmdebstrap removes them.
# shellcheck disable=SC2016 # the hook is mmdebstrap's to expand
mmdebstrap --quiet --variant=extract --include="$package" --components=main \
	--aptopt="APT::Default-Release \"$backports\"" \
	--extract-hook='for f in "$1"/var/cache/apt/archives/*.deb; do
		dpkg-deb -W --showformat="\${Package} \${Version}\n" "$f"; done >"$1/../packages.txt"' \
	"$suite" "$out.tmp/root" "deb $uri $suite main" "deb $uri $backports main" >&2 ||
	die "mmdebstrap failed"

root=$out.tmp/root
bin=$root/usr/bin/qemu-system-x86_64
[ -x "$bin" ] || die "the root has no qemu-system-x86_64"
fixes=$("$(dirname "$self")/l0-fix-status.sh" "$bin")
status=$(awk '$1 == "interrupt_request" { print $2 }' <<<"$fixes")
hflags2=$(awk '$1 == "hflags2" { print $2 }' <<<"$fixes")
[ "$status" = atomic ] ||
	die "$package from $backports updates interrupt_request in VMRUN/#VMEXIT '$status', not atomically"

# The wrapper finds the root beside its own folder, so the cache can move;
# the loader takes the root's own libraries only.
cat >"$out.tmp/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# exitscope's fixed L0 QEMU: see scripts/l0-fixed.sh
# binary: ../root/usr/bin/qemu-system-x86_64
root=$(cd "$(dirname "$0")/../root" && pwd) || exit 127
lib=$root/usr/lib/x86_64-linux-gnu
QEMU_MODULE_DIR=$lib/qemu
export QEMU_MODULE_DIR
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib:$root/usr/lib" \
	--argv0 qemu-system-x86_64 "$root/usr/bin/qemu-system-x86_64" \
	-L "$root/usr/share/seabios" -L "$root/usr/share/qemu" "$@"
EOF
chmod +x "$out.tmp/bin/qemu-system-x86_64"

# Every package and version in the root, from the packages' own control data.
packages=$(jq -R 'split(" ") | {(.[0]): .[1]}' "$out.tmp/packages.txt" | jq -s 'add')
rm "$out.tmp/packages.txt"
[ "$packages" != null ] || die "mmdebstrap extracted no packages"
version=$(jq -r --arg p "$package" '.[$p]' <<<"$packages")
seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
jq -n --arg id "$id" --arg version "$version" --arg status "$status" --arg hflags2 "$hflags2" \
	--arg suite "$backports" --argjson packages "$packages" --argjson seconds "$seconds" \
	'{id: $id, qemu: $version, suite: $suite, interrupt_request: $status, hflags2: $hflags2,
	  prepare_s: $seconds, packages: $packages}' >"$out.tmp/manifest.json"
rm -rf "$out"
mv "$out.tmp" "$out"
trap - EXIT
"$wrapper" --version | head -n 1 >&2
say "ready in $seconds s: $wrapper (interrupt_request: $status, hflags2: $hflags2)"
echo "$wrapper"
