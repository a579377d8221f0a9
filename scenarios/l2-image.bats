#!/usr/bin/env bats
# The L2 image on its own, under plain TCG (no nesting, so no exitscope
# kernel below it): Debian's kernel boots it, cloud-init finds a NoCloud seed
# made with cloud-localds, runs the probe from the user-data template, and the
# guest powers itself off.  The probe must say plainly that this hypervisor is
# not an exitscope kernel and exit 3, and that status must come back on the
# virtio-serial port, as it does under L1.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/common
	"$EXITSCOPE" images build --l2 >&3
	L2_DIR=$("$EXITSCOPE" images path l2)
	export L2_DIR
}

setup() {
	load helpers/common
}

# render TEMPLATE KEY=VALUE...: the @KEY@ placeholders of a cloud-init template.
render() {
	local template=$1 text pair
	text=$(<"$template")
	shift
	for pair in "$@"; do
		text=${text//@${pair%%=*}@/${pair#*=}}
	done
	printf '%s\n' "$text"
}

@test "l2 boots under TCG, cloud-init runs the probe, the guest powers off" {
	local dir=$BATS_TEST_TMPDIR templates=$EXITSCOPE_ROOT/guest-images/l2/cloud-init
	render "$templates/user-data.in" STAGE=runcmd 'PROBE_ARGS=run cpuid 1000' >"$dir/user-data"
	render "$templates/meta-data.in" "INSTANCE_ID=bats-$$-$RANDOM" >"$dir/meta-data"
	cloud-localds "$dir/seed.iso" "$dir/user-data" "$dir/meta-data"
	qemu-img create -q -f qcow2 -F qcow2 -b "$L2_DIR/image.qcow2" "$dir/l2.qcow2"

	local start=$SECONDS
	# 3>&-: QEMU must not hold bats' output pipe open.
	run -0 timeout --kill-after=10 600 qemu-system-x86_64 \
		-accel tcg -cpu max -m 1024 -smp 1 -nodefaults -no-user-config \
		-display none -no-reboot \
		-kernel "$L2_DIR/vmlinuz" -initrd "$L2_DIR/initrd.img" \
		-append "console=ttyS0 root=/dev/vda rw" \
		-drive "file=$dir/l2.qcow2,if=virtio,format=qcow2" \
		-drive "file=$dir/seed.iso,if=virtio,format=raw,readonly=on" \
		-serial "file:$dir/console.log" \
		-device virtio-serial \
		-chardev "file,id=probe,path=$dir/probe.out" \
		-device virtserialport,chardev=probe,name=org.exitscope.probe 3>&-
	echo "# l2 boot to power-off under TCG: $((SECONDS - start)) s" >&3

	# cloud-init's first stage, which runs the probe, says how long L2 had been up.
	grep -a "running 'init-local'" "$dir/console.log" | sed 's/.*Up \(.*\) seconds.*/# probe ran at L2 uptime \1 s/' >&3 || true
	run cat "$dir/console.log"
	assert_output --partial "this hypervisor is not an exitscope kernel"
	assert_output --partial "reboot: Power down"
	run cat "$dir/probe.out"
	assert_output "EXITSCOPE-PROBE-RC 3"
}
