#!/usr/bin/env bash
# l0-fix-status.sh: whether a QEMU binary carries the two fixes a nested run
# under TCG needs (docs/nested-stall.md), read from its machine code:
#
#   interrupt_request  VMRUN sets and #VMEXIT clears V_IRQ in
#                      cs->interrupt_request with a locked OR and AND
#                      (cpu_set_interrupt()/cpu_reset_interrupt(), upstream
#                      since August 2025), not in place (cause A);
#   hflags2            cpu_clear_ignne(), which every vCPU calls at FLDENV,
#                      FRSTOR and XRSTOR, ANDs IGNNE out of the first CPU's
#                      hflags2 atomically, not with a plain read-modify-write
#                      that can undo that CPU's own GIF and nested-paging
#                      updates (cause I).
#
# Prints one line per fix, "<fix> atomic|plain|unknown".  QEMU may be a
# binary or a wrapper whose "# binary:" line names one beside it.
set -euo pipefail

usage() {
	cat <<-'EOF'
		usage: scripts/l0-fix-status.sh QEMU
		Print "interrupt_request STATUS" and "hflags2 STATUS" (atomic, plain or
		unknown): how QEMU's emulated SVM and FPU helpers update the words that
		nested runs under TCG lose updates of.
	EOF
}

case ${1:-} in
-h | --help) usage; exit 0 ;;
'' | -*) usage >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
command -v objdump >/dev/null || { echo "l0-fix-status: objdump is missing: apt-get install binutils" >&2; exit 3; }
bin=$1
[[ $bin == */* ]] || bin=$(command -v "$bin") || { echo "l0-fix-status: no QEMU '$1' in PATH" >&2; exit 3; }

# The functions read, and a symbol table that has them: Debian's build
# exports its symbols for its modules; one built without modules
# (scripts/l0-qemu.sh) keeps them in its static symbol table.
functions='helper_vmrun|do_vmexit|cpu_(re)?set_interrupt|cpu_clear_ignne'
symbols() {
	nm -D -S "$1" 2>/dev/null | grep -wE "$functions" ||
		nm -S "$1" 2>/dev/null | grep -wE "$functions" ||
		true
}

# fn_text BIN SYMBOLS NAME: the disassembly of the function NAME of BIN.
fn_text() {
	local start size
	read -r start size < <(awk -v f="$3" '$4 == f && $3 == "T" { print $1, $2; exit }' <<<"$2") ||
		return 0
	objdump -d --no-show-raw-insn --start-address=$((16#$start)) \
		--stop-address=$((16#$start + 16#$size)) "$1"
}

# calls_with_virq TEXT CALLEE: TEXT loads CPU_INTERRUPT_VIRQ (0x100) as the
# second argument and calls CALLEE a few instructions later.
calls_with_virq() {
	# shellcheck disable=SC2016 # $0x100 is an immediate in AT&T syntax
	grep -A12 'mov    $0x100,%esi' <<<"$1" | grep -qE "call .*<$2(@@Base)?>"
}

# Before the fix both were plain read-modify-writes of interrupt_request
# inline ("orl $0x100" / "andl $0xfffffeff").
interrupt_status() {
	local vmrun vmexit set reset
	vmrun=$(fn_text "$bin" "$syms" helper_vmrun)
	vmexit=$(fn_text "$bin" "$syms" do_vmexit)
	set=$(fn_text "$bin" "$syms" cpu_set_interrupt)
	reset=$(fn_text "$bin" "$syms" cpu_reset_interrupt)
	if [ -z "$vmrun" ] || [ -z "$vmexit" ]; then
		echo unknown
	elif calls_with_virq "$vmrun" cpu_set_interrupt && calls_with_virq "$vmexit" cpu_reset_interrupt &&
		grep -q 'lock or ' <<<"$set" && grep -q 'lock and ' <<<"$reset"; then
		echo atomic
	elif grep -q 'andl   [$]0xfffffeff,' <<<"$vmexit"; then
		echo plain
	else
		echo unknown
	fi
}

# HF2_IGNNE_MASK is 0x80: the unfixed clear is "andl $0xffffff7f" on
# hflags2 without a lock prefix.
hflags2_status() {
	local clear
	clear=$(fn_text "$bin" "$syms" cpu_clear_ignne)
	if grep -qE 'lock andl? +[$]0xffffff7f,' <<<"$clear"; then
		echo atomic
	elif grep -qE '^ *[0-9a-f]+:[[:space:]]+andl? +[$]0xffffff7f,' <<<"$clear"; then
		echo plain
	else
		echo unknown
	fi
}

if [ "$(head -c 2 "$bin" 2>/dev/null)" = '#!' ]; then
	bin=$(dirname "$bin")/$(sed -n 's/^# binary: //p' "$bin")
fi
if [ -f "$bin" ]; then
	syms=$(symbols "$bin")
	echo "interrupt_request $(interrupt_status)"
	echo "hflags2 $(hflags2_status)"
else
	echo "interrupt_request unknown"
	echo "hflags2 unknown"
fi
