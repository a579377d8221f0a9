// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

static int strv_take(struct strv *sv, char *owned)
{
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(owned);
			return -ENOMEM;
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = owned;
	sv->v[sv->n] = NULL;
	return 0;
}

int strv_add(struct strv *sv, const char *s)
{
	char *copy = strdup(s);

	return copy ? strv_take(sv, copy) : -ENOMEM;
}

int strv_addf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	return len < 0 ? -ENOMEM : strv_take(sv, s);
}

int strv_addv(struct strv *sv, const char *const *list)
{
	for (; *list; list++) {
		int r = strv_add(sv, *list);

		if (r < 0)
			return r;
	}
	return 0;
}

char *strv_join(const struct strv *sv)
{
	size_t len = 1;
	char *line, *p;

	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + 1;
	line = malloc(len);
	if (!line)
		return NULL;
	p = line;
	*p = '\0';
	for (size_t i = 0; i < sv->n; i++)
		p += sprintf(p, "%s%s", i ? " " : "", sv->v[i]);
	return line;
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strv){ 0 };
}
