// SPDX-License-Identifier: GPL-2.0
/* exitprobe: reads exitscope's exit counters through CPUID from inside a guest. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "document.h"
#include "sampler.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_NOT_EXITSCOPE = 3 };

static void usage(FILE *out)
{
	fprintf(out, "usage: exitprobe detect\n"
		     "       exitprobe snapshot [--out PATH]\n"
		     "       exitprobe run WORKLOAD [N] [--samples MS] [--out PATH]\n"
		     "       exitprobe run io [MIB] [--path FILE] [--pio K] [--samples MS] "
		     "[--out PATH]\n\nworkloads:\n");
	workload_list(out);
	fprintf(out, "\nio writes MIB MiB in 1 MiB chunks to a new scratch file (default %s),\n"
		     "fsyncs, reads them back and compares; without O_DIRECT support it says\n"
		     "\"direct\": false and drops the page cache instead.  --pio K adds K writes\n"
		     "to port 0x80.\n"
		     "--samples MS reads the total and the top %d reasons every MS ms during the\n"
		     "workload, from a thread; its CPUID exits are counted in probe_cpuid_exits.\n"
		     "--out PATH also writes the JSON, framed by EXITSCOPE-BEGIN/END lines,\n"
		     "to PATH (a file or a virtio-serial port).\n"
		     "Exit 0 ok, 1 a check failed, 2 bad usage or the workload's device is missing,\n"
		     "3 not an exitscope kernel.\n", DISK_DEFAULT_PATH, SAMPLER_TOP);
}

static int detect_or_explain(struct exsc_info *info)
{
	int r = probe_detect(probe_cpuid_hw, info);

	if (r == -ENODEV)
		fprintf(stderr, "exitprobe: this hypervisor is not an exitscope kernel "
				"(CPUID 0x%08x has no EXSC signature)\n", EXSC_LEAF_INFO);
	else if (r < 0)
		fprintf(stderr, "exitprobe: exitscope signature with an ABI version, ISA or scope "
				"this probe does not know; rebuild exitprobe from the same tree as the "
				"kernel patch\n");
	return r;
}

static int emit(json_t *doc, const char *out)
{
	int r = probe_emit(doc, out);

	if (r < 0)
		fprintf(stderr, "exitprobe: cannot write %s: %s\n", out ? out : "stdout", strerror(-r));
	return r < 0 ? EXIT_FAILED : 0;
}

static int cmd_snapshot(const struct exsc_info *info, const char *out)
{
	json_t *doc = probe_snapshot_doc(probe_cpuid_hw, info);
	int r = emit(doc, out);

	json_decref(doc);
	return r;
}

static int cmd_run(const struct exsc_info *info, const struct probe_cmd *cmd)
{
	const struct workload *w = cmd->w;
	struct workload_ctx ctx;
	json_t *doc = NULL;
	int r;

	workload_ctx_init(&ctx, &cmd->args);
	r = w->setup ? w->setup(&ctx) : 0;
	if (r < 0) {
		fprintf(stderr, "exitprobe: %s: cannot use %s: %s; %s\n", w->name, ctx.what,
			strerror(-r), w->hint);
		workload_release(&ctx);
		return EXIT_USAGE;
	}
	r = probe_run_doc(probe_cpuid_hw, info, w, &ctx, cmd->sample_ms, &doc);
	workload_release(&ctx);
	if (r < 0) {
		fprintf(stderr, "exitprobe: workload %s failed: %s\n", w->name, strerror(-r));
		return EXIT_FAILED;
	}
	r = emit(doc, cmd->out);
	if (!r && !probe_run_passed(doc))
		r = EXIT_FAILED;
	json_decref(doc);
	return r;
}

int main(int argc, char **argv)
{
	struct probe_cmd cmd;
	struct exsc_info info;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	r = probe_cli_parse(argc - 1, argv + 1, &cmd, stderr);
	if (r < 0) {
		if (r == -ENOENT)
			usage(stderr);
		return EXIT_USAGE;
	}
	if (detect_or_explain(&info) < 0)
		return EXIT_NOT_EXITSCOPE;
	if (!strcmp(cmd.name, "detect")) {
		printf("exitscope ABI %u, %s, %u reason slots\n", info.abi_version,
		       exsc_isa_name(info.isa), info.nr_slots);
		return 0;
	}
	if (!strcmp(cmd.name, "snapshot") || !cmd.w)
		return cmd_snapshot(&info, cmd.out);
	return cmd_run(&info, &cmd);
}
