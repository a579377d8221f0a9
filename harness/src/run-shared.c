// SPDX-License-Identifier: GPL-2.0
/*
 * One L2 boot serving several scenarios: after L1 ended, each scenario gets
 * a run directory of its own, laid out as a run of its own would have left
 * it, so that the evidence, outcome and assembly stages (and --reassemble)
 * read it unchanged.  Its oracle window is its own: L1's agent read the
 * counters and the kvm_exit histogram with L2 paused when the scenario's
 * window began and ended (out/windows/NAME/ of the boot's directory).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "run.h"
#include "util.h"

/* The files of a window that the agent wrote, as a single run names them in out/. */
static const char *const window_files[] = {
	"counters-before.txt", "counters-after.txt", RUN_HIST_BEGIN_FILE, "kvm-exit-hist.txt",
};

/* The boot's files that a scenario's directory shares: what assembly and the timeline read. */
static const char *const boot_files[] = { RUN_KERNEL_FILE, "status.log" };

/* cp @from @to, when @from is there: a window L2 never reached has no files. */
static int copy_present(const char *from, const char *to)
{
	char *text;
	size_t len;
	int r = util_read_file(from, &text, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = util_write_atomic(to, text, len);
	free(text);
	return r;
}

/* Scenario @name's part of the probe port's output, into @dir/out/l2-probe.out. */
static int split_probe(const char *boot_dir, const char *name, const char *dir)
{
	char path[PATH_MAX + 64], *port, *section;
	int r;

	util_pathf(path, sizeof(path), "%s/out/l2-probe.out", boot_dir);
	r = util_read_file(path, &port, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = probe_output_section(port, name, &section);
	free(port);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	util_pathf(path, sizeof(path), "%s/out/l2-probe.out", dir);
	r = util_write_atomic(path, section, strlen(section));
	free(section);
	return r;
}

static int split_files(const char *boot_dir, const char *name, const char *dir)
{
	char from[PATH_MAX + 64], to[PATH_MAX + 64];
	int r = 0;

	for (size_t i = 0; i < sizeof(boot_files) / sizeof(boot_files[0]) && !r; i++) {
		util_pathf(from, sizeof(from), "%s/%s", boot_dir, boot_files[i]);
		util_pathf(to, sizeof(to), "%s/%s", dir, boot_files[i]);
		r = copy_present(from, to);
	}
	for (size_t i = 0; i < sizeof(window_files) / sizeof(window_files[0]) && !r; i++) {
		util_pathf(from, sizeof(from), "%s/out/windows/%s/%s", boot_dir, name,
			   window_files[i]);
		util_pathf(to, sizeof(to), "%s/out/%s", dir, window_files[i]);
		r = copy_present(from, to);
	}
	return r ? r : split_probe(boot_dir, name, dir);
}

enum run_outcome run_shared_split(const char *boot_dir, const struct run_record *boot,
				  const char *name, const char *dir)
{
	char out[PATH_MAX + 8];
	char *const wipe[] = { "rm", "-rf", (char *)dir, NULL };
	struct run_record rec = *boot;

	util_pathf(rec.scenario, sizeof(rec.scenario), "%s", name);
	util_pathf(rec.shared_boot, sizeof(rec.shared_boot), "%s", boot->scenario);
	util_pathf(out, sizeof(out), "%s/out", dir);
	if (exec_run(wipe, NULL, NULL) || util_mkdirs(out) < 0 ||
	    run_record_write(dir, &rec) < 0 || split_files(boot_dir, name, dir) < 0) {
		fprintf(stderr, "exitscope: run: %s: cannot make its run directory %s from the shared "
				"boot's %s\n", name, dir, boot_dir);
		return RUN_ENVIRONMENT;
	}
	return RUN_OK;
}
