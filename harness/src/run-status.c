// SPDX-License-Identifier: GPL-2.0
/* The agent's status lines and the stages they mark (docs/design.md, "Status port"). */
#include <stdio.h>
#include <stdlib.h>
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

/* "<uptime> <name>[ details]\n": the uptime a non-negative number, one blank, a name. */
static bool status_event(const char *line, const char *eol, struct run_status_event *ev)
{
	const char *name;
	char *end;
	size_t len;

	if (*eol != '\n' || *line < '0' || *line > '9')
		return false;
	ev->l1_uptime_s = strtod(line, &end);
	if (end >= eol || *end != ' ')
		return false;
	name = end + 1;
	len = strcspn(name, " \n");
	if (!len)
		return false;
	snprintf(ev->name, sizeof(ev->name), "%.*s", (int)len, name);
	return true;
}

size_t run_status_events(const char *text, struct run_status_event *ev, size_t max)
{
	size_t n = 0;

	while (*text && n < max) {
		const char *eol = strchrnul(text, '\n');

		if (status_event(text, eol, &ev[n]))
			n++;
		text = *eol ? eol + 1 : eol;
	}
	return n;
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
