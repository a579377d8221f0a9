/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro spin: one micro VM that executes CPUID in batches until its time
 * is up or it is asked to stop, then reads its own VM's counters from L1's
 * debugfs (kernel-patch/ABI.md, "The host's view: debugfs":
 * kvm/<pid>-<fd>/exitscope).  It is the neighbor that runs beside another
 * VM to show that each VM's view holds its own exits and no one else's.
 *
 * spin.c is the pure half (names, the count, the document), unit-tested;
 * spin-run.c drives /dev/kvm.  Nothing here prints: an error is returned,
 * with spin->failed naming what it was about.
 */
#ifndef EXITSCOPE_MICRO_SPIN_H
#define EXITSCOPE_MICRO_SPIN_H

#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "exitscope/abi.h"

/*
 * CPUIDs per batch: a stop is seen between batches, and under nested TCG a
 * thousand CPUID exits take a fraction of a second, so a stop never waits long.
 */
#define MICRO_SPIN_BATCH	1000u
#define MICRO_SPIN_MAX_S	86400u
/* A batch that has not ended by then is a hung VM, not a slow one. */
#define MICRO_SPIN_BATCH_TIMEOUT_S	300u

struct micro_spin {
	/* in */
	unsigned int seconds;		/* spin at most this long */
	const char *debugfs;		/* where debugfs is mounted */
	volatile sig_atomic_t *stop;	/* set by a signal handler: end after this batch */
	/* out */
	char vm[32];			/* "<pid>-<fd>": KVM's name for the VM in debugfs */
	char path[PATH_MAX];		/* that VM's counters file */
	uint64_t batches;		/* batches of MICRO_SPIN_BATCH CPUIDs done */
	uint64_t cpuid;			/* the CPUID reason's count in that file, at the end */
	double seconds_spun;
	const char *failed;		/* what an error was about */
};

/* SECONDS of `exitmicro spin`: 1 to MICRO_SPIN_MAX_S, decimal digits only; -EINVAL. */
int micro_spin_parse_seconds(const char *arg, unsigned int *seconds);

/* @s->vm and @s->path for the VM @pid created as file descriptor @vm_fd; -ENAMETOOLONG. */
int micro_spin_paths(struct micro_spin *s, int pid, int vm_fd);

/*
 * The CPUIDs the guest executes besides the batches (guest.S's sequence):
 * the discovery read, the warm-up's one CPUID, and the two reads of each
 * window around its batch.
 */
uint64_t micro_spin_own_cpuid(uint64_t batches);

/* Whether the VM's counters hold exactly the CPUIDs its guest executed. */
bool micro_spin_exact(const struct micro_spin *s);

/*
 * The CPUID reason's count in the text of a counters file (the per-VM
 * file has the host file's lines).  0; -EINVAL when the text is not such a
 * file; -EBADMSG when it has no line for the CPUID reason of @isa.
 */
int micro_spin_count(const char *text, enum exsc_isa isa, uint64_t *count);

/*
 * The one document `exitmicro spin` prints:
 *   {cpuid, batches, batches_cpuid, own_cpuid, seconds, vm}
 * NULL when out of memory or a count is beyond INT64_MAX; the caller owns it.
 */
json_t *micro_spin_doc(const struct micro_spin *s);

/*
 * The VM half (spin-run.c): create the VM, check that its counters file
 * exists, run batches until @s->seconds pass or *@s->stop is set, read the
 * file.  0; -ENODEV when the KVM is not an exitscope kernel; else -errno of
 * the step @s->failed names.
 */
int micro_spin_run(struct micro_spin *s);

#endif
