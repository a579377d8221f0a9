#!/usr/bin/env bash
# Boot the patched kernel as L1 with nothing but an initramfs holding the
# micro guest (harness/build/exitmicro) and run it once: every action (or the
# ones named) K times, each checked on three views.  Under QEMU TCG (-cpu
# max: emulated SVM) or, with --emulator bochs, under Bochs with an Intel
# model that has VMX and EPT.
#
#   scripts/micro-boot.sh [--kernel ID | --bzimage FILE] [--series 6.1|6.12]
#                         [--emulator qemu|bochs] [--k K] [--timeout S]
#                         [--out DIR] [ACTION...]
#
# Without --kernel or --bzimage the patched kernel of the series is built
# through the harness (cached). Writes DIR/micro.json (exitmicro's
# document), DIR/console.log and DIR/times.env, prints the document on
# stdout and one timing line on stderr. Exit status: exitmicro's (0 every
# caused reason exact, 1 not), 2 usage, 3 environment, 124 timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EXITSCOPE=$ROOT/harness/build/exitscope
MICRO=$ROOT/harness/build/exitmicro
BUSYBOX=${BUSYBOX:-/bin/busybox}

kernel_id="" bzimage="" series=6.1 emulator=qemu k=1000 timeout=900 out="" actions=()

die() {
	echo "micro-boot: $2" >&2
	exit "$1"
}

usage() {
	sed -n '/^#   scripts/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel_id=${2:?}; shift 2 ;;
	--bzimage) bzimage=${2:?}; shift 2 ;;
	--series) series=${2:?}; shift 2 ;;
	--emulator) emulator=${2:?}; shift 2 ;;
	--k) k=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) actions+=("$1"); shift ;;
	esac
done
case $emulator in qemu | bochs) ;; *) usage ;; esac
[[ $k =~ ^[1-9][0-9]*$ && $timeout =~ ^[1-9][0-9]*$ ]] || usage

for tool in cpio gzip jq timeout; do
	command -v "$tool" >/dev/null || die 3 "$tool is missing; run 'make deps'"
done
[ -x "$BUSYBOX" ] || die 3 "no static busybox at $BUSYBOX; apt-get install busybox-static"

make -s -C "$ROOT/harness" build/exitscope build/exitmicro >&2 ||
	die 3 "cannot build the harness (make -C harness)"
for action in "${actions[@]}"; do
	"$MICRO" list | awk 'NR > 1 { print $1 }' | grep -qx -- "$action" ||
		die 2 "no action '$action'; 'harness/build/exitmicro list' names them"
done

if [ -z "$bzimage" ]; then
	if [ -z "$kernel_id" ]; then
		kernel_id=$("$EXITSCOPE" kernel build --series "$series" | tail -n 1) ||
			die 3 "cannot build the $series kernel; see the harness's message above"
	fi
	bzimage=$("$EXITSCOPE" kernel path "$kernel_id")/bzImage ||
		die 2 "no kernel $kernel_id; 'harness/build/exitscope kernel list' shows them"
fi
[ -r "$bzimage" ] || die 3 "cannot read $bzimage"

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/micro-boot.XXXXXX")
fi
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/micro-initrd.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The initramfs: busybox, exitmicro and the init, owned by root whoever builds it.
initramfs() {
	local root=$work/root
	mkdir -p "$root/bin"
	cp "$BUSYBOX" "$root/bin/busybox"
	cp "$MICRO" "$root/bin/exitmicro"
	cp "$ROOT/scripts/micro/init" "$root/init"
	chmod 0755 "$root/init" "$root/bin/busybox" "$root/bin/exitmicro"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/initrd.gz"
}

# The kernel command line: the console, no printk on it to interleave with
# the document, and what the init passes to exitmicro.
append() {
	local list
	list=$(IFS=,; echo "${actions[*]}")
	echo "console=ttyS0,115200 quiet highres=off panic=-1 rdinit=/init kvm.nx_huge_pages=off" \
		"exitmicro.k=$k exitmicro.timeout=$timeout${list:+ exitmicro.actions=$list}"
}

run_qemu() {
	# 3>&-: a background QEMU must not hold a caller's extra descriptors (bats) open.
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -nographic \
		-kernel "$bzimage" -initrd "$work/initrd.gz" -append "$(append)" -no-reboot \
		</dev/null >"$out/console.log" 2>"$out/emulator.log" 3>&-
}

# Bochs has no -kernel: an isolinux ISO carries the kernel and the initramfs.
bochs_iso() {
	local iso=$work/iso
	mkdir -p "$iso"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/"
	cp "$bzimage" "$iso/bzimage"
	cp "$work/initrd.gz" "$iso/initrd.gz"
	printf 'default micro\nlabel micro\n  kernel /bzimage\n  append initrd=/initrd.gz %s\n' \
		"$(append)" >"$iso/isolinux.cfg"
	genisoimage -quiet -o "$work/boot.iso" -b isolinux.bin -c boot.cat -no-emul-boot \
		-boot-load-size 4 -boot-info-table "$iso"
}

run_bochs() {
	command -v bochs-bin >/dev/null || die 3 "no bochs-bin; apt-get install bochs bochsbios vgabios"
	[ -r /usr/lib/ISOLINUX/isolinux.bin ] || die 3 "no isolinux; apt-get install isolinux syslinux-common"
	bochs_iso
	sed -e "s|@ISO@|$work/boot.iso|" -e "s|@CONSOLE@|$out/console.log|" \
		-e "s|@LOG@|$out/emulator.log|" "$ROOT/scripts/micro/bochsrc" >"$work/bochsrc"
	echo c >"$work/continue.rc"
	# The debugger build stops at the first instruction without "c"; the display
	# listens on nothing in an empty network namespace.  A guest power-off ends
	# Bochs with a PANIC and status 1: the console says how the run went.
	timeout -k 10 "$timeout" unshare -n bochs-bin -q -f "$work/bochsrc" -rc "$work/continue.rc" \
		</dev/null >"$out/bochs.out" 2>&1 3>&- || true
}

# elapsed START: wall seconds since START, one decimal.
elapsed() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# The host's time at which L1's init spoke: Bochs's guest clock is not wall time.
watch_init() {
	until grep -qa '^EXITSCOPE-MICRO-INIT' "$out/console.log" 2>/dev/null; do
		sleep 0.2
	done
	elapsed "$start" >"$work/init_wall"
}

initramfs
rm -f "$out/console.log" "$out/micro.json" "$out/times.env"
start=$(date +%s.%N)
watch_init &
watcher=$!
status=0
if [ "$emulator" = qemu ]; then
	run_qemu || status=$?
else
	run_bochs
fi
wall=$(elapsed "$start")
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
init_wall=$(cat "$work/init_wall" 2>/dev/null || echo -)
[ "$status" -eq 124 ] && die 124 "the $emulator run timed out after $timeout s; see $out/console.log"

tr -d '\r' <"$out/console.log" >"$work/console"
sed -n '/^EXITSCOPE-MICRO-BEGIN$/,/^EXITSCOPE-MICRO-END$/p' "$work/console" | sed '1d;$d' >"$out/micro.json"
read -r _ rc done_s < <(grep -m1 '^EXITSCOPE-MICRO-RC ' "$work/console" || echo "- - -")
read -r _ init_s < <(grep -m1 '^EXITSCOPE-MICRO-INIT ' "$work/console" || echo "- -")
if [ "$rc" = - ]; then
	die 3 "L1 did not finish the micro guest ($emulator status $status); see $out/console.log"
fi
if [ "$rc" -ge 2 ] || ! jq -e .schema "$out/micro.json" >/dev/null 2>&1; then
	grep '^exitmicro: ' "$work/console" >&2 || true
	die 3 "exitmicro failed in L1 (status $rc); see $out/console.log"
fi
micro_s=$(awk -v a="$init_s" -v b="$done_s" 'BEGIN { printf "%.1f", b - a }')
printf 'emulator=%s\nwall_s=%s\ninit_wall_s=%s\ninit_s=%s\nmicro_s=%s\nrc=%s\n' \
	"$emulator" "$wall" "$init_wall" "$init_s" "$micro_s" "$rc" >"$out/times.env"
echo "micro-boot: $emulator wall ${wall} s, L1 init after ${init_wall} s (${init_s} s L1 clock)," \
	"exitmicro ${micro_s} s L1 clock, exact=$(jq -r .exact "$out/micro.json"); $out" >&2
cat "$out/micro.json"
exit "$rc"
