// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "output.h"
#include "util.h"

/* The target's directory must exist: a typo there is bad usage, found before any work. */
static int output_check_dir(const char *target, char *why, size_t size)
{
	char copy[PATH_MAX];
	struct stat st;
	const char *dir;

	if (util_pathf(copy, sizeof(copy), "%s", target) < 0) {
		snprintf(why, size, "%.64s...: the name is too long", target);
		return -ENAMETOOLONG;
	}
	dir = dirname(copy);
	if (stat(dir, &st) < 0) {
		snprintf(why, size, "cannot write %s: its directory %s: %s", target, dir,
			 strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, size, "cannot write %s: %s is not a directory", target, dir);
		return -ENOTDIR;
	}
	return 0;
}

static int output_check_inputs(const char *target, const struct stat *st,
			       const struct output_inputs *in, char *why, size_t size)
{
	struct stat input;

	for (size_t i = 0; in && i < in->nr; i++) {
		if (stat(in->paths[i], &input) == 0 && input.st_dev == st->st_dev &&
		    input.st_ino == st->st_ino) {
			snprintf(why, size, "refusing to replace %s: it is the input %s", target,
				 in->paths[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int output_check(const char *target, const struct output_inputs *in, char *why, size_t size)
{
	size_t len = strlen(target);
	struct stat st;

	if (!len || target[len - 1] == '/') {
		snprintf(why, size, "'%s' names no file", target);
		return -EINVAL;
	}
	if (lstat(target, &st) < 0) {
		if (errno != ENOENT) {
			snprintf(why, size, "cannot write %s: %s", target, strerror(errno));
			return -errno;
		}
		return output_check_dir(target, why, size);
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, size, "refusing to replace %s: it is %s; give a regular file or a new "
			 "name", target, util_file_kind(st.st_mode));
		return -EINVAL;
	}
	return output_check_inputs(target, &st, in, why, size);
}

int output_write(const char *target, const struct output_inputs *in, const void *data,
		 size_t len, char *why, size_t size)
{
	int r = output_check(target, in, why, size);

	if (r)
		return r;
	r = util_write_atomic(target, data, len);
	if (r)
		snprintf(why, size, "cannot write %s: %s", target, strerror(-r));
	return r;
}
