/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands: each takes its own argv (argv[0] is its name). */
#ifndef EXITSCOPE_CMD_H
#define EXITSCOPE_CMD_H

#include <stdio.h>

#include "exitscope/exit.h"

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
	const char *summary;
};

int cmd_doctor(int argc, char **argv);
void doctor_usage(FILE *out);
int cmd_kernel(int argc, char **argv);
void kernel_usage(FILE *out);
int cmd_images(int argc, char **argv);
int cmd_run(int argc, char **argv);
void run_usage(FILE *out);
void images_usage(FILE *out);
int cmd_show(int argc, char **argv);
void show_usage(FILE *out);
int cmd_diff(int argc, char **argv);
void diff_usage(FILE *out);
int cmd_plot(int argc, char **argv);
void plot_usage(FILE *out);
int cmd_report(int argc, char **argv);
void report_usage(FILE *out);
int cmd_bench(int argc, char **argv);
void bench_usage(FILE *out);
int cmd_check(int argc, char **argv);
void check_usage(FILE *out);
int cmd_lava(int argc, char **argv);
void lava_usage(FILE *out);

/* 1 when argv asks for --help/-h (usage already printed to stdout), else 0. */
int cmd_wants_help(int argc, char **argv, void (*usage)(FILE *out));

#endif
