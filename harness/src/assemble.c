// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/svm.h>
#include <asm/vmx.h>

#include "assemble.h"
#include "exitscope/frame.h"
#include "exitscope/reasons.h"
#include "util.h"

struct counters_fields {
	char reason[32];
	const char *name;	/* not terminated: name_len bytes */
	size_t name_len;
	uint64_t count, cycles;
};

/* "<reason> <name> <count> <cycles>": SVM names have spaces ("DE excp"). */
static int counters_split(const char *line, struct counters_fields *f)
{
	const char *cycles_at = strrchr(line, ' '), *count_at, *name_at;

	if (!cycles_at || cycles_at == line)
		return -EINVAL;
	for (count_at = cycles_at - 1; count_at > line && *count_at != ' '; count_at--)
		;
	name_at = strchr(line, ' ');
	if (count_at == line || sscanf(line, "%31s", f->reason) != 1 ||
	    sscanf(count_at, " %" SCNu64, &f->count) != 1 ||
	    sscanf(cycles_at, " %" SCNu64, &f->cycles) != 1)
		return -EINVAL;
	f->name = name_at + 1;
	f->name_len = name_at < count_at ? (size_t)(count_at - f->name) : 0;
	return 0;
}

static int counters_line(const char *line, void *arg)
{
	struct exit_table *t = arg;
	struct counters_fields f;

	if (!*line)
		return 0;
	if (counters_split(line, &f) < 0)
		return -EINVAL;
	if (!strcmp(f.reason, "total")) {
		t->total = f.count;
		t->cycles = f.cycles;
		return 0;
	}
	return exit_table_add(t, (uint32_t)strtoul(f.reason, NULL, 0), f.count, f.cycles);
}

int counters_parse(const char *text, struct exit_table *t)
{
	memset(t, 0, sizeof(*t));
	if (!strncmp(text, "unpatched", 9))
		return -ENODEV;
	return util_for_each_line(text, counters_line, t);
}

static int counters_name_line(const char *line, void *arg)
{
	struct counters_fields f;

	if (!*line)
		return 0;
	if (counters_split(line, &f) < 0)
		return -EINVAL;
	if (!strcmp(f.reason, "total"))
		return 0;
	return reason_names_add(arg, (uint32_t)strtoul(f.reason, NULL, 0), f.name, f.name_len);
}

int counters_names(const char *text, struct reason_names *names)
{
	names->n = 0;
	if (!strncmp(text, "unpatched", 9))
		return -ENODEV;
	return util_for_each_line(text, counters_name_line, names);
}

void names_apply(json_t *entries, const struct reason_names *names)
{
	size_t i;
	json_t *entry;

	json_array_foreach(entries, i, entry) {
		json_int_t reason = json_integer_value(json_object_get(entry, "reason"));
		const char *name = reason_names_find(names, (uint32_t)reason);

		if (name && json_object_get(entry, "name"))
			json_object_set_new(entry, "name", json_string(name));
	}
}

struct hist_state {
	struct exit_table *t;
	uint64_t *dropped;
	uint64_t hits;		/* the histogram's own "Hits:" total */
};

static int hist_line(const char *line, void *arg)
{
	struct hist_state *h = arg;
	unsigned long long reason, hits;

	if (sscanf(line, " Dropped: %llu", &hits) == 1) {
		*h->dropped = hits;
		return 0;
	}
	if (sscanf(line, " Hits: %llu", &hits) == 1) {
		h->hits = hits;
		return 0;
	}
	if (sscanf(line, "{ exit_reason: %llu } hitcount: %llu", &reason, &hits) != 2)
		return 0;
	/*
	 * 6.1 can print one entry twice (seen with SVM's 0x400 npf: "Entries: 17"
	 * over 18 lines, and "Hits:" counting it once): a key appears once.
	 */
	if (exit_table_find(h->t, (uint32_t)reason))
		return 0;
	h->t->total += hits;
	return exit_table_add(h->t, (uint32_t)reason, hits, 0);
}

int hist_parse(const char *text, struct exit_table *t, uint64_t *dropped)
{
	struct hist_state h = { 0 };
	int r;

	memset(t, 0, sizeof(*t));
	*dropped = 0;
	h.t = t;
	h.dropped = dropped;
	if (!strstr(text, "# event histogram"))
		return -EINVAL;
	r = util_for_each_line(text, hist_line, &h);
	/* The entries must add up to the histogram's own total, when it gives one. */
	if (!r && strstr(text, "Hits:") && h.hits != t->total)
		r = -EBADMSG;
	return r;
}

uint64_t hist_shutdowns(const struct exit_table *hist, enum exsc_isa isa)
{
	uint32_t code = isa == EXSC_ISA_VMX ? EXIT_REASON_TRIPLE_FAULT : SVM_EXIT_SHUTDOWN;
	uint64_t n = 0;

	if (isa == EXSC_ISA_NONE)
		return 0;
	for (size_t i = 0; i < hist->n; i++)
		if (hist->v[i].reason == code)
			n += hist->v[i].count;
	return n;
}

int probe_output_parse(const char *text, json_t **doc, int *rc)
{
	const char *begin = strstr(text, EXSC_FRAME_BEGIN "\n");
	const char *end = begin ? strstr(begin, "\n" EXSC_FRAME_END) : NULL;
	const char *status = strstr(text, EXSC_FRAME_RC " ");
	json_error_t err;

	*doc = NULL;
	if (!status || sscanf(status, EXSC_FRAME_RC " %d", rc) != 1)
		return -ENOMSG;
	if (!begin || !end)
		return 0;
	begin += strlen(EXSC_FRAME_BEGIN "\n");
	*doc = json_loadb(begin, end - begin, JSON_REJECT_DUPLICATES, &err);
	return *doc ? 0 : -EBADMSG;
}

/* The start of the line "EXITSCOPE-SCENARIO @name" in @text, or NULL. */
static const char *section_start(const char *text, const char *name)
{
	size_t len = strlen(EXSC_FRAME_SCENARIO), name_len = strlen(name);

	for (const char *p = text; (p = strstr(p, EXSC_FRAME_SCENARIO " ")); p += len) {
		bool line_start = p == text || p[-1] == '\n';

		if (line_start && !strncmp(p + len + 1, name, name_len) && p[len + 1 + name_len] == '\n')
			return p;
	}
	return NULL;
}

int probe_output_section(const char *text, const char *name, char **section)
{
	const char *start = section_start(text, name), *end;

	if (!start)
		return -ENOENT;
	end = strstr(start + 1, "\n" EXSC_FRAME_SCENARIO " ");
	end = end ? end + 1 : start + strlen(start);
	*section = strndup(start, (size_t)(end - start));
	return *section ? 0 : -ENOMEM;
}

static uint64_t window_count(json_t *window, uint32_t reason)
{
	size_t i;
	json_t *entry;

	json_array_foreach(json_object_get(window, "by_reason"), i, entry)
		if (json_integer_value(json_object_get(entry, "reason")) == reason)
			return json_integer_value(json_object_get(entry, "count"));
	return 0;
}

/* VMX: the tracepoint records the full exit reason; the counters its low 16 bits. */
static uint32_t hist_reason(enum exsc_isa isa, uint32_t reason)
{
	return isa == EXSC_ISA_VMX ? reason & 0xffff : reason;
}

static uint64_t hist_count(enum exsc_isa isa, const struct exit_table *hist, uint32_t reason)
{
	uint64_t hits = 0;

	for (size_t i = 0; i < hist->n; i++)
		if (hist_reason(isa, hist->v[i].reason) == reason)
			hits += hist->v[i].count;
	return hits;
}

/*
 * A reason whose counters and tracepoint hits differ is a mismatch: ABI.md
 * names no path on which they may (the tracepoint fires at the counting
 * point, or on every path from it), so "explained" is null; results of an
 * older exitscope may carry a reason there.
 */
static int oracle_check(enum exsc_isa isa, uint32_t reason, uint64_t counters, uint64_t hits,
			json_t *mismatches)
{
	const char *name = reasons_name(isa, reason);

	if (counters == hits)
		return 0;
	json_array_append_new(mismatches,
			      json_pack("{s:I, s:s, s:I, s:I, s:n}", "reason", (json_int_t)reason,
					"name", name ? name : "unknown",
					"counters", (json_int_t)counters, "tracepoint", (json_int_t)hits,
					"explained"));
	return 1;
}

json_t *oracle_json(enum exsc_isa isa, json_t *counters, const struct exit_table *hist,
		    bool *match)
{
	json_t *mismatches = json_array(), *entry;
	int mismatched = 0;
	size_t i;

	json_array_foreach(json_object_get(counters, "by_reason"), i, entry) {
		uint32_t reason = json_integer_value(json_object_get(entry, "reason"));

		mismatched += oracle_check(isa, reason,
					    json_integer_value(json_object_get(entry, "count")),
					    hist_count(isa, hist, reason), mismatches);
	}
	/* Reasons only the tracepoint saw, each once however many raw keys fold into it. */
	for (size_t k = 0; k < hist->n; k++) {
		uint32_t reason = hist_reason(isa, hist->v[k].reason);
		bool first = true;

		for (size_t j = 0; j < k; j++)
			first &= hist_reason(isa, hist->v[j].reason) != reason;
		if (first && !window_count(counters, reason))
			mismatched += oracle_check(isa, reason, 0,
						    hist_count(isa, hist, reason), mismatches);
	}
	*match = mismatched == 0;
	return json_pack("{s:s, s:b, s:o}", "source", "kvm_exit hist", "match", *match,
			 "mismatches", mismatches);
}
