// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt's QEMU capabilities, kept between runs of one L1 (run.h).  At each
 * start libvirtd probes qemu-system-x86_64 with two QEMU processes, seconds
 * under emulation, unless /var/cache/libvirt/qemu/capabilities holds an
 * entry it finds valid: it checks the entry itself (its own and QEMU's
 * ctimes, the kernel, the host CPU's signature and microcode) and probes
 * again when it is not.  L1 starts from a fresh overlay every time, so the
 * agent hands libvirtd's files back in out/, and the next run of the same L1
 * image, kernel and L0 brings them in as $RUN/libvirt-caps/.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "run.h"
#include "util.h"

int run_caps_dir(const struct run_record *rec, char *dir, size_t size)
{
	char cache[PATH_MAX];

	util_cache_dir(cache, sizeof(cache));
	return util_pathf(dir, size, "%s/libvirt-caps/%s-%s-%s", cache, rec->l1_image,
			  rec->kernel_id, rec->l0[0] ? rec->l0 : accel_name(rec->accel));
}

int run_caps_seed(const struct run_record *rec, const char *run_dir)
{
	char kept[PATH_MAX], seed[PATH_MAX + 32];
	char *const cp[] = { "cp", "-r", kept, seed, NULL };

	if (run_caps_dir(rec, kept, sizeof(kept)) < 0 ||
	    util_pathf(seed, sizeof(seed), "%s/%s", run_dir, RUN_CAPS_SEED) < 0)
		return -ENAMETOOLONG;
	if (!util_is_dir(kept))
		return 0;
	return exec_run(cp, NULL, NULL) ? -EIO : 0;
}

/* Whether the agent found libvirtd's files changed by its start: "probed" in RUN_CAPS_STATE. */
static bool caps_probed(const char *run_dir)
{
	char path[PATH_MAX + 32], *text;
	bool probed;

	if (util_pathf(path, sizeof(path), "%s/out/%s", run_dir, RUN_CAPS_STATE) < 0 ||
	    util_read_file(path, &text, NULL) < 0)
		return false;
	probed = !strncmp(text, "probed", 6);
	free(text);
	return probed;
}

/* A copy beside the kept directory, then rename(): a reader sees the old files or the new. */
int run_caps_keep(const struct run_record *rec, const char *run_dir)
{
	char kept[PATH_MAX], tmp[PATH_MAX + 16], from[PATH_MAX + 32];
	char *const wipe[] = { "rm", "-rf", tmp, NULL };
	char *const cp[] = { "cp", "-r", from, tmp, NULL };
	char *const wipe_kept[] = { "rm", "-rf", kept, NULL };
	int r;

	if (!caps_probed(run_dir))
		return 0;
	if (run_caps_dir(rec, kept, sizeof(kept)) < 0 ||
	    util_pathf(tmp, sizeof(tmp), "%s.tmp-%d", kept, (int)getpid()) < 0 ||
	    util_pathf(from, sizeof(from), "%s/out/%s/.", run_dir, RUN_CAPS_SEED) < 0)
		return -ENAMETOOLONG;
	if (!util_is_dir(from))
		return 0;
	r = exec_run(wipe, NULL, NULL) || util_mkdirs(tmp) < 0 || exec_run(cp, NULL, NULL) ||
	    exec_run(wipe_kept, NULL, NULL) || rename(tmp, kept) < 0 ? -EIO : 0;
	if (r)
		exec_run(wipe, NULL, NULL);
	return r;
}
