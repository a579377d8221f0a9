// SPDX-License-Identifier: GPL-2.0
/* Waiting for the console to be quiet before the window (settle.h). */
#include <fcntl.h>
#include <linux/serial.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "settle.h"

#define SETTLE_POLL_NS 10000000L

/* Whether @fd, a terminal, has nothing queued and a UART (when it is one) nothing in flight. */
static bool tty_quiet(int fd)
{
	int queued = 0, lsr = 0;

	if (ioctl(fd, TIOCOUTQ, &queued) == 0 && queued > 0)
		return false;
	/* Not a UART (a pty, a virtual console): the queue is all there is. */
	if (ioctl(fd, TIOCSERGETLSR, &lsr) < 0)
		return true;
	return lsr & TIOCSER_TEMT;
}

static double settle_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

bool probe_settle_console(unsigned int limit_ms)
{
	int fds[3] = { STDOUT_FILENO, STDERR_FILENO, -1 }, console;
	const struct timespec poll = { 0, SETTLE_POLL_NS };
	double deadline = settle_now_ms() + limit_ms;
	bool quiet = false;

	/* O_NONBLOCK: opening must not wait for a modem line; O_NOCTTY: nor adopt it. */
	console = open("/dev/console", O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	fds[2] = console;
	while (!quiet && settle_now_ms() < deadline) {
		quiet = true;
		for (size_t i = 0; i < 3; i++)
			if (fds[i] >= 0 && isatty(fds[i]) && !tty_quiet(fds[i]))
				quiet = false;
		if (!quiet)
			nanosleep(&poll, NULL);
	}
	if (console >= 0)
		close(console);
	return quiet;
}
