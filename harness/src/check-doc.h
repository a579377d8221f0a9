/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro check's document read back into the grader's verdicts, checked
 * strictly: what `exitscope check` prints and writes comes from a document
 * this says is whole.  Pure; helpers here do not print.
 */
#ifndef EXITSCOPE_CHECK_DOC_H
#define EXITSCOPE_CHECK_DOC_H

#include <jansson.h>

#include "check-rules.h"

/* What the document says besides its verdicts. */
struct check_doc {
	const struct exsc_map *map;
	enum exsc_isa isa;
	struct check_report report;	/* its causes point into the document: keep it alive */
};

/*
 * Reads @doc, which must be {schema CHECK_SCHEMA, map @want's name, isa,
 * answered, pass, failures, verdicts, actions, k, cpuids, release, seconds}
 * with rows of known rules and statuses, a cause for each failure, and
 * pass and failures that agree with the rows.  0, or -EINVAL with why in
 * @err.
 */
int check_doc_read(const json_t *doc, const struct exsc_map *want, struct check_doc *out,
		   char *err, size_t size);

#endif
