/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro spin: one micro VM that executes CPUID in batches until its time
 * is up or it is asked to stop, then reads its own VM's counters from L1's
 * debugfs (kernel-patch/ABI.md, "The host's view: debugfs":
 * kvm/<pid>-<fd>/exitscope).  It is the neighbor that runs beside another
 * VM to show that each VM's view holds its own exits and no one else's.
 *
 * A VM can be lost under an emulated hypervisor: under QEMU's TCG SVM the
 * guest can triple-fault, most likely when QEMU resumes it at L1's own
 * address (docs/nested-stall.md, cause E).  spin then reads that VM's file too,
 * replaces the VM and goes on; the CPUIDs of the batch it was in are the
 * only ones it cannot know, and the accounting bounds them.
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
/* After a stop, a batch gets this long before its VM counts as hung. */
#define MICRO_SPIN_STOP_S	5u
/* More lost VMs than this is no emulator's rare fault: spin stops replacing them. */
#define MICRO_SPIN_MAX_LOST	5u

struct micro_spin {
	/* in */
	unsigned int seconds;		/* spin at most this long */
	const char *debugfs;		/* where debugfs is mounted */
	volatile sig_atomic_t *stop;	/* set by a signal handler: end after this batch */
	/* out */
	enum exsc_isa isa;		/* from the first VM's discovery read */
	char vm[32];			/* "<pid>-<fd>": KVM's name for the last VM in debugfs */
	char path[PATH_MAX];		/* that VM's counters file */
	uint64_t batches;		/* batches of MICRO_SPIN_BATCH CPUIDs that ended, all VMs */
	uint64_t own_cpuid;		/* the guests' other CPUIDs, up to each one's last signal */
	uint64_t cpuid;			/* the CPUID reason's count in every VM's own file, summed */
	uint64_t lost;			/* VMs lost in the middle and replaced */
	char lost_why[128];		/* what the last one did */
	double seconds_spun;
	const char *failed;		/* what an error was about */
};

/* SECONDS of `exitmicro spin`: 1 to MICRO_SPIN_MAX_S, decimal digits only; -EINVAL. */
int micro_spin_parse_seconds(const char *arg, unsigned int *seconds);

/* @s->vm and @s->path for the VM @pid created as file descriptor @vm_fd; -ENAMETOOLONG. */
int micro_spin_paths(struct micro_spin *s, int pid, int vm_fd);

/*
 * The guest's CPUIDs besides the batches (guest.S's sequence), up to each
 * signal: one at DISCOVERED (the discovery read), one more at READY (the
 * warm-up's CPUID), two per DONE (the reads around the batch).
 */
#define MICRO_SPIN_OWN_DISCOVERED	1u
#define MICRO_SPIN_OWN_READY		1u
#define MICRO_SPIN_OWN_BATCH		2u

/*
 * The most CPUIDs a lost VM can have executed after its last signal: a
 * whole batch with both its reads.
 */
uint64_t micro_spin_unsettled_max(const struct micro_spin *s);

/*
 * Whether the VMs' files hold the CPUIDs their guests executed: exactly,
 * when no VM was lost; else no fewer, and no more than the lost VMs'
 * unfinished batches can explain.
 */
bool micro_spin_exact(const struct micro_spin *s);

/*
 * The CPUID reason's count in the text of a counters file (the per-VM
 * file has the host file's lines).  0; -EINVAL when the text is not such a
 * file; -EBADMSG when it has no line for the CPUID reason of @isa.
 */
int micro_spin_count(const char *text, enum exsc_isa isa, uint64_t *count);

/*
 * The one document `exitmicro spin` prints:
 *   {cpuid, batches, batches_cpuid, own_cpuid, lost, lost_cpuid_max, seconds, vm}
 * NULL when out of memory or a count is beyond INT64_MAX; the caller owns it.
 */
json_t *micro_spin_doc(const struct micro_spin *s);

/*
 * The VM half (spin-run.c): create a VM, check that its counters file
 * exists, run batches until @s->seconds pass or *@s->stop is set, read the
 * file; a VM lost on the way is read, counted and replaced.  0; -ENODEV
 * when the KVM is not an exitscope kernel; else -errno of the step
 * @s->failed names.
 */
int micro_spin_run(struct micro_spin *s);

#endif
