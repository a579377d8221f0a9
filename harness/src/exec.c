// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"

int exec_dry_run;

static int exec_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void exec_print_plan(char *const argv[], const char *cwd)
{
	printf("+ %s", cwd ? "(cd " : "");
	if (cwd)
		printf("%s && ", cwd);
	for (size_t i = 0; argv[i]; i++)
		printf("%s%s", i ? " " : "", argv[i]);
	printf("%s\n", cwd ? ")" : "");
}

int exec_run(char *const argv[], const char *cwd, const char *log)
{
	posix_spawn_file_actions_t actions;
	extern char **environ;
	pid_t pid;
	int r;

	if (exec_dry_run) {
		exec_print_plan(argv, cwd);
		return 0;
	}
	posix_spawn_file_actions_init(&actions);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&actions, cwd);
	if (log) {
		posix_spawn_file_actions_addopen(&actions, 1, log,
						 O_WRONLY | O_CREAT | O_APPEND, 0644);
		posix_spawn_file_actions_adddup2(&actions, 1, 2);
	}
	r = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	return r ? -r : exec_wait(pid);
}

int exec_output(char *const argv[], char *out, size_t size)
{
	posix_spawn_file_actions_t actions;
	extern char **environ;
	int fds[2], r;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
	r = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	if (r) {
		close(fds[0]);
		return -r;
	}
	for (size_t used = 0;; used += n) {
		n = read(fds[0], out + used, size - 1 - used);
		if (n <= 0 || used + n == size - 1) {
			out[used + (n > 0 ? n : 0)] = '\0';
			break;
		}
	}
	if (*out && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
	/* Output beyond @size is not wanted; closing lets the program finish. */
	close(fds[0]);
	return exec_wait(pid);
}

bool exec_first_line(char *const argv[], char *line, size_t size)
{
	if (exec_output(argv, line, size) != 0)
		return false;
	line[strcspn(line, "\n")] = '\0';
	return true;
}

pid_t exec_spawn(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	extern char **environ;
	pid_t pid;
	int r;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&actions, 1, 2);
	posix_spawnattr_init(&attr);
	/* Its own group, so that one kill takes it and anything it started. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	r = posix_spawnp(&pid, argv[0], &actions, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	return r ? -r : pid;
}

bool exec_exited(pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == pid;
}

void exec_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
