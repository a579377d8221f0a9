// SPDX-License-Identifier: GPL-2.0
/* The outcome stage: how an attempt ended, and the one exit code for each ending. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "run.h"
#include "util.h"

int run_exit_code(enum run_outcome outcome)
{
	switch (outcome) {
	case RUN_OK:
		return 0;
	case RUN_BAD_INPUT:
		return EXIT_USAGE;
	case RUN_ENVIRONMENT:
		return EXIT_ENVIRONMENT;
	case RUN_TIMEOUT:
		return EXIT_TIMEOUT;
	case RUN_INTERRUPTED:
		return EXIT_INTERRUPTED;
	case RUN_MISMATCH:
	case RUN_AGENT_FAILED:
	case RUN_L1_LOST:
	case RUN_L2_LOST:
		break;
	}
	return EXIT_MEASURED_FAILED;
}

bool run_outcome_retryable(enum run_outcome outcome)
{
	return outcome == RUN_TIMEOUT || outcome == RUN_L1_LOST || outcome == RUN_L2_LOST;
}

const char *run_outcome_name(enum run_outcome outcome)
{
	static const char *const names[] = {
		[RUN_OK] = "ok", [RUN_MISMATCH] = "mismatch", [RUN_AGENT_FAILED] = "agent failed",
		[RUN_L1_LOST] = "lost L1", [RUN_L2_LOST] = "lost L2", [RUN_TIMEOUT] = "timed out",
		[RUN_BAD_INPUT] = "bad input", [RUN_ENVIRONMENT] = "environment",
		[RUN_INTERRUPTED] = "interrupted",
	};

	return names[outcome];
}

bool run_l2_triple_faulted(const struct run_evidence *ev, enum exsc_isa isa)
{
	uint64_t shutdowns = hist_shutdowns(&ev->hist, isa);
	uint64_t neighbor_lost = ev->neighbor && !ev->neighbor_error[0] ? ev->neighbor_doc.lost : 0;

	return shutdowns > neighbor_lost;
}

/* Whether L1's agent left the tail of its KVM event ring (run --trace) in out/. */
static bool run_trace_kept(const char *run_dir)
{
	char path[PATH_MAX];

	return util_pathf(path, sizeof(path), "%s/out/kvm-trace-tail.txt", run_dir) == 0 &&
	       access(path, F_OK) == 0;
}

enum run_outcome run_outcome_classify(const struct run_status *st, const struct run_evidence *ev,
				      const struct run_record *rec, const char *run_dir,
				      unsigned int l2_timeout_s)
{
	const char *l2_log = run_stage_log(STAGE_L2);

	if (st->agent_rc == EXIT_TIMEOUT) {
		fprintf(stderr, "exitscope: run: L2 did not power off within %u s; see %s/%s\n",
			l2_timeout_s, run_dir, l2_log);
		return RUN_TIMEOUT;
	}
	if (st->agent_rc != 0) {
		fprintf(stderr, "exitscope: run: the L1 agent failed: %s; see %s/out/agent.log\n",
			st->error[0] ? st->error : "no reason given", run_dir);
		return RUN_AGENT_FAILED;
	}
	if (!ev->probe_reported) {
		fprintf(stderr, "exitscope: run: L2 shut off without the probe's status%s; see %s/%s "
			"%s\n",
			run_l2_triple_faulted(ev, rec->isa) ?
			" (it triple-faulted: L1's kvm_exit shows a shutdown exit)" : "",
			run_dir, l2_log, run_trace_kept(run_dir) ?
			"and out/kvm-trace-tail.txt (L1's last KVM events)" :
			"(run with --trace to keep L1's last KVM events)");
		return RUN_L2_LOST;
	}
	return RUN_OK;
}

enum run_outcome run_outcome_classify_micro(const struct run_status *st,
					    const struct run_evidence *ev, const char *run_dir)
{
	/* exitmicro exits 0 when every reason was exact and 1 when not: both are results. */
	if (st->agent_rc != 0 && st->agent_rc != 1) {
		fprintf(stderr, "exitscope: run: the micro guest failed in L1: %s; see %s/l1-console.log\n",
			st->error[0] ? st->error : "no reason given", run_dir);
		return RUN_AGENT_FAILED;
	}
	if (!ev->micro || ev->micro_error[0]) {
		fprintf(stderr, "exitscope: run: out/micro.json is %s%s; see %s/l1-console.log\n",
			ev->micro ? "not exitmicro's document: " : "missing",
			ev->micro ? ev->micro_error : "", run_dir);
		return RUN_AGENT_FAILED;
	}
	return RUN_OK;
}
