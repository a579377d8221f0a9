// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "util.h"

static double progress_zero = -1;

void progress_start(void)
{
	progress_zero = util_now();
}

void progress(const char *who, const char *fmt, ...)
{
	va_list ap;

	if (progress_zero < 0)
		progress_start();
	printf("[%6.1fs] %s: ", util_now() - progress_zero, who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* A pipe (bats, tee) must see each stage as it starts, not at exit. */
	fflush(stdout);
}

int progress_lock(const char *who, const char *path, const char *what)
{
	char dir[PATH_MAX];
	int fd;

	if (util_pathf(dir, sizeof(dir), "%s", path) < 0 || !strrchr(dir, '/'))
		return -EINVAL;
	*strrchr(dir, '/') = '\0';
	fd = util_mkdirs(dir);
	if (!fd)
		fd = util_lock(path, false);
	if (fd == -EWOULDBLOCK) {
		progress(who, "waiting for another build of %s", what);
		fd = util_lock(path, true);
	}
	if (fd < 0)
		fprintf(stderr, "exitscope: %s: cannot lock %s: %s\n", who, path, strerror(-fd));
	return fd;
}
