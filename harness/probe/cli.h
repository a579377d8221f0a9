/* SPDX-License-Identifier: GPL-2.0 */
/* exitprobe's command line, parsed and validated before anything is read. */
#ifndef EXITSCOPE_CLI_H
#define EXITSCOPE_CLI_H

#include <stdio.h>

#include "exitscope/maps.h"
#include "workloads.h"

/* The bounds of run --samples MS: a sample per millisecond to one an hour. */
#define CLI_SAMPLES_MIN	1
#define CLI_SAMPLES_MAX	3600000

/* The bounds of run --repeat N: windows measured one after the other in one boot. */
#define CLI_REPEAT_MIN	1
#define CLI_REPEAT_MAX	100

struct probe_cmd {
	const char *name;		/* "detect", "snapshot" or "run" */
	const struct workload *w;	/* run: the workload; NULL for boot */
	struct workload_args args;
	unsigned long sample_ms;	/* run --samples; 0 without */
	unsigned long repeat;		/* run --repeat; 1 without */
	const char *out;		/* --out PATH */
	const struct exsc_map *map;	/* --abi MAP: exitscope's unless named */
	enum exsc_isa isa;		/* --isa, with a map without discovery; NONE: not given */
};

/*
 * @argv without the program name.  0; or -EINVAL after one line on @err that
 * names the argument that is wrong (-ENOENT: an unknown command, for usage).
 */
int probe_cli_parse(int argc, char **argv, struct probe_cmd *cmd, FILE *err);

/* The options' lines of the usage, from the table that parses them. */
void probe_cli_usage(FILE *out);

#endif
