// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "monitor.h"
#include "util.h"

/* Everything QEMU says until it has been silent for @quiet_ms. */
static int monitor_read_answer(int fd, struct util_buf *t, int quiet_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];

	while (poll(&p, 1, quiet_ms) > 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			return n < 0 ? -errno : 0;
		if (util_buf_add(t, buf, (size_t)n) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int monitor_connect(const char *sock)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(sock) > MONITOR_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/*
 * HMP echoes what it is sent keystroke by keystroke, with cursor escapes, up
 * to the line's end: the transcript gets the command once, then the answer.
 */
static int monitor_command(int fd, const char *cmd, struct util_buf *t, int quiet_ms)
{
	struct util_buf answer = { 0 };
	size_t len = strlen(cmd);
	const char *body;
	int r;

	if (write(fd, cmd, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		return -errno;
	r = monitor_read_answer(fd, &answer, quiet_ms);
	body = answer.text ? strchr(answer.text, '\n') : NULL;
	body = body ? body + 1 : answer.text ? answer.text : "";
	if (!r && (util_buf_add(t, cmd, len) < 0 || util_buf_add(t, "\n", 1) < 0 ||
		   util_buf_add(t, body, strlen(body)) < 0))
		r = -ENOMEM;
	free(answer.text);
	return r;
}

int monitor_dump(const char *sock, const char *const *cmds, const char *out, int quiet_ms)
{
	struct util_buf t = { 0 };
	int fd = monitor_connect(sock);
	int r;

	if (fd < 0)
		return fd;
	r = monitor_read_answer(fd, &t, quiet_ms);	/* the banner and first prompt */
	for (; !r && *cmds; cmds++)
		r = monitor_command(fd, *cmds, &t, quiet_ms);
	close(fd);
	if (!r)
		r = util_write_atomic(out, t.text ? t.text : "", t.len);
	free(t.text);
	return r;
}
