#!/usr/bin/env bats
# kboot: L2's kernel boot alone.  The probe is L2's PID 1 (scenarios.cfg stage
# init): one snapshot right after the kernel is done (the trimmed kernel:
# stock 6.1 with L1's config, no initramfs), then power-off, with no
# systemd and no cloud-init in between.  The shortest whole L0 -> L1 -> L2
# round; `make soak` repeats it.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested
@test "kboot: the exits of L2's kernel boot, with the probe as PID 1" {
	run_scenario kboot
	assert_success
	assert_result_checked
	run jq -e '.boot.total > 1000 and ([.boot.by_reason[].count] | add) <= .boot.total' "$RESULT"
	assert_success
	run jq -e '[.boot.by_reason[].name] | index("interrupt") != null' "$RESULT"
	assert_success
	# A snapshot counts no reads of its own: nothing is taken out of its window.
	run jq -e '.probe_own == {total: 0, cycles: 0, by_reason: []}' "$RESULT"
	assert_success
	run jq -e '.l2.kernel == "trimmed"' "$RESULT"
	assert_success
	# The result names the L0 QEMU that ran it, as that QEMU names itself.
	run jq -r .host.qemu_version "$RESULT"
	assert_output "$("$(l0_qemu)" --version | head -n 1)"
	# L2's QEMU was gone as soon as libvirtd killed it: L1's init reaped it.
	run grep -a "Failed to terminate process" "${RESULT%.json}.run/out/libvirtd.log"
	assert_failure
	# The probe ran as init: cloud-init never started.
	local console=${RESULT%.json}.run/out/l2-console.log
	run grep -a "EXITSCOPE-PROBE-RC 0" "$console"
	assert_success
	run grep -a -i "cloud-init" "$console"
	assert_failure
	# L2's console is the virtio one: nothing went out of its UART, where each
	# character would have been a nested port I/O exit.
	assert [ -e "${RESULT%.json}.run/out/l2-serial.log" ]
	assert [ ! -s "${RESULT%.json}.run/out/l2-serial.log" ]
	# Its timeline: when L2's kernel ran init (the probe's own shell), and no cloud-init stage.
	run jq -e '[.timeline.events[].name] | index("l2-userspace") != null and index("probe-end") != null and (map(select(startswith("cloud-init"))) | length == 0)' "$RESULT"
	assert_success
}

# bats test_tags=nested
@test "kboot: libvirtd probes QEMU once; the next run of the same L1 reuses its capabilities" {
	local kept_all=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}/libvirt-caps run_dir kept
	rm -rf "$kept_all"
	run_scenario kboot
	assert_success
	run_dir=${RESULT%.json}.run
	assert [ ! -e "$run_dir/libvirt-caps" ]
	assert_equal "$(cat "$run_dir/out/libvirt-caps.txt")" probed
	kept=$(jq -r '"\(.images.l1)-\(.kernel)-\(.host.l0)"' "$run_dir/run.json")
	run ls "$kept_all/$kept"
	assert_output --regexp '\.xml'
	run_scenario kboot
	assert_success
	assert [ -d "$run_dir/libvirt-caps" ]
	assert_equal "$(cat "$run_dir/out/libvirt-caps.txt")" reused
	run diff -r "$run_dir/libvirt-caps" "$run_dir/out/libvirt-caps"
	assert_success
}
