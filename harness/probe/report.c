// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "exitscope/reasons.h"
#include "probe.h"

static json_t *probe_reason_json(enum exsc_isa isa, uint32_t code, uint64_t count, uint64_t cycles)
{
	const char *name = reasons_name(isa, code);

	return json_pack("{s:I, s:s, s:I, s:I}", "reason", (json_int_t)code,
			 "name", name ? name : "?", "count", (json_int_t)count,
			 "cycles", (json_int_t)cycles);
}

static json_t *probe_window_json(json_t *by_reason, uint64_t total, uint64_t cycles)
{
	return json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total,
			 "cycles", (json_int_t)cycles, "by_reason", by_reason);
}

json_t *probe_delta_json(enum exsc_isa isa, const struct probe_snapshot *before,
			 const struct probe_snapshot *after)
{
	json_t *by_reason = json_array();

	for (size_t i = 0; i < after->nr && i < before->nr; i++) {
		uint64_t count = probe_delta_count(isa, before, after, i);
		uint64_t cycles = after->counter[i].cycles - before->counter[i].cycles;

		if (count)
			json_array_append_new(by_reason,
					      probe_reason_json(isa, after->code[i], count, cycles));
	}
	/*
	 * The total leaf is read late in each snapshot, so its raw delta also
	 * holds the CPUID reads that follow it in @before (cpuid_last) and precede
	 * it in @after (cpuid_first, one per reason, itself): reads - 1 exits, all
	 * the probe's own.  Taken out, the total covers the same window as the
	 * per-reason counts: from before's last read to after's first.
	 */
	return probe_window_json(by_reason, after->total.count - before->total.count -
				 (probe_snapshot_reads(isa) - 1),
				 after->total.cycles - before->total.cycles);
}

json_t *probe_snapshot_json(enum exsc_isa isa, const struct probe_snapshot *s)
{
	json_t *by_reason = json_array();

	for (size_t i = 0; i < s->nr; i++)
		if (s->counter[i].count)
			json_array_append_new(by_reason,
					      probe_reason_json(isa, s->code[i], s->counter[i].count,
								s->counter[i].cycles));
	return probe_window_json(by_reason, s->total.count, s->total.cycles);
}

static int probe_emit_to(json_t *doc, FILE *f)
{
	fputs("EXITSCOPE-BEGIN\n", f);
	if (json_dumpf(doc, f, JSON_SORT_KEYS | JSON_INDENT(2)) < 0)
		return -EIO;
	fputs("\nEXITSCOPE-END\n", f);
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
