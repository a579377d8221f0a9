#!/usr/bin/env bash
# customize.sh CHROOT: the L1 image's own files, run by guest-images/build.sh
# inside mmdebstrap's customize phase.
set -euo pipefail

root=$1
recipe=$EXITSCOPE_RECIPE
agent=$recipe/../../harness/agent/exitscope-agent
# The micro guest, static: the agent runs `exitmicro spin` as a neighbor VM beside L2.
micro=$recipe/../../harness/build/exitmicro

install -D -m 0755 "$recipe/exitscope-init" "$root/usr/local/sbin/exitscope-init"
install -D -m 0755 "$agent" "$root/usr/local/sbin/exitscope-agent"
install -D -m 0755 "$recipe/exitscope-lava" "$root/usr/local/sbin/exitscope-lava"
install -D -m 0755 "$micro" "$root/usr/local/sbin/exitmicro"
ln -sf /bin/busybox "$root/usr/local/sbin/poweroff"

# libvirtd runs without systemd, virtlogd, cgroup delegation or a network:
# QEMU as root with no per-domain namespace or cgroup is enough for one L2,
# and each of those would add start-up work under emulation.
cat >>"$root/etc/libvirt/qemu.conf" <<'CONF'

# exitscope: one throwaway L2 per boot of L1.
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
CONF
rm -f "$root/etc/libvirt/qemu/networks/autostart/"*.xml
# libvirtd probes every QEMU system emulator it finds at each start, two
# QEMU processes each, seconds apiece under emulation: L2 is x86_64, and
# qemu-system-x86_64 runs i686 guests as well.
rm -f "$root/usr/bin/qemu-system-i386"

echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
echo exitscope-l1 >"$root/etc/hostname"
: >"$root/etc/machine-id"
