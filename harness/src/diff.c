// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

void diff_row_compute(struct diff_row *row, const struct diff_opts *opts)
{
	row->delta = (int64_t)row->b - (int64_t)row->a;
	row->ratio = row->a ? (double)row->b / (double)row->a : NAN;
	if (row->a)
		row->change_pct = (double)(row->delta < 0 ? -row->delta : row->delta) * 100.0 /
				  (double)row->a;
	else
		row->change_pct = row->b ? INFINITY : 0.0;
	row->ignored = row->a < opts->min_count && row->b < opts->min_count;
	row->moved = !row->ignored && row->change_pct > opts->threshold_pct;
}

static int diff_row_cmp(const void *x, const void *y)
{
	const struct diff_row *a = x, *b = y;

	return (a->reason > b->reason) - (a->reason < b->reason);
}

static struct diff_row *diff_row_find(struct diff_window *d, uint32_t reason)
{
	for (size_t i = 0; i < d->nr; i++)
		if (d->rows[i].reason == reason)
			return &d->rows[i];
	return NULL;
}

/* The union of reasons: A's rows first, then B's merged in or appended. */
static void diff_collect(const struct result_window *a, const struct result_window *b,
			 struct diff_window *d)
{
	for (size_t i = 0; i < a->nr; i++) {
		const struct result_reason *r = &a->by_reason[i];

		d->rows[d->nr++] = (struct diff_row){ .reason = r->reason, .name = r->name,
						      .presence = DIFF_ONLY_A, .a = r->count,
						      .cycles_a = r->cycles };
	}
	for (size_t i = 0; i < b->nr; i++) {
		const struct result_reason *r = &b->by_reason[i];
		struct diff_row *row = diff_row_find(d, r->reason);

		if (!row) {
			row = &d->rows[d->nr++];
			*row = (struct diff_row){ .reason = r->reason, .presence = DIFF_ONLY_B };
		} else {
			row->presence = DIFF_IN_BOTH;
		}
		row->name = r->name;
		row->b = r->count;
		row->cycles_b = r->cycles;
	}
}

int diff_windows(const struct result_window *a, const struct result_window *b,
		 const struct diff_opts *opts, struct diff_window *out)
{
	memset(out, 0, sizeof(*out));
	out->rows = calloc(a->nr + b->nr + 1, sizeof(*out->rows));
	if (!out->rows)
		return -ENOMEM;
	diff_collect(a, b, out);
	qsort(out->rows, out->nr, sizeof(*out->rows), diff_row_cmp);
	for (size_t i = 0; i < out->nr; i++) {
		diff_row_compute(&out->rows[i], opts);
		out->nr_moved += out->rows[i].moved;
	}
	out->total = (struct diff_row){ .name = "total", .a = a->total, .b = b->total,
					.cycles_a = a->cycles, .cycles_b = b->cycles };
	diff_row_compute(&out->total, opts);
	out->moved = out->nr_moved || out->total.moved;
	return 0;
}

/* @side's range for @reason: its windows' min and max, or its one count. */
static bool diff_range(const struct result *side, uint32_t reason, bool total, uint64_t count,
		       uint64_t *min, uint64_t *max)
{
	struct result_spread zero;
	const struct result_spread *sp = total ? (side->repeat.present ? &side->repeat.total : NULL)
					       : result_spread_find(side, reason, &zero);

	*min = sp ? sp->min : count;
	*max = sp ? sp->max : count;
	return sp != NULL;
}

static void diff_row_spread(struct diff_row *row, const struct result *a, const struct result *b,
			    bool total)
{
	bool b_outside_a, a_outside_b;

	row->spread_a = diff_range(a, row->reason, total, row->a, &row->min_a, &row->max_a);
	row->spread_b = diff_range(b, row->reason, total, row->b, &row->min_b, &row->max_b);
	b_outside_a = row->b < row->min_a || row->b > row->max_a;
	a_outside_b = row->a < row->min_b || row->a > row->max_b;
	row->within_noise = row->moved && !(b_outside_a && a_outside_b);
	row->moved = row->moved && !row->within_noise;
}

bool diff_spread_apply(struct diff_window *d, const struct result *a, const struct result *b)
{
	if (!a->repeat.present && !b->repeat.present)
		return false;
	d->nr_moved = 0;
	for (size_t i = 0; i < d->nr; i++) {
		diff_row_spread(&d->rows[i], a, b, false);
		d->nr_moved += d->rows[i].moved;
	}
	diff_row_spread(&d->total, a, b, true);
	d->moved = d->nr_moved || d->total.moved;
	return true;
}

void diff_window_free(struct diff_window *d)
{
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

static int diff_field_add(struct diff_provenance *p, const char *field, const char *a,
			  const char *b)
{
	struct diff_field *f;

	if (!strcmp(a, b))
		return 0;
	if (p->nr == DIFF_MAX_FIELDS)
		return -ENOBUFS;
	f = &p->fields[p->nr];
	f->field = field;
	f->a = strdup(a);
	f->b = strdup(b);
	if (!f->a || !f->b) {
		free(f->a);
		free(f->b);
		return -ENOMEM;
	}
	p->nr++;
	return 0;
}

/* Parameters as one compact line with sorted keys, so equal objects print equal. */
static int diff_params_field(struct diff_provenance *p, const struct result *a,
			     const struct result *b)
{
	char *pa = json_dumps(a->workload.params, JSON_COMPACT | JSON_SORT_KEYS);
	char *pb = json_dumps(b->workload.params, JSON_COMPACT | JSON_SORT_KEYS);
	int r = pa && pb ? diff_field_add(p, "workload.params", pa, pb) : -ENOMEM;

	free(pa);
	free(pb);
	return r;
}

/* What "exits" holds: a workload window and an older, raw one differ by the probe's reads. */
static const char *diff_window_kind(const struct result *r)
{
	static const char *const kinds[] = {
		[RESULT_EXITS_WORKLOAD] = "workload (the probe's own reads apart)",
		[RESULT_EXITS_RAW] = "raw (includes the probe's own reads: an older result)",
		[RESULT_EXITS_HISTOGRAM] = "the kvm_exit histogram (a stock kernel)",
		[RESULT_EXITS_MICRO] = "the micro guest's windows",
	};

	return kinds[result_exits_kind(r)];
}

/* The L0 a result ran on; none recorded in an older result or under Bochs. */
static const char *diff_l0(const struct result *r)
{
	return r->host.l0 ? r->host.l0 : "not recorded";
}

/* Whether L1's ring of KVM events ran: its cost lies inside the cycles counted. */
static const char *diff_trace(const struct result *r)
{
	static const char *const kinds[] = { "not recorded", "off", "on (cycles include the ring's writes)" };

	return kinds[r->host.trace + 1];
}

int diff_provenance(const struct result *a, const struct result *b, struct diff_provenance *out)
{
	const char *stock[] = { "patched", "stock" };
	int r = 0;

	memset(out, 0, sizeof(*out));
	r |= diff_field_add(out, "scenario", a->scenario, b->scenario);
	r |= diff_field_add(out, "kernel.id", a->kernel.id, b->kernel.id);
	r |= diff_field_add(out, "kernel.release", a->kernel.release, b->kernel.release);
	r |= diff_field_add(out, "kernel.source", a->kernel.source, b->kernel.source);
	r |= diff_field_add(out, "kernel.stock", stock[a->kernel.stock], stock[b->kernel.stock]);
	r |= diff_field_add(out, "kernel.patch_sha256", a->kernel.patch_sha256,
			    b->kernel.patch_sha256);
	r |= diff_field_add(out, "kernel.config_sha256", a->kernel.config_sha256,
			    b->kernel.config_sha256);
	r |= diff_field_add(out, "host.accel", a->host.accel, b->host.accel);
	r |= diff_field_add(out, "host.cpu_vendor", a->host.cpu_vendor, b->host.cpu_vendor);
	r |= diff_field_add(out, "host.qemu_version", a->host.qemu_version, b->host.qemu_version);
	r |= diff_field_add(out, "host.l0", diff_l0(a), diff_l0(b));
	r |= diff_field_add(out, "host.trace", diff_trace(a), diff_trace(b));
	r |= diff_field_add(out, "l1.isa", exsc_isa_name(a->isa), exsc_isa_name(b->isa));
	r |= diff_field_add(out, "workload.name", a->workload.name, b->workload.name);
	r |= diff_params_field(out, a, b);
	r |= diff_field_add(out, "exits", diff_window_kind(a), diff_window_kind(b));
	if (r) {
		diff_provenance_free(out);
		return -ENOMEM;
	}
	return 0;
}

void diff_provenance_free(struct diff_provenance *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		free(p->fields[i].a);
		free(p->fields[i].b);
	}
	p->nr = 0;
}

bool diff_comparable(const struct result *a, const struct result *b, char *why, size_t size)
{
	char *pa, *pb;

	if (a->isa != b->isa) {
		snprintf(why, size, "different ISAs (%s, %s): a reason number names another exit",
			 exsc_isa_name(a->isa), exsc_isa_name(b->isa));
		return false;
	}
	if (strcmp(a->workload.name, b->workload.name)) {
		snprintf(why, size, "different workloads (%s, %s)", a->workload.name,
			 b->workload.name);
		return false;
	}
	if (json_equal(a->workload.params, b->workload.params))
		return true;
	pa = json_dumps(a->workload.params, JSON_COMPACT | JSON_SORT_KEYS);
	pb = json_dumps(b->workload.params, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(why, size, "different parameters of workload %s (%s, %s)", a->workload.name,
		 pa ? pa : "?", pb ? pb : "?");
	free(pa);
	free(pb);
	return false;
}

static int diff_name_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static const char **diff_sorted_copy(const char *const *names, size_t n)
{
	const char **copy = malloc((n + 1) * sizeof(*copy));

	if (copy) {
		if (n)
			memcpy(copy, names, n * sizeof(*copy));
		qsort(copy, n, sizeof(*copy), diff_name_cmp);
	}
	return copy;
}

int diff_pair_names(const char *const *a, size_t na, const char *const *b, size_t nb,
		    struct diff_pair *pairs)
{
	const char **sa = diff_sorted_copy(a, na), **sb = diff_sorted_copy(b, nb);
	size_t i = 0, j = 0, n = 0;

	if (!sa || !sb) {
		free(sa);
		free(sb);
		return -ENOMEM;
	}
	while (i < na || j < nb) {
		int order = i == na ? 1 : j == nb ? -1 : strcmp(sa[i], sb[j]);

		pairs[n].a = order <= 0 ? sa[i++] : NULL;
		pairs[n].b = order >= 0 ? sb[j++] : NULL;
		n++;
	}
	free(sa);
	free(sb);
	return (int)n;
}

int diff_worst(int x, int y)
{
	return x > y ? x : y;
}
