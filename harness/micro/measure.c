// SPDX-License-Identifier: GPL-2.0
/*
 * One action of exitmicro, in a fresh VM: discovery, warm-up, the window of
 * K, and the three views read around it (the sequence is guest.S's).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "account.h"
#include "document.h"
#include "exitscope/reasons.h"
#include "measure.h"
#include "vm.h"

#define MSR_IA32_MISC_ENABLE	0x1a0

/* Remember what @r (when an error) was about, for the one line main() prints. */
static int blame(struct micro_run *run, const char *what, int r)
{
	if (r < 0)
		run->failed = what;
	return r;
}

double micro_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int view_read(const char *path, struct micro_view *view, bool hist)
{
	char *text;
	int r = micro_file_read(path, &text);

	if (r)
		return r;
	r = hist ? micro_view_parse_hist(text, view) : micro_view_parse_counters(text, view);
	free(text);
	return r;
}

static int views_read(struct micro_run *run, struct micro_views *v)
{
	int r = blame(run, run->counters_path, view_read(run->counters_path, &v->counters, false));

	return r ? r : blame(run, run->hist_path, view_read(run->hist_path, &v->hist, true));
}

/* Other reasons that moved in the window, by name: context for a reader, not judged. */
static json_t *window_others(const struct micro_run *run, uint32_t reason)
{
	const struct micro_view *before = &run->snap[1].counters, *after = &run->snap[2].counters;
	json_t *others = json_object();

	for (size_t i = 0; others && i < after->n; i++) {
		uint32_t r = after->v[i].reason;
		uint64_t moved = after->v[i].count - micro_view_count(before, r, 0xffffffff);
		const char *name = reasons_name(run->info.isa, r);

		if (r != reason && moved && name)
			json_object_set_new(others, name, json_integer((json_int_t)moved));
	}
	return others;
}

static int record_result(struct micro_run *run, const struct micro_vm *vm, const char *action,
			 uint32_t reason, uint64_t faults_before, double seconds)
{
	struct micro_sample s = { .caused = run->k };
	struct micro_result res = { .action = action, .reason = reason, .caused = run->k,
				    .guest_faults = micro_vm_mailbox_get(vm, MB_FAULTS) - faults_before,
				    .seconds = seconds };
	int r;

	micro_sample_views(&s, run->info.isa, reason, &run->snap[1], &run->snap[2]);
	micro_vm_mailbox_regs(vm, MB_BEFORE, &s.cpuid_before);
	micro_vm_mailbox_regs(vm, MB_AFTER, &s.cpuid_after);
	r = micro_verdict(run->info.isa, reason, &s, &res.verdict);
	if (r == -ENOENT)
		return micro_doc_add_error(run->doc, action,
					   "the guest's CPUID reads call this reason undefined");
	if (r)
		return micro_doc_add_error(run->doc, action, "a view went backwards");
	return micro_doc_add_result(run->doc, &res, window_others(run, reason));
}

/* The first discovery fixes the ISA, the host facts and the document. */
static int discovered(struct micro_run *run, const struct micro_vm *vm)
{
	struct exsc_regs regs;
	struct exsc_info info;
	struct utsname uts;
	int r;

	micro_vm_mailbox_regs(vm, MB_INFO, &regs);
	if (exsc_decode_info(&regs, &info))
		return -ENODEV;
	if (run->info.isa != EXSC_ISA_NONE)
		return info.isa == run->info.isa ? 0 : -EPROTO;
	run->info = info;
	r = blame(run, "KVM_GET_SUPPORTED_CPUID", micro_vm_host(info.isa, &run->host));
	if (r)
		return r;
	if (uname(&uts))
		return -errno;
	run->doc = micro_doc_new(&info, run->k, uts.release);
	return run->doc ? 0 : -ENOMEM;
}

static int run_error(struct micro_run *run, const struct micro_vm *vm, const char *action,
		     const char *phase, int err)
{
	char msg[160];

	if (err == -EFAULT)
		snprintf(msg, sizeof(msg), "guest exception %" PRIu64 " before %s (stack word %#" PRIx64 ")",
			 micro_vm_mailbox_get(vm, MB_FAULT_VECTOR), phase,
			 micro_vm_mailbox_get(vm, MB_FAULT_RIP));
	else if (err == -ETIMEDOUT)
		snprintf(msg, sizeof(msg), "timed out after %u s before %s", run->timeout_s, phase);
	else if (err == -EPROTO)
		snprintf(msg, sizeof(msg), "KVM exit %u this host does not serve, before %s",
			 vm->exit_reason, phase);
	else
		snprintf(msg, sizeof(msg), "%s before %s", strerror(-err), phase);
	return micro_doc_add_error(run->doc, action, msg);
}

/*
 * The warm-up, up to READY.  0: go on with the window; 1: the action ended
 * here and is in the document (an error, or a conditional action whose one
 * run took no exit: unsupported on this host); <0: stop the run.
 */
static int warm_up(struct micro_run *run, struct micro_vm *vm, const struct micro_action *a,
		   const struct micro_cause *c)
{
	uint32_t mask = micro_hist_mask(run->info.isa);
	uint64_t warm;
	char why[200];
	int r;

	micro_vm_mailbox_set(vm, MB_OP, c->op);
	micro_vm_mailbox_set(vm, MB_REASON, c->reason);
	micro_vm_mailbox_set(vm, MB_MSR, MSR_IA32_MISC_ENABLE);
	r = micro_vm_run_until(vm, MICRO_PORT_READY, run->timeout_s);
	if (r) {
		r = run_error(run, vm, a->name, "READY", r);
		return r < 0 ? r : 1;
	}
	r = views_read(run, &run->snap[1]);
	if (r)
		return r;
	warm = micro_view_count(&run->snap[1].hist, c->reason, mask) -
	       micro_view_count(&run->snap[0].hist, c->reason, mask);
	if (!c->conditional || micro_warmup_exited(run->info.isa, c->reason, warm))
		return 0;
	snprintf(why, sizeof(why), "%s; one run here took no exit", c->conditional);
	r = micro_doc_add_unsupported(run->doc, a->name, c->reason, why);
	return r < 0 ? r : 1;
}

static int action_window(struct micro_run *run, struct micro_vm *vm, const struct micro_action *a,
			 const struct micro_cause *c)
{
	uint64_t faults_before;
	double start;
	int r = warm_up(run, vm, a, c);

	if (r)
		return r < 0 ? r : 0;
	faults_before = micro_vm_mailbox_get(vm, MB_FAULTS);
	micro_vm_mailbox_set(vm, MB_COUNT, run->k);
	start = micro_now();
	r = micro_vm_run_until(vm, MICRO_PORT_DONE, run->timeout_s);
	if (r)
		return run_error(run, vm, a->name, "DONE", r);
	start = micro_now() - start;
	r = views_read(run, &run->snap[2]);
	return r ? r : record_result(run, vm, a->name, c->reason, faults_before, start);
}

int micro_run_action(struct micro_run *run, const struct micro_action *a)
{
	struct micro_cause cause;
	struct micro_vm vm;
	int r;

	if (run->info.isa != EXSC_ISA_NONE &&
	    micro_action_cause(a, run->info.isa, &run->host, &cause) == -EOPNOTSUPP)
		return micro_doc_add_unsupported(run->doc, a->name, -1, cause.unsupported);
	r = blame(run, "a VM on /dev/kvm", micro_vm_create(&vm, a->needs));
	if (r)
		return r;
	r = blame(run, run->hist_path, view_read(run->hist_path, &run->snap[0].hist, true));
	if (!r)
		r = blame(run, "the guest's discovery", micro_vm_run_until(&vm, MICRO_PORT_DISCOVERED,
									run->timeout_s));
	if (!r)
		r = discovered(run, &vm);
	if (!r) {
		if (micro_action_cause(a, run->info.isa, &run->host, &cause) == -EOPNOTSUPP)
			r = micro_doc_add_unsupported(run->doc, a->name, -1, cause.unsupported);
		else
			r = action_window(run, &vm, a, &cause);
	}
	micro_vm_destroy(&vm);
	return r;
}
