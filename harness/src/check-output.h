/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grader's verdicts as output: a JSON document (pure, no printing; the
 * caller owns the returned reference) and, for the command layer, a table on
 * a terminal (cmd-check-table.c, which prints).  Exit code rule: 0 when no
 * verdict failed, 1 when one did.
 */
#ifndef EXITSCOPE_CHECK_OUTPUT_H
#define EXITSCOPE_CHECK_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "check-rules.h"

#define CHECK_SCHEMA "exitscope/check/v1"
/* exitscope check's files, beside the results in DIR/<kernel-id>/: check-MAP.json. */
#define CHECK_FILE_PREFIX "check-"

/*
 * {schema, map, isa, answered, pass, failures, verdicts: [{rule, reason?,
 * name?, expected, got, status, cause?}]}; answered is the map the kernel
 * was found to answer, or null.  NULL when out of memory.
 */
json_t *check_report_json(const struct check_input *in, const struct check_report *report);

/* EXIT_OK when no row failed, EXIT_MEASURED_FAILED when one did. */
int check_exit_code(const struct check_report *report);

/* The table: a row per verdict, each failure's probable cause under it. */
void check_table_print(FILE *out, const struct check_input *in,
		       const struct check_report *report);

#endif
