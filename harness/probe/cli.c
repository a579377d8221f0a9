// SPDX-License-Identifier: GPL-2.0
/* exitprobe's command line: every word checked before the first CPUID. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitscope/number.h"

/* The options' raw values, checked once the command and workload are known. */
struct cli_raw {
	const char *pos[3];	/* command, workload, number */
	int npos;
	const char *abi, *isa;
	const char *samples, *path, *pio, *repeat;
	const char *run_only;	/* the first of them given, for detect and snapshot */
};

/* The driver's rule for numbers (exitscope/number.h): digits only, in range. */
static int cli_number(const char *text, unsigned long min, unsigned long max,
		      unsigned long *value)
{
	uint64_t v;

	if (exsc_parse_u64(text, min, max, &v) < 0)
		return -EINVAL;
	*value = (unsigned long)v;
	return 0;
}

/* The options, declared once: parsed by cli_split(), printed by probe_cli_usage(). */
static const struct {
	const char *name, *meta, *help;
	bool run_only;
} cli_options[] = {
	{ "--out", "PATH", "also write the JSON, framed, to PATH (a file or a virtio-serial port)",
	  false },
	{ "--abi", "MAP", "the CPUID leaf map to read: exitscope (default), a, b or c", false },
	{ "--isa", "ISA", "with --abi a|b|c: vmx or svm (default: from the CPU vendor)", false },
	{ "--samples", "MS", "run: read the total and the top reasons every MS ms (1 to 3600000)",
	  true },
	{ "--path", "FILE", "run io: the scratch file, which must not exist", true },
	{ "--pio", "K", "run io: K more writes to port 0x80", true },
	{ "--repeat", "N", "run: measure the workload's window N times in a row (1 to 100)",
	  true },
};

#define CLI_NR_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

void probe_cli_usage(FILE *out)
{
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		char head[32];

		snprintf(head, sizeof(head), "%s %s", cli_options[i].name, cli_options[i].meta);
		fprintf(out, "  %-20s %s\n", head, cli_options[i].help);
	}
}

/* Where option @name's value goes, or NULL for an unknown one; *index its row. */
static const char **cli_option(struct cli_raw *raw, struct probe_cmd *cmd, const char *name,
			       size_t len, size_t *index)
{
	const char **values[] = { &cmd->out, &raw->abi, &raw->isa, &raw->samples, &raw->path,
				  &raw->pio, &raw->repeat };

	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		if (strlen(cli_options[i].name) == len && !strncmp(name, cli_options[i].name, len)) {
			*index = i;
			if (cli_options[i].run_only && !raw->run_only)
				raw->run_only = cli_options[i].name;
			return values[i];
		}
	}
	return NULL;
}

static int cli_split(int argc, char **argv, struct cli_raw *raw, struct probe_cmd *cmd,
		     FILE *err)
{
	bool options = true;

	for (int i = 0; i < argc; i++) {
		const char **value, *eq;
		size_t index;

		if (options && !strcmp(argv[i], "--")) {
			options = false;
			continue;
		}
		if (!options || strncmp(argv[i], "--", 2)) {
			if (raw->npos == 3) {
				fprintf(err, "exitprobe: unexpected '%s'\n", argv[i]);
				return -EINVAL;
			}
			raw->pos[raw->npos++] = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		value = cli_option(raw, cmd, argv[i], eq ? (size_t)(eq - argv[i]) : strlen(argv[i]),
				   &index);
		if (!value) {
			fprintf(err, "exitprobe: unknown option '%.*s'\n",
				eq ? (int)(eq - argv[i]) : (int)strlen(argv[i]), argv[i]);
			return -EINVAL;
		}
		if (eq ? !eq[1] : i + 1 >= argc || !argv[i + 1][0] || !strncmp(argv[i + 1], "--", 2)) {
			fprintf(err, "exitprobe: %s needs a value: %s %s\n", cli_options[index].name,
				cli_options[index].name, cli_options[index].meta);
			return -EINVAL;
		}
		*value = eq ? eq + 1 : argv[++i];
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
	if (raw->repeat && !cmd->w) {
		fprintf(err, "exitprobe: --repeat needs a workload's window to repeat, not boot\n");
		return -EINVAL;
	}
	if (raw->repeat &&
	    cli_number(raw->repeat, CLI_REPEAT_MIN, CLI_REPEAT_MAX, &cmd->repeat) < 0) {
		fprintf(err, "exitprobe: --repeat needs N, a whole number from %d to %d, not '%s'\n",
			CLI_REPEAT_MIN, CLI_REPEAT_MAX, raw->repeat);
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

/* --abi and --isa, for every command. */
static int cli_map(const struct cli_raw *raw, struct probe_cmd *cmd, FILE *err)
{
	cmd->map = exsc_map_find(raw->abi ? raw->abi : "exitscope");
	if (!cmd->map) {
		fprintf(err, "exitprobe: --abi needs MAP, one of %s, not '%s'\n", exsc_map_names(),
			raw->abi);
		return -EINVAL;
	}
	if (raw->isa && cmd->map->discovery) {
		fprintf(err, "exitprobe: --isa is for --abi a, b or c; map %s names its ISA itself\n",
			cmd->map->name);
		return -EINVAL;
	}
	if (raw->isa && (exsc_isa_parse(raw->isa, &cmd->isa) || cmd->isa == EXSC_ISA_NONE)) {
		fprintf(err, "exitprobe: --isa needs vmx or svm, not '%s'\n", raw->isa);
		return -EINVAL;
	}
	if (cmd->w && !strcmp(cmd->w->name, "abi") && !cmd->map->discovery) {
		fprintf(err, "exitprobe: run abi checks exitscope's own ABI, not map %s\n",
			cmd->map->name);
		return -EINVAL;
	}
	return 0;
}

int probe_cli_parse(int argc, char **argv, struct probe_cmd *cmd, FILE *err)
{
	struct cli_raw raw = { { NULL, NULL, NULL }, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	int r;

	memset(cmd, 0, sizeof(*cmd));
	cmd->repeat = 1;
	r = cli_split(argc, argv, &raw, cmd, err);
	if (r < 0)
		return r;
	cmd->name = raw.npos ? raw.pos[0] : "";
	if (!strcmp(cmd->name, "run")) {
		r = cli_run(&raw, cmd, err);
		return r < 0 ? r : cli_map(&raw, cmd, err);
	}
	if (strcmp(cmd->name, "detect") && strcmp(cmd->name, "snapshot")) {
		fprintf(err, "exitprobe: unknown command '%s'\n", cmd->name);
		return -ENOENT;
	}
	if (raw.npos > 1 || raw.run_only) {
		fprintf(err, "exitprobe: %s takes no '%s'\n", cmd->name,
			raw.npos > 1 ? raw.pos[1] : raw.run_only);
		return -EINVAL;
	}
	return cli_map(&raw, cmd, err);
}
