/* SPDX-License-Identifier: GPL-2.0 */
/* Named scenarios (scenarios/scenarios.cfg) and what a run hands to L1 and L2. */
#ifndef EXITSCOPE_SCENARIO_H
#define EXITSCOPE_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>

struct scenario {
	char name[32];
	char stage[16];		/* cloud-init key: runcmd or bootcmd */
	bool stock;		/* runs on the unpatched kernel */
	unsigned int timeout_s;	/* L1's limit for L2, virt-install to power-off */
	char probe[256];	/* exitprobe's command line in L2 */
};

/*
 * Finds @name in the text of scenarios.cfg.  -ENOENT when it is not there,
 * -EINVAL (with *@line set) when a line does not parse.
 */
int scenario_find(const char *cfg, const char *name, struct scenario *s, int *line);

/* Each scenario's name, one per line, for usage and error messages. */
void scenario_list(const char *cfg, FILE *out);

/*
 * @template with every @KEY@ of @pairs ("KEY", "value", ..., NULL) replaced;
 * NULL when a placeholder is left that @pairs does not name (or on ENOMEM).
 */
char *template_render(const char *template, const char *const *pairs);

#endif
