#!/usr/bin/env bats
# cpuid: L2 executes N CPUID instructions; the patched L1 must count exactly
# N CPUID exits in the workload window (the probe's own reads apart, in
# probe_own), and over the oracle's window (L2's whole life, or in a boot
# shared with other scenarios cpuid's own window) the patch's counters must
# equal the kvm_exit histogram.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "cpuid: exactly N CPUID exits, and the oracle agrees" {
	run_scenario cpuid
	assert_success
	assert_result_checked
	local n
	n=$(jq -r '.workload.params.N' "$RESULT")
	assert_equal "$n" 100000
	assert_equal "$(reason_count cpuid)" "$n"
	assert_probe_own_apart
	run jq -e '.probe_cpuid_exits >= 1' "$RESULT"
	assert_success
	run jq -e '.workload.figures.iterations == 100000 and .l1.isa == "svm"' "$RESULT"
	assert_success
	# Without --trace L1 kept no ring of KVM events, and the result says so.
	run jq -e '.host.trace == false' "$RESULT"
	assert_success
	# L2 booted the trimmed kernel (scenarios.cfg), and the result says which.
	run jq -e '.l2.kernel == "trimmed" and (.l2.kernel_id | test("^[0-9a-f]{12}$"))' "$RESULT"
	assert_success
	# The timeline: L0's clock only goes forward, L2 measured its window, the probe ran in L2's life.
	run jq -e '.timeline.window.wall_s > 0 and .timeline.window.tsc > 0 and ([.timeline.events[].t_s | numbers] | . == sort)' "$RESULT"
	assert_success
	run jq -e '[.timeline.events[].name] | .[0] == "l0-start" and .[-1] == "l0-end" and index("l2-running") != null and index("probe-start") > index("l2-running") and index("l2-off") > index("probe-start")' "$RESULT"
	assert_success
	# L2's own events by L2's uptime: init, cloud-init's first stage (it runs the probe: no
	# end, and no later stage has begun), the probe's end after its start.
	# L2's console is in the run directory of the boot: cpuid's own, or the shared one's.
	local boot console
	boot=$(jq -r '.l2.shared_boot // .scenario' "$RESULT")
	console=$(dirname "$RESULT")/$boot.run/out/l2-console.log
	run grep -a "EXITSCOPE-PROBE-RC 0" "$console"
	assert_success
	# systemd started every unit it ran before the probe: none failed on L2's console.
	run grep -a "FAILED" "$console"
	assert_failure
	# The trimmed kernel has nothing for udev's coldplug or for module loading to load: its
	# boot masks them.  After the probe L2 powers off at once: systemd stops no unit.
	run grep -a -e "Coldplug All udev Devices" -e "Load Kernel Module" -e "Stopped target" "$console"
	assert_failure
	run jq -e '[.timeline.events[] | select(.l2_uptime_s != null)] | (map(.l2_uptime_s) | . == sort) and (map(.name) | index("l2-userspace") != null and index("cloud-init-init-local-start") != null and index("cloud-init-init-local-end") == null and index("cloud-init-init-start") == null and index("probe-end") > index("probe-start"))' "$RESULT"
	assert_success
}

# bats test_tags=nested
@test "cpuid: in a boot it shares, its window is its own, and its run directory reassembles alone" {
	[[ " $SHARED_BOOT " == *" cpuid "* ]] || skip "SHARED_BOOT does not hold cpuid: it boots alone"
	run_scenario cpuid
	assert_success
	run jq -e --arg boot "${SHARED_BOOT// /+}" '.l2.shared_boot == $boot and .oracle.match' "$RESULT"
	assert_success
	# L1 read the histogram when the window began, once: the oracle is over that window.
	local dir=${RESULT%.json}.run
	assert [ -s "$dir/out/kvm-exit-hist-begin.txt" ]
	run grep -c "^window-begin cpuid$" <(cut -d' ' -f2- "$dir/status.log")
	assert_output 1
	cp "$RESULT" "$BATS_TEST_TMPDIR/cpuid.json"
	run "$EXITSCOPE" run cpuid --reassemble --kernel "$(basename "$(dirname "$RESULT")")" \
		--results "$RESULTS_DIR"
	assert_success
	run cmp "$RESULT" "$BATS_TEST_TMPDIR/cpuid.json"
	assert_success
}
