// SPDX-License-Identifier: GPL-2.0
/* exitscope images build|list|path: the guest images, cached by content. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "images-build.h"
#include "opts.h"
#include "util.h"

struct images_build_opts {
	bool l1, l2, micro, rebuild;
};

static const struct opt images_build_table[] = {
	{ "l1", 0, OPT_FLAG, offsetof(struct images_build_opts, l1), NULL,
	  "the L1 image only", 0, 0, NULL },
	{ "l2", 0, OPT_FLAG, offsetof(struct images_build_opts, l2), NULL,
	  "the L2 image only", 0, 0, NULL },
	{ "micro", 0, OPT_FLAG, offsetof(struct images_build_opts, micro), NULL,
	  "the micro stage's initramfs only", 0, 0, NULL },
	{ "rebuild", 0, OPT_FLAG, offsetof(struct images_build_opts, rebuild), NULL,
	  "build even when the cache has the image", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

void images_usage(FILE *out)
{
	fprintf(out,
		"usage: exitscope images build [--l1|--l2|--micro] [--rebuild]\n"
		"       exitscope images list\n"
		"       exitscope images path l1|l2|micro\n\n"
		"build   the L1 image (QEMU, libvirt, virt-install and the exitscope agent) and the\n"
		"        L2 image (systemd, cloud-init, Debian's kernel and exitprobe) from the\n"
		"        recipes in guest-images/, with mmdebstrap and the host's apt sources, into\n"
		"        $EXITSCOPE_CACHE/images/ID (default ~/.cache/exitscope).  ID hashes the\n"
		"        recipe files, the agent (L1) and the exitprobe binary (L2), so a second\n"
		"        build is a cache hit.  Both unless --l1 or --l2; --rebuild ignores the cache.\n"
		"        --micro: the micro stage's initramfs (busybox-static, exitmicro, its init).\n"
		"list    the cached images, one per line\n"
		"path    the directory of the current recipe's image (exit 3 when it is not built)\n\n"
		"build's options:\n");
	opts_usage(out, images_build_table);
}

static int images_build_cmd(int argc, char **argv)
{
	struct images_build_opts o = { 0 };
	int n = opts_parse("images build", images_build_table, argc, argv, &o);

	if (n < 0)
		return EXIT_USAGE;
	if (n > 0) {
		fprintf(stderr, "exitscope: images build: unexpected '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	if (!o.l1 && !o.l2 && !o.micro)
		o.l1 = o.l2 = true;
	const bool wanted[] = { o.l1, o.l2, o.micro };
	const char *const kinds[] = { "l1", "l2", "micro" };

	for (int i = 0; i < 3; i++) {
		struct image_found found;
		int r;

		if (wanted[i] && (r = images_ensure(kinds[i], o.rebuild, &found)))
			return r;
	}
	return 0;
}

static int images_list(void)
{
	char cache[PATH_MAX], dir[PATH_MAX + 16], path[PATH_MAX + 64];
	struct dirent **names;
	int n;

	util_cache_dir(cache, sizeof(cache));
	util_pathf(dir, sizeof(dir), "%s/images", cache);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		json_error_t err;
		json_t *doc;
		const char *kind, *image;
		json_int_t bytes;
		double seconds;

		util_pathf(path, sizeof(path), "%s/%s/manifest.json", dir, names[i]->d_name);
		doc = names[i]->d_name[0] == '.' ? NULL : json_load_file(path, 0, &err);
		if (doc && !json_unpack(doc, "{s:s, s:s, s:I, s:F}", "kind", &kind, "image", &image,
					"image_bytes", &bytes, "build_seconds", &seconds))
			printf("%s  %s  %-12s %6lld MiB  %.0fs\n", names[i]->d_name, kind, image,
			       (long long)bytes >> 20, seconds);
		json_decref(doc);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return 0;
}

static int images_path(const char *kind)
{
	struct image_found found;
	int r;

	if (!images_kind_valid(kind)) {
		fprintf(stderr, "exitscope: images path: the image is l1, l2 or micro, not '%s'\n", kind);
		return EXIT_USAGE;
	}
	r = images_find(kind, &found);
	if (r == -ENOENT)
		fprintf(stderr, "exitscope: the %s image %s is not built; run 'exitscope images build --%s'\n",
			kind, found.id, kind);
	if (r < 0)
		return EXIT_ENVIRONMENT;
	printf("%s\n", found.dir);
	return 0;
}

int cmd_images(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "build"))
		return images_build_cmd(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return images_list();
	if (argc == 3 && !strcmp(argv[1], "path"))
		return images_path(argv[2]);
	images_usage(stderr);
	return EXIT_USAGE;
}
