// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-micro.h"
#include "text.h"

static const struct result_micro_reason *micro_find(const struct result_micro *m,
						     const char *action)
{
	for (size_t i = 0; i < m->nr_reasons; i++)
		if (!strcmp(m->reasons[i].action, action))
			return &m->reasons[i];
	return NULL;
}

static bool micro_noted(const struct result_micro_note *notes, size_t nr, const char *action)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(notes[i].action, action))
			return true;
	return false;
}

/* Why the side without @action lacks it, when that side says. */
static const char *micro_absent_as(const struct result_micro *m, const char *action)
{
	if (micro_noted(m->unsupported, m->nr_unsupported, action))
		return "unsupported";
	if (micro_noted(m->errors, m->nr_errors, action))
		return "error";
	return NULL;
}

static void micro_add(struct diff_micro *d, const char *action,
		      const struct result_micro_reason *a, const struct result_micro_reason *b,
		      const struct result_micro *missing)
{
	struct diff_micro_row *row = &d->rows[d->nr++];

	row->action = action;
	row->a = a;
	row->b = b;
	row->presence = a && b ? DIFF_IN_BOTH : a ? DIFF_ONLY_A : DIFF_ONLY_B;
	row->absent_as = a && b ? NULL : micro_absent_as(missing, action);
	row->moved = !a || !b || a->exact != b->exact;
	d->nr_moved += row->moved;
}

int diff_micro(const struct result *a, const struct result *b, struct diff_micro *out)
{
	const struct result_micro *ma = &a->micro, *mb = &b->micro;

	memset(out, 0, sizeof(*out));
	out->present = ma->present || mb->present;
	if (!out->present)
		return 0;
	out->rows = calloc(ma->nr_reasons + mb->nr_reasons + 1, sizeof(*out->rows));
	if (!out->rows)
		return -ENOMEM;
	for (size_t i = 0; i < ma->nr_reasons; i++)
		micro_add(out, ma->reasons[i].action, &ma->reasons[i],
			  micro_find(mb, ma->reasons[i].action), mb);
	for (size_t i = 0; i < mb->nr_reasons; i++)
		if (!micro_find(ma, mb->reasons[i].action))
			micro_add(out, mb->reasons[i].action, NULL, &mb->reasons[i], ma);
	out->moved = out->nr_moved > 0;
	return 0;
}

void diff_micro_free(struct diff_micro *d)
{
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

static json_t *micro_side_json(const struct result_micro_reason *m)
{
	if (!m)
		return json_null();
	return json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:b}", "reason", (json_int_t)m->reason,
			 "name", m->name, "caused", (json_int_t)m->caused,
			 "cpuid", (json_int_t)m->cpuid, "debugfs", (json_int_t)m->debugfs,
			 "traced", (json_int_t)m->traced, "exact", m->exact);
}

json_t *diff_micro_json(const struct diff_micro *d)
{
	static const char *const presence[] = { "both", "a", "b" };
	json_t *actions = json_array();

	if (!actions)
		return NULL;
	for (size_t i = 0; i < d->nr; i++) {
		const struct diff_micro_row *row = &d->rows[i];
		json_t *entry = json_pack("{s:s, s:s, s:o, s:o, s:s?, s:b}", "action", row->action,
					  "presence", presence[row->presence],
					  "a", micro_side_json(row->a), "b", micro_side_json(row->b),
					  "absent_as", row->absent_as, "moved", row->moved);

		if (!entry || json_array_append_new(actions, entry) < 0) {
			json_decref(actions);
			return NULL;
		}
	}
	return json_pack("{s:o, s:I, s:b}", "actions", actions, "nr_moved",
			 (json_int_t)d->nr_moved, "moved", d->moved);
}

static void micro_write_side(FILE *out, const struct result_micro_reason *m)
{
	if (m)
		fprintf(out, " %8llu %8lld %-5s", (unsigned long long)m->caused,
			(long long)m->debugfs, m->exact ? "yes" : "NO");
	else
		fprintf(out, " %8s %8s %-5s", "-", "-", "-");
}

static void micro_write_row(FILE *out, enum exsc_isa isa, const struct diff_micro_row *row)
{
	const struct result_micro_reason *any = row->a ? row->a : row->b;
	char label[16], reason[64];

	result_reason_label(isa, any->reason, label, sizeof(label));
	snprintf(reason, sizeof(reason), "%s %s", label, text_term(any->name));
	fprintf(out, "  %-12s %-20s", text_term(row->action), reason);
	micro_write_side(out, row->a);
	micro_write_side(out, row->b);
	if (row->presence == DIFF_IN_BOTH)
		fprintf(out, "  %s\n", row->a->exact ? "exact in A only" : "exact in B only");
	else
		fprintf(out, "  only %s%s%s%s\n", row->a ? "A" : "B",
			row->absent_as ? (row->a ? " (B: " : " (A: ") : "",
			row->absent_as ? row->absent_as : "", row->absent_as ? ")" : "");
}

void diff_micro_write(FILE *out, enum exsc_isa isa, const struct diff_micro *d)
{
	if (!d->present)
		return;
	if (!d->moved) {
		fprintf(out, "micro guest: %zu action(s), each as exact in B as in A\n", d->nr);
		return;
	}
	fprintf(out, "micro guest: %zu of %zu action(s) moved: exact on one side only, or caused "
		"in one result only\n", d->nr_moved, d->nr);
	fprintf(out, "  %-12s %-20s %8s %8s %-5s %8s %8s %-5s\n", "action", "reason", "A caused",
		"debugfs", "exact", "B caused", "debugfs", "exact");
	for (size_t i = 0; i < d->nr; i++)
		if (d->rows[i].moved)
			micro_write_row(out, isa, &d->rows[i]);
}
