#!/usr/bin/env bash
# customize.sh CHROOT: the L2 image's own files, run by guest-images/build.sh
# inside mmdebstrap's customize phase.
set -euo pipefail

root=$1
out=$EXITSCOPE_IMAGE_OUT

[ -x "$EXITSCOPE_PROBE" ] || { echo "customize: EXITSCOPE_PROBE must name the static exitprobe" >&2; exit 2; }
install -D -m 0755 "$EXITSCOPE_PROBE" "$root/usr/local/bin/exitprobe"
install -D -m 0755 "$EXITSCOPE_RECIPE/exitscope-l2-init" "$root/usr/local/sbin/exitscope-l2-init"
install -D -m 0755 "$EXITSCOPE_RECIPE/exitscope-port" "$root/usr/local/bin/exitscope-port"

# The initramfs only has to find a virtio disk with ext2/ext4 on it and L2's
# console, a virtio console (hvc0): a small list instead of MODULES=most
# makes it a fraction of the size, and smaller is faster to unpack under
# emulation.  MODULES=dep cannot work in a chroot.
mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/etc/initramfs-tools/hooks"
echo MODULES=list >"$root/etc/initramfs-tools/conf.d/exitscope.conf"
cat >"$root/etc/initramfs-tools/hooks/exitscope" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
for m in virtio_pci virtio_blk virtio_console ext4; do force_load "$m"; done
HOOK
chmod 0755 "$root/etc/initramfs-tools/hooks/exitscope"
chroot "$root" update-initramfs -u -k all

# NoCloud only: ds-identify then skips probing for every other cloud.  Of
# cloud-init's modules only those a probe run uses: the rest (locales, SSH
# keys, users, mounts, package updates) cost tens of seconds per boot under
# emulation and would show up as exits in the boot scenario.  All of them
# are init modules, runcmd's script run (scripts_user) and the power-off
# included: NoCloud's seed is a local disk, so cloud-init runs its init
# modules in its first stage (init-local), and the guest is off before the
# three later stages start, each another Python start costing seconds under
# nesting.  The rest of systemd's boot waits for that stage (it is ordered
# before sysinit.target), so little else runs beside the probe.
cat >"$root/etc/cloud/cloud.cfg.d/90-exitscope.cfg" <<'CFG'
datasource_list: [ NoCloud, None ]
cloud_init_modules: [ bootcmd, runcmd, scripts_user, power_state_change ]
cloud_config_modules: []
cloud_final_modules: []
CFG

# udev would load drivers for devices no run uses (SMBus, speaker, input,
# the guest's own KVM, crypto by CPU feature), and each costs seconds under
# nesting.  The disk and the ports are virtio; the IDE/SATA drivers stay,
# because virt-install attaches the cloud-init seed as a CD-ROM.
cat >"$root/etc/modprobe.d/exitscope.conf" <<'CONF'
blacklist kvm
blacklist kvm_amd
blacklist kvm_intel
blacklist i2c_piix4
blacklist floppy
blacklist pcspkr
blacklist serio_raw
blacklist psmouse
blacklist evdev
blacklist joydev
blacklist button
blacklist aesni_intel
blacklist ghash_clmulni_intel
blacklist sha512_ssse3
blacklist crc32_pclmul
blacklist bochs
blacklist drm
CONF

# systemd's 60-block.rules has the kernel poll removable media every 2 s,
# and virt-install attaches the cloud-init seed as an IDE CD-ROM: each poll
# is an ATAPI command of about 37 port I/O exits, in every window.  The seed
# is read once, at boot; nothing needs to know when it changes.
cat >"$root/etc/udev/rules.d/61-exitscope-no-media-poll.rules" <<'RULES'
ACTION=="add", SUBSYSTEM=="module", KERNEL=="block", ATTR{parameters/events_dfl_poll_msecs}="0"
RULES

# A root filesystem and nothing else to mount; libvirt boots it as /dev/vda.
echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
echo exitscope-l2 >"$root/etc/hostname"

# Timers and units that only cost boot time in a throwaway guest.  No getty
# on the console either: its prompt and its reads would be exits of their
# own, and nobody logs in.
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
	e2scrub_reap.service fstrim.timer systemd-timesyncd.service getty@.service getty-static.service \
	serial-getty@.service; do
	ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# systemd's generators that find nothing to do here: no encrypted, verity or
# integrity volumes, no GPT to discover (L2's root is a bare file system on
# /dev/vda), no hibernation image, no SysV script without a native unit, no
# rc.local, no offline update, no systemd.run=, and no getty (masked above).
# Each is a process linking systemd's shared library, a fraction of a second
# apiece under nesting, before systemd starts any unit.  The fstab, debug
# (systemd.mask= on the command line) and cloud-init generators stay.
mkdir -p "$root/etc/systemd/system-generators"
for gen in cryptsetup integritysetup veritysetup gpt-auto hibernate-resume sysv rc-local \
	system-update run getty; do
	ln -sf /dev/null "$root/etc/systemd/system-generators/systemd-$gen-generator"
done

# The journal in memory: nothing reads it after the run, and flushing it to
# L2's disk is work beside cloud-init's start.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$root/etc/systemd/journald.conf.d/exitscope.conf"

# Debian's kernel and initramfs for direct kernel boot.
cp "$root/boot/vmlinuz-"* "$out/vmlinuz"
cp "$root/boot/initrd.img-"* "$out/initrd.img"

# cloud-init and systemd make these per instance.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root/etc/ssh/ssh_host_"*
