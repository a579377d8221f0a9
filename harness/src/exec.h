/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place exitscope runs other programs, so that a plan can be printed
 * instead of run (--dry-run) and tested without the programs.
 */
#ifndef EXITSCOPE_EXEC_H
#define EXITSCOPE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* When set, exec_run() prints "+ argv..." and returns 0 without running. */
extern int exec_dry_run;

/*
 * Runs argv[0] (PATH lookup) in @cwd (NULL: here), stdout and stderr
 * appended to @log (NULL: inherited).  Returns the exit status, or -errno
 * when it could not start.
 */
int exec_run(char *const argv[], const char *cwd, const char *log);

/*
 * Runs argv and keeps up to @size - 1 bytes of its stdout in @out, without
 * the final newline.  Returns the exit status or -errno.  Runs even under
 * --dry-run: it is for reading facts (versions, paths), not for changing things.
 */
int exec_output(char *const argv[], char *out, size_t size);

/* exec_output() cut to the first line; false when argv cannot run or fails. */
bool exec_first_line(char *const argv[], char *line, size_t size);

/*
 * Starts argv in the background in a process group of its own, stdin from
 * /dev/null, stdout and stderr appended to @log.  Its pid, or -errno.  Not
 * planned by --dry-run: a guest is either started or not asked for.
 */
pid_t exec_spawn(char *const argv[], const char *log);

/* Has @pid (from exec_spawn()) ended?  Reaps it when it has. */
bool exec_exited(pid_t pid);

/* Kills @pid's whole group and reaps it. */
void exec_kill(pid_t pid);

#endif
