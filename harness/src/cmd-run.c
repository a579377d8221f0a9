// SPDX-License-Identifier: GPL-2.0
/*
 * exitscope run SCENARIO: from a scenario's name to results/<kernel-id>/<scenario>.json.
 *
 * Builds (or finds) the kernel and images through the other commands, boots
 * the patched kernel as L1 in QEMU with a per-run directory shared in, follows
 * the agent through the status port with a timeout per stage, and assembles
 * the result from what the agent and the probe left in the run directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assemble.h"
#include "result.h"
#include "cmd.h"
#include "exec.h"
#include "kernel.h"
#include "launch.h"
#include "monitor.h"
#include "run.h"
#include "scenario.h"
#include "strv.h"
#include "threads.h"
#include "util.h"

#define L1_MEMORY_MIB 3072
#define L2_MEMORY_MIB 1024
#define L2_KERNEL_ARGS "console=ttyS0 root=/dev/vda rw"
/* Measured here: L1 reaches its agent in about 10 s under TCG; L1's power-off takes 1-2 s. */
#define L1_BOOT_TIMEOUT_S 300
#define L1_SHUTDOWN_TIMEOUT_S 60
/* libvirtd and virt-install start inside L1's share of the L2 stage. */
#define L2_STAGE_MARGIN_S 300

struct run_opts {
	const char *scenario;
	const char *kernel_id;
	const char *series;
	const char *accel;
	const char *results;
	const char *l2_append;	/* extra L2 kernel arguments */
	unsigned int timeout_s;	/* 0: the scenario's */
	unsigned int retries;
	bool reassemble;	/* only assemble again from the last run's directory */
};

struct run_ctx {
	struct run_opts o;
	struct scenario sc;
	char root[PATH_MAX];
	char kernel_id[KERNEL_ID_LEN + 1];
	char kernel_dir[PATH_MAX];
	char l1_dir[PATH_MAX];
	char l2_dir[PATH_MAX];
	char out_dir[PATH_MAX];	/* results/<kernel-id> */
	char run_dir[PATH_MAX];	/* results/<kernel-id>/<scenario>.run */
	struct host_caps caps;
	enum accel accel;
	char qemu_version[256];	/* L0's, as its --version's first line says */
	double start;
	double stage_seconds[3];
	int attempts;
};

static volatile sig_atomic_t run_interrupted;

/*
 * run_attempt()'s result when QEMU ended before the agent finished: under
 * emulated SVM, L1 sometimes resets silently while it runs L2 (issue 8,
 * docs/nested-stall.md), the same flake as a hang, so --retries covers both.
 * It leaves cmd_run() as EXIT_MEASURED_FAILED.
 */
#define RUN_L1_LOST (-1)

/*
 * L2 ended without the probe's status line: L2 reset itself (libvirt turns
 * the reset into a shutdown, the domain shuts off cleanly) before cloud-init
 * ran the probe.  Another face of issue 8, retried like the other two.
 */
#define RUN_L2_LOST (-2)

static bool run_lost(int r)
{
	return r == EXIT_TIMEOUT || r == RUN_L1_LOST || r == RUN_L2_LOST;
}

static const char *run_lost_what(int r, const struct run_status *st)
{
	static char what[64];

	if (r == RUN_L1_LOST)
		return "lost L1";
	if (r == RUN_L2_LOST)
		return "lost L2";
	snprintf(what, sizeof(what), "timed out in stage %s", run_stage_name(st->stage));
	return what;
}

void run_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope run SCENARIO [--kernel ID | --series 6.1|6.12] [--accel auto|kvm|tcg]\n"
		"                     [--timeout S] [--retries N] [--results DIR] [--l2-append ARGS]\n\n"
		"Boots the patched kernel as L1 in QEMU (kvm when this host can nest, else TCG with\n"
		"-cpu max), starts the L2 guest in it through libvirt/virt-install with a cloud-init\n"
		"seed that runs exitprobe, and writes DIR/<kernel-id>/SCENARIO.json (default DIR:\n"
		"results/ of the checkout).  Logs of the run stay in DIR/<kernel-id>/SCENARIO.run/.\n"
		"The kernel and the images are built first when they are not cached.\n\n"
		"--kernel ID   a kernel from 'exitscope kernel list' (default: build --series S)\n"
		"--timeout S   L1's limit for L2, from virt-install to power-off (default: the scenario's)\n"
		"--retries N   run again, up to N times, after a stage timed out or L1 or L2 ended early\n"
		"--l2-append ARGS   more kernel arguments for L2 (e.g. loglevel=8 earlyprintk=serial)\n"
		"--reassemble  no new run: assemble the result again from SCENARIO.run/ of the last one\n\n"
		"Exit 0 ok, 1 the oracle or the probe found a mismatch, 2 bad usage, 3 the environment\n"
		"cannot run it, 124 a stage timed out (the error names the stage and its log).\n"
		"Scenarios are listed in scenarios/scenarios.cfg.\n");
}

static void progress(const struct run_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct run_ctx *c, const char *fmt, ...)
{
	va_list ap;

	printf("[%6.1fs] run: %s: ", util_now() - c->start, c->sc.name[0] ? c->sc.name : "-");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void on_signal(int sig)
{
	(void)sig;
	run_interrupted = 1;
}

static void signals_catch(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int parse_uint(const char *text, unsigned int *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || !*text || *end || text[0] == '-' || v > 86400)
		return -EINVAL;
	*value = v;
	return 0;
}

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option options[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "series", required_argument, NULL, 's' },
		{ "accel", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retries", required_argument, NULL, 'r' },
		{ "results", required_argument, NULL, 'o' },
		{ "l2-append", required_argument, NULL, 'l' },
		{ "reassemble", no_argument, NULL, 'R' },
		{ 0 },
	};
	int c;

	o->series = "6.1";
	o->accel = getenv("ACCEL");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel_id = optarg; break;
		case 's': o->series = optarg; break;
		case 'a': o->accel = optarg; break;
		case 'o': o->results = optarg; break;
		case 'R': o->reassemble = true; break;
		case 'l':
			/* One spec.env line, one virt-install --boot field. */
			if (strpbrk(optarg, ",\n")) {
				fprintf(stderr, "exitscope: run: --l2-append cannot hold a comma or a newline\n");
				return EXIT_USAGE;
			}
			o->l2_append = optarg;
			break;
		case 't':
			if (parse_uint(optarg, &o->timeout_s) < 0 || !o->timeout_s) {
				fprintf(stderr, "exitscope: run: --timeout needs seconds (1-86400), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			if (parse_uint(optarg, &o->retries) < 0 || o->retries > 20) {
				fprintf(stderr, "exitscope: run: --retries needs a count (0-20), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			fprintf(stderr, "exitscope: run: bad option '%s'; see 'exitscope help run'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "exitscope: run: %s; see 'exitscope help run'\n",
			optind >= argc ? "name one SCENARIO" : "one SCENARIO only");
		return EXIT_USAGE;
	}
	o->scenario = argv[optind];
	if (o->kernel_id && strcmp(o->series, "6.1") && strcmp(o->series, "6.12")) {
		fprintf(stderr, "exitscope: run: series must be 6.1 or 6.12, not '%s'\n", o->series);
		return EXIT_USAGE;
	}
	return 0;
}

static int run_load_scenario(struct run_ctx *c)
{
	char path[PATH_MAX + 32], *cfg;
	int line = 0, r;

	util_pathf(path, sizeof(path), "%s/scenarios/scenarios.cfg", c->root);
	if (util_read_file(path, &cfg, NULL) < 0) {
		fprintf(stderr, "exitscope: run: cannot read %s; run from an exitscope checkout\n", path);
		return EXIT_ENVIRONMENT;
	}
	r = scenario_find(cfg, c->o.scenario, &c->sc, &line);
	if (r == -EINVAL)
		fprintf(stderr, "exitscope: run: %s:%d does not parse (NAME STAGE KERNEL TIMEOUT PROBE...)\n",
			path, line);
	if (r == -ENOENT) {
		fprintf(stderr, "exitscope: run: no scenario '%s'; these exist:\n", c->o.scenario);
		scenario_list(cfg, stderr);
	}
	free(cfg);
	if (!r && c->o.timeout_s)
		c->sc.timeout_s = c->o.timeout_s;
	return r ? EXIT_USAGE : 0;
}

/* Runs `exitscope ARGS...` (this binary) with its output shown; 0 or its status. */
static int run_self(char *const args[])
{
	struct strv argv = { 0 };
	int r;

	strv_add(&argv, "/proc/self/exe");
	strv_addv(&argv, (const char *const *)args);
	r = exec_run(argv.v, NULL, NULL);
	strv_free(&argv);
	return r;
}

/* The last line `exitscope ARGS...` prints: an id or a path. */
static int run_self_answer(char *const args[], char *answer, size_t size)
{
	char text[8192], *last;
	struct strv argv = { 0 };
	int r;

	strv_add(&argv, "/proc/self/exe");
	strv_addv(&argv, (const char *const *)args);
	r = exec_output(argv.v, text, sizeof(text));
	strv_free(&argv);
	if (r)
		return r < 0 ? r : -EIO;
	last = strrchr(text, '\n');
	return util_pathf(answer, size, "%s", last ? last + 1 : text);
}

static int run_resolve_kernel(struct run_ctx *c)
{
	char *path[] = { "kernel", "path", c->kernel_id, NULL };

	if (c->o.kernel_id) {
		util_pathf(c->kernel_id, sizeof(c->kernel_id), "%s", c->o.kernel_id);
	} else {
		char *build[] = { "kernel", "build", "--series", (char *)c->o.series,
				  c->sc.stock ? "--stock" : NULL, NULL };

		progress(c, "kernel %s%s", c->o.series, c->sc.stock ? " (stock)" : "");
		if (run_self(build) || run_self_answer(build, c->kernel_id, sizeof(c->kernel_id)))
			return EXIT_ENVIRONMENT;
	}
	if (run_self_answer(path, c->kernel_dir, sizeof(c->kernel_dir))) {
		fprintf(stderr, "exitscope: run: no kernel %s; 'exitscope kernel list' shows the built ones\n",
			c->kernel_id);
		return EXIT_USAGE;
	}
	return 0;
}

static int run_resolve_images(struct run_ctx *c)
{
	char *build[] = { "images", "build", NULL };
	char *l1[] = { "images", "path", "l1", NULL }, *l2[] = { "images", "path", "l2", NULL };

	progress(c, "images");
	if (run_self(build) || run_self_answer(l1, c->l1_dir, sizeof(c->l1_dir)) ||
	    run_self_answer(l2, c->l2_dir, sizeof(c->l2_dir)))
		return EXIT_ENVIRONMENT;
	return 0;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	if (util_pathf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	return util_write_atomic(path, text, strlen(text));
}

/* user-data and meta-data from guest-images/l2/cloud-init/ for this scenario and attempt. */
static int run_write_seed(const struct run_ctx *c)
{
	char path[PATH_MAX + 64], instance[96], *template, *text;
	const char *const user_pairs[] = { "STAGE", c->sc.stage, "PROBE_ARGS", c->sc.probe, NULL };
	/* A fresh instance-id per attempt: cloud-init then runs everything again. */
	const char *const meta_pairs[] = { "INSTANCE_ID", instance, NULL };
	const char *const names[] = { "user-data", "meta-data" };
	int r = 0;

	snprintf(instance, sizeof(instance), "exitscope-%s-%ld-%d-%d", c->sc.name, (long)time(NULL),
		 (int)getpid(), c->attempts);
	for (int i = 0; i < 2 && !r; i++) {
		util_pathf(path, sizeof(path), "%s/guest-images/l2/cloud-init/%s.in", c->root, names[i]);
		if ((r = util_read_file(path, &template, NULL)) < 0)
			break;
		text = template_render(template, i ? meta_pairs : user_pairs);
		free(template);
		r = text ? write_text(c->run_dir, names[i], text) : -EINVAL;
		free(text);
	}
	return r;
}

static int run_write_spec(const struct run_ctx *c)
{
	char spec[2048], args[1024];

	if (scenario_l2_args(&c->sc, L2_KERNEL_ARGS, c->o.l2_append, args, sizeof(args)) < 0) {
		fprintf(stderr, "exitscope: run: %s: L2's kernel arguments hold a comma or are too long\n",
			c->sc.name);
		return -EINVAL;
	}
	snprintf(spec, sizeof(spec),
		 "SCENARIO=%s\nL2_TIMEOUT=%u\nL2_DISK=/dev/vdb\n"
		 "L2_KERNEL=/run/exitscope/l2-vmlinuz\nL2_INITRD=/run/exitscope/l2-initrd.img\n"
		 "L2_KERNEL_ARGS=%s\nL2_MEMORY=%d\nL2_VCPUS=1\n",
		 c->sc.name, c->sc.timeout_s, args, L2_MEMORY_MIB);
	return write_text(c->run_dir, "spec.env", spec);
}

/* cp @l2_dir/@name @run_dir/l2-@name: L1 reads L2's kernel from the share. */
static int copy_l2_file(const struct run_ctx *c, const char *name)
{
	char from[PATH_MAX + 32], to[PATH_MAX + 32];
	char *const cp[] = { "cp", from, to, NULL };

	util_pathf(from, sizeof(from), "%s/%s", c->l2_dir, name);
	util_pathf(to, sizeof(to), "%s/l2-%s", c->run_dir, name);
	return exec_run(cp, NULL, NULL) ? -EIO : 0;
}

/* A clean run directory for one attempt: spec, seed, L2's kernel, L1's overlay. */
static int run_prepare(const struct run_ctx *c)
{
	char base[PATH_MAX + 16], overlay[PATH_MAX + 16], out[PATH_MAX + 8];
	char *const wipe[] = { "rm", "-rf", (char *)c->run_dir, NULL };
	char *const create[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base,
				 overlay, NULL };

	util_pathf(out, sizeof(out), "%s/out", c->run_dir);
	util_pathf(base, sizeof(base), "%s/rootfs.ext2", c->l1_dir);
	util_pathf(overlay, sizeof(overlay), "%s/l1.qcow2", c->run_dir);
	if (exec_run(wipe, NULL, NULL) || util_mkdirs(out) < 0)
		return -EIO;
	if (copy_l2_file(c, "vmlinuz") < 0 || copy_l2_file(c, "initrd.img") < 0)
		return -EIO;
	if (exec_run(create, NULL, NULL))
		return -EIO;
	if (run_write_spec(c) < 0 || run_write_seed(c) < 0)
		return -EIO;
	return 0;
}

static pid_t l1_spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		/* Its own group, so one kill takes QEMU and anything it started. */
		setpgid(0, 0);
		if (null < 0 || out < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void l1_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static unsigned int stage_limit(const struct run_ctx *c, enum run_stage stage)
{
	if (stage == STAGE_L1_BOOT)
		return L1_BOOT_TIMEOUT_S;
	if (stage == STAGE_L2)
		return c->sc.timeout_s + L2_STAGE_MARGIN_S;
	return L1_SHUTDOWN_TIMEOUT_S;
}

/* The log a person should read when @stage went wrong. */
static const char *stage_log(enum run_stage stage)
{
	return stage == STAGE_L2 ? "out/l2-console.log (and l1-console.log)" : "l1-console.log";
}

/* L1's HMP socket in the run directory; false when the path is too long to bind. */
static bool l1_monitor_path(const struct run_ctx *c, char *path, size_t size)
{
	return util_pathf(path, size, "%s/l1-monitor.sock", c->run_dir) == 0 &&
	       strlen(path) <= MONITOR_PATH_MAX;
}

/*
 * At a stage timeout, before QEMU is killed: what L1's vCPUs and local APICs
 * hold, for issue 8 (a stalled L1 has been seen inside L2 with its own timer
 * interrupt pending), and what L0's QEMU threads do: a vCPU thread asleep
 * while its APIC has work points into QEMU, one that spins into the guest.
 * Best effort: the timeout is reported either way.
 */
static void l1_dump_state(const struct run_ctx *c, pid_t qemu)
{
	static const char *const cmds[] = { "info registers -a", "info lapic 0", "info lapic 1",
					    "info pic", NULL };
	char sock[PATH_MAX + 32], out[PATH_MAX + 32];
	int r = -ENAMETOOLONG;

	util_pathf(out, sizeof(out), "%s/l1-at-timeout.txt", c->run_dir);
	if (l1_monitor_path(c, sock, sizeof(sock)))
		r = monitor_dump(sock, cmds, out, 1000);
	if (r < 0)
		fprintf(stderr, "exitscope: run: no L1 state at the timeout (monitor: %s)\n", strerror(-r));
	else
		progress(c, "L1's registers and APICs at the timeout: %s", out);
	util_pathf(out, sizeof(out), "%s/l0-qemu-threads.txt", c->run_dir);
	r = threads_dump(qemu, out, 3, 1000);
	if (r < 0)
		fprintf(stderr, "exitscope: run: no thread states of L0's QEMU: %s\n", strerror(-r));
	else
		progress(c, "L0 QEMU's threads at the timeout, 3 samples 1 s apart: %s", out);
}

/*
 * Follows one L1 boot to its end.  0 when the agent finished (its rc in
 * @st), -ETIMEDOUT when a stage ran out of time, -EINTR on a signal,
 * -EPIPE when QEMU ended before the agent did.  QEMU is gone on return.
 */
static int l1_follow(struct run_ctx *c, pid_t pid, struct run_status *st)
{
	char status_path[PATH_MAX + 16];
	enum run_stage seen = STAGE_L1_BOOT;
	double stage_start = util_now();
	int wstatus;

	util_pathf(status_path, sizeof(status_path), "%s/status.log", c->run_dir);
	run_status_parse("", st);
	for (;;) {
		char *text = NULL;
		bool exited = waitpid(pid, &wstatus, WNOHANG) == pid;

		if (util_read_file(status_path, &text, NULL) == 0) {
			run_status_parse(text, st);
			free(text);
		}
		if (st->stage != seen) {
			c->stage_seconds[seen] = util_now() - stage_start;
			progress(c, "%s took %.1f s", run_stage_name(seen), c->stage_seconds[seen]);
			seen = st->stage;
			stage_start = util_now();
		}
		if (exited) {
			c->stage_seconds[seen] = util_now() - stage_start;
			return seen == STAGE_DONE ? 0 : -EPIPE;
		}
		if (run_interrupted) {
			l1_kill(pid);
			return -EINTR;
		}
		if (util_now() - stage_start > stage_limit(c, seen)) {
			if (seen != STAGE_DONE)
				l1_dump_state(c, pid);
			l1_kill(pid);
			if (seen == STAGE_DONE)
				return 0;	/* the results are in; only the power-off hung */
			return -ETIMEDOUT;
		}
		usleep(250 * 1000);
	}
}

static int l1_argv(const struct run_ctx *c, struct strv *argv)
{
	char kernel[PATH_MAX + 16], overlay[PATH_MAX + 16], l2_disk[PATH_MAX + 16];
	char monitor[PATH_MAX + 32];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct l1_launch l = {
		.accel = c->accel, .kernel = kernel, .l1_disk = overlay, .l2_disk = l2_disk,
		.run_dir = c->run_dir, .append = "init=/usr/local/sbin/exitscope-init",
		.mem_mib = L1_MEMORY_MIB, .cpus = cpus >= 2 ? 2 : 1,
	};

	util_pathf(kernel, sizeof(kernel), "%s/bzImage", c->kernel_dir);
	if (l1_monitor_path(c, monitor, sizeof(monitor)))
		l.monitor = monitor;
	util_pathf(overlay, sizeof(overlay), "%s/l1.qcow2", c->run_dir);
	util_pathf(l2_disk, sizeof(l2_disk), "%s/image.qcow2", c->l2_dir);
	return launch_l1_argv(&l, argv);
}

static int read_out(const struct run_ctx *c, const char *name, char **text)
{
	char path[PATH_MAX + 64];

	util_pathf(path, sizeof(path), "%s/out/%s", c->run_dir, name);
	return util_read_file(path, text, NULL);
}

/* Did the status port get the probe's EXITSCOPE-PROBE-RC line? */
static bool l2_reported(const struct run_ctx *c)
{
	char *port = NULL;
	json_t *probe = NULL;
	int rc, r;

	if (read_out(c, "l2-probe.out", &port) < 0)
		return false;
	r = probe_output_parse(port, &probe, &rc);
	if (probe)
		json_decref(probe);
	free(port);
	return r != -ENOMSG;
}

/*
 * Did L2 end in a triple fault?  L1's kvm_exit histogram says, by its SVM
 * SHUTDOWN or VMX triple-fault exit; the ISA is the one this host's L1 has.
 */
static bool l2_triple_faulted(const struct run_ctx *c)
{
	struct exit_table *hist = calloc(1, sizeof(*hist));
	enum exsc_isa isa = EXSC_ISA_SVM;	/* TCG's -cpu max, or an AMD host */
	uint64_t dropped;
	char *text = NULL;
	bool shut = false;

	if (c->accel == ACCEL_KVM && !strcmp(c->caps.cpu_vendor, "GenuineIntel"))
		isa = EXSC_ISA_VMX;
	if (hist && read_out(c, "kvm-exit-hist.txt", &text) == 0 &&
	    hist_parse(text, hist, &dropped) == 0)
		shut = hist_shutdowns(hist, isa) > 0;
	free(text);
	free(hist);
	return shut;
}

/* One attempt: a fresh run directory, one L1 boot.  0 or an EXIT_* code. */
static int run_attempt(struct run_ctx *c, struct run_status *st)
{
	char log[PATH_MAX + 16];
	struct strv argv = { 0 };
	pid_t pid;
	int r;

	if (run_prepare(c) < 0 || l1_argv(c, &argv) < 0) {
		fprintf(stderr, "exitscope: run: cannot prepare %s\n", c->run_dir);
		strv_free(&argv);
		return EXIT_ENVIRONMENT;
	}
	util_pathf(log, sizeof(log), "%s/qemu.log", c->run_dir);
	progress(c, "attempt %d: L1 under %s, logs in %s", c->attempts, accel_name(c->accel), c->run_dir);
	pid = l1_spawn(argv.v, log);
	strv_free(&argv);
	if (pid < 0)
		return EXIT_ENVIRONMENT;
	r = l1_follow(c, pid, st);
	if (r == -EINTR) {
		fprintf(stderr, "exitscope: run: interrupted; QEMU stopped, no result written\n");
		return 130;
	}
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "exitscope: run: stage %s timed out after %u s; see %s/%s\n",
			run_stage_name(st->stage), stage_limit(c, st->stage), c->run_dir,
			stage_log(st->stage));
		return EXIT_TIMEOUT;
	}
	if (r == -EPIPE) {
		fprintf(stderr, "exitscope: run: L1 ended during stage %s; see %s/%s and qemu.log\n",
			run_stage_name(st->stage), c->run_dir, stage_log(st->stage));
		return RUN_L1_LOST;
	}
	if (st->agent_rc == EXIT_TIMEOUT) {
		fprintf(stderr, "exitscope: run: L2 did not power off within %u s; see %s/%s\n",
			c->sc.timeout_s, c->run_dir, stage_log(STAGE_L2));
		return EXIT_TIMEOUT;
	}
	if (st->agent_rc != 0) {
		fprintf(stderr, "exitscope: run: the L1 agent failed: %s; see %s/out/agent.log\n",
			st->error[0] ? st->error : "no reason given", c->run_dir);
		return EXIT_MEASURED_FAILED;
	}
	if (!l2_reported(c)) {
		fprintf(stderr, "exitscope: run: L2 shut off without the probe's status%s; see %s/%s "
			"and out/kvm-trace-tail.txt (L1's last KVM events)\n",
			l2_triple_faulted(c) ? " (it triple-faulted: L1's kvm_exit shows a shutdown exit)" : "",
			c->run_dir, stage_log(STAGE_L2));
		return RUN_L2_LOST;
	}
	return 0;
}

/* The L1 window (patch counters before and after L2) and its oracle. */
struct l1_view {
	struct exit_table before;
	struct exit_table after;
	struct exit_table hist;
	bool patched;
};

static int l1_view_read(const struct run_ctx *c, struct l1_view *v)
{
	char *before = NULL, *after = NULL, *hist = NULL;
	uint64_t dropped = 0;
	int r = -EIO;

	if (read_out(c, "counters-before.txt", &before) || read_out(c, "counters-after.txt", &after) ||
	    read_out(c, "kvm-exit-hist.txt", &hist))
		goto out;
	r = hist_parse(hist, &v->hist, &dropped);
	if (!r && dropped)
		r = -ENOSPC;	/* a histogram that dropped entries is no oracle */
	if (r)
		goto out;
	v->patched = counters_parse(before, &v->before) != -ENODEV;
	r = v->patched ? counters_parse(after, &v->after) : 0;
out:
	free(before);
	free(after);
	free(hist);
	return r;
}

/* A probe window ({total, cycles, by_reason}) as a table, for arithmetic with L1's. */
static void window_to_table(json_t *window, struct exit_table *t)
{
	size_t i;
	json_t *e;

	memset(t, 0, sizeof(*t));
	t->total = json_integer_value(json_object_get(window, "total"));
	t->cycles = json_integer_value(json_object_get(window, "cycles"));
	json_array_foreach(json_object_get(window, "by_reason"), i, e)
		if (t->n < EXIT_TABLE_MAX)
			t->v[t->n++] = (struct exit_count){
				json_integer_value(json_object_get(e, "reason")),
				json_integer_value(json_object_get(e, "count")),
				json_integer_value(json_object_get(e, "cycles")) };
}

/*
 * L2's start to the probe's first read: the probe's first absolute counters
 * ("before" of a run, "counters" of a snapshot) minus what L1 read just
 * before it started L2.
 */
static json_t *boot_window(enum exsc_isa isa, json_t *probe, const struct exit_table *l1_before)
{
	json_t *first = json_object_get(probe, "before");
	struct exit_table t;

	if (!first)
		first = json_object_get(probe, "counters");
	if (!first)
		return json_pack("{s:i, s:i, s:[]}", "total", 0, "cycles", 0, "by_reason");
	window_to_table(first, &t);
	return window_delta_json(isa, l1_before, &t);
}

static json_t *kernel_json(const struct run_ctx *c)
{
	char path[PATH_MAX + 32];
	struct kernel_manifest m;
	json_error_t err;
	json_t *doc, *out = NULL;

	util_pathf(path, sizeof(path), "%s/manifest.json", c->kernel_dir);
	doc = json_load_file(path, 0, &err);
	if (doc && kernel_manifest_parse(doc, &m, &err) == 0) {
		char source[512];

		kernel_source_summary(m.source, source, sizeof(source));
		out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", m.id, "release", m.release,
				"source", source, "patch_sha256", m.patch_sha256,
				"config_sha256", m.config_sha256, "stock", m.stock);
	}
	json_decref(doc);
	return out;
}

static void qemu_version_read(struct run_ctx *c)
{
	char *const version[] = { "qemu-system-x86_64", "--version", NULL };

	if (!exec_first_line(version, c->qemu_version, sizeof(c->qemu_version)))
		snprintf(c->qemu_version, sizeof(c->qemu_version), "unknown");
}

/* Under TCG, say so when L0's QEMU is one that loses L2's interrupts. */
static void tcg_qemu_warn(const struct run_ctx *c)
{
	const char *why = NULL;

	if (c->accel != ACCEL_TCG)
		return;
	if (launch_tcg_qemu_fit(c->qemu_version, &why) == 0)
		fprintf(stderr, "exitscope: run: warning: %s: %s\n", c->qemu_version, why);
}

static json_t *host_json(const struct run_ctx *c)
{
	return json_pack("{s:s, s:s, s:s}", "accel", accel_name(c->accel),
			 "cpu_vendor", c->caps.cpu_vendor, "qemu_version", c->qemu_version);
}

static json_t *workload_json(const struct run_ctx *c, json_t *probe)
{
	json_t *w = json_object_get(probe, "workload");

	if (w)
		return json_deep_copy(w);
	/* A snapshot has no workload of its own: the boot scenario. */
	return json_pack("{s:s, s:{}}", "name", c->sc.name, "params");
}

static enum exsc_isa run_isa(const struct run_ctx *c, json_t *probe)
{
	enum exsc_isa isa;
	const char *name = NULL;

	if (!json_unpack(probe, "{s:{s:s}}", "l1", "isa", &name) && !exsc_isa_parse(name, &isa))
		return isa;
	/* TCG emulates SVM only; under KVM L1 has the host's own. */
	if (c->accel == ACCEL_TCG || !strcmp(c->caps.cpu_vendor, "AuthenticAMD"))
		return EXSC_ISA_SVM;
	return EXSC_ISA_VMX;
}

static json_t *result_build(const struct run_ctx *c, json_t *probe, const struct l1_view *v,
			    time_t started, bool *match)
{
	enum exsc_isa isa = run_isa(c, probe);
	json_t *kernel = kernel_json(c), *exits, *boot, *oracle, *l1_window, *result;
	struct exit_table none = { 0 };
	char when[32];

	if (!kernel)
		return NULL;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
	if (v->patched) {
		boot = boot_window(isa, probe, &v->before);
		exits = json_object_get(probe, "exits") ? json_deep_copy(json_object_get(probe, "exits"))
							: json_deep_copy(boot);
		l1_window = window_delta_json(isa, &v->before, &v->after);
	} else {
		/* Stock: the histogram is the only view, and it has no cycles. */
		boot = window_delta_json(isa, &none, &none);
		exits = window_delta_json(isa, &none, &v->hist);
		l1_window = json_deep_copy(exits);
	}
	oracle = oracle_json(isa, json_string_value(json_object_get(kernel, "release")), l1_window,
			     &v->hist, match);
	json_decref(l1_window);
	result = json_pack("{s:s, s:s, s:s, s:f, s:i, s:o, s:o, s:{s:s}, s:o, s:o, s:o, s:o, s:I}",
			 "schema", "exitscope/result/v1", "scenario", c->sc.name,
			 "started_at", when, "duration_s", util_now() - c->start,
			 "attempts", c->attempts, "kernel", kernel, "host", host_json(c),
			 "l1", "isa", exsc_isa_name(isa), "workload", workload_json(c, probe),
			 "exits", exits, "boot", boot, "oracle", oracle, "probe_cpuid_exits",
			 json_integer_value(json_object_get(probe, "probe_cpuid_exits")));
	if (result && json_object_get(probe, "samples"))
		json_object_set(result, "samples", json_object_get(probe, "samples"));
	return result;
}

static int result_write(const struct run_ctx *c, json_t *result, char *path, size_t size)
{
	struct result_error err;
	char *text, *grown;
	int r;

	if (result_validate(result, &err) != 0) {
		fprintf(stderr, "exitscope: run: the assembled result is not valid: %s\n", err.text);
		return -EINVAL;
	}
	util_pathf(path, size, "%s/%s.json", c->out_dir, c->sc.name);
	text = json_dumps(result, JSON_SORT_KEYS | JSON_INDENT(2));
	if (!text)
		return -ENOMEM;
	/* json_dumps leaves off the final newline a text file should have. */
	grown = realloc(text, strlen(text) + 2);
	if (!grown) {
		free(text);
		return -ENOMEM;
	}
	text = grown;
	strcat(text, "\n");
	r = util_write_atomic(path, text, strlen(text));
	free(text);
	return r;
}

/* Reads what the attempt left, writes the result, shows it.  An EXIT_* code. */
static int run_finish(struct run_ctx *c, time_t started)
{
	char path[PATH_MAX + 64], *port = NULL;
	char *show[] = { "show", path, NULL };
	struct l1_view *view = calloc(1, sizeof(*view));
	json_t *probe = NULL, *result = NULL;
	int probe_rc = -1, r = EXIT_MEASURED_FAILED;
	bool match = false;

	if (!view || read_out(c, "l2-probe.out", &port) < 0 ||
	    probe_output_parse(port, &probe, &probe_rc) == -ENOMSG) {
		fprintf(stderr, "exitscope: run: L2 never reported the probe's status; see %s/%s\n",
			c->run_dir, stage_log(STAGE_L2));
		goto out;
	}
	if (l1_view_read(c, view) < 0) {
		fprintf(stderr, "exitscope: run: the agent's counters or kvm_exit histogram are missing "
				"or dropped entries; see %s/out/\n", c->run_dir);
		goto out;
	}
	if (probe_rc == EXIT_ENVIRONMENT && view->patched) {
		fprintf(stderr, "exitscope: run: L1's debugfs has the counters but the probe found no "
				"exitscope ABI; see %s/%s\n", c->run_dir, stage_log(STAGE_L2));
		goto out;
	}
	if (!view->patched)
		progress(c, "stock kernel: the probe found no exitscope ABI (exit %d), as it must; "
			    "exits are the kvm_exit histogram's, without cycles", probe_rc);
	result = result_build(c, probe ? probe : json_object(), view, started, &match);
	if (!result || result_write(c, result, path, sizeof(path)) < 0) {
		fprintf(stderr, "exitscope: run: cannot write the result to %s\n", c->out_dir);
		goto out;
	}
	run_self(show);
	progress(c, "wrote %s (l1-boot %.0f s, l2 %.0f s, attempts %d)", path,
		 c->stage_seconds[STAGE_L1_BOOT], c->stage_seconds[STAGE_L2], c->attempts);
	r = 0;
	if (!match)
		fprintf(stderr, "exitscope: run: counters and kvm_exit histogram disagree beyond what "
				"ABI.md explains; see the oracle in %s\n", path), r = EXIT_MEASURED_FAILED;
	if (view->patched && probe_rc != 0)
		fprintf(stderr, "exitscope: run: the probe's own check failed (exit %d); see %s\n",
			probe_rc, path), r = EXIT_MEASURED_FAILED;
out:
	json_decref(result);
	if (probe)
		json_decref(probe);
	free(port);
	free(view);
	return r;
}

/* Moves a timed-out attempt's directory aside, replacing an older one of that name. */
static void run_keep_logs(const char *run_dir, const char *kept)
{
	char *const wipe[] = { "rm", "-rf", (char *)kept, NULL };

	exec_run(wipe, NULL, NULL);
	if (rename(run_dir, kept) < 0)
		fprintf(stderr, "exitscope: run: cannot keep %s as %s: %s\n", run_dir, kept,
			strerror(errno));
}

int cmd_run(int argc, char **argv)
{
	struct run_ctx *c = calloc(1, sizeof(*c));
	struct run_status st;
	const char *why = NULL;
	time_t started = time(NULL);
	int r;

	if (!c)
		return EXIT_ENVIRONMENT;
	c->start = util_now();
	if ((r = run_parse(argc, argv, &c->o)) || (r = util_checkout_root(c->root, sizeof(c->root))) ||
	    (r = run_load_scenario(c)))
		goto out;
	host_caps_probe("", &c->caps);
	if (accel_choose(c->o.accel, &c->caps, &c->accel, &why) < 0) {
		fprintf(stderr, "exitscope: run: --accel %s: %s\n", c->o.accel, why);
		r = EXIT_USAGE;
		goto out;
	}
	qemu_version_read(c);
	if (!c->o.reassemble)
		tcg_qemu_warn(c);
	if ((r = run_resolve_kernel(c)) || (r = run_resolve_images(c)))
		goto out;
	if (c->o.results)
		util_pathf(c->out_dir, sizeof(c->out_dir), "%s/%s", c->o.results, c->kernel_id);
	else
		util_pathf(c->out_dir, sizeof(c->out_dir), "%s/results/%s", c->root, c->kernel_id);
	util_pathf(c->run_dir, sizeof(c->run_dir), "%s/%s.run", c->out_dir, c->sc.name);
	if (c->o.reassemble) {
		c->attempts = 1;
		r = run_finish(c, started);
		goto out;
	}
	signals_catch();
	do {
		c->attempts++;
		r = run_attempt(c, &st);
		if (run_lost(r) && c->attempts <= (int)c->o.retries) {
			char kept[PATH_MAX + 32];

			/* The next attempt starts clean; the logs of this one stay for people. */
			util_pathf(kept, sizeof(kept), "%s.attempt-%d", c->run_dir, c->attempts);
			run_keep_logs(c->run_dir, kept);
			progress(c, "attempt %d %s; logs kept in %s; retrying (%d of %u retries)",
				 c->attempts, run_lost_what(r, &st), kept, c->attempts, c->o.retries);
		}
	} while (run_lost(r) && c->attempts <= (int)c->o.retries);
	if (r == RUN_L1_LOST || r == RUN_L2_LOST)
		r = EXIT_MEASURED_FAILED;
	if (!r)
		r = run_finish(c, started);
out:
	free(c);
	return r;
}
