// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define PLACEHOLDER_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* One line into @s; 1 for a scenario, 0 for a comment or blank, -EINVAL otherwise. */
static int scenario_parse_line(const char *line, struct scenario *s)
{
	char kernel[16];
	int probe_at = 0;

	line += strspn(line, " \t");
	if (!*line || *line == '#' || *line == '\n')
		return 0;
	memset(s, 0, sizeof(*s));
	if (sscanf(line, "%31s %15s %15s %u %n", s->name, s->stage, kernel, &s->timeout_s,
		   &probe_at) != 4 || !probe_at)
		return -EINVAL;
	if (strcmp(s->stage, "runcmd") && strcmp(s->stage, "bootcmd"))
		return -EINVAL;
	if (strcmp(kernel, "patched") && strcmp(kernel, "stock"))
		return -EINVAL;
	s->stock = !strcmp(kernel, "stock");
	snprintf(s->probe, sizeof(s->probe), "%.*s", (int)strcspn(line + probe_at, "\n"),
		 line + probe_at);
	return s->probe[0] && s->timeout_s ? 1 : -EINVAL;
}

int scenario_find(const char *cfg, const char *name, struct scenario *s, int *line)
{
	int number = 0;

	for (const char *at = cfg; *at;) {
		const char *eol = strchrnul(at, '\n');
		char text[512];
		int r;

		number++;
		snprintf(text, sizeof(text), "%.*s", (int)(eol - at), at);
		r = scenario_parse_line(text, s);
		if (r < 0) {
			*line = number;
			return r;
		}
		if (r > 0 && !strcmp(s->name, name))
			return 0;
		at = *eol ? eol + 1 : eol;
	}
	return -ENOENT;
}

void scenario_list(const char *cfg, FILE *out)
{
	for (const char *at = cfg; *at;) {
		const char *eol = strchrnul(at, '\n');
		struct scenario s;
		char text[512];

		snprintf(text, sizeof(text), "%.*s", (int)(eol - at), at);
		if (scenario_parse_line(text, &s) > 0)
			fprintf(out, "  %-8s %s\n", s.name, s.probe);
		at = *eol ? eol + 1 : eol;
	}
}

static const char *pair_value(const char *const *pairs, const char *key, size_t key_len)
{
	for (; pairs[0] && pairs[1]; pairs += 2)
		if (strlen(pairs[0]) == key_len && !strncmp(pairs[0], key, key_len))
			return pairs[1];
	return NULL;
}

char *template_render(const char *template, const char *const *pairs)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool ok = f != NULL;

	for (const char *at = template; ok && *at;) {
		const char *open = strchr(at, '@'), *close = open ? strchr(open + 1, '@') : NULL;
		const char *value;

		if (!close) {
			fputs(at, f);
			break;
		}
		fwrite(at, 1, open - at, f);
		if (close == open + 1 || strspn(open + 1, PLACEHOLDER_CHARS) != (size_t)(close - open - 1)) {
			/* Not a placeholder (an address, a lone @): literal text. */
			fputc('@', f);
			at = open + 1;
			continue;
		}
		value = pair_value(pairs, open + 1, close - open - 1);
		/* A placeholder without a value would reach a guest as literal text. */
		ok = value != NULL;
		if (ok)
			fputs(value, f);
		at = close + 1;
	}
	if (f)
		fclose(f);
	if (!ok) {
		free(text);
		return NULL;
	}
	return text;
}
