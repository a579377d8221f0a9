// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

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
