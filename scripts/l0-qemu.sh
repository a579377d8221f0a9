#!/usr/bin/env bash
# l0-qemu.sh: the L0 QEMU that runs nested SVM under TCG without losing
# updates (docs/nested-stall.md): this host's installed qemu-system-x86
# rebuilt from Debian's source of the same version with the patches of
# scripts/l0-qemu/ applied, x86_64-softmmu with TCG, virtio and 9p, nothing
# else.  0002 makes VMRUN's and #VMEXIT's interrupt_request updates atomic
# (cause A, as upstream since August 2025); 0005 stops the other vCPUs'
# FPU helpers from writing the first CPU's hflags2 (cause I, in every Debian
# QEMU, 11.1 included).  0001, 0003 and 0004 are the SVM flight recorder: it
# only records, and reports in a run's qemu.log when an invariant breaks.
# Under TCG runs prefer this L0 when it is built (harness/src/l0.c).
#
#   scripts/l0-qemu.sh          build it (or find it cached); print its wrapper
#   scripts/l0-qemu.sh --find   print the wrapper if it is cached; exit 1 if not
#
# Cached by content hash under ~/.cache/exitscope/l0-qemu/<id>/
# ($EXITSCOPE_CACHE): the installed version, the configure flags, the
# patches and the wrapper.  Progress goes to stderr; nothing is left
# half-built.
set -euo pipefail

usage() {
	cat <<-'EOF'
		usage: scripts/l0-qemu.sh [--find | --help]
		Build (or find cached) the installed QEMU's version with exitscope's
		patches (atomic interrupt_request updates, the first CPU's hflags2
		left to its own thread, the SVM flight recorder) and print its
		qemu-system-x86_64 wrapper.
	EOF
}
find=false
case ${1:-} in
-h | --help) usage; exit 0 ;;
--find) find=true ;;
'') ;;
*) echo "l0-qemu: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/apt-sources.sh
. "$root/scripts/apt-sources.sh"
say() { echo "l0-qemu: $*" >&2; }
die() { say "$1"; exit "${2:-1}"; }

# --find answers quietly: nothing installed, nothing built.
version=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null) ||
	{ $find && exit 1; die "qemu-system-x86 is not installed; run 'make deps' first" 3; }
shopt -s nullglob
patches=("$root"/scripts/l0-qemu/*.patch)
shopt -u nullglob
[ ${#patches[@]} -gt 0 ] || die "no patches in $root/scripts/l0-qemu" 3

# What the L1 launch (harness/src/launch.c) needs and no more, to keep the
# build near 1500 objects; --disable-werror as Debian's own build does.
configure_flags=(
	--target-list=x86_64-softmmu --without-default-features --disable-install-blobs
	--enable-tcg --enable-virtfs --enable-attr --enable-cap-ng
	--disable-docs --disable-werror --disable-fdt --extra-cflags=-g
	--with-pkgversion=exitscope-svmck
)
# The wrapper runs start.  Its "# binary:" line names the real binary for
# scripts/l0-fix-status.sh, as the fixed L0's wrapper does; the firmware
# (SeaBIOS, option ROMs) is the installed packages'.  Its text is hashed
# into the cache id: a change to it, comments included, means a rebuild.
wrapper_text=$(
	cat <<-'EOF'
		#!/bin/sh
		# exitscope's diagnostic L0 QEMU: see scripts/l0-qemu.sh
		# binary: ../libexec/qemu-system-x86_64
		exec "$(dirname "$0")/../libexec/qemu-system-x86_64" \
			-L /usr/share/qemu -L /usr/share/seabios "$@"
	EOF
)
id=$({
	echo "$version"
	echo "${configure_flags[*]}"
	cat "${patches[@]}"
	echo "$wrapper_text"
} | sha256sum | cut -c1-12)
cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}/l0-qemu
out=$cache/$id
wrapper=$out/bin/qemu-system-x86_64
if [ -x "$wrapper" ]; then
	echo "$wrapper"
	exit 0
fi
$find && exit 1
[ "$(id -u)" -eq 0 ] || die "building needs root for apt-get (build dependencies, source)" 3

work=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-l0-qemu.XXXXXX")
ticker=
trap '[ -z "$ticker" ] || kill "$ticker" 2>/dev/null; rm -rf "$work" "$out.tmp"' EXIT

# QEMU 10 wants meson 1.5 or later and pycotap; bookworm has them only in
# bookworm-backports (which make deps added for QEMU itself).
build_deps() {
	local backports=()
	apt_has_suite bookworm-backports && backports=(-t bookworm-backports)
	say "installing build dependencies"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		dpkg-dev ninja-build python3-venv libglib2.0-dev libattr1-dev libcap-ng-dev \
		bzip2 ccache >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${backports[@]}" meson python3-pycotap >/dev/null
}

# The source of exactly the installed version, from the repository apt
# installed it from: its deb-src twin in a private apt state, so the host's
# sources stay as they are and no mirror is named here.  Each file is checked
# against the signed index.  Some mirrors carry a backport's upstream tarball
# but not its Debian packaging: then the upstream source is built alone
# (Debian's patches to QEMU do not touch TCG or SVM).
fetch_source() {
	local line uri suite apt file hash packaging=true
	# awk reads to the end: an early exit would kill apt-cache with SIGPIPE,
	# which pipefail makes this script's failure.
	line=$(apt-cache madison qemu-system-x86 | awk -F' [|] ' -v v="$version" '$2 == v && !n++ { print $3 }')
	[ -n "$line" ] || die "no apt repository offers qemu-system-x86 $version any more" 3
	uri=${line%% *}
	suite=${line#* }
	suite=${suite%%/*}
	apt=$work/apt
	mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
	printf '%s\n' "Types: deb-src" "URIs: $uri" "Suites: $suite" "Components: main" \
		"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$apt/parts/src.sources"
	local opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
	say "fetching the source of qemu $version ($suite)"
	apt-get "${opts[@]}" update -qq
	apt-get "${opts[@]}" source --print-uris -qq "qemu=$version" >"$work/uris"
	while read -r uri file _ hash; do
		uri=${uri//\'/}
		/usr/lib/apt/apt-helper "${opts[@]}" download-file "$uri" "$work/$file" "$hash" \
			>/dev/null 2>&1 && continue
		case $file in
		*.orig.tar.*) die "could not fetch $file from $uri" ;;
		*) packaging=false ;;
		esac
	done <"$work/uris"
	if $packaging; then
		dpkg-source -x "$work"/qemu_*.dsc "$work/src" >/dev/null
	else
		say "the repository lacks Debian's packaging of $version: building its upstream source"
		mkdir "$work/src"
		tar -xf "$work"/qemu_*.orig.tar.* -C "$work/src" --strip-components=1
	fi
}

# build_progress LOG: ninja's latest "[done/total]" in LOG once a minute, so
# that the long compile shows on the terminal and in CI's log.
build_progress() {
	local step
	while sleep 60; do
		step=$(grep -o '^\[[0-9]*/[0-9]*\]' "$1" | tail -n 1) || true
		[ -z "$step" ] || say "compiled $step"
	done
}

build() {
	local p f
	for p in "${patches[@]}"; do
		say "applying $(basename "$p")"
		patch -d "$work/src" -p1 -s <"$p" ||
			die "$(basename "$p") does not apply to qemu $version: port it" 3
	done
	# Debian's source drops the prebuilt firmware, yet meson still wants the
	# compressed EDK2 images whenever bzip2 exists: empty ones will do, as
	# none is installed or used (the firmware comes from the Debian packages).
	for f in aarch64-code arm-code arm-vars riscv-code riscv-vars i386-code i386-secure-code \
		i386-vars x86_64-code x86_64-secure-code loongarch64-code loongarch64-vars; do
		[ -e "$work/src/pc-bios/edk2-$f.fd.bz2" ] || bzip2 </dev/null >"$work/src/pc-bios/edk2-$f.fd.bz2"
	done
	mkdir -p "$work/src/build"
	say "configuring (log: $work/src/build/configure.log)"
	(cd "$work/src/build" && ../configure --python=/usr/bin/python3 --cc="ccache gcc" \
		"${configure_flags[@]}") >"$work/src/build/configure.log" 2>&1 ||
		{ tail -n 20 "$work/src/build/configure.log" >&2; die "configure failed"; }
	say "building qemu-system-x86_64 with $(nproc) jobs (5-12 minutes on 2 cores, 1 with ccache warm)"
	# The work directory's name changes each time: keep it out of ccache's
	# hashes so that a rebuild with another patch reuses everything else.
	build_progress "$work/build.log" &
	ticker=$!
	CCACHE_BASEDIR=$work CCACHE_NOHASHDIR=1 make -C "$work/src/build" -j"$(nproc)" qemu-system-x86_64 >"$work/build.log" 2>&1 ||
		{ tail -n 30 "$work/build.log" >&2; die "build failed"; }
	kill "$ticker"
	ticker=
}

install_wrapper() {
	mkdir -p "$out.tmp/bin" "$out.tmp/libexec"
	cp "$work/src/build/qemu-system-x86_64" "$out.tmp/libexec/"
	cp "${patches[@]}" "$out.tmp/"
	echo "$wrapper_text" >"$out.tmp/bin/qemu-system-x86_64"
	chmod +x "$out.tmp/bin/qemu-system-x86_64"
	"$out.tmp/bin/qemu-system-x86_64" --version | sed -n 1p >&2
	# What the patches are for, read back from the machine code.
	fixes=$("$root/scripts/l0-fix-status.sh" "$out.tmp/bin/qemu-system-x86_64")
	[ "$fixes" = $'interrupt_request atomic\nhflags2 atomic' ] ||
		die "the build does not read as fixed: $(tr '\n' ' ' <<<"$fixes")"
	rm -rf "$out"
	mv "$out.tmp" "$out"
}

build_deps
fetch_source
build
install_wrapper
say "ready: $wrapper"
echo "$wrapper"
