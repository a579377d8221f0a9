// SPDX-License-Identifier: GPL-2.0
/*
 * exitmicro: run in L1 (the patched kernel as hypervisor), make a micro VM
 * take chosen exits exactly K times each, and check that every view counted
 * them: the guest's CPUID leaves, L1's debugfs counters, the kvm_exit
 * histogram.  One JSON document on stdout.  `exitmicro spin` instead keeps
 * one VM busy with CPUIDs beside another VM (spin.h); `exitmicro check`
 * grades the kernel through a leaf map (check-run.h).
 * Exit codes: 0 every caused reason exact (check: every rule passed), 1 not,
 * 2 usage, 3 environment.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-output.h"
#include "check-run.h"
#include "cost.h"
#include "document.h"
#include "exitscope/reasons.h"
#include "measure.h"
#include "spin.h"

#define K_MAX			1000000000ull

static void usage(FILE *out)
{
	fprintf(out,
		"usage: exitmicro [--timeout S] [--counters FILE] [--tracefs DIR] K [ACTION...]\n"
		"       exitmicro list\n"
		"       exitmicro spin SECONDS\n"
		"       exitmicro cost [--timeout S] [--windows W] [--tracefs DIR] N\n"
		"       exitmicro check [--timeout S] [--tracefs DIR] [--first-vm] --abi MAP K\n"
		"Runs each ACTION (default: every one) K times in a fresh VM of this host's KVM\n"
		"and prints one JSON document: per reason caused, cpuid, debugfs, traced, exact,\n"
		"and the debugfs cycles of the window.\n"
		"Exit 0 when every caused reason is exact, 1 when not, 2 usage, 3 environment.\n"
		"spin: one VM executes CPUID in batches of %u until SECONDS pass or SIGTERM,\n"
		"then prints {cpuid, batches, batches_cpuid, own_cpuid, lost, lost_cpuid_max,\n"
		"seconds, vm}, cpuid as its own debugfs file kvm/<pid>-<fd>/exitscope counts it\n"
		"(a VM lost on the way is counted too, and replaced).  Exit 0 when that is\n"
		"batches_cpuid + own_cpuid (up to lost_cpuid_max more), 1 when not, 2 usage,\n"
		"3 environment.\n"
		"cost: one VM executes N CPUIDs between two reads of its TSC, W windows (default 5)\n"
		"each with no tracing, with the kvm_exit event enabled, and with a hist trigger on\n"
		"it; any KVM, stock or patched.  Prints {schema, n, windows, clock, exitscope, isa,\n"
		"release, modes: {plain, event, hist: {ticks, per_exit: {median, min, max}}}}.\n"
		"Exit 0, 2 usage, 3 environment.\n"
		"check: one VM serves the grader's CPUIDs (MAP: %s) and takes every action that\n"
		"always exits here, but port I/O, K times between the window's snapshots; with\n"
		"host-wide counters a second VM with the in-kernel LAPIC takes the fastpath's\n"
		"WRMSRs.  The kvm_exit histogram is the oracle.  --first-vm: no VM ran on this\n"
		"kernel before, so host-wide counters hold this check's exits alone and the\n"
		"self-count rule has its anchor.  Prints the grader's verdicts {schema, map, isa,\n"
		"answered, pass, failures, verdicts, actions, k, cpuids, release, seconds}.\n"
		"Exit 0 every rule passed, 1 one failed, 2 usage, 3 environment.\n",
		MICRO_SPIN_BATCH, exsc_map_names());
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
			r = micro_run_action(run, micro_action_find(argv[j]));
		return r;
	}
	for (size_t i = 0; i < nr && !r; i++)
		r = micro_run_action(run, &all[i]);
	return r;
}

static const char *kill_trigger_path;	/* the trigger file on_kill() takes ours off */

/* Killed mid-run: take our histogram off kvm_exit, then die of the same signal. */
static void on_kill(int sig)
{
	int saved = errno;

	micro_hist_disarm(kill_trigger_path);
	errno = saved;
	raise(sig);	/* SA_RESETHAND made it the default action again */
}

/* SIGTERM and SIGINT must not leave our histogram armed on kvm_exit for the next run. */
static int kill_signals(const char *trigger_path)
{
	struct sigaction sa = { .sa_handler = on_kill, .sa_flags = SA_RESETHAND };

	kill_trigger_path = trigger_path;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGINT);
	return sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ? -errno : 0;
}

/* Arm ours afresh: a killed run's would not start at zero, and ours cannot be armed twice. */
static int hist_arm(const char *trigger_path)
{
	int r = micro_hist_disarm(trigger_path);

	if (r == -EBUSY) {
		fprintf(stderr, "exitmicro: %s still lists the " MICRO_HIST_NAME " histogram of an "
				"earlier run after its removal; write its line there with '!' in front, "
				"or reboot L1\n", trigger_path);
		return r;
	}
	r = micro_file_write(trigger_path, MICRO_HIST_TRIGGER);
	if (r)
		fprintf(stderr, "exitmicro: cannot arm the kvm_exit histogram at %s: %s; "
				"mount tracefs, with KVM and CONFIG_HIST_TRIGGERS\n",
			trigger_path, strerror(-r));
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

/* Prints and frees a subcommand's document; -ENOMEM (after saying so) when it is NULL. */
static int print_doc(const char *cmd, json_t *doc, int precision)
{
	if (!doc) {
		fprintf(stderr, "exitmicro: %s: out of memory\n", cmd);
		return -ENOMEM;
	}
	json_dumpf(doc, stdout, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(precision));
	putchar('\n');
	json_decref(doc);
	return 0;
}

static volatile sig_atomic_t spin_stop;

/* A batch ends in well under a second; one that hangs must not outlast the stop for long. */
static void on_stop(int sig)
{
	(void)sig;
	spin_stop = 1;
	alarm(MICRO_SPIN_STOP_S);
}

/* SIGTERM and SIGINT end the spin after its batch; they cut KVM_RUN short (no SA_RESTART). */
static int spin_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ? -errno : 0;
}

static int spin_error(const struct micro_spin *s, int err)
{
	if (err == -ENODEV)
		fprintf(stderr, "exitmicro: spin: this KVM is not an exitscope kernel "
				"(no EXSC signature at CPUID 0x4FFFFFFB); boot a patched kernel\n");
	else if (s->failed == s->path && (err == -ENOENT || err == -EACCES))
		fprintf(stderr, "exitmicro: spin: no per-VM counters at %s: %s; boot an exitscope "
				"kernel of ABI 2 or later, as root, with debugfs at %s\n",
			s->path, strerror(-err), s->debugfs);
	else
		fprintf(stderr, "exitmicro: spin: %s: %s; run as root in L1 with KVM and debugfs\n",
			s->failed ? s->failed : "?", strerror(-err));
	return 3;
}

static int cmd_spin(int argc, char **argv)
{
	static struct micro_spin s = { .debugfs = "/sys/kernel/debug", .stop = &spin_stop };
	int r;

	if (argc != 2 || micro_spin_parse_seconds(argv[1], &s.seconds)) {
		usage(stderr);
		return 2;
	}
	r = spin_signals();
	if (!r)
		r = micro_spin_run(&s);
	if (r)
		return spin_error(&s, r);
	if (s.lost)
		fprintf(stderr, "exitmicro: spin: %llu VM(s) lost on the way and replaced; the last: %s\n",
			(unsigned long long)s.lost, s.lost_why);
	/* Six digits say more than a spin's length means; jansson would print 17. */
	if (print_doc("spin", micro_spin_doc(&s), 6))
		return 3;
	return micro_spin_exact(&s) ? 0 : 1;
}

static int cost_options(int argc, char **argv, struct micro_cost *c)
{
	uint64_t v;
	int i = 1;

	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--timeout") && !parse_u64(argv[i + 1], 86400, &v))
			c->timeout_s = (unsigned int)v;
		else if (!strcmp(argv[i], "--windows") &&
			 !parse_u64(argv[i + 1], MICRO_COST_WINDOWS_MAX, &v))
			c->windows = (unsigned int)v;
		else if (!strcmp(argv[i], "--tracefs"))
			c->tracefs = argv[i + 1];
		else
			return -EINVAL;
	}
	return i + 1 == argc && !parse_u64(argv[i], MICRO_COST_N_MAX, &c->n) ? 0 : -EINVAL;
}

static int cmd_cost(int argc, char **argv)
{
	static struct micro_cost c = { .windows = 5, .timeout_s = 600,
				       .tracefs = "/sys/kernel/tracing" };
	int r;

	if (cost_options(argc, argv, &c)) {
		usage(stderr);
		return 2;
	}
	r = micro_cost_run(&c);
	if (r) {
		fprintf(stderr, "exitmicro: cost: %s: %s; run as root in L1 with KVM and tracefs\n",
			c.failed ? c.failed : "?", strerror(-r));
		return 3;
	}
	/* Per-exit figures are ticks over N: eight digits keep every tick of a window. */
	return print_doc("cost", micro_cost_doc(&c), 8) ? 3 : 0;
}

static int check_options(int argc, char **argv, struct micro_check *c, const char **tracefs)
{
	uint64_t v;
	int i = 1;

	while (i + 1 < argc && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--first-vm")) {
			c->first_vm = true;
			i++;
			continue;
		}
		if (!strcmp(argv[i], "--timeout") && !parse_u64(argv[i + 1], 86400, &v))
			c->timeout_s = (unsigned int)v;
		else if (!strcmp(argv[i], "--tracefs"))
			*tracefs = argv[i + 1];
		else if (!strcmp(argv[i], "--abi") && exsc_map_find(argv[i + 1]))
			c->map = exsc_map_find(argv[i + 1]);
		else
			return -EINVAL;
		i += 2;
	}
	return c->map && i + 1 == argc && !parse_u64(argv[i], K_MAX, &c->k) ? 0 : -EINVAL;
}

static int check_error(const struct micro_check *c, int err)
{
	if (err == -ENODEV)
		fprintf(stderr, "exitmicro: check: the CPU vendor is neither Intel nor AMD: no KVM "
				"ISA to grade\n");
	else
		fprintf(stderr, "exitmicro: check: %s: %s; run as root in L1 with KVM and tracefs\n",
			c->failed ? c->failed : "?", strerror(-err));
	return 3;
}

static int cmd_check(int argc, char **argv)
{
	static struct micro_check c = { .timeout_s = 600,
					.scope_path = "/sys/module/kvm/parameters/exitscope_scope" };
	const char *tracefs = "/sys/kernel/tracing";
	char trigger[PATH_MAX];
	int r;

	if (check_options(argc, argv, &c, &tracefs)) {
		usage(stderr);
		return 2;
	}
	snprintf(trigger, sizeof(trigger), "%s/events/kvm/kvm_exit/trigger", tracefs);
	snprintf(c.hist_path, sizeof(c.hist_path), "%s/events/kvm/kvm_exit/hist", tracefs);
	r = kill_signals(trigger);
	if (r) {
		fprintf(stderr, "exitmicro: cannot catch SIGTERM and SIGINT: %s\n", strerror(-r));
		return 3;
	}
	if (hist_arm(trigger))
		return 3;
	r = micro_check_run(&c);
	micro_hist_disarm(trigger);
	if (r)
		return check_error(&c, r);
	if (print_doc("check", micro_check_doc(&c), 6))
		return 3;
	return check_exit_code(&c.report) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct micro_run run = { .timeout_s = 600,
					.counters_path = "/sys/kernel/debug/kvm/exitscope" };
	const char *tracefs = "/sys/kernel/tracing";
	double start = micro_now();
	int first, r;
	bool exact;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list_actions();
	if (argc >= 2 && !strcmp(argv[1], "spin"))
		return cmd_spin(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "cost"))
		return cmd_cost(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	first = parse_options(argc, argv, &run, &tracefs);
	if (first < 0) {
		usage(stderr);
		return 2;
	}
	snprintf(run.trigger_path, sizeof(run.trigger_path), "%s/events/kvm/kvm_exit/trigger", tracefs);
	snprintf(run.hist_path, sizeof(run.hist_path), "%s/events/kvm/kvm_exit/hist", tracefs);
	r = kill_signals(run.trigger_path);
	if (r) {
		fprintf(stderr, "exitmicro: cannot catch SIGTERM and SIGINT: %s\n", strerror(-r));
		return 3;
	}
	if (hist_arm(run.trigger_path))
		return 3;
	r = run_actions(&run, argc, argv, first);
	micro_hist_disarm(run.trigger_path);
	if (r) {
		json_decref(run.doc);
		return environment_error(&run, r);
	}
	exact = micro_doc_finish(run.doc, micro_now() - start);
	json_dumpf(run.doc, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
	putchar('\n');
	json_decref(run.doc);
	return exact ? 0 : 1;
}
