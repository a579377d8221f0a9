#!/usr/bin/env bash
# build.sh KIND OUTDIR: one guest image from the recipe in guest-images/KIND/.
#
# Called by `exitscope images build`, which owns caching and the manifest; this
# script only turns a recipe into files in OUTDIR (which must be empty):
#   rootfs.ext2     the root filesystem (genext2fs through mmdebstrap: no
#                   timestamps or inode order from the build host, so the same
#                   packages give the same bytes)
#   image.qcow2     l2 only: rootfs.ext2 as qcow2, the form L1's libvirt uses
#   vmlinuz, initrd.img   l2 only: the Debian kernel for direct kernel boot
#   packages.tsv    every installed package and its version
#   mmdebstrap.log  the build log
#
#   initrd.gz       micro only: L1's initramfs for the micro stage, which
#                   micro/build.sh makes from the host's busybox-static and
#                   exitmicro ($EXITSCOPE_MICRO) instead of mmdebstrap
#
# The recipe: KIND/recipe.env (SUITE, VARIANT, SOURCE_DATE_EPOCH, EXTRA_MIB),
# KIND/packages (one per line, # comments) and KIND/customize.sh, run inside
# mmdebstrap's customize phase as `customize.sh CHROOT`; python-bytecode.sh
# runs after it in every image.  The apt sources are the host's own files,
# handed to mmdebstrap as they are.
set -euo pipefail

usage() {
	echo "usage: guest-images/build.sh l1|l2|micro OUTDIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
kind=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
recipe=$here/$kind
[ -f "$recipe/recipe.env" ] || { echo "build.sh: no recipe $recipe/recipe.env" >&2; exit 2; }
[ -d "$out" ] || { echo "build.sh: $out is not a directory" >&2; exit 2; }

# recipe.env is ours, in the repository; it holds plain assignments.
# shellcheck source=/dev/null
. "$recipe/recipe.env"
export SOURCE_DATE_EPOCH
export EXITSCOPE_RECIPE=$recipe EXITSCOPE_IMAGE_OUT=$out EXITSCOPE_IMAGES=$here
: "${EXITSCOPE_PROBE:=}"
export EXITSCOPE_PROBE

if [ "$kind" = micro ]; then
	exec "$recipe/build.sh" "$out"
fi

host_sources() {
	local f
	[ -s /etc/apt/sources.list ] && echo /etc/apt/sources.list
	for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -s "$f" ] && echo "$f"
	done
	return 0
}

mapfile -t sources < <(host_sources)
[ ${#sources[@]} -gt 0 ] || { echo "build.sh: the host has no apt sources" >&2; exit 3; }
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$recipe/packages" | tr -s ' \n' ',,')
packages=${packages%,}

# The hooks are single-quoted on purpose: mmdebstrap's shell expands them,
# with $1 the chroot.
# shellcheck disable=SC2016
mmdebstrap --variant="$VARIANT" --include="$packages" \
	--aptopt='Acquire::Retries "3"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--customize-hook='"$EXITSCOPE_RECIPE/customize.sh" "$1"' \
	--customize-hook='"$EXITSCOPE_IMAGES/python-bytecode.sh" "$1"' \
	--customize-hook='chroot "$1" dpkg-query -W -f="\${Package}\t\${Version}\n" >"$EXITSCOPE_IMAGE_OUT/packages.tsv"' \
	--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/var/cache/ldconfig/aux-cache' \
	"$SUITE" "$out/rootfs.ext2" "${sources[@]}" >"$out/mmdebstrap.log" 2>&1

# genext2fs leaves about 10 % free: the guests write to overlays, but a
# running system still needs room for logs and cloud-init's state.
if [ "${EXTRA_MIB:-0}" -gt 0 ]; then
	E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH resize2fs "$out/rootfs.ext2" \
		"$(($(stat -c %s "$out/rootfs.ext2") / 1048576 + EXTRA_MIB))M" >>"$out/mmdebstrap.log" 2>&1
fi
if [ "$kind" = l2 ]; then
	qemu-img convert -f raw -O qcow2 "$out/rootfs.ext2" "$out/image.qcow2"
	rm -f "$out/rootfs.ext2"
fi
