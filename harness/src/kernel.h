/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel builds: what identifies one (the cache key), its config check, its manifest. */
#ifndef EXITSCOPE_KERNEL_H
#define EXITSCOPE_KERNEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "strv.h"

#define KERNEL_ID_LEN 12
#define KERNEL_BASE_CONFIG "tinyconfig"

/* Everything a build depends on; a change to any field changes the id. */
struct kernel_inputs {
	const char *source;	/* identity of the tree: package+version+deb sha, or path+describe */
	const char *patches;	/* the series' patch files, concatenated; "" for --stock */
	const char *fragment;	/* the config fragment's text */
	const char *compiler;	/* `gcc --version` first line */
	const char *cc;		/* scripts/kernel-cc.sh, the CC the build runs: its text */
};

void kernel_id(const struct kernel_inputs *in, char id[KERNEL_ID_LEN + 1]);

/*
 * The *.patch files of each directory of @dirs (name order within one,
 * the directories in the order given) concatenated into *@text, which the
 * caller frees: the patches a kernel's id hashes and its build applies.
 * 0; else -ENOENT for a directory without a patch, or the -errno of one
 * that cannot be read, with *@bad its index and *@text NULL.
 */
int kernel_patches_read(const char *const *dirs, size_t n, char **text, size_t *bad);

/*
 * The files @patches change, as patch -p1 names them (the "--- a/F" and
 * "+++ b/F" lines, /dev/null left out), one per line into *@list, which the
 * caller frees: what a later build must rebuild when it no longer applies
 * them.  0 or -ENOMEM.
 */
int kernel_patched_files(const char *patches, char **list);

/*
 * The VERSION and PATCHLEVEL a kernel tree's top Makefile (@makefile, its
 * text) sets, into *@version and *@patchlevel: which version-specific
 * config fragment applies.  0, or -EINVAL when either line is missing.
 */
int kernel_tree_version(const char *makefile, int *version, int *patchlevel);

/* Whether @id has an id's form: KERNEL_ID_LEN lower-case hex digits, so never a path. */
bool kernel_id_valid(const char *id);

/*
 * Adds to @missing one "CONFIG_X=y (now: ...)" line per fragment option that
 * the final @config does not carry; returns how many, or -ENOMEM.
 */
int kernel_config_missing(const char *fragment, const char *config, struct strv *missing);

struct kernel_manifest {
	const char *id;
	const char *release;
	const char *series;
	const char *source;
	bool stock;
	const char *patch_sha256;
	const char *config_sha256;
	const char *compiler;
	double build_seconds;
};

/*
 * One line for people and result files: "linux-source-6.1 6.1.192-2" for a
 * Debian package, the first line ("tree PATH DESCRIBE") for a local tree.
 */
void kernel_source_summary(const char *identity, char *out, size_t size);

json_t *kernel_manifest_json(const struct kernel_manifest *m);
/* Strict: unknown or missing keys are an error, named in @err; strings point into @doc. */
int kernel_manifest_parse(json_t *doc, struct kernel_manifest *m, json_error_t *err);

#endif
