// SPDX-License-Identifier: GPL-2.0
/* The grader's verdicts on a terminal: the command layer's half of check-output.h. */
#include "check-output.h"
#include "exitscope/reasons.h"

static void table_reason(char *buf, size_t size, enum exsc_isa isa, const struct check_verdict *v)
{
	const char *name = v->has_reason ? reasons_name(isa, v->reason) : NULL;

	if (!v->has_reason)
		snprintf(buf, size, "-");
	else if (name)
		snprintf(buf, size, "%u %s", v->reason, name);
	else
		snprintf(buf, size, "0x%x", v->reason);
}

void check_table_print(FILE *out, const struct check_input *in, const struct check_report *report)
{
	size_t failures = check_failures(report);

	fprintf(out, "%-16s %-24s %-36s %-30s %s\n", "rule", "reason", "expected", "got", "");
	for (size_t i = 0; i < report->n; i++) {
		const struct check_verdict *v = &report->v[i];
		char reason[48];

		table_reason(reason, sizeof(reason), in->isa, v);
		fprintf(out, "%-16s %-24s %-36s %-30s %s\n", v->rule, reason, v->expected, v->got,
			check_status_name(v->status));
		if (v->status == CHECK_FAIL)
			fprintf(out, "  cause: %s\n", v->cause);
	}
	fprintf(out, "map %s, %s: %zu of %zu verdicts failed\n", in->map->name,
		exsc_isa_name(in->isa), failures, report->n);
}
