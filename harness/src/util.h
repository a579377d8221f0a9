/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXITSCOPE_UTIL_H
#define EXITSCOPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* $EXITSCOPE_CACHE, else $HOME/.cache/exitscope. */
void util_cache_dir(char *path, size_t size);

/* Text that grows: NUL-terminated once anything was added (NULL before); the owner frees it. */
struct util_buf {
	char *text;
	size_t len, cap;
};

/* Appends @len bytes of @data to @b: 0, or -ENOMEM with @b as it was. */
int util_buf_add(struct util_buf *b, const void *data, size_t len);

/* The whole file, NUL-terminated, in *text (free it); -errno. */
int util_read_file(const char *path, char **text, size_t *len);

/*
 * Writes @len bytes to @path through a new temporary file beside it and
 * rename(): @path is either as it was or complete.  -errno of the step that
 * failed; the temporary file is removed then.
 */
int util_write_atomic(const char *path, const void *data, size_t len);

/* All @len bytes to @fd, across short writes: 0, or the -errno of the write that failed. */
int util_write_all(int fd, const void *data, size_t len);

void util_sha256_hex(const void *data, size_t len, char hex[65]);

/* snprintf for paths and names: -ENAMETOOLONG instead of a silently cut string. */
int util_pathf(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "a directory", "a FIFO", "a character device"...: what a file is, for a message. */
const char *util_file_kind(mode_t mode);

/*
 * An exclusive flock() on @path, created if need be: its descriptor, to
 * close when done; -EWOULDBLOCK when another process holds it and @wait is
 * false; -errno.
 */
int util_lock(const char *path, bool wait);

/* mkdir -p; -errno. */
int util_mkdirs(const char *path);

/* Whether @path is a directory (or a symbolic link to one). */
bool util_is_dir(const char *path);

/* Seconds since an arbitrary start, for progress lines. */
double util_now(void);

/* sha256 of a file's bytes, streamed; -errno. */
int util_sha256_file(const char *path, char hex[65]);

/* The exitscope checkout: $EXITSCOPE_ROOT, else two levels above the binary. */
int util_checkout_root(char *root, size_t size);

/* The last @lines lines of @path to @out, for a failed step's log. */
void util_print_tail(FILE *out, const char *path, int lines);

/*
 * Calls @line_fn on each line of @text (without its newline, cut at 511
 * bytes).  Stops at the first nonzero return, which it returns: negative for
 * an error, positive for "found"; 0 when every line was seen.
 */
int util_for_each_line(const char *text, int (*line_fn)(const char *line, void *arg), void *arg);

#endif
