#!/usr/bin/env bash
# Install what `make test` and the harness need from Debian's registry.
# Idempotent and quiet when everything is present; needs root otherwise.
set -euo pipefail

packages=(
	build-essential libjansson-dev libcmocka-dev pkg-config
	bats bats-support bats-assert jq shellcheck cppcheck
	qemu-system-x86 qemu-utils mmdebstrap genext2fs cloud-image-utils genisoimage
	ccache flex bison bc libelf-dev libssl-dev dwarves cpio kmod rsync
	xz-utils zstd gnuplot-nox
)

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run 'sudo make deps' or install them with apt-get" >&2
	exit 3
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
