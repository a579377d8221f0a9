// SPDX-License-Identifier: GPL-2.0
/* exitscope kernel build|list|path: patched kernels, built once per input set. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "exec.h"
#include "kernel-build.h"
#include "opts.h"
#include "util.h"

/* kernel build's options: the request, and whether to only print the plan. */
struct kernel_build_opts {
	struct kernel_request req;
	struct opt_list patches;
	bool dry_run;
};

_Static_assert(OPT_LIST_MAX <= KERNEL_PATCH_DIRS_MAX, "every --patches fits a request");

static const char *const kernel_series[] = { "6.1", "6.12", NULL };

static const struct opt kernel_build_table[] = {
	{ "series", 0, OPT_CHOICE, offsetof(struct kernel_build_opts, req.series), "SERIES",
	  "Debian's linux-source-SERIES, 6.1 (default) or 6.12", 0, 0, kernel_series },
	{ "source", 0, OPT_STRING, offsetof(struct kernel_build_opts, req.source_dir), "DIR",
	  "a local kernel tree, built as it is", 0, 0, NULL },
	{ "patches", 0, OPT_LIST, offsetof(struct kernel_build_opts, patches), "DIR",
	  "apply DIR/*.patch instead of the series' patches; repeat: in order", 0, 0, NULL },
	{ "stock", 0, OPT_FLAG, offsetof(struct kernel_build_opts, req.stock), NULL,
	  "the series' source without the patches", 0, 0, NULL },
	{ "config", 0, OPT_STRING, offsetof(struct kernel_build_opts, req.fragment_path),
	  "FRAGMENT", "a config fragment instead of kernel-patch/config/nested.config", 0, 0, NULL },
	{ "dry-run", 0, OPT_FLAG, offsetof(struct kernel_build_opts, dry_run), NULL,
	  "print the plan; fetch, write and build nothing", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void kernel_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope kernel build [--series 6.1|6.12] [--source DIR] [--stock]\n"
		"                              [--patches DIR]... [--config FRAGMENT] [--dry-run]\n"
		"       exitscope kernel list\n"
		"       exitscope kernel path ID\n\n"
		"build   Debian's linux-source-SERIES (default 6.1) with kernel-patch/series/SERIES\n"
		"        applied (--stock: unpatched), tinyconfig + kernel-patch/config/nested.config,\n"
		"        into $EXITSCOPE_CACHE/kernels/ID (default ~/.cache/exitscope). ID hashes every\n"
		"        input, so a second build of the same inputs is a cache hit.\n"
		"        --patches DIR applies DIR/*.patch (name order) instead of the series; given\n"
		"        more than once, each directory in turn (e.g. a base, then one change on it).\n"
		"        The patches applied are part of ID.\n"
		"        --source DIR builds a local tree as it is (apply the series with git am first);\n"
		"        its build directory is kept, so an edit rebuilds incrementally.\n"
		"list    the cached kernels, one per line\n"
		"path    the directory of kernel ID (bzImage, config, manifest.json, build.log)\n\n"
		"build's options:\n");
	opts_usage(out, kernel_build_table);
	fprintf(out, "\nExit 0; 1 a build step failed (its log is named); 2 bad usage; 3 the cache\n"
		     "cannot be written.\n");
}

/* Returns 0, or EXIT_USAGE after saying what was wrong. */
static int kernel_parse_build(int argc, char **argv, struct kernel_build_opts *o)
{
	int n;

	o->req.series = "6.1";
	n = opts_parse("kernel build", kernel_build_table, argc, argv, o);
	if (n < 0)
		return EXIT_USAGE;
	if (n > 0) {
		fprintf(stderr, "exitscope: kernel build: unexpected '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	if (o->req.stock && o->req.source_dir) {
		fprintf(stderr, "exitscope: kernel build: --stock and --source exclude each other\n");
		return EXIT_USAGE;
	}
	if (o->patches.n && (o->req.stock || o->req.source_dir)) {
		fprintf(stderr, "exitscope: kernel build: --patches excludes --stock and --source\n");
		return EXIT_USAGE;
	}
	o->req.patch_dirs = o->patches.v;
	o->req.nr_patch_dirs = o->patches.n;
	exec_dry_run = o->dry_run;
	return 0;
}

static int kernel_list(void)
{
	char cache[PATH_MAX], dir[PATH_MAX + 16], path[PATH_MAX + 64], *text;
	struct dirent **names;
	int n;

	util_cache_dir(cache, sizeof(cache));
	util_pathf(dir, sizeof(dir), "%s/kernels", cache);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		struct kernel_manifest m;
		json_error_t err;

		util_pathf(path, sizeof(path), "%s/%s/manifest.json", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && util_read_file(path, &text, NULL) == 0) {
			json_t *doc = json_loads(text, 0, &err);

			if (doc && kernel_manifest_parse(doc, &m, &err) == 0)
				printf("%s  %-5s %-8s %-28s %.0fs\n", m.id, m.series,
				       m.stock ? "stock" : "patched", m.release, m.build_seconds);
			json_decref(doc);
			free(text);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return 0;
}

static int kernel_path(const char *id)
{
	struct kernel_found found;

	if (kernel_find(id, &found) < 0) {
		fprintf(stderr, "exitscope: no kernel %s; 'exitscope kernel list' shows the built ones\n", id);
		return EXIT_USAGE;
	}
	printf("%s\n", found.dir);
	return 0;
}

/* Builds, then prints the id last: scripts read it from the final line. */
static int kernel_build_cmd(int argc, char **argv)
{
	struct kernel_build_opts o = { 0 };
	struct kernel_found found;
	int r = kernel_parse_build(argc, argv, &o);

	if (!r)
		r = kernel_ensure(&o.req, &found);
	if (!r && !exec_dry_run)
		printf("%s\n", found.id);
	return r;
}

int cmd_kernel(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "build"))
		return kernel_build_cmd(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return kernel_list();
	if (argc == 3 && !strcmp(argv[1], "path"))
		return kernel_path(argv[2]);
	kernel_usage(stderr);
	return EXIT_USAGE;
}
