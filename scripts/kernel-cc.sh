#!/bin/bash
# kernel-cc.sh ARGS...: the compiler of exitscope's kernel builds (CC=):
# ccache and gcc, except for a source that pulls a file in with .incbin,
# which gcc compiles itself.  In depend mode (CCACHE_DEPEND, for cold
# builds) ccache hashes a source and the headers the compiler lists, never
# an .incbin'd file: arch/x86/boot/compressed/piggy.S names the compressed
# vmlinux and its two lengths only, so a kernel whose vmlinux compressed to
# the length of an earlier one's got the earlier vmlinux in its bzImage.
# The kernel's id hashes this file, so a change here rebuilds every kernel.
set -euo pipefail

for arg; do
	case $arg in
	*.S | *.c)
		if [ -f "$arg" ] && grep -qF .incbin "$arg"; then
			exec gcc "$@"
		fi
		;;
	esac
done
exec ccache gcc "$@"
