#!/usr/bin/env bats
# bench cost: the benchmark of what counting costs one exit.  The kernel
# boots as L1 in the micro stage and exitmicro cost times one VM's CPUID
# exits by the guest's TSC with no tracing, with the kvm_exit event on and
# with a hist trigger on it.  These tests check that it measures, on both
# ISAs, and that each mode did what it says; the figures themselves are for
# `make bench-cost`, not for tests.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	OUT=$BATS_TEST_TMPDIR/cost.json
}

# assert_cost_doc ISA ACCEL EXITSCOPE: the document is whole, of that ISA
# and L0, and every mode has three positive windows of 2000 CPUIDs.
assert_cost_doc() {
	run jq -e --arg isa "$1" --arg accel "$2" --argjson exitscope "$3" '
		.schema == "exitscope/bench/cost/v1" and .host.accel == $accel and
		.cost.schema == "exitscope/cost/v1" and .cost.isa == $isa and
		.cost.exitscope == $exitscope and .cost.n == 2000 and .cost.windows == 3 and
		.kernel.stock == ($exitscope | not) and
		(.cost.modes | keys) == ["event", "hist", "plain"] and
		all(.cost.modes[]; (.ticks | length) == 3 and all(.ticks[]; . > 0) and
		    .per_exit.min <= .per_exit.median and .per_exit.median <= .per_exit.max)' "$OUT"
	assert_success
}

# bench_cost KERNEL ACCEL: one small measurement into $OUT.
bench_cost() {
	run "$EXITSCOPE" bench cost --kernel "$1" --accel "$2" --n 2000 --windows 3 --out "$OUT" 3>&-
	echo "$output" | grep -E 'took|per exit' | sed 's/^/# /' >&3 || true
}

@test "bench: cost needs --out and names the one benchmark there is" {
	run -2 "$EXITSCOPE" bench cost
	assert_output --partial "needs --out FILE"
	run -2 "$EXITSCOPE" bench speed --out "$OUT"
	assert_output --partial "the one benchmark here is 'cost'"
	run -2 "$EXITSCOPE" bench cost --windows 101 --out "$OUT"
	run -2 "$EXITSCOPE" bench cost --kernel ../x --out "$OUT"
	assert [ ! -e "$OUT" ]
	run -0 "$EXITSCOPE" bench --help
	assert_output --partial "exitscope bench cost"
}

# bats test_tags=nested
@test "bench: cost measures the patched kernel under QEMU TCG (SVM)" {
	local kernel
	kernel=$("$EXITSCOPE" kernel build | tail -n 1)
	bench_cost "$kernel" tcg
	assert_success
	assert_output --partial "exitscope kernel per exit"
	assert_cost_doc svm tcg true
}

# bats test_tags=nested,bochs
@test "bench: under Bochs (VMX) each tracing mode costs the exits more instructions" {
	local kernel
	kernel=$("$EXITSCOPE" kernel build | tail -n 1)
	bench_cost "$kernel" bochs
	assert_success
	assert_cost_doc vmx bochs true
	# Bochs's TSC counts instructions: a mode whose tracing never came on
	# would cost what plain costs, within the noise of a timer interrupt.
	run jq -e '.cost.modes as $m | $m.event.per_exit.min > 1.2 * $m.plain.per_exit.max and
		$m.hist.per_exit.min > 1.2 * $m.plain.per_exit.max' "$OUT"
	assert_success
}

# bats test_tags=nested,bochs,slow
@test "bench: cost measures an unpatched kernel, the baseline, under Bochs" {
	local stock
	stock=$("$EXITSCOPE" kernel build --stock | tail -n 1)
	bench_cost "$stock" bochs
	assert_success
	assert_output --partial "stock kernel per exit"
	assert_cost_doc vmx bochs false
}
