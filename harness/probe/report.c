// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "exitscope/frame.h"
#include "probe.h"
#include "window.h"

/*
 * The per-reason deltas as a window.  The CPUID reason's comes from
 * probe_delta_count(), the other reasons' from their own reads.
 */
json_t *probe_delta_json(enum exsc_isa isa, const struct probe_snapshot *before,
			 const struct probe_snapshot *after)
{
	struct exit_table t = { .n = 0 };

	/* At most PROBE_MAX_REASONS rows, far below EXIT_TABLE_MAX. */
	for (size_t i = 0; i < after->nr && i < before->nr; i++)
		exit_table_add(&t, after->code[i], probe_delta_count(isa, before, after, i),
			       after->counter[i].cycles - before->counter[i].cycles);
	/*
	 * The total leaf is read late in each snapshot, so its raw delta also
	 * holds the CPUID reads that follow it in @before (cpuid_last) and precede
	 * it in @after (cpuid_first, one per reason, itself): reads - 1 exits, all
	 * the probe's own.  Taken out, the total covers the same window as the
	 * per-reason counts: from before's last read to after's first.
	 */
	t.total = probe_delta_total(before, after, probe_snapshot_reads_map(after->map, isa));
	t.cycles = after->total.cycles - before->total.cycles;
	return window_json(isa, &t);
}

json_t *probe_snapshot_json(enum exsc_isa isa, const struct probe_snapshot *s)
{
	struct exit_table t = { .n = 0 };

	for (size_t i = 0; i < s->nr; i++)
		exit_table_add(&t, s->code[i], s->counter[i].count, s->counter[i].cycles);
	t.total = s->total.count;
	t.cycles = s->total.cycles;
	return window_json(isa, &t);
}

static int probe_emit_to(json_t *doc, FILE *f)
{
	fputs(EXSC_FRAME_BEGIN "\n", f);
	if (json_dumpf(doc, f, JSON_SORT_KEYS | JSON_INDENT(2)) < 0)
		return -EIO;
	fputs("\n" EXSC_FRAME_END "\n", f);
	return fflush(f) ? -errno : 0;
}

int probe_emit(json_t *doc, const char *out_path)
{
	FILE *f;
	int r;

	if (json_dumpf(doc, stdout, JSON_SORT_KEYS | JSON_INDENT(2)) < 0)
		return -EIO;
	putchar('\n');
	if (!out_path)
		return 0;
	f = fopen(out_path, "we");
	if (!f)
		return -errno;
	r = probe_emit_to(doc, f);
	if (fclose(f) && !r)
		r = -errno;
	return r;
}
