#!/usr/bin/env bash
# python-bytecode.sh CHROOT: an image's Python bytecode in the timestamp form
# a Debian system gets when SOURCE_DATE_EPOCH is not set at install time.
#
# With SOURCE_DATE_EPOCH set, Debian compiles every .pyc "checked-hash": at
# each import Python reads the .py as well and hashes it, and cloud-init in
# L2 and virt-install in L1 import hundreds of modules at every boot of a
# fresh overlay, under emulation.  A timestamp .pyc is checked against its
# source's mtime and size only.  The image clamps mtimes to
# SOURCE_DATE_EPOCH, so sources are clamped first: compiled from a later
# mtime, a .pyc would be stale in the image and rewritten at every boot.
# Only the .pyc files the packages made are compiled again, none added.
set -euo pipefail

root=$1
[ -x "$root/usr/bin/python3" ] || exit 0
: "${SOURCE_DATE_EPOCH:?python-bytecode.sh needs SOURCE_DATE_EPOCH (recipe.env)}"

chroot "$root" python3 - "$SOURCE_DATE_EPOCH" <<'PY'
import os
import py_compile
import sys

epoch = int(sys.argv[1])
mode = py_compile.PycInvalidationMode.TIMESTAMP
tag = sys.implementation.cache_tag
for top, _, files in os.walk("/usr"):
    if os.path.basename(top) != "__pycache__":
        continue
    for name in files:
        parts = name.split(".")
        if parts[-1] != "pyc" or len(parts) < 3 or parts[1] != tag:
            continue
        optimize = int(parts[2][4:]) if parts[2].startswith("opt-") else 0
        source = os.path.join(os.path.dirname(top), parts[0] + ".py")
        if not os.path.isfile(source):
            continue
        if os.stat(source).st_mtime > epoch:
            os.utime(source, (epoch, epoch))
        py_compile.compile(source, cfile=os.path.join(top, name), doraise=True,
                           optimize=optimize, invalidation_mode=mode)
PY
