#!/usr/bin/env bats
# scope: the abi scenario with a second VM beside L2 in L1 (exitmicro spin,
# executing CPUIDs for as long as L2 lives).  Under ABI 2's default per-VM
# scope L2's window must hold only its own CPUIDs while L1's host-wide view
# holds the neighbor's too, and the neighbor's own per-VM file only its own.
# The neighbor keeps one of L1's two vCPUs busy, which makes L2 several times
# slower under TCG: it runs in make test-nested, not in make test.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested,slow
@test "scope: another VM's exits are in the host's view, not in L2's" {
	run_scenario scope
	assert_success
	assert_result_checked
	run jq -e '.workload.figures.verified == true and all(.workload.figures.checks[]; .pass)' "$RESULT"
	assert_success
	run jq -r '.neighbor | "cpuid \(.cpuid), l2 \(.l2_cpuid), host \(.host_cpuid), isolated \(.isolated)"' "$RESULT"
	echo "# neighbor: $output" >&3
	run jq -e '.neighbor.isolated == true and .neighbor.cpuid > 0' "$RESULT"
	assert_success
	# L2's workload window: the CPUIDs run abi executed, nothing else; the
	# probe's own read is apart, in probe_own.
	run jq -e '.neighbor.l2_cpuid == .workload.figures.cpuid and
		.neighbor.l2_cpuid == ([.exits.by_reason[] | select(.name == "cpuid") | .count] | add // 0)' "$RESULT"
	assert_success
	assert_probe_own_apart
	# The host's view holds both VMs' CPUIDs, the probe's reads among them.
	run jq -e '.neighbor.host_cpuid >= .neighbor.cpuid + .neighbor.l2_cpuid + .probe_own.total' "$RESULT"
	assert_success
}
