#!/usr/bin/env bats
# The L0 QEMU a run starts (harness/src/l0.c) and the fixed one
# (scripts/l0-fixed.sh): Debian's QEMU 11.1 from trixie-backports in a root
# of its own, whose emulated SVM sets and clears interrupt_request
# atomically (docs/nested-stall.md, cause A) but which still lacks the
# hflags2 fix (cause I).  Under TCG a run takes the built L0
# (l0-qemu.bats) when `make l0` built it, else the fixed one, else the
# system's qemu-system-x86_64; EXITSCOPE_L0 names one.  doctor says which
# one a run will use and which fixes it carries, read from its machine code.

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
	run -2 "$SCRIPT" --fix-status qemu-system-x86_64
	EXITSCOPE_CACHE=$EMPTY_CACHE run -1 "$SCRIPT" --find
	assert_output ""
}

# assert_doctor_fixes QEMU: doctor's two l0-fix lines say what
# scripts/l0-fix-status.sh reads in QEMU.
assert_doctor_fixes() {
	local fix status words
	local -A what=([interrupt_request]="interrupt_request in VMRUN/#VMEXIT"
		[hflags2]="first CPU's hflags2 from other vCPUs")
	while read -r fix status; do
		case $status in
		atomic) words="atomic: carries the fix" ;;
		plain) words="plain read-modify-write: lacks the fix; 'make l0' builds an L0 that has it" ;;
		*) words="not recognised in this binary" ;;
		esac
		assert_line --regexp "^l0-fix +${what[$fix]}"
		assert_line "l0-fix        ${what[$fix]} $words"
	done < <("$EXITSCOPE_ROOT/scripts/l0-fix-status.sh" "$1")
}

@test "doctor names the system L0 and which fixes it carries" {
	local version
	version=$(qemu-system-x86_64 --version | head -n 1)
	EXITSCOPE_L0=system ACCEL=tcg run "$EXITSCOPE" doctor
	assert_line "l0            system: qemu-system-x86_64, $version"
	assert_doctor_fixes qemu-system-x86_64
	run -0 grep -c "^l0-fix " <<<"$output"
	assert_output 2
	# Nothing prepared: auto falls back to the system's QEMU.
	local version
	version=$(qemu-system-x86_64 --version | head -n 1)
	EXITSCOPE_CACHE=$EMPTY_CACHE ACCEL=tcg run "$EXITSCOPE" doctor
	assert_line "l0            system: qemu-system-x86_64, $version"
}

@test "doctor and run refuse an L0 they cannot honour" {
	EXITSCOPE_CACHE=$EMPTY_CACHE EXITSCOPE_L0=fixed ACCEL=tcg run -3 "$EXITSCOPE" doctor
	assert_line "l0            EXITSCOPE_L0=fixed, but the fixed L0 QEMU is not prepared: run 'make l0'"
	EXITSCOPE_CACHE=$EMPTY_CACHE EXITSCOPE_L0=built ACCEL=tcg run -3 "$EXITSCOPE" doctor
	assert_line "l0            EXITSCOPE_L0=built, but the built L0 QEMU is not prepared: run 'make l0'"
	EXITSCOPE_L0=newest run -3 "$EXITSCOPE" doctor
	assert_line "l0            EXITSCOPE_L0=newest: L0 is auto, built, fixed or system"
	# Before anything is built or booted.
	EXITSCOPE_L0=newest run -2 "$EXITSCOPE" run kboot --accel tcg --results "$BATS_TEST_TMPDIR/r"
	assert_output --partial "EXITSCOPE_L0=newest: L0 is auto, built, fixed or system"
	EXITSCOPE_CACHE=$EMPTY_CACHE EXITSCOPE_L0=fixed run -3 "$EXITSCOPE" run kboot --accel tcg \
		--results "$BATS_TEST_TMPDIR/r"
	assert_output --partial "EXITSCOPE_L0=fixed: the fixed L0 QEMU is not prepared; run 'make l0' (scripts/l0-fixed.sh)"
	EXITSCOPE_CACHE=$EMPTY_CACHE EXITSCOPE_L0=built run -3 "$EXITSCOPE" run kboot --accel tcg \
		--results "$BATS_TEST_TMPDIR/r"
	assert_output --partial "EXITSCOPE_L0=built: the built L0 QEMU is not prepared; run 'make l0' (scripts/l0-qemu.sh)"
	assert [ ! -e "$BATS_TEST_TMPDIR/r" ]
}

@test "doctor names the prepared fixed L0, which carries the interrupt_request fix only" {
	local wrapper
	wrapper=$("$SCRIPT" --find) || skip "the fixed L0 is not prepared ('make l0')"
	EXITSCOPE_L0=fixed ACCEL=tcg run -0 "$EXITSCOPE" doctor
	assert_line "l0            fixed: $wrapper, $("$wrapper" --version | head -n 1)"
	assert_line --regexp "^l0-fix +interrupt_request in VMRUN/#VMEXIT atomic: carries the fix"
	assert_line --regexp "^l0-fix +first CPU's hflags2 from other vCPUs plain .*lacks the fix"
	assert_doctor_fixes "$wrapper"
	# The root's manifest says the same, and names the backport it came from.
	run -0 jq -r '[.interrupt_request, .hflags2, .suite, (.packages["qemu-system-x86"] | test("bpo"))] | @tsv' \
		"$(dirname "$wrapper")/../manifest.json"
	assert_output $'atomic\tplain\ttrixie-backports\ttrue'
}

@test "the fixed L0 still runs, and still reads as fixed, after its cache moved" {
	local wrapper moved=$BATS_TEST_TMPDIR/moved
	wrapper=$("$SCRIPT" --find) || skip "the fixed L0 is not prepared ('make l0')"
	cp -a "$(dirname "$(dirname "$wrapper")")" "$moved"
	run -0 "$moved/bin/qemu-system-x86_64" --version
	assert_line --index 0 "$("$wrapper" --version | head -n 1)"
	run -0 "$EXITSCOPE_ROOT/scripts/l0-fix-status.sh" "$moved/bin/qemu-system-x86_64"
	assert_line "interrupt_request atomic"
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
