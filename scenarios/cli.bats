#!/usr/bin/env bats
# The command-line contract of exitscope and exitprobe: usage, exit codes,
# one actionable line per error, and --dry-run plans.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	# A private cache so nothing here touches or depends on the user's builds;
	# only the pristine, read-only sources are shared, so nothing is downloaded.
	local shared=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}
	export EXITSCOPE_CACHE=$BATS_TEST_TMPDIR/cache
	mkdir -p "$EXITSCOPE_CACHE" "$shared/src"
	ln -s "$shared/src" "$EXITSCOPE_CACHE/src"
}

@test "no command: usage on stderr, exit 2" {
	run -2 --separate-stderr "$EXITSCOPE"
	assert_output ""
	[[ $stderr == *"usage: exitscope <command>"* ]]
}

@test "unknown command names itself, exit 2" {
	run -2 "$EXITSCOPE" frobnicate
	assert_output --partial "unknown command 'frobnicate'"
}

@test "every command has --help and help CMD" {
	for cmd in doctor kernel images; do
		run -0 "$EXITSCOPE" "$cmd" --help
		assert_output --partial "usage: exitscope $cmd"
		run -0 "$EXITSCOPE" help "$cmd"
		assert_output --partial "usage: exitscope $cmd"
	done
}

@test "kernel build rejects a series it has no patches for" {
	run -2 "$EXITSCOPE" kernel build --series 5.10
	assert_output --partial "series must be 6.1 or 6.12, not '5.10'"
}

@test "kernel build rejects unknown options and stray words" {
	run -2 "$EXITSCOPE" kernel build --bogus
	assert_output --partial "bad option '--bogus'"
	run -2 "$EXITSCOPE" kernel build extra
	assert_output --partial "unexpected 'extra'"
	run -2 "$EXITSCOPE" kernel build --stock --source /tmp
	assert_output --partial "exclude each other"
}

@test "kernel build --source with a missing tree says so" {
	run -2 "$EXITSCOPE" kernel build --source "$BATS_TEST_TMPDIR/no-such-tree"
	assert_output --partial "cannot resolve the kernel source"
}

@test "kernel path of an unknown id is exit 2 with a hint" {
	run -2 "$EXITSCOPE" kernel path 0123456789ab
	assert_output --partial "exitscope kernel list"
	run -2 "$EXITSCOPE" kernel path ../../etc
	assert_output --partial "no kernel"
}

@test "kernel build --dry-run prints the plan and builds nothing" {
	run -0 "$EXITSCOPE" kernel build --dry-run --stock
	assert_output --partial "+ make -s -C"
	assert_output --partial "tinyconfig"
	assert_output --partial "bzImage"
	refute_output --partial "kernel-patch/series/6.1"
	[ ! -d "$EXITSCOPE_CACHE/kernels" ] || [ -z "$(ls "$EXITSCOPE_CACHE/kernels")" ]
}

@test "a patched and a stock build of the same tree have different ids" {
	run -0 "$EXITSCOPE" kernel build --dry-run
	patched=$(sed -n 's/.*kernel: building //p' <<<"$output")
	assert_output --partial "kernel-patch/series/6.1"
	run -0 "$EXITSCOPE" kernel build --dry-run --stock
	stock=$(sed -n 's/.*kernel: building //p' <<<"$output")
	[ -n "$patched" ] && [ -n "$stock" ] && [ "$patched" != "$stock" ]
}

@test "doctor names the accelerator and why" {
	run "$EXITSCOPE" doctor
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	assert_output --regexp "accelerator +(kvm|tcg)"
	ACCEL=tcg run "$EXITSCOPE" doctor
	assert_output --regexp "accelerator +tcg"
}

@test "exitprobe on a hypervisor without exitscope: exit 3, never zeros" {
	run -3 --separate-stderr "$EXITPROBE" detect
	[[ $stderr == *"not an exitscope kernel"* ]]
	run -3 --separate-stderr "$EXITPROBE" run cpuid 1000
	assert_output ""
}

@test "exitprobe bad input: exit 2 with what was wrong" {
	run -2 "$EXITPROBE" run nosuch
	assert_output --partial "known WORKLOAD: nosuch"
	run -2 "$EXITPROBE" run cpuid lots
	assert_output --partial "'lots' is not a parameter of cpuid"
	run -2 "$EXITPROBE" snapshot --out
	assert_output --partial "--out needs a PATH"
	run -0 "$EXITPROBE" --help
	assert_output --partial "workloads:"
}
