/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one rule for every file a command writes (plot's and report's -o,
 * report's charts): the target is a new name in a directory that exists, or
 * a regular file that is none of the command's inputs.  Anything else (a
 * directory, a symbolic link, a FIFO, a device, a socket, an input of the
 * same run) is refused before any work is done.  The file is written beside
 * the target and renamed over it, so on any error the old target is as it
 * was and no temporary file is left.
 *
 * Helpers here do not print: they leave one line in @why for the command.
 */
#ifndef EXITSCOPE_OUTPUT_H
#define EXITSCOPE_OUTPUT_H

#include <stddef.h>

/* What a command reads; a target may be none of them. */
struct output_inputs {
	const char *const *paths;
	size_t nr;
};

/*
 * 0 when @target may be written.  -EINVAL for a target that is not a
 * regular file, or is one of @in (NULL: none); -ENOENT / -ENOTDIR when its
 * directory does not exist or is not one.  @why says which and why.
 */
int output_check(const char *target, const struct output_inputs *in, char *why, size_t size);

/*
 * output_check(), then @len bytes of @data through a temporary file beside
 * @target and rename().  0, or the -errno of the check or the write with
 * @why set; on error the target is untouched and nothing is left behind.
 */
int output_write(const char *target, const struct output_inputs *in, const void *data,
		 size_t len, char *why, size_t size);

#endif
