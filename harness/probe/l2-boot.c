// SPDX-License-Identifier: GPL-2.0
/* When L2's kernel ran init and cloud-init ran its stages, by L2's uptime (l2-boot.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "l2-boot.h"
#include "probe-doc.h"

/* No uptime is this long: a stage's time beyond it comes from a wall clock set since. */
#define UPTIME_MAX_S 2147483648.0

/* A record reads as at most 8 KiB (the kernel's CONSOLE_EXT_LOG_MAX), and a NUL. */
#define KMSG_READ (8192 + 1)

/* Enough for any kernel log ring; a bound in case records keep coming. */
#define KMSG_RECORDS_MAX 1000000L

/* cloud-init's status.json is a few KiB; its error lists could make it longer. */
#define STATUS_MAX (256 * 1024)

/* @p's leading digits, at least one, then @sep: the text after it, or NULL. */
static const char *kmsg_number(const char *p, char sep, unsigned long long *value)
{
	char *end;

	if (*p < '0' || *p > '9')
		return NULL;
	errno = 0;
	*value = strtoull(p, &end, 10);
	return errno || *end != sep ? NULL : end + 1;
}

/* One record's line, "PRIO,SEQ,USEC,FLAGS[,...];MESSAGE": its USEC and MESSAGE. */
static int kmsg_record(const char *line, size_t len, unsigned long long *usec, const char **msg,
		       size_t *msg_len)
{
	const char *semi = memchr(line, ';', len), *p = line;
	unsigned long long skip;

	if (!semi || !(p = kmsg_number(p, ',', &skip)) || !(p = kmsg_number(p, ',', &skip)) ||
	    !(p = kmsg_number(p, ',', usec)) || p > semi)
		return -EINVAL;
	*msg = semi + 1;
	*msg_len = len - (size_t)(*msg - line);
	return 0;
}

/* @msg is @message, or with @message NULL the kernel's "Run PATH as init process". */
static bool kmsg_is(const char *msg, size_t n, const char *message)
{
	static const char head[] = "Run ", tail[] = " as init process";

	if (message)
		return n == strlen(message) && !memcmp(msg, message, n);
	return n >= sizeof(head) + sizeof(tail) - 1 && !memcmp(msg, head, sizeof(head) - 1) &&
	       !memcmp(msg + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
}

int probe_kmsg_find(const char *records, const char *message, unsigned long long *usec)
{
	const char *line = records, *msg;
	unsigned long long at;
	int r = -ENOENT;
	size_t n;

	while (*line) {
		size_t len = strcspn(line, "\n");

		/* Continuation lines (" KEY=VALUE") begin with a space; a record's cannot. */
		if (line[0] != ' ' && !kmsg_record(line, len, &at, &msg, &n) &&
		    kmsg_is(msg, n, message)) {
			*usec = at;
			r = 0;
		}
		line += len + (line[len] == '\n');
	}
	return r;
}

int probe_kmsg_uptime(unsigned long long usec, unsigned long long mark_usec, double mark_s,
		      double *seconds)
{
	double s = mark_s - (double)(mark_usec - usec) / 1e6;

	if (mark_usec < usec || !(s >= 0 && s < UPTIME_MAX_S))
		return -ERANGE;
	/* Truncated as /proc/uptime is, so that it compares with the probe's start. */
	*seconds = (double)(long long)(s * 100) / 100;
	return 0;
}

/* Epoch @t as L2's uptime, rounded to the millisecond; negative when it is no uptime. */
static double stage_seconds(json_t *t, double realtime_offset_s)
{
	double s;

	if (!json_is_number(t))
		return -1;
	s = json_number_value(t) - realtime_offset_s;
	if (!(s >= 0 && s < UPTIME_MAX_S))
		return -1;
	return (double)(long long)(s * 1000 + 0.5) / 1000;
}

/* {stage, start_s, end_s?} for the stage @name of status.json's @v1, or NULL. */
static json_t *cloud_init_stage(json_t *v1, const char *name, double realtime_offset_s)
{
	json_t *times = json_object_get(v1, name), *out;
	double start_s = stage_seconds(json_object_get(times, "start"), realtime_offset_s);
	double end_s = stage_seconds(json_object_get(times, "finished"), realtime_offset_s);

	if (start_s < 0)
		return NULL;
	out = json_pack("{s:s, s:f}", "stage", name, "start_s", start_s);
	if (out && end_s >= start_s)
		json_object_set_new(out, "end_s", json_real(end_s));
	return out;
}

json_t *probe_cloud_init_stages(const char *status, double realtime_offset_s)
{
	json_t *doc = json_loads(status, 0, NULL), *stages = json_array();
	json_t *v1 = json_object_get(doc, "v1");

	for (int i = 0; stages && i < PROBE_DOC_STAGES; i++) {
		json_t *stage = cloud_init_stage(v1, probe_doc_stages[i], realtime_offset_s);

		if (stage && json_array_append_new(stages, stage)) {
			json_decref(stages);
			stages = NULL;
		}
	}
	json_decref(doc);
	if (stages && !json_array_size(stages)) {
		json_decref(stages);
		stages = NULL;
	}
	return stages;
}

/* @path's whole text, at most @max bytes; NULL when it cannot be read whole.  Caller frees. */
static char *read_text(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	char *text = f ? malloc(max + 1) : NULL;
	size_t n = text ? fread(text, 1, max, f) : 0;
	bool whole = text && feof(f) && !ferror(f);

	if (f)
		fclose(f);
	if (!whole) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

/* CLOCK_REALTIME - CLOCK_BOOTTIME: what the wall clock said at L2's boot. */
static int realtime_offset(double *seconds)
{
	struct timespec boot, wall;

	if (clock_gettime(CLOCK_BOOTTIME, &boot) || clock_gettime(CLOCK_REALTIME, &wall))
		return -errno;
	*seconds = (double)(wall.tv_sec - boot.tv_sec) + (wall.tv_nsec - boot.tv_nsec) / 1e9;
	return 0;
}

/*
 * @fd's records from where it stands until none is left, keeping the USEC of
 * the last one whose message is @message (NULL: init's run).  /dev/kmsg
 * gives one record a read; EPIPE says the ring overwrote the next.
 */
static int kmsg_scan(int fd, const char *message, unsigned long long *usec)
{
	char buf[KMSG_READ];
	int r = -ENOENT;

	for (long i = 0; i < KMSG_RECORDS_MAX; i++) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (!probe_kmsg_find(buf, message, usec))
			r = 0;
	}
	return r;
}

/*
 * When L2's kernel ran init, by its uptime: init's record in the kernel log,
 * and a record the probe writes there at a known uptime, since the log's
 * clock is not the uptime's.  At debug level, which consoles do not print.
 */
static int kmsg_init_uptime(const char *path, double *seconds)
{
	static const char mark[] = "<7>" PROBE_KMSG_MARK "\n";
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC), r;
	unsigned long long init_usec = 0, mark_usec = 0;
	struct timespec now = { 0 };

	if (fd < 0)
		return -errno;
	r = kmsg_scan(fd, NULL, &init_usec);
	if (!r && (clock_gettime(CLOCK_BOOTTIME, &now) ||
		   write(fd, mark, sizeof(mark) - 1) != (ssize_t)(sizeof(mark) - 1)))
		r = -EIO;
	if (!r)
		r = kmsg_scan(fd, PROBE_KMSG_MARK, &mark_usec);
	close(fd);
	if (r)
		return r;
	return probe_kmsg_uptime(init_usec, mark_usec, (double)now.tv_sec + now.tv_nsec / 1e9,
				 seconds);
}

void probe_l2_boot_add(json_t *doc, const char *kmsg, const char *status)
{
	json_t *stages = NULL;
	double s = 0;
	char *text;

	if (!kmsg_init_uptime(kmsg, &s))
		json_object_set_new(doc, "l2_userspace_s", json_real(s));
	text = read_text(status, STATUS_MAX);
	if (text && !realtime_offset(&s))
		stages = probe_cloud_init_stages(text, s);
	if (stages)
		json_object_set_new(doc, "cloud_init", stages);
	free(text);
}
