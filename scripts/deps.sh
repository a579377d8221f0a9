#!/usr/bin/env bash
# Install what `make test` and the harness need from Debian's registry.
# Idempotent and quiet when everything is present; needs root otherwise.
# --lava adds Debian's lava-dispatcher, whose lava-run runs `exitscope lava`'s
# jobs on this machine (scenarios/lava.bats): about 150 packages, systemd's
# among them, so only when asked.
set -euo pipefail
# shellcheck source=scripts/apt-sources.sh
. "$(dirname "$0")/apt-sources.sh"

packages=(
	build-essential libjansson-dev libcmocka-dev libyaml-dev pkg-config
	bats bats-support bats-assert jq shellcheck cppcheck
	mmdebstrap genext2fs cloud-image-utils genisoimage
	ccache flex bison bc libelf-dev libssl-dev dwarves cpio kmod rsync
	xz-utils zstd gnuplot-nox
	busybox-static bochs bochsbios vgabios isolinux syslinux-common
)
qemu_packages=(qemu-system-x86 qemu-utils)
case "${1:-}" in
--lava) packages+=(lava-dispatcher python3-jinja2 python3-yaml) ;;
"") ;;
*) echo "usage: scripts/deps.sh [--lava]" >&2; exit 2 ;;
esac

# L0's QEMU must be 9.1 or later: before it, TCG's VMRUN drops L2's
# interrupt shadow and L2 loses wakeups (docs/nested-stall.md; launch_tcg_qemu_fit() in
# harness/src/launch.c has the details).  Bookworm has 7.2, so there QEMU
# comes from bookworm-backports.
qemu_fit() {
	local version
	version=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null) || return 1
	dpkg --compare-versions "$version" ge 1:9.1
}

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && qemu_fit && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]} ${qemu_packages[*]} (9.1 or later);" \
		"run 'sudo make deps' or install them with apt-get" >&2
	exit 3
fi

# bookworm-backports from the mirror this host already uses for bookworm:
# the host's apt sources name it, the repository never does.
backports_source() {
	local list=/etc/apt/sources.list.d/exitscope-bookworm-backports.sources uri
	apt_has_suite bookworm-backports && return 0
	uri=$(apt_mirror bookworm)
	if [ -z "$uri" ]; then
		echo "deps: no bookworm entry in this host's apt sources to take bookworm-backports from;" \
			"install qemu-system-x86 9.1 or later yourself" >&2
		exit 3
	fi
	printf '%s\n' "Types: deb" "URIs: $uri" "Suites: bookworm-backports" "Components: main" \
		"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$list"
	echo "deps: added bookworm-backports from $uri ($list)"
}

export DEBIAN_FRONTEND=noninteractive
from_backports=false
if ! qemu_fit; then
	if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ]; then
		backports_source
		from_backports=true
	else
		missing+=("${qemu_packages[@]}")
	fi
fi
echo "deps: installing ${missing[*]}${missing[*]:+ }$($from_backports && echo "${qemu_packages[*]} from bookworm-backports")"
apt-get update -qq
[ ${#missing[@]} -eq 0 ] ||
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
! $from_backports ||
	apt-get install -y -qq --no-install-recommends -t bookworm-backports "${qemu_packages[@]}" >/dev/null
qemu_fit || { echo "deps: qemu-system-x86 is still older than 9.1" >&2; exit 3; }
