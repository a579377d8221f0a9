// SPDX-License-Identifier: GPL-2.0
/*
 * The L1 stage: L0's QEMU boots the patched kernel with the run directory
 * shared in, and the agent's status port (a file) says how far L1 got.  Each
 * stage has its own timeout; at one, L1's and L0's state are kept for people
 * before QEMU is killed.  The micro stage is followed the same way: its
 * init writes the agent's status lines, and L0 is QEMU or Bochs.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "monitor.h"
#include "progress.h"
#include "run.h"
#include "strv.h"
#include "threads.h"
#include "util.h"

/* L1 reaches its agent in about 10 s under TCG; its power-off takes 1-2 s. */
#define L1_BOOT_TIMEOUT_S 300
#define L1_SHUTDOWN_TIMEOUT_S 60
/* libvirtd and virt-install start inside L1's share of the L2 stage. */
#define L2_STAGE_MARGIN_S 300
#define POLL_MS 250

/* The L2 stage of the micro stage is exitmicro's. */
static const char *stage_name(const struct l1_plan *p, enum run_stage stage)
{
	return p->micro_append && stage == STAGE_L2 ? "micro" : run_stage_name(stage);
}

static const char *stage_log(const struct l1_plan *p, enum run_stage stage)
{
	return p->micro_append ? "l1-console.log" : run_stage_log(stage);
}

static unsigned int stage_limit(const struct l1_plan *p, enum run_stage stage)
{
	if (stage == STAGE_L1_BOOT)
		return L1_BOOT_TIMEOUT_S;
	if (stage == STAGE_L2)
		return p->l2_timeout_s + L2_STAGE_MARGIN_S;
	return L1_SHUTDOWN_TIMEOUT_S;
}

/* L1's HMP socket in the run directory; false when the path is too long to bind. */
static bool l1_monitor_path(const struct l1_plan *p, char *path, size_t size)
{
	return util_pathf(path, size, "%s/l1-monitor.sock", p->run_dir) == 0 &&
	       strlen(path) <= MONITOR_PATH_MAX;
}

/*
 * At a stage timeout, before QEMU is killed: what L1's vCPUs and local APICs
 * hold and what L0's QEMU threads do, since a stalled L1 is told apart from
 * a spinning one only there (docs/nested-stall.md).  Best effort: the
 * timeout is reported either way.
 */
static void l1_dump_state(const struct l1_plan *p, pid_t qemu)
{
	static const char *const cmds[] = { "info registers -a", "info lapic 0", "info lapic 1",
					    "info pic", NULL };
	char sock[PATH_MAX + 32], out[PATH_MAX + 32];
	int r = -ENAMETOOLONG;

	util_pathf(out, sizeof(out), "%s/l1-at-timeout.txt", p->run_dir);
	if (p->accel == ACCEL_BOCHS)
		r = -ENOTSUP;
	else if (l1_monitor_path(p, sock, sizeof(sock)))
		r = monitor_dump(sock, cmds, out, 1000);
	if (r < 0)
		fprintf(stderr, "exitscope: run: no L1 state at the timeout (monitor: %s)\n", strerror(-r));
	else
		progress("run", "%s: L1's registers and APICs at the timeout: %s", p->name, out);
	util_pathf(out, sizeof(out), "%s/l0-qemu-threads.txt", p->run_dir);
	r = threads_dump(qemu, out, 3, 1000);
	if (r < 0)
		fprintf(stderr, "exitscope: run: no thread states of L0's QEMU: %s\n", strerror(-r));
	else
		progress("run", "%s: L0 QEMU's threads at the timeout, 3 samples 1 s apart: %s",
			 p->name, out);
}

/* What L0 saw of one boot: each status event's first sighting, by L0's clock. */
struct l1_watch {
	double spawned;		/* util_now() as QEMU was spawned */
	size_t events;		/* status events recorded so far */
	struct run_record *rec;
};

/* Room is kept for l0-start and l0-end. */
static void status_events_note(struct l1_watch *w, const char *text)
{
	struct run_status_event ev[RUN_EVENTS_MAX - 2];
	size_t n = run_status_events(text, ev, RUN_EVENTS_MAX - 2);

	for (; w->events < n; w->events++)
		run_record_event(w->rec, ev[w->events].name, util_now() - w->spawned);
}

static void status_read(const char *path, struct run_status *st, struct l1_watch *w)
{
	char *text = NULL;

	if (util_read_file(path, &text, NULL) == 0) {
		run_status_parse(text, st);
		status_events_note(w, text);
		free(text);
	}
}

/*
 * Follows one L1 boot to its end.  0 when the agent finished (its rc in
 * @st), -ETIMEDOUT when a stage ran out of time, -EINTR on a signal,
 * -EPIPE when QEMU ended before the agent did.  QEMU is gone on return.
 */
static int l1_follow(const struct l1_plan *p, pid_t pid, struct run_status *st,
		     struct l1_watch *w)
{
	char status_path[PATH_MAX + 16];
	enum run_stage seen = STAGE_L1_BOOT;
	double stage_start = util_now(), *stage_s = w->rec->stage_s;

	util_pathf(status_path, sizeof(status_path), "%s/status.log", p->run_dir);
	run_status_parse("", st);
	for (;;) {
		bool exited = exec_exited(pid);

		status_read(status_path, st, w);
		if (st->stage != seen) {
			stage_s[seen] = util_now() - stage_start;
			progress("run", "%s: %s took %.1f s", p->name, stage_name(p, seen), stage_s[seen]);
			seen = st->stage;
			stage_start = util_now();
		}
		if (exited) {
			stage_s[seen] = util_now() - stage_start;
			return seen == STAGE_DONE ? 0 : -EPIPE;
		}
		if (*p->stop) {
			exec_kill(pid);
			return -EINTR;
		}
		if (util_now() - stage_start > stage_limit(p, seen)) {
			stage_s[seen] = util_now() - stage_start;
			if (seen != STAGE_DONE)
				l1_dump_state(p, pid);
			exec_kill(pid);
			/* At DONE the results are in; only the power-off hung. */
			return seen == STAGE_DONE ? 0 : -ETIMEDOUT;
		}
		usleep(POLL_MS * 1000);
	}
}

static int micro_argv(const struct l1_plan *p, struct strv *argv)
{
	char kernel[PATH_MAX + 16], initrd[PATH_MAX + 16], monitor[PATH_MAX + 32];
	struct micro_launch l = { .accel = p->accel, .qemu = p->qemu, .kernel = kernel,
				  .initrd = initrd, .run_dir = p->run_dir, .append = p->micro_append };

	util_pathf(kernel, sizeof(kernel), "%s/bzImage", p->kernel_dir);
	util_pathf(initrd, sizeof(initrd), "%s/initrd.gz", p->micro_dir);
	if (l1_monitor_path(p, monitor, sizeof(monitor)))
		l.monitor = monitor;
	return launch_micro_argv(&l, argv);
}

static int l1_argv(const struct l1_plan *p, struct strv *argv)
{
	char kernel[PATH_MAX + 16], overlay[PATH_MAX + 16], l2_disk[PATH_MAX + 16];
	char monitor[PATH_MAX + 32];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct l1_launch l = {
		.accel = p->accel, .qemu = p->qemu, .kernel = kernel, .l1_disk = overlay,
		.l2_disk = l2_disk,
		.run_dir = p->run_dir, .append = LAUNCH_L1_INIT,
		.mem_mib = LAUNCH_L1_MEMORY_MIB, .cpus = cpus >= 2 ? 2 : 1,
	};

	util_pathf(kernel, sizeof(kernel), "%s/bzImage", p->kernel_dir);
	if (l1_monitor_path(p, monitor, sizeof(monitor)))
		l.monitor = monitor;
	util_pathf(overlay, sizeof(overlay), "%s/l1.qcow2", p->run_dir);
	util_pathf(l2_disk, sizeof(l2_disk), "%s/image.qcow2", p->l2_dir);
	return launch_l1_argv(&l, argv);
}

/* The one line for a stage that did not end well. */
static enum run_outcome l1_failed(const struct l1_plan *p, int r, const struct run_status *st)
{
	if (r == -EINTR) {
		fprintf(stderr, "exitscope: run: interrupted; QEMU stopped, no result written\n");
		return RUN_INTERRUPTED;
	}
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "exitscope: run: stage %s timed out after %u s; see %s/%s\n",
			stage_name(p, st->stage), stage_limit(p, st->stage), p->run_dir,
			stage_log(p, st->stage));
		return RUN_TIMEOUT;
	}
	fprintf(stderr, "exitscope: run: L1 ended during stage %s; see %s/%s and %s\n",
		stage_name(p, st->stage), p->run_dir, stage_log(p, st->stage),
		p->accel == ACCEL_BOCHS ? "bochs.log" : "qemu.log");
	return RUN_L1_LOST;
}

enum run_outcome run_l1(const struct l1_plan *p, struct run_status *st, struct run_record *rec)
{
	struct l1_watch w = { .rec = rec };
	char log[PATH_MAX + 16];
	struct strv argv = { 0 };
	pid_t pid;
	int r;

	rec->n_events = 0;
	memset(rec->stage_s, 0, sizeof(rec->stage_s));

	/* Bochs's own log is bochs.log (its configuration says so); this one its output. */
	util_pathf(log, sizeof(log), "%s/%s", p->run_dir,
		   p->accel == ACCEL_BOCHS ? "bochs.out" : "qemu.log");
	if ((p->micro_append ? micro_argv(p, &argv) : l1_argv(p, &argv)) < 0) {
		fprintf(stderr, "exitscope: run: cannot build L0's command line for %s\n", p->run_dir);
		strv_free(&argv);
		return RUN_ENVIRONMENT;
	}
	w.spawned = util_now();
	pid = exec_spawn(argv.v, log);
	strv_free(&argv);
	if (pid < 0) {
		fprintf(stderr, "exitscope: run: cannot start %s: %s\n",
			p->accel == ACCEL_BOCHS ? "Bochs" : "QEMU", strerror((int)-pid));
		return RUN_ENVIRONMENT;
	}
	run_record_event(rec, "l0-start", 0);
	r = l1_follow(p, pid, st, &w);
	run_record_event(rec, "l0-end", util_now() - w.spawned);
	return r ? l1_failed(p, r, st) : RUN_OK;
}

volatile sig_atomic_t run_stop;

static void run_on_signal(int sig)
{
	(void)sig;
	run_stop = 1;
}

void run_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = run_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
