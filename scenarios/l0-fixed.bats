#!/usr/bin/env bats
# The L0 QEMU a run starts (harness/src/l0.c, scripts/l0-fixed.sh): under TCG
# the fixed one, Debian's QEMU 11.1 from trixie-backports in a root of its
# own, whose emulated SVM sets and clears interrupt_request atomically
# (docs/nested-stall.md, cause A), when `make l0` prepared it; the system's
# qemu-system-x86_64 otherwise, or with EXITSCOPE_L0=system.  doctor says
# which one a run will use and whether it carries the fix, read from its
# machine code.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
	SCRIPT=$EXITSCOPE_ROOT/scripts/l0-fixed.sh
	EMPTY_CACHE=$BATS_TEST_TMPDIR/cache
	mkdir -p "$EMPTY_CACHE"
}

@test "l0-fixed: --help, and a clear error for anything else" {
	run -0 "$SCRIPT" --help
	assert_line --partial "usage: scripts/l0-fixed.sh"
	run -2 "$SCRIPT" --qemu=/x
	assert_line "l0-fixed: unknown argument '--qemu=/x'"
	run -2 "$SCRIPT" --fix-status
	EXITSCOPE_CACHE=$EMPTY_CACHE run -1 "$SCRIPT" --find
	assert_output ""
}

@test "l0-fixed: --fix-status reads VMRUN's and #VMEXIT's machine code" {
	# No SVM helpers at all: not recognised, never called fixed.
	run -0 "$SCRIPT" --fix-status /bin/true
	assert_output unknown
	# QEMU 10.0 (bookworm-backports, trixie) ORs and ANDs interrupt_request in place.
	local version
	version=$(qemu-system-x86_64 --version | head -n 1)
	run -0 "$SCRIPT" --fix-status qemu-system-x86_64
	if [[ $version == *"version 10.0."* ]]; then
		assert_output plain
	else
		assert_output --regexp '^(atomic|plain|unknown)$'
	fi
}

# A binary with the four functions --fix-status reads, in the shape QEMU's
# compiler gives them, and no exported symbols: a QEMU built without modules
# (scripts/l0-qemu.sh) keeps them only in its symbol table.  $1 is how
# do_vmexit() clears V_IRQ: through cpu_reset_interrupt() or in place.
svm_model() {
	local clear='cpu_reset_interrupt(c, 0x100);'
	[ "$1" = plain ] && clear='c->interrupt_request &= ~0x100;'
	cat >"$BATS_TEST_TMPDIR/svm.c" <<-EOF
		#define FN __attribute__((noinline, noipa))
		struct cpu { int pad[52]; int interrupt_request; };
		FN void cpu_set_interrupt(struct cpu *c, int m) { __atomic_fetch_or(&c->interrupt_request, m, __ATOMIC_SEQ_CST); }
		FN void cpu_reset_interrupt(struct cpu *c, int m) { __atomic_fetch_and(&c->interrupt_request, ~m, __ATOMIC_SEQ_CST); }
		FN void helper_vmrun(struct cpu *c) { cpu_set_interrupt(c, 0x100); }
		FN void do_vmexit(struct cpu *c) { $clear }
		int main(void) { static struct cpu c; helper_vmrun(&c); do_vmexit(&c); return c.interrupt_request; }
	EOF
	gcc -O1 -o "$BATS_TEST_TMPDIR/svm-$1" "$BATS_TEST_TMPDIR/svm.c"
	echo "$BATS_TEST_TMPDIR/svm-$1"
}

@test "l0-fixed: --fix-status reads a QEMU that exports no symbols" {
	local bin
	bin=$(svm_model atomic)
	run -0 nm -D "$bin"
	refute_output --partial helper_vmrun
	run -0 "$SCRIPT" --fix-status "$bin"
	assert_output atomic
	bin=$(svm_model plain)
	run -0 "$SCRIPT" --fix-status "$bin"
	assert_output plain
}

@test "doctor names the system L0 and whether it carries the fix" {
	local version fix
	version=$(qemu-system-x86_64 --version | head -n 1)
	fix=$("$SCRIPT" --fix-status qemu-system-x86_64)
	EXITSCOPE_L0=system ACCEL=tcg run "$EXITSCOPE" doctor
	assert_line "l0            system: qemu-system-x86_64, $version"
	case $fix in
	atomic) assert_line --regexp "^l0-fix +interrupt_request in VMRUN/#VMEXIT atomic: carries the fix" ;;
	plain) assert_line --regexp "^l0-fix +interrupt_request in VMRUN/#VMEXIT plain .*lacks the fix.*'make l0'" ;;
	*) assert_line --regexp "^l0-fix +interrupt_request in VMRUN/#VMEXIT not recognised" ;;
	esac
	# Nothing prepared: auto falls back to the system's QEMU.
	EXITSCOPE_CACHE=$EMPTY_CACHE ACCEL=tcg run "$EXITSCOPE" doctor
	assert_line "l0            system: qemu-system-x86_64, $version"
}

@test "doctor and run refuse an L0 they cannot honour" {
	EXITSCOPE_CACHE=$EMPTY_CACHE EXITSCOPE_L0=fixed ACCEL=tcg run -3 "$EXITSCOPE" doctor
	assert_line "l0            EXITSCOPE_L0=fixed, but the fixed L0 QEMU is not prepared: run 'make l0'"
	EXITSCOPE_L0=newest run -3 "$EXITSCOPE" doctor
	assert_line "l0            EXITSCOPE_L0=newest: L0 is auto, fixed or system"
	# Before anything is built or booted.
	EXITSCOPE_L0=newest run -2 "$EXITSCOPE" run kboot --accel tcg --results "$BATS_TEST_TMPDIR/r"
	assert_output --partial "EXITSCOPE_L0=newest: L0 is auto, fixed or system"
	EXITSCOPE_CACHE=$EMPTY_CACHE EXITSCOPE_L0=fixed run -3 "$EXITSCOPE" run kboot --accel tcg \
		--results "$BATS_TEST_TMPDIR/r"
	assert_output --partial "the fixed L0 QEMU is not prepared; run 'make l0'"
	assert [ ! -e "$BATS_TEST_TMPDIR/r" ]
}

@test "doctor names the prepared fixed L0, which carries the fix" {
	local wrapper
	wrapper=$("$SCRIPT" --find) || skip "the fixed L0 is not prepared ('make l0')"
	ACCEL=tcg run -0 "$EXITSCOPE" doctor
	assert_line "l0            fixed: $wrapper, $("$wrapper" --version | head -n 1)"
	assert_line --regexp "^l0-fix +interrupt_request in VMRUN/#VMEXIT atomic: carries the fix"
	# The root's manifest says the same, and names the backport it came from.
	run -0 jq -r '[.interrupt_request, .suite, (.packages["qemu-system-x86"] | test("bpo"))] | @tsv' \
		"$(dirname "$wrapper")/../manifest.json"
	assert_output $'atomic\ttrixie-backports\ttrue'
}

@test "the fixed L0 still runs, and still reads as fixed, after its cache moved" {
	local wrapper moved=$BATS_TEST_TMPDIR/moved
	wrapper=$("$SCRIPT" --find) || skip "the fixed L0 is not prepared ('make l0')"
	cp -a "$(dirname "$(dirname "$wrapper")")" "$moved"
	run -0 "$moved/bin/qemu-system-x86_64" --version
	assert_line --index 0 "$("$wrapper" --version | head -n 1)"
	run -0 "$SCRIPT" --fix-status "$moved/bin/qemu-system-x86_64"
	assert_output atomic
	# No absolute path of the old place is left in the wrapper.
	run grep -F "$(dirname "$(dirname "$wrapper")")" "$moved/bin/qemu-system-x86_64"
	assert_failure
}

# bats test_tags=nested
@test "l0-fixed: the micro stage (reasons) runs exact on the fixed L0, and the result names it" {
	local wrapper
	wrapper=$("$SCRIPT" --find) || skip "the fixed L0 is not prepared ('make l0')"
	RESULTS_DIR=$BATS_TEST_TMPDIR/results EXITSCOPE_L0=fixed run_scenario reasons --accel tcg
	assert_success
	assert_output --partial "L0: the fixed QEMU, $("$wrapper" --version | head -n 1)"
	assert_result_checked
	run jq -r '[.host.l0, .host.qemu_version] | @tsv' "$RESULT"
	assert_output "fixed	$("$wrapper" --version | head -n 1)"
	run jq -e '.micro.exact == true and (.micro.reasons | length) >= 25 and
		all(.micro.reasons[]; .exact and .caused == 1000)' "$RESULT"
	assert_success
	run "$EXITSCOPE" show "$RESULT"
	assert_line --partial "(L0 fixed)"
}
