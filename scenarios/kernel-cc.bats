#!/usr/bin/env bats
# scripts/kernel-cc.sh, the CC of kernel builds: real ccache in depend mode
# and real gcc.  A source that pulls a file in with .incbin, as the bzImage's
# piggy.S pulls in the compressed vmlinux, must be compiled afresh when that
# file changes and the source does not; the rest still goes through ccache.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	CC_WRAPPER=$EXITSCOPE_ROOT/scripts/kernel-cc.sh
	export CCACHE_DIR=$BATS_TEST_TMPDIR/ccache CCACHE_DEPEND=1
	cd "$BATS_TEST_TMPDIR" || return 1
}

# compile SOURCE OBJECT: the kernel's way, with -MMD so that depend mode applies.
compile() {
	"$CC_WRAPPER" -Wp,-MMD,"$2.d" -c -o "$2" "$1"
}

@test "kernel-cc: an .incbin'd file of the same length but new content makes a new object" {
	printf '.section .rodata\n.incbin "payload.bin"\n' >piggy.S
	printf 'AAAAAAAA' >payload.bin
	compile piggy.S first.o
	printf 'BBBBBBBB' >payload.bin
	compile piggy.S second.o
	run cmp -s first.o second.o
	assert_failure
	run grep -c BBBBBBBB second.o
	assert_output 1
}

@test "kernel-cc: an ordinary C source is a ccache hit the second time" {
	printf 'int answer(void) { return 42; }\n' >plain.c
	compile plain.c one.o
	compile plain.c two.o
	cmp one.o two.o
	run ccache --print-stats
	assert_success
	assert_line --regexp '^(direct_cache_hit|local_storage_hit)[[:space:]]+[1-9]'
}
