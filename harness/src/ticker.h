/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A progress line every so often while a long step runs in the foreground
 * (a cold kernel build is ten minutes of one command): how many lines of
 * the step's log start with a prefix, such as kbuild's "  CC " per object.
 */
#ifndef EXITSCOPE_TICKER_H
#define EXITSCOPE_TICKER_H

#include <stddef.h>

struct ticker;

/*
 * Starts a thread that every @period_s seconds prints "WHO: WHAT: N so far",
 * N counting the lines @log gained since now that start with @prefix.
 * NULL when it cannot start; the step runs silent then.
 */
struct ticker *ticker_start(const char *who, const char *what, const char *log, const char *prefix,
			    unsigned int period_s);

/* Stops and frees @t (NULL is fine); prints nothing more. */
void ticker_stop(struct ticker *t);

/* How many lines of @text start with @prefix. */
size_t ticker_count_lines(const char *text, const char *prefix);

#endif
