// SPDX-License-Identifier: GPL-2.0
/* exitmicro check's plan and caused rows (check.h). */
#include <errno.h>
#include <string.h>

#include <asm/svm.h>
#include <asm/vmx.h>

#include "account.h"
#include "check.h"
#include "exitscope/reasons.h"

enum exsc_isa micro_check_isa(const char *vendor)
{
	if (!strcmp(vendor, "GenuineIntel"))
		return EXSC_ISA_VMX;
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		return EXSC_ISA_SVM;
	return EXSC_ISA_NONE;
}

static uint32_t protocol_reason(enum exsc_isa isa)
{
	return isa == EXSC_ISA_VMX ? EXIT_REASON_IO_INSTRUCTION : SVM_EXIT_IOIO;
}

/*
 * Invalid guest state that KVM does not catch itself (with unrestricted
 * guest it leaves segment checks to the CPU): the entry fails with the full
 * exit reason 0x80000021, basic reason 33.
 */
static const struct micro_action entry_fail = {
	"entry-fail", "a VM-entry with TR's type a busy 16-bit TSS (set by the host)", 0,
	{ .reason = EXIT_REASON_INVALID_STATE, .op = MICRO_CHECK_OP_ENTRY_FAIL },
	{ .unsupported = "not caused on SVM" },
};

int micro_check_plan(enum exsc_isa isa, const struct micro_host *host, unsigned int needs,
		     struct micro_check_plan *plan)
{
	size_t nr;
	const struct micro_action *a = micro_actions(&nr);

	plan->n = 0;
	if (isa != EXSC_ISA_VMX && isa != EXSC_ISA_SVM)
		return -EINVAL;
	needs &= MICRO_CHECK_NEEDS;
	for (size_t i = 0; i < nr && plan->n < MICRO_CHECK_MAX_ACTIONS; i++) {
		struct micro_cause c;

		if ((a[i].needs & ~needs) || micro_action_cause(&a[i], isa, host, &c) ||
		    c.conditional || c.reason == protocol_reason(isa))
			continue;
		plan->action[plan->n] = &a[i];
		plan->cause[plan->n++] = c;
	}
	if (isa == EXSC_ISA_VMX && host->unrestricted_guest && plan->n < MICRO_CHECK_MAX_ACTIONS) {
		plan->action[plan->n] = &entry_fail;
		plan->cause[plan->n++] = entry_fail.vmx;
	}
	return 0;
}

static size_t row_of(const struct check_caused *rows, size_t n, uint32_t reason)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].reason == reason)
			return i;
	return n;
}

size_t micro_check_caused(enum exsc_isa isa, const struct micro_check_plan *plan, uint64_t k,
			  const struct micro_view *before, const struct micro_view *after,
			  struct check_caused *rows, size_t max)
{
	uint32_t mask = micro_hist_mask(isa);
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++) {
		uint32_t reason = plan->cause[i].reason;
		size_t r = row_of(rows, n, reason);

		if (r == n) {
			if (n == max)
				continue;
			rows[n++] = (struct check_caused){
				.reason = reason, .has_traced = true,
				.traced = micro_view_count(after, reason, mask) -
					  micro_view_count(before, reason, mask) };
		}
		rows[r].caused += k;
	}
	return n;
}

uint64_t micro_check_warmup_cpuids(enum exsc_isa isa, const struct micro_check_plan *plan)
{
	uint64_t n = 0;

	for (size_t i = 0; i < plan->n; i++)
		n += plan->cause[i].reason == reasons_cpuid(isa);
	return n;
}
