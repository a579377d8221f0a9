#!/usr/bin/env bats
# io: L2 writes and reads back 16 MiB with O_DIRECT on its virtio disk and
# writes 1000 bytes to an I/O port: IOIO exits for the port writes, and the
# disk's notifications and interrupts, with the data verified.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/nested
}

# bats test_tags=nested,slow
@test "io: verified disk I/O and at least one IOIO exit per port write" {
	run_scenario io
	assert_success
	assert_result_checked
	run jq -e '.workload.figures.verified == true and
		.workload.figures.bytes_written == 16777216 and
		.workload.figures.bytes_read == 16777216' "$RESULT"
	assert_success
	assert [ "$(reason_count io)" -ge 1000 ]
}
