// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "text.h"

/*
 * The length of the valid UTF-8 sequence at @s (1 to 4), or 0 when @s does
 * not start one: overlong forms, surrogates and code points above U+10FFFF
 * are not valid.  *cp gets the code point.
 */
static size_t text_utf8(const unsigned char *s, unsigned int *cp)
{
	size_t len;
	unsigned int min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* C0, DEL and C1: what a terminal may act on. */
static bool text_is_control(unsigned int cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

const char *text_term(const char *in)
{
	static char slots[TEXT_SLOTS][TEXT_SLOT_SIZE];
	static unsigned int next;
	char *out = slots[next++ % TEXT_SLOTS];
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t n = 0;

	while (*s && n + 1 < TEXT_SLOT_SIZE) {
		unsigned int cp;
		size_t len = text_utf8(s, &cp);

		if (!len || text_is_control(cp) || n + len >= TEXT_SLOT_SIZE) {
			out[n++] = '?';
			s += len ? len : 1;
			continue;
		}
		memcpy(out + n, s, len);
		n += len;
		s += len;
	}
	out[n] = '\0';
	return out;
}

bool text_is_clean(const char *in)
{
	const unsigned char *s = (const unsigned char *)in;

	while (*s) {
		unsigned int cp;
		size_t len = text_utf8(s, &cp);

		if (!len || (text_is_control(cp) && cp != '\t'))
			return false;
		s += len;
	}
	return true;
}

void text_md(FILE *out, const char *in)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");

	while (*s) {
		unsigned int cp;
		size_t len = text_utf8(s, &cp);

		if (!len || (text_is_control(cp) && cp != '\n' && cp != '\t')) {
			fputc('?', out);
			s += len ? len : 1;
			continue;
		}
		if (cp == '\n' || cp == '\t')
			fputc(' ', out);
		else if (cp < 0x80 && strchr("\\`*_[]<>|~&$", (int)cp))
			fprintf(out, "\\%c", (int)cp);
		else
			fwrite(s, 1, len, out);
		s += len;
	}
}

void text_md_code(FILE *out, const char *in)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");

	while (*s) {
		unsigned int cp;
		size_t len = text_utf8(s, &cp);

		if (!len) {
			fputc('?', out);
			s++;
			continue;
		}
		if (text_is_control(cp))
			fputc(cp == '\n' || cp == '\t' ? ' ' : '?', out);
		else if (cp == '`')
			fputc('\'', out);
		else
			fwrite(s, 1, len, out);
		s += len;
	}
}

void text_md_url(FILE *out, const char *in)
{
	for (const unsigned char *s = (const unsigned char *)in; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("/._~-", *s))
			fputc(*s, out);
		else
			fprintf(out, "%%%02X", *s);
	}
}

json_t *text_json(const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	char *buf;
	size_t n = 0;
	json_t *str;

	buf = malloc(strlen(in) * 4 + 1);
	if (!buf)
		return NULL;
	while (*s) {
		unsigned int cp;
		size_t len = text_utf8(s, &cp);

		if (!len) {
			n += (size_t)sprintf(buf + n, "\\x%02X", *s++);
			continue;
		}
		memcpy(buf + n, s, len);
		n += len;
		s += len;
	}
	buf[n] = '\0';
	str = json_string(buf);
	free(buf);
	return str;
}
