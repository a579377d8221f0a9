// SPDX-License-Identifier: GPL-2.0
/*
 * The guest images, cached by content: the stage behind `exitscope images
 * build` and the image half of `exitscope run`'s resolve stage.  L1's root
 * and L2's disk come from mmdebstrap; the micro stage's initramfs from the
 * host's busybox and exitmicro.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "exec.h"
#include "images-build.h"
#include "progress.h"
#include "util.h"

#define MAX_INPUTS 64

struct image_kind;

struct image_plan {
	const char *kind;	/* "l1", "l2" or "micro" */
	const struct image_kind *k;
	char root[PATH_MAX];
	struct image_input inputs[MAX_INPUTS];
	size_t n_inputs;
	char id[IMAGE_ID_LEN + 1];
	char dir[PATH_MAX];	/* the published image */
	char work[PATH_MAX];	/* where it is built before the rename */
};

static void image_progress(const struct image_plan *p, const char *what, const char *arg)
{
	progress("images", "%s %s %s", p->kind, what, arg);
}

static int input_add(struct image_plan *p, const char *path)
{
	struct image_input *in;
	size_t root_len = strlen(p->root);

	if (p->n_inputs == MAX_INPUTS)
		return -E2BIG;
	in = &p->inputs[p->n_inputs];
	if (util_sha256_file(path, in->sha256) < 0)
		return -EIO;
	/* Named from the checkout so that another clone of the same files gives the same id. */
	if (!strncmp(path, p->root, root_len) && path[root_len] == '/')
		path += root_len + 1;
	if (util_pathf(in->name, sizeof(in->name), "%s", path) < 0)
		return -ENAMETOOLONG;
	p->n_inputs++;
	return 0;
}

static struct image_plan *walk_plan;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* cloud-init/ holds per-run templates: editing them must not rebuild the image. */
	if (type == FTW_D && !strcmp(path + strlen(path) - 11, "/cloud-init"))
		return FTW_SKIP_SUBTREE;
	if (type != FTW_F)
		return FTW_CONTINUE;
	return input_add(walk_plan, path) < 0 ? FTW_STOP : FTW_CONTINUE;
}

static time_t newest_source;

static int walk_newest(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F && st->st_mtime > newest_source)
		newest_source = st->st_mtime;
	return FTW_CONTINUE;
}

/* What each static binary an image carries is built from (harness/Makefile). */
static const char *const probe_sources[] = { "harness/probe", "harness/include",
					     "harness/src/abi.c", "harness/src/reasons.c", NULL };
static const char *const micro_sources[] = { "harness/micro", "harness/include",
					     "harness/src/abi.c", "harness/src/reasons.c",
					     "harness/src/window.c", "harness/src/probe-doc.c", NULL };

/* A file of the checkout an image carries besides its recipe; sources NULL for a script. */
struct image_carried {
	const char *path;
	const char *const *sources;
};

static const struct image_carried l1_carried[] = {
	{ "harness/agent/exitscope-agent", NULL },
	{ "harness/build/exitmicro", micro_sources },
	{ NULL, NULL },
};

static const struct image_carried l2_carried[] = {
	{ "harness/build/exitprobe", probe_sources },
	{ NULL, NULL },
};

static const struct image_carried micro_carried[] = {
	{ "harness/build/exitmicro", micro_sources },
	{ NULL, NULL },
};

/* Each image: the file published, the recipe's log, what it carries. */
struct image_kind {
	const char *name, *image, *log;
	const struct image_carried *carried;
};

static const struct image_kind image_kinds[] = {
	{ "l1", "rootfs.ext2", "mmdebstrap.log", l1_carried },
	{ "l2", "image.qcow2", "mmdebstrap.log", l2_carried },
	{ "micro", "initrd.gz", "build.log", micro_carried },
	{ NULL, NULL, NULL, NULL },
};

bool images_kind_valid(const char *kind)
{
	for (const struct image_kind *k = image_kinds; k->name; k++)
		if (!strcmp(k->name, kind))
			return true;
	return false;
}

/*
 * An image carries its binaries as built: one older than its sources would
 * give a stale image under a valid id.  -ESTALE then, with what to do.
 */
static int binary_up_to_date(const char *root, const char *binary, const char *const *sources)
{
	char path[PATH_MAX + 64];
	struct stat st;

	newest_source = 0;
	for (size_t i = 0; sources[i]; i++) {
		util_pathf(path, sizeof(path), "%s/%s", root, sources[i]);
		nftw(path, walk_newest, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	}
	if (stat(binary, &st) < 0)
		return -ENOENT;
	return st.st_mtime >= newest_source ? 0 : -ESTALE;
}

/* One carried file into the image's inputs, so that a new build of it is a new image. */
static int image_add_carried(struct image_plan *p, const struct image_carried *c)
{
	char path[PATH_MAX + 64];
	struct stat st;

	util_pathf(path, sizeof(path), "%s/%s", p->root, c->path);
	if (stat(path, &st) < 0 || input_add(p, path) < 0) {
		fprintf(stderr, "exitscope: images: %s is missing; run 'make -C harness' first\n", path);
		return -ENOENT;
	}
	if (c->sources && binary_up_to_date(p->root, path, c->sources) == -ESTALE) {
		fprintf(stderr, "exitscope: images: %s is older than its sources; run 'make -C harness' first\n",
			path);
		return -ESTALE;
	}
	return 0;
}

/* The scripts every recipe runs through, beside its own directory. */
static const char *const image_shared[] = { "guest-images/build.sh",
					    "guest-images/python-bytecode.sh", NULL };

static int image_collect_inputs(struct image_plan *p)
{
	const struct image_carried *c = p->k->carried;
	char path[PATH_MAX + 64];
	int r = 0;

	for (const char *const *shared = image_shared; *shared; shared++) {
		util_pathf(path, sizeof(path), "%s/%s", p->root, *shared);
		if (input_add(p, path) < 0) {
			fprintf(stderr, "exitscope: images: cannot read %s: run from an exitscope checkout\n",
				path);
			return -ENOENT;
		}
	}
	util_pathf(path, sizeof(path), "%s/guest-images/%s", p->root, p->kind);
	walk_plan = p;
	if (nftw(path, walk_one, 16, FTW_PHYS | FTW_ACTIONRETVAL) != 0) {
		fprintf(stderr, "exitscope: images: cannot read the recipe %s\n", path);
		return -EIO;
	}
	for (; c->path && !r; c++)
		r = image_add_carried(p, c);
	return r;
}

static int image_plan_init(struct image_plan *p, const char *kind)
{
	char cache[PATH_MAX];
	int r;

	p->kind = kind;
	for (p->k = image_kinds; p->k->name && strcmp(p->k->name, kind); p->k++)
		;
	if (!p->k->name)
		return -EINVAL;
	if (util_checkout_root(p->root, sizeof(p->root)) < 0)
		return -ENOENT;
	if ((r = image_collect_inputs(p)) < 0)
		return r;
	image_id(kind, p->inputs, p->n_inputs, p->id);
	util_cache_dir(cache, sizeof(cache));
	if (util_pathf(p->dir, sizeof(p->dir), "%s/images/%s", cache, p->id) < 0 ||
	    util_pathf(p->work, sizeof(p->work), "%s/images/.build-%s", cache, p->id) < 0)
		return -ENAMETOOLONG;
	return 0;
}

static bool image_built(const struct image_plan *p)
{
	char path[PATH_MAX + 16];
	struct stat st;

	util_pathf(path, sizeof(path), "%s/manifest.json", p->dir);
	return stat(path, &st) == 0;
}

static int remove_tree(const char *path)
{
	char *const rm[] = { "rm", "-rf", (char *)path, NULL };

	return exec_run(rm, NULL, NULL) ? -EIO : 0;
}

static int image_run_recipe(const struct image_plan *p)
{
	char script[PATH_MAX + 32], probe[PATH_MAX + 32], micro[PATH_MAX + 32], log[PATH_MAX + 32];
	char *const build[] = { script, (char *)p->kind, (char *)p->work, NULL };
	int status;

	util_pathf(script, sizeof(script), "%s/guest-images/build.sh", p->root);
	util_pathf(probe, sizeof(probe), "%s/harness/build/exitprobe", p->root);
	util_pathf(micro, sizeof(micro), "%s/harness/build/exitmicro", p->root);
	util_pathf(log, sizeof(log), "%s/%s", p->work, p->k->log);
	setenv("EXITSCOPE_PROBE", probe, 1);
	setenv("EXITSCOPE_MICRO", micro, 1);
	image_progress(p, "recipe running, log in", log);
	status = exec_run(build, NULL, NULL);
	if (status != 0) {
		fprintf(stderr, "exitscope: images: building %s failed (status %d); last lines of %s:\n",
			p->kind, status, log);
		util_print_tail(stderr, log, 30);
		return -EIO;
	}
	return 0;
}

static int image_write_manifest(const struct image_plan *p, const char *image, double seconds)
{
	char path[PATH_MAX + 32], hex[65], *tsv, *text;
	struct image_manifest m = { .kind = p->kind, .id = p->id, .image = image,
				    .image_sha256 = hex, .build_seconds = seconds,
				    .inputs = p->inputs, .n_inputs = p->n_inputs };
	struct stat st;
	json_t *doc;
	int r;

	util_pathf(path, sizeof(path), "%s/%s", p->work, image);
	if (stat(path, &st) < 0 || util_sha256_file(path, hex) < 0)
		return -EIO;
	m.image_bytes = st.st_size;
	util_pathf(path, sizeof(path), "%s/packages.tsv", p->work);
	if (util_read_file(path, &tsv, NULL) < 0)
		return -EIO;
	m.packages_tsv = tsv;
	doc = image_manifest_json(&m);
	free(tsv);
	if (!doc)
		return -EINVAL;
	text = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(doc);
	util_pathf(path, sizeof(path), "%s/manifest.json", p->work);
	r = text ? util_write_atomic(path, text, strlen(text)) : -ENOMEM;
	free(text);
	return r;
}

/* 0 when the image is published (or cached), else an EXIT_* code after one error line. */
static int image_build(struct image_plan *p, bool rebuild)
{
	const char *image = p->k->image;
	double started = util_now();

	if (image_built(p) && !rebuild) {
		image_progress(p, "cached:", p->dir);
		return 0;
	}
	image_progress(p, "building", p->id);
	if (remove_tree(p->work) < 0 || util_mkdirs(p->work) < 0) {
		fprintf(stderr, "exitscope: images: cannot create %s\n", p->work);
		return EXIT_ENVIRONMENT;
	}
	if (image_run_recipe(p) < 0)
		return EXIT_MEASURED_FAILED;
	image_progress(p, "hashing", image);
	if (image_write_manifest(p, image, util_now() - started) < 0) {
		fprintf(stderr, "exitscope: images: %s: no image or package list in %s\n", p->kind, p->work);
		return EXIT_MEASURED_FAILED;
	}
	/* The image appears complete or not at all. */
	if (remove_tree(p->dir) < 0 || rename(p->work, p->dir) < 0) {
		fprintf(stderr, "exitscope: images: cannot publish %s: %s\n", p->dir, strerror(errno));
		return EXIT_ENVIRONMENT;
	}
	image_progress(p, "built:", p->dir);
	return 0;
}

static void image_found_set(const struct image_plan *p, struct image_found *found)
{
	util_pathf(found->id, sizeof(found->id), "%s", p->id);
	util_pathf(found->dir, sizeof(found->dir), "%s", p->dir);
}

/* A second build of one image waits for the first, then finds it cached. */
static int image_build_locked(struct image_plan *p, bool rebuild)
{
	char lock[PATH_MAX + 8];
	int fd, r;

	util_pathf(lock, sizeof(lock), "%s.lock", p->work);
	fd = progress_lock("images", lock, p->id);
	if (fd < 0)
		return EXIT_ENVIRONMENT;
	r = image_build(p, rebuild);
	close(fd);
	return r;
}

int images_ensure(const char *kind, bool rebuild, struct image_found *found)
{
	struct image_plan *p = calloc(1, sizeof(*p));
	int r = EXIT_ENVIRONMENT;

	if (p && image_plan_init(p, kind) == 0) {
		r = image_build_locked(p, rebuild);
		image_found_set(p, found);
	}
	free(p);
	return r;
}

int images_find(const char *kind, struct image_found *found)
{
	struct image_plan *p = calloc(1, sizeof(*p));
	int r = -ENOMEM;

	if (p && image_plan_init(p, kind) < 0)
		r = -EINVAL;
	else if (p) {
		image_found_set(p, found);
		r = image_built(p) ? 0 : -ENOENT;
	}
	free(p);
	return r;
}
