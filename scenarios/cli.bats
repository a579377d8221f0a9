#!/usr/bin/env bats
# The command-line contract of exitscope and exitprobe: usage, exit codes,
# one actionable line per error, and --dry-run plans.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	# A private cache so nothing here touches or depends on the user's builds;
	# only the pristine, read-only sources are shared, so nothing is downloaded.
	local user_cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}
	export EXITSCOPE_CACHE=$BATS_TEST_TMPDIR/cache
	mkdir -p "$EXITSCOPE_CACHE" "$user_cache/src"
	ln -s "$user_cache/src" "$EXITSCOPE_CACHE/src"
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
	for cmd in doctor kernel images run; do
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
	assert_output --partial "unknown option '--bogus'"
	run -2 "$EXITSCOPE" kernel build extra
	assert_output --partial "unexpected 'extra'"
	run -2 "$EXITSCOPE" kernel build --stock --source /tmp
	assert_output --partial "exclude each other"
}

@test "kernel build --source with a missing tree says so" {
	run -2 "$EXITSCOPE" kernel build --source "$BATS_TEST_TMPDIR/no-such-tree"
	assert_output --partial "--source $BATS_TEST_TMPDIR/no-such-tree: No such file or directory"
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

@test "a cached kernel does not wait while another build holds its series" {
	run -0 "$EXITSCOPE" kernel build --dry-run
	id=$(sed -n 's/.*kernel: building //p' <<<"$output")
	mkdir -p "$EXITSCOPE_CACHE/kernels/$id"
	echo '{}' >"$EXITSCOPE_CACHE/kernels/$id/manifest.json"
	# The series' lock held as a build of another kernel holds it.
	flock "$EXITSCOPE_CACHE/kernels/.build-6.1.lock" sleep 60 3>&- &
	local holder=$!
	sleep 1
	run timeout 20 "$EXITSCOPE" kernel build
	kill "$holder"
	assert_success
	assert_output --partial "cached: $EXITSCOPE_CACHE/kernels/$id"
	refute_output --partial "waiting"
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
	assert_output --partial "--out needs a value: --out PATH"
	run -0 "$EXITPROBE" --help
	assert_output --partial "workloads:"
}

# Comparing runs: show, diff, plot and report on the unit tests' fixtures
# (the same scenarios on 6.1 and 6.12, SVM under TCG, and bad inputs).
RESULTS=$BATS_TEST_DIRNAME/../harness/tests/data/results

@test "show, diff, plot and report have --help and help CMD" {
	for cmd in show diff plot report; do
		run -0 "$EXITSCOPE" "$cmd" --help
		assert_output --partial "usage: exitscope $cmd"
		run -0 "$EXITSCOPE" help "$cmd"
		assert_output --partial "usage: exitscope $cmd"
	done
}

@test "show prints the per-reason table, provenance and oracle" {
	run -0 "$EXITSCOPE" show "$RESULTS/k61/cpuid.json"
	assert_output --regexp "reason +name +count +share +cycles +cycles/exit"
	assert_output --regexp "0x72 +cpuid +1000001 +99\.13% +9816009816 +9816"
	assert_output --partial "kernel    3f9a1c07d2e4  6.1.192  patched"
	assert_output --partial "oracle    kvm_exit hist: differs on 1 reason(s), all explained"
}

@test "diff: exit 0 when nothing moved beyond the threshold, 1 when something did" {
	run -0 "$EXITSCOPE" diff "$RESULTS/k61/cpuid.json" "$RESULTS/k61-rerun/cpuid.json"
	assert_output --partial "unchanged: nothing changed by more than 10%"
	run -1 "$EXITSCOPE" diff "$RESULTS/k61/cpuid.json" "$RESULTS/k612/cpuid.json"
	assert_output --partial "kernel.release        6.1.192 -> 6.12.117"
	assert_output --regexp "0x7c +msr +4210 +2631 +-1579 +0\.62  moved -37\.5%"
	assert_output --regexp "0x72 +cpuid +1000001 +1000001 +0 +1\.00"
	run -0 "$EXITSCOPE" diff --threshold 70 "$RESULTS/k61/cpuid.json" "$RESULTS/k612/cpuid.json"
	run -1 "$EXITSCOPE" diff --min-count 10 "$RESULTS/k61/cpuid.json" "$RESULTS/k61-rerun/cpuid.json"
	assert_output --regexp "hlt +41 +57 +\+16 +1\.39  moved \+39\.0%"
}

@test "diff pairs two folders by scenario and lists the unpaired" {
	run -1 "$EXITSCOPE" diff "$RESULTS/k61" "$RESULTS/k612"
	assert_output --partial "== cpuid"
	assert_output --partial "== idle"
	assert_output --partial "only in A: $RESULTS/k61/pio.json"
	run -0 "$EXITSCOPE" diff "$RESULTS/k612" "$RESULTS/k612"
	# A trailing slash, as completion types it, still names files with one.
	run -1 "$EXITSCOPE" diff "$RESULTS/k61/" "$RESULTS/k612//"
	assert_output --partial "only in A: $RESULTS/k61/pio.json"
	assert_output --partial "+++ B $RESULTS/k612/cpuid.json"
}

@test "diff: exit 2 on bad input, naming the file and the problem" {
	local -A problems=(
		[truncated.json]="line 88 column 14: not valid JSON: premature end of input"
		[schema-v2.json]="schema exitscope/result/v2 is newer than this exitscope understands (v1)"
		[not-json.json]="line 1 column 21: not valid JSON"
		[missing-key.json]="Object item not found: oracle"
		[probe-output.json]="schema exitscope/probe/v1, not exitscope/result/v1"
	)
	for file in "${!problems[@]}"; do
		run -2 --separate-stderr "$EXITSCOPE" diff "$RESULTS/k612/cpuid.json" "$RESULTS/bad/$file"
		assert_output ""
		[[ $stderr == *"$RESULTS/bad/$file: "*"${problems[$file]}"* ]]
	done
	run -2 "$EXITSCOPE" diff "$RESULTS/bad" "$RESULTS/bad"
}

@test "diff refuses different ISAs or workloads unless --force" {
	run -2 "$EXITSCOPE" diff "$RESULTS/k61/cpuid.json" "$RESULTS/vmx/cpuid.json"
	assert_output --partial "different ISAs (svm, vmx)"
	assert_output --partial "--force compares them anyway"
	run -2 "$EXITSCOPE" diff "$RESULTS/k612/cpuid.json" "$RESULTS/params/cpuid.json"
	assert_output --partial 'different parameters of workload cpuid ({"N":1000000}, {"N":2000000})'
	run -1 "$EXITSCOPE" diff --force "$RESULTS/k612/cpuid.json" "$RESULTS/params/cpuid.json"
	assert_output --partial "workload.params"
}

@test "diff --json is one document, keys sorted, with the exit code" {
	run -1 --separate-stderr "$EXITSCOPE" diff --json "$RESULTS/k61" "$RESULTS/k612"
	jq -e '.exit == 1 and (.pairs | length) == 3 and .pairs[0].moved' <<<"$output"
	jq -e '[.. | objects | keys_unsorted == (keys_unsorted | sort)] | all' <<<"$output"
}

@test "show and diff read the micro guest's results (no boot window)" {
	run -0 "$EXITSCOPE" show "$RESULTS/micro/vmx.json"
	assert_output --partial "host      bochs  GenuineIntel  bochs Bochs x86 Emulator 2.7"
	assert_output --partial "micro guest: K=1000, 8 action(s), all exact"
	assert_output --regexp "pio-out +30 IO_INSTRUCTION +1000 +1000 +1000 +1000 +4790  yes"
	refute_output --partial "boot      "
	run -0 "$EXITSCOPE" show "$RESULTS/micro/svm.json"
	assert_output --regexp "wrmsr +0x7c msr +1000 +1000 +1000 +0 +10880  NO"
	run -1 "$EXITSCOPE" diff "$RESULTS/micro/vmx.json" "$RESULTS/micro/vmx-inexact.json"
	assert_output --partial "micro guest: 3 of 9 action(s) moved"
	assert_output --regexp "wrmsr +32 MSR_WRITE +1000 +1000 yes +1000 +998 NO +exact in A only"
	run -1 --separate-stderr "$EXITSCOPE" diff --json "$RESULTS/micro/vmx.json" \
		"$RESULTS/micro/vmx-inexact.json"
	jq -e '.pairs[0].micro.nr_moved == 3 and .exit == 1' <<<"$output"
	run -2 "$EXITSCOPE" diff "$RESULTS/micro/vmx.json" "$RESULTS/micro/svm.json"
	assert_output --partial "different ISAs (vmx, svm)"
}

@test "plot writes an SVG, and without gnuplot names its package" {
	command -v gnuplot >/dev/null || skip "gnuplot is not installed (apt-get install gnuplot-nox)"
	run -0 "$EXITSCOPE" plot "$RESULTS/k61/idle.json" "$RESULTS/k612/idle.json" \
		-o "$BATS_TEST_TMPDIR/idle.svg"
	[ -s "$BATS_TEST_TMPDIR/idle.svg" ]
	grep -q "<svg" "$BATS_TEST_TMPDIR/idle.svg"
	run -3 env PATH=/nonexistent "$EXITSCOPE" plot "$RESULTS/k61/idle.json" \
		-o "$BATS_TEST_TMPDIR/none.svg"
	assert_output --partial "gnuplot not found: apt-get install gnuplot-nox"
	[ ! -e "$BATS_TEST_TMPDIR/none.svg" ]
	run -2 "$EXITSCOPE" plot "$RESULTS/k61/cpuid.json" "$RESULTS/vmx/cpuid.json" \
		-o "$BATS_TEST_TMPDIR/mixed.svg"
	assert_output --partial "chart them separately"
}

@test "report answers per scenario and links a chart for each" {
	command -v gnuplot >/dev/null || skip "gnuplot is not installed (apt-get install gnuplot-nox)"
	cp "$RESULTS"/k61/*.json "$BATS_TEST_TMPDIR/"
	run -0 "$EXITSCOPE" report "$BATS_TEST_TMPDIR" -o "$BATS_TEST_TMPDIR/REPORT.md"
	run cat "$BATS_TEST_TMPDIR/REPORT.md"
	assert_output --partial "| [idle](#idle) | 11867 (raw) | 1186.7 | msr (0x7c) | cpuid (0x72) |"
	assert_output --partial "- defined reasons that stayed at zero: 167 of 175 (svm)"
	assert_output --partial "![cpuid: exits and cycles by reason](cpuid.svg)"
	for scenario in cpuid idle pio; do
		grep -q "<svg" "$BATS_TEST_TMPDIR/$scenario.svg"
	done
}

@test "exitprobe run io/msr/mmio/--samples: bad numbers are exit 2 before any CPUID" {
	run -2 "$EXITPROBE" run io 0
	assert_output --partial "MIB is a whole number from 1 to"
	run -2 "$EXITPROBE" run io --pio lots
	assert_output --partial "--pio needs K"
	run -2 "$EXITPROBE" run cpuid --path /tmp/x
	assert_output --partial "--path is an option of io, not of cpuid"
	run -2 "$EXITPROBE" run msr -1
	assert_output --partial "'-1' is not a parameter of msr"
	run -2 "$EXITPROBE" run idle 1 --samples 0
	assert_output --partial "--samples needs MS"
	run -0 "$EXITPROBE" --help
	assert_output --partial "mmio"
}

@test "run: a scenario is required, and an unknown one lists those that exist" {
	run -2 "$EXITSCOPE" run
	assert_output --partial "name a SCENARIO"
	run -2 "$EXITSCOPE" run nosuch
	assert_output --partial "no scenario 'nosuch'"
	assert_output --partial "cpuid"
}

@test "run: bad options are named before anything is built" {
	run -2 "$EXITSCOPE" run cpuid --timeout soon
	assert_output --partial "--timeout needs S, a whole number from 1 to 86400, not 'soon'"
	run -2 "$EXITSCOPE" run cpuid --retries -1
	assert_output --partial "--retries needs N, a whole number from 0 to 20, not '-1'"
	run -2 "$EXITSCOPE" run cpuid --l2-append "a,b"
	assert_output --partial "cannot hold a comma"
	run -2 "$EXITSCOPE" run cpuid --accel hvf
	assert_output --partial "auto, kvm, tcg or bochs"
	run -2 "$EXITSCOPE" run cpuid --l2-kernel ubuntu
	assert_output --partial "--l2-kernel must be trimmed or debian, not 'ubuntu'"
	run -2 "$EXITSCOPE" run reasons --l2-kernel debian
	assert_output --partial "'reasons' is a micro scenario, which boots no L2"
	run -2 "$EXITSCOPE" run cpuid-micro --trace
	assert_output --partial "--trace: 'cpuid-micro' is a micro scenario, which boots no L2"
}

@test "run: scenarios share a boot only when their L2 side is the same, said before anything is built" {
	run -2 "$EXITSCOPE" run cpuid scope
	assert_output --partial "'scope' cannot share L2's boot: a neighbor VM runs beside its L2"
	run -2 "$EXITSCOPE" run cpuid stock
	assert_output --partial "'stock' cannot share L2's boot: it runs the stock kernel"
	run -2 "$EXITSCOPE" run cpuid null
	assert_output --partial "'null' cannot share L2's boot: its L2 kernel differs"
	run -2 "$EXITSCOPE" run cpuid reasons
	assert_output --partial "'reasons' cannot share L2's boot: its probe does not run in stage runcmd"
	run -2 "$EXITSCOPE" run cpuid idle cpuid
	assert_output --partial "'cpuid' cannot share L2's boot: it is named twice"
	run -2 "$EXITSCOPE" run cpuid idle nosuch
	assert_output --partial "no scenario 'nosuch'"
	run -2 "$EXITSCOPE" run cpuid idle --reassemble
	assert_output --partial "--reassemble takes one SCENARIO"
	run -2 "$EXITSCOPE" run cpuid idle io abi cpuid idle io abi boot
	assert_output --partial "at most 8 SCENARIOs share a boot"
	# --l2-kernel applies to each, and then they differ from null's no more.
	run -2 "$EXITSCOPE" run cpuid null scope --l2-kernel debian
	assert_output --partial "'scope' cannot share"
	run -0 "$EXITSCOPE" help run
	assert_output --partial "run cpuid idle io abi"
}

@test "images: path of an unknown kind is a usage error" {
	run -2 "$EXITSCOPE" images path l3
	assert_output --partial "l1, l2 or micro, not 'l3'"
}
