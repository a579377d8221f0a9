#!/usr/bin/env bats
# micro: the patched kernel boots as L1 with nothing but an initramfs, and
# the micro guest (exitmicro) makes its VMs take every exit it can cause K
# times.  Each reason must be counted exactly K times by the guest's CPUID
# leaves, by L1's debugfs counters and by the kvm_exit histogram, the micro
# guest's own exits taken out (scripts/micro-boot.sh, harness/micro/).
# The kernel is built through the harness on first use (cached).

bats_require_minimum_version 1.5.0

K=1000

setup() {
	load helpers/common
	OUT=$BATS_TEST_TMPDIR/micro
}

# micro_boot ARGS...: one boot; the timing line goes to bats' output.
micro_boot() {
	# 3>&-: the emulator must not hold bats' output pipe open.
	run "$EXITSCOPE_ROOT/scripts/micro-boot.sh" --out "$OUT" --k "$K" "$@" 3>&-
	grep -h '^micro-boot: ' <<<"$output" | sed 's/^/# /' >&3 || true
}

# assert_all_exact ISA MIN: the document is that ISA's, has at least MIN
# caused reasons, no error, and every reason counted K in every view.
assert_all_exact() {
	run jq -e --arg isa "$1" --argjson min "$2" --argjson k "$K" '
		.schema == "exitscope/micro/v1" and .isa == $isa and .exact == true and
		(.errors | length) == 0 and (.reasons | length) >= $min and
		all(.reasons[]; .exact and .caused == $k and .cpuid == $k and
		    .debugfs == $k and .traced == $k)' "$OUT/micro.json"
	assert_success
}

# bats test_tags=nested
@test "micro: under QEMU TCG (SVM) every reason the micro guest causes is exact" {
	micro_boot --emulator qemu
	assert_success
	assert_all_exact svm 25
	# The core of what either ISA must be able to cause on purpose.
	run jq -e '[.reasons[].action] as $a | ["cpuid", "hlt", "pio-in", "pio-out", "rdmsr",
		"wrmsr", "hypercall", "mmio-read", "mmio-write", "ud", "invd", "wbinvd", "xsetbv",
		"rdpmc", "cr4-write"] | all(. as $x | $a | index($x))' "$OUT/micro.json"
	assert_success
	# What SVM cannot cause is said, with a reason, not left out.
	run jq -e '[.unsupported[] | select(.action == "vmxon" and (.why | length) > 0)] | length == 1' \
		"$OUT/micro.json"
	assert_success
}

# bats test_tags=nested,bochs
@test "micro: under Bochs (VMX, EPT) every reason the micro guest causes is exact" {
	micro_boot --emulator bochs
	assert_success
	assert_all_exact vmx 30
	# VMX executed: the exits went through vmx_vcpu_run, VMX instructions included.
	run jq -e '[.reasons[].name] as $n | ["CPUID", "HLT", "IO_INSTRUCTION", "MSR_READ",
		"MSR_WRITE", "VMCALL", "EPT_MISCONFIG", "EXCEPTION_NMI", "XSETBV", "CR_ACCESS",
		"VMON", "VMREAD", "INVEPT"] | all(. as $x | $n | index($x))' "$OUT/micro.json"
	assert_success
}

# bats test_tags=nested
@test "micro: one named action runs alone, K=1, its own CPUID reads taken out" {
	K=1
	micro_boot --emulator qemu cpuid
	assert_success
	run jq -e '(.reasons | length) == 1 and .reasons[0].own_exits.window == 2 and
		.reasons[0].own_exits.cpuid == 1' "$OUT/micro.json"
	assert_success
}
