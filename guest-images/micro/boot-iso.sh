#!/usr/bin/env bash
# boot-iso.sh BZIMAGE INITRD APPEND ISO: an isolinux CD that boots BZIMAGE
# with INITRD and the kernel command line APPEND.  Bochs has no -kernel: the
# micro stage under Bochs boots L1 from this (harness/src/run-prepare.c).
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: boot-iso.sh BZIMAGE INITRD APPEND ISO" >&2; exit 2; }
bzimage=$1 initrd=$2 append=$3 iso=$4
for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
	[ -r "$f" ] || { echo "boot-iso.sh: no $f; apt-get install isolinux syslinux-common" >&2; exit 3; }
done
tree=$(mktemp -d "${TMPDIR:-/tmp}/boot-iso.XXXXXX")
trap 'rm -rf "$tree"' EXIT
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tree/"
cp "$bzimage" "$tree/bzimage"
cp "$initrd" "$tree/initrd.gz"
printf 'default l1\nlabel l1\n  kernel /bzimage\n  append initrd=/initrd.gz %s\n' "$append" \
	>"$tree/isolinux.cfg"
genisoimage -quiet -o "$iso.tmp" -b isolinux.bin -c boot.cat -no-emul-boot \
	-boot-load-size 4 -boot-info-table "$tree"
mv "$iso.tmp" "$iso"
