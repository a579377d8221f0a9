// SPDX-License-Identifier: GPL-2.0
/*
 * The grader's rules (docs/design.md, "The grader"): each one turns the
 * window, the caused and traced counts and a few more CPUIDs into verdict
 * rows, with the most probable cause of a failure in one sentence.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check-rules.h"
#include "exitscope/reasons.h"

static const char *const cause_fastpath =
	"fewer exits counted than caused and traced, of a reason KVM handles in its fastpath: "
	"count where the exit is taken (vcpu_run, beside trace_kvm_exit), not in "
	"vmx_handle_exit/svm_handle_exit, which fastpath exits never reach";
static const char *const cause_full_reason =
	"none of these VM-entry failures counted: their full exit reason has bit 31 set, so "
	"index the counters by the basic reason (bits 15:0), not the full exit reason";
static const char *const cause_missing =
	"fewer exits counted than caused and traced: a path skips the counting point, or "
	"concurrent updates are lost (counters that are not per-CPU)";
static const char *const cause_extra =
	"more exits counted than caused and traced: the slot also takes other exits (indexed "
	"by something other than the basic reason), or exits are counted twice";
static const char *const cause_harness =
	"the tracepoint saw fewer exits than were caused, or agrees with the counters against "
	"what was caused: the harness's window or count is off, not the kernel";
static const char *const cause_saturated =
	"the 32-bit field stopped at 0xFFFFFFFF: counts must wrap modulo 2^32, not saturate";

/* Appends a row; -E2BIG when the table is full. */
static int add(struct check_report *r, const char *rule, bool has_reason, uint32_t reason,
	       enum check_status status, const char *cause, const char *expected,
	       const char *got_fmt, ...)
{
	struct check_verdict *v;
	va_list ap;

	if (r->n == CHECK_MAX_VERDICTS)
		return -E2BIG;
	v = &r->v[r->n++];
	v->rule = rule;
	v->has_reason = has_reason;
	v->reason = reason;
	v->status = status;
	v->cause = status == CHECK_FAIL ? cause : "";
	snprintf(v->expected, sizeof(v->expected), "%s", expected);
	va_start(ap, got_fmt);
	vsnprintf(v->got, sizeof(v->got), got_fmt, ap);
	va_end(ap);
	return 0;
}

static size_t slot_of(const struct check_snapshot *s, uint32_t reason)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->code[i] == reason)
			return i;
	return s->nr;
}

/* The CPUID reason's window runs from before's last read to after's first. */
static void raw_pair(const struct check_input *in, size_t i, uint64_t *before, uint64_t *after)
{
	const struct check_window *w = in->window;
	bool cpuid = w->after.code[i] == reasons_cpuid(in->isa);

	*before = cpuid ? w->before.cpuid_last : w->before.counter[i].count;
	*after = cpuid ? w->after.cpuid_first : w->after.counter[i].count;
}

/* The harness's own exits of reason @i in the window: after's first read. */
static uint64_t own_exits(const struct check_input *in, size_t i)
{
	return in->window->after.code[i] == reasons_cpuid(in->isa) ? 1 : 0;
}

/* Reason @i's count over the window, the harness's own reads taken out. */
static uint64_t counted(const struct check_input *in, size_t i)
{
	uint64_t before, after;

	raw_pair(in, i, &before, &after);
	return exsc_map_count_delta(in->map, before, after) - own_exits(in, i);
}

static bool fastpath_reason(enum exsc_isa isa, uint32_t reason)
{
	/* VMX: MSR_WRITE and PREEMPTION_TIMER; SVM: MSR (the x2APIC ICR write, given next-RIP save). */
	return isa == EXSC_ISA_VMX ? reason == 32 || reason == 52 : reason == 0x7C;
}

/* What the counters must show: the tracepoint's count where there is one, else the caused. */
static uint64_t reference(const struct check_caused *c)
{
	return c->has_traced ? c->traced : c->caused;
}

static bool count_passes(const struct check_input *in, const struct check_caused *c)
{
	uint64_t got = counted(in, slot_of(&in->window->after, c->reason));

	return got == reference(c) && reference(c) >= c->caused;
}

/* Whether every caused reason outside the fastpath is exact: then the fastpath is to blame. */
static bool only_fastpath_short(const struct check_input *in)
{
	for (size_t k = 0; k < in->nr_caused; k++)
		if (!fastpath_reason(in->isa, in->caused[k].reason) &&
		    !count_passes(in, &in->caused[k]))
			return false;
	return true;
}

static const char *count_cause(const struct check_input *in, const struct check_caused *c,
			       size_t i, uint64_t got)
{
	uint64_t before, after;

	raw_pair(in, i, &before, &after);
	if (reference(c) < c->caused || (got == reference(c) && got != c->caused))
		return cause_harness;
	if (got > reference(c))
		return cause_extra;
	if (in->map->count_bits == 32 && after == exsc_map_count_max(in->map))
		return cause_saturated;
	if (in->isa == EXSC_ISA_VMX && got == 0 &&
	    (c->reason == 33 || c->reason == 34 || c->reason == 41))
		return cause_full_reason;
	return fastpath_reason(in->isa, c->reason) && only_fastpath_short(in) ? cause_fastpath
									      : cause_missing;
}

/*
 * Exact against the tracepoint, which sees the same window and its
 * background exits too, and never below what was caused; without a
 * tracepoint, exactly what was caused.
 */
static int rule_count(const struct check_input *in, struct check_report *r)
{
	for (size_t k = 0; k < in->nr_caused; k++) {
		const struct check_caused *c = &in->caused[k];
		size_t i = slot_of(&in->window->after, c->reason);
		uint64_t got = counted(in, i);
		bool pass = count_passes(in, c);
		char expected[CHECK_TEXT];

		if (c->has_traced)
			snprintf(expected, sizeof(expected), "caused %llu, traced %llu",
				 (unsigned long long)c->caused, (unsigned long long)c->traced);
		else
			snprintf(expected, sizeof(expected), "caused %llu",
				 (unsigned long long)c->caused);
		if (add(r, CHECK_RULE_COUNT, true, c->reason, pass ? CHECK_PASS : CHECK_FAIL,
			pass ? "" : count_cause(in, c, i, got), expected, "counted %llu",
			(unsigned long long)got))
			return -E2BIG;
	}
	return 0;
}

/* The total over the window, the harness's reads between the two total reads taken out. */
static uint64_t net_total(const struct check_input *in)
{
	const struct check_window *w = in->window;

	return exsc_map_count_delta(in->map, w->before.total.count, w->after.total.count) -
	       (w->before.reads - 1) - 1;
}

static int rule_totals(const struct check_input *in, struct check_report *r)
{
	const struct check_window *w = in->window;
	uint64_t sum = 0, total = net_total(in), slack = w->before.reads;
	const char *cause;
	bool pass;

	for (size_t i = 0; i < w->after.nr; i++)
		sum += counted(in, i);
	/* Each reason is read at its own moment: one snapshot's reads either way. */
	pass = total + slack >= sum && total <= sum + slack;
	cause = total < sum ? "the total misses exits the reasons have: it is counted at "
			      "another point than the per-reason counts"
			    : "the total holds exits no reason has: per-reason counts are lost "
			      "(indexed by the full exit reason?) or the total counts elsewhere";
	return add(r, CHECK_RULE_TOTALS, false, 0, pass ? CHECK_PASS : CHECK_FAIL, cause,
		   "the sum of the reasons, within one snapshot's reads", "total %llu, sum %llu",
		   (unsigned long long)total, (unsigned long long)sum);
}

static int rule_cycles(const struct check_input *in, struct check_report *r)
{
	const struct check_window *w = in->window;
	bool per_reason = exsc_map_has(in->map, EXSC_FIELD_REASON_CYCLES);
	size_t moved = 0, bare = 0;
	uint32_t first = 0;

	for (size_t i = 0; per_reason && i < w->after.nr; i++) {
		if (!counted(in, i))
			continue;
		moved++;
		if (w->after.counter[i].cycles == w->before.counter[i].cycles && !bare++)
			first = w->after.code[i];
	}
	if (net_total(in)) {
		moved++;
		if (w->after.total.cycles == w->before.total.cycles && !bare++)
			first = UINT32_MAX;
	}
	if (!moved)
		return add(r, CHECK_RULE_CYCLES, false, 0, CHECK_SKIP, "", "cycles where counts moved",
			   "no count moved");
	return add(r, CHECK_RULE_CYCLES, bare && first != UINT32_MAX, first,
		   bare ? CHECK_FAIL : CHECK_PASS,
		   "counts moved but no cycles were charged: read the TSC at the exit and charge "
		   "the interval at the next entry",
		   "cycles > 0 wherever counts moved", "%zu of %zu moved counts without cycles",
		   bare, moved);
}

/* Cycles per exit of the CPUID reason (of the totals, where the map has no per-reason cycles). */
static void span_figures(const struct check_input *in, uint64_t *count, uint64_t *cycles)
{
	const struct check_window *w = in->window;
	size_t i = slot_of(&w->after, reasons_cpuid(in->isa));

	if (exsc_map_has(in->map, EXSC_FIELD_REASON_CYCLES) && i < w->after.nr) {
		*count = exsc_map_count_delta(in->map, w->before.counter[i].count,
					      w->after.counter[i].count);
		*cycles = w->after.counter[i].cycles - w->before.counter[i].cycles;
		return;
	}
	*count = exsc_map_count_delta(in->map, w->before.total.count, w->after.total.count);
	*cycles = w->after.total.cycles - w->before.total.cycles;
}

/*
 * One CPUID exit's charge where the harness read it, which no cheaper exit
 * or exit to userspace dilutes; else the window's cycles per exit.
 */
static bool span_per_exit(const struct check_input *in, uint64_t *per_exit)
{
	uint64_t count, cycles;

	if (in->pair_cycles) {
		*per_exit = in->pair_cycles;
		return true;
	}
	span_figures(in, &count, &cycles);
	if (!count)
		return false;
	*per_exit = cycles / count;
	return true;
}

static int rule_span(const struct check_input *in, struct check_report *r)
{
	unsigned int bar = in->isa == EXSC_ISA_SVM ? CHECK_SPAN_MIN_PERCENT_SVM
						   : CHECK_SPAN_MIN_PERCENT_VMX;
	uint64_t per_exit;
	char expected[CHECK_TEXT];

	if (!in->round_trip_cycles || !span_per_exit(in, &per_exit))
		return add(r, CHECK_RULE_SPAN, false, 0, CHECK_SKIP, "",
			   "cycles per exit near a CPUID round trip", "no round trip timed");
	snprintf(expected, sizeof(expected), ">= %u%% of the guest's %llu per CPUID", bar,
		 (unsigned long long)in->round_trip_cycles);
	return add(r, CHECK_RULE_SPAN, true, reasons_cpuid(in->isa),
		   per_exit * 100 >= in->round_trip_cycles * bar ? CHECK_PASS : CHECK_FAIL,
		   "far fewer cycles per exit than a round trip takes: charge from the VM-exit to "
		   "the next VM-entry, not around the handler only",
		   expected, in->pair_cycles ? "%llu for one exit" : "%llu per exit",
		   (unsigned long long)per_exit);
}

static int rule_self(const struct check_input *in, struct check_report *r)
{
	uint64_t want = (in->cpuid_before + 1) & exsc_map_count_max(in->map);
	uint64_t got = in->window->before.cpuid_first;
	char expected[CHECK_TEXT];

	if (!in->has_cpuid_before)
		return add(r, CHECK_RULE_SELF, false, 0, CHECK_SKIP, "",
			   "the first read counts itself", "no anchor: CPUID exits before unknown");
	snprintf(expected, sizeof(expected), "%llu (the exits before, plus this read)",
		 (unsigned long long)want);
	return add(r, CHECK_RULE_SELF, true, reasons_cpuid(in->isa),
		   got == want ? CHECK_PASS : CHECK_FAIL,
		   got == (in->cpuid_before & exsc_map_count_max(in->map))
		   ? "the reading CPUID is not in its own answer: count the exit when it is taken, "
		     "before the CPUID is answered"
		   : "the absolute count is not the exits the scope took: the counters do not start "
		     "with the scope, or the anchor is wrong",
		   expected, "%llu", (unsigned long long)got);
}

static int rule_wrap(const struct check_input *in, struct check_report *r)
{
	uint64_t max = exsc_map_count_max(in->map);

	for (size_t k = 0; k < in->nr_caused; k++) {
		const struct check_caused *c = &in->caused[k];
		size_t i = slot_of(&in->window->after, c->reason);
		uint64_t before, after, want;

		raw_pair(in, i, &before, &after);
		want = reference(c) + own_exits(in, i);
		/* Exercised only where the low 32 bits pass 2^32 inside the window. */
		if ((before & UINT32_MAX) + want <= UINT32_MAX)
			continue;
		return add(r, CHECK_RULE_WRAP, true, c->reason,
			   after == ((before + want) & max) ? CHECK_PASS : CHECK_FAIL,
			   in->map->count_bits == 32 ? cause_saturated
			   : "the 64-bit count did not carry into its high half (EDX)",
			   "the count modulo 2^count_bits", "%llu -> %llu", (unsigned long long)before,
			   (unsigned long long)after);
	}
	return add(r, CHECK_RULE_WRAP, false, 0, CHECK_SKIP, "", "the count modulo 2^count_bits",
		   "no caused count crossed 2^32 in the window");
}

/* Whether every per-reason leaf of the map answers ECX = @code with @pred. */
static bool leaves_all(const struct check_input *in, uint32_t code,
		       bool (*pred)(const struct exsc_regs *regs))
{
	static const enum exsc_field fields[] = { EXSC_FIELD_REASON_COUNT, EXSC_FIELD_REASON_CYCLES };
	bool all = true;

	for (size_t f = 0; f < 2; f++) {
		struct exsc_regs regs;

		if (!exsc_map_has(in->map, fields[f]) ||
		    (f == 1 && in->map->field[fields[1]].leaf == in->map->field[fields[0]].leaf))
			continue;
		in->cpuid(in->map->field[fields[f]].leaf, code, &regs);
		all &= pred(&regs);
	}
	return all;
}

static bool answers_counters(const struct exsc_regs *regs)
{
	return !exsc_regs_undefined(regs);
}

static bool answers_zeros(const struct exsc_regs *regs)
{
	return !regs->eax && !regs->ebx && !regs->ecx && !regs->edx;
}

/* Defined by the manual but missing from KVM's VMX_EXIT_REASONS / SVM_EXIT_REASONS. */
static bool kvm_table_gap(enum exsc_isa isa, uint32_t code)
{
	return exsc_reason_defined(isa, code) && !reasons_name(isa, code);
}

static int rule_sweep(const struct check_input *in, struct check_report *r)
{
	uint32_t codes[CHECK_SWEEP_MAX], first_undef = 0, first_def = 0;
	size_t n = check_sweep_codes(in->isa, codes, CHECK_SWEEP_MAX);
	size_t undef = 0, def = 0, bad_undef = 0, bad_def = 0, def_gaps = 0;

	for (size_t k = 0; k < n && k < CHECK_SWEEP_MAX; k++) {
		bool defined = exsc_reason_defined(in->isa, codes[k]);

		if (defined) {
			def++;
			if (leaves_all(in, codes[k], answers_counters))
				continue;
			def_gaps += kvm_table_gap(in->isa, codes[k]);
			if (!bad_def++)
				first_def = codes[k];
		} else {
			undef++;
			if (leaves_all(in, codes[k], exsc_regs_undefined))
				continue;
			if (!bad_undef++)
				first_undef = codes[k];
		}
	}
	if (add(r, CHECK_RULE_UNDEFINED, bad_undef > 0, first_undef,
		bad_undef ? CHECK_FAIL : CHECK_PASS,
		"answers counters or zeros for reasons the manual does not define: check the whole "
		"32-bit ECX against the SDM's (APM's) table before indexing",
		"EAX=EBX=ECX=0, EDX=0xFFFFFFFF", "%zu of %zu sampled ECX wrong", bad_undef, undef))
		return -E2BIG;
	return add(r, CHECK_RULE_DEFINED, bad_def > 0, first_def, bad_def ? CHECK_FAIL : CHECK_PASS,
		   bad_def && def_gaps == bad_def
		   ? "answers \"no such reason\" exactly for reasons the manual defines and KVM's "
		     "exit-reason table lacks: decide by the SDM's (APM's) table, not KVM's"
		   : "answers \"no such reason\" for reasons the manual defines",
		   "counters (zeros when no exits)", "%zu of %zu defined reasons undefined", bad_def,
		   def);
}

static bool caused_reason(const struct check_input *in, uint32_t code)
{
	for (size_t k = 0; k < in->nr_caused; k++)
		if (in->caused[k].reason == code && in->caused[k].caused)
			return true;
	return false;
}

static int rule_not_enabled(const struct check_input *in, struct check_report *r)
{
	/* VMX: the SMIs and RSM of the dual-monitor treatment, GETSEC; SVM: CR1's read and write. */
	static const uint32_t vmx[] = { 5, 6, 11, 17 }, svm[] = { 0x001, 0x011 };
	const uint32_t *codes = in->isa == EXSC_ISA_VMX ? vmx : svm;
	size_t n = in->isa == EXSC_ISA_VMX ? 4 : 2, bad = 0, asked = 0;
	const char *cause = "";
	uint32_t first = 0;

	for (size_t k = 0; k < n; k++) {
		if (caused_reason(in, codes[k]))
			continue;
		asked++;
		if (leaves_all(in, codes[k], answers_zeros))
			continue;
		if (!bad++)
			first = codes[k];
	}
	if (bad)
		cause = leaves_all(in, first, answers_counters)
			? "answers non-zero registers for a reason that never exits: every register "
			  "of a reason without exits is 0"
			: "answers \"no such reason\" for a reason the manual defines but KVM never "
			  "enables: defined is the manual's word, zeros mean no exits";
	return add(r, CHECK_RULE_NOT_ENABLED, bad > 0, first, bad ? CHECK_FAIL : CHECK_PASS, cause,
		   "all registers 0", "%zu of %zu wrong", bad, asked);
}

static int rule_map(const struct check_input *in, struct check_report *r)
{
	char expected[CHECK_TEXT];

	snprintf(expected, sizeof(expected), "the leaves of map %s", in->map->name);
	r->answered = NULL;
	for (int id = 0; id < EXSC_MAP_COUNT; id++) {
		const struct exsc_map *other = exsc_map_get((enum exsc_map_id)id);

		if (other != in->map && check_map_answers(other, in->isa, in->cpuid)) {
			r->answered = other;
			return add(r, CHECK_RULE_MAP, false, 0, CHECK_FAIL,
				   "the kernel answers another leaf map than the one named: grade it "
				   "with that map, or move its leaves", expected, "map %s", other->name);
		}
	}
	return add(r, CHECK_RULE_MAP, false, 0, CHECK_FAIL,
		   "no map's totals move across two reads: a stock kernel, or counters not "
		   "answered through CPUID", expected, "no map");
}

int check_grade(const struct check_input *in, struct check_report *r)
{
	int (*const rules[])(const struct check_input *, struct check_report *) = {
		rule_count, rule_sweep, rule_not_enabled, rule_totals, rule_cycles, rule_span,
		rule_self, rule_wrap,
	};

	r->n = 0;
	r->answered = NULL;
	if (!in->map || !in->cpuid || !in->window || in->nr_caused > CHECK_MAX_REASONS ||
	    (in->isa != EXSC_ISA_VMX && in->isa != EXSC_ISA_SVM))
		return -EINVAL;
	for (size_t k = 0; k < in->nr_caused; k++)
		if (!exsc_reason_defined(in->isa, in->caused[k].reason))
			return -EINVAL;
	if (!check_map_answers(in->map, in->isa, in->cpuid))
		return rule_map(in, r);
	r->answered = in->map;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int err = rules[i](in, r);

		if (err)
			return err;
	}
	return 0;
}

size_t check_failures(const struct check_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].status == CHECK_FAIL;
	return n;
}

const char *check_status_name(enum check_status status)
{
	switch (status) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "FAIL";
	default:
		return "skip";
	}
}
