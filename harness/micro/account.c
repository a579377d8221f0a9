// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include <asm/svm.h>
#include <asm/vmx.h>

#include "account.h"
#include "exitscope/micro-verdict.h"
#include "exitscope/reasons.h"

static uint32_t reason_io(enum exsc_isa isa)
{
	return isa == EXSC_ISA_VMX ? EXIT_REASON_IO_INSTRUCTION : SVM_EXIT_IOIO;
}

static uint32_t reason_msr_read(enum exsc_isa isa)
{
	return isa == EXSC_ISA_VMX ? EXIT_REASON_MSR_READ : SVM_EXIT_MSR;
}

void micro_own_exits(enum exsc_isa isa, uint32_t reason, struct micro_own *own)
{
	*own = (struct micro_own){ 0 };
	if (isa != EXSC_ISA_VMX && isa != EXSC_ISA_SVM)
		return;
	if (reason == reasons_cpuid(isa)) {
		own->warmup += 1;	/* the discovery leaf */
		own->window += 2;	/* the reads before and after */
		own->cpuid += 1;	/* the read after counts itself */
	}
	if (reason == reason_io(isa)) {
		own->warmup += 2;	/* DISCOVERED, READY */
		own->window += 1;	/* DONE */
	}
	if (reason == reason_msr_read(isa))
		own->warmup += 1;	/* the MSR value wrmsr writes back */
}

uint32_t micro_hist_mask(enum exsc_isa isa)
{
	/* VMX's tracepoint has the full exit reason; the counters have the basic one. */
	return isa == EXSC_ISA_VMX ? 0xffff : 0xffffffff;
}

void micro_sample_views(struct micro_sample *s, enum exsc_isa isa, uint32_t reason,
			const struct micro_views *ready, const struct micro_views *done)
{
	uint32_t mask = micro_hist_mask(isa);

	s->debugfs_before = micro_view_count(&ready->counters, reason, 0xffffffff);
	s->debugfs_after = micro_view_count(&done->counters, reason, 0xffffffff);
	s->cycles_before = micro_view_cycles(&ready->counters, reason, 0xffffffff);
	s->cycles_after = micro_view_cycles(&done->counters, reason, 0xffffffff);
	s->traced_before = micro_view_count(&ready->hist, reason, mask);
	s->traced_after = micro_view_count(&done->hist, reason, mask);
}

static int delta(uint64_t before, uint64_t after, uint64_t own, int64_t *out)
{
	if (after < before || after - before > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = (int64_t)(after - before) - (int64_t)own;
	return 0;
}

int micro_verdict(enum exsc_isa isa, uint32_t reason, const struct micro_sample *s,
		  struct micro_verdict *v)
{
	struct exsc_counter before, after;
	struct micro_own own;
	int r;

	if (exsc_decode_counter(&s->cpuid_before, &before) ||
	    exsc_decode_counter(&s->cpuid_after, &after))
		return -ENOENT;
	if (s->caused > (uint64_t)INT64_MAX)
		return -ERANGE;
	micro_own_exits(isa, reason, &own);
	r = delta(before.count, after.count, own.cpuid, &v->cpuid);
	if (!r)
		r = delta(s->debugfs_before, s->debugfs_after, own.window, &v->debugfs);
	if (!r)
		r = delta(s->traced_before, s->traced_after, own.window, &v->traced);
	if (!r)
		r = delta(s->cycles_before, s->cycles_after, 0, &v->cycles);
	if (r)
		return r;
	v->exact = micro_views_exact((int64_t)s->caused, v->cpuid, v->debugfs, v->traced);
	return 0;
}

bool micro_warmup_exited(enum exsc_isa isa, uint32_t reason, uint64_t traced_warmup)
{
	struct micro_own own;

	micro_own_exits(isa, reason, &own);
	return traced_warmup > own.warmup;
}
