// SPDX-License-Identifier: GPL-2.0
/* exitscope show: one result file as a per-reason table with its provenance. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "result.h"
#include "text.h"

struct show_opts {
	bool timeline;
};

static const struct opt show_options[] = {
	{ "timeline", 0, OPT_FLAG, offsetof(struct show_opts, timeline), NULL,
	  "the run's timeline instead of the table: each event by L0's, L1's and L2's clocks, "
	  "and the workload window's length", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void show_usage(FILE *out)
{
	fprintf(out, "usage: exitscope show [--timeline] RESULT.json\n\n"
		     "Prints the exits of the workload window, most frequent first: reason number\n"
		     "(hex under SVM), name, count, share of all exits, TSC cycles from exit to the\n"
		     "next entry, cycles per exit; the totals, the boot window's totals (if any), the\n"
		     "probe's own reads (apart from the table; in it for an older result), where the\n"
		     "numbers come from (kernel, accelerator, ISA, workload) and the oracle's\n"
		     "verdict.\n"
		     "A micro guest's result adds its table, one row per action: the exits caused,\n"
		     "what the CPUID leaves, debugfs and the tracepoint counted, cycles per exit and\n"
		     "whether all four agree; then the actions not caused here, and errors.\n"
		     "--timeline prints when each event of the run happened: L0's seconds since it\n"
		     "spawned QEMU (first seen by a 250 ms poll), L1's uptime on the status line,\n"
		     "L2's uptime for the probe's start, and the gap to the previous event by the\n"
		     "first clock both share; then the workload window by L2's clocks.\n\noptions:\n");
	opts_usage(out, show_options);
	fprintf(out, "\nExit 0, or 2 when the file is not a valid result.\n");
}

static int show_by_count_desc(const void *x, const void *y)
{
	const struct result_reason *a = *(const struct result_reason *const *)x;
	const struct result_reason *b = *(const struct result_reason *const *)y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return (a->reason > b->reason) - (a->reason < b->reason);
}

/* A result's strings are data: text_term() keeps a terminal from acting on them. */
static void show_provenance(const struct result *r, bool window)
{
	char *params = json_dumps(r->workload.params,
				  JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

	printf("scenario  %s (%s)\n", text_term(r->scenario), text_term(r->path ? r->path : "-"));
	printf("kernel    %s  %s  %s  %s\n", text_term(r->kernel.id), text_term(r->kernel.release),
	       r->kernel.stock ? "stock" : "patched", text_term(r->kernel.source));
	printf("host      %s  %s  %s %s%s%s%s\n", text_term(r->host.accel), text_term(r->host.cpu_vendor),
	       strcmp(r->host.accel, "bochs") ? "qemu" : "bochs", text_term(r->host.qemu_version),
	       r->host.l0 ? " (L0 " : "", r->host.l0 ? text_term(r->host.l0) : "", r->host.l0 ? ")" : "");
	printf("l1        %s%s\n", exsc_isa_name(r->isa),
	       r->host.trace == 1 ? "  (run --trace: a ring of KVM events, inside the cycles)" : "");
	if (r->l2.kernel)
		printf("l2        %s kernel%s%s\n", text_term(r->l2.kernel), r->l2.kernel_id ? "  " : "",
		       r->l2.kernel_id ? text_term(r->l2.kernel_id) : "");
	printf("workload  %s %s\n", text_term(r->workload.name), text_term(params ? params : "?"));
	printf("run       started %s, %.1f s\n", text_term(r->started_at), r->duration_s);
	if (window && r->timeline.window_present)
		printf("window    %.6f s (wall, in L2)\n", r->timeline.window_wall_s);
	putchar('\n');
	free(params);
}

/* A clock's reading, or "-" when that clock did not see the event. */
static void show_clock(double s, int decimals, int width)
{
	if (s < 0)
		printf(" %*s", width, "-");
	else
		printf(" %*.*f", width, decimals, s);
}

/*
 * The gap to the nearest earlier event that shares a clock with @i, by the
 * first clock they share: L0's, then L1's, then L2's; "-" when none does.
 */
static void show_gap(const struct result_timeline *t, size_t i)
{
	static const char *const names[] = { "L0", "L1", "L2" };
	const struct result_event *ev = &t->events[i];
	const double now[3] = { ev->t_s, ev->l1_uptime_s, ev->l2_uptime_s };

	for (size_t j = i; j-- > 0;) {
		const struct result_event *prev = &t->events[j];
		const double then[3] = { prev->t_s, prev->l1_uptime_s, prev->l2_uptime_s };

		for (size_t c = 0; c < 3; c++) {
			if (now[c] >= 0 && then[c] >= 0) {
				printf(" %10.*f %s\n", c ? 2 : 3, now[c] - then[c], names[c]);
				return;
			}
		}
	}
	printf(" %10s\n", "-");
}

/* The event column: 16 wide, or as wide as the longest name (cloud-init's stages are long). */
static int show_event_width(const struct result_timeline *t)
{
	size_t width = 16;

	for (size_t i = 0; i < t->nr_events; i++) {
		size_t len = strlen(text_term(t->events[i].name));

		width = len > width ? len : width;
	}
	return width < 64 ? (int)width : 64;
}

static void show_timeline(const struct result *r)
{
	const struct result_timeline *t = &r->timeline;
	int width = show_event_width(t);

	if (!t->present) {
		printf("timeline  none recorded: an older result\n");
		return;
	}
	printf("timeline  L0: seconds since QEMU was spawned (seen every 0.25 s); L1, L2: uptime\n");
	printf("  %-*s %10s %10s %10s %10s\n", width, "event", "L0 s", "L1 uptime", "L2 uptime",
	       "gap");
	for (size_t i = 0; i < t->nr_events; i++) {
		printf("  %-*s", width, text_term(t->events[i].name));
		show_clock(t->events[i].t_s, 3, 10);
		show_clock(t->events[i].l1_uptime_s, 2, 10);
		show_clock(t->events[i].l2_uptime_s, 2, 10);
		show_gap(t, i);
	}
	if (t->window_present)
		printf("window    %.6f s (wall, L2's CLOCK_MONOTONIC), TSC delta %llu (L2's TSC: "
		       "virtual under nesting)\n", t->window_wall_s,
		       (unsigned long long)t->window_tsc);
	else
		printf("window    not measured (the micro stage, a stock kernel or an older probe)\n");
}

/* "  1200-2000": a repeated run's range of @sp, or nothing for one window. */
static void show_range(const struct result_spread *sp, char *out, size_t size)
{
	char both[48];

	out[0] = '\0';
	if (!sp)
		return;
	snprintf(both, sizeof(both), "%llu-%llu", (unsigned long long)sp->min,
		 (unsigned long long)sp->max);
	snprintf(out, size, " %20s", both);
}

static void show_row(const struct result *r, const struct result_reason *row, uint64_t total)
{
	char label[16], range[64];
	struct result_spread zero;

	result_reason_label(r->isa, row->reason, label, sizeof(label));
	show_range(result_spread_find(r, row->reason, &zero), range, sizeof(range));
	printf("%8s  %-24s %12llu %7.2f%% %16llu %12llu%s\n", label, text_term(row->name),
	       (unsigned long long)row->count, total ? 100.0 * row->count / total : 0.0,
	       (unsigned long long)row->cycles,
	       (unsigned long long)(row->count ? row->cycles / row->count : 0), range);
}

/* A repeated run's reasons that some windows had but whose median is 0: not in the table. */
static void show_spread_rest(const struct result *r)
{
	char label[16];

	if (!r->repeat.present)
		return;
	printf("repeat    %zu windows in one L2 boot: each count is the median over them, min-max "
	       "beside it\n", r->repeat.n);
	for (size_t i = 0; i < r->repeat.nr_spread; i++) {
		const struct result_spread *sp = &r->repeat.spread[i];

		if (sp->median)
			continue;
		result_reason_label(r->isa, sp->reason, label, sizeof(label));
		printf("          %s %s: median 0, %llu-%llu over the windows\n", label,
		       text_term(sp->name), (unsigned long long)sp->min,
		       (unsigned long long)sp->max);
	}
}

/* Which window the table is: readers must not take the probe's reads for the guest's. */
static const char *show_window_note(const struct result *r)
{
	switch (result_exits_kind(r)) {
	case RESULT_EXITS_WORKLOAD:
		return " (the probe's own reads apart)";
	case RESULT_EXITS_RAW:
		return " (includes the probe's own reads: an older result)";
	case RESULT_EXITS_HISTOGRAM:
		return " (a stock kernel: the kvm_exit histogram over L2's life)";
	default:
		return "";
	}
}

/* The probe's own reads: apart from the table, or in it for an older result. */
static void show_probe_own(const struct result *r)
{
	const struct result_window *own = &r->probe_own;
	char label[16];

	switch (result_exits_kind(r)) {
	case RESULT_EXITS_WORKLOAD:
		if (!own->nr) {
			printf("probe     its own reads: none in the window\n");
			break;
		}
		result_reason_label(r->isa, own->by_reason[0].reason, label, sizeof(label));
		printf("probe     its own reads: %s %s %llu exit(s), %llu cycles (apart from the "
		       "table)\n", label, text_term(own->by_reason[0].name),
		       (unsigned long long)own->total, (unsigned long long)own->cycles);
		break;
	case RESULT_EXITS_RAW:
		printf("probe     %llu CPUID exit(s) of its own, in the table (an older result)\n",
		       (unsigned long long)r->probe_cpuid_exits);
		break;
	default:
		break;
	}
}

static int show_table(const struct result *r)
{
	const struct result_window *w = &r->exits;
	const struct result_reason **order = calloc(w->nr + 1, sizeof(*order));
	struct result_reason total = { .name = "total", .count = w->total, .cycles = w->cycles };
	char range[64];

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < w->nr; i++)
		order[i] = &w->by_reason[i];
	qsort(order, w->nr, sizeof(*order), show_by_count_desc);
	show_range(r->repeat.present ? &r->repeat.total : NULL, range, sizeof(range));
	printf("exits in the workload window%s%s\n%8s  %-24s %12s %8s %16s %12s%s\n",
	       show_window_note(r), r->repeat.present ? ", median of the windows" : "", "reason",
	       "name", "count", "share", "cycles", "cycles/exit",
	       r->repeat.present ? "  min-max (windows)" : "");
	for (size_t i = 0; i < w->nr; i++)
		show_row(r, order[i], w->total);
	printf("%8s  %-24s %12llu %7.2f%% %16llu %12llu%s\n", "", total.name,
	       (unsigned long long)total.count, total.count ? 100.0 : 0.0,
	       (unsigned long long)total.cycles,
	       (unsigned long long)(total.count ? total.cycles / total.count : 0), range);
	free(order);
	show_spread_rest(r);
	return 0;
}

static void show_oracle(const struct result *r)
{
	json_t *item;
	size_t i;

	printf("oracle    kvm_exit hist: ");
	if (r->oracle.match && !r->oracle.nr_mismatches) {
		printf("match\n");
		return;
	}
	if (r->oracle.nr_unexplained)
		printf("differs on %zu reason(s), %zu unexplained: FAILED\n",
		       r->oracle.nr_mismatches, r->oracle.nr_unexplained);
	else
		printf("differs on %zu reason(s), all explained\n", r->oracle.nr_mismatches);
	json_array_foreach(r->oracle.mismatches, i, item) {
		json_t *explained = json_object_get(item, "explained");
		char label[16];

		result_reason_label(r->isa, (uint32_t)json_integer_value(json_object_get(item, "reason")),
				    label, sizeof(label));
		printf("          %s %s: counters %lld, tracepoint %lld: %s\n", label,
		       text_term(json_string_value(json_object_get(item, "name"))),
		       (long long)json_integer_value(json_object_get(item, "counters")),
		       (long long)json_integer_value(json_object_get(item, "tracepoint")),
		       json_is_string(explained) ? text_term(json_string_value(explained)) :
						   "unexplained");
	}
}

static void show_micro_head(const struct result_micro *m)
{
	size_t inexact = m->nr_reasons - m->nr_exact;

	printf("\nmicro guest: K=%llu, %zu action(s), ", (unsigned long long)m->k, m->nr_reasons);
	if (!m->nr_reasons)
		printf("none caused");
	else if (!inexact)
		printf("all exact");
	else
		printf("%zu of %zu not exact", inexact, m->nr_reasons);
	if (m->nr_errors)
		printf(", %zu error(s)", m->nr_errors);
	printf("%s\n", m->exact ? "" : ": NOT exact");
}

/* One row per action, in run order: caused, then the three readers. */
static void show_micro_table(const struct result *r)
{
	const struct result_micro *m = &r->micro;

	printf("  %-12s %-24s %8s %8s %8s %8s %12s  %s\n", "action", "reason", "caused", "cpuid",
	       "debugfs", "traced", "cycles/exit", "exact");
	for (size_t i = 0; i < m->nr_reasons; i++) {
		const struct result_micro_reason *row = &m->reasons[i];
		char label[16], reason[64];

		result_reason_label(r->isa, row->reason, label, sizeof(label));
		snprintf(reason, sizeof(reason), "%s %s", label, text_term(row->name));
		printf("  %-12s %-24s %8llu %8lld %8lld %8lld %12llu  %s\n", text_term(row->action),
		       reason, (unsigned long long)row->caused, (long long)row->cpuid,
		       (long long)row->debugfs, (long long)row->traced,
		       (unsigned long long)(row->caused ? row->cycles / row->caused : 0),
		       row->exact ? "yes" : "NO");
	}
}

/* "vmxon (why)" per note; a reason, when the ISA has one, before the why. */
static void show_micro_notes(enum exsc_isa isa, const char *title,
			     const struct result_micro_note *notes, size_t nr)
{
	char label[16];

	if (!nr)
		return;
	printf("%s\n", title);
	for (size_t i = 0; i < nr; i++) {
		printf("  %s", text_term(notes[i].action));
		if (notes[i].has_reason) {
			result_reason_label(isa, notes[i].reason, label, sizeof(label));
			printf(" (%s%s%s)", label, notes[i].name ? " " : "",
			       notes[i].name ? text_term(notes[i].name) : "");
		}
		printf(": %s\n", text_term(notes[i].text));
	}
}

static void show_micro(const struct result *r)
{
	if (!r->micro.present)
		return;
	show_micro_head(&r->micro);
	show_micro_table(r);
	show_micro_notes(r->isa, "not caused here:", r->micro.unsupported,
			 r->micro.nr_unsupported);
	show_micro_notes(r->isa, "errors:", r->micro.errors, r->micro.nr_errors);
}

/* A VM that ran beside L2: what each view counted of the CPUID reason. */
static void show_neighbor(const struct result *r)
{
	if (!r->neighbor.present)
		return;
	printf("neighbor  a VM beside L2: CPUID %llu in its own view, %llu in L2's %s window, %llu "
	       "in the host view: %s\n", (unsigned long long)r->neighbor.cpuid,
	       (unsigned long long)r->neighbor.l2_cpuid,
	       r->probe_own_present ? "workload" : "probe", (unsigned long long)r->neighbor.host_cpuid,
	       r->neighbor.isolated ? "isolated" : "NOT isolated");
}

int cmd_show(int argc, char **argv)
{
	struct show_opts o = { 0 };
	struct result_error err;
	struct result r;
	int ret, n = opts_parse("show", show_options, argc, argv, &o);

	if (n < 0)
		return EXIT_USAGE;
	if (n != 1) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (result_load(argv[1], &r, &err)) {
		fprintf(stderr, "exitscope: show: %s\n", err.text);
		return EXIT_USAGE;
	}
	show_provenance(&r, !o.timeline);
	if (o.timeline) {
		show_timeline(&r);
		result_free(&r);
		return 0;
	}
	ret = show_table(&r);
	if (r.boot_present)
		printf("boot      %llu exits, %llu cycles (L2 start to the probe's first read)\n",
		       (unsigned long long)r.boot.total, (unsigned long long)r.boot.cycles);
	show_probe_own(&r);
	show_oracle(&r);
	show_neighbor(&r);
	show_micro(&r);
	result_free(&r);
	if (ret) {
		fprintf(stderr, "exitscope: show: out of memory\n");
		return EXIT_ENVIRONMENT;
	}
	return 0;
}
