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
	} options[] = { { "--out", "PATH" } };
	const char **values[] = { &cmd->out };

	(void)raw;
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (!strcmp(name, options[i].name)) {
			*meta = options[i].meta;
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
	return 0;
}

int probe_cli_parse(int argc, char **argv, struct probe_cmd *cmd, FILE *err)
{
	struct cli_raw raw = { { NULL, NULL, NULL }, 0 };
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
	if (raw.npos > 1) {
		fprintf(err, "exitprobe: %s takes no '%s'\n", cmd->name, raw.pos[1]);
		return -EINVAL;
	}
	return 0;
}
