// SPDX-License-Identifier: GPL-2.0
/*
 * A LAVA job's log read back (lava.h): the console lines L1 printed, the
 * evidence micro-lava framed among them, the test cases it reported and
 * what LAVA said about the QEMU it ran.  Nothing here prints.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lava.h"
#include "util.h"
#include "yaml-json.h"

#define FRAME_STATUS "EXITSCOPE-STATUS: "
#define FRAME_DOCUMENT "EXITSCOPE-DOCUMENT: "
#define FRAME_OUT "EXITSCOPE-OUT: "
#define FRAME_CPU "EXITSCOPE-CPU: "
#define FRAME_END "EXITSCOPE-END "

/* A framed stream's lines, each ended by a newline, and how many. */
struct text {
	struct util_buf buf;
	size_t lines;
};

static int text_line(struct text *t, const char *line, size_t len)
{
	if (util_buf_add(&t->buf, line, len) < 0 || util_buf_add(&t->buf, "\n", 1) < 0)
		return -ENOMEM;
	t->lines++;
	return 0;
}

struct log_scan {
	struct lava_evidence *ev;
	struct text console, status, document, archive;
	long end_status, end_second;	/* the END line's counts, -1 before */
	char end_second_name[16];	/* "document" (micro) or "out" (nested) */
};

/* LAVA backslashes a console's double quotes (shell.py); the console log gets them back. */
static int console_line(struct text *t, const char *msg, size_t len)
{
	char *line = malloc(len + 1);
	size_t n = 0;
	int r;

	if (!line)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\\' && i + 1 < len && msg[i + 1] == '"'))
			line[n++] = msg[i];
	r = text_line(t, line, n);
	free(line);
	return r;
}

/* One console line: kept, and when framed, kept as evidence too. */
static int scan_target(struct log_scan *s, const char *msg)
{
	size_t len = strcspn(msg, "\r\n");
	int r = console_line(&s->console, msg, len);

	if (r)
		return r;
	if (!strncmp(msg, FRAME_CPU, strlen(FRAME_CPU))) {
		snprintf(s->ev->cpu_vendor, sizeof(s->ev->cpu_vendor), "%.*s",
			 (int)(len - strlen(FRAME_CPU)), msg + strlen(FRAME_CPU));
		return 0;
	}
	if (!strncmp(msg, FRAME_STATUS, strlen(FRAME_STATUS)))
		return text_line(&s->status, msg + strlen(FRAME_STATUS), len - strlen(FRAME_STATUS));
	if (!strncmp(msg, FRAME_DOCUMENT, strlen(FRAME_DOCUMENT)))
		return text_line(&s->document, msg + strlen(FRAME_DOCUMENT),
				 len - strlen(FRAME_DOCUMENT));
	if (!strncmp(msg, FRAME_OUT, strlen(FRAME_OUT)))
		return text_line(&s->archive, msg + strlen(FRAME_OUT), len - strlen(FRAME_OUT));
	if (!strncmp(msg, FRAME_END, strlen(FRAME_END)) &&
	    sscanf(msg + strlen(FRAME_END), "status=%ld %15[a-z]=%ld", &s->end_status,
		   s->end_second_name, &s->end_second) != 3)
		s->end_status = s->end_second = -1;
	return 0;
}

/* LAVA names a definition's cases "<index>_<name>". */
static bool definition_is_ours(const char *definition)
{
	const char *name = definition ? strchr(definition, '_') : NULL;

	return name && (!strcmp(name + 1, LAVA_TESTDEF_MICRO) ||
			!strcmp(name + 1, LAVA_TESTDEF_NESTED));
}

static void scan_result(struct lava_evidence *ev, json_t *msg)
{
	static const char *const cases[] = LAVA_CASES;
	const char *definition = json_string_value(json_object_get(msg, "definition"));
	const char *name = json_string_value(json_object_get(msg, "case"));
	const char *result = json_string_value(json_object_get(msg, "result"));
	int pass = result && !strcmp(result, "pass");

	if (!definition || !name || !result)
		return;
	if (!strcmp(definition, "lava") && !strcmp(name, "job")) {
		ev->job = pass;
		snprintf(ev->job_error, sizeof(ev->job_error), "%s",
			 json_string_value(json_object_get(msg, "error_msg")) ?: "");
		return;
	}
	if (!definition_is_ours(definition))
		return;
	for (size_t i = 0; i < LAVA_NR_CASES; i++)
		if (!strcmp(name, cases[i]))
			ev->cases[i] = pass;
}

static int scan_record(struct log_scan *s, json_t *record)
{
	const char *lvl = json_string_value(json_object_get(record, "lvl"));
	const char *dt = json_string_value(json_object_get(record, "dt"));
	json_t *msg = json_object_get(record, "msg");
	struct lava_evidence *ev = s->ev;

	if (!lvl || !dt)
		return 0;
	if (!ev->records++)
		snprintf(ev->first_dt, sizeof(ev->first_dt), "%s", dt);
	snprintf(ev->last_dt, sizeof(ev->last_dt), "%s", dt);
	if (!strcmp(lvl, "target") && json_is_string(msg))
		return scan_target(s, json_string_value(msg));
	if (!strcmp(lvl, "results") && json_is_object(msg))
		scan_result(ev, msg);
	else if (!strcmp(lvl, "info") && json_is_string(msg) && !ev->qemu_version[0])
		lava_qemu_version(json_string_value(msg), ev->qemu_version,
				  sizeof(ev->qemu_version));
	return 0;
}

/* One "{...}" or "- {...}" line as a record; anything else is not one. */
static json_t *record_parse(const char *line, size_t len)
{
	char err[128];
	json_t *doc, *record;
	bool listed = len >= 3 && !strncmp(line, "- {", 3);

	if (!listed && (len < 1 || line[0] != '{'))
		return NULL;
	doc = yaml_load_json(line, len, err, sizeof(err));
	record = json_incref(listed ? json_array_get(doc, 0) : doc);
	json_decref(doc);
	if (!json_is_object(record)) {
		json_decref(record);
		return NULL;
	}
	return record;
}

static int scan_text(struct log_scan *s, const char *text)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		json_t *record = record_parse(line, len);
		int r = record ? scan_record(s, record) : 0;

		json_decref(record);
		if (r)
			return r;
		line += len + (line[len] == '\n');
	}
	return 0;
}

static char *text_take(struct text *t)
{
	char *s = t->buf.text ? t->buf.text : strdup("");

	t->buf.text = NULL;
	return s;
}

static int b64_value(char c)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(digits, c) : NULL;

	return p ? (int)(p - digits) : -1;
}

/*
 * Base64 lines (newlines between them, '=' padding at the end) decoded in
 * place and NUL-terminated: the bytes decoded, or -EINVAL when @s is not
 * base64.
 */
static long b64_decode(char *s)
{
	unsigned int acc = 0, bits = 0;
	size_t out = 0;
	bool padded = false;

	for (const char *p = s; *p; p++) {
		int v;

		if (*p == '\n')
			continue;
		if (*p == '=') {
			padded = true;
			continue;
		}
		v = b64_value(*p);
		if (v < 0 || padded)
			return -EINVAL;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			s[out++] = (char)((acc >> bits) & 0xff);
		}
	}
	s[out] = '\0';
	return (long)out;
}

/* Text only: a NUL inside would cut it short unseen. */
static int b64_decode_text(char *s)
{
	long n = b64_decode(s);

	return n >= 0 && strlen(s) == (size_t)n ? 0 : -EINVAL;
}

/* Which stream the END line's second count is of, and how many lines that stream has. */
static size_t end_second_lines(const struct log_scan *s)
{
	return !strcmp(s->end_second_name, "out") ? s->archive.lines : s->document.lines;
}

static int evidence_decode(struct lava_evidence *ev)
{
	long n;

	if (b64_decode_text(ev->status) < 0 || b64_decode_text(ev->document) < 0)
		return -EINVAL;
	if (!ev->archive)
		return 0;
	n = b64_decode(ev->archive);
	if (n < 0)
		return -EINVAL;
	ev->archive_len = (size_t)n;
	return 0;
}

int lava_log_read(const char *text, struct lava_evidence *ev, char *err, size_t size)
{
	struct log_scan s = { .ev = ev, .end_status = -1, .end_second = -1 };
	bool nested;
	int r;

	memset(ev, 0, sizeof(*ev));
	ev->job = -1;
	for (size_t i = 0; i < LAVA_NR_CASES; i++)
		ev->cases[i] = -1;
	r = scan_text(&s, text);
	nested = s.archive.lines > 0;
	ev->console = text_take(&s.console);
	ev->status = text_take(&s.status);
	ev->document = text_take(&s.document);
	ev->archive = nested ? text_take(&s.archive) : NULL;
	if (r || !ev->console || !ev->status || !ev->document || (nested && !ev->archive)) {
		snprintf(err, size, "out of memory");
		return -ENOMEM;
	}
	ev->end_seen = s.end_status >= 0 && (size_t)s.end_status == s.status.lines &&
		       (size_t)s.end_second == end_second_lines(&s);
	if (!ev->records) {
		snprintf(err, size, "no LAVA log records (lines \"- {dt: ..., lvl: ..., msg: ...}\")");
		return -EINVAL;
	}
	if (s.end_status >= 0 && !ev->end_seen) {
		snprintf(err, size, "the evidence is incomplete: L1 framed %ld status and %ld %s "
			 "lines, the log holds %zu and %zu", s.end_status, s.end_second,
			 s.end_second_name, s.status.lines, end_second_lines(&s));
		return -EINVAL;
	}
	if (evidence_decode(ev) < 0) {
		snprintf(err, size, "the framed evidence is not base64");
		return -EINVAL;
	}
	return 0;
}

void lava_evidence_free(struct lava_evidence *ev)
{
	free(ev->console);
	free(ev->status);
	free(ev->document);
	free(ev->archive);
	ev->console = ev->status = ev->document = ev->archive = NULL;
}

int lava_qemu_version(const char *line, char *out, size_t size)
{
	static const char debian[] = "qemu-system-x86, installed at version: ";
	static const char raw[] = "qemu, installed at version: ";
	char version[128];

	if (!strncmp(line, debian, strlen(debian))) {
		const char *upstream;
		size_t n;

		if (sscanf(line + strlen(debian), "%127[^,]", version) != 1)
			return -EINVAL;
		/* 1:10.0.2+ds-2+deb13u1~bpo12+1: no epoch, up to the first +, ~ or -. */
		upstream = strchr(version, ':') ? strchr(version, ':') + 1 : version;
		n = strcspn(upstream, "+~-");
		snprintf(out, size, "QEMU emulator version %.*s (Debian %s)", (int)n, upstream, version);
		return 0;
	}
	if (!strncmp(line, raw, strlen(raw)) &&
	    sscanf(line + strlen(raw), "%127[^,]", version) == 1) {
		snprintf(out, size, "QEMU emulator version %s", version);
		return 0;
	}
	return -EINVAL;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	int r = util_pathf(path, sizeof(path), "%s/%s", dir, name);

	return r < 0 ? r : util_write_atomic(path, text, strlen(text));
}

int lava_evidence_write(const char *run_dir, const struct lava_evidence *ev)
{
	char out[PATH_MAX + 16];
	int r = util_pathf(out, sizeof(out), "%s/out", run_dir);

	if (r < 0 || (r = util_mkdirs(out)) < 0)
		return r;
	if ((r = write_text(run_dir, "l1-console.log", ev->console)) < 0 ||
	    (r = write_text(run_dir, "status.log", ev->status)) < 0)
		return r;
	if (!ev->archive)
		return write_text(run_dir, "out/micro.json", ev->document);
	r = util_pathf(out, sizeof(out), "%s/%s", run_dir, LAVA_OUT_ARCHIVE);
	return r < 0 ? r : util_write_atomic(out, ev->archive, ev->archive_len);
}

/* LAVA's "2026-11-30T01:07:06.123456" (UTC) in seconds; 0 when it is not one. */
static double dt_seconds(const char *dt)
{
	struct tm tm = { 0 };
	const char *rest = strptime(dt, "%Y-%m-%dT%H:%M:%S", &tm);

	if (!rest)
		return 0;
	return (double)timegm(&tm) + (*rest == '.' ? strtod(rest, NULL) : 0);
}

void lava_record_apply(struct run_record *rec, const struct lava_evidence *ev)
{
	double first = dt_seconds(ev->first_dt), last = dt_seconds(ev->last_dt);

	if (ev->qemu_version[0])
		snprintf(rec->qemu_version, sizeof(rec->qemu_version), "%s", ev->qemu_version);
	if (first > 0 && last >= first) {
		rec->started = (time_t)first;
		rec->duration_s = last - first;
	}
	rec->n_events = 0;
	memset(rec->stage_s, 0, sizeof(rec->stage_s));
	/* Under KVM, L1 has the worker's CPU (-cpu host), whose vendor decides the ISA. */
	if (rec->accel == ACCEL_KVM && ev->cpu_vendor[0]) {
		snprintf(rec->cpu_vendor, sizeof(rec->cpu_vendor), "%s", ev->cpu_vendor);
		rec->isa = launch_l1_isa(ACCEL_KVM, rec->cpu_vendor);
	}
}
