// SPDX-License-Identifier: GPL-2.0
/*
 * One boot of L1 in the micro stage for check and bench (micro-boot.h):
 * the micro stage taken as a scenario of its own, so that the run's resolve,
 * prepare and L1 stages serve it unchanged.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "micro-boot.h"
#include "progress.h"
#include "util.h"

/* exitmicro's command line, and what the command adds to it. */
static enum run_outcome micro_boot_append(struct micro_boot *b)
{
	enum run_outcome r = run_resolve_micro(&b->sc, &b->rec, b->append, sizeof(b->append));
	size_t len = strlen(b->append);

	if (r != RUN_OK || !b->extra_append)
		return r;
	return util_pathf(b->append + len, sizeof(b->append) - len, " %s", b->extra_append) < 0
		       ? RUN_BAD_INPUT : RUN_OK;
}

enum run_outcome micro_boot_resolve(struct micro_boot *b, const char *accel,
				    const char *kernel_id, const char *series)
{
	enum run_outcome r;

	util_pathf(b->sc.stage, sizeof(b->sc.stage), "micro");
	b->rec = (struct run_record){ .attempt = 1, .started = time(NULL) };
	if ((r = run_resolve_host(accel, &b->rec)) != RUN_OK || (r = micro_boot_append(b)) != RUN_OK ||
	    (r = run_resolve(&b->sc, kernel_id, series, &b->in)) != RUN_OK)
		return r;
	util_pathf(b->rec.scenario, sizeof(b->rec.scenario), "%s", b->sc.name);
	util_pathf(b->rec.kernel_id, sizeof(b->rec.kernel_id), "%s", b->in.kernel.id);
	util_pathf(b->rec.l1_image, sizeof(b->rec.l1_image), "%s", b->in.l1.id);
	return RUN_OK;
}

enum run_outcome micro_boot_run(struct micro_boot *b, const char *run_dir)
{
	char root[PATH_MAX];
	struct run_attempt a = { .sc = &b->sc, .root = root, .micro_append = b->append,
				 .run_dir = run_dir, .in = &b->in, .rec = &b->rec };
	struct l1_plan p = { .name = b->sc.name, .run_dir = run_dir, .kernel_dir = b->in.kernel.dir,
			     .micro_dir = b->in.l1.dir, .micro_append = b->append,
			     .accel = b->rec.accel, .qemu = b->rec.l0_qemu,
			     .l2_timeout_s = b->sc.timeout_s, .stop = &run_stop };
	enum run_outcome o;

	if (util_checkout_root(root, sizeof(root)) < 0)
		return RUN_ENVIRONMENT;
	o = run_prepare(&a);
	if (o != RUN_OK)
		return o;
	progress(b->who, "%s: L1 under %s, logs in %s", b->sc.name, accel_name(b->rec.accel),
		 run_dir);
	o = run_l1(&p, &b->st, &b->rec);
	if (o == RUN_OK && (b->st.agent_rc < 0 || b->st.agent_rc > b->last_result_rc)) {
		fprintf(stderr, "exitscope: %s: exitmicro %.*s failed (%s); see %s/l1-console.log\n",
			b->who, (int)strcspn(b->sc.probe, " "), b->sc.probe,
			b->st.error[0] ? b->st.error : "no error line", run_dir);
		o = RUN_AGENT_FAILED;
	}
	return o;
}

json_t *micro_boot_load(const struct micro_boot *b, const char *run_dir, const char *file)
{
	char path[PATH_MAX + 64];
	json_error_t jerr;
	json_t *doc;

	util_pathf(path, sizeof(path), "%s/%s", run_dir, file);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fprintf(stderr, "exitscope: %s: %s: %s\n", b->who, path, jerr.text);
	return doc;
}
