// SPDX-License-Identifier: GPL-2.0
/* exitscope: subcommand dispatch by exact name, in the manner of kvmtool. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct cmd commands[] = {
	{ "doctor", cmd_doctor, doctor_usage, "what this host has and which accelerator a run uses" },
	{ "kernel", cmd_kernel, kernel_usage, "build, list and locate patched kernels" },
	{ "run", cmd_run, run_usage, "run one scenario end to end: L0 -> patched L1 -> L2 -> result" },
	{ "images", cmd_images, images_usage, "build, list and locate the L1 and L2 guest images" },
	{ "show", cmd_show, show_usage, "one result as a per-reason table" },
	{ "diff", cmd_diff, diff_usage, "what moved between two results or two result folders" },
	{ "plot", cmd_plot, plot_usage, "results as an SVG chart (gnuplot)" },
	{ "report", cmd_report, report_usage, "a folder of results as Markdown with charts" },
	{ "bench", cmd_bench, bench_usage, "what one exit costs a kernel, with and without tracing" },
	{ "check", cmd_check, check_usage, "grade a kernel's exit counters through a leaf map" },
	{ "lava", cmd_lava, lava_usage, "LAVA jobs for micro scenarios, and their logs back into results" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void main_usage(FILE *out)
{
	fprintf(out, "usage: exitscope <command> [options]\n"
		     "       exitscope help <command>\n\ncommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

static const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int cmd_wants_help(int argc, char **argv, void (*usage)(FILE *out))
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 1;
		}
	}
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *cmd;

	if (argc < 2) {
		main_usage(stdout);
		return 0;
	}
	cmd = cmd_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "exitscope: no command '%s'\n", argv[1]);
		main_usage(stderr);
		return EXIT_USAGE;
	}
	cmd->usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;
	char who[64];
	int code;

	if (argc < 2) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return exsc_exit_stdout("exitscope", cmd_help(argc - 1, argv + 1));
	cmd = cmd_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "exitscope: unknown command '%s'\n", argv[1]);
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (cmd_wants_help(argc - 1, argv + 1, cmd->usage))
		return exsc_exit_stdout("exitscope", 0);
	code = cmd->run(argc - 1, argv + 1);
	snprintf(who, sizeof(who), "exitscope: %s", cmd->name);
	return exsc_exit_stdout(who, code);
}
