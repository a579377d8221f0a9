// SPDX-License-Identifier: GPL-2.0
/* exitprobe: reads exitscope's exit counters through CPUID from inside a guest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/reasons.h"
#include "probe.h"
#include "workloads.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_NOT_EXITSCOPE = 3 };

static void usage(FILE *out)
{
	fprintf(out, "usage: exitprobe detect\n"
		     "       exitprobe snapshot [--out PATH]\n"
		     "       exitprobe run WORKLOAD [PARAM] [--out PATH]\n\nworkloads:\n");
	workload_list(out);
	fprintf(out, "\n--out PATH also writes the JSON, framed by EXITSCOPE-BEGIN/END lines,\n"
		     "to PATH (a file or a virtio-serial port).\n"
		     "Exit 0 ok, 1 a check failed, 2 bad usage, 3 not an exitscope kernel.\n");
}

static int detect_or_explain(struct exsc_info *info)
{
	int r = probe_detect(probe_cpuid_hw, info);

	if (r == -ENODEV)
		fprintf(stderr, "exitprobe: this hypervisor is not an exitscope kernel "
				"(CPUID 0x%08x has no EXSC signature)\n", EXSC_LEAF_INFO);
	else if (r < 0)
		fprintf(stderr, "exitprobe: exitscope signature with an ISA this probe does not know; "
				"rebuild exitprobe from the same tree as the kernel patch\n");
	return r;
}

static int parse_count(const char *text, unsigned long *value)
{
	char *end;

	errno = 0;
	if (!text[0] || text[0] == '-')
		return -EINVAL;
	*value = strtoul(text, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static json_t *doc_new(const struct exsc_info *info)
{
	return json_pack("{s:s, s:i, s:{s:s}}", "schema", "exitscope/probe/v1",
			 "abi_version", (int)info->abi_version, "l1", "isa", exsc_isa_name(info->isa));
}

static int emit(json_t *doc, const char *out)
{
	int r = probe_emit(doc, out);

	json_decref(doc);
	if (r < 0)
		fprintf(stderr, "exitprobe: cannot write %s: %s\n", out ? out : "stdout", strerror(-r));
	return r < 0 ? EXIT_FAILED : 0;
}

static int cmd_snapshot(const struct exsc_info *info, const char *out)
{
	struct probe_snapshot s;
	json_t *doc = doc_new(info);

	probe_snapshot_take(probe_cpuid_hw, info->isa, &s);
	json_object_set_new(doc, "counters", probe_snapshot_json(info->isa, &s));
	return emit(doc, out);
}

/* The CPUID workload must show exactly N exits once the probe's own are taken out. */
static bool cpuid_exact(json_t *exits, uint32_t cpuid_code, unsigned long n)
{
	size_t i;
	json_t *reason;

	json_array_foreach(json_object_get(exits, "by_reason"), i, reason)
		if (json_integer_value(json_object_get(reason, "reason")) == cpuid_code)
			return json_integer_value(json_object_get(reason, "count")) ==
			       (json_int_t)(n + PROBE_WINDOW_CPUID_EXITS);
	return false;
}

static int cmd_run(const struct exsc_info *info, const struct workload *w, unsigned long param,
		   const char *out)
{
	struct probe_snapshot before, after;
	json_t *figures = json_object();
	json_t *doc = doc_new(info);
	json_t *exits;
	int r;

	probe_snapshot_take(probe_cpuid_hw, info->isa, &before);
	r = w->run(probe_cpuid_hw, param, figures);
	probe_snapshot_take(probe_cpuid_hw, info->isa, &after);
	if (r < 0) {
		fprintf(stderr, "exitprobe: workload %s failed: %s\n", w->name, strerror(-r));
		json_decref(figures);
		json_decref(doc);
		return EXIT_FAILED;
	}
	exits = probe_delta_json(info->isa, &before, &after);
	json_object_set_new(doc, "workload", json_pack("{s:s, s:{s:I}, s:o}", "name", w->name,
						       "params", w->param, (json_int_t)param,
						       "figures", figures));
	json_object_set_new(doc, "probe_cpuid_exits", json_integer(PROBE_WINDOW_CPUID_EXITS));
	if (!strcmp(w->name, "cpuid"))
		json_object_set_new(doc, "cpuid_exact",
				    json_boolean(cpuid_exact(exits, reasons_cpuid(info->isa), param)));
	json_object_set_new(doc, "exits", exits);
	r = json_is_false(json_object_get(doc, "cpuid_exact")) ? EXIT_FAILED : 0;
	return emit(doc, out) ? EXIT_FAILED : r;
}

/* Removes "--out PATH" from argv; returns the remaining count or -EINVAL. */
static int take_out_option(int argc, char **argv, const char **out)
{
	int kept = 0;

	*out = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out")) {
			if (i + 1 >= argc)
				return -EINVAL;
			*out = argv[++i];
			continue;
		}
		argv[kept++] = argv[i];
	}
	return kept;
}

static int run_command(int argc, char **argv, const char *out)
{
	const struct workload *w = NULL;
	unsigned long param = 0;
	struct exsc_info info;

	if (!strcmp(argv[0], "run")) {
		if (argc < 2 || argc > 3 || (!(w = workload_find(argv[1])) && strcmp(argv[1], "boot"))) {
			fprintf(stderr, "exitprobe: run needs a known WORKLOAD: %s\n",
				argc < 2 ? "none given" : argv[1]);
			return EXIT_USAGE;
		}
		param = w ? w->fallback : 0;
		if (argc == 3 && (!w || parse_count(argv[2], &param) < 0)) {
			fprintf(stderr, "exitprobe: '%s' is not a parameter of %s "
					"(a whole number, see --help)\n", argv[2], argv[1]);
			return EXIT_USAGE;
		}
	} else if (strcmp(argv[0], "detect") && strcmp(argv[0], "snapshot")) {
		fprintf(stderr, "exitprobe: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (detect_or_explain(&info) < 0)
		return EXIT_NOT_EXITSCOPE;
	if (!strcmp(argv[0], "detect")) {
		printf("exitscope ABI %u, %s, %u reason slots\n", info.abi_version,
		       exsc_isa_name(info.isa), info.nr_slots);
		return 0;
	}
	if (!strcmp(argv[0], "snapshot") || !w)
		return cmd_snapshot(&info, out);
	return cmd_run(&info, w, param, out);
}

int main(int argc, char **argv)
{
	const char *out;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	argc = take_out_option(argc - 1, argv + 1, &out);
	if (argc <= 0) {
		if (argc < 0)
			fprintf(stderr, "exitprobe: --out needs a PATH\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	return run_command(argc, argv + 1, out);
}
