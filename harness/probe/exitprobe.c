// SPDX-License-Identifier: GPL-2.0
/* exitprobe: reads exitscope's exit counters through CPUID from inside a guest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitscope/exit.h"
#include "exitscope/frame.h"
#include "document.h"
#include "l2-boot.h"
#include "probe-doc.h"
#include "sampler.h"
#include "settle.h"

/* How long the console may take to send what was written before the window. */
#define SETTLE_LIMIT_MS 5000

/* L2's uptime when the probe started (/proc/uptime), or negative when unknown. */
static double probe_started_s = -1;

static void usage(FILE *out)
{
	fprintf(out, "usage: exitprobe detect [--abi MAP [--isa ISA]]\n"
		     "       exitprobe snapshot [--abi MAP [--isa ISA]] [--out PATH]\n"
		     "       exitprobe run WORKLOAD [N] [--abi MAP [--isa ISA]] [--samples MS] "
		     "[--repeat N] [--out PATH]\n"
		     "       exitprobe run io [MIB] [--path FILE] [--pio K] [--samples MS] "
		     "[--repeat N] [--out PATH]\n\nworkloads:\n");
	workload_list(out);
	fprintf(out, "\nio writes MIB MiB in 1 MiB chunks to a new scratch file (default %s),\n"
		     "fsyncs, reads them back and compares; without O_DIRECT support it says\n"
		     "\"direct\": false and drops the page cache instead.\n"
		     "--samples reads the top %d reasons, from a thread; its CPUID exits are\n"
		     "counted in probe_cpuid_exits.  --repeat N measures the window N times in a row,\n"
		     "each alike; the document is the first window's, and with N above 1 its\n"
		     "\"repeat\" holds every window.  --out frames the JSON by " EXSC_FRAME_BEGIN "/END\n"
		     "lines.\n\noptions:\n", DISK_DEFAULT_PATH, SAMPLER_TOP);
	probe_cli_usage(out);
	fprintf(out, "\nmaps (--abi MAP; reason = ECX; a, b and c have no discovery leaf, 32-bit\n"
		     "counts, and their documents say \"abi_map\"; run abi is exitscope's only):\n");
	for (int i = 0; i < EXSC_MAP_COUNT; i++)
		fprintf(out, "  %-10s %s\n", exsc_map_get((enum exsc_map_id)i)->name,
			exsc_map_get((enum exsc_map_id)i)->summary);
	fprintf(out, "\nNumbers are decimal digits only.  Exit 0 ok, 1 a check failed, 2 bad usage or\n"
		     "the workload's device is missing, 3 not an exitscope kernel (with --abi a|b|c:\n"
		     "that map's total did not move) or standard output cannot be written.\n");
}

static int detect_or_explain(const struct probe_cmd *cmd, struct exsc_info *info)
{
	int r = probe_detect_map(probe_cpuid_hw, cmd->map, cmd->isa, info);

	if (r == -ENODEV && !cmd->map->discovery)
		fprintf(stderr, "exitprobe: the total of map %s (CPUID 0x%08x) did not move across two "
				"reads: this kernel does not answer map %s\n", cmd->map->name,
			cmd->map->field[EXSC_FIELD_TOTAL_COUNT].leaf, cmd->map->name);
	else if (r == -ENXIO)
		fprintf(stderr, "exitprobe: the CPU vendor names neither VMX nor SVM; say which "
				"with --isa vmx|svm\n");
	else if (r == -ENODEV)
		fprintf(stderr, "exitprobe: this hypervisor is not an exitscope kernel "
				"(CPUID 0x%08x has no EXSC signature)\n", EXSC_LEAF_INFO);
	else if (r < 0)
		fprintf(stderr, "exitprobe: exitscope signature with an ABI version, ISA or scope "
				"this probe does not know; rebuild exitprobe from the same tree as the "
				"kernel patch\n");
	return r;
}

/* The writer validates: a document the driver would refuse is not written. */
static int doc_check(json_t *doc)
{
	struct probe_doc *parsed = malloc(sizeof(*parsed));
	char why[256] = "out of memory";
	int r = parsed ? probe_doc_parse(doc, parsed, why, sizeof(why)) : -ENOMEM;

	free(parsed);
	if (r < 0)
		fprintf(stderr, "exitprobe: not writing an invalid document (%s); this is a bug in "
				"exitprobe: report it with this line\n", why);
	return r;
}

/*
 * L2's clocks, read after the counters: no window holds these reads, and
 * cloud-init's status is as far along as it gets.
 */
static void add_l2_clocks(json_t *doc)
{
	double end_s;

	if (probe_started_s >= 0)
		json_object_set_new(doc, "l2_uptime_s", json_real(probe_started_s));
	probe_l2_boot_add(doc, "/dev/kmsg", "/run/cloud-init/status.json");
	/*
	 * init ran before the probe started, and the validator holds the document
	 * to it: should the two clocks ever disagree, drop the one, not the document.
	 */
	if (probe_started_s >= 0 &&
	    json_number_value(json_object_get(doc, "l2_userspace_s")) > probe_started_s)
		json_object_del(doc, "l2_userspace_s");
	/* Last, so that it is when the document was complete. */
	if (!probe_uptime("/proc/uptime", &end_s))
		json_object_set_new(doc, "l2_uptime_end_s", json_real(end_s));
}

static int emit(json_t *doc, const char *out)
{
	int r;

	add_l2_clocks(doc);
	r = doc_check(doc);

	if (r < 0)
		return EXIT_MEASURED_FAILED;
	r = probe_emit(doc, out);
	if (r < 0)
		fprintf(stderr, "exitprobe: cannot write %s: %s\n", out ? out : "stdout", strerror(-r));
	return r < 0 ? EXIT_MEASURED_FAILED : 0;
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
	bool settled;
	int r;

	r = workload_ctx_init(&ctx, w, &cmd->args);
	if (r < 0) {
		fprintf(stderr, "exitprobe: %s: %s\n", w->name, strerror(-r));
		workload_release(&ctx);
		return EXIT_MEASURED_FAILED;
	}
	r = workload_setup(&ctx);
	if (r < 0) {
		fprintf(stderr, "exitprobe: %s: cannot use %s: %s; %s\n", w->name, ctx.what,
			strerror(-r), w->hint);
		workload_release(&ctx);
		return EXIT_USAGE;
	}
	settled = probe_settle_console(SETTLE_LIMIT_MS);
	r = probe_run_doc_repeat(probe_cpuid_hw, probe_clock_hw, info, &ctx, cmd->sample_ms,
				 cmd->repeat, &doc);
	workload_release(&ctx);
	/* Said after the window: a line before it would be in it. */
	if (!settled)
		fprintf(stderr, "exitprobe: the console was still sending after %d ms; its exits may "
				"be in the window\n", SETTLE_LIMIT_MS);
	if (r < 0) {
		fprintf(stderr, "exitprobe: workload %s failed: %s\n", w->name, strerror(-r));
		return EXIT_MEASURED_FAILED;
	}
	r = emit(doc, cmd->out);
	if (!r && !probe_run_passed(doc))
		r = EXIT_MEASURED_FAILED;
	json_decref(doc);
	return r;
}

static int probe_main(int argc, char **argv)
{
	struct probe_cmd cmd;
	struct exsc_info info;
	int r;

	/* First, so that the document says when in L2's life the probe began. */
	if (probe_uptime("/proc/uptime", &probe_started_s) < 0)
		probe_started_s = -1;
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
	if (detect_or_explain(&cmd, &info) < 0)
		return EXIT_ENVIRONMENT;
	if (!strcmp(cmd.name, "detect") && !cmd.map->discovery) {
		printf("map %s (assumed: it has no discovery leaf), %s, %u-bit counts\n",
		       cmd.map->name, exsc_isa_name(info.isa), cmd.map->count_bits);
		return 0;
	}
	if (!strcmp(cmd.name, "detect")) {
		printf("exitscope ABI %u, %s, %u reason slots\n", info.abi_version,
		       exsc_isa_name(info.isa), info.nr_slots);
		return 0;
	}
	if (!strcmp(cmd.name, "snapshot") || !cmd.w)
		return cmd_snapshot(&info, cmd.out);
	return cmd_run(&info, &cmd);
}

int main(int argc, char **argv)
{
	return exsc_exit_stdout("exitprobe", probe_main(argc, argv));
}
