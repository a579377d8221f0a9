/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `exitscope diff` of two micro guests' results, per action: caused, what
 * debugfs counted and whether the action was exact, on each side.  An action
 * whose exactness differs, or that is in one result only, moved.  The
 * comparison does no I/O; diff_micro_write() prints its table to the stream
 * it is given, and nothing else here prints.
 */
#ifndef EXITSCOPE_DIFF_MICRO_H
#define EXITSCOPE_DIFF_MICRO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "diff.h"
#include "result.h"

struct diff_micro_row {
	const char *action;	/* borrowed from the results, like a and b */
	enum diff_presence presence;
	const struct result_micro_reason *a, *b;	/* NULL on the side without it */
	/* For one side only: how the other lists it, "unsupported" or "error", or NULL. */
	const char *absent_as;
	bool moved;
};

struct diff_micro {
	bool present;		/* either result has a micro block; the rest only then */
	struct diff_micro_row *rows;	/* A's actions in run order, then B's others */
	size_t nr, nr_moved;
	bool moved;
};

/* -ENOMEM, else 0; out->present false when neither result is a micro guest's. */
int diff_micro(const struct result *a, const struct result *b, struct diff_micro *out);
void diff_micro_free(struct diff_micro *d);

/* {actions: [...], nr_moved, moved} for diff --json; NULL when out of memory. */
json_t *diff_micro_json(const struct diff_micro *d);

/* A summary line, and the moved actions' table when any moved. */
void diff_micro_write(FILE *out, enum exsc_isa isa, const struct diff_micro *d);

#endif
