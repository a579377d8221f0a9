#!/usr/bin/env bats
# What the L1 and L2 images hold, read from their filesystems with debugfs
# (nothing boots): the parts that make their start-up cheaper under
# emulation.  cloud-init in L2 and virt-install in L1 import hundreds of
# Python modules at every boot, so their bytecode must be accepted as it is:
# timestamp-checked (no source read and hashed per import) and matching its
# source's mtime and size (not rewritten at each boot).

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/common
	"$EXITSCOPE" images build --l1 >&3
	"$EXITSCOPE" images build --l2 >&3
}

setup() {
	load helpers/common
}

# rootfs KIND: a raw ext filesystem of image KIND that debugfs can read.
rootfs() {
	local dir
	dir=$("$EXITSCOPE" images path "$1")
	if [ -f "$dir/rootfs.ext2" ]; then
		echo "$dir/rootfs.ext2"
	else
		qemu-img convert -f qcow2 -O raw "$dir/image.qcow2" "$BATS_TEST_TMPDIR/$1.raw"
		echo "$BATS_TEST_TMPDIR/$1.raw"
	fi
}

# stale_bytecode ROOTFS DIR: every .pyc under DIR of ROOTFS that Python would
# not take as it is, one per line with the reason; DIR's .pyc count last.
stale_bytecode() {
	local out=$BATS_TEST_TMPDIR/tree
	rm -rf "$out" && mkdir -p "$out"
	debugfs -R "rdump $2 $out" "$1" >/dev/null 2>&1
	python3 - "$out" <<'PY'
import os, struct, sys
count = 0
for top, dirs, files in os.walk(sys.argv[1]):
    if os.path.basename(top) != "__pycache__":
        continue
    for name in files:
        if not name.endswith(".pyc"):
            continue
        count += 1
        pyc = os.path.join(top, name)
        source = os.path.join(os.path.dirname(top), name.split(".")[0] + ".py")
        with open(pyc, "rb") as f:
            flags, mtime, size = struct.unpack("<4xIII", f.read(16))
        if flags:
            print(f"{pyc}: hash-based (flags {flags})")
        elif not os.path.exists(source):
            continue
        elif (mtime, size) != (int(os.stat(source).st_mtime) & 0xFFFFFFFF,
                               os.stat(source).st_size & 0xFFFFFFFF):
            print(f"{pyc}: stale against its source")
print(f"pyc {count}")
PY
}

@test "L2: cloud-init's bytecode is timestamp-checked and current" {
	run stale_bytecode "$(rootfs l2)" /usr/lib/python3/dist-packages/cloudinit
	assert_success
	assert_output --regexp '^pyc [1-9][0-9]+$'
}

@test "L1: virt-install's bytecode is timestamp-checked and current" {
	run stale_bytecode "$(rootfs l1)" /usr/share/virt-manager/virtinst
	assert_success
	assert_output --regexp '^pyc [1-9][0-9]+$'
}

@test "L1: one QEMU system emulator for libvirtd to probe at its start" {
	local fs
	fs=$(rootfs l1)
	run debugfs -R "stat /usr/bin/qemu-system-x86_64" "$fs"
	assert_success
	run debugfs -R "stat /usr/bin/qemu-system-i386" "$fs"
	assert_output --partial "File not found"
}

@test "L2: systemd runs only the generators a probe run needs, and keeps its journal in memory" {
	local fs gen
	fs=$(rootfs l2)
	# Masked: a link to /dev/null of the generator's name in /etc/systemd/system-generators/.
	for gen in cryptsetup integritysetup veritysetup gpt-auto hibernate-resume sysv rc-local \
		system-update run getty; do
		run debugfs -R "stat /etc/systemd/system-generators/systemd-$gen-generator" "$fs"
		assert_output --partial 'Fast link dest: "/dev/null"'
	done
	# Kept: cloud-init's, fstab's, and the one that reads systemd.mask= off the command line.
	for gen in cloud-init-generator systemd-fstab-generator systemd-debug-generator; do
		run debugfs -R "stat /etc/systemd/system-generators/$gen" "$fs"
		assert_output --partial "File not found"
		run debugfs -R "stat /usr/lib/systemd/system-generators/$gen" "$fs"
		assert_output --partial "Type: regular"
	done
	run debugfs -R "cat /etc/systemd/journald.conf.d/exitscope.conf" "$fs"
	assert_output --partial "Storage=volatile"
}
