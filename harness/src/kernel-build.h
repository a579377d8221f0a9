/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patched kernels as a stage: `exitscope kernel build` and `exitscope run`
 * both call kernel_ensure(), so a run builds in-process with the same
 * progress lines and errors as the command.  kernel_ensure() prints (its
 * progress, and one line saying what failed); kernel_find() does not.
 */
#ifndef EXITSCOPE_KERNEL_BUILD_H
#define EXITSCOPE_KERNEL_BUILD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

#define KERNEL_PATCH_DIRS_MAX 8

struct kernel_request {
	const char *series;		/* "6.1" or "6.12" */
	const char *source_dir;		/* a local tree, or NULL for Debian's package */
	const char *fragment_path;	/* NULL: kernel-patch/config/nested.config */
	bool stock;			/* the series' source without the patches */
	/* Directories whose *.patch replace kernel-patch/series/SERIES, applied in order. */
	const char *const *patch_dirs;
	size_t nr_patch_dirs;
};

/* A kernel in the cache: its id and directory (bzImage, config, manifest.json). */
struct kernel_found {
	char id[KERNEL_ID_LEN + 1];
	char dir[PATH_MAX];
};

/*
 * Builds the kernel @req names unless the cache has it.  0 with @found set,
 * or an EXIT_* code (cmd.h).  Under exec_dry_run the commands are printed,
 * @found->id is the id a build would have, and nothing is published.
 */
int kernel_ensure(const struct kernel_request *req, struct kernel_found *found);

/* Kernel @id in the cache: 0, -EINVAL for a malformed id, -ENOENT when absent. */
int kernel_find(const char *id, struct kernel_found *found);

#endif
