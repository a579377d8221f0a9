/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest images as a stage: `exitscope images build` and `exitscope run`
 * both call images_ensure(), so a run builds in-process with the same
 * progress lines and errors as the command.  Both functions print one line
 * saying what is wrong when the recipe cannot be read.
 */
#ifndef EXITSCOPE_IMAGES_BUILD_H
#define EXITSCOPE_IMAGES_BUILD_H

#include <limits.h>
#include <stdbool.h>

#include "images.h"

/* An image of the current recipe: its id and directory (manifest.json and the image). */
struct image_found {
	char id[IMAGE_ID_LEN + 1];
	char dir[PATH_MAX];
};

/* Whether @kind names an image: "l1", "l2" or "micro". */
bool images_kind_valid(const char *kind);

/*
 * Builds image @kind ("l1", "l2" or "micro") unless the cache has it (or @rebuild).
 * 0 with @found set, or an EXIT_* code (cmd.h).
 */
int images_ensure(const char *kind, bool rebuild, struct image_found *found);

/*
 * The current recipe's image @kind: 0; -ENOENT when it is not built (@found
 * names the id it would have); -EINVAL when the recipe cannot be read (a
 * line said why); -ENOMEM.
 */
int images_find(const char *kind, struct image_found *found);

#endif
