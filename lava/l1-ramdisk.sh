#!/usr/bin/env bash
# l1-ramdisk.sh OUT RUN_DIR: the gzipped newc initramfs a nested scenario's
# LAVA job boots L1 with: the host's static busybox, lava/l1-stage-init as
# /init, and the run's inputs from RUN_DIR (what `exitscope run` shares in
# with 9p: spec.env, user-data, meta-data, l2-vmlinuz and, for Debian's L2
# kernel, l2-initrd.img) under /exitscope-run.  Owned by root, sorted, time
# stamps at SOURCE_DATE_EPOCH: the same inputs give the same bytes, and so
# the same checksum in the job.  Written whole or not at all.
set -euo pipefail

if [ $# -ne 2 ] || [ ! -f "$2/spec.env" ]; then
	echo "usage: lava/l1-ramdisk.sh OUT RUN_DIR (a run directory with spec.env)" >&2
	exit 2
fi
out=$1
run=$2
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
if ! dpkg-query -W busybox-static >/dev/null 2>&1 || [ ! -x "$busybox" ]; then
	echo "l1-ramdisk.sh: no static busybox; apt-get install busybox-static" >&2
	exit 3
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-ramdisk.XXXXXX")
trap 'rm -rf "$work" "$out.part"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/exitscope-run"
cp "$busybox" "$root/bin/busybox"
cp "$here/l1-stage-init" "$root/init"
for name in spec.env user-data meta-data l2-vmlinuz l2-initrd.img; do
	if [ -e "$run/$name" ]; then
		cp "$run/$name" "$root/exitscope-run/$name"
	fi
done
chmod 0755 "$root/init" "$root/bin/busybox"
find "$root" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-1764028800}" {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9 -n >"$out.part"
mv "$out.part" "$out"
