/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grader: how a kernel's exit counters, read through one CPUID leaf map
 * (exitscope/maps.h), hold up against exits a harness caused and the kvm_exit
 * tracepoint saw.  Pure C: the guest's CPUID instruction is a parameter, so
 * the same code grades a live kernel and a model in the unit tests.  Helpers
 * here do not print; a command renders the verdicts (check-output.h).  Every
 * struct is the caller's; nothing is allocated.
 *
 * A grading goes:
 *   check_window_begin()  a snapshot through the map (its first CPUID reads
 *                         the CPUID reason's count: the self-count anchor)
 *   ... the harness causes exits, the tracepoint counts them ...
 *   check_window_end()    the closing snapshot
 *   check_grade()         the map gate, then every rule; more CPUIDs, all
 *                         after the window
 */
#ifndef EXITSCOPE_CHECK_RULES_H
#define EXITSCOPE_CHECK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/maps.h"

/* Room for every reason an ISA defines (SVM's 175). */
#define CHECK_MAX_REASONS 192
/* The verdict table: a row per caused reason and a few per rule. */
#define CHECK_MAX_VERDICTS 256
#define CHECK_TEXT 96

/*
 * The least share of a CPUID's round trip, as the guest times it, that the
 * kernel's charge for one CPUID exit (or, where it was not read, its cycles
 * per exit over the window) must reach, in percent: cycles from exit to
 * entry are much of a round trip, a timer around the handler sees a small
 * part of it.  Under Bochs (VMX), where the CPU's own exit and entry take
 * most of a round trip, a correct kernel charges a third of it to one CPUID
 * exit, a timer around vmx_handle_exit() a tenth.  Under QEMU TCG (SVM),
 * whose SVM has no next-RIP save, KVM decodes the CPUID again to skip it:
 * a timer around the handler sees a fifth to three tenths of a round trip,
 * a correct kernel a half, so SVM's bar is higher.
 */
#define CHECK_SPAN_MIN_PERCENT_VMX 20
#define CHECK_SPAN_MIN_PERCENT_SVM 40

/* One reading of every counter the map offers. */
struct check_snapshot {
	size_t nr;
	uint32_t code[CHECK_MAX_REASONS];	/* every reason the manual defines */
	struct exsc_counter counter[CHECK_MAX_REASONS];
	struct exsc_counter total;
	uint64_t cpuid_first, cpuid_last;	/* the CPUID reason's count, first and last read */
	size_t reads;				/* CPUIDs this snapshot executed */
};

struct check_window {
	struct check_snapshot before, after;
};

/* What the harness caused of one reason in the window, and what kvm_exit counted. */
struct check_caused {
	uint32_t reason;
	uint64_t caused;
	bool has_traced;
	uint64_t traced;	/* the tracepoint's count over the same window, harness reads out */
};

struct check_input {
	const struct exsc_map *map;	/* the map the kernel claims to answer */
	enum exsc_isa isa;		/* the host's: the kernel's reason numbers */
	exsc_cpuid_fn cpuid;		/* a CPUID of a guest of the kernel under test */
	const struct check_window *window;
	const struct check_caused *caused;
	size_t nr_caused;
	/*
	 * CPUID exits the counters' scope had taken before check_window_begin()'s
	 * first CPUID, when the harness knows (a fresh VM, or a tracepoint armed
	 * before the first VM): the self-count rule's anchor.
	 */
	bool has_cpuid_before;
	uint64_t cpuid_before;
	/* TSC cycles of one CPUID round trip as the guest timed it; 0: unknown. */
	uint64_t round_trip_cycles;
	/*
	 * TSC cycles the kernel charged to one CPUID exit, where the harness
	 * read them: the cycles field (the CPUID reason's, or the total's)
	 * across two back-to-back guest CPUIDs, between which only the first
	 * one's exit is charged; 0: unknown, the window's average is judged.
	 */
	uint64_t pair_cycles;
};

enum check_status {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_SKIP,	/* the rule was not exercised: nothing to judge */
};

struct check_verdict {
	const char *rule;		/* a CHECK_RULE_* name */
	bool has_reason;
	uint32_t reason;
	char expected[CHECK_TEXT];
	char got[CHECK_TEXT];
	enum check_status status;
	const char *cause;		/* the probable cause, a sentence; "" when it passed */
};

struct check_report {
	size_t n;
	struct check_verdict v[CHECK_MAX_VERDICTS];
	const struct exsc_map *answered;	/* the map the kernel was found to answer, or NULL */
};

/* Rule names, as rows and the JSON carry them. */
#define CHECK_RULE_MAP		"map"
#define CHECK_RULE_COUNT	"count"
#define CHECK_RULE_UNDEFINED	"undefined-answer"
#define CHECK_RULE_DEFINED	"defined-answer"
#define CHECK_RULE_NOT_ENABLED	"not-enabled-zero"
#define CHECK_RULE_TOTALS	"totals"
#define CHECK_RULE_CYCLES	"cycles-present"
#define CHECK_RULE_SPAN		"cycles-span"
#define CHECK_RULE_SELF		"self-count"
#define CHECK_RULE_WRAP		"wrap"

/* One snapshot through @map; returns the CPUIDs executed. */
size_t check_snapshot_take(const struct exsc_map *map, enum exsc_isa isa, exsc_cpuid_fn cpuid,
			   struct check_snapshot *s);

static inline size_t check_window_begin(const struct exsc_map *map, enum exsc_isa isa,
					exsc_cpuid_fn cpuid, struct check_window *w)
{
	return check_snapshot_take(map, isa, cpuid, &w->before);
}

static inline size_t check_window_end(const struct exsc_map *map, enum exsc_isa isa,
				      exsc_cpuid_fn cpuid, struct check_window *w)
{
	return check_snapshot_take(map, isa, cpuid, &w->after);
}

/*
 * Whether the kernel answers @map at all: its totals and its CPUID reason's
 * count move across back-to-back reads (and, for exitscope's map, the
 * discovery leaf has the signature).  Executes a few CPUIDs.
 */
bool check_map_answers(const struct exsc_map *map, enum exsc_isa isa, exsc_cpuid_fn cpuid);

/*
 * Grades @in into @report.  When the named map does not answer, the report
 * is one verdict, "map": another map answers (report->answered), or none
 * does.  0, or -EINVAL for an input it cannot grade (no map, ISA, CPUID or
 * window; more than CHECK_MAX_REASONS caused rows; a caused reason the
 * manual does not define).
 */
int check_grade(const struct check_input *in, struct check_report *report);

/* The most ECX values the sweep of the undefined and defined answers reads. */
#define CHECK_SWEEP_MAX 2048

/*
 * The ECX values that sweep reads for @isa, into @codes (up to @max); how
 * many.  VMX: every basic reason 0-255, a spread over 256-65535, the powers
 * of two and their neighbours up to 2^31, full exit reasons with bits 26-28
 * or 31 set, 0xFFFFFFFF.  SVM: every code 0-0x4FF, 0xFFFFFFF0-0xFFFFFFFF, the
 * SEV-ES software codes and 0xF0000000, and the same spread and powers.
 */
size_t check_sweep_codes(enum exsc_isa isa, uint32_t *codes, size_t max);

/* Rows that failed; 0 means every rule passed or was not exercised. */
size_t check_failures(const struct check_report *report);

const char *check_status_name(enum check_status status);	/* "pass", "FAIL", "skip" */

#endif
