/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress lines of the long stages, "[  12.3s] WHO: what", timed from the
 * start of the command so that every stage of one run shares a clock.
 * These print to stdout; a failure, one line to stderr.
 */
#ifndef EXITSCOPE_PROGRESS_H
#define EXITSCOPE_PROGRESS_H

/* Sets the clock's zero; the first call to progress() sets it otherwise. */
void progress_start(void);

/* One line: the seconds since progress_start(), @who, then the formatted text. */
void progress(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Takes the lock file @path (its folder made if need be) for a build of
 * @what, saying so when it waits for another process's build.  Its
 * descriptor, to close when done, or -errno after one error line.
 */
int progress_lock(const char *who, const char *path, const char *what);

#endif
