#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the probe's replay tuples from a model exitscope host (ABI 2).

The model follows kernel-patch/ABI.md: every CPUID the probe executes is an
exit, counted before it is answered, its cycles charged after; other exits
(interrupts, timer writes) land between reads where a test wants them.

    python3 model.py snapshot-svm >snapshot-svm.tuples
    python3 model.py run-cpuid-vmx >run-cpuid-vmx.tuples
"""
import sys

LEAF_INFO, LEAF_REASON, LEAF_TOTAL = 0x4FFFFFFB, 0x4FFFFFFE, 0x4FFFFFFF
SIGNATURE = 0x43535845
VMX_GAPS = {35, 38, 42, 71, 82, 83}


def defined(isa):
    """The reasons the manual defines, in slot order: what the probe reads."""
    if isa == "vmx":
        return [c for c in range(86) if c not in VMX_GAPS]
    return list(range(0xA7)) + list(range(0x400, 0x404)) + list(range(0xFFFFFFFC, 1 << 32))


class Host:
    def __init__(self, isa, counters, cpuid_cycles):
        self.isa = isa
        self.cpuid = 10 if isa == "vmx" else 0x72
        self.slots = 86 if isa == "vmx" else 175
        self.count = {c: n for c, (n, _) in counters.items()}
        self.cycles = {c: cy for c, (_, cy) in counters.items()}
        self.cpuid_cycles = cpuid_cycles
        self.reads = 0
        self.events = {}	# read number -> [(code, cycles)] after that read
        self.lines = []

    def exit(self, code, cycles):
        self.count[code] = self.count.get(code, 0) + 1
        self.cycles[code] = self.cycles.get(code, 0) + cycles

    def total(self):
        return sum(self.count.values()), sum(self.cycles.values())

    def answer(self, leaf, ecx):
        if leaf == LEAF_INFO:
            return 2, (1 if self.isa == "vmx" else 2), self.slots, SIGNATURE
        if leaf == LEAF_TOTAL:
            n, cy = self.total()
        else:
            n, cy = self.count.get(ecx, 0), self.cycles.get(ecx, 0)
        return n & 0xFFFFFFFF, cy >> 32, cy & 0xFFFFFFFF, n >> 32

    def cpuid_read(self, leaf, ecx=0):
        self.count[self.cpuid] = self.count.get(self.cpuid, 0) + 1
        regs = self.answer(leaf, ecx)
        self.cycles[self.cpuid] = self.cycles.get(self.cpuid, 0) + self.cpuid_cycles
        self.lines.append("%08x %08x  %08x %08x %08x %08x" % ((leaf, ecx) + regs))
        self.reads += 1
        for code, cycles in self.events.get(self.reads, []):
            self.exit(code, cycles)

    def snapshot(self):
        self.cpuid_read(LEAF_REASON, self.cpuid)
        for code in defined(self.isa):
            self.cpuid_read(LEAF_REASON, code)
        self.cpuid_read(LEAF_TOTAL)
        self.cpuid_read(LEAF_REASON, self.cpuid)


def snapshot_svm():
    """kvm-amd: npf's count beyond 32 bits, hlt's and npf's cycles beyond 32 bits."""
    host = Host("svm", {
        0x041: (3, 7500), 0x060: (48213, 101247300), 0x064: (3310, 2317000),
        0x072: (1378, 2067000), 0x077: (12, 4800), 0x078: (9120, 27358000000),
        0x07B: (61544, 252330400), 0x07C: (20871, 37563000),
        0x400: (0x100002345, 0x384007BFE94), 0xFFFFFFFF: (0, 0),
    }, 1500)
    host.cpuid_read(LEAF_INFO)
    host.snapshot()
    return ("# exitprobe snapshot: CPUID tuples of a model exitscope host, kvm-amd (SVM), ABI 2.\n"
            "# Each CPUID is counted before it is answered; its cycles are charged after.\n",
            host)


def run_cpuid_vmx():
    """kvm-intel, run cpuid 1000: other exits inside the window and during both snapshots."""
    host = Host("vmx", {
        0: (33, 132000), 1: (5021, 11548300), 10: (881, 1231000), 12: (1999, 4997500000),
        30: (30411, 158137200), 31: (1207, 2293300), 32: (15530, 32613000),
        48: (70211, 217654100), 49: (4410, 11907000), 52: (2, 1600), 55: (4, 6400),
    }, 1400)
    reads = len(defined("vmx")) + 3
    # During the first snapshot: an interrupt after the read of reason 1, a timer write later.
    host.events = {4: [(1, 2300)], 40: [(32, 2100)]}
    host.cpuid_read(LEAF_INFO)
    host.snapshot()
    # The workload's 1000 CPUIDs (leaf 0, not recorded), an interrupt and a HLT among them.
    for _ in range(1000):
        host.exit(10, 1400)
    host.exit(1, 2300)
    host.exit(12, 2500000)
    # During the second: an interrupt after its first read and one after reason 48's.
    after = host.reads
    host.events = {after + 1: [(1, 2300)], after + 1 + defined("vmx").index(48) + 1: [(1, 2300)]}
    host.snapshot()
    assert host.reads == 1 + 2 * reads
    return ("# exitprobe run cpuid 1000: CPUID tuples of a model exitscope host, kvm-intel (VMX),\n"
            "# ABI 2.  Leaf 0 (the workload) is not recorded.  Each CPUID is counted before\n"
            "# it is answered; its cycles are charged after.\n", host)


def main():
    models = {"snapshot-svm": snapshot_svm, "run-cpuid-vmx": run_cpuid_vmx}
    if len(sys.argv) != 2 or sys.argv[1] not in models:
        sys.exit("usage: model.py %s" % "|".join(models))
    header, host = models[sys.argv[1]]()
    sys.stdout.write(header + "# leaf    ecx in    eax      ebx      ecx      edx\n")
    sys.stdout.write("\n".join(host.lines) + "\n")


if __name__ == "__main__":
    main()
