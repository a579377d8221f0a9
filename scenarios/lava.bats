#!/usr/bin/env bats
# lava: exitscope as a LAVA citizen.  `exitscope lava` writes a job for
# LAVA's qemu device type; Debian's lava-run (lava-dispatcher 2023.01) runs
# it on this machine (lava/local-run.sh: the device dictionary rendered from
# lava-server's own qemu template with the job's context, TCG); `exitscope
# lava collect` turns the job's log into a result file, which must equal
# what `exitscope run` writes for the same scenario and kernel, field for
# field but the times.  lava-run needs root and lava-dispatcher
# (`scripts/deps.sh --lava` installs it).

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	JOBS=$BATS_TEST_TMPDIR/jobs
}

# assert_lava_passed LOG DEFINITION CASE...: LAVA recorded each case of the
# test definition as passed, and the job as passed.
assert_lava_passed() {
	local log=$1 definition=$2 case
	shift 2
	for case in "$@"; do
		run grep -E "\"case\": \"$case\", \"definition\": \"[0-9]+_$definition\".*\"result\": \"pass\"" "$log"
		assert_success
	done
	run grep -E '"case": "job", "definition": "lava", "result": "pass"' "$log"
	assert_success
}

# without_times FILE: the result without what differs from one run to the next by the clock.
without_times() {
	jq -S 'del(.started_at, .duration_s, .timeline) |
		walk(if type == "object" then del(.cycles, .seconds) else . end)' "$1"
}

@test "lava: help, and no scenario, an unknown one or Bochs refused before anything is built" {
	run -0 "$EXITSCOPE" lava --help
	assert_output --partial "usage: exitscope lava"
	run -0 "$EXITSCOPE" help lava
	assert_output --partial "exitscope lava collect"
	run "$EXITSCOPE" lava --out "$JOBS"
	assert_failure 2
	run "$EXITSCOPE" lava no-such-scenario --out "$JOBS"
	assert_failure 2
	assert [ ! -e "$JOBS" ]
	run "$EXITSCOPE" lava cpuid-micro --accel bochs --out "$JOBS"
	assert_failure 2
}

@test "lava: a nested scenario's job boots the L1 image with L2's beside it, and carries the run's inputs" {
	kernel_id=$("$EXITSCOPE" kernel build --series 6.1 | tail -n 1)
	run "$EXITSCOPE" lava cpuid --kernel "$kernel_id" --out "$JOBS"
	assert_success
	dir=$JOBS/$kernel_id
	job=$dir/cpuid.lava.yaml
	# L1's root is /dev/vda and L2's base /dev/vdb: LAVA adds the drives in the job's order.
	run grep -oE '^      (kernel|ramdisk|l1root|l2disk):' "$job"
	assert_output "$(printf '      %s:\n' kernel ramdisk l1root l2disk)"
	run grep -cF -e "file={l1root}" -e "readonly=on,file={l2disk}" -e "- -smp 2" -e "- -no-reboot" \
		-e "init=/usr/local/sbin/exitscope-init exitscope.lava=1" -e "path: inline/exitscope-nested.yaml" "$job"
	assert_output 6
	# What `exitscope run` shares in with 9p rides in the first stage's initramfs.
	run bash -c "zcat '$dir/lava-artifacts/cpuid-l1-stage.gz' | cpio -it --quiet"
	assert_success
	for file in init bin/busybox exitscope-run/spec.env exitscope-run/user-data \
		exitscope-run/meta-data exitscope-run/l2-vmlinuz; do
		assert_line "$file"
	done
	run grep -x "SCENARIO=cpuid" "$dir/cpuid.run/spec.env"
	assert_success
	# L1 boots a copy of its image that LAVA throws away: no overlay on the cache's.
	assert [ ! -e "$dir/cpuid.run/l1.qcow2" ]
	# The checksums are the artifacts'.
	run sha256sum "$dir/lava-artifacts/l2-$(jq -r .images.l2 "$dir/cpuid.run/run.json").qcow2"
	assert_success
	run grep -F "${output%% *}" "$job"
	assert_success
}

@test "lava collect: a folder without jobs is a usage error; a job without its log, or failed, gives no result; no host L0" {
	mkdir -p "$JOBS"
	run "$EXITSCOPE" lava collect "$JOBS"
	assert_failure 2
	assert_output --partial "no jobs under"
	kernel_id=$("$EXITSCOPE" kernel build --series 6.1 | tail -n 1)
	# The worker's QEMU is the job's L0: this host's L0 setting is neither read nor recorded.
	EXITSCOPE_L0=no-such-l0 run "$EXITSCOPE" lava cpuid-micro --kernel "$kernel_id" --out "$JOBS"
	assert_success
	refute_output --partial "L0:"
	run jq -e '.host.qemu_version == "unknown" and (.host | has("l0") | not)' \
		"$JOBS/$kernel_id/cpuid-micro.run/run.json"
	assert_success
	run "$EXITSCOPE" lava collect "$JOBS"
	assert_failure 1
	assert_output --partial "no log yet"
	assert [ ! -e "$JOBS/$kernel_id/cpuid-micro.json" ]
	# A job LAVA failed gives no result, and says LAVA's reason.
	printf '%s\n' '{"dt": "2026-11-30T01:00:00", "lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "fail", "error_msg": "auto-login timed out"}}' \
		>"$JOBS/$kernel_id/cpuid-micro.lava.log"
	run "$EXITSCOPE" lava collect "$JOBS"
	assert_failure 1
	assert_output --partial "the LAVA job failed: auto-login timed out"
	assert [ ! -e "$JOBS/$kernel_id/cpuid-micro.json" ]
}

@test "lava --accel kvm: a job for a nesting worker carries the harness's KVM options, written anywhere" {
	kernel_id=$("$EXITSCOPE" kernel build --series 6.1 | tail -n 1)
	run "$EXITSCOPE" lava reasons cpuid-micro --kernel "$kernel_id" --accel kvm --out "$JOBS"
	assert_success
	for name in reasons cpuid-micro; do
		job=$JOBS/$kernel_id/$name.lava.yaml
		run grep -cxE -- '  - -accel kvm|  - -cpu host|  - -smp 1|  - -no-reboot|  no_kvm: true|  memory: 1024' "$job"
		assert_output 6
		# KVM's L1 command line: no highres=off, which only TCG and Bochs need.
		run grep -F "highres=off" "$job"
		assert_failure
		run jq -e '.host.accel == "kvm"' "$JOBS/$kernel_id/$name.run/run.json"
		assert_success
	done
}

# bats test_tags=nested,lava
@test "lava: lava-run runs cpuid-micro's job, and the result equals exitscope run's but for times" {
	if ! command -v lava-run >/dev/null; then
		run "$EXITSCOPE_ROOT/scripts/deps.sh" --lava
		assert_success
	fi
	kernel_id=$("$EXITSCOPE" kernel build --series 6.1 | tail -n 1)
	run "$EXITSCOPE" lava cpuid-micro --kernel "$kernel_id" --out "$JOBS"
	assert_success
	job=$JOBS/$kernel_id/cpuid-micro.lava.yaml
	run grep -F -- "- -accel tcg" "$job"
	assert_success

	start=$SECONDS
	# 3>&-: QEMU must not hold bats' output pipe open.
	run "$EXITSCOPE_ROOT/lava/local-run.sh" "$job" 3>&-
	assert_success
	echo "# lava-run: $((SECONDS - start)) s" >&3
	log=$JOBS/$kernel_id/cpuid-micro.lava.log
	assert_lava_passed "$log" exitscope-micro probe-status exactness oracle

	run "$EXITSCOPE" lava collect "$JOBS"
	assert_success
	lava=$JOBS/$kernel_id/cpuid-micro.json
	run "$EXITSCOPE" show "$lava"
	assert_success
	assert_output --partial "all exact"

	start=$SECONDS
	# On the L0 the job ran on: LAVA's qemu device type starts the system QEMU.
	EXITSCOPE_L0=system run "$EXITSCOPE" run cpuid-micro --kernel "$kernel_id" \
		--results "$BATS_TEST_TMPDIR/direct" 3>&-
	assert_success
	echo "# exitscope run: $((SECONDS - start)) s" >&3
	direct=$BATS_TEST_TMPDIR/direct/$kernel_id/cpuid-micro.json
	run "$EXITSCOPE" diff "$direct" "$lava"
	assert_success
	# A lab's result names its L0 by the version LAVA logged, not by this host's choice.
	run jq -e '.host.l0 == "system"' "$direct"
	assert_success
	run jq -e '.host | has("l0") | not' "$lava"
	assert_success
	run diff <(without_times "$direct" | jq 'del(.host.l0)') <(without_times "$lava")
	assert_success
	# The jobs folder is a results folder for diff and report.
	run "$EXITSCOPE" diff "$BATS_TEST_TMPDIR/direct/$kernel_id/" "$JOBS/$kernel_id/"
	assert_success
	run "$EXITSCOPE" report "$JOBS/$kernel_id/" -o "$BATS_TEST_TMPDIR/REPORT.md" --no-charts
	assert_success
	run grep -F "1 of 1 caused reasons exact" "$BATS_TEST_TMPDIR/REPORT.md"
	assert_success
	# The comparison is not empty: the window, the oracle and the provenance are in it.
	run jq -e '.exits.total == 100000 and .oracle.match and .host.accel == "tcg" and
		.micro.exact' "$lava"
	assert_success
}

# shape FILE: a result's fields, without array indices, but for L0's name (a
# lab's worker does not say it) and the boot a direct run may share.
shape() {
	jq -r 'del(.host.l0, .l2.shared_boot) |
		[paths | map(select(type == "string")) | join(".")] | unique | .[]' "$1"
}

# same_fields FILE: what a job's result and a direct run's share, value for value;
# the timeline's events but L0's own and a shared boot's window marks.
same_fields() {
	jq -S '{kernel, l1, workload, l2: (.l2 | del(.shared_boot)), accel: .host.accel,
		cpu: .host.cpu_vendor, events: [.timeline.events[].name |
			select(startswith("l0-") or startswith("window-") | not)]}' "$1"
}

# bats test_tags=nested,lava
@test "lava: lava-run runs cpuid's nested job; its result is a direct run's in shape, and shows and diffs" {
	load helpers/nested
	if ! command -v lava-run >/dev/null; then
		run "$EXITSCOPE_ROOT/scripts/deps.sh" --lava
		assert_success
	fi
	kernel_id=$("$EXITSCOPE" kernel build --series 6.1 | tail -n 1)
	run "$EXITSCOPE" lava cpuid --kernel "$kernel_id" --out "$JOBS"
	assert_success
	job=$JOBS/$kernel_id/cpuid.lava.yaml
	log=$JOBS/$kernel_id/cpuid.lava.log

	# The worker's QEMU is the system one, which now and then loses L1 or L2 under
	# TCG (docs/nested-stall.md): one more try when the job failed or L2's probe
	# never reported, as the nested tests' --retries gives.
	start=$SECONDS
	tries=0
	while :; do
		tries=$((tries + 1))
		# 3>&-: QEMU must not hold bats' output pipe open.
		run "$EXITSCOPE_ROOT/lava/local-run.sh" "$job" 3>&-
		reported=$(grep -c 'TEST_CASE_ID=probe-status RESULT=pass' "$log" || true)
		echo "# lava-run try $tries: exit $status, probe-status passed: $reported" >&3
		{ [ "$status" -ne 0 ] || [ "$reported" = 0 ]; } && [ "$tries" -lt 2 ] || break
	done
	assert_success
	echo "# lava-run: $((SECONDS - start)) s, $tries tries" >&3
	# L1's test cases as its console signalled them, then as LAVA recorded them.
	run awk 'match($0, /TEST_CASE_ID=[a-z-]+ RESULT=[a-z]+/) && !seen[substr($0, RSTART, RLENGTH)]++ {
		print substr($0, RSTART, RLENGTH) }' "$log"
	assert_output "$(printf 'TEST_CASE_ID=%s RESULT=pass\n' probe-status exactness oracle)"
	assert_lava_passed "$log" exitscope-nested probe-status exactness oracle

	run "$EXITSCOPE" lava collect "$JOBS"
	assert_success
	lava=$JOBS/$kernel_id/cpuid.json
	run "$EXITSCOPE" show "$lava"
	assert_success
	assert_output --partial "kvm_exit hist: match"
	run jq -e '(.exits.by_reason[] | select(.name == "cpuid") | .count) == 100000 and
		.oracle.match and .l2.kernel == "trimmed" and (.host | has("l0") | not) and
		(.host.qemu_version | startswith("QEMU emulator version "))' "$lava"
	assert_success

	# The same scenario and kernel run directly (the shared boot's, when this bats run had it).
	run_scenario cpuid
	assert_success
	# Comparable (exit 0 or 1, not 2): the workload's reason equal; the rest may move
	# with the two L0s' timing (interrupts and MSR writes of L2's timer).
	run "$EXITSCOPE" diff "$RESULT" "$lava"
	assert [ "$status" -le 1 ]
	assert_line --regexp '^ +0x72  cpuid +100000 +100000 +0 '
	refute_output --regexp 'differs +(kernel|l1|workload)'
	run diff <(shape "$RESULT") <(shape "$lava")
	assert_success
	assert_equal "$(same_fields "$lava")" "$(same_fields "$RESULT")"
}
