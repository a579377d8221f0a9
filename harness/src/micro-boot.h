/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One boot of L1 in the micro stage for a command that is not a scenario
 * (exitscope check, exitscope bench cost).  The run's own stages (run.h)
 * resolve the host and the kernel, prepare the run directory and follow L1
 * to its power-off; exitmicro's document then comes back from the run
 * directory for the command to check.  As in run.h, a stage that fails
 * prints one line, prefixed with the command's name, and returns its
 * outcome.
 *
 *   micro_boot_resolve()  host, exitmicro's command line, kernel and images
 *   micro_boot_run()      L1 booted once in a run directory, and followed
 *   micro_boot_load()     a JSON file the boot left there
 */
#ifndef EXITSCOPE_MICRO_BOOT_H
#define EXITSCOPE_MICRO_BOOT_H

#include <jansson.h>

#include "run.h"

struct micro_boot {
	/* the caller's */
	const char *who;		/* the command, for progress and error lines */
	struct scenario sc;		/* name, probe (exitmicro's command), stock, timeout_s */
	const char *extra_append;	/* more L1 kernel arguments, or NULL */
	int last_result_rc;		/* exitmicro's highest exit code that is a verdict */
	/* resolved, then filled by the boot */
	char append[1024];
	struct run_record rec;
	struct run_inputs in;
	struct run_status st;
};

/*
 * The host (@accel may be NULL), L1's command line with @b->extra_append,
 * and the kernel (@kernel_id, else @series, stock when @b->sc.stock) and
 * images, built when missing.  RUN_OK or an outcome after one line.
 */
enum run_outcome micro_boot_resolve(struct micro_boot *b, const char *accel,
				    const char *kernel_id, const char *series);

/*
 * Prepares @run_dir and boots L1 there once.  RUN_OK when exitmicro ended
 * with a verdict (rc 0 to @b->last_result_rc, in @b->st), RUN_AGENT_FAILED
 * when it failed, or the stage's outcome.
 */
enum run_outcome micro_boot_run(struct micro_boot *b, const char *run_dir);

/* @run_dir/@file parsed; NULL after one line. */
json_t *micro_boot_load(const struct micro_boot *b, const char *run_dir, const char *file);

#endif /* EXITSCOPE_MICRO_BOOT_H */
