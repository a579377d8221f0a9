// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "views.h"

static int view_add(struct micro_view *view, uint32_t reason, uint64_t count, uint64_t cycles)
{
	for (size_t i = 0; i < view->n; i++) {
		/* 6.1's hist file can print one key twice; it is one entry. */
		if (view->v[i].reason == reason)
			return 0;
	}
	if (view->n == MICRO_VIEW_MAX)
		return -E2BIG;
	view->v[view->n++] = (struct micro_view_entry){ reason, count, cycles };
	return 0;
}

/* The next line of *@text into @line (without its newline); false at the end. */
static int next_line(const char **text, char *line, size_t size)
{
	const char *end;
	size_t len;

	if (!**text)
		return 0;
	end = strchr(*text, '\n');
	len = end ? (size_t)(end - *text) : strlen(*text);
	if (len >= size)
		return -E2BIG;
	memcpy(line, *text, len);
	line[len] = '\0';
	*text += len + (end ? 1 : 0);
	return 1;
}

/* A decimal number from @s up to @stop, nothing else (strtoull alone takes signs and blanks). */
static int decimal(const char *s, char stop, unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end != stop ? -EINVAL : 0;
}

/* SVM names have spaces ("UD excp"): the count and the cycles are the last two fields. */
static int counters_line(const char *line, struct micro_view *view)
{
	const char *cycles_at = strrchr(line, ' '), *count_at, *name_at = strchr(line, ' ');
	unsigned long long reason, count, cycles;

	if (!*line || !strncmp(line, "total ", 6))
		return 0;
	if (!cycles_at || cycles_at == line)
		return -EINVAL;
	for (count_at = cycles_at - 1; count_at > line && *count_at != ' '; count_at--)
		;
	/* Reason, a non-empty name, count, cycles: a line short of its cycles fails here. */
	if (count_at <= name_at || decimal(line, ' ', &reason) || reason > UINT32_MAX ||
	    decimal(count_at + 1, ' ', &count) || decimal(cycles_at + 1, '\0', &cycles))
		return -EINVAL;
	return view_add(view, (uint32_t)reason, count, cycles);
}

int micro_view_parse_counters(const char *text, struct micro_view *view)
{
	char line[256];
	int r;

	view->n = 0;
	while ((r = next_line(&text, line, sizeof(line))) > 0) {
		r = counters_line(line, view);
		if (r)
			return r;
	}
	return r;
}

/*
 * Our block: from its "# trigger info:" line to the next "# event histogram".
 * 6.1 prints a named trigger as "hist:name=NAME:keys=..." (the name as it
 * was given).
 */
static const char *hist_block(const char *text, const char **end)
{
	static const char info[] = "# trigger info: hist:name=" MICRO_HIST_NAME ":";
	const char *begin = strstr(text, info);

	if (!begin)
		return NULL;
	*end = strstr(begin, "# event histogram");
	if (!*end)
		*end = begin + strlen(begin);
	return begin;
}

int micro_view_parse_hist(const char *text, struct micro_view *view)
{
	unsigned long long reason, hits, total = 0, sum = 0;
	const char *end, *at = hist_block(text, &end);
	bool have_total = false;
	char line[256];
	int r = 0;

	view->n = 0;
	if (!at)
		return -ENOENT;
	while (at < end && (r = next_line(&at, line, sizeof(line))) > 0) {
		if (sscanf(line, "{ exit_reason: %llu } hitcount: %llu", &reason, &hits) == 2) {
			size_t before = view->n;

			r = view_add(view, (uint32_t)reason, hits, 0);
			if (r)
				return r;
			if (view->n > before)
				sum += hits;
		} else if (sscanf(line, " Hits: %llu", &hits) == 1) {
			total = hits;
			have_total = true;
		}
	}
	if (r < 0)
		return r;
	return have_total && total != sum ? -EBADMSG : 0;
}

bool micro_hist_armed(const char *trigger_text)
{
	return strstr(trigger_text, "hist:name=" MICRO_HIST_NAME ":") != NULL;
}

static uint64_t view_sum(const struct micro_view *view, uint32_t reason, uint32_t mask,
			 bool cycles)
{
	uint64_t n = 0;

	for (size_t i = 0; i < view->n; i++)
		if ((view->v[i].reason & mask) == reason)
			n += cycles ? view->v[i].cycles : view->v[i].count;
	return n;
}

uint64_t micro_view_count(const struct micro_view *view, uint32_t reason, uint32_t mask)
{
	return view_sum(view, reason, mask, false);
}

uint64_t micro_view_cycles(const struct micro_view *view, uint32_t reason, uint32_t mask)
{
	return view_sum(view, reason, mask, true);
}

int micro_file_read(const char *path, char **text)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	ssize_t got;

	if (fd < 0 || !buf) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	while ((got = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)got;
		if (cap - len == 1) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				err = -ENOMEM;
				goto fail;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (got < 0) {
		err = -errno;
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	*text = buf;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/* The whole file at @path in @buf, NUL-terminated, without allocating; -E2BIG when too long. */
static int file_read_buf(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	size_t len = 0;
	ssize_t got;

	if (fd < 0)
		return -errno;
	while ((got = read(fd, buf + len, size - len)) > 0) {
		len += (size_t)got;
		if (len == size) {
			err = -E2BIG;
			break;
		}
	}
	if (got < 0)
		err = -errno;
	close(fd);
	buf[err ? 0 : len] = '\0';
	return err;
}

int micro_hist_disarm(const char *trigger_path)
{
	char text[MICRO_TRIGGER_TEXT_MAX + 1];
	int r = file_read_buf(trigger_path, text, sizeof(text));

	if (r || !micro_hist_armed(text))
		return r;
	/* Whatever the write says, the file says whether ours is still there. */
	micro_file_write(trigger_path, "!" MICRO_HIST_TRIGGER);
	r = file_read_buf(trigger_path, text, sizeof(text));
	if (r)
		return r;
	return micro_hist_armed(text) ? -EBUSY : 1;
}

int micro_file_write(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC), err = 0;
	size_t len = strlen(line);

	if (fd < 0)
		return -errno;
	errno = 0;
	if (write(fd, line, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}
