// SPDX-License-Identifier: GPL-2.0
/*
 * exitmicro: run in L1 (the patched kernel as hypervisor), make a micro VM
 * take chosen exits exactly K times each, and check that every view counted
 * them: the guest's CPUID leaves, L1's debugfs counters, the kvm_exit
 * histogram.  One JSON document on stdout.
 * Exit codes: 0 every caused reason exact, 1 not, 2 usage, 3 environment.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "account.h"
#include "actions.h"
#include "document.h"
#include "exitscope/reasons.h"
#include "views.h"
#include "vm.h"

#define MSR_IA32_MISC_ENABLE	0x1a0
#define K_MAX			1000000000ull

struct views {
	struct micro_view counters, hist;
};

struct micro_run {
	uint64_t k;
	unsigned int timeout_s;
	const char *counters_path;
	char trigger_path[PATH_MAX];
	char hist_path[PATH_MAX];
	struct exsc_info info;		/* isa is EXSC_ISA_NONE until the first discovery */
	struct micro_host host;
	json_t *doc;
	struct views snap[3];		/* before the first entry, at READY, at DONE */
	const char *failed;		/* what an environment error was about */
};

/* Remember what @r (when an error) was about, for the one line main() prints. */
static int blame(struct micro_run *run, const char *what, int r)
{
	if (r < 0)
		run->failed = what;
	return r;
}

static double now_s(void)
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

static int views_read(struct micro_run *run, struct views *v)
{
	int r = blame(run, run->counters_path, view_read(run->counters_path, &v->counters, false));

	return r ? r : blame(run, run->hist_path, view_read(run->hist_path, &v->hist, true));
}

static uint32_t hist_mask(enum exsc_isa isa)
{
	/* VMX's tracepoint has the full exit reason; the counters have the basic one. */
	return isa == EXSC_ISA_VMX ? 0xffff : 0xffffffff;
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

static void regs_get(const struct micro_vm *vm, unsigned int offset, struct exsc_regs *regs)
{
	uint64_t lo = micro_vm_mailbox_get(vm, offset), hi = micro_vm_mailbox_get(vm, offset + 8);

	*regs = (struct exsc_regs){ (uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi,
				    (uint32_t)(hi >> 32) };
}

static int record_result(struct micro_run *run, const struct micro_vm *vm, const char *action,
			 uint32_t reason, double seconds)
{
	uint32_t mask = hist_mask(run->info.isa);
	struct micro_sample s = {
		.caused = run->k,
		.debugfs_before = micro_view_count(&run->snap[1].counters, reason, 0xffffffff),
		.debugfs_after = micro_view_count(&run->snap[2].counters, reason, 0xffffffff),
		.traced_before = micro_view_count(&run->snap[1].hist, reason, mask),
		.traced_after = micro_view_count(&run->snap[2].hist, reason, mask),
	};
	struct micro_result res = { .action = action, .reason = reason, .caused = run->k,
				    .guest_faults = micro_vm_mailbox_get(vm, MB_FAULTS),
				    .seconds = seconds };
	int r;

	regs_get(vm, MB_BEFORE, &s.cpuid_before);
	regs_get(vm, MB_AFTER, &s.cpuid_after);
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

	regs_get(vm, MB_INFO, &regs);
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
	uint32_t mask = hist_mask(run->info.isa);
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
	double start;
	int r = warm_up(run, vm, a, c);

	if (r)
		return r < 0 ? r : 0;
	micro_vm_mailbox_set(vm, MB_COUNT, run->k);
	start = now_s();
	r = micro_vm_run_until(vm, MICRO_PORT_DONE, run->timeout_s);
	if (r)
		return run_error(run, vm, a->name, "DONE", r);
	start = now_s() - start;
	r = views_read(run, &run->snap[2]);
	return r ? r : record_result(run, vm, a->name, c->reason, start);
}

/* One action in a fresh VM; <0 only for what stops the whole run (environment). */
static int run_action(struct micro_run *run, const struct micro_action *a)
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

static void usage(FILE *out)
{
	fprintf(out,
		"usage: exitmicro [--timeout S] [--counters FILE] [--tracefs DIR] K [ACTION...]\n"
		"       exitmicro list\n"
		"Runs each ACTION (default: every one) K times in a fresh VM of this host's KVM\n"
		"and prints one JSON document: per reason caused, cpuid, debugfs, traced, exact.\n"
		"Exit 0 when every caused reason is exact, 1 when not, 2 usage, 3 environment.\n");
}

static void print_cause(const struct micro_cause *c, enum exsc_isa isa)
{
	char cell[40];

	snprintf(cell, sizeof(cell), "%s%s", c->unsupported ? "-" : reasons_name(isa, c->reason),
		 c->conditional ? "?" : "");
	printf(" %-22s", cell);
}

static int list_actions(void)
{
	size_t nr;
	const struct micro_action *a = micro_actions(&nr);

	printf("%-10s %-22s %-22s %s\n", "action", "vmx", "svm", "what (? = where the CPU intercepts it)");
	for (size_t i = 0; i < nr; i++) {
		printf("%-10s", a[i].name);
		print_cause(&a[i].vmx, EXSC_ISA_VMX);
		print_cause(&a[i].svm, EXSC_ISA_SVM);
		printf(" %s\n", a[i].what);
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' || *out == 0 || *out > max ? -EINVAL : 0;
}

static int parse_options(int argc, char **argv, struct micro_run *run, const char **tracefs)
{
	int i = 1;
	uint64_t t;

	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--timeout") && !parse_u64(argv[i + 1], 86400, &t))
			run->timeout_s = (unsigned int)t;
		else if (!strcmp(argv[i], "--counters"))
			run->counters_path = argv[i + 1];
		else if (!strcmp(argv[i], "--tracefs"))
			*tracefs = argv[i + 1];
		else
			return -EINVAL;
	}
	if (i >= argc || parse_u64(argv[i], K_MAX, &run->k))
		return -EINVAL;
	for (int j = i + 1; j < argc; j++)
		if (!micro_action_find(argv[j]))
			return -EINVAL;
	return i + 1;
}

static int run_actions(struct micro_run *run, int argc, char **argv, int first)
{
	size_t nr;
	const struct micro_action *all = micro_actions(&nr);
	int r = 0;

	if (first < argc) {
		for (int j = first; j < argc && !r; j++)
			r = run_action(run, micro_action_find(argv[j]));
		return r;
	}
	for (size_t i = 0; i < nr && !r; i++)
		r = run_action(run, &all[i]);
	return r;
}

static int environment_error(const struct micro_run *run, int err)
{
	if (err == -ENODEV)
		fprintf(stderr, "exitmicro: this KVM is not an exitscope kernel "
				"(no EXSC signature at CPUID 0x4FFFFFFB); boot a patched kernel\n");
	else if (err == -EPROTO && !run->failed)
		fprintf(stderr, "exitmicro: a VM reported another ISA than the first one\n");
	else
		fprintf(stderr, "exitmicro: %s: %s; run as root in L1 with KVM, debugfs and tracefs\n",
			run->failed ? run->failed : "?", strerror(-err));
	return 3;
}

int main(int argc, char **argv)
{
	static struct micro_run run = { .timeout_s = 600,
					.counters_path = "/sys/kernel/debug/kvm/exitscope" };
	const char *tracefs = "/sys/kernel/tracing";
	double start = now_s();
	int first, r;
	bool exact;

	if (argc == 2 && !strcmp(argv[1], "list"))
		return list_actions();
	first = parse_options(argc, argv, &run, &tracefs);
	if (first < 0) {
		usage(stderr);
		return 2;
	}
	snprintf(run.trigger_path, sizeof(run.trigger_path), "%s/events/kvm/kvm_exit/trigger", tracefs);
	snprintf(run.hist_path, sizeof(run.hist_path), "%s/events/kvm/kvm_exit/hist", tracefs);
	/* A histogram a crashed run left behind would not start at zero: replace it. */
	micro_file_write(run.trigger_path, "!" MICRO_HIST_TRIGGER);
	r = micro_file_write(run.trigger_path, MICRO_HIST_TRIGGER);
	if (r) {
		fprintf(stderr, "exitmicro: cannot arm the kvm_exit histogram at %s: %s; "
				"mount tracefs, with KVM and CONFIG_HIST_TRIGGERS\n",
			run.trigger_path, strerror(-r));
		return 3;
	}
	r = run_actions(&run, argc, argv, first);
	micro_file_write(run.trigger_path, "!" MICRO_HIST_TRIGGER);
	if (r) {
		json_decref(run.doc);
		return environment_error(&run, r);
	}
	exact = micro_doc_finish(run.doc, now_s() - start);
	json_dumpf(run.doc, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
	putchar('\n');
	json_decref(run.doc);
	return exact ? 0 : 1;
}
