// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "threads.h"
#include "util.h"

int thread_stat_parse(const char *line, struct thread_stat *st)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')');
	unsigned long long utime, stime;
	size_t len;

	if (!open || !close || close < open || sscanf(line, "%d", &st->tid) != 1)
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(st->comm))
		len = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, len);
	st->comm[len] = '\0';
	/* After comm: the state (field 3), ten fields, then utime and stime. */
	if (sscanf(close + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu",
		   &st->state, &utime, &stime) != 3)
		return -EINVAL;
	st->cpu_ticks = utime + stime;
	return 0;
}

/* The first word of a small /proc file in @word[32], "?" when unreadable. */
static void proc_first_word(const char *path, char word[32])
{
	FILE *f = fopen(path, "re");

	if (!f || fscanf(f, "%31s", word) != 1)
		snprintf(word, 32, "?");
	if (f)
		fclose(f);
}

/* One thread's line; nothing when the thread ended while being read. */
static void thread_line(const char *task_dir, const char *tid, FILE *out)
{
	char path[320], line[1024], call[32];
	struct thread_stat st;
	bool ok;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/stat", task_dir, tid);
	f = fopen(path, "re");
	if (!f)
		return;
	ok = fgets(line, sizeof(line), f) && thread_stat_parse(line, &st) == 0;
	fclose(f);
	if (!ok)
		return;
	snprintf(path, sizeof(path), "%s/%s/syscall", task_dir, tid);
	proc_first_word(path, call);
	fprintf(out, "%7d %c %8llu %-8s %s\n", st.tid, st.state, st.cpu_ticks, call, st.comm);
}

int threads_snapshot(pid_t pid, FILE *out)
{
	char task_dir[64];
	struct dirent *d;
	DIR *tasks;

	snprintf(task_dir, sizeof(task_dir), "/proc/%d/task", (int)pid);
	tasks = opendir(task_dir);
	if (!tasks)
		return -errno;
	while ((d = readdir(tasks)))
		if (d->d_name[0] != '.')
			thread_line(task_dir, d->d_name, out);
	closedir(tasks);
	return 0;
}

int threads_dump(pid_t pid, const char *path, int samples, int interval_ms)
{
	double start = util_now();
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int r = 0;

	if (!mem)
		return -errno;
	fprintf(mem, "# threads of pid %d: tid, state, CPU ticks (utime + stime), "
		     "system call (number, or running), comm\n", (int)pid);
	for (int i = 0; i < samples && r == 0; i++) {
		if (i)
			usleep((useconds_t)interval_ms * 1000);
		fprintf(mem, "# at %.1f s\n", util_now() - start);
		r = threads_snapshot(pid, mem);
	}
	if (fclose(mem) != 0 && r == 0)
		r = -ENOMEM;
	if (r == 0)
		r = util_write_atomic(path, text, len);
	free(text);
	return r;
}
