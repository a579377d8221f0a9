// SPDX-License-Identifier: GPL-2.0
/*
 * The evidence stage: the files L1's agent and L2's probe left in out/, each
 * read and parsed once, for the outcome and assembly stages to share.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "util.h"

static int read_out(const char *run_dir, const char *name, char **text)
{
	char path[PATH_MAX + 64];

	if (util_pathf(path, sizeof(path), "%s/out/%s", run_dir, name) < 0)
		return -ENAMETOOLONG;
	return util_read_file(path, text, NULL);
}

static void evidence_probe(const char *run_dir, struct run_evidence *ev)
{
	char *port = NULL;

	ev->probe_rc = -1;
	if (read_out(run_dir, "l2-probe.out", &port) == 0)
		ev->probe_reported = probe_output_parse(port, &ev->probe, &ev->probe_rc) != -ENOMSG;
	free(port);
	/* The same validator the probe ran before it wrote the document. */
	if (ev->probe && probe_doc_parse(ev->probe, &ev->doc, ev->probe_error,
					 sizeof(ev->probe_error)) < 0 && !ev->probe_error[0])
		snprintf(ev->probe_error, sizeof(ev->probe_error), "not a probe document");
}

/* One histogram file, whole; -ENOENT when absent, -EINVAL when unreadable or it dropped entries. */
static int read_hist(const char *run_dir, const char *name, struct exit_table *t)
{
	char *text = NULL;
	uint64_t dropped = 0;
	int r = read_out(run_dir, name, &text);

	/* A histogram that dropped entries is no oracle. */
	if (!r)
		r = hist_parse(text, t, &dropped) == 0 && !dropped ? 0 : -EINVAL;
	free(text);
	return r;
}

/*
 * The kvm_exit histogram over L2's life, or, in a boot shared by several
 * scenarios, over this scenario's window: the histogram at its end minus
 * the one at its start (kvm-exit-hist-begin.txt).  Whole, or hist_read
 * stays false.
 */
static void evidence_hist(const char *run_dir, struct run_evidence *ev)
{
	struct exit_table *begin;
	int r;

	ev->hist_read = read_hist(run_dir, "kvm-exit-hist.txt", &ev->hist) == 0;
	begin = calloc(1, sizeof(*begin));
	if (!begin) {
		ev->hist_read = false;
		return;
	}
	r = read_hist(run_dir, RUN_HIST_BEGIN_FILE, begin);
	if (r != -ENOENT)
		ev->hist_read = ev->hist_read && !r && exit_table_since(&ev->hist, begin) == 0;
	free(begin);
}

/* L1's counters before and after L2: both, or counters_read stays false. */
static void evidence_counters(const char *run_dir, struct run_evidence *ev)
{
	char *before = NULL, *after = NULL;

	if (read_out(run_dir, "counters-before.txt", &before) == 0 &&
	    read_out(run_dir, "counters-after.txt", &after) == 0) {
		int r = counters_parse(before, &ev->before);
		ev->patched = r != -ENODEV;
		ev->counters_read = !ev->patched || (!r && counters_parse(after, &ev->after) == 0 &&
						     counters_names(before, &ev->names) == 0);
	}
	free(before);
	free(after);
}

/* The neighbor's document, when the agent kept one (spec NEIGHBOR=1, and it reported). */
static void evidence_neighbor(const char *run_dir, struct run_evidence *ev)
{
	char *text = NULL;
	int r = read_out(run_dir, "neighbor.json", &text);

	ev->neighbor = r != -ENOENT;
	if (!r)
		neighbor_parse(text, &ev->neighbor_doc, ev->neighbor_error, sizeof(ev->neighbor_error));
	else if (ev->neighbor)
		snprintf(ev->neighbor_error, sizeof(ev->neighbor_error), "cannot read it: %s",
			 strerror(-r));
	free(text);
}

/* The micro stage's document (out/micro.json), checked as a whole. */
static void evidence_micro(const char *run_dir, struct run_evidence *ev)
{
	char *text = NULL;
	json_error_t jerr;
	int r = read_out(run_dir, "micro.json", &text);

	ev->micro = r != -ENOENT;
	if (r < 0 && ev->micro)
		snprintf(ev->micro_error, sizeof(ev->micro_error), "cannot read it: %s", strerror(-r));
	else if (!r && !(ev->micro_doc = json_loads(text, 0, &jerr)))
		snprintf(ev->micro_error, sizeof(ev->micro_error), "line %d: %s", jerr.line, jerr.text);
	else if (!r && micro_doc_check(ev->micro_doc, &ev->micro_isa, ev->micro_error,
				       sizeof(ev->micro_error)) < 0 && !ev->micro_error[0])
		snprintf(ev->micro_error, sizeof(ev->micro_error), "not exitmicro's document");
	free(text);
}

struct run_evidence *run_evidence_read(const char *run_dir)
{
	struct run_evidence *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	evidence_probe(run_dir, ev);
	evidence_hist(run_dir, ev);
	evidence_counters(run_dir, ev);
	evidence_neighbor(run_dir, ev);
	evidence_micro(run_dir, ev);
	return ev;
}

void run_evidence_free(struct run_evidence *ev)
{
	if (!ev)
		return;
	json_decref(ev->probe);
	json_decref(ev->micro_doc);
	free(ev);
}
