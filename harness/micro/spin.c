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

uint64_t micro_spin_unsettled_max(const struct micro_spin *s)
{
	return s->lost * (MICRO_SPIN_BATCH + MICRO_SPIN_OWN_BATCH);
}

bool micro_spin_exact(const struct micro_spin *s)
{
	uint64_t settled = s->batches * MICRO_SPIN_BATCH + s->own_cpuid;

	return s->cpuid >= settled && s->cpuid - settled <= micro_spin_unsettled_max(s);
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

	if (s->cpuid > INT64_MAX || s->batches > INT64_MAX / MICRO_SPIN_BATCH ||
	    s->own_cpuid > INT64_MAX)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:s}", "cpuid", (json_int_t)s->cpuid,
			 "batches", (json_int_t)s->batches, "batches_cpuid", (json_int_t)asked,
			 "own_cpuid", (json_int_t)s->own_cpuid, "lost", (json_int_t)s->lost,
			 "lost_cpuid_max", (json_int_t)micro_spin_unsettled_max(s),
			 "seconds", s->seconds_spun, "vm", s->vm);
}
