// SPDX-License-Identifier: GPL-2.0
/*
 * Patched kernels, built once per input set: the stage behind `exitscope
 * kernel build` and the kernel half of `exitscope run`'s resolve stage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "exec.h"
#include "kernel-build.h"
#include "progress.h"
#include "ticker.h"
#include "util.h"

struct kernel_build {
	const char *series;
	const char *source_dir;	/* --source, or NULL for Debian's package */
	const char *fragment_path;	/* --config, or default_fragment */
	bool stock;
	const char *const *patch_dirs;	/* --patches as given, or series_dir alone */
	size_t nr_patch_dirs;
	char patch_paths[KERNEL_PATCH_DIRS_MAX][PATH_MAX];	/* patch_dirs made absolute */
	char series_dir[PATH_MAX];	/* kernel-patch/series/SERIES */
	char root[PATH_MAX];	/* the exitscope checkout */
	char tree[PATH_MAX];	/* the kernel source to build */
	char work[PATH_MAX];	/* build dir and logs: one per series, or per --source tree */
	char out[PATH_MAX];	/* the published kernel */
	char identity[2048];
	char default_fragment[PATH_MAX];	/* kernel-patch/config/nested.config */
	char version_fragment[PATH_MAX];	/* nested-V.P.config for the tree's version, or "" */
	char compiler[256];
	char *patches;		/* concatenated patches, "" for --stock and --source */
	char *fragment;
	char *cc;		/* scripts/kernel-cc.sh's text, hashed into the id */
	char cc_path[PATH_MAX];	/* scripts/kernel-cc.sh */
	char id[KERNEL_ID_LEN + 1];
};

static void kernel_progress(const struct kernel_build *b, const char *what, const char *arg)
{
	(void)b;
	progress("kernel", "%s %s", what, arg);
}


/*
 * A --source tree must look like one: checked before anything runs, so
 * that "--source /tmp" is bad usage, not a configure step failing later.
 */
static int kernel_check_tree(const char *dir)
{
	static const char *const needed[] = { "Makefile", "Kconfig", "arch/x86/Kconfig",
					      "scripts/kconfig/merge_config.sh" };
	char path[PATH_MAX];
	struct stat st;

	if (stat(dir, &st) < 0) {
		fprintf(stderr, "exitscope: kernel build: --source %s: %s\n", dir, strerror(errno));
		return -EINVAL;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "exitscope: kernel build: --source %s is not a directory\n", dir);
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (util_pathf(path, sizeof(path), "%s/%s", dir, needed[i]) < 0 ||
		    stat(path, &st) < 0) {
			fprintf(stderr, "exitscope: kernel build: --source %s is not a kernel tree: "
					"it has no %s\n", dir, needed[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * What fetch-source.sh prints without fetching: the tree of the series'
 * pinned source, when the cache has one.  -ENOENT when a build would have to
 * fetch it first.
 */
static int kernel_cached_source(const struct kernel_build *b, char *tree, size_t size)
{
	char cache[PATH_MAX], env[PATH_MAX + 64];
	struct stat st;

	util_cache_dir(cache, sizeof(cache));
	if (util_pathf(env, sizeof(env), "%s/src/linux-source-%s.current/source.env", cache,
		       b->series) < 0 || stat(env, &st) < 0)
		return -ENOENT;
	return util_pathf(tree, size, "%s/src/linux-source-%s.current/tree", cache, b->series);
}

static int kernel_resolve_source(struct kernel_build *b)
{
	if (b->source_dir) {
		/* GIT_OPTIONAL_LOCKS=0: reading the tree's state never rewrites its index. */
		char *const argv[] = { "sh", "-c", "export GIT_OPTIONAL_LOCKS=0;"
			"git -C \"$1\" describe --always --dirty 2>/dev/null || echo no-git;"
			"git -C \"$1\" diff HEAD 2>/dev/null | sha256sum", "sh", (char *)b->source_dir, NULL };

		if (!realpath(b->source_dir, b->tree))
			return -errno;
		util_pathf(b->identity, sizeof(b->identity), "tree %s ", b->tree);
		return exec_output(argv, b->identity + strlen(b->identity),
				   sizeof(b->identity) - strlen(b->identity)) ? -EIO : 0;
	} else {
		char script[PATH_MAX + 32], path[PATH_MAX + 64], *env;
		char *const argv[] = { script, (char *)b->series, NULL };

		util_pathf(script, sizeof(script), "%s/kernel-patch/fetch-source.sh", b->root);
		/* A dry run fetches nothing: the script would download the package. */
		if (exec_dry_run && kernel_cached_source(b, b->tree, sizeof(b->tree)) < 0) {
			exec_run(argv, NULL, NULL);
			return -EAGAIN;
		}
		if (!exec_dry_run && (exec_output(argv, b->tree, sizeof(b->tree)) || !*b->tree))
			return -ENOENT;
		util_pathf(path, sizeof(path), "%s/../source.env", b->tree);
		if (util_read_file(path, &env, NULL) < 0)
			return -ENOENT;
		util_pathf(b->identity, sizeof(b->identity), "%s", env);
		free(env);
		return 0;
	}
}

/* The patches to apply: --patches' directories, else the series'; -EINVAL after one line. */
static int kernel_check_patches(struct kernel_build *b)
{
	static const char *series_only[1];
	size_t bad = 0;
	int r;

	util_pathf(b->series_dir, sizeof(b->series_dir), "%s/kernel-patch/series/%s", b->root,
		   b->series);
	if (!b->nr_patch_dirs) {
		series_only[0] = b->series_dir;
		b->patch_dirs = series_only;
		b->nr_patch_dirs = 1;
	}
	if (b->nr_patch_dirs > KERNEL_PATCH_DIRS_MAX) {
		fprintf(stderr, "exitscope: kernel build: more than %d --patches directories\n",
			KERNEL_PATCH_DIRS_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; b->patch_dirs[0] != b->series_dir && i < b->nr_patch_dirs; i++) {
		struct stat st;

		const char *why = stat(b->patch_dirs[i], &st) < 0 ? strerror(errno)
				  : S_ISDIR(st.st_mode) ? NULL : "not a directory";

		if (!why && !realpath(b->patch_dirs[i], b->patch_paths[i]))
			why = strerror(errno);
		if (why) {
			fprintf(stderr, "exitscope: kernel build: --patches %s: %s\n", b->patch_dirs[i],
				why);
			return -EINVAL;
		}
	}
	free(b->patches);
	r = kernel_patches_read(b->patch_dirs, b->nr_patch_dirs, &b->patches, &bad);
	if (!r)
		return 0;
	if (b->patch_dirs[0] == b->series_dir)
		fprintf(stderr, "exitscope: no patches for series %s in %s; "
				"use --stock for an unpatched kernel\n", b->series, b->series_dir);
	else if (r == -ENOENT)
		fprintf(stderr, "exitscope: kernel build: --patches %s has no *.patch file\n",
			b->patch_dirs[bad]);
	else
		fprintf(stderr, "exitscope: kernel build: --patches %s: %s\n", b->patch_dirs[bad],
			strerror(-r));
	return -EINVAL;
}

/*
 * Everything the user named, checked before the source is resolved (which
 * may download it): the --source tree, the series' patches, the fragment.
 */
static int kernel_check_inputs(struct kernel_build *b)
{
	if (b->source_dir && kernel_check_tree(b->source_dir) < 0)
		return -EINVAL;
	b->patches = strdup("");
	if (!b->stock && !b->source_dir && kernel_check_patches(b) < 0)
		return -EINVAL;
	if (!b->fragment_path) {
		util_pathf(b->default_fragment, sizeof(b->default_fragment),
			   "%s/kernel-patch/config/nested.config", b->root);
		b->fragment_path = b->default_fragment;
	}
	if (util_read_file(b->fragment_path, &b->fragment, NULL) < 0) {
		fprintf(stderr, "exitscope: kernel build: cannot read the config fragment %s: %s\n",
			b->fragment_path, strerror(errno));
		return -EINVAL;
	}
	return 0;
}

/*
 * What one kernel version needs beyond the default fragment (an option a
 * later version dropped, whose default there is already what we want) is
 * in kernel-patch/config/nested-V.P.config: appended to the fragment, and
 * so to the kernel's id, when the tree is V.P.  A --config fragment is
 * taken as it is.
 */
static int kernel_add_version_fragment(struct kernel_build *b)
{
	char makefile[PATH_MAX + 16], *text, *extra, *joined;
	int version, patchlevel, r;

	if (b->fragment_path != b->default_fragment)
		return 0;
	/* A tree without a version has no version-specific fragment. */
	util_pathf(makefile, sizeof(makefile), "%s/Makefile", b->tree);
	if (util_read_file(makefile, &text, NULL) < 0)
		return 0;
	r = kernel_tree_version(text, &version, &patchlevel);
	free(text);
	if (r < 0)
		return 0;
	util_pathf(b->version_fragment, sizeof(b->version_fragment),
		   "%s/kernel-patch/config/nested-%d.%d.config", b->root, version, patchlevel);
	r = util_read_file(b->version_fragment, &extra, NULL);
	if (r == -ENOENT) {
		b->version_fragment[0] = '\0';
		return 0;
	}
	if (r < 0)
		return r;
	r = asprintf(&joined, "%s%s", b->fragment, extra);
	free(extra);
	if (r < 0)
		return -ENOMEM;
	free(b->fragment);
	b->fragment = joined;
	return 0;
}

static int kernel_resolve(struct kernel_build *b)
{
	char cache[PATH_MAX];
	char *const gcc[] = { "gcc", "--version", NULL };
	struct kernel_inputs in;
	int r;

	if ((r = util_checkout_root(b->root, sizeof(b->root))) < 0)
		return r;
	if (kernel_check_inputs(b) < 0)
		return -EINVAL;
	kernel_progress(b, "resolving the source", b->source_dir ? b->source_dir : b->series);
	if ((r = kernel_resolve_source(b)) == -EAGAIN) {
		kernel_progress(b, "dry run: the source is not in the cache; a build fetches it "
			       "first, and the kernel's id depends on it:", b->series);
		return r;
	}
	if (r < 0) {
		fprintf(stderr, "exitscope: cannot resolve the kernel source %s: %s\n",
			b->source_dir ? b->source_dir : b->series, strerror(-r));
		return -EINVAL;
	}
	if ((r = kernel_add_version_fragment(b)) < 0) {
		fprintf(stderr, "exitscope: cannot read the version-specific config fragment of %s: %s\n",
			b->tree, strerror(-r));
		return -EINVAL;
	}
	exec_output(gcc, b->compiler, sizeof(b->compiler));
	b->compiler[strcspn(b->compiler, "\n")] = '\0';
	util_pathf(b->cc_path, sizeof(b->cc_path), "%s/scripts/kernel-cc.sh", b->root);
	if ((r = util_read_file(b->cc_path, &b->cc, NULL)) < 0) {
		fprintf(stderr, "exitscope: cannot read %s, the compiler wrapper of kernel builds: %s\n",
			b->cc_path, strerror(-r));
		return -EINVAL;
	}
	in = (struct kernel_inputs){ b->identity, b->patches, b->fragment, b->compiler, b->cc };
	kernel_id(&in, b->id);
	util_cache_dir(cache, sizeof(cache));
	util_pathf(b->out, sizeof(b->out), "%s/kernels/%s", cache, b->id);
	/* A --source tree keeps one build dir per path, so edits rebuild incrementally. */
	if (b->source_dir) {
		char hex[65];

		util_sha256_hex(b->tree, strlen(b->tree), hex);
		util_pathf(b->work, sizeof(b->work), "%s/kernels/.build-tree-%.12s", cache, hex);
	} else {
		/*
		 * One directory per series, whatever the kernel: its sources and
		 * objects then have the same paths in every build, so ccache finds
		 * the objects a patch or a config option did not change.
		 */
		util_pathf(b->work, sizeof(b->work), "%s/kernels/.build-%s", cache, b->series);
	}
	return 0;
}

/* The build's log, where every step's output goes. */
static void kernel_log_path(const struct kernel_build *b, char *log, size_t size)
{
	util_pathf(log, size, "%s/build.log", b->work);
}

/* Runs one step with its output in build.log; on failure shows the log's tail. */
static int kernel_step(struct kernel_build *b, char *const argv[], const char *cwd)
{
	char log[PATH_MAX + 16];
	int status;

	kernel_log_path(b, log, sizeof(log));
	status = exec_run(argv, cwd, exec_dry_run ? NULL : log);
	if (status) {
		char *const tail[] = { "tail", "-n", "30", log, NULL };

		exec_run(tail, NULL, NULL);
		fprintf(stderr, "exitscope: %s failed (status %d); full log: %s\n", argv[0], status, log);
		return -EIO;
	}
	return 0;
}

/* Whether file @name of the work directory holds exactly @text. */
static bool kernel_work_holds(const struct kernel_build *b, const char *name, const char *text)
{
	char path[PATH_MAX + 16], *held = NULL;
	bool same;

	util_pathf(path, sizeof(path), "%s/%s", b->work, name);
	same = util_read_file(path, &held, NULL) == 0 && !strcmp(held, text);
	free(held);
	return same;
}

/*
 * The series' work directory for kernel @b->id.  The kernel that used it
 * last (work/id) goes on from its tree.  Another kernel of the same source
 * (work/source) gets a fresh tree but keeps the objects, so that make
 * rebuilds only what differs: the files its own patches change are new, and
 * those the last kernel's patches changed (work/patched) are listed in
 * work/stale, to be touched once the tree is made (kernel_touch_stale()).
 * Any other source starts afresh.
 */
static int kernel_claim_work(struct kernel_build *b)
{
	char marker[PATH_MAX + 8], src[PATH_MAX + 8], build[PATH_MAX + 8];
	char patched[PATH_MAX + 16], stale[PATH_MAX + 16], *text = NULL;
	char *const wipe[] = { "rm", "-rf", src, build, NULL };
	char *const wipe_src[] = { "rm", "-rf", src, NULL };
	bool keep;

	if (kernel_work_holds(b, "id", b->id))
		return 0;
	util_pathf(marker, sizeof(marker), "%s/id", b->work);
	util_pathf(src, sizeof(src), "%s/src", b->work);
	util_pathf(build, sizeof(build), "%s/build", b->work);
	util_pathf(patched, sizeof(patched), "%s/patched", b->work);
	util_pathf(stale, sizeof(stale), "%s/stale", b->work);
	keep = kernel_work_holds(b, "source", b->identity) &&
	       util_read_file(patched, &text, NULL) == 0;
	/* Stale files of an earlier kernel not yet touched stay stale. */
	if (keep) {
		char *earlier = NULL;

		if (util_read_file(stale, &earlier, NULL) == 0) {
			char *both = NULL;

			keep = asprintf(&both, "%s%s", earlier, text) >= 0;
			free(text);
			text = both;
		}
		free(earlier);
	}
	if (keep && util_write_atomic(stale, text, strlen(text)) < 0)
		keep = false;
	free(text);
	if (!keep)
		unlink(stale);
	unlink(patched);
	if (exec_run(keep ? wipe_src : wipe, NULL, NULL))
		return -EIO;
	return util_write_atomic(marker, b->id, strlen(b->id));
}

/*
 * After the tree is made: the files work/stale lists get the current time,
 * newer than the objects built from the last kernel's version of them, and
 * work/patched and work/source say what this tree is.
 */
static int kernel_touch_stale(struct kernel_build *b, const char *src)
{
	char path[PATH_MAX + 16], stale[PATH_MAX + 16], *text = NULL, *list = NULL;
	int r = 0;

	util_pathf(stale, sizeof(stale), "%s/stale", b->work);
	if (util_read_file(stale, &text, NULL) == 0) {
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			if (util_pathf(path, sizeof(path), "%s/%s", src, line) == 0 &&
			    utimensat(AT_FDCWD, path, NULL, 0) < 0 && errno != ENOENT)
				r = -errno;
		free(text);
	}
	if (!r)
		r = kernel_patched_files(b->patches, &list);
	if (!r) {
		util_pathf(path, sizeof(path), "%s/patched", b->work);
		r = util_write_atomic(path, list, strlen(list));
	}
	free(list);
	if (!r) {
		util_pathf(path, sizeof(path), "%s/source", b->work);
		r = util_write_atomic(path, b->identity, strlen(b->identity));
	}
	return r ? r : unlink(stale) < 0 && errno != ENOENT ? -errno : 0;
}

/* Applies every patch directory in order to @src; 0 or -EINVAL. */
static int kernel_apply(struct kernel_build *b, const char *src)
{
	char *argv[5 + KERNEL_PATCH_DIRS_MAX + 1] = { "sh", "-c",
		"src=$1; shift; for d in \"$@\"; do for p in \"$d\"/*.patch; do "
		"patch -p1 -s -d \"$src\" -i \"$p\" || { echo \"exitscope: $p does not apply "
		"(hunks above)\" >&2; exit 2; }; done; done", "sh", (char *)src };

	char *const wipe[] = { "rm", "-rf", (char *)src, NULL };
	bool given = b->patch_dirs[0] != b->series_dir;

	/* patch(1) reads the patch after changing to the tree: absolute paths only. */
	for (size_t i = 0; i < b->nr_patch_dirs && i < KERNEL_PATCH_DIRS_MAX; i++)
		argv[5 + i] = given ? b->patch_paths[i] : (char *)b->patch_dirs[i];
	if (!kernel_step(b, argv, NULL))
		return 0;
	/* A tree half patched must not pass for a prepared one next time. */
	exec_run(wipe, NULL, NULL);
	return -EINVAL;
}

/* A hard-linked copy of the pristine tree with the patches applied (GNU patch replaces files). */
static int kernel_prepare_tree(struct kernel_build *b, char *src, size_t size)
{
	char *const copy[] = { "cp", "-al", b->tree, src, NULL };
	struct stat st;

	if (b->source_dir) {
		util_pathf(src, size, "%s", b->tree);
		return 0;
	}
	if (!exec_dry_run && kernel_claim_work(b) < 0) {
		fprintf(stderr, "exitscope: cannot empty %s for kernel %s\n", b->work, b->id);
		return -EIO;
	}
	util_pathf(src, size, "%s/src", b->work);
	if (stat(src, &st) == 0)
		return 0;
	kernel_progress(b, "copying and patching", b->tree);
	if (kernel_step(b, copy, NULL))
		return -EIO;
	if (!b->stock && kernel_apply(b, src) < 0)
		return -EINVAL;
	if (!exec_dry_run && kernel_touch_stale(b, src) < 0) {
		fprintf(stderr, "exitscope: cannot mark what to rebuild in %s\n", b->work);
		return -EIO;
	}
	return 0;
}

static int kernel_configure(struct kernel_build *b, const char *src)
{
	char build[PATH_MAX + 8], obuild[PATH_MAX + 8], config[PATH_MAX + 16];
	char merge[PATH_MAX + 64], *text;
	struct strv missing = { 0 };
	int n;

	util_pathf(build, sizeof(build), "%s/build", b->work);
	util_pathf(obuild, sizeof(obuild), "O=%s", build);
	util_pathf(config, sizeof(config), "%s/.config", build);
	util_pathf(merge, sizeof(merge), "%s/scripts/kconfig/merge_config.sh", src);

	char *const base[] = { "make", "-s", "-C", (char *)src, obuild, KERNEL_BASE_CONFIG, NULL };
	char *const merged[] = { merge, "-m", "-O", build, config, (char *)b->fragment_path,
				 b->version_fragment[0] ? b->version_fragment : NULL, NULL };
	char *const olddef[] = { "make", "-s", "-C", (char *)src, obuild, "olddefconfig", NULL };

	kernel_progress(b, "configuring", KERNEL_BASE_CONFIG " + fragment");
	if (kernel_step(b, base, NULL) || kernel_step(b, merged, NULL) || kernel_step(b, olddef, NULL))
		return -EIO;
	if (exec_dry_run)
		return 0;
	if (util_read_file(config, &text, NULL) < 0)
		return -EIO;
	n = kernel_config_missing(b->fragment, text, &missing);
	free(text);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "exitscope: the fragment asks for %s\n", missing.v[i]);
	if (n)
		fprintf(stderr, "exitscope: %d option(s) of %s did not survive olddefconfig: "
				"add what they depend on to the fragment\n", n, b->fragment_path);
	strv_free(&missing);
	return n ? -EINVAL : 0;
}

static int kernel_compile(struct kernel_build *b, const char *src)
{
	char obuild[PATH_MAX + 8], jobs[32], cc[PATH_MAX + 8], ccache_dir[PATH_MAX + 16], cache[PATH_MAX];
	char log[PATH_MAX + 16];
	char *const make[] = { "make", "-C", (char *)src, obuild, jobs, cc, "bzImage", NULL };
	struct ticker *ticker;
	int r;

	util_pathf(obuild, sizeof(obuild), "O=%s/build", b->work);
	kernel_log_path(b, log, sizeof(log));
	util_pathf(jobs, sizeof(jobs), "-j%ld", sysconf(_SC_NPROCESSORS_ONLN));
	/* ccache through kernel-cc.sh, which keeps sources with .incbin from it. */
	util_pathf(cc, sizeof(cc), "CC=%s", access("/usr/bin/ccache", X_OK) ? "gcc" : b->cc_path);
	util_cache_dir(cache, sizeof(cache));
	util_pathf(ccache_dir, sizeof(ccache_dir), "%s/ccache", cache);
	setenv("CCACHE_DIR", ccache_dir, 0);
	/*
	 * Depend mode: on a miss ccache compiles at once and takes the headers
	 * from the compiler's -MMD file, instead of running the preprocessor
	 * first to look for a hit, which a cold build pays on every object.
	 */
	setenv("CCACHE_DEPEND", "1", 0);
	kernel_progress(b, "compiling bzImage, log in", b->work);
	ticker = exec_dry_run ? NULL : ticker_start("kernel", "objects compiled", log, "  CC ", 60);
	r = kernel_step(b, make, NULL);
	ticker_stop(ticker);
	return r;
}

static int kernel_publish(struct kernel_build *b, const char *src, double seconds)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 64], release[256] = "", hex[65], patch_hex[65];
	char obuild[PATH_MAX + 8], *config, *json;
	char *const rel[] = { "make", "-s", "-C", (char *)src, obuild, "kernelrelease", NULL };
	char *const copy[] = { "sh", "-c", "cp \"$1/arch/x86/boot/bzImage\" \"$3\" && "
			       "cp \"$1/.config\" \"$3/config\" && "
			       "cp \"$2/build.log\" \"$3/build.log\"", "sh", path, b->work, tmp, NULL };
	struct kernel_manifest m;
	int r;

	util_pathf(obuild, sizeof(obuild), "O=%s/build", b->work);
	util_pathf(path, sizeof(path), "%s/build", b->work);
	util_pathf(tmp, sizeof(tmp), "%s.tmp-%d", b->out, (int)getpid());
	if (exec_output(rel, release, sizeof(release)) || util_mkdirs(tmp) || kernel_step(b, copy, NULL))
		return -EIO;
	util_pathf(path, sizeof(path), "%s/config", tmp);
	if (util_read_file(path, &config, NULL) < 0)
		return -EIO;
	util_sha256_hex(config, strlen(config), hex);
	free(config);
	util_sha256_hex(b->patches, strlen(b->patches), patch_hex);
	m = (struct kernel_manifest){ b->id, release, b->series, b->identity, b->stock,
				      b->source_dir ? "tree" : patch_hex, hex, b->compiler, seconds };
	json_t *doc = kernel_manifest_json(&m);

	json = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(doc);
	util_pathf(path, sizeof(path), "%s/manifest.json", tmp);
	r = json ? util_write_atomic(path, json, strlen(json)) : -ENOMEM;
	free(json);
	/* The kernel appears complete or not at all; a --source rebuild replaces its own. */
	if (!r && b->source_dir) {
		char *const remove_old[] = { "rm", "-rf", b->out, NULL };

		r = exec_run(remove_old, NULL, NULL) ? -EIO : 0;
	}
	if (!r && rename(tmp, b->out) < 0)
		r = -errno;
	return r;
}

/* A --source tree can change without git noticing: make, not the cache, decides for it. */
static bool kernel_cached(const struct kernel_build *b, char *manifest, size_t size)
{
	struct stat st;

	util_pathf(manifest, size, "%s/manifest.json", b->out);
	return !b->source_dir && stat(manifest, &st) == 0;
}

/* 0 when the kernel is published (or cached), else an EXIT_* code after one error line. */
static int kernel_build_locked(struct kernel_build *b)
{
	char manifest[PATH_MAX + 16], src[PATH_MAX];
	double started;
	int r;

	if (kernel_cached(b, manifest, sizeof(manifest))) {
		kernel_progress(b, "cached:", b->out);
		return 0;
	}
	kernel_progress(b, "building", b->id);
	if (!exec_dry_run && util_mkdirs(b->work) < 0) {
		fprintf(stderr, "exitscope: cannot create %s: %s\n", b->work, strerror(errno));
		return EXIT_ENVIRONMENT;
	}
	started = util_now();
	if ((r = kernel_prepare_tree(b, src, sizeof(src))) < 0)
		return r == -EINVAL ? EXIT_USAGE : EXIT_MEASURED_FAILED;
	if ((r = kernel_configure(b, src)) < 0)
		return r == -EINVAL ? EXIT_USAGE : EXIT_MEASURED_FAILED;
	if (kernel_compile(b, src) < 0)
		return EXIT_MEASURED_FAILED;
	if (exec_dry_run)
		return 0;
	if (kernel_publish(b, src, util_now() - started) < 0) {
		fprintf(stderr, "exitscope: cannot publish %s\n", b->out);
		return EXIT_ENVIRONMENT;
	}
	kernel_progress(b, "built:", b->out);
	return 0;
}

/*
 * Two builds of one series share its build directory: the second waits for
 * the first, and then finds its kernel in the cache or builds it.  A kernel
 * already cached waits for nobody.
 */
static int kernel_build_run(struct kernel_build *b)
{
	char lock[PATH_MAX + 8], manifest[PATH_MAX + 16], series[64];
	int r = kernel_resolve(b), fd;

	if (r == -EAGAIN)
		return 0;
	if (r < 0)
		return EXIT_USAGE;
	if (exec_dry_run || kernel_cached(b, manifest, sizeof(manifest)))
		return kernel_build_locked(b);
	util_pathf(lock, sizeof(lock), "%s.lock", b->work);
	util_pathf(series, sizeof(series), "a %s kernel", b->source_dir ? "source tree's" : b->series);
	fd = progress_lock("kernel", lock, series);
	if (fd < 0)
		return EXIT_ENVIRONMENT;
	r = kernel_build_locked(b);
	close(fd);
	return r;
}

int kernel_ensure(const struct kernel_request *req, struct kernel_found *found)
{
	struct kernel_build *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return EXIT_ENVIRONMENT;
	*b = (struct kernel_build){ .series = req->series, .source_dir = req->source_dir,
				    .fragment_path = req->fragment_path, .stock = req->stock,
				    .patch_dirs = req->patch_dirs, .nr_patch_dirs = req->nr_patch_dirs };
	r = kernel_build_run(b);
	util_pathf(found->id, sizeof(found->id), "%s", b->id);
	util_pathf(found->dir, sizeof(found->dir), "%s", b->out);
	free(b->patches);
	free(b->fragment);
	free(b->cc);
	free(b);
	return r;
}

int kernel_find(const char *id, struct kernel_found *found)
{
	char cache[PATH_MAX], path[PATH_MAX + 64];
	struct stat st;

	if (!kernel_id_valid(id))
		return -EINVAL;
	util_cache_dir(cache, sizeof(cache));
	if (util_pathf(found->dir, sizeof(found->dir), "%s/kernels/%s", cache, id) < 0 ||
	    util_pathf(path, sizeof(path), "%s/manifest.json", found->dir) < 0)
		return -ENAMETOOLONG;
	if (stat(path, &st) < 0)
		return -ENOENT;
	util_pathf(found->id, sizeof(found->id), "%s", id);
	return 0;
}
