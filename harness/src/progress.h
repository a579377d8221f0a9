/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress lines of the long stages, "[  12.3s] WHO: what", timed from the
 * start of the command so that every stage of one run shares a clock.
 * These print to stdout and nothing else.
 */
#ifndef EXITSCOPE_PROGRESS_H
#define EXITSCOPE_PROGRESS_H

/* Sets the clock's zero; the first call to progress() sets it otherwise. */
void progress_start(void);

/* One line: the seconds since progress_start(), @who, then the formatted text. */
void progress(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
