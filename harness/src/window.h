/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit windows, in both binaries: per-reason counts and cycles as a table
 * for arithmetic, and as the JSON object {total, cycles, by_reason: [{reason,
 * name, count, cycles}]} that the probe's documents and the results carry.
 * One builder writes that object and one strict parser reads it, so the two
 * binaries cannot drift apart.  A reason the ISA does not define is named
 * "unknown".
 *
 * Helpers here do not print: the parsers leave one line in @err, naming the
 * key that is wrong, for the caller to print.  Tables are plain values that
 * the caller owns; a json_t * returned is a new reference the caller owns.
 */
#ifndef EXITSCOPE_WINDOW_H
#define EXITSCOPE_WINDOW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"

#define EXIT_TABLE_MAX 512

/* What a window names a reason that its ISA does not define. */
#define WINDOW_UNKNOWN_NAME "unknown"

struct exit_count {
	uint32_t reason;
	uint64_t count;
	uint64_t cycles;
};

/* Per-reason counts of one view, in the order read; totals where the view has them. */
struct exit_table {
	struct exit_count v[EXIT_TABLE_MAX];
	size_t n;
	uint64_t total;
	uint64_t cycles;
};

/* Appends a row; -E2BIG when @t already holds EXIT_TABLE_MAX. */
int exit_table_add(struct exit_table *t, uint32_t reason, uint64_t count, uint64_t cycles);

/* @reason's row in @t, or NULL. */
const struct exit_count *exit_table_find(const struct exit_table *t, uint32_t reason);

/*
 * @t minus @before, reason by reason, in place: what happened since
 * @before was read.  A reason absent from @before counts from zero.
 * -ERANGE when a count or the totals went down (not the same counters).
 */
int exit_table_since(struct exit_table *t, const struct exit_table *before);

/*
 * @t as a window, rows in table order; rows with a zero count are left out.
 * Counters are written as they are: above INT64_MAX they come out negative,
 * which window_parse() refuses.
 */
json_t *window_json(enum exsc_isa isa, const struct exit_table *t);

/*
 * after - before per reason, as a window: a reason absent from @before
 * counts from zero, one absent from @after is left out.
 */
json_t *window_delta_json(enum exsc_isa isa, const struct exit_table *before,
			  const struct exit_table *after);

/*
 * Reads @window into @t, refusing a missing or unknown key, a wrong type, a
 * negative counter, a reason beyond 32 bits or listed twice.  0, -EINVAL,
 * or -E2BIG for more than EXIT_TABLE_MAX reasons; @err names the key
 * ("by_reason[2].count is negative (-1)").
 */
int window_parse(json_t *window, struct exit_table *t, char *err, size_t errsize);

/*
 * -EINVAL when a by_reason entry of @window (already parsed) names its
 * reason otherwise than @isa does: the ISA's name, or "unknown".
 */
int window_check_names(json_t *window, enum exsc_isa isa, char *err, size_t errsize);

/*
 * @value as a counter: a JSON integer, not negative.  @key names it in
 * @err ("samples[3].total is negative (-1)"); 0 or -EINVAL.
 */
int window_counter(json_t *value, const char *key, uint64_t *out, char *err, size_t errsize);

/* What @value is, for such messages: "string", "integer", "null", ... */
const char *window_type_name(const json_t *value);

/*
 * The one way the validators here and in probe-doc.c word an error: @fmt
 * into @err, and @r returned.
 */
int window_fail(char *err, size_t errsize, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
