#!/usr/bin/env bats
# scripts/l0-fix-status.sh: whether a QEMU binary carries the fixes of the
# two lost updates that lose L1 or L2 under TCG (docs/nested-stall.md),
# read from its machine code: VMRUN's and #VMEXIT's interrupt_request
# updates (cause A) and the other vCPUs' clear of the first CPU's IGNNE in
# hflags2 (cause I).  doctor prints what it reads.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	SCRIPT=$EXITSCOPE_ROOT/scripts/l0-fix-status.sh
}

@test "l0-fix-status: --help, and a clear error for anything else" {
	run -0 "$SCRIPT" --help
	assert_line --partial "usage: scripts/l0-fix-status.sh QEMU"
	run -2 "$SCRIPT"
	run -2 "$SCRIPT" --qemu=/x
	run -2 "$SCRIPT" a b
	run -3 "$SCRIPT" no-such-qemu
	assert_output "l0-fix-status: no QEMU 'no-such-qemu' in PATH"
}

@test "l0-fix-status: a binary without the functions is never called fixed" {
	run -0 "$SCRIPT" /bin/true
	assert_output $'interrupt_request unknown\nhflags2 unknown'
	run -0 "$SCRIPT" "$BATS_TEST_TMPDIR/none"
	assert_output $'interrupt_request unknown\nhflags2 unknown'
}

@test "l0-fix-status: Debian's QEMU 10.0 has neither fix" {
	local version
	version=$(qemu-system-x86_64 --version | head -n 1)
	[[ $version == *"version 10.0."* ]] || skip "the installed QEMU is not 10.0: $version"
	run -0 "$SCRIPT" qemu-system-x86_64
	assert_output $'interrupt_request plain\nhflags2 plain'
}

# A binary with the five functions the script reads, in the shape QEMU's
# compiler gives them, and no exported symbols: a QEMU built without modules
# (scripts/l0-qemu.sh) keeps them only in its symbol table.  $1 is whether
# do_vmexit() clears V_IRQ through cpu_reset_interrupt() (atomic) or in
# place (plain); $2 the same for cpu_clear_ignne()'s clear of IGNNE.
qemu_model() {
	local clear_virq='cpu_reset_interrupt(c, 0x100);' clear_ignne='__atomic_fetch_and(&first->hflags2, ~0x80, __ATOMIC_SEQ_CST);'
	[ "$1" = plain ] && clear_virq='c->interrupt_request &= ~0x100;'
	[ "$2" = plain ] && clear_ignne='first->hflags2 &= ~0x80;'
	cat >"$BATS_TEST_TMPDIR/qemu.c" <<-EOF
		#define FN __attribute__((noinline, noipa))
		struct cpu { int pad[52]; int interrupt_request; int hflags2; };
		struct cpu *first;
		FN void cpu_set_interrupt(struct cpu *c, int m) { __atomic_fetch_or(&c->interrupt_request, m, __ATOMIC_SEQ_CST); }
		FN void cpu_reset_interrupt(struct cpu *c, int m) { __atomic_fetch_and(&c->interrupt_request, ~m, __ATOMIC_SEQ_CST); }
		FN void helper_vmrun(struct cpu *c) { cpu_set_interrupt(c, 0x100); }
		FN void do_vmexit(struct cpu *c) { $clear_virq }
		FN void cpu_clear_ignne(void) { $clear_ignne }
		int main(void) { static struct cpu c; first = &c; helper_vmrun(&c); do_vmexit(&c); cpu_clear_ignne(); return c.interrupt_request; }
	EOF
	cc -O1 -o "$BATS_TEST_TMPDIR/qemu-$1-$2" "$BATS_TEST_TMPDIR/qemu.c"
	echo "$BATS_TEST_TMPDIR/qemu-$1-$2"
}

@test "l0-fix-status: each fix is read on its own, from a QEMU that exports no symbols" {
	local bin
	bin=$(qemu_model atomic atomic)
	run -0 nm -D "$bin"
	refute_output --partial helper_vmrun
	run -0 "$SCRIPT" "$bin"
	assert_output $'interrupt_request atomic\nhflags2 atomic'
	run -0 "$SCRIPT" "$(qemu_model plain atomic)"
	assert_output $'interrupt_request plain\nhflags2 atomic'
	run -0 "$SCRIPT" "$(qemu_model atomic plain)"
	assert_output $'interrupt_request atomic\nhflags2 plain'
}

@test "l0-fix-status: a wrapper is read through its '# binary:' line" {
	local bin
	bin=$(qemu_model atomic plain)
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n# binary: ../%s\nexec "$@"\n' "$(basename "$bin")" >"$BATS_TEST_TMPDIR/bin/qemu"
	chmod +x "$BATS_TEST_TMPDIR/bin/qemu"
	run -0 "$SCRIPT" "$BATS_TEST_TMPDIR/bin/qemu"
	assert_output $'interrupt_request atomic\nhflags2 plain'
}
