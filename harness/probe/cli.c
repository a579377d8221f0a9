// SPDX-License-Identifier: GPL-2.0
/* exitprobe's command line: every word checked before the first CPUID. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The options' raw values, checked once the command and workload are known. */
struct cli_raw {
	const char *pos[3];	/* command, workload, number */
	int npos;
	const char *samples, *path, *pio;
	const char *run_only;	/* the first of them given, for detect and snapshot */
};

static int cli_number(const char *text, unsigned long min, unsigned long max,
		      unsigned long *value)
{
	char *end;

	/* strtoul() would skip blanks and accept a sign: " -1" is ULONG_MAX. */
	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	*value = strtoul(text, &end, 10);
	return errno || *end || *value < min || *value > max ? -EINVAL : 0;
}

static const char **cli_option(struct cli_raw *raw, struct probe_cmd *cmd, const char *name,
			       const char **meta)
{
	static const struct {
		const char *name, *meta;
	} options[] = { { "--out", "PATH" }, { "--samples", "MS" }, { "--path", "FILE" },
			{ "--pio", "K" } };
	const char **values[] = { &cmd->out, &raw->samples, &raw->path, &raw->pio };

	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (!strcmp(name, options[i].name)) {
			*meta = options[i].meta;
			if (i > 0 && !raw->run_only)
				raw->run_only = options[i].name;
			return values[i];
		}
	}
	return NULL;
}

static int cli_split(int argc, char **argv, struct cli_raw *raw, struct probe_cmd *cmd,
		     FILE *err)
{
	for (int i = 0; i < argc; i++) {
		const char **value, *meta;

		if (strncmp(argv[i], "--", 2)) {
			if (raw->npos == 3) {
				fprintf(err, "exitprobe: unexpected '%s'\n", argv[i]);
				return -EINVAL;
			}
			raw->pos[raw->npos++] = argv[i];
			continue;
		}
		value = cli_option(raw, cmd, argv[i], &meta);
		if (!value) {
			fprintf(err, "exitprobe: unknown option '%s'\n", argv[i]);
			return -EINVAL;
		}
		if (i + 1 >= argc || !argv[i + 1][0] || !strncmp(argv[i + 1], "--", 2)) {
			fprintf(err, "exitprobe: %s needs a %s\n", argv[i], meta);
			return -EINVAL;
		}
		*value = argv[++i];
	}
	return 0;
}

static int cli_run_options(const struct cli_raw *raw, struct probe_cmd *cmd, FILE *err)
{
	const char *of = cmd->w ? cmd->w->name : "boot";
	unsigned int opts = cmd->w ? cmd->w->options : 0;

	if ((raw->path && !(opts & WORKLOAD_OPT_PATH)) || (raw->pio && !(opts & WORKLOAD_OPT_PIO))) {
		fprintf(err, "exitprobe: %s is an option of io, not of %s\n",
			raw->path && !(opts & WORKLOAD_OPT_PATH) ? "--path" : "--pio", of);
		return -EINVAL;
	}
	if (raw->samples && !cmd->w) {
		fprintf(err, "exitprobe: --samples needs a workload to sample, not boot\n");
		return -EINVAL;
	}
	if (raw->samples &&
	    cli_number(raw->samples, CLI_SAMPLES_MIN, CLI_SAMPLES_MAX, &cmd->sample_ms) < 0) {
		fprintf(err, "exitprobe: --samples needs MS, a whole number from %d to %d, not '%s'\n",
			CLI_SAMPLES_MIN, CLI_SAMPLES_MAX, raw->samples);
		return -EINVAL;
	}
	if (raw->pio && cli_number(raw->pio, 0, WORKLOAD_MAX_LOOP, &cmd->args.pio) < 0) {
		fprintf(err, "exitprobe: --pio needs K, a whole number from 0 to %lu, not '%s'\n",
			WORKLOAD_MAX_LOOP, raw->pio);
		return -EINVAL;
	}
	cmd->args.path = raw->path;
	return 0;
}

static int cli_run(const struct cli_raw *raw, struct probe_cmd *cmd, FILE *err)
{
	const char *name = raw->npos > 1 ? raw->pos[1] : NULL;
	const struct workload *w = name ? workload_find(name) : NULL;

	if (!w && (!name || strcmp(name, "boot"))) {
		fprintf(err, "exitprobe: run needs a known WORKLOAD: %s\n", name ? name : "none given");
		return -EINVAL;
	}
	cmd->w = w;
	if (w)
		cmd->args.n = w->fallback;
	if (raw->npos == 3 && (!w || cli_number(raw->pos[2], w->min, w->max, &cmd->args.n) < 0)) {
		if (w)
			fprintf(err, "exitprobe: '%s' is not a parameter of %s: %s is a whole number "
				     "from %lu to %lu\n", raw->pos[2], name, w->param, w->min, w->max);
		else
			fprintf(err, "exitprobe: '%s' is not a parameter of boot, which takes none\n",
				raw->pos[2]);
		return -EINVAL;
	}
	return cli_run_options(raw, cmd, err);
}

int probe_cli_parse(int argc, char **argv, struct probe_cmd *cmd, FILE *err)
{
	struct cli_raw raw = { { NULL, NULL, NULL }, 0, NULL, NULL, NULL, NULL };
	int r;

	memset(cmd, 0, sizeof(*cmd));
	r = cli_split(argc, argv, &raw, cmd, err);
	if (r < 0)
		return r;
	cmd->name = raw.npos ? raw.pos[0] : "";
	if (!strcmp(cmd->name, "run"))
		return cli_run(&raw, cmd, err);
	if (strcmp(cmd->name, "detect") && strcmp(cmd->name, "snapshot")) {
		fprintf(err, "exitprobe: unknown command '%s'\n", cmd->name);
		return -ENOENT;
	}
	if (raw.npos > 1 || raw.run_only) {
		fprintf(err, "exitprobe: %s takes no '%s'\n", cmd->name,
			raw.npos > 1 ? raw.pos[1] : raw.run_only);
		return -EINVAL;
	}
	return 0;
}
