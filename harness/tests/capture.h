/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the unit tests of what a command prints: one of this process's output
 * streams (1 or 2) sent to a temporary file between capture_start() and
 * capture_stop(), which restores it and hands back the text.  Header only;
 * include it after <cmocka.h>.
 */
#ifndef EXITSCOPE_TESTS_CAPTURE_H
#define EXITSCOPE_TESTS_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

struct capture {
	FILE *tmp;
	int fd;		/* 1 or 2 */
	int saved;	/* the stream before, restored at the stop */
};

static inline void capture_start(struct capture *c, int fd)
{
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->fd = fd;
	fflush(fd == 1 ? stdout : stderr);
	c->saved = dup(fd);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), fd) >= 0);
}

/* Restores the stream and puts what it received into @text (at most @size - 1 bytes). */
static inline void capture_stop(struct capture *c, char *text, size_t size)
{
	size_t n;

	fflush(c->fd == 1 ? stdout : stderr);
	dup2(c->saved, c->fd);
	close(c->saved);
	rewind(c->tmp);
	n = fread(text, 1, size - 1, c->tmp);
	text[n] = '\0';
	fclose(c->tmp);
}

#endif
