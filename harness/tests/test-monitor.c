// SPDX-License-Identifier: GPL-2.0
/*
 * monitor_dump() against a socket that answers the way QEMU's HMP does: a
 * banner and a prompt, then per command its output and a new prompt.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "monitor.h"
#include "util.h"

struct hmp {
	int listen_fd;
	int commands;	/* how many the peer sent */
};

static void *hmp_serve(void *arg)
{
	struct hmp *h = arg;
	char line[256], answer[2 * 256 + 32];
	size_t len = 0;
	int fd = accept(h->listen_fd, NULL, NULL);

	if (fd < 0)
		return NULL;
	dprintf(fd, "QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ");
	while (len < sizeof(line) - 1 && read(fd, line + len, 1) == 1) {
		if (line[len] != '\n') {
			len++;
			continue;
		}
		line[len] = '\0';
		snprintf(answer, sizeof(answer), "i\033[K\033[D%s\r\nanswer to %s\r\n(qemu) ", line, line);
		dprintf(fd, "%s", answer);
		h->commands++;
		len = 0;
	}
	close(fd);
	return NULL;
}

static void test_dump_keeps_every_answer_in_order(void **state)
{
	char dir[] = "/tmp/exitscope-test-monitor-XXXXXX";
	char sock[128], out[128], *text;
	const char *const cmds[] = { "info registers -a", "info lapic 1", NULL };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct hmp h = { 0 };
	pthread_t server;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/monitor.sock", dir);
	snprintf(out, sizeof(out), "%s/at-stall.txt", dir);
	strcpy(addr.sun_path, sock);
	h.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(h.listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(h.listen_fd, 1), 0);
	assert_int_equal(pthread_create(&server, NULL, hmp_serve, &h), 0);

	assert_int_equal(monitor_dump(sock, cmds, out, 200), 0);
	pthread_join(server, NULL);
	assert_int_equal(h.commands, 2);
	assert_int_equal(util_read_file(out, &text, NULL), 0);
	assert_non_null(strstr(text, "QEMU 7.2.22 monitor"));
	assert_true(strstr(text, "answer to info registers -a") <
		    strstr(text, "answer to info lapic 1"));
	assert_non_null(strstr(text, "answer to info lapic 1\r\n(qemu) "));
	/* The echo, escapes and all, is replaced by the command itself. */
	assert_null(strchr(text, '\033'));
	assert_non_null(strstr(text, "(qemu) info lapic 1\nanswer to info lapic 1"));
	free(text);
	close(h.listen_fd);
	unlink(out);
	unlink(sock);
	rmdir(dir);
}

static void test_no_monitor_is_an_error_and_no_file(void **state)
{
	const char *const cmds[] = { "info lapic", NULL };
	char longpath[MONITOR_PATH_MAX + 8];

	(void)state;
	assert_int_equal(monitor_dump("/nonexistent/monitor.sock", cmds,
				      "/tmp/exitscope-test-monitor-none", 50), -ENOENT);
	assert_int_equal(access("/tmp/exitscope-test-monitor-none", F_OK), -1);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(monitor_dump(longpath, cmds, "/tmp/exitscope-test-monitor-none", 50),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_keeps_every_answer_in_order),
		cmocka_unit_test(test_no_monitor_is_an_error_and_no_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
