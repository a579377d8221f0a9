/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit codes of exitscope and exitprobe: one definition for both
 * programs, so that a script reads a status the same way from either
 * (docs/design.md, "Exit codes").
 */
#ifndef EXITSCOPE_EXIT_H
#define EXITSCOPE_EXIT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum exsc_exit {
	EXIT_OK = 0,
	/* The thing measured failed: an oracle or probe check, a lost guest, a diff that moved. */
	EXIT_MEASURED_FAILED = 1,
	/* Bad usage or bad input, found before anything is fetched, built or booted. */
	EXIT_USAGE = 2,
	/* This host cannot do it: a missing tool, a write that failed, not an exitscope kernel. */
	EXIT_ENVIRONMENT = 3,
	EXIT_SKIPPED = 77,	/* reserved */
	EXIT_TIMEOUT = 124,	/* a stage or L2 ran out of time, as timeout(1) reports it */
	EXIT_INTERRUPTED = 130,	/* SIGINT, SIGTERM or SIGHUP: 128 + SIGINT, as a shell reports Ctrl-C */
};

/*
 * The last step of both programs' main(): standard output flushed and
 * closed, and a write to it that failed (a full disk, /dev/full, a closed
 * descriptor) turned into one line on stderr and EXIT_ENVIRONMENT, since a
 * script that reads the status would otherwise take a lost table or
 * document for success.  @code otherwise.  Here, not in a .c file, so that
 * the static probe and the driver share it without a module of their own.
 */
static inline int exsc_exit_stdout(const char *who, int code)
{
	int failed = ferror(stdout), err = 0;

	if (fflush(stdout) == EOF) {
		failed = 1;
		err = errno;
	}
	if (fclose(stdout) == EOF && !err) {
		failed = 1;
		err = errno;
	}
	if (!failed)
		return code;
	fprintf(stderr, "%s: cannot write to standard output%s%s\n", who, err ? ": " : "",
		err ? strerror(err) : "");
	return EXIT_ENVIRONMENT;
}

#endif
