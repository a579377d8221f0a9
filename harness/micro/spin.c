// SPDX-License-Identifier: GPL-2.0
/* exitmicro spin, the pure half: what the VM is called, what it should count, its document. */
#include <errno.h>
#include <stdio.h>

#include "exitscope/number.h"
#include "exitscope/reasons.h"
#include "spin.h"
#include "views.h"

int micro_spin_parse_seconds(const char *arg, unsigned int *seconds)
{
	uint64_t v;

	if (exsc_parse_u64(arg, 1, MICRO_SPIN_MAX_S, &v))
		return -EINVAL;
	*seconds = (unsigned int)v;
	return 0;
}

int micro_spin_paths(struct micro_spin *s, int pid, int vm_fd)
{
	/* KVM names a VM's debugfs directory "%d-%d" (kvm_create_vm_debugfs()). */
	int n = snprintf(s->vm, sizeof(s->vm), "%d-%d", pid, vm_fd);

	if (n < 0 || (size_t)n >= sizeof(s->vm))
		return -ENAMETOOLONG;
	n = snprintf(s->path, sizeof(s->path), "%s/kvm/%s/exitscope", s->debugfs, s->vm);
	return n < 0 || (size_t)n >= sizeof(s->path) ? -ENAMETOOLONG : 0;
}

uint64_t micro_spin_own_cpuid(uint64_t batches)
{
	return 2 + 2 * batches;
}

bool micro_spin_exact(const struct micro_spin *s)
{
	return s->cpuid == s->batches * MICRO_SPIN_BATCH + micro_spin_own_cpuid(s->batches);
}

int micro_spin_count(const char *text, enum exsc_isa isa, uint64_t *count)
{
	static struct micro_view view;	/* 8 KiB: off the stack */
	uint32_t cpuid = reasons_cpuid(isa);
	int r = micro_view_parse_counters(text, &view);

	if (r)
		return r;
	for (size_t i = 0; i < view.n; i++) {
		if (view.v[i].reason == cpuid) {
			*count = view.v[i].count;
			return 0;
		}
	}
	return -EBADMSG;
}

json_t *micro_spin_doc(const struct micro_spin *s)
{
	uint64_t asked = s->batches * MICRO_SPIN_BATCH;

	if (s->cpuid > INT64_MAX || asked > INT64_MAX || s->batches > INT64_MAX / MICRO_SPIN_BATCH)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:s}", "cpuid", (json_int_t)s->cpuid,
			 "batches", (json_int_t)s->batches, "batches_cpuid", (json_int_t)asked,
			 "own_cpuid", (json_int_t)micro_spin_own_cpuid(s->batches),
			 "seconds", s->seconds_spun, "vm", s->vm);
}
