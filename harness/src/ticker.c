// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "progress.h"
#include "ticker.h"
#include "util.h"

struct ticker {
	const char *who, *what, *log, *prefix;
	unsigned int period_s;
	off_t from;		/* the log's size when the step began */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
};

size_t ticker_count_lines(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line)
		n += !strncmp(line, prefix, len);
	return n;
}

/* The lines the log gained since the step began, counted; 0 when it cannot be read. */
static size_t ticker_count(const struct ticker *t)
{
	char *text;
	size_t len, n = 0;

	if (util_read_file(t->log, &text, &len) < 0)
		return 0;
	if (len > (size_t)t->from)
		n = ticker_count_lines(text + t->from, t->prefix);
	free(text);
	return n;
}

static void *ticker_run(void *arg)
{
	struct ticker *t = arg;
	struct timespec until;

	pthread_mutex_lock(&t->lock);
	clock_gettime(CLOCK_REALTIME, &until);
	while (!t->stop) {
		until.tv_sec += t->period_s;
		while (!t->stop && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
			;
		if (!t->stop)
			progress(t->who, "%s: %zu so far", t->what, ticker_count(t));
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct ticker *ticker_start(const char *who, const char *what, const char *log, const char *prefix,
			    unsigned int period_s)
{
	struct ticker *t = calloc(1, sizeof(*t));
	struct stat st;

	if (!t)
		return NULL;
	*t = (struct ticker){ .who = who, .what = what, .log = log, .prefix = prefix,
			      .period_s = period_s, .from = stat(log, &st) ? 0 : st.st_size };
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	if (pthread_create(&t->thread, NULL, ticker_run, t)) {
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	return t;
}

void ticker_stop(struct ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
