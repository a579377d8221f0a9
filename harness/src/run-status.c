// SPDX-License-Identifier: GPL-2.0
/* The agent's status lines and the stages they mark (docs/design.md, "Status port"). */
#include <stdio.h>
#include <string.h>

#include "run.h"

/* Lines are "<L1 uptime> <event> [details]" (harness/agent/exitscope-agent). */
void run_status_parse(const char *text, struct run_status *st)
{
	*st = (struct run_status){ .stage = STAGE_L1_BOOT, .agent_rc = -1 };
	while (*text) {
		const char *eol = strchrnul(text, '\n'), *event = strchr(text, ' ');

		if (event && event < eol) {
			event++;
			if (!strncmp(event, "start", 5) && st->stage == STAGE_L1_BOOT)
				st->stage = STAGE_L2;
			else if (!strncmp(event, "done rc=", 8) && *eol == '\n') {
				st->stage = STAGE_DONE;
				sscanf(event + 8, "%d", &st->agent_rc);
			} else if (!strncmp(event, "error ", 6))
				snprintf(st->error, sizeof(st->error), "%.*s",
					 (int)(eol - event - 6), event + 6);
		}
		text = *eol ? eol + 1 : eol;
	}
}

const char *run_stage_name(enum run_stage stage)
{
	static const char *const names[] = { "l1-boot", "l2", "done" };

	return names[stage];
}

const char *run_stage_log(enum run_stage stage)
{
	return stage == STAGE_L2 ? "out/l2-console.log (and l1-console.log)" : "l1-console.log";
}
