/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `exitscope run` as a pipeline of stages, each a module with plain structs
 * in and out (docs/design.md has the data path and the run directory):
 *
 *   run_resolve_scenario() the scenario's definition                   run-resolve.c
 *   run_resolve_host()     the accelerator, L0's QEMU and L1's ISA     run-resolve.c
 *   run_resolve()          the kernel and images, built when missing   run-resolve.c
 *   run_prepare()          a clean run directory for one attempt       run-prepare.c
 *   run_l1()               L0's QEMU with L1, followed stage by stage  run-l1.c
 *   run_evidence_read()    what the attempt left in out/, read once    run-evidence.c
 *   run_outcome_classify() how the attempt ended                       run-outcome.c
 *   run_assemble()         the result, from the run directory alone    run-assemble.c
 *
 * cmd-run.c parses the options, loops over attempts and maps the one
 * outcome to an exit code.  A stage that fails prints one line saying what
 * failed and where to look, and returns its outcome; the pure parts
 * (run_status_parse(), run_record_*, run_assemble()) do not print.
 */
#ifndef EXITSCOPE_RUN_H
#define EXITSCOPE_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "assemble.h"
#include "images-build.h"
#include "kernel-build.h"
#include "launch.h"
#include "micro-doc.h"
#include "neighbor.h"
#include "probe-doc.h"
#include "scenario.h"

/* How a run, or one attempt of it, ended.  run_exit_code() maps each to an exit code. */
enum run_outcome {
	RUN_OK,
	RUN_MISMATCH,		/* the oracle or the probe's own check failed */
	RUN_AGENT_FAILED,	/* L1's agent reported an error */
	RUN_L1_LOST,		/* QEMU ended before the agent finished */
	RUN_L2_LOST,		/* L2 shut off before the probe reported */
	RUN_TIMEOUT,		/* a stage, or L2 inside L1, ran out of time */
	RUN_BAD_INPUT,
	RUN_ENVIRONMENT,	/* this host or its cache cannot do it */
	RUN_INTERRUPTED,	/* SIGINT, SIGTERM or SIGHUP */
};

/* 0, 1, 2, 3, 124 or 130 (cmd.h). */
int run_exit_code(enum run_outcome outcome);

/*
 * The faces of emulated SVM's rare flakes (docs/nested-stall.md): a stage
 * timeout, L1 lost, L2 lost.  --retries runs such an attempt again.
 */
bool run_outcome_retryable(enum run_outcome outcome);

/* "timed out", "lost L1", ...: for progress lines. */
const char *run_outcome_name(enum run_outcome outcome);

/* ---- resolve ---------------------------------------------------------- */

/*
 * Scenario @name from @root's scenarios/scenarios.cfg, its timeout replaced
 * by @timeout_s when not 0.  RUN_OK, or RUN_BAD_INPUT / RUN_ENVIRONMENT
 * after saying why (an unknown name lists the known ones).
 */
enum run_outcome run_resolve_scenario(const char *root, const char *name, unsigned int timeout_s,
				      struct scenario *sc);

struct run_inputs {
	struct kernel_found kernel;
	struct image_found l1;
	struct image_found l2;
	struct kernel_found l2_kernel;	/* the trimmed L2 kernel; id "" for Debian's, or no L2 */
};

/*
 * The trimmed L2 kernel: the guest's, so the stock 6.1 kernel (L1's config,
 * without the patch series) whatever L1 runs.
 */
#define RUN_L2_KERNEL_SERIES "6.1"

/*
 * @kernel_id (--kernel) names a cached kernel; otherwise the kernel of
 * @series (stock for a stock scenario) is built when the cache lacks it.
 * Then both images, or for a micro scenario its initramfs (as @in->l1), and
 * when @sc's L2 kernel is the trimmed one, that kernel (built like L1's,
 * cached by the hash of its inputs).  Builds print their progress; a
 * failure one line.
 */
enum run_outcome run_resolve(const struct scenario *sc, const char *kernel_id, const char *series,
			     struct run_inputs *in);

/* ---- the run record: run.json in the run directory (run-record.c) ----- */

enum run_stage {
	STAGE_L1_BOOT,	/* QEMU started, no agent yet */
	STAGE_L2,	/* agent up: libvirt, L2 boot, workload, power-off */
	STAGE_DONE,	/* agent finished; L1 powers off */
	STAGE_COUNT
};

/*
 * An event of the attempt as L0 saw it: "l0-start" (QEMU spawned, 0 s),
 * each status line's event when a poll first found it (POLL_MS apart, so
 * up to 0.25 s late), "l0-end" (QEMU gone).  docs/design.md, "The timeline".
 */
#define RUN_EVENT_NAME 24
#define RUN_EVENTS_MAX 40
struct run_event {
	char name[RUN_EVENT_NAME];
	double t_s;		/* seconds since L0 spawned QEMU, to the millisecond */
};

/* Everything about an attempt that is not in out/: enough to assemble with nothing else. */
struct run_record {
	char scenario[32];
	int attempt;			/* 1 for the first */
	time_t started;			/* when the run (not the attempt) began */
	double duration_s;		/* from the start to L1's end; 0 before */
	double stage_s[STAGE_COUNT];	/* each stage's wall time; 0 before */
	enum accel accel;
	char cpu_vendor[32];
	char qemu_version[256];		/* L0's, its --version's first line */
	char l0[8];			/* "built", "fixed" or "system" (l0.h); "" under Bochs or in an older record */
	char l0_qemu[PATH_MAX];		/* what L0 executes; not in run.json (this host's path) */
	enum exsc_isa isa;		/* L1's: launch_l1_isa(), decided once */
	char kernel_id[KERNEL_ID_LEN + 1];
	char l1_image[IMAGE_ID_LEN + 1];
	char l2_image[IMAGE_ID_LEN + 1];
	char l2_kernel[16];		/* "trimmed", "debian"; "" for the micro stage or an older record */
	char l2_kernel_id[KERNEL_ID_LEN + 1];	/* the trimmed kernel's id, else "" */
	char shared_boot[32];		/* the L2 boot this scenario shared ("cpuid+idle"), else "" */
	int trace;			/* 1: run --trace, L1 kept a ring of KVM events; 0: no ring; -1: an older record */
	size_t n_events;		/* 0 in a record written before L1 ran, or by an older exitscope */
	struct run_event events[RUN_EVENTS_MAX];	/* in the order L0 saw them */
};

#define RUN_RECORD_FILE "run.json"
#define RUN_KERNEL_FILE "kernel.json"	/* the kernel's manifest.json, copied */
/* In out/ of a scenario that shared L2's boot: the histogram when its window began. */
#define RUN_HIST_BEGIN_FILE "kvm-exit-hist-begin.txt"

/* Writes @dir/run.json atomically; -errno. */
int run_record_write(const char *dir, const struct run_record *rec);

/*
 * The host a run ran on, as run.json and the result both hold it: accel,
 * cpu_vendor, qemu_version, and l0 and trace when the record has them.
 */
json_t *run_record_host_json(const struct run_record *rec);

/*
 * Reads @dir/run.json strictly: -ENOENT, or -EINVAL with @err naming what is
 * wrong.  "events" is optional: an older exitscope did not write it.
 */
int run_record_read(const char *dir, struct run_record *rec, char *err, size_t size);

/* Appends event @name at @t_s seconds (rounded to the millisecond); ignored when full. */
void run_record_event(struct run_record *rec, const char *name, double t_s);

/*
 * The kernel id of the one @results/<id>/@scenario.run/ that holds a run.json:
 * 0, -ENOENT when there is none, -EEXIST when there are several.
 */
int run_dir_find(const char *results, const char *scenario, char *kernel_id, size_t size);

/*
 * The host half of resolve, in two parts.  run_resolve_accel(): the
 * accelerator (@accel: --accel or $ACCEL, may be NULL), the CPU vendor and so
 * L1's ISA, into @rec; prints nothing but a refusal.  run_resolve_l0(): the
 * emulator that will be L0 on this host ($EXITSCOPE_L0 under QEMU) and its
 * version line, printed as a progress line.  run_resolve_host() does both.
 * RUN_OK, or RUN_BAD_INPUT / RUN_ENVIRONMENT after one line.
 */
enum run_outcome run_resolve_accel(const char *accel, struct run_record *rec);
enum run_outcome run_resolve_l0(struct run_record *rec);
enum run_outcome run_resolve_host(const char *accel, struct run_record *rec);

/*
 * What only the host and the scenario together decide: Bochs runs micro
 * scenarios only, and must be installed; a micro scenario's command must
 * parse, and becomes L1's kernel command line in @append ("" for another
 * stage).  RUN_OK, or RUN_BAD_INPUT / RUN_ENVIRONMENT after one line.
 */
enum run_outcome run_resolve_micro(const struct scenario *sc, const struct run_record *rec,
				   char *append, size_t size);

/* ---- prepare ---------------------------------------------------------- */

struct run_attempt {
	const struct scenario *sc;
	const char *root;	/* the checkout: guest-images/l2/cloud-init/ */
	const char *l2_append;	/* more L2 kernel arguments, or NULL */
	const char *micro_append;	/* the micro stage: L1's kernel arguments; NULL otherwise */
	const char *run_dir;
	const struct run_inputs *in;
	const struct run_record *rec;
	const struct scenario *windows;	/* a shared boot: its scenarios, each a window; else NULL */
	size_t n_windows;
};

/*
 * Empties the run directory and writes what L1 reads (spec.env, user-data,
 * meta-data, L2's kernel, L1's overlay; for the micro stage under Bochs its
 * configuration and boot ISO) and what assembly reads later (run.json,
 * kernel.json).  A shared boot's user-data runs each scenario's probe in a
 * window of its own (user-data-windows.in), and spec.env says WINDOWS=1;
 * when the record's trace is on (run --trace) it says TRACE=1.
 * RUN_OK, RUN_BAD_INPUT or RUN_ENVIRONMENT.
 */
enum run_outcome run_prepare(const struct run_attempt *a);

/*
 * libvirt's QEMU capabilities kept between runs of one L1 (run-caps.c):
 * the cache's directory for @rec's L1 image, kernel and L0, or accelerator;
 * -ENAMETOOLONG.
 */
int run_caps_dir(const struct run_record *rec, char *dir, size_t size);
/* The kept files, if any, into @run_dir/RUN_CAPS_SEED for the agent; -errno. */
int run_caps_seed(const struct run_record *rec, const char *run_dir);
/*
 * What the agent left in @run_dir/out/RUN_CAPS_SEED, kept when its
 * RUN_CAPS_STATE says libvirtd probed: the whole directory replaced at once;
 * -errno.
 */
int run_caps_keep(const struct run_record *rec, const char *run_dir);

#define RUN_CAPS_SEED "libvirt-caps"
#define RUN_CAPS_STATE "libvirt-caps.txt"	/* "reused" or "probed", from the agent */

/* ---- L1 --------------------------------------------------------------- */

/* How far the agent got, folded from the lines it wrote to the status port. */
struct run_status {
	enum run_stage stage;
	int agent_rc;		/* from "done rc=N", -1 before */
	char error[256];	/* the agent's "error ..." line, "" if none */
};

/* Folds the status port's text into @st (pure; the grammar is in docs/design.md). */
void run_status_parse(const char *text, struct run_status *st);

/* A status line as an event of the timeline: its name and L1's uptime on it. */
struct run_status_event {
	char name[RUN_EVENT_NAME];	/* the event's first word: "start", "l2-end" */
	double l1_uptime_s;
};

/*
 * The events of @text's complete lines that have the grammar's form, in
 * order, at most @max into @ev (pure): how many.  A line is one event
 * whether the driver parses it or not; longer names are cut.
 */
size_t run_status_events(const char *text, struct run_status_event *ev, size_t max);
const char *run_stage_name(enum run_stage stage);
/* The log, in the run directory, a person should read when @stage went wrong. */
const char *run_stage_log(enum run_stage stage);

struct l1_plan {
	const char *name;		/* the scenario, for progress lines */
	const char *run_dir;
	const char *kernel_dir;		/* bzImage */
	const char *l2_dir;		/* image.qcow2, handed to L1 read-only */
	const char *micro_dir;		/* the micro stage: initrd.gz; NULL otherwise */
	const char *micro_append;	/* ... and L1's kernel arguments */
	enum accel accel;
	const char *qemu;		/* L0's QEMU (run_record's l0_qemu); NULL: from PATH */
	unsigned int l2_timeout_s;	/* L1's limit for L2 */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
};

/* Set by SIGINT, SIGTERM and SIGHUP once run_catch_signals() ran: run_l1() stops L1. */
extern volatile sig_atomic_t run_stop;
void run_catch_signals(void);

/*
 * Boots L1 and follows it until it powers off, each stage under its
 * timeout; QEMU is gone on return.  RUN_OK once the agent finished (@st has
 * its rc), RUN_TIMEOUT (after dumping L1's state), RUN_L1_LOST,
 * RUN_INTERRUPTED or RUN_ENVIRONMENT.  @rec gets each stage's seconds and
 * the events L0 saw, replacing an earlier attempt's.
 */
enum run_outcome run_l1(const struct l1_plan *p, struct run_status *st, struct run_record *rec);

/* ---- evidence --------------------------------------------------------- */

/* What an attempt left in out/, each file read and parsed once. */
struct run_evidence {
	bool probe_reported;	/* the EXITSCOPE-PROBE-RC line arrived */
	int probe_rc;
	json_t *probe;		/* the probe's document, owned; NULL when none */
	struct probe_doc doc;	/* ... validated and parsed, when probe_error is "" */
	char probe_error[256];	/* why the document is not a valid one, or "" */
	bool hist_read;		/* the histogram read, whole, nothing dropped */
	bool counters_read;	/* both counter files read (and parsed, when patched) */
	bool patched;		/* L1's debugfs had the counters */
	struct exit_table before;	/* L1's counters before L2 started */
	struct exit_table after;	/* and after it shut off */
	struct exit_table hist;		/* the kvm_exit histogram over that window */
	struct reason_names names;	/* the kernel's names, from its counters; n 0 when stock */
	bool neighbor;			/* out/neighbor.json is there: a VM ran beside L2 */
	struct neighbor_doc neighbor_doc;	/* ... parsed, when neighbor_error is "" */
	char neighbor_error[256];	/* why it is not the neighbor's document, or "" */
	bool micro;			/* out/micro.json is there: the micro stage */
	json_t *micro_doc;		/* ... exitmicro's document, owned; NULL when unreadable */
	enum exsc_isa micro_isa;	/* ... its ISA, when micro_error is "" */
	char micro_error[256];		/* why it is not a valid document, or "" */
};

/* Never fails as a whole: a part that is missing or broken is left unset. NULL on ENOMEM. */
struct run_evidence *run_evidence_read(const char *run_dir);
void run_evidence_free(struct run_evidence *ev);

/* ---- outcome ---------------------------------------------------------- */

/*
 * Whether L2 triple-faulted: L1's kvm_exit histogram holds more shutdown
 * exits (SVM SHUTDOWN, VMX triple fault) than the VMs the neighbor lost.
 */
bool run_l2_triple_faulted(const struct run_evidence *ev, enum exsc_isa isa);

/*
 * How an attempt whose L1 finished ended: RUN_OK when L2 reported, else
 * RUN_TIMEOUT, RUN_AGENT_FAILED or RUN_L2_LOST after one line naming the log.
 */
enum run_outcome run_outcome_classify(const struct run_status *st, const struct run_evidence *ev,
				      const struct run_record *rec, const char *run_dir,
				      unsigned int l2_timeout_s);

/*
 * The same for the micro stage: RUN_OK when exitmicro wrote a valid
 * document (exact or not), else RUN_AGENT_FAILED after one line.
 */
enum run_outcome run_outcome_classify_micro(const struct run_status *st,
					    const struct run_evidence *ev, const char *run_dir);

/* ---- assemble --------------------------------------------------------- */

struct run_verdict {
	bool stock;		/* L1 had no counters: an unpatched kernel */
	bool oracle_match;
	int probe_rc;		/* the probe's exit status */
	bool micro;		/* the micro stage: micro_exact decides, not probe_rc */
	bool micro_exact;	/* every reason exitmicro caused counted exactly */
};

/*
 * The result of the attempt in @run_dir from run.json, kernel.json and @ev
 * alone: nothing is built, nothing else is read.  The document, validated,
 * with @verdict set; NULL with @err saying what is missing or wrong.
 */
json_t *run_assemble(const char *run_dir, const struct run_evidence *ev,
		     struct run_verdict *verdict, char *err, size_t size);

/*
 * What every result opens with: schema, scenario, started_at, duration_s,
 * attempts, @kernel (a reference taken), host and l1 from @rec.  NULL on
 * ENOMEM.
 */
json_t *run_result_head(const struct run_record *rec, json_t *kernel);

/*
 * run_assemble()'s micro stage: the result from exitmicro's document in @ev
 * (checked), with @kernel (borrowed) and @rec.  NULL with @err on ENOMEM or
 * when the document's ISA is not L1's.
 */
json_t *run_assemble_micro(const struct run_record *rec, const struct run_evidence *ev,
			   json_t *kernel, struct run_verdict *verdict, char *err, size_t size);

/*
 * Adds the result's "timeline" to @result: the events L0 saw (@rec), the
 * status lines of @run_dir/status.log with L1's uptime, the probe's start
 * and window (@ev).  Nothing is added when there is none of it.  0 or -ENOMEM.
 */
int run_timeline_apply(const char *run_dir, const struct run_record *rec,
		       const struct run_evidence *ev, json_t *result);

/* ---- a shared boot (run-shared.c) -------------------------------------- */

/*
 * After L1 ended, scenario @name's run directory @dir (emptied first) from
 * the shared boot's @boot_dir and record @boot, laid out as a run of its own
 * leaves it: run.json (its name, and the boot's as shared_boot), kernel.json,
 * status.log, and in out/ its window's counters and histograms and its part
 * of the probe port's output, each where L2 got that far.  RUN_OK, or
 * RUN_ENVIRONMENT after one line.
 */
enum run_outcome run_shared_split(const char *boot_dir, const struct run_record *boot,
				  const char *name, const char *dir);

/* @result to @path as the result files are written (sorted, indented, atomic); -errno. */
int run_result_write(const char *path, json_t *result);

#endif
