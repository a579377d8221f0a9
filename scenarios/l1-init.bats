#!/usr/bin/env bats
# L1's PID 1 (guest-images/l1/exitscope-init), run for real in fresh PID,
# mount and UTS namespaces, with a stand-in agent: init must reap orphans
# while the agent is busy, or libvirtd waits 40 s for L2's QEMU to go away
# (the slow L2 teardown of docs/nested-stall.md).

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	[ "$(id -u)" = 0 ] || skip "needs root for namespaces and init's mounts"
}

@test "L1's init reaps L2's QEMU while the agent waits on virsh" {
	# /var/lib becomes a tmpfs in the namespace: init's mkdir of
	# /var/lib/libvirt/images must not touch this host, and the stand-in
	# must live outside /tmp and /run, which init mounts over.
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout 60 unshare --pid --fork --mount --uts --mount-proc sh -c '
		mount -t tmpfs tmpfs /var/lib && cp "$1" /var/lib/agent &&
		EXITSCOPE_AGENT=/var/lib/agent exec sh "$2"' sh \
		"$BATS_TEST_DIRNAME/helpers/orphan-agent" \
		"$EXITSCOPE_ROOT/guest-images/l1/exitscope-init" 5>"$BATS_TEST_TMPDIR/seen"
	run cat "$BATS_TEST_TMPDIR/seen"
	assert_output "reaped"
}
