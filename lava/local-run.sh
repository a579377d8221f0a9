#!/usr/bin/env bash
# local-run.sh JOB: runs one job that `exitscope lava` wrote with lava-run
# (Debian's lava-dispatcher) on this machine, as a lab's dispatcher would,
# and leaves LAVA's log beside the job (SCENARIO.lava.log) for
# `exitscope lava collect`.  The device dictionary is what a LAVA server
# renders for the job: lava-server's own qemu device type template with the
# job's context (from /usr/share/lava-server/device-types, or from Debian's
# lava-server package, fetched with apt-get download and unpacked into the
# cache, not installed).  Needs root (lava-run does).  Exit: lava-run's.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: lava/local-run.sh DIR/<kernel-id>/SCENARIO.lava.yaml" >&2
	exit 2
fi
job=$1
log=${job%.lava.yaml}.lava.log
command -v lava-run >/dev/null || {
	echo "local-run.sh: no lava-run; apt-get install lava-dispatcher" >&2
	exit 3
}
work=$(mktemp -d "${TMPDIR:-/tmp}/exitscope-lava.XXXXXX")
trap 'rm -rf "$work"' EXIT

types=${LAVA_DEVICE_TYPES:-/usr/share/lava-server/device-types}
if [ ! -r "$types/qemu.jinja2" ]; then
	unpacked=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}/lava-server
	types=$unpacked/usr/share/lava-server/device-types
	if [ ! -r "$types/qemu.jinja2" ]; then
		(cd "$work" && apt-get download -q lava-server >/dev/null 2>&1) || {
			echo "local-run.sh: cannot fetch Debian's lava-server package for its device types" >&2
			exit 3
		}
		mkdir -p "$unpacked"
		dpkg-deb -x "$work"/lava-server_*.deb "$unpacked"
	fi
fi

# The server's way: {% extends 'DEVICE_TYPE.jinja2' %}, rendered with the job's context.
python3 - "$types" "$job" "$work/device.yaml" <<'PY'
import sys
import jinja2
import yaml

types, job_path, out = sys.argv[1:]
with open(job_path, encoding="utf-8") as f:
    job = yaml.safe_load(f)
env = jinja2.Environment(loader=jinja2.FileSystemLoader(types), trim_blocks=True,
                         autoescape=False)
template = env.from_string("{%% extends '%s.jinja2' %%}" % job["device_type"])
with open(out, "w", encoding="utf-8") as f:
    f.write(template.render(**job.get("context", {})))
PY

rc=0
lava-run --job-id "exitscope-$$" --output-dir "$work/out" --device "$work/device.yaml" \
	"$job" >"$log" 2>&1 || rc=$?
echo "local-run.sh: lava-run exited $rc; its log is $log"
exit "$rc"
