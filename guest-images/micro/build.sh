#!/usr/bin/env bash
# build.sh OUTDIR: the micro stage's initramfs, initrd.gz: the host's static
# busybox, exitmicro ($EXITSCOPE_MICRO), init and its scripts, owned by root, sorted, with
# every time stamp at SOURCE_DATE_EPOCH, so the same inputs give the same
# bytes.  Also packages.tsv (busybox-static's version) and build.log.
# Called through guest-images/build.sh by `exitscope images build --micro`.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: guest-images/micro/build.sh OUTDIR" >&2
	exit 2
fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
: "${EXITSCOPE_MICRO:?the path of exitmicro}" "${SOURCE_DATE_EPOCH:?}"
[ -x "$EXITSCOPE_MICRO" ] || { echo "build.sh: no $EXITSCOPE_MICRO; run 'make -C harness'" >&2; exit 3; }
if ! dpkg-query -W busybox-static >/dev/null 2>&1 || [ ! -x "$busybox" ]; then
	echo "build.sh: no static busybox; apt-get install busybox-static" >&2
	exit 3
fi

root=$out/root
mkdir -p "$root/bin"
cp "$busybox" "$root/bin/busybox"
cp "$EXITSCOPE_MICRO" "$root/bin/exitmicro"
cp "$here/init" "$root/init"
cp "$here/micro-run" "$here/micro-lava" "$root/bin/"
chmod 0755 "$root/init" "$root/bin/busybox" "$root/bin/exitmicro" "$root/bin/micro-run" \
	"$root/bin/micro-lava"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9 -n >"$out/initrd.gz"
rm -rf "$root"
dpkg-query -W -f='${Package}\t${Version}\n' busybox-static >"$out/packages.tsv"
echo "initrd.gz: busybox, exitmicro, init, micro-run, micro-lava" >"$out/build.log"
